package normalize

//go:generate go run gen.go

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Version identifies the normalization implemented by this package. It
// changes whenever the output for some input changes (including a change of
// UnicodeVersion), so that indexes built with another version can be
// detected.
const Version = 1

// Options selects variants of the normalization. The zero value is the
// recommended setup for French text and is exactly the definition given in
// the package documentation. Options is comparable and may be used as a map
// key.
type Options struct {
	// DropElisions drops elided French articles and pronouns: a token whose
	// normalized text is one of l d j m n s t c qu jusqu lorsqu puisqu
	// quoiqu, that is immediately followed in the input by exactly one
	// apostrophe-like code point and then immediately by the start of the
	// next token, is dropped. Default false: "l’homme" gives "l" "homme".
	DropElisions bool

	// KeepAccents keeps diacritics: combining marks are kept in the token
	// they follow and each token is NFC-composed, so "État" gives "état"
	// instead of "etat". Case folding and compatibility mapping still apply,
	// and NFC and NFD input give identical tokens. Token ranges are those of
	// the default mode, except for the few code points whose decomposition
	// is a combining mark followed by a spacing one (some Kannada and
	// Balinese vowel signs): their mark joins the preceding token, whose
	// range then covers them.
	KeepAccents bool
}

// Validate reports whether o is a valid set of options. Every value of the
// current Options is valid, so it always returns nil; it exists so that
// callers validate options uniformly across the neardup packages.
func (o Options) Validate() error { return nil }

// Entry codes of the tables; they must match gen.go. Codes '0'..'9' and
// 'a'..'z' stand for that single output byte.
const (
	eSep    = ' '  // separator
	eHangul = '*'  // Hangul syllable, decomposed into conjoining jamo
	eIdent  = '#'  // letter or digit output as itself
	eMark   = '+'  // combining mark output as itself if a token is open
	eDrop   = '-'  // dropped: joins its neighbours
	eMapped = 0x80 // eMapped+i: record mapOff[leafBase[leaf]+i] of pool
)

// Record flags (second header byte of a pool record).
const (
	recJoin     = 0x80 // the output may compose with the preceding rune
	recLeadMask = 0x7f // number of bytes of leading combining marks
)

// Tokenize fills dst with the tokens of text under opt. dst is reset first;
// its buffers are reused, so that once they have grown to the size needed,
// Tokenize allocates nothing. Tokens keep no reference to text.
func Tokenize(dst *Tokens, text []byte, opt Options) { tokenize(dst, text, opt) }

// TokenizeString is Tokenize for a string; it does not copy text.
func TokenizeString(dst *Tokens, text string, opt Options) { tokenize(dst, text, opt) }

var tokensPool = sync.Pool{New: func() any { return new(Tokens) }}

// Append appends the normalized form of text to dst and returns the
// extended slice: the texts of its tokens joined by single spaces, with no
// leading or trailing space. text and dst must not overlap.
func Append(dst, text []byte, opt Options) []byte {
	t := tokensPool.Get().(*Tokens)
	tokenize(t, text, opt)
	if len(t.Norm) > 0 {
		dst = append(dst, t.Norm[:len(t.Norm)-1]...)
	}
	tokensPool.Put(t)
	return dst
}

// String returns the normalized form of text: the texts of its tokens joined
// by single spaces.
func String(text string, opt Options) string {
	t := tokensPool.Get().(*Tokens)
	tokenize(t, text, opt)
	s := ""
	if len(t.Norm) > 0 {
		s = string(t.Norm[:len(t.Norm)-1])
	}
	tokensPool.Put(t)
	return s
}

