package main

import (
	"fmt"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	ekzhu "github.com/ekzhu/minhash-lsh"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/normalize"
)

// benchCase is one implementation of one stage, measured with
// testing.Benchmark by the program and as a sub-benchmark by go test.
type benchCase struct {
	id    string // sub-benchmark name
	stage string
	impl  string
	base  bool  // neardup's row: the reference of its stage
	docs  int   // documents per op; times are reported per document
	bytes int64 // text bytes per document, for MB/s (0: not applicable)
	note  string
	// same names another case of the stage doing the same work (same
	// parameters) whose time is also compared in the notes.
	same string
	fn   func(b *testing.B)
}

// lshSetups are the three LSH configurations compared at lshThreshold.
type lshSetup struct {
	id, impl, note string
	ekzhu          bool
	params         index.LSHParams
}

func lshSetups() ([]lshSetup, error) {
	// The detector's own banding for threshold 0.8: tuned so that a pair at
	// 0.7 is a candidate with probability 0.95.
	tuned, err := index.ChooseLSH(lshThreshold-0.1, k, 0.95)
	if err != nil {
		return nil, err
	}
	rows, bands := ekzhu.NewMinhashLSH32(k, lshThreshold).Params()
	same := index.LSHParams{Bands: bands, Rows: rows}
	return []lshSetup{
		{id: "neardup", impl: "neardup index.LSH", params: tuned,
			note: fmt.Sprintf("%d bands × %d rows (recall-tuned at 0.7)", tuned.Bands, tuned.Rows)},
		{id: "neardup-ekzhu-banding", impl: "neardup index.LSH", params: same,
			note: fmt.Sprintf("%d bands × %d rows (ekzhu's banding)", same.Bands, same.Rows)},
		{id: "ekzhu", impl: "ekzhu/minhash-lsh", ekzhu: true, params: same,
			note: fmt.Sprintf("%d bands × %d rows; batch Index(), no removal", bands, rows)},
	}, nil
}

// buildLSH indexes the collection's signatures with one setup and returns a
// query function giving the number of candidates and whether want (a
// document number, or -1) is among them.
func buildLSH(s lshSetup, ci *collectionInputs) (query func(q int, want int) (int, bool), err error) {
	if s.ekzhu {
		l := ekzhu.NewMinhashLSH32(k, lshThreshold)
		for i, sig := range ci.sigs64 {
			l.Add(i, sig)
		}
		l.Index()
		return func(q, want int) (int, bool) {
			found := false
			cands := l.Query(ci.qsigs64[q])
			for _, c := range cands {
				if c.(int) == want {
					found = true
				}
			}
			return len(cands), found
		}, nil
	}
	l, err := index.NewLSH(s.params)
	if err != nil {
		return nil, err
	}
	for i, sig := range ci.sigs {
		if err := l.Add(uint32(i), sig); err != nil {
			return nil, err
		}
	}
	bm := roaring.New()
	return func(q, want int) (int, bool) {
		l.Candidates(bm, ci.qsigs[q])
		return int(bm.GetCardinality()), want >= 0 && bm.Contains(uint32(want))
	}, nil
}

