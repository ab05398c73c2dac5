package main

import (
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/cespare/xxhash/v2"
	dgryski "github.com/dgryski/go-minhash"
	ekzhu "github.com/ekzhu/minhash-lsh"
	boom "github.com/tylertreat/BoomFilters"

	"github.com/neardup/neardup/minhash"
)

// The peers take elements as byte slices; every one gets the same shingle
// hashes, as 8 little-endian bytes.
func put(buf *[8]byte, h uint64) []byte {
	binary.LittleEndian.PutUint64(buf[:], h)
	return buf[:]
}

// Hash functions for dgryski/go-minhash, which leaves them to the caller: the
// cheapest correct choice, since the shingle hashes are already uniform.
// MinWise derives its K hashes as h1 + i·h2 (Kirsch-Mitzenmacher).
func dgryskiH1(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

func dgryskiH2(b []byte) uint64 { return mix64(binary.LittleEndian.Uint64(b)) | 1 }

func mix64(z uint64) uint64 {
	z ^= z >> 33
	z *= 0xff51afd7ed558ccd
	z ^= z >> 33
	z *= 0xc4ceb9fe1a85ec53
	return z ^ z>>33
}

// ekzhuSign returns the ekzhu/minhash-lsh signature of set. Signature()
// returns the sketch's live slice, which is fine here since every call makes
// a new sketch.
func ekzhuSign(set []uint64) []uint64 {
	m := ekzhu.NewMinhash(1, k)
	var buf [8]byte
	for _, h := range set {
		m.Push(put(&buf, h))
	}
	return m.Signature()
}

func minWise(set []uint64) *dgryski.MinWise {
	m := dgryski.NewMinWise(dgryskiH1, dgryskiH2, k)
	var buf [8]byte
	for _, h := range set {
		m.Push(put(&buf, h))
	}
	return m
}

func bottomK(set []uint64) *dgryski.BottomK {
	m := dgryski.NewBottomK(dgryskiH1, k)
	var buf [8]byte
	for _, h := range set {
		m.Push(put(&buf, h))
	}
	return m
}

// equalFraction is the usual MinHash estimate: the share of equal values.
func equalFraction(a, b []uint64) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// bag formats shingle hashes as the strings BoomFilters' MinHash takes.
func bag(set []uint64) []string {
	out := make([]string, len(set))
	for i, h := range set {
		out[i] = strconv.FormatUint(h, 16)
	}
	return out
}

// estimator estimates the Jaccard similarity of two distinct shingle sets
// with one MinHash implementation, signing both.
type estimator struct {
	name string
	est  func(a, b []uint64) float64
	note string
}

func estimators() []estimator {
	return []estimator{
		{name: "neardup minhash (OPH)", est: func(a, b []uint64) float64 {
			p := minhash.Params{K: k}
			return minhash.Sign(a, p).Jaccard(minhash.Sign(b, p))
		}},
		{name: "ekzhu/minhash-lsh", est: func(a, b []uint64) float64 {
			return equalFraction(slices.Clone(ekzhuSign(a)), ekzhuSign(b))
		}},
		{name: "dgryski/go-minhash MinWise", est: func(a, b []uint64) float64 {
			return minWise(a).Similarity(minWise(b))
		}},
		{name: "dgryski/go-minhash MinWise b-bit 8", est: func(a, b []uint64) float64 {
			return dgryski.SimilarityBbit(minWise(a).SignatureBbit(8), minWise(b).SignatureBbit(8), 8)
		}, note: "SignatureBbit(8) + SimilarityBbit"},
		{name: "dgryski/go-minhash BottomK", est: func(a, b []uint64) float64 {
			return bottomK(a).Similarity(bottomK(b))
		}},
	}
}

// boomEstimate is BoomFilters' MinHash: pairwise only (no signature), with
// k = |A|+|B| hash functions from the global math/rand source.
func boomEstimate(a, b []string) float64 { return float64(boom.MinHash(a, b)) }

// bleveFrench returns bleve's French analyzer: Unicode word segmentation,
// lower-casing, elision, stop words and the light French stemmer.
func bleveFrench() (analysis.Analyzer, error) {
	return registry.NewCache().AnalyzerNamed(fr.AnalyzerName)
}

// peerPipeline is the text-to-signature chain a Go developer would assemble
// from the peers: bleve's French analyzer, word 5-shingles of its terms
// hashed with xxhash, and an ekzhu/minhash-lsh signature.
type peerPipeline struct {
	an analysis.Analyzer
	d  *xxhash.Digest
}

func newPeerPipeline() (*peerPipeline, error) {
	an, err := bleveFrench()
	if err != nil {
		return nil, err
	}
	return &peerPipeline{an: an, d: xxhash.New()}, nil
}

func (p *peerPipeline) sign(text []byte) []uint64 {
	ts := p.an.Analyze(text)
	m := ekzhu.NewMinhash(1, k)
	var buf [8]byte
	const size = 5
	for i := 0; i+size <= len(ts) || (i == 0 && len(ts) > 0); i++ {
		p.d.Reset()
		for j := i; j < min(i+size, len(ts)); j++ {
			p.d.Write(ts[j].Term)
			p.d.Write([]byte{' '})
		}
		m.Push(put(&buf, p.d.Sum64()))
	}
	return m.Signature()
}