// tokenize is the single implementation behind Tokenize, TokenizeString,
// Append, String and the Transformer.
//
// The text is scanned in windows of 64 bytes. For each window, two bit masks
// are computed eight bytes at a time: the bytes that may belong to a token
// (ASCII letters and digits, and every non-ASCII byte) and the non-ASCII
// bytes. The maximal runs of the first mask are delimited by ASCII
// separators, so each run starts and ends with no token open. A run of ASCII
// letters and digits only, the bulk of French text, is one token, copied and
// lowercased eight bytes at a time. A run with non-ASCII bytes is decoded
// code point by code point between its ASCII stretches, which are copied the
// same way; the rare runs with code points that need more than a table
// lookup, and the last bytes of the text, go through scan. Finding runs with
// bit operations rather than by testing each byte keeps the loop free of the
// branch mispredictions and load-to-load dependencies that token boundaries
// otherwise cause.
func tokenize[T string | []byte](dst *Tokens, text T, opt Options) {
	sc := scanner{bmp: &bmpIndex[0], supp: &suppIndex[0]}
	if opt.KeepAccents {
		sc.bmp, sc.supp = &bmpIndex[1], &suppIndex[1]
	}
	n := len(text)
	out := dst.Norm[:0]
	if cap(out) < n+32 {
		out = make([]byte, 0, n+n/8+32)
	}
	list := dst.List[:0]
	if cap(list) < n/8 {
		list = make([]Token, 0, n/6+4)
	}

	p := 0
	for n-p >= windowSize+16 {
		// Reserve room for everything the window can add without
		// scan: at most one byte per input byte plus one space per
		// token, and 24 bytes written past the end by copies.
		if cap(out)-len(out) < 2*windowSize+32 {
			out = slices.Grow(out, 2*windowSize+32)
		}
		if cap(list)-len(list) < windowSize {
			list = slices.Grow(list, windowSize)
		}
		ob, lb := out[:cap(out)], list[:cap(list)]
		w, t := len(out), len(list)

		// Bit j of word: byte p+j may be in a token; of high: it is
		// not ASCII.
		win := text[p : p+windowSize+16]
		_ = win[windowSize+15] // lets the compiler drop bounds checks below
		x0, x1, x2, x3 := load64(win, 0), load64(win, 8), load64(win, 16), load64(win, 24)
		x4, x5, x6, x7 := load64(win, 32), load64(win, 40), load64(win, 48), load64(win, 56)
		word := wordMask(x0) | wordMask(x1)<<8 | wordMask(x2)<<16 | wordMask(x3)<<24 |
			wordMask(x4)<<32 | wordMask(x5)<<40 | wordMask(x6)<<48 | wordMask(x7)<<56
		high := moveMask(x0&hiBits) | moveMask(x1&hiBits)<<8 | moveMask(x2&hiBits)<<16 | moveMask(x3&hiBits)<<24 |
			moveMask(x4&hiBits)<<32 | moveMask(x5&hiBits)<<40 | moveMask(x6&hiBits)<<48 | moveMask(x7&hiBits)<<56
		starts := word &^ (word << 1)
		ends := ^word & (word << 1)
		for ends != 0 {
			// Runs of ASCII letters and digits, the common case, in a
			// loop without calls, so that its state stays in registers.
			var a, b int
			found := false
			for ends != 0 {
				s := bits.TrailingZeros64(starts)
				e := bits.TrailingZeros64(ends)
				starts &= starts - 1
				ends &= ends - 1
				if high>>(s&63)&(1<<((e-s)&63)-1) != 0 {
					a, b = p+s, p+e
					found = true
					break
				}
				// One token, copied eight bytes at a time and
				// lowercased.
				l := e - s
				o := ob[w : w+16]
				binary.LittleEndian.PutUint64(o[:8], load64(win, s)|lowerBits)
				binary.LittleEndian.PutUint64(o[8:], load64(win, s+8)|lowerBits)
				for k := 16; k < l; k += 8 {
					binary.LittleEndian.PutUint64(ob[w+k:], load64(win, s+k)|lowerBits)
				}
				ob[w+l] = ' '
				lb[t] = Token{Start: p + s, End: p + e, NormStart: w, NormEnd: w + l}
				w += l + 1
				t++
			}
			if !found {
				break
			}
			// The run has non-ASCII code points. Handle here those of
			// French text: accented letters output as one byte,
			// letters output as themselves, separators (apostrophes,
			// guillemets, no-break spaces) and dropped code points
			// (soft hyphens); leave anything else to scan. Positions
			// are relative to the window; a multi-byte sequence
			// cannot cross the ASCII separator ending the run.
			w0, t0 := w, t
			open, ok := false, true
			start, ns := 0, 0
			hm := high
			for j, e := a-p, b-p; ; {
				hm &^= 1<<(j&63) - 1
				q := bits.TrailingZeros64(hm)
				q = e + (q-e)&((q-e)>>63) // min(q, e) without a branch
				if q > j {
					if !open {
						open, start, ns = true, j, w
					}
					o := ob[w : w+16]
					binary.LittleEndian.PutUint64(o[:8], load64(win, j)|lowerBits)
					binary.LittleEndian.PutUint64(o[8:], load64(win, j+8)|lowerBits)
					for k := 16; k < q-j; k += 8 {
						binary.LittleEndian.PutUint64(ob[w+k:], load64(win, j+k)|lowerBits)
					}
					w += q - j
				}
				if q >= e {
					break
				}
				var c byte
				size := 2
				if c0, c1 := win[q], win[q+1]; c0 >= 0xC2 && c0 < 0xE0 && c1&0xC0 == 0x80 {
					c = leaves[int(sc.bmp[c0&0x1F])<<6|int(c1&0x3F)]
				} else {
					c, size = entryAt(win, q, sc.bmp, sc.supp)
				}
				if c-'0' <= 'z'-'0' {
					if !open {
						open, start, ns = true, q, w
					}
					ob[w] = c
					w++
				} else if c == eSep {
					if open {
						ob[w] = ' '
						lb[t] = Token{Start: p + start, End: p + q, NormStart: ns, NormEnd: w}
						w++
						t++
						open = false
					}
				} else if c == eIdent {
					if !open {
						open, start, ns = true, q, w
					}
					copy(ob[w:w+size], win[q:q+size])
					w += size
				} else if c != eDrop {
					ok = false
					break
				}
				j = q + size
			}
			if ok {
				if open {
					ob[w] = ' '
					lb[t] = Token{Start: p + start, End: b, NormStart: ns, NormEnd: w}
					w++
					t++
				}
				continue
			}
			w, t = w0, t0
			sc.out, sc.list = ob[:w], lb[:t]
			scan(&sc, text, a, b)
			out, list = sc.out, sc.list
			if cap(out)-len(out) < 2*windowSize+32 {
				out = slices.Grow(out, 2*windowSize+32)
			}
			if cap(list)-len(list) < windowSize {
				list = slices.Grow(list, windowSize)
			}
			ob, lb = out[:cap(out)], list[:cap(list)]
			w, t = len(out), len(list)
		}
		out, list = ob[:w], lb[:t]
		if starts == 0 {
			p += windowSize
			continue
		}
		// A run is still open at the end of the window: start the next
		// window there, or scan it if it fills the whole window.
		if s := bits.TrailingZeros64(starts); s > 0 {
			p += s
			continue
		}
		e := p + windowSize
		for e < n && (text[e] >= utf8.RuneSelf || asciiTab[text[e]] != eSep) {
			e++
		}
		sc.out, sc.list = out, list
		scan(&sc, text, p, e)
		out, list = sc.out, sc.list
		p = e
	}
	sc.out, sc.list = out, list
	scan(&sc, text, p, n)
	out, list = sc.out, sc.list
	if opt.DropElisions {
		out, list = dropElisions(text, out, list)
	}
	dst.Norm = out
	dst.List = list
}

