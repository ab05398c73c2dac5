package shingle

import (
	"iter"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/internal/mix"
	"github.com/neardup/neardup/normalize"
)

// DefaultSize is the default number of words in a shingle.
const DefaultSize = 5

// Version identifies the shingle hash definition described in the package
// documentation. Saved data that holds shingle hashes records it.
const Version = 1

// Seed is mixed into every shingle hash. It is a constant so that hashes are
// stable across processes and machines.
const Seed uint64 = 0x6e65617264757031 // "neardup1"

// Base is the multiplier of the polynomial rolling hash (odd, so that the
// map from the last token's hash to R is a bijection).
const Base uint64 = 0x9e3779b97f4a7c15

// TokenHash returns the hash of one normalized token, as used inside word
// shingles.
func TokenHash(tok []byte) uint64 { return xxhash.Sum64(tok) }

// fmix64 is the MurmurHash3 64-bit finalizer, a bijection with full avalanche.
func fmix64(h uint64) uint64 { return mix.Murmur64(h) }

// pow returns Base^e mod 2^64.
func pow(e int) uint64 {
	r, b := uint64(1), Base
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r *= b
		}
		b *= b
	}
	return r
}

// Count returns how many word shingles of the given size a text of n tokens
// has: n-size+1 when n >= size, 1 when 0 < n < size, and 0 when n == 0.
// A size <= 0 means DefaultSize.
func Count(n, size int) int {
	if size <= 0 {
		size = DefaultSize
	}
	switch {
	case n <= 0:
		return 0
	case n < size:
		return 1
	default:
		return n - size + 1
	}
}

// AppendWords appends to dst the hashes of the word shingles of toks, in
// position order: the i-th appended hash covers tokens i through
// i+size-1 (see [WordSpan]). Repeated shingles are appended each time they
// occur; use a [Deduper] to get the distinct set. A size <= 0 means
// DefaultSize.
//
// AppendWords allocates only if dst must grow.
func AppendWords(dst []uint64, toks *normalize.Tokens, size int) []uint64 {
	base := len(dst)
	// Token hashes go into dst first; the shingle hashes then overwrite them
	// in place.
	dst = AppendTokenHashes(dst, toks)
	return dst[:base+len(wordsInPlace(dst[base:], size))]
}

// AppendTokenHashes appends to dst the hash of each token of toks
// (TokenHash of its normalized bytes).
func AppendTokenHashes(dst []uint64, toks *normalize.Tokens) []uint64 {
	for i := range toks.List {
		t := &toks.List[i]
		dst = append(dst, xxhash.Sum64(toks.Norm[t.NormStart:t.NormEnd]))
	}
	return dst
}

// AppendWordsFromTokens appends to dst the word shingle hashes of a text
// whose token hashes (AppendTokenHashes) are tokens: the same hashes as
// AppendWords, for callers that need the token hashes too.
func AppendWordsFromTokens(dst, tokens []uint64, size int) []uint64 {
	base := len(dst)
	dst = append(dst, tokens...)
	return dst[:base+len(wordsInPlace(dst[base:], size))]
}

// wordsInPlace turns the token hashes in h into the shingle hashes, in
// place (shingle i only needs token i, read before it is overwritten, and
// tokens after it), and returns them.
func wordsInPlace(h []uint64, size int) []uint64 {
	if size <= 0 {
		size = DefaultSize
	}
	n := len(h)
	if n == 0 {
		return h
	}
	m := min(size, n)
	var r uint64
	for _, t := range h[:m] {
		r = r*Base + t
	}
	salt := Seed + uint64(m)
	if m < size {
		h[0] = fmix64(r ^ salt)
		return h[:1]
	}
	top := pow(m - 1)
	last := n - m
	for i := 0; i < last; i++ {
		out := fmix64(r ^ salt)
		r = (r-h[i]*top)*Base + h[i+m]
		h[i] = out
	}
	h[last] = fmix64(r ^ salt)
	return h[:last+1]
}

// Words returns an iterator over the positions and hashes of the word
// shingles of toks, as AppendWords computes them. It allocates one buffer
// per call; use AppendWords on hot paths.
func Words(toks *normalize.Tokens, size int) iter.Seq2[int, uint64] {
	return func(yield func(int, uint64) bool) {
		for i, h := range AppendWords(nil, toks, size) {
			if !yield(i, h) {
				return
			}
		}
	}
}

// WordSpan returns the tokens [tokStart, tokEnd) covered by the word shingle
// at position i, and their byte range [start, end) in the original text.
// It returns zeros when i is not a shingle position of toks.
func WordSpan(toks *normalize.Tokens, i, size int) (tokStart, tokEnd, start, end int) {
	if size <= 0 {
		size = DefaultSize
	}
	if i < 0 || i >= Count(len(toks.List), size) {
		return 0, 0, 0, 0
	}
	tokEnd = min(i+size, len(toks.List))
	start, end = toks.Span(i, tokEnd)
	return i, tokEnd, start, end
}
