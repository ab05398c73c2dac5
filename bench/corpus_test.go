package bench_test

import (
	"bytes"
	"errors"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench"
)

const seedDir = "../testdata/seeds"

func newCorpus(tb testing.TB, p bench.Params) *bench.Corpus {
	tb.Helper()
	seeds, err := bench.ReadSeeds(seedDir)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := bench.NewCorpus(seeds, p)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// words splits a generated document as the generator counts words.
func words(doc []byte) []string {
	return strings.FieldsFunc(string(doc), func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
	})
}

// TestCorpusGolden pins the generator output: every benchmark input (and the
// peer comparison) depends on it, so a change must be deliberate.
func TestCorpusGolden(t *testing.T) {
	sum := func(c *bench.Corpus) uint64 {
		h := fnv.New64a()
		var buf []byte
		for i := range uint64(50) {
			buf = c.AppendDocument(buf[:0], i, 4096)
			h.Write(buf)
		}
		h.Write(c.AppendDocument(nil, 1000, 100<<10))
		h.Write(c.AppendArticle(nil, 7, 600))
		h.Write(c.AppendVariant(nil, 3, 2048, 0.3, 11))
		return h.Sum64()
	}
	a, b := newCorpus(t, bench.Params{}), newCorpus(t, bench.Params{})
	if sa, sb := sum(a), sum(b); sa != sb {
		t.Fatalf("two corpora with the same seeds differ: %#x != %#x", sa, sb)
	}
	const want uint64 = 0x3bbc431f3f2532bb
	if got := sum(a); got != want {
		t.Errorf("generator output checksum %#x, want %#x", got, want)
	}
	if got := sum(newCorpus(t, bench.Params{Seed: 1})); got == want {
		t.Errorf("Seed 1 gives the same corpus as Seed 0")
	}
	if a.Paragraphs() != 126 || a.Words() != 3658 {
		t.Errorf("seed paragraphs/words = %d/%d, want 126/3658 (article 001's repeated body used once)",
			a.Paragraphs(), a.Words())
	}
}

func TestCorpusLengths(t *testing.T) {
	c := newCorpus(t, bench.Params{})
	maxWord := 0
	for _, w := range words(c.AppendVariant(nil, 0, 1<<20, 0, 0)) {
		maxWord = max(maxWord, len(w))
	}
	for _, size := range []int{1, 10, 100, 1 << 10, 10 << 10, 100 << 10} {
		for i := range uint64(20) {
			doc := c.AppendDocument(nil, i, size)
			if len(doc) > size || (size >= 100 && len(doc) < size-maxWord-1) {
				t.Errorf("document %d of size %d has %d bytes", i, size, len(doc))
			}
		}
	}
	for _, n := range []int{1, 5, 600, 3000} {
		if got := len(words(c.AppendArticle(nil, 19, n))); got != n {
			t.Errorf("AppendArticle(%d words) has %d words", n, got)
		}
	}
	prefix := []byte("prefix")
	doc := c.AppendDocument(prefix, 3, 1024)
	if !bytes.HasPrefix(doc, prefix) || !bytes.Equal(doc[len(prefix):], c.AppendDocument(nil, 3, 1024)) {
		t.Errorf("AppendDocument does not append to dst")
	}
	if len(c.AppendDocument(nil, 0, 0)) != 0 || len(c.AppendArticle(nil, 0, -1)) != 0 {
		t.Errorf("empty limits give a non-empty document")
	}
	if !bytes.HasPrefix(c.AppendDocument(nil, 5, 100<<10), c.AppendDocument(nil, 5, 1<<10)[:900]) {
		t.Errorf("a shorter document is not a prefix of the longer one")
	}
}

// jaccard is the exact Jaccard similarity of two texts' distinct word
// 5-shingles, through neardup's own pipeline.
func jaccard(s *neardup.Signer, a, b []byte) float64 {
	s.Sign(a)
	set := make(map[uint64]bool)
	for _, h := range s.Set() {
		set[h] = true
	}
	s.Sign(b)
	in := 0
	for _, h := range s.Set() {
		if set[h] {
			in++
		}
	}
	return float64(in) / float64(len(set)+len(s.Set())-in)
}

