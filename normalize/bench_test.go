package normalize_test

import (
	"testing"

	"github.com/neardup/neardup/internal/reference"
	"github.com/neardup/neardup/normalize"
)

// benchInputs returns the concatenated seed articles and inputs of 1 KB,
// 10 KB and 100 KB cut from repetitions of them (on UTF-8 boundaries).
func benchInputs(tb testing.TB) []struct {
	name string
	text []byte
} {
	seeds := []byte(allSeeds(tb))
	cut := func(n int) []byte {
		var b []byte
		for len(b) < n+4 {
			b = append(b, seeds...)
		}
		for n > 0 && b[n]&0xC0 == 0x80 {
			n--
		}
		return b[:n]
	}
	return []struct {
		name string
		text []byte
	}{
		{"seeds", seeds},
		{"1KB", cut(1 << 10)},
		{"10KB", cut(10 << 10)},
		{"100KB", cut(100 << 10)},
	}
}

func BenchmarkTokenize(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			var t normalize.Tokens
			normalize.Tokenize(&t, in.text, normalize.Options{})
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			for b.Loop() {
				normalize.Tokenize(&t, in.text, normalize.Options{})
			}
			b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkTokenizeOptions(b *testing.B) {
	text := []byte(allSeeds(b))
	for _, c := range []struct {
		name string
		opt  normalize.Options
	}{
		{"string", normalize.Options{}},
		{"KeepAccents", normalize.Options{KeepAccents: true}},
		{"DropElisions", normalize.Options{DropElisions: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var t normalize.Tokens
			s := string(text)
			run := func() { normalize.Tokenize(&t, text, c.opt) }
			if c.name == "string" {
				run = func() { normalize.TokenizeString(&t, s, c.opt) }
			}
			run()
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkAppend(b *testing.B) {
	text := []byte(allSeeds(b))
	var dst []byte
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		dst = normalize.Append(dst[:0], text, normalize.Options{})
	}
}

func BenchmarkTransformer(b *testing.B) {
	text := allSeeds(b)
	tr := normalize.NewTransformer(normalize.Options{})
	dst := make([]byte, 4096)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		tr.Reset()
		src := []byte(text)
		for len(src) > 0 {
			k := min(len(src), 4096)
			_, n, _ := tr.Transform(dst, src[:k], k == len(src))
			src = src[n:]
		}
	}
}

func BenchmarkReference(b *testing.B) {
	text := allSeeds(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		reference.Tokens(text, reference.Options{})
	}
}
