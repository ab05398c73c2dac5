package bench_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/simhash"
)

var large = flag.Bool("bench.large", false,
	"also benchmark detectors holding 1 M documents (default options; about a minute to build, 1 GB)")

// articleWords is the length of a typical news article.
const articleWords = 600

type input struct {
	name string
	text []byte
}

// signInputs returns the documents of 1 KB, 10 KB and 100 KB and the
// 600-word article that signing is measured on.
func signInputs(c *bench.Corpus) []input {
	return []input{
		{"article600", c.AppendArticle(nil, 0, articleWords)},
		{"1KB", c.AppendDocument(nil, 1, 1<<10)},
		{"10KB", c.AppendDocument(nil, 2, 10<<10)},
		{"100KB", c.AppendDocument(nil, 3, 100<<10)},
	}
}

// perSecond reports n events per op as a rate.
func perSecond(b *testing.B, n float64, unit string) {
	b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), unit)
}

// perDoc reports the time per op in microseconds and the ops per second.
func perDoc(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/doc")
	perSecond(b, 1, "docs/s")
}

// BenchmarkSign measures the whole signing pipeline (normalization, word
// 5-shingles, MinHash k=128, SimHash) as a caller of neardup runs it.
func BenchmarkSign(b *testing.B) {
	c := newCorpus(b, bench.Params{})
	for _, in := range signInputs(c) {
		b.Run(in.name, func(b *testing.B) {
			s, err := neardup.NewSigner(neardup.Options{})
			if err != nil {
				b.Fatal(err)
			}
			s.Sign(in.text)
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			for b.Loop() {
				s.Sign(in.text)
			}
			perSecond(b, 1, "docs/s")
		})
	}
}

// BenchmarkStages measures each stage of the signing pipeline on the same
// inputs, each stage fed with the output of the previous one computed once
// outside the timed loop. Reading: normalize.Append and normalize.Tokenize
// in MB/s of text and Mtokens/s; shingle hashing and de-duplication in
// Mshingles/s; MinHash in µs/doc and ns/shingle (per distinct shingle);
// SimHash in ns/shingle; Signer.Sign is the whole pipeline for reference.
func BenchmarkStages(b *testing.B) {
	c := newCorpus(b, bench.Params{})
	ins := signInputs(c)
	ins = []input{ins[0], ins[3]} // the article and 100 KB
	type prepared struct {
		input
		toks     normalize.Tokens
		shingles []uint64
		set      []uint64
	}
	var preps []*prepared
	for _, in := range ins {
		p := &prepared{input: in}
		normalize.Tokenize(&p.toks, in.text, normalize.Options{})
		p.shingles = shingle.AppendWords(nil, &p.toks, shingle.DefaultSize)
		var d shingle.Deduper
		p.set = d.AppendDistinct(nil, p.shingles)
		preps = append(preps, p)
	}
	stage := func(name string, fn func(b *testing.B, p *prepared)) {
		b.Run(name, func(b *testing.B) {
			for _, p := range preps {
				b.Run(p.name, func(b *testing.B) {
					b.ReportAllocs()
					fn(b, p)
				})
			}
		})
	}
	stage("normalize.Append", func(b *testing.B, p *prepared) {
		buf := normalize.Append(nil, p.text, normalize.Options{})
		b.SetBytes(int64(len(p.text)))
		for b.Loop() {
			buf = normalize.Append(buf[:0], p.text, normalize.Options{})
		}
		perSecond(b, float64(p.toks.Len())/1e6, "Mtokens/s")
	})
	stage("normalize.Tokenize", func(b *testing.B, p *prepared) {
		var toks normalize.Tokens
		normalize.Tokenize(&toks, p.text, normalize.Options{})
		b.SetBytes(int64(len(p.text)))
		for b.Loop() {
			normalize.Tokenize(&toks, p.text, normalize.Options{})
		}
		perSecond(b, float64(toks.Len())/1e6, "Mtokens/s")
	})
	stage("shingle.AppendWords", func(b *testing.B, p *prepared) {
		buf := shingle.AppendWords(nil, &p.toks, shingle.DefaultSize)
		for b.Loop() {
			buf = shingle.AppendWords(buf[:0], &p.toks, shingle.DefaultSize)
		}
		perSecond(b, float64(len(buf))/1e6, "Mshingles/s")
	})
	stage("shingle.Deduper", func(b *testing.B, p *prepared) {
		var d shingle.Deduper
		set := d.AppendDistinct(nil, p.shingles)
		for b.Loop() {
			set = d.AppendDistinct(set[:0], p.shingles)
		}
		perSecond(b, float64(len(p.shingles))/1e6, "Mshingles/s")
	})
	stage("minhash.Sign", func(b *testing.B, p *prepared) {
		mh := minhash.Params{K: minhash.DefaultK}
		var sig minhash.Signature
		mh.Sign(&sig, p.set)
		for b.Loop() {
			mh.Sign(&sig, p.set)
		}
		perDocShingles(b, len(p.set))
	})
	stage("simhash.Sum", func(b *testing.B, p *prepared) {
		var h uint64
		for b.Loop() {
			h = simhash.Sum(p.set)
		}
		_ = h
		perDocShingles(b, len(p.set))
	})
	stage("Signer.Sign", func(b *testing.B, p *prepared) {
		s, err := neardup.NewSigner(neardup.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Sign(p.text)
		b.SetBytes(int64(len(p.text)))
		for b.Loop() {
			s.Sign(p.text)
		}
		perSecond(b, 1, "docs/s")
	})
}

// perDocShingles reports µs per document and ns per shingle for n shingles
// per op.
func perDocShingles(b *testing.B, n int) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns/1e3, "µs/doc")
	b.ReportMetric(ns/float64(n), "ns/shingle")
}