const windowSize = 64

// scanner holds the output of tokenize and the tables of its mode while
// scan runs.
type scanner struct {
	out  []byte
	list []Token
	bmp  *[1024]uint16
	supp *[256]uint8
}

// scan tokenizes text[i:lim] code point by code point, appending to sc.
// No token may be open at i, and the token open at lim, if any, is closed:
// lim is len(text) or the position of an ASCII separator.
func scan[T string | []byte](sc *scanner, text T, i, lim int) {
	bmp, supp := sc.bmp, sc.supp
	out, list := sc.out, sc.list
	n := len(text)
	var (
		open           bool
		start, end, ns int  // current token: input range, start in out
		needNFC        bool // KeepAccents: the current token needs NFC
	)
	for i < lim {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiTab[c] != eSep {
				if !open {
					open = true
					start = i
					ns = len(out)
				}
				// Copy the run of ASCII letters and digits, lowercased.
				for {
					if i+8 > n {
						for i < n {
							k := asciiTab[text[i]]
							if k <= eSep {
								break
							}
							out = append(out, k)
							i++
						}
						break
					}
					x := load64(text, i)
					if cap(out)-len(out) < 8 {
						out = slices.Grow(out, 8)
					}
					l := len(out)
					binary.LittleEndian.PutUint64(out[l:l+8], x|lowerBits)
					if stop := ^alnumMask(x) & hiBits; stop != 0 {
						k := bits.TrailingZeros64(stop) >> 3
						i += k
						out = out[:l+k]
						break
					}
					i += 8
					out = out[:l+8]
				}
				end = i
				continue
			}
			if open {
				if needNFC {
					out = composeTail(out, ns)
					needNFC = false
				}
				out = append(out, ' ')
				list = append(list, Token{Start: start, End: end, NormStart: ns, NormEnd: len(out) - 1})
				open = false
			}
			i++
			continue
		}

		// Decode one code point and look up its entry code e. An invalid
		// byte is a one-byte separator, as with utf8.DecodeRune.
		var e byte
		var size int
		if c1 := byte(0); c < 0xE0 && i+1 < n {
			if c1 = text[i+1]; c >= 0xC2 && c1&0xC0 == 0x80 {
				e, size = leaves[int(bmp[c&0x1F])<<6|int(c1&0x3F)], 2
			}
		}
		if size == 0 {
			e, size = entryAt(text, i, bmp, supp)
		}
		if e-'0' <= 'z'-'0' {
			// Single output byte: the most frequent case (é -> e).
			if !open {
				open = true
				start = i
				ns = len(out)
			}
			out = append(out, e)
			i += size
			end = i
			continue
		}
		switch e {
		case eSep:
			if open {
				if needNFC {
					out = composeTail(out, ns)
					needNFC = false
				}
				out = append(out, ' ')
				list = append(list, Token{Start: start, End: end, NormStart: ns, NormEnd: len(out) - 1})
				open = false
			}
		case eDrop:
			if open {
				end = i + size
			}
		case eMark:
			if open {
				out = append(out, text[i:i+size]...)
				end = i + size
				needNFC = true
			}
		case eIdent, eHangul:
			if !open {
				open = true
				start = i
				ns = len(out)
			}
			if e == eIdent {
				out = append(out, text[i:i+size]...)
			} else {
				out = appendJamo(out, rune(c&0x0F)<<12|rune(text[i+1]&0x3F)<<6|rune(text[i+2]&0x3F))
			}
			end = i + size
		default:
			// Mapped: the output is a string of the pool, possibly with
			// leading marks (KeepAccents) and separators.
			leaf := leafOf(text, i, size, bmp, supp)
			off := int(mapOff[int(leafBase[leaf])+int(e-eMapped)])
			flags := pool[off+1]
			s := pool[off+2 : off+2+int(pool[off])]
			if lead := int(flags & recLeadMask); lead > 0 {
				if open {
					out = append(out, s[:lead]...)
					end = i + size
					needNFC = true
				}
				s = s[lead:]
			}
			if flags&recJoin != 0 && open && len(s) > 0 && s[0] != ' ' {
				needNFC = true
			}
			for len(s) > 0 {
				if s[0] == ' ' {
					if open {
						if needNFC {
							out = composeTail(out, ns)
							needNFC = false
						}
						out = append(out, ' ')
						list = append(list, Token{Start: start, End: end, NormStart: ns, NormEnd: len(out) - 1})
						open = false
					}
					s = s[1:]
					continue
				}
				j := 1
				for j < len(s) && s[j] != ' ' {
					j++
				}
				if !open {
					open = true
					start = i
					ns = len(out)
				}
				out = append(out, s[:j]...)
				end = i + size
				s = s[j:]
			}
		}
		i += size
	}
	if open {
		if needNFC {
			out = composeTail(out, ns)
		}
		out = append(out, ' ')
		list = append(list, Token{Start: start, End: end, NormStart: ns, NormEnd: len(out) - 1})
	}
	sc.out, sc.list = out, list
}

