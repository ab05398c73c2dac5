package normalize

import (
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// NewTransformer returns a transform.Transformer that normalizes a stream:
// its output is exactly what Append gives for the whole stream, the tokens
// joined by single spaces.
//
// The input is cut after ASCII separators other than the apostrophes ' and
// `, where no token, code point or elision can span the cut, and each piece
// is tokenized whole; input after the last such separator is kept until
// more arrives or the stream ends. The transformer therefore buffers at
// least the current run of text without such a separator, which is short in
// prose but unbounded for input that never has one.
//
// The returned Transformer is not safe for concurrent use. Reset discards
// any buffered input and output.
func NewTransformer(opt Options) transform.Transformer {
	return &transformer{opt: opt}
}

type transformer struct {
	opt     Options
	in      []byte // input not yet tokenized
	out     []byte // output not yet written
	outPos  int    // out[outPos:] remains to be written
	started bool   // output has been produced, so the next token needs a space
	toks    Tokens
}

func (t *transformer) Reset() {
	t.in = t.in[:0]
	t.out = t.out[:0]
	t.outPos = 0
	t.started = false
}

func (t *transformer) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	nDst = t.flush(dst)
	if t.outPos < len(t.out) {
		return nDst, 0, transform.ErrShortDst
	}
	t.in = append(t.in, src...)
	nSrc = len(src)
	cut := len(t.in)
	if !atEOF {
		cut = safeCut(t.in)
	}
	if cut > 0 {
		Tokenize(&t.toks, t.in[:cut], t.opt)
		if len(t.toks.Norm) > 0 {
			if t.started {
				t.out = append(t.out, ' ')
			}
			t.out = append(t.out, t.toks.Norm[:len(t.toks.Norm)-1]...)
			t.started = true
		}
		t.in = t.in[:copy(t.in, t.in[cut:])]
	}
	nDst += t.flush(dst[nDst:])
	if t.outPos < len(t.out) {
		return nDst, nSrc, transform.ErrShortDst
	}
	return nDst, nSrc, nil
}

// flush writes as much pending output as fits in dst.
func (t *transformer) flush(dst []byte) int {
	n := copy(dst, t.out[t.outPos:])
	t.outPos += n
	if t.outPos == len(t.out) {
		t.out, t.outPos = t.out[:0], 0
	}
	return n
}

// safeCut returns the length of the longest prefix of b that ends with an
// ASCII separator other than an apostrophe, or 0. Tokenizing the prefix and
// the rest separately gives the tokens of the whole.
func safeCut(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if c := b[i]; c < utf8.RuneSelf && asciiTab[c] == eSep && c != '\'' && c != '`' {
			return i + 1
		}
	}
	return 0
}
