package normalize_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/transform"

	"github.com/neardup/neardup/normalize"
)

// transformChunked runs tr over text fed in chunks of n bytes, with a
// destination buffer of m bytes, as a careful caller of Transform would.
func transformChunked(t *testing.T, tr transform.Transformer, text []byte, n, m int) []byte {
	t.Helper()
	tr.Reset()
	var out []byte
	dst := make([]byte, m)
	src := text
	for iter := 0; ; iter++ {
		if iter > 10*len(text)+100 {
			t.Fatalf("no progress with chunks of %d and dst of %d", n, m)
		}
		k := min(n, len(src))
		atEOF := k == len(src)
		nDst, nSrc, err := tr.Transform(dst, src[:k], atEOF)
		out = append(out, dst[:nDst]...)
		src = src[nSrc:]
		switch {
		case err == nil:
			if atEOF && nSrc == k {
				return out
			}
		case errors.Is(err, transform.ErrShortDst):
		default:
			t.Fatalf("Transform: %v", err)
		}
	}
}

func TestTransformerChunks(t *testing.T) {
	texts := []string{
		"L’Arménie et l'Azerbaïdjan : « cessez-le-feu » aujourd’hui, pro\u00adfondément, e\u0301te\u0301 ½ ﬁn.",
		"l'homme l’homme qu’il jusqu'à", "", "   ", "mot", "caf\xe9 \xff au lait\xc3",
	}
	for _, text := range texts {
		for _, opt := range allOptions {
			want := normalize.Append(nil, []byte(text), opt)
			tr := normalize.NewTransformer(opt)
			for n := 1; n <= len(text)+1; n++ {
				for _, m := range []int{1, 3, 64} {
					if got := transformChunked(t, tr, []byte(text), n, m); !bytes.Equal(got, want) {
						t.Fatalf("%+v, chunks of %d, dst %d:\n got %q\nwant %q", opt, n, m, got, want)
					}
				}
			}
		}
	}
}

func TestTransformerSeeds(t *testing.T) {
	text := allSeeds(t)
	for _, opt := range allOptions {
		want := normalize.String(text, opt)
		got, _, err := transform.String(normalize.NewTransformer(opt), text)
		if err != nil || got != want {
			t.Errorf("%+v: transform.String differs from String (err %v)", opt, err)
		}
		r := transform.NewReader(iotest.OneByteReader(strings.NewReader(text)), normalize.NewTransformer(opt))
		b, err := io.ReadAll(r)
		if err != nil || string(b) != want {
			t.Errorf("%+v: transform.Reader differs from String (err %v)", opt, err)
		}
		for _, n := range []int{7, 100, 1000} {
			if got := transformChunked(t, normalize.NewTransformer(opt), []byte(text), n, 50); string(got) != want {
				t.Errorf("%+v, chunks of %d: differs from String", opt, n)
			}
		}
	}
}

// FuzzTransformer checks that the transformer gives the output of Append
// whatever the chunking of input and output.
func FuzzTransformer(f *testing.F) {
	for i, s := range fuzzSeeds(f) {
		f.Add(s, uint8(i), uint8(i*7))
	}
	f.Fuzz(func(t *testing.T, text string, chunk, dstSize uint8) {
		for _, opt := range allOptions {
			want := normalize.Append(nil, []byte(text), opt)
			got := transformChunked(t, normalize.NewTransformer(opt), []byte(text), int(chunk)%64+1, int(dstSize)%32+1)
			if !bytes.Equal(got, want) {
				t.Fatalf("%+v, chunks of %d, dst %d, on %q:\n got %q\nwant %q", opt, int(chunk)%64+1, int(dstSize)%32+1, text, got, want)
			}
		}
	})
}