func sizeName(n int) string {
	switch {
	case n >= 1e6 && n%1e6 == 0:
		return strconv.Itoa(n/1e6) + "M"
	case n >= 1e3 && n%1e3 == 0:
		return strconv.Itoa(n/1e3) + "k"
	}
	return strconv.Itoa(n)
}

// buildDetector returns a detector holding the 600-word articles 0 to n-1 of
// c, under the IDs "0" to "n-1".
func buildDetector(tb testing.TB, c *bench.Corpus, opt neardup.Options, n int) *neardup.Detector {
	tb.Helper()
	d, err := neardup.New(opt)
	if err != nil {
		tb.Fatal(err)
	}
	var buf []byte
	for i := range n {
		buf = c.AppendArticle(buf[:0], uint64(i), articleWords)
		if _, err := d.Add(strconv.Itoa(i), buf); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// freshDocs returns the m articles that follow the first n: new documents,
// a tenth of them near-duplicates of indexed ones.
func freshDocs(c *bench.Corpus, n, m int) (docs [][]byte, bytes int) {
	for i := range m {
		d := c.AppendArticle(nil, uint64(n+i), articleWords)
		docs = append(docs, d)
		bytes += len(d)
	}
	return docs, bytes
}

// removeBatch is the number of timed Adds after which the added documents
// are removed, untimed, to keep the detector at its nominal size.
const removeBatch = 256

// BenchmarkDetector measures Add (sign, LSH candidates, verification,
// insertion; with Passages also fingerprinting, alignment and repeats) and
// Query of fresh 600-word articles on a detector already holding 10 k or
// 100 k articles (1 M with -bench.large, default options only). A tenth of
// the fresh articles are near-duplicates of indexed ones, as in the indexed
// collection. The index is built once per options and size, outside the
// timed loops.
func BenchmarkDetector(b *testing.B) {
	c := newCorpus(b, bench.Params{})
	sizes := []int{10_000, 100_000}
	if *large {
		sizes = append(sizes, 1_000_000)
	}
	configs := []struct {
		name string
		opt  neardup.Options
	}{
		{"default", neardup.Options{}},
		{"KeepShingles", neardup.Options{KeepShingles: true}},
		{"Passages", neardup.Options{Passages: true}},
	}
	ids := make([]string, removeBatch)
	for i := range ids {
		ids[i] = "fresh-" + strconv.Itoa(i)
	}
	for _, cfg := range configs {
		b.Run(cfg.name, func(b *testing.B) {
			for _, n := range sizes {
				if n > 100_000 && cfg.name != "default" {
					continue
				}
				b.Run(sizeName(n), func(b *testing.B) {
					start := time.Now()
					d := buildDetector(b, c, cfg.opt, n)
					b.Logf("built a %s detector of %d articles in %v", cfg.name, n, time.Since(start).Round(time.Millisecond))
					fresh, total := freshDocs(c, n, 4*removeBatch)
					avg := int64(total / len(fresh))
					b.Run("Add", func(b *testing.B) {
						b.SetBytes(avg)
						b.ReportAllocs()
						k, matches := 0, 0
						for b.Loop() {
							res, err := d.Add(ids[k%removeBatch], fresh[k%len(fresh)])
							if err != nil {
								b.Fatal(err)
							}
							matches += len(res.Matches)
							k++
							if k%removeBatch == 0 {
								b.StopTimer()
								removeAll(b, d, ids)
								b.StartTimer()
							}
						}
						removeAll(b, d, ids[:k%removeBatch])
						perDoc(b)
						b.ReportMetric(float64(matches)/float64(k), "matches/doc")
					})
					b.Run("Query", func(b *testing.B) {
						b.SetBytes(avg)
						b.ReportAllocs()
						k, matches := 0, 0
						for b.Loop() {
							matches += len(d.Query(fresh[k%len(fresh)]).Matches)
							k++
						}
						perDoc(b)
						b.ReportMetric(float64(matches)/float64(k), "matches/doc")
					})
					if d.Len() != n {
						b.Fatalf("detector holds %d documents after the benchmark, want %d", d.Len(), n)
					}
				})
			}
		})
	}
}

func removeAll(tb testing.TB, d *neardup.Detector, ids []string) {
	for _, id := range ids {
		if err := d.Remove(id); err != nil {
			tb.Fatal(err)
		}
	}
}

// repeatedArticle returns a 10 KB article (a headline, then a body of about
// 5 KB twice, as a scraper that captured the page twice produces) and the
// byte offset where the second copy of the body starts.
func repeatedArticle(c *bench.Corpus) ([]byte, int) {
	text := c.AppendArticle(nil, 100, 12)
	text = append(text, '\n')
	body := c.AppendDocument(nil, 101, 5<<10-len(text)/2-1)
	text = append(text, body...)
	text = append(text, '\n')
	second := len(text)
	return append(text, body...), second
}

// BenchmarkRepeats measures neardup.Repeats on a 10 KB article whose body
// appears twice.
func BenchmarkRepeats(b *testing.B) {
	c := newCorpus(b, bench.Params{})
	text, _ := repeatedArticle(c)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var f neardup.RepeatFinder
	ps := f.Find(nil, text)
	for b.Loop() {
		ps = f.Find(ps[:0], text)
	}
	if len(ps) == 0 {
		b.Fatal("no repeat found")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/doc")
}

// TestBenchmarkInputs checks, on a small scale, what the benchmarks rely on:
// the input sizes, the repeated body found whole by Repeats, and a detector
// over the collection finding the near-duplicates and little else.
func TestBenchmarkInputs(t *testing.T) {
	c := newCorpus(t, bench.Params{})
	for _, in := range signInputs(c) {
		want := map[string]int{"1KB": 1 << 10, "10KB": 10 << 10, "100KB": 100 << 10}[in.name]
		if in.name == "article600" {
			if n := len(words(in.text)); n != articleWords {
				t.Errorf("article has %d words", n)
			}
		} else if len(in.text) > want || len(in.text) < want-64 {
			t.Errorf("%s input has %d bytes", in.name, len(in.text))
		}
	}

	text, second := repeatedArticle(c)
	if len(text) > 10<<10 || len(text) < 10<<10-128 {
		t.Errorf("repeated article has %d bytes, want about 10 KB", len(text))
	}
	ps, err := neardup.Repeats(text, neardup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Start != second || ps[0].End != len(text) {
		t.Errorf("Repeats = %+v, want one passage [%d, %d)", ps, second, len(text))
	}

	const n = 400
	d := buildDetector(t, c, neardup.Options{KeepShingles: true}, n)
	fresh, _ := freshDocs(c, n, 100)
	s, err := neardup.NewSigner(neardup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found, want, falsePos := 0, 0, 0
	for k, doc := range fresh {
		res := d.Query(doc)
		src, _, dup := c.Source(uint64(n + k))
		// Exact verification (KeepShingles) reports exactly the indexed
		// sources at Jaccard >= 0.8; about a third of the near-duplicates
		// lie below.
		if dup && src < n && jaccard(s, doc, c.AppendArticle(nil, src, articleWords)) >= 0.8 {
			want++
		}
		for _, m := range res.Matches {
			if dup && m.ID == fmt.Sprint(src) {
				found++
			} else {
				falsePos++
			}
		}
	}
	if want < 4 || found != want || falsePos != 0 {
		t.Errorf("found %d near-duplicates of %d at Jaccard >= 0.8, and %d other matches", found, want, falsePos)
	}
}

// BenchmarkSnapshot measures a persistent detector of 10 k or 100 k
// articles (1 M with -bench.large), default options: writing a snapshot,
// with the snapshot's size per document, and opening the directory again
// (reading the snapshot, whose body carries the LSH band tables, loaded
// as they are rather than rebuilt; BenchmarkSnapshotBody in package
// neardup compares with the older body that had them rebuilt).
func BenchmarkSnapshot(b *testing.B) {
	c := newCorpus(b, bench.Params{})
	sizes := []int{10_000, 100_000}
	if *large {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := b.TempDir()
			opt := neardup.Options{Durability: neardup.SyncBatch, SnapshotBytes: -1}
			d, err := neardup.Open(dir, opt)
			if err != nil {
				b.Fatal(err)
			}
			var buf []byte
			for i := range n {
				buf = c.AppendArticle(buf[:0], uint64(i), articleWords)
				if _, err := d.Add(strconv.Itoa(i), buf); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("Write", func(b *testing.B) {
				for b.Loop() {
					if err := d.Snapshot(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/doc")
				info, err := os.Stat(filepath.Join(dir, neardup.SnapshotFile))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(info.Size())/float64(n), "file-B/doc")
			})
			if err := d.Close(); err != nil {
				b.Fatal(err)
			}
			b.Run("Reopen", func(b *testing.B) {
				for b.Loop() {
					d, err := neardup.Open(dir, opt)
					if err != nil {
						b.Fatal(err)
					}
					if d.Len() != n {
						b.Fatalf("reopened with %d documents", d.Len())
					}
					d.Close()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/doc")
			})
		})
	}
}
