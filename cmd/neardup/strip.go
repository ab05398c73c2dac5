package main

import (
	"bytes"
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// extendPunct returns the end of a repeat's later copy, which ends at e on
// a word, moved over the punctuation and white space that follow it when
// the same follows the earlier copy (ending at oe): a repeated sentence
// is cut with its full stop and closing quote, not only its words. It
// stops before the first letter or digit, and never runs into the later
// copy's own start region beyond what both copies share.
func extendPunct(text []byte, e, oe int) int {
	for e < len(text) && oe < e {
		r, n := utf8.DecodeRune(text[e:])
		if r == utf8.RuneError && n <= 1 || unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		if oe+n > len(text) || !bytes.Equal(text[e:e+n], text[oe:oe+n]) {
			break
		}
		e, oe = e+n, oe+n
	}
	return e
}

// span is a half-open byte range [0] to [1] of a text.
type span [2]int

// mergeSpans sorts spans and merges those that overlap or touch.
func mergeSpans(s []span) []span {
	slices.SortFunc(s, func(a, b span) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out := s[:0]
	for _, r := range s {
		if r[1] <= r[0] {
			continue
		}
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// cut returns text without the byte ranges of spans (merged, in bounds),
// appended to dst. At each cut the white space on both sides is replaced
// by the strongest break among them: a paragraph break (a blank line) if
// either side had one, else a line break, else a space; at the start or
// the end of the text it is dropped. The ranges lie on UTF-8 boundaries
// (passage offsets do), so the result is valid UTF-8 when text is.
func cut(dst, text []byte, spans []span) []byte {
	base, pos := len(dst), 0
	for _, r := range spans {
		s, e := max(r[0], pos), min(r[1], len(text))
		if s >= e {
			continue
		}
		// White space before the cut (not already written) and after it.
		ws := s
		for ws > pos && isBlank(text[ws-1]) {
			ws--
		}
		we := e
		for we < len(text) && isBlank(text[we]) {
			we++
		}
		dst = append(dst, text[pos:ws]...)
		gap := append(append([]byte(nil), text[ws:s]...), text[e:we]...)
		switch {
		case len(dst) == base || we == len(text):
		case bytes.Contains(gap, []byte("\n\n")) || bytes.Contains(gap, []byte("\n\r\n")):
			dst = append(dst, "\n\n"...)
		case bytes.IndexByte(gap, '\n') >= 0:
			dst = append(dst, '\n')
		default:
			dst = append(dst, ' ')
		}
		pos = we
	}
	return append(dst, text[pos:]...)
}
