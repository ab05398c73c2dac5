package main

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
)

var shared struct {
	once sync.Once
	in   *inputs
	cs   []benchCase
	err  error
}

// loadCases prepares the inputs and cases once per test binary.
func loadCases(tb testing.TB) (*inputs, []benchCase) {
	tb.Helper()
	shared.once.Do(func() {
		shared.in, shared.err = loadInputs("../../testdata/seeds")
		if shared.err == nil {
			shared.cs, shared.err = cases(shared.in)
		}
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.in, shared.cs
}

// runCases runs the cases whose id starts with prefix as sub-benchmarks.
func runCases(b *testing.B, prefix string) {
	_, cs := loadCases(b)
	for _, c := range cs {
		if name, ok := strings.CutPrefix(c.id, prefix+"/"); ok {
			b.Run(name, c.fn)
		}
	}
}

// BenchmarkNormalize compares bleve's French analyzer with
// normalize.Tokenize on the same 600-word article.
func BenchmarkNormalize(b *testing.B) { runCases(b, "normalize") }

// BenchmarkMinHash compares MinHash signing (k = 128) of the same distinct
// shingle hashes.
func BenchmarkMinHash(b *testing.B) { runCases(b, "minhash") }

// BenchmarkMinHashPair compares one pairwise estimate on 1 KB documents,
// the only operation BoomFilters offers.
func BenchmarkMinHashPair(b *testing.B) { runCases(b, "minhash-pair") }

// BenchmarkLSHInsert compares building an LSH index of 100 k signatures
// (one op is the whole build; see the µs/doc metric).
func BenchmarkLSHInsert(b *testing.B) { runCases(b, "lsh-insert") }

// BenchmarkLSHQuery compares candidate queries against those indexes.
func BenchmarkLSHQuery(b *testing.B) { runCases(b, "lsh-query") }

// BenchmarkPipeline compares text to signature: neardup.Signer against
// bleve + xxhash + ekzhu/minhash-lsh.
func BenchmarkPipeline(b *testing.B) { runCases(b, "pipeline") }

func TestInputs(t *testing.T) {
	in, cs := loadCases(t)
	if len(in.set) < 500 || len(in.set) > len(in.toks.List) {
		t.Errorf("article has %d distinct shingles for %d tokens", len(in.set), in.toks.Len())
	}
	// The pairs cover every bin of the accuracy table.
	for _, js := range [][]float64{in.pairJ, in.smallJ} {
		n := make([]int, len(bins))
		for _, j := range js {
			n[binOf(j)]++
		}
		for i, c := range n {
			if c < len(js)/20 {
				t.Errorf("%d of %d pairs in bin %s", c, len(js), bins[i].label)
			}
		}
	}
	if in.pairJ[0] != 1 {
		t.Errorf("the unedited pair has Jaccard %v", in.pairJ[0])
	}
	ids := make(map[string]bool)
	bases := make(map[string]int)
	for _, c := range cs {
		if ids[c.id] {
			t.Errorf("duplicate case %s", c.id)
		}
		ids[c.id] = true
		if c.base {
			bases[c.stage]++
		}
	}
	for _, c := range cs {
		if bases[c.stage] != 1 {
			t.Errorf("stage %q has %d neardup reference rows", c.stage, bases[c.stage])
		}
		if c.same != "" && !ids[c.same] {
			t.Errorf("case %s compares with missing case %s", c.id, c.same)
		}
	}
}

func TestExactJaccard(t *testing.T) {
	for _, c := range []struct {
		a, b []uint64
		want float64
	}{
		{[]uint64{1, 2, 3}, []uint64{2, 3, 4}, 0.5},
		{[]uint64{1, 2}, []uint64{1, 2}, 1},
		{[]uint64{1}, []uint64{2}, 0},
		{nil, nil, 0},
		{nil, []uint64{5}, 0},
	} {
		if got := exactJaccard(c.a, c.b); got != c.want {
			t.Errorf("exactJaccard(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestEstimators checks each peer adapter on sets of known similarity:
// identical sets give 1; sets with half their elements shared (J = 1/3)
// give about 1/3 (except the biased BottomK, which must show its bias).
func TestEstimators(t *testing.T) {
	in, _ := loadCases(t)
	a := in.set
	b := append(append([]uint64(nil), a[:len(a)/2]...), in.pairB[len(in.pairB)-1]...) // last pair: most edited
	exact := exactJaccard(a, b)
	for _, e := range estimators() {
		if got := e.est(a, a); got != 1 {
			t.Errorf("%s: identical sets estimate %v", e.name, got)
		}
		got := e.est(a, b)
		tol := 4 * math.Sqrt(exact*(1-exact)/k)
		if strings.Contains(e.name, "BottomK") {
			// Its estimate is |bottom-k(A) ∩ bottom-k(B)| / k instead of
			// counting within bottom-k(A ∪ B): biased upwards.
			if got <= exact {
				t.Errorf("%s: estimate %.3f for exact %.3f, want the known upward bias", e.name, got, exact)
			}
			continue
		}
		if math.Abs(got-exact) > tol {
			t.Errorf("%s: estimate %.3f for exact %.3f (tolerance %.3f)", e.name, got, exact, tol)
		}
	}
	// The peer pipeline signs the same text the same way twice.
	p, err := newPeerPipeline()
	if err != nil {
		t.Fatal(err)
	}
	s1 := append([]uint64(nil), p.sign(in.article)...)
	if equalFraction(s1, p.sign(in.article)) != 1 || len(s1) != k {
		t.Errorf("peer pipeline is not deterministic or has %d values", len(s1))
	}
}

func TestFormat(t *testing.T) {
	for ns, want := range map[float64]string{12: "12 ns", 1500: "1.50 µs", 2.5e6: "2.50 ms", 3e9: "3.00 s"} {
		if got := formatNs(ns); got != want {
			t.Errorf("formatNs(%v) = %q, want %q", ns, got, want)
		}
	}
	if cpuModel() == "" {
		t.Errorf("empty CPU model")
	}
}

// The exact Jaccard similarity that every estimate is compared with.
func Example_exactJaccard() {
	fmt.Println(exactJaccard([]uint64{1, 2, 3, 4}, []uint64{3, 4, 5}))
	// Output: 0.4
}
