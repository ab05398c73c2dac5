// Command compare measures neardup against the Go libraries a developer would
// otherwise assemble for the same job, on identical inputs in one process,
// and prints the results as markdown tables.
//
// Every implementation gets the same data: the same French text for
// normalization and for the whole pipeline, the same distinct word 5-shingle
// hashes (computed by neardup's normalize and shingle packages) for every
// MinHash, and the same MinHash values for every LSH index. Inputs come from
// the seed articles through the deterministic generator of package
// github.com/neardup/neardup/bench. Timings use testing.Benchmark; the same
// measurements are Go benchmarks of this module (go test -bench .).
//
// Peers: github.com/ekzhu/minhash-lsh (MinHash and LSH), the MinWise and
// BottomK sketches of github.com/dgryski/go-minhash, the MinHash of
// github.com/tylertreat/BoomFilters, and the French analyzer of bleve
// (github.com/blevesearch/bleve/v2/analysis/lang/fr).
//
// Usage, from this directory:
//
//	go run . [-benchtime 1s] [-seeds ../../testdata/seeds]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func main() {
	seeds := flag.String("seeds", "../../testdata/seeds", "directory of the seed articles (*.txt)")
	benchtime := flag.Duration("benchtime", time.Second, "time per measurement")
	testing.Init()
	flag.Parse()
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		fail(err)
	}
	start := time.Now()
	in, err := loadInputs(*seeds)
	if err != nil {
		fail(err)
	}
	cs, err := cases(in)
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	if err := run(w, in, cs); err != nil {
		w.Flush()
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "done in %v\n", time.Since(start).Round(time.Second))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compare:", err)
	os.Exit(1)
}

// measured is one case's result: time per document.
type measured struct {
	benchCase
	perDoc float64 // ns
	ok     bool
}

// run measures every case, then the LSH quality and MinHash accuracy, and
// writes the report.
func run(w io.Writer, in *inputs, cs []benchCase) error {
	var res []measured
	for _, c := range cs {
		fmt.Fprintf(os.Stderr, "measuring %s\n", c.id)
		r := testing.Benchmark(c.fn)
		m := measured{benchCase: c, ok: r.N > 0}
		if m.ok {
			m.perDoc = float64(r.T.Nanoseconds()) / float64(r.N) / float64(c.docs)
		}
		res = append(res, m)
	}

	fmt.Fprintln(os.Stderr, "measuring LSH recall and MinHash accuracy")
	ci, err := in.collection()
	if err != nil {
		return err
	}
	setups, err := lshSetups()
	if err != nil {
		return err
	}
	lshNotes := make(map[string]string)
	for _, s := range setups {
		cands, recall, truePairs, err := lshQuality(s, ci)
		if err != nil {
			return err
		}
		lshNotes[s.note] = fmt.Sprintf("; %.2f candidates/query, recall %.3f on %d pairs with J ≥ %.1f",
			cands, recall, truePairs, lshThreshold)
	}
	acc := accuracy(in)

	fmt.Fprintf(w, "# neardup and its Go peers on identical inputs\n\n")
	fmt.Fprintf(w, "- CPU: %s (GOMAXPROCS %d), %s %s/%s\n", cpuModel(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- Text: a %d-word French news article of %d bytes (seed paragraphs verbatim), %d tokens, %d distinct word 5-shingles\n",
		articleWords, len(in.article), in.toks.Len(), len(in.set))
	fmt.Fprintf(w, "- LSH: %d generated 600-word articles indexed, %d fresh ones queried; MAE on %d pairs of ~600-word documents (BoomFilters: %d pairs of 1 KB documents)\n\n",
		collection, queries, pairs, smallPairs)
	fmt.Fprintln(w, "| stage | implementation | time/doc | MB/s | ratio to neardup | MAE | notes |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
	base := make(map[string]float64)
	byID := make(map[string]measured)
	for _, m := range res {
		if m.base && m.ok {
			base[m.stage] = m.perDoc
		}
		byID[m.id] = m
	}
	for _, m := range res {
		t, mbs, ratio, mae := "failed", "", "", ""
		if m.ok {
			t = formatNs(m.perDoc)
			if m.bytes > 0 {
				mbs = fmt.Sprintf("%.1f", float64(m.bytes)/m.perDoc*1e3)
			}
			if b, ok := base[m.stage]; ok {
				ratio = fmt.Sprintf("%.2f", m.perDoc/b)
			}
		}
		if e, ok := acc[m.impl]; ok && strings.HasPrefix(m.stage, "MinHash k=") {
			mae = fmt.Sprintf("%.4f", e.mae)
		}
		if strings.HasPrefix(m.stage, "MinHash, one pair") {
			if e, ok := acc[m.impl+smallSuffix]; ok {
				mae = fmt.Sprintf("%.4f (1 KB)", e.mae)
			}
		}
		note := m.note
		if o, ok := byID[m.same]; ok && o.ok && m.ok {
			note += fmt.Sprintf("; %.2f× neardup with the same banding", m.perDoc/o.perDoc)
		}
		if strings.HasPrefix(m.stage, "LSH query") {
			note += lshNotes[m.note]
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", m.stage, m.impl, t, mbs, ratio, mae, note)
	}

	fmt.Fprintf(w, "\n## Jaccard estimates against exact Jaccard (k = %d)\n\n", k)
	fmt.Fprintln(w, "Mean absolute error by exact-Jaccard bin; bias is the mean signed error. Each implementation signs both")
	fmt.Fprintln(w, "documents of each pair from the same distinct shingle hashes.")
	fmt.Fprintln(w)
	hdr := "| implementation | pairs |"
	sep := "|---|---:|"
	for _, b := range bins {
		hdr += fmt.Sprintf(" J in %s |", b.label)
		sep += "---:|"
	}
	fmt.Fprintln(w, hdr+" MAE | bias |")
	fmt.Fprintln(w, sep+"---:|---:|")
	for _, name := range accOrder(acc) {
		e := acc[name]
		line := fmt.Sprintf("| %s | %d |", name, e.n)
		for i := range bins {
			if e.binN[i] == 0 {
				line += " |"
			} else {
				line += fmt.Sprintf(" %.4f |", e.binMAE[i])
			}
		}
		fmt.Fprintf(w, "%s %.4f | %+.4f |\n", line, e.mae, e.bias)
	}
	fmt.Fprintln(w)
	for _, set := range []struct {
		name string
		j    []float64
	}{{"~600-word", in.pairJ}, {"1 KB", in.smallJ}} {
		n := make([]int, len(bins))
		for _, j := range set.j {
			n[binOf(j)]++
		}
		counts := make([]string, len(bins))
		for i, c := range n {
			counts[i] = fmt.Sprint(c)
		}
		fmt.Fprintf(w, "Pairs per bin, %s documents: %s.\n", set.name, strings.Join(counts, ", "))
	}
	return nil
}

// formatNs prints a duration given in nanoseconds with a readable unit.
func formatNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

// cpuModel returns the processor's model name from /proc/cpuinfo, or
// GOARCH when it is not available.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				return strings.TrimSpace(value)
			}
		}
	}
	return runtime.GOARCH
}

