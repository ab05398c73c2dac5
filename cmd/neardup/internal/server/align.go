package server

import (
	"bytes"

	"github.com/neardup/neardup/normalize"
)

// Span is a half-open byte range of a text.
type Span struct{ Start, End int }

// Alignment compares the words of two passages: how many are matched,
// substituted, inserted and deleted in an alignment of least edits.
type Alignment struct {
	// Matched, Substituted, Inserted and Deleted count the alignment's
	// columns: a word of both passages that is equal, a word of each that
	// differ, a word only in the second passage, a word only in the first.
	Matched, Substituted, Inserted, Deleted int
	// EditsA and EditsB are the words of each passage that the alignment
	// does not match, as byte ranges of the texts.
	EditsA, EditsB []Span
}

// Identity is the share of aligned columns whose words match: 1 for two
// passages with the same words, 0 when none match.
func (al Alignment) Identity() float64 {
	cols := al.Matched + al.Substituted + al.Inserted + al.Deleted
	if cols == 0 {
		return 1
	}
	return float64(al.Matched) / float64(cols)
}

// maxAlignCells bounds the dynamic-programming table of Align: passages
// whose lengths differ a lot are aligned in a band of this many cells.
const maxAlignCells = 1 << 22

// Align aligns the normalized words of a[sa] with those of b[sb] by unit
// cost edit distance (Levenshtein over words), restricted to a diagonal band
// wide enough for the difference of their lengths plus 16 words, so that it
// costs O((n+m)·band) and never more than maxAlignCells cells; words outside
// the band, if any, count as inserted or deleted. Edited words are reported
// as byte ranges of a and b. Align does not retain a or b, and is safe
// for concurrent use.
func Align(a []byte, sa Span, b []byte, sb Span, opt normalize.Options) Alignment {
	var ta, tb normalize.Tokens
	normalize.Tokenize(&ta, a[sa.Start:sa.End], opt)
	normalize.Tokenize(&tb, b[sb.Start:sb.End], opt)
	word := func(t *normalize.Tokens, i int) []byte {
		return t.Norm[t.List[i].NormStart:t.List[i].NormEnd]
	}
	span := func(t *normalize.Tokens, i, base int) Span {
		return Span{base + t.List[i].Start, base + t.List[i].End}
	}
	// The words both passages start and end with are matched as they are
	// (an alignment of least edits can always keep them), so that only
	// the part between them, often empty, goes through the table.
	var al Alignment
	lo, na, nb := 0, len(ta.List), len(tb.List)
	for lo < na && lo < nb && bytes.Equal(word(&ta, lo), word(&tb, lo)) {
		lo++
	}
	for na > lo && nb > lo && bytes.Equal(word(&ta, na-1), word(&tb, nb-1)) {
		na, nb = na-1, nb-1
	}
	al.Matched = lo + len(ta.List) - na
	if lo == na && lo == nb {
		return al
	}
	// From here on, word i of a is ta.List[lo+i], word j of b tb.List[lo+j].
	n, m := na-lo, nb-lo
	wa := func(i int) []byte { return word(&ta, lo+i) }
	wb := func(j int) []byte { return word(&tb, lo+j) }
	ea := func(i int) Span { return span(&ta, lo+i, sa.Start) }
	eb := func(j int) Span { return span(&tb, lo+j, sb.Start) }
	band := abs(n-m) + 16
	if (n+1)*(2*band+1) > maxAlignCells {
		band = max(maxAlignCells/(n+1)/2-1, 0)
	}
	w := 2*band + 1
	const inf = 1 << 30
	// d[i][k] is the cost of aligning a[:i] with b[:j], j = i-band+k.
	d := make([]int32, (n+1)*w)
	at := func(i, j int) int {
		k := j - i + band
		if k < 0 || k >= w || j < 0 || j > m {
			return -1
		}
		return i*w + k
	}
	get := func(i, j int) int {
		if x := at(i, j); x >= 0 {
			return int(d[x])
		}
		return inf
	}
	for i := 0; i <= n; i++ {
		for j := max(0, i-band); j <= min(m, i+band); j++ {
			var c int
			switch {
			case i == 0:
				c = j
			case j == 0:
				c = i
			default:
				sub := 1
				if bytes.Equal(wa(i-1), wb(j-1)) {
					sub = 0
				}
				c = min(get(i-1, j-1)+sub, get(i-1, j)+1, get(i, j-1)+1)
			}
			d[at(i, j)] = int32(c)
		}
	}
	i, j := n, m
	if at(n, m) < 0 { // outside the band: the tail is inserted or deleted
		for ; j > min(m, n+band); j-- {
			al.Inserted++
			al.EditsB = append(al.EditsB, eb(j-1))
		}
		for ; i > min(n, m+band); i-- {
			al.Deleted++
			al.EditsA = append(al.EditsA, ea(i-1))
		}
	}
	for i > 0 || j > 0 {
		c := get(i, j)
		switch {
		case i > 0 && j > 0 && bytes.Equal(wa(i-1), wb(j-1)) && get(i-1, j-1) == c:
			al.Matched++
			i, j = i-1, j-1
		case i > 0 && j > 0 && get(i-1, j-1)+1 == c:
			al.Substituted++
			al.EditsA = append(al.EditsA, ea(i-1))
			al.EditsB = append(al.EditsB, eb(j-1))
			i, j = i-1, j-1
		case i > 0 && get(i-1, j)+1 == c:
			al.Deleted++
			al.EditsA = append(al.EditsA, ea(i-1))
			i--
		default:
			al.Inserted++
			al.EditsB = append(al.EditsB, eb(j-1))
			j--
		}
	}
	reverse(al.EditsA)
	reverse(al.EditsB)
	return al
}

func reverse(s []Span) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