func TestCorpusDuplicates(t *testing.T) {
	c := newCorpus(t, bench.Params{})
	s, err := neardup.NewSigner(neardup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var dupSum, otherSum float64
	const n = 60
	for k := range uint64(n) {
		i := 10*k + 9
		if _, _, ok := c.Source(i - 1); ok {
			t.Fatalf("document %d is a near-duplicate", i-1)
		}
		src, edit, ok := c.Source(i)
		if !ok || src >= i || src%10 == 9 || edit < 0 || edit >= bench.DefaultDuplicateEdit {
			t.Fatalf("Source(%d) = %d, %v, %v", i, src, edit, ok)
		}
		dup := c.AppendArticle(nil, i, 600)
		j := jaccard(s, dup, c.AppendArticle(nil, src, 600))
		if j < 0.55 {
			t.Errorf("near-duplicate %d of %d (edit %.3f): Jaccard %.3f", i, src, edit, j)
		}
		dupSum += j
		o := jaccard(s, c.AppendArticle(nil, i-1, 600), c.AppendArticle(nil, i-2, 600))
		if o > 0.2 {
			t.Errorf("ordinary documents %d and %d: Jaccard %.3f", i-1, i-2, o)
		}
		otherSum += o
	}
	if m := dupSum / n; m < 0.78 || m > 0.9 {
		t.Errorf("mean near-duplicate Jaccard %.3f, want about 0.84", m)
	}
	if m := otherSum / n; m > 0.03 {
		t.Errorf("mean Jaccard of ordinary documents %.4f, want about 0.0075", m)
	}
	// Edits: 0 gives the ordinary document, higher rates lower similarity.
	base := c.AppendDocument(nil, 4, 4096)
	if !bytes.Equal(c.AppendVariant(nil, 4, 4096, 0, 99), base) ||
		!bytes.Equal(c.AppendVariant(nil, 4, 4096, math.NaN(), 99), base) {
		t.Errorf("AppendVariant with no edit differs from the ordinary document")
	}
	prev := 1.0
	for _, e := range []float64{0.02, 0.1, 0.3, 1} {
		j := jaccard(s, base, c.AppendVariant(nil, 4, 4096, e, 1))
		if j >= prev {
			t.Errorf("edit %.2f: Jaccard %.3f, not below %.3f", e, j, prev)
		}
		prev = j
	}
	// No near-duplicates, and verbatim text without substitution.
	plain := newCorpus(t, bench.Params{DuplicateEvery: -1, Substitution: -1, TopicSize: -1})
	if _, _, ok := plain.Source(9); ok {
		t.Errorf("DuplicateEvery -1 still makes near-duplicates")
	}
	seeds, _ := bench.ReadSeeds(seedDir)
	all := string(bytes.Join(seeds, []byte("\n")))
	for _, line := range strings.Split(string(plain.AppendDocument(nil, 1, 4096)), "\n")[:3] {
		if !strings.Contains(all, line) {
			t.Errorf("verbatim document line %q is not in the seeds", line)
		}
	}
}

func TestCorpusTopics(t *testing.T) {
	c := newCorpus(t, bench.Params{})
	s, err := neardup.NewSigner(neardup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byTopic := make(map[uint64][]uint64)
	var docs []uint64
	for i := uint64(2000); i < 2600; i++ {
		tp := c.Topic(i)
		if tp > i/bench.DefaultTopicSize {
			t.Fatalf("Topic(%d) = %d", i, tp)
		}
		if _, _, dup := c.Source(i); !dup {
			byTopic[tp] = append(byTopic[tp], i)
			docs = append(docs, i)
		}
	}
	// Topics 0 to ~260, so about 2 ordinary documents per topic here.
	if len(byTopic) < 150 || len(byTopic) > 300 {
		t.Errorf("%d topics among %d documents", len(byTopic), len(docs))
	}
	sets := make(map[uint64]map[uint64]bool)
	set := func(i uint64) map[uint64]bool {
		if m, ok := sets[i]; ok {
			return m
		}
		s.Sign(c.AppendArticle(nil, i, articleWords))
		m := make(map[uint64]bool)
		for _, h := range s.Set() {
			m[h] = true
		}
		sets[i] = m
		return m
	}
	jac := func(i, j uint64) float64 {
		a, b := set(i), set(j)
		in := 0
		for h := range a {
			if b[h] {
				in++
			}
		}
		return float64(in) / float64(len(a)+len(b)-in)
	}
	var same, other, n, m float64
	for _, ds := range byTopic {
		for x := range ds {
			for y := x + 1; y < len(ds); y++ {
				same += jac(ds[x], ds[y])
				n++
			}
		}
	}
	for k := 0; k+1 < len(docs); k++ {
		if c.Topic(docs[k]) != c.Topic(docs[k+1]) {
			other += jac(docs[k], docs[k+1])
			m++
		}
	}
	if n < 100 || m < 400 {
		t.Fatalf("only %v pairs of one topic and %v of different topics", n, m)
	}
	if other/m > 0.0005 {
		t.Errorf("documents of different topics: mean Jaccard %.5f, want < 0.0005", other/m)
	}
	if same/n < 0.002 {
		t.Errorf("documents of one topic: mean Jaccard %.5f, want about 0.007", same/n)
	}
	t.Logf("mean Jaccard: %.5f in one topic (%v pairs), %.6f across topics (%v pairs)", same/n, n, other/m, m)
	// A topic-free corpus spells words as the seeds do.
	plain := newCorpus(t, bench.Params{TopicSize: -1})
	if plain.Topic(12345) != 0 {
		t.Errorf("TopicSize -1 gives topic %d", plain.Topic(12345))
	}
}

func TestCorpusErrors(t *testing.T) {
	seeds, err := bench.ReadSeeds(seedDir)
	if err != nil || len(seeds) != 5 {
		t.Fatalf("ReadSeeds: %d seeds, %v", len(seeds), err)
	}
	for _, p := range []bench.Params{
		{Substitution: 1.5}, {Substitution: math.NaN()}, {DuplicateEvery: 1},
		{DuplicateEdit: 2}, {DuplicateEdit: math.NaN()},
	} {
		if err := p.Validate(); !errors.Is(err, bench.ErrParams) {
			t.Errorf("%+v: Validate = %v", p, err)
		}
		if _, err := bench.NewCorpus(seeds, p); !errors.Is(err, bench.ErrParams) {
			t.Errorf("%+v: NewCorpus error %v", p, err)
		}
	}
	if err := (bench.Params{Substitution: -1, DuplicateEvery: -3, DuplicateEdit: -1}).Validate(); err != nil {
		t.Errorf("negative 'none' values rejected: %v", err)
	}
	for _, s := range [][][]byte{nil, {}, {[]byte("")}, {[]byte(" \n\t\n  \r\n")}} {
		if _, err := bench.NewCorpus(s, bench.Params{}); !errors.Is(err, bench.ErrSeeds) {
			t.Errorf("NewCorpus(%q) error %v, want ErrSeeds", s, err)
		}
	}
	if _, err := bench.ReadSeeds(t.TempDir()); !errors.Is(err, bench.ErrSeeds) {
		t.Errorf("ReadSeeds of an empty directory: %v", err)
	}
	if _, err := bench.ReadSeeds(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, bench.ErrSeeds) {
		t.Errorf("ReadSeeds of a missing directory: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("un deux"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("ignored"), 0o644)
	got, err := bench.ReadSeeds(dir)
	if err != nil || len(got) != 1 || string(got[0]) != "un deux" {
		t.Errorf("ReadSeeds = %q, %v", got, err)
	}
}

func TestCorpusAllocatesNothing(t *testing.T) {
	c := newCorpus(t, bench.Params{})
	buf := make([]byte, 0, 16<<10)
	if n := testing.AllocsPerRun(20, func() {
		buf = c.AppendDocument(buf[:0], 9, 10<<10)
		buf = c.AppendArticle(buf[:0], 12, 600)
	}); n != 0 {
		t.Errorf("generating into a large enough buffer allocates %v times", n)
	}
}

func FuzzCorpus(f *testing.F) {
	f.Add([]byte("Le chat dort.\nLe chien aboie\u00a0!"), uint64(9), 50, 0.5)
	f.Add([]byte("x"), uint64(0), 1, 1.0)
	f.Add([]byte("\xff\xfe l’été\r\n\n  a"), uint64(1<<63), 1000, 0.0)
	f.Fuzz(func(t *testing.T, seed []byte, i uint64, size int, edit float64) {
		size %= 1 << 16
		c, err := bench.NewCorpus([][]byte{seed}, bench.Params{Seed: i})
		if err != nil {
			if !errors.Is(err, bench.ErrSeeds) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		doc := c.AppendDocument(nil, i, size)
		if len(doc) > max(size, 0) {
			t.Fatalf("document of %d bytes for size %d", len(doc), size)
		}
		v := c.AppendVariant(nil, i, size, edit, i)
		if len(v) > max(size, 0) {
			t.Fatalf("variant of %d bytes for size %d", len(v), size)
		}
		if n := size % 200; n > 0 {
			if got := len(words(c.AppendArticle(nil, i, n))); got != n {
				t.Fatalf("article of %d words, want %d", got, n)
			}
		}
	})
}