// bins are the exact-Jaccard ranges of the accuracy table.
var bins = []struct {
	label  string
	lo, hi float64
}{
	{"[0, 0.2)", 0, 0.2}, {"[0.2, 0.4)", 0.2, 0.4}, {"[0.4, 0.6)", 0.4, 0.6},
	{"[0.6, 0.8)", 0.6, 0.8}, {"[0.8, 1]", 0.8, math.Inf(1)},
}

func binOf(j float64) int {
	for i, b := range bins {
		if j >= b.lo && j < b.hi {
			return i
		}
	}
	return 0
}

// errStats are the errors of one estimator over a set of pairs.
type errStats struct {
	n         int
	mae, bias float64
	binN      []int
	binMAE    []float64
	order     int
}

// smallSuffix marks the accuracy results on the 1 KB pairs.
const smallSuffix = " (1 KB pairs)"

func newErrStats(est func(i int) float64, exact []float64, order int) errStats {
	e := errStats{n: len(exact), binN: make([]int, len(bins)), binMAE: make([]float64, len(bins)), order: order}
	for i, j := range exact {
		d := est(i) - j
		e.mae += math.Abs(d)
		e.bias += d
		b := binOf(j)
		e.binN[b]++
		e.binMAE[b] += math.Abs(d)
	}
	e.mae /= float64(e.n)
	e.bias /= float64(e.n)
	for b := range bins {
		if e.binN[b] > 0 {
			e.binMAE[b] /= float64(e.binN[b])
		}
	}
	return e
}

// accuracy computes every estimator's errors on the accuracy pairs, and
// BoomFilters' and neardup's on the 1 KB pairs, keyed by implementation.
func accuracy(in *inputs) map[string]errStats {
	out := make(map[string]errStats)
	ests := estimators()
	for o, e := range ests {
		out[e.name] = newErrStats(func(i int) float64 { return e.est(in.pairA[i], in.pairB[i]) }, in.pairJ, o)
	}
	out[ests[0].name+smallSuffix] = newErrStats(func(i int) float64 {
		return ests[0].est(in.smallA[i], in.smallB[i])
	}, in.smallJ, len(ests))
	out["tylertreat/BoomFilters MinHash"+smallSuffix] = newErrStats(func(i int) float64 {
		return boomEstimate(bag(in.smallA[i]), bag(in.smallB[i]))
	}, in.smallJ, len(ests)+1)
	return out
}

func accOrder(acc map[string]errStats) []string {
	names := make([]string, len(acc))
	for name, e := range acc {
		names[e.order] = name
	}
	return names
}
