package neardup

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// newsLike generates documents of n words drawn by their frequency in the
// seed articles (real French, Zipf-distributed), so that documents share no
// long run by chance; every tenth document is a near-duplicate (2 % of its
// words changed) and every twentieth quotes 30 words of an earlier one, as
// wire quotes are.
type newsLike struct {
	rng   *rand.Rand
	words []string
	cum   []float64
	docs  [][]string
}

func newNewsLike(tb testing.TB, seed uint64) *newsLike {
	_, texts := readSeeds(tb)
	count := map[string]int{}
	for _, t := range texts {
		for _, w := range strings.Fields(t) {
			count[w]++
		}
	}
	g := &newsLike{rng: rand.New(rand.NewPCG(seed, 3))}
	for w := range count {
		g.words = append(g.words, w)
	}
	sort.Strings(g.words)
	total := 0.0
	for _, w := range g.words {
		total += float64(count[w])
		g.cum = append(g.cum, total)
	}
	for i := range g.cum {
		g.cum[i] /= total
	}
	return g
}

// bytes estimates the heap bytes held by the generator's documents: a
// slice header per document and a string header per word (the words
// themselves are shared).
func (g *newsLike) bytes() int {
	n := 24 * len(g.docs)
	for _, d := range g.docs {
		n += 16 * cap(d)
	}
	return n
}

func (g *newsLike) word() string {
	return g.words[sort.SearchFloat64s(g.cum, g.rng.Float64())]
}

func (g *newsLike) next(n int) string {
	i := len(g.docs)
	var w []string
	switch {
	case i%10 == 9:
		w = append([]string(nil), g.docs[g.rng.IntN(i)]...)
		for k := range w {
			if g.rng.IntN(50) == 0 {
				w[k] = g.word()
			}
		}
	default:
		w = make([]string, n)
		for k := range w {
			w[k] = g.word()
		}
		if i%20 == 4 && i > 0 {
			src := g.docs[g.rng.IntN(i)]
			from := g.rng.IntN(len(src) - 30)
			at := g.rng.IntN(n - 30)
			copy(w[at:], src[from:from+30])
		}
	}
	g.docs = append(g.docs, w)
	return strings.Join(w, " ")
}

// BenchmarkPassageIndex measures Add with Options.Passages into a detector
// holding n news-like articles of 600 words: sign, repeats, shared
// passages, matches and insertion.
//
//	go test -run XXX -bench PassageIndex -benchtime 2000x
func BenchmarkPassageIndex(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			g := newNewsLike(b, 1)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d, _ := New(Options{Passages: true})
			start := time.Now()
			for i := 0; i < n; i++ {
				d.AddString(fmt.Sprint(i), g.next(600))
			}
			built := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			// The generator keeps its documents' words too: count the
			// detector alone.
			heap := float64(after.HeapAlloc-before.HeapAlloc) - float64(g.bytes())
			b.Logf("built %d documents in %v, detector heap %.0f B per document", n, built.Round(time.Millisecond), heap/float64(n))
			texts := make([]string, b.N)
			for i := range texts {
				texts[i] = g.next(600)
			}
			passages := 0
			lat := make([]time.Duration, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res, _ := d.AddString(fmt.Sprint("new", i), texts[i])
				lat[i] = time.Since(start)
				passages += len(res.Passages)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/doc")
			b.ReportMetric(float64(passages)/float64(b.N), "passages/doc")
			// The median is robust to the bursts of interference of a
			// shared machine, which the mean is not.
			reportLatency(b, lat, 0.5)
		})
	}
}

// TestNewsLikePassages checks the generator behind BenchmarkPassageIndex:
// the planted quotes and near-duplicates are found as passages, and
// unrelated documents share none.
func TestNewsLikePassages(t *testing.T) {
	g := newNewsLike(t, 2)
	d, _ := New(Options{Passages: true})
	withPassages := 0
	for i := 0; i < 400; i++ {
		res, err := d.AddString(fmt.Sprint(i), g.next(300))
		if err != nil {
			t.Fatal(err)
		}
		planted := i%10 == 9 || (i%20 == 4 && i > 0)
		if got := len(res.Passages) > 0; got != planted {
			t.Fatalf("document %d: %d passages, planted %v", i, len(res.Passages), planted)
		}
		if planted {
			withPassages++
		}
	}
	if withPassages != 60 {
		t.Fatalf("%d documents with passages", withPassages)
	}
}

// BenchmarkPassageBuild adds b.N news-like articles of 600 words to an
// empty detector with passages and reports the latency distribution of
// Add while the index grows: its tables are rebuilt as they grow, and the
// tail shows how long one rebuild holds the lock.
//
//	go test -run XXX -bench PassageBuild -benchtime 100000x
func BenchmarkPassageBuild(b *testing.B) {
	g := newNewsLike(b, 1)
	texts := make([]string, b.N)
	for i := range texts {
		texts[i] = g.next(600)
	}
	d, _ := New(Options{Passages: true})
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		d.AddString(fmt.Sprint(i), texts[i])
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	reportLatency(b, lat, 0.5, 0.99, 0.999, 1)
}

// reportLatency sorts lat and reports its quantiles qs (1 is the maximum)
// in microseconds, as metrics p50-µs, p99.9-µs, max-µs and so on.
func reportLatency(b *testing.B, lat []time.Duration, qs ...float64) {
	slices.Sort(lat)
	for _, q := range qs {
		name := fmt.Sprintf("p%g-µs", 100*q)
		if q == 1 {
			name = "max-µs"
		}
		b.ReportMetric(float64(lat[int(q*float64(len(lat)-1))].Nanoseconds())/1e3, name)
	}
}
