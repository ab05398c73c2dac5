package shingle

import (
	"sort"
	"unicode/utf8"

	"github.com/neardup/neardup/normalize"
)

// DefaultCharSize is the default number of characters in a character n-gram.
const DefaultCharSize = 5

// charText returns the normalized text that character n-grams run over: the
// tokens joined by one space (toks.Norm without its final space).
func charText(toks *normalize.Tokens) []byte {
	s := toks.Norm
	if len(toks.List) == 0 {
		return nil
	}
	return s[:toks.List[len(toks.List)-1].NormEnd]
}

// AppendChars appends to dst the hashes of the character n-grams of the
// normalized text of toks (tokens joined by one space), in position order:
// the i-th hash covers code points i through i+n-1 of that text. A text of
// fewer than n code points has one n-gram over all of them. A size n <= 0
// means DefaultCharSize.
//
// Character n-grams suit short texts such as titles, where word shingles are
// too few. AppendChars allocates only if dst must grow.
func AppendChars(dst []uint64, toks *normalize.Tokens, n int) []uint64 {
	if n <= 0 {
		n = DefaultCharSize
	}
	text := charText(toks)
	if len(text) == 0 {
		return dst
	}
	base := len(dst)
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
		}
		dst = append(dst, fmix64(uint64(r)^Seed))
		i += size
	}
	return dst[:base+len(wordsInPlace(dst[base:], n))]
}

// CharSpan returns the byte range [start, end) in the original text of the
// tokens touched by the character n-gram at position i (whole tokens: a
// character of the normalized text does not always come from one byte range
// of the original, as with "œ" → "oe"). It returns (0, 0) when i is not an
// n-gram position. CharSpan runs in time linear in the text; it is meant for
// reporting, not for hot paths.
func CharSpan(toks *normalize.Tokens, i, n int) (start, end int) {
	if n <= 0 {
		n = DefaultCharSize
	}
	text := charText(toks)
	total := utf8.RuneCount(text)
	count := total - n + 1
	if total > 0 && total < n {
		count = 1
	}
	if i < 0 || i >= count {
		return 0, 0
	}
	// Byte offsets of code points i and min(i+n, total)-1 in text.
	var first, last, k int
	lastIdx := min(i+n, total) - 1
	for off := range string(text) {
		if k == i {
			first = off
		}
		if k == lastIdx {
			last = off
			break
		}
		k++
	}
	// Tokens containing those offsets; an offset on a joining space belongs
	// to the token before it for the end and after it for the start.
	list := toks.List
	a := sort.Search(len(list), func(j int) bool { return list[j].NormEnd > first })
	b := sort.Search(len(list), func(j int) bool { return list[j].NormEnd > last })
	if b < len(list) && list[b].NormStart > last {
		b-- // last is the space just before token b
	}
	b = max(b, a)
	return list[a].Start, list[b].End
}
