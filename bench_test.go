package neardup

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neardup/neardup/passage"
)

// article600 returns a realistic 600-word French news article built from the
// seed articles.
func article600(tb testing.TB) string {
	_, texts := readSeeds(tb)
	words := strings.Fields(strings.Join(texts, " "))
	return strings.Join(words[:600], " ")
}

// BenchmarkSign measures the whole signing pipeline: normalize, tokenize,
// word 5-shingles, MinHash k=128 and SimHash.
func BenchmarkSign(b *testing.B) {
	_, texts := readSeeds(b)
	inputs := map[string]string{
		"article600": article600(b),
		"seeds":      strings.Join(texts, "\n"),
	}
	for _, name := range []string{"article600", "seeds"} {
		text := []byte(inputs[name])
		b.Run(name, func(b *testing.B) {
			s, _ := NewSigner(Options{})
			s.Sign(text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				s.Sign(text)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

func TestSignAllocatesNothing(t *testing.T) {
	text := []byte(article600(t))
	s, _ := NewSigner(Options{})
	s.Sign(text)
	if n := testing.AllocsPerRun(100, func() { s.Sign(text) }); n != 0 {
		t.Fatalf("Sign allocates %v times per document, want 0", n)
	}
}

// BenchmarkDetector measures Add (sign, candidates, verify, insert) into a
// detector that already holds n synthetic articles.
func BenchmarkDetector(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			d, _ := New(Options{})
			docs := synthCorpus(n+b.N, 600)
			for i := 0; i < n; i++ {
				d.AddString(fmt.Sprint(i), docs[i])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.AddString(fmt.Sprint(n+i), docs[n+i])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// BenchmarkRepeats finds the repeats of seed article 001 (10.5 KB, its body
// twice): normalization, shingling and alignment included.
func BenchmarkRepeats(b *testing.B) {
	names, texts := readSeeds(b)
	var text []byte
	for i, n := range names {
		if n == "001" {
			text = []byte(texts[i])
		}
	}
	var f RepeatFinder
	out := f.Find(nil, text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		out = f.Find(out[:0], text)
	}
}

func TestRepeatFinderAllocatesNothing(t *testing.T) {
	_, texts := readSeeds(t)
	text := []byte(texts[1])
	var f RepeatFinder
	out := f.Find(nil, text)
	if len(out) != 4 {
		t.Fatalf("%d repeats in 001, want 4", len(out))
	}
	if n := testing.AllocsPerRun(20, func() { out = f.Find(out[:0], text) }); n != 0 {
		t.Fatalf("Find allocates %v times, want 0", n)
	}
	if err := f.Reset(Options{Passage: passage.Params{MinWords: 3}}); err == nil {
		t.Fatalf("MinWords 3 accepted")
	}
}

// BenchmarkSignStream signs a stream of 1,000 distinct 600-word articles
// (words drawn by their frequency in the seed articles), which the
// processor's branch predictors cannot learn as they learn one article
// signed over and over: a closer estimate of a live feed's cost.
func BenchmarkSignStream(b *testing.B) {
	g := newNewsLike(b, 9)
	texts := make([][]byte, 1000)
	size := 0
	for i := range texts {
		texts[i] = []byte(g.next(600))
		size += len(texts[i])
	}
	s, _ := NewSigner(Options{})
	for _, t := range texts {
		s.Sign(t)
	}
	b.SetBytes(int64(size / len(texts)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Sign(texts[i%len(texts)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