const (
	hiBits    = 0x8080808080808080
	loBits    = 0x7F7F7F7F7F7F7F7F
	ones      = 0x0101010101010101
	lowerBits = 0x2020202020202020 // OR-ed into letters, lowercases them; digits have it
)

// wordMask returns the bit mask of the bytes of x that may belong to a
// token: ASCII letters and digits, and all non-ASCII bytes.
func wordMask(x uint64) uint64 {
	a := x & loBits
	l := a | lowerBits
	letter := (l + (0x80-0x61)*ones) &^ (l + (0x7F-0x7A)*ones)
	digit := (a + (0x80-0x30)*ones) &^ (a + (0x7F-0x39)*ones)
	return moveMask((letter | digit | x) & hiBits)
}

// moveMask gathers the top bits of the eight bytes of x, which must have
// no other bits set, into the low eight bits of the result.
func moveMask(x uint64) uint64 {
	return x * 0x02040810204081 >> 56
}

// load64 returns the eight bytes text[i:i+8] as a little-endian integer.
func load64[T string | []byte](text T, i int) uint64 {
	s := text[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// alnumMask returns x with 0x80 in each byte that is an ASCII letter or
// digit and 0 in all other bits.
func alnumMask(x uint64) uint64 {
	a := x & loBits
	l := a | 0x2020202020202020 // letters in 0x61..0x7A after this
	letter := (l + (0x80-0x61)*ones) &^ (l + (0x7F-0x7A)*ones)
	digit := (a + (0x80-0x30)*ones) &^ (a + (0x7F-0x39)*ones)
	return (letter | digit) &^ x & hiBits
}

// dropElisions removes from out and list the tokens that DropElisions
// drops: an elided article or pronoun followed by exactly one
// apostrophe-like code point and then directly by the next token. Most
// tokens are ruled out by the byte that follows them; the kept tokens
// between two dropped ones are moved with one copy.
func dropElisions[T string | []byte](text T, out []byte, list []Token) ([]byte, []Token) {
	kept, shift, from := 0, 0, 0
	n, last := len(text), len(list)-1
	for j := 0; ; j++ {
		// Skip, in a loop without calls, the tokens not followed by
		// the first byte of an apostrophe.
		for j < last {
			if end := list[j].End; end < n && apostropheLead[text[end]] {
				break
			}
			j++
		}
		if j >= last {
			break
		}
		if !isDropped(text, out, list, j) {
			continue
		}
		// Move list[from:j] to list[kept:], and their text left by shift.
		if from < j {
			if shift > 0 {
				copy(out[list[from].NormStart-shift:], out[list[from].NormStart:list[j-1].NormEnd+1])
				for i := from; i < j; i++ {
					list[i].NormStart -= shift
					list[i].NormEnd -= shift
				}
			}
			kept += copy(list[kept:], list[from:j])
		}
		shift += list[j].NormEnd - list[j].NormStart + 1
		from = j + 1
	}
	if shift == 0 {
		return out, list
	}
	if from < len(list) {
		copy(out[list[from].NormStart-shift:], out[list[from].NormStart:])
		for i := from; i < len(list); i++ {
			list[i].NormStart -= shift
			list[i].NormEnd -= shift
		}
		kept += copy(list[kept:], list[from:])
	}
	return out[:len(out)-shift], list[:kept]
}

// isDropped reports whether DropElisions drops list[j], which is not the
// last token.
func isDropped[T string | []byte](text T, out []byte, list []Token, j int) bool {
	t := list[j]
	if t.NormEnd-t.NormStart > 6 || !isElision(out[t.NormStart:t.NormEnd]) {
		return false
	}
	a := apostropheLen(text, t.End)
	return a > 0 && list[j+1].Start == t.End+a
}

// apostropheLead marks the first bytes of the apostrophe-like code points.
var apostropheLead = [256]bool{'\'': true, '`': true, 0xC2: true, 0xCA: true, 0xE2: true, 0xEF: true}

// entryAt decodes the non-ASCII code point at text[i] and returns its entry
// code and size. An invalid byte is a one-byte separator, as with
// utf8.DecodeRune.
func entryAt[T string | []byte](text T, i int, bmp *[1024]uint16, supp *[256]uint8) (byte, int) {
	n := len(text)
	c := text[i]
	switch {
	case c < 0xC2:
	case c < 0xE0:
		if i+1 < n {
			if c1 := text[i+1]; c1&0xC0 == 0x80 {
				return leaves[int(bmp[c&0x1F])<<6|int(c1&0x3F)], 2
			}
		}
	case c < 0xF0:
		if i+2 < n {
			c1, c2 := text[i+1], text[i+2]
			lo, hi := byte(0x80), byte(0xBF)
			if c == 0xE0 {
				lo = 0xA0
			} else if c == 0xED {
				hi = 0x9F
			}
			if c1 >= lo && c1 <= hi && c2&0xC0 == 0x80 {
				return leaves[int(bmp[int(c&0x0F)<<6|int(c1&0x3F)])<<6|int(c2&0x3F)], 3
			}
		}
	default:
		return lookup4(text, i, supp)
	}
	return eSep, 1
}

// lookup4 decodes the four-byte sequence at text[i] and returns its entry
// code and size, or a one-byte separator if the sequence is invalid.
func lookup4[T string | []byte](text T, i int, supp *[256]uint8) (byte, int) {
	c := text[i]
	if c > 0xF4 || i+3 >= len(text) {
		return eSep, 1
	}
	c1, c2, c3 := text[i+1], text[i+2], text[i+3]
	lo, hi := byte(0x80), byte(0xBF)
	if c == 0xF0 {
		lo = 0x90
	} else if c == 0xF4 {
		hi = 0x8F
	}
	if c1 < lo || c1 > hi || c2&0xC0 != 0x80 || c3&0xC0 != 0x80 {
		return eSep, 1
	}
	mid := int(supp[(int(c&0x07)<<6|int(c1&0x3F))-16])
	leaf := int(midBlocks[mid<<6|int(c2&0x3F)])
	return leaves[leaf<<6|int(c3&0x3F)], 4
}

// leafOf returns the leaf holding the valid code point of the given size at
// text[i].
func leafOf[T string | []byte](text T, i, size int, bmp *[1024]uint16, supp *[256]uint8) int {
	c := text[i]
	switch size {
	case 2:
		return int(bmp[c&0x1F])
	case 3:
		return int(bmp[int(c&0x0F)<<6|int(text[i+1]&0x3F)])
	}
	mid := int(supp[(int(c&0x07)<<6|int(text[i+1]&0x3F))-16])
	return int(midBlocks[mid<<6|int(text[i+2]&0x3F)])
}

// appendJamo appends the canonical decomposition of the Hangul syllable r.
func appendJamo(out []byte, r rune) []byte {
	const (
		sBase = 0xAC00
		lBase = 0x1100
		vBase = 0x1161
		tBase = 0x11A7
		tN    = 28
		nN    = 21 * tN
	)
	s := r - sBase
	out = utf8.AppendRune(out, lBase+s/nN)
	out = utf8.AppendRune(out, vBase+(s%nN)/tN)
	if t := s % tN; t != 0 {
		out = utf8.AppendRune(out, tBase+t)
	}
	return out
}

// composeTail replaces out[from:] by its NFC form. The composition is
// written to the spare capacity of out (an empty destination, so that
// norm.Form.Append does not look back into the token) and moved into place.
func composeTail(out []byte, from int) []byte {
	if norm.NFC.IsNormal(out[from:]) {
		return out
	}
	l := len(out)
	res := norm.NFC.Append(out[l:l], out[from:l]...)
	return append(out[:from], res...)
}

// isElision reports whether a token text is one of the elided articles and
// pronouns removed by DropElisions.
func isElision(t []byte) bool {
	switch len(t) {
	case 1:
		switch t[0] {
		case 'l', 'd', 'j', 'm', 'n', 's', 't', 'c':
			return true
		}
	case 2:
		return string(t) == "qu"
	case 5:
		return string(t) == "jusqu"
	case 6:
		switch string(t) {
		case "lorsqu", "puisqu", "quoiqu":
			return true
		}
	}
	return false
}

// apostropheLen returns the length of the apostrophe-like code point at
// text[i], or 0 if there is none: ' ` U+00B4 U+02B9 U+02BB U+02BC U+2018
// U+2019 U+201B U+2032 U+FF07.
func apostropheLen[T string | []byte](text T, i int) int {
	if i >= len(text) {
		return 0
	}
	switch text[i] {
	case '\'', '`':
		return 1
	case 0xC2:
		if i+1 < len(text) && text[i+1] == 0xB4 {
			return 2
		}
	case 0xCA:
		if i+1 < len(text) {
			switch text[i+1] {
			case 0xB9, 0xBB, 0xBC:
				return 2
			}
		}
	case 0xE2:
		if i+2 < len(text) && text[i+1] == 0x80 {
			switch text[i+2] {
			case 0x98, 0x99, 0x9B, 0xB2:
				return 3
			}
		}
	case 0xEF:
		if i+2 < len(text) && text[i+1] == 0xBC && text[i+2] == 0x87 {
			return 3
		}
	}
	return 0
}
