package shingle

import (
	"testing"
	"unicode/utf8"

	"github.com/neardup/neardup/normalize"
)

// onBoundary reports whether off is where a code point starts when text is
// decoded as UTF-8 (an invalid byte is a unit of its own), or the end.
func onBoundary(text string, off int) bool {
	for i := 0; i < len(text); {
		if i == off {
			return true
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return off == len(text)
}

// FuzzSpans checks, for arbitrary text, that every word shingle and
// character n-gram maps back to a valid byte range of the original text,
// and that the number of shingles follows Count.
func FuzzSpans(f *testing.F) {
	for _, s := range []string{
		"", "a", "L’Australie refuse un visa à Ayelet Shaked",
		"« Les États-Unis sont profondément préoccupés »", "caf\xe9 au \xff lait", "½ ﬁn œuvre",
		"pro\u00adfondément\u200b pré\u0301", "a\r\nb\r\nc d e f g h i j",
	} {
		f.Add(s, 5)
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, text string, size int) {
		size = 1 + (size&0x7fffffff)%12
		var toks normalize.Tokens
		normalize.TokenizeString(&toks, text, normalize.Options{})
		h := AppendWords(nil, &toks, size)
		if len(h) != Count(toks.Len(), size) {
			t.Fatalf("%d shingles for %d tokens, size %d", len(h), toks.Len(), size)
		}
		for i := range h {
			ts, te, s, e := WordSpan(&toks, i, size)
			if ts != i || te <= ts || te > toks.Len() || te-ts > size {
				t.Fatalf("shingle %d: tokens [%d,%d)", i, ts, te)
			}
			if s < 0 || e > len(text) || s >= e || !onBoundary(text, s) || !onBoundary(text, e) {
				t.Fatalf("shingle %d: bytes [%d,%d) of %d", i, s, e, len(text))
			}
		}
		c := AppendChars(nil, &toks, size)
		for i := range c {
			s, e := CharSpan(&toks, i, size)
			if s < 0 || e > len(text) || s >= e || !onBoundary(text, s) || !onBoundary(text, e) {
				t.Fatalf("char n-gram %d: bytes [%d,%d) of %d", i, s, e, len(text))
			}
		}
	})
}
