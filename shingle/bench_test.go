package shingle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/neardup/neardup/normalize"
)

func seedTokens(b *testing.B) *normalize.Tokens {
	files, _ := filepath.Glob("../testdata/seeds/*.txt")
	var text []byte
	for _, f := range files {
		t, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text = append(text, t...)
	}
	var toks normalize.Tokens
	normalize.Tokenize(&toks, text, normalize.Options{})
	return &toks
}

func BenchmarkAppendWords(b *testing.B) {
	toks := seedTokens(b)
	buf := AppendWords(nil, toks, 5)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendWords(buf[:0], toks, 5)
	}
	b.ReportMetric(float64(len(buf))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mshingles/s")
}

func BenchmarkAppendDistinct(b *testing.B) {
	toks := seedTokens(b)
	h := AppendWords(nil, toks, 5)
	var d Deduper
	set := d.AppendDistinct(nil, h)
	b.ReportAllocs()
	for b.Loop() {
		set = d.AppendDistinct(set[:0], h)
	}
	b.ReportMetric(float64(len(h))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mshingles/s")
}

func BenchmarkAppendChars(b *testing.B) {
	toks := seedTokens(b)
	buf := AppendChars(nil, toks, 5)
	b.SetBytes(int64(len(toks.Norm)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendChars(buf[:0], toks, 5)
	}
}