// cases returns every measurement, stage by stage, neardup first.
func cases(in *inputs) ([]benchCase, error) {
	n := int64(len(in.article))
	var out []benchCase

	// Normalization of the same 600-word article.
	out = append(out,
		benchCase{id: "normalize/neardup", stage: "normalization", impl: "neardup normalize.Tokenize", base: true, docs: 1, bytes: n,
			note: fmt.Sprintf("%d tokens, byte offsets kept", in.toks.Len()),
			fn: func(b *testing.B) {
				var toks normalize.Tokens
				normalize.Tokenize(&toks, in.article, normalize.Options{})
				b.SetBytes(n)
				b.ReportAllocs()
				for b.Loop() {
					normalize.Tokenize(&toks, in.article, normalize.Options{})
				}
			}})
	an, err := bleveFrench()
	if err != nil {
		return nil, err
	}
	out = append(out, benchCase{id: "normalize/bleve-fr", stage: "normalization", impl: "bleve analysis/lang/fr", docs: 1, bytes: n,
		note: fmt.Sprintf("%d terms; also drops stop words and stems", len(an.Analyze(in.article))),
		fn: func(b *testing.B) {
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				an.Analyze(in.article)
			}
		}})

	// MinHash k=128 of the article's distinct shingles.
	set := in.set
	mhNote := fmt.Sprintf("%d distinct shingles", len(set))
	out = append(out,
		benchCase{id: "minhash/neardup", stage: "MinHash k=128", impl: "neardup minhash (OPH)", base: true, docs: 1, note: mhNote,
			fn: func(b *testing.B) {
				p := minhash.Params{K: k}
				var sig minhash.Signature
				p.Sign(&sig, set)
				b.ReportAllocs()
				for b.Loop() {
					p.Sign(&sig, set)
				}
			}},
		benchCase{id: "minhash/ekzhu", stage: "MinHash k=128", impl: "ekzhu/minhash-lsh", docs: 1, note: "NewMinhash + Push per shingle",
			fn: func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ekzhuSign(set)
				}
			}},
		benchCase{id: "minhash/dgryski-minwise", stage: "MinHash k=128", impl: "dgryski/go-minhash MinWise", docs: 1,
			note: "h1 + i·h2 over the shingle hash",
			fn: func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					minWise(set)
				}
			}},
		benchCase{id: "minhash/dgryski-bottomk", stage: "MinHash k=128", impl: "dgryski/go-minhash BottomK", docs: 1,
			note: "bottom-128 sketch (heap)",
			fn: func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					bottomK(set)
				}
			}},
	)

	// BoomFilters has no signature: compare one pair of 1 KB documents.
	pa, pb := in.smallA[smallPairs/2], in.smallB[smallPairs/2]
	ba, bb := bag(pa), bag(pb)
	pairNote := fmt.Sprintf("%d and %d shingles, both signed and compared", len(pa), len(pb))
	out = append(out,
		benchCase{id: "minhash-pair/neardup", stage: "MinHash, one pair of 1 KB docs", impl: "neardup minhash (OPH)", base: true, docs: 1,
			note: pairNote,
			fn: func(b *testing.B) {
				p := minhash.Params{K: k}
				var sa, sb minhash.Signature
				p.Sign(&sa, pa)
				p.Sign(&sb, pb)
				b.ReportAllocs()
				for b.Loop() {
					p.Sign(&sa, pa)
					p.Sign(&sb, pb)
					_ = sa.Jaccard(sb)
				}
			}},
		benchCase{id: "minhash-pair/boom", stage: "MinHash, one pair of 1 KB docs", impl: "tylertreat/BoomFilters MinHash", docs: 1,
			note: "pairwise only (no signature), k = len(A)+len(B) hash functions, quadratic cost",
			fn: func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					boomEstimate(ba, bb)
				}
			}},
	)

	// LSH: insert the collection, then query fresh documents.
	setups, err := lshSetups()
	if err != nil {
		return nil, err
	}
	same := func(prefix string, s lshSetup) string {
		if s.ekzhu {
			return prefix + "neardup-ekzhu-banding"
		}
		return ""
	}
	for _, s := range setups {
		out = append(out, benchCase{id: "lsh-insert/" + s.id, same: same("lsh-insert/", s), stage: fmt.Sprintf("LSH insert, %dk docs, J ≥ %.1f", collection/1000, lshThreshold),
			impl: s.impl, base: s.id == "neardup", docs: collection, note: s.note,
			fn: func(b *testing.B) {
				ci, err := in.collection()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := buildLSH(s, ci); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*collection)/1e3, "µs/doc")
			}})
	}
	for _, s := range setups {
		out = append(out, benchCase{id: "lsh-query/" + s.id, same: same("lsh-query/", s), stage: fmt.Sprintf("LSH query, %dk docs, J ≥ %.1f", collection/1000, lshThreshold),
			impl: s.impl, base: s.id == "neardup", docs: 1, note: s.note,
			fn: func(b *testing.B) {
				ci, err := in.collection()
				if err != nil {
					b.Fatal(err)
				}
				query, err := buildLSH(s, ci)
				if err != nil {
					b.Fatal(err)
				}
				q := 0
				b.ReportAllocs()
				for b.Loop() {
					query(q, -1)
					if q++; q == queries {
						q = 0
					}
				}
			}})
	}

	// Whole pipeline, text to signature.
	pp, err := newPeerPipeline()
	if err != nil {
		return nil, err
	}
	out = append(out,
		benchCase{id: "pipeline/neardup", stage: "pipeline, text → signature", impl: "neardup Signer.Sign", base: true, docs: 1, bytes: n,
			note: "normalize, 5-shingles, MinHash, SimHash",
			fn: func(b *testing.B) {
				s, err := neardup.NewSigner(neardup.Options{K: k})
				if err != nil {
					b.Fatal(err)
				}
				s.Sign(in.article)
				b.SetBytes(n)
				b.ReportAllocs()
				for b.Loop() {
					s.Sign(in.article)
				}
			}},
		benchCase{id: "pipeline/bleve-xxhash-ekzhu", stage: "pipeline, text → signature", impl: "bleve fr + xxhash + ekzhu", docs: 1, bytes: n,
			note: "analyzer terms, 5-shingles, ekzhu MinHash",
			fn: func(b *testing.B) {
				b.SetBytes(n)
				b.ReportAllocs()
				for b.Loop() {
					pp.sign(in.article)
				}
			}},
	)
	return out, nil
}

// lshQuality runs every query once against a setup and returns the mean
// number of candidates and the share of true near-duplicates (exact Jaccard
// at least lshThreshold) found among them.
func lshQuality(s lshSetup, ci *collectionInputs) (cands, recall float64, truePairs int, err error) {
	query, err := buildLSH(s, ci)
	if err != nil {
		return 0, 0, 0, err
	}
	total, found := 0, 0
	for q := range queries {
		c, ok := query(q, ci.truth[q])
		total += c
		if ci.truth[q] >= 0 {
			truePairs++
			if ok {
				found++
			}
		}
	}
	if truePairs > 0 {
		recall = float64(found) / float64(truePairs)
	}
	return float64(total) / queries, recall, truePairs, nil
}
