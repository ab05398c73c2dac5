package main

import (
	"fmt"
	"slices"
	"sync"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
)

// Sizes of the generated inputs.
const (
	articleWords = 600     // the article every per-document stage runs on
	collection   = 100_000 // documents indexed by the LSH comparison
	queries      = 5_000   // fresh documents queried against them
	pairs        = 400     // pairs of the MinHash accuracy comparison
	smallPairs   = 40      // pairs of 1 KB documents for BoomFilters
	lshThreshold = 0.8     // Jaccard threshold of the LSH comparison
	k            = 128     // MinHash values
)

// inputs holds everything the comparisons run on, computed once. Every
// implementation gets the same bytes, tokens, shingle sets or signatures.
type inputs struct {
	seedDir string
	corpus  *bench.Corpus // collections: topics, near-duplicates
	article []byte        // 600 words of verbatim seed text
	toks    normalize.Tokens
	set     []uint64 // distinct word 5-shingles of article

	// Pairs for the accuracy comparison: distinct shingle sets and their
	// exact Jaccard similarity.
	pairA, pairB [][]uint64
	pairJ        []float64
	smallA       [][]uint64 // 1 KB pairs (BoomFilters is quadratic)
	smallB       [][]uint64
	smallJ       []float64

	collOnce sync.Once
	coll     *collectionInputs
	collErr  error
}

// collectionInputs are the signatures of the LSH comparison.
type collectionInputs struct {
	sigs    [][]uint32 // neardup MinHash values of documents 0..collection-1
	sigs64  [][]uint64 // the same values widened for ekzhu/minhash-lsh
	qsigs   [][]uint32 // of the fresh documents collection..collection+queries-1
	qsigs64 [][]uint64
	// truth lists, per query, the indexed document whose exact Jaccard
	// similarity with it is at least lshThreshold, or -1.
	truth []int
}

// loadInputs reads the seed articles of seedDir and prepares the inputs.
func loadInputs(seedDir string) (*inputs, error) {
	seeds, err := bench.ReadSeeds(seedDir)
	if err != nil {
		return nil, err
	}
	in := &inputs{seedDir: seedDir}
	if in.corpus, err = bench.NewCorpus(seeds, bench.Params{}); err != nil {
		return nil, err
	}
	verbatim, err := bench.NewCorpus(seeds, bench.Params{Substitution: -1, TopicSize: -1})
	if err != nil {
		return nil, err
	}
	in.article = verbatim.AppendArticle(nil, 0, articleWords)
	in.set = shingleSet(&in.toks, in.article)

	// Accuracy pairs: an ordinary document and an edited copy, with edit
	// rates spread so that the exact similarities cover (0, 1].
	var toks normalize.Tokens
	for i := range pairs {
		u := float64(i) / pairs
		edit := 0.45 * u * u
		doc := uint64(10_000 + i)
		a := shingleSet(&toks, in.corpus.AppendVariant(nil, doc, 4096, 0, 0))
		b := shingleSet(&toks, in.corpus.AppendVariant(nil, doc, 4096, edit, uint64(i)+1))
		in.pairA, in.pairB = append(in.pairA, a), append(in.pairB, b)
		in.pairJ = append(in.pairJ, exactJaccard(a, b))
	}
	for i := range smallPairs {
		u := float64(i) / smallPairs
		edit := 0.45 * u * u
		doc := uint64(20_000 + i)
		a := shingleSet(&toks, in.corpus.AppendVariant(nil, doc, 1024, 0, 0))
		b := shingleSet(&toks, in.corpus.AppendVariant(nil, doc, 1024, edit, uint64(i)+1))
		in.smallA, in.smallB = append(in.smallA, a), append(in.smallB, b)
		in.smallJ = append(in.smallJ, exactJaccard(a, b))
	}
	return in, nil
}

// shingleSet returns the distinct word 5-shingle hashes of text, as
// neardup computes them.
func shingleSet(toks *normalize.Tokens, text []byte) []uint64 {
	normalize.Tokenize(toks, text, normalize.Options{})
	var d shingle.Deduper
	return d.AppendDistinct(nil, shingle.AppendWords(nil, toks, shingle.DefaultSize))
}

// exactJaccard returns |a∩b| / |a∪b| for sets of distinct values.
func exactJaccard(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	in := make(map[uint64]bool, len(a))
	for _, h := range a {
		in[h] = true
	}
	n := 0
	for _, h := range b {
		if in[h] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

// collection signs the LSH comparison's documents (600-word articles of the
// default corpus) with neardup and finds the true near-duplicate of each
// query, once.
func (in *inputs) collection() (*collectionInputs, error) {
	in.collOnce.Do(func() { in.coll, in.collErr = in.buildCollection() })
	return in.coll, in.collErr
}

func (in *inputs) buildCollection() (*collectionInputs, error) {
	s, err := neardup.NewSigner(neardup.Options{K: k})
	if err != nil {
		return nil, err
	}
	ci := &collectionInputs{}
	var buf []byte
	sign := func(i int) ([]uint32, []uint64) {
		buf = in.corpus.AppendArticle(buf[:0], uint64(i), articleWords)
		v := slices.Clone(s.Sign(buf).MinHash.Values)
		w := make([]uint64, len(v))
		for j, x := range v {
			w[j] = uint64(x)
		}
		return v, w
	}
	for i := range collection {
		v, w := sign(i)
		ci.sigs, ci.sigs64 = append(ci.sigs, v), append(ci.sigs64, w)
	}
	var toks normalize.Tokens
	for q := range queries {
		i := collection + q
		v, w := sign(i)
		ci.qsigs, ci.qsigs64 = append(ci.qsigs, v), append(ci.qsigs64, w)
		t := -1
		if src, _, ok := in.corpus.Source(uint64(i)); ok && src < collection {
			a := shingleSet(&toks, in.corpus.AppendArticle(nil, uint64(i), articleWords))
			b := shingleSet(&toks, in.corpus.AppendArticle(nil, src, articleWords))
			if exactJaccard(a, b) >= lshThreshold {
				t = int(src)
			}
		}
		ci.truth = append(ci.truth, t)
	}
	if len(ci.sigs[0]) != k {
		return nil, fmt.Errorf("signatures have %d values, want %d", len(ci.sigs[0]), k)
	}
	return ci, nil
}
