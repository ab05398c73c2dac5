package main

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/neardup/neardup"
)

// The output lines, written without reflection. They are byte for byte
// what encoding/json's Encoder writes for the structs of the JSON Lines
// format (TestOutputMatchesEncodingJSON): same field order, same
// escaping (HTML characters included), same number formatting.

func appendPair(b []byte, a, id string, m *neardup.Match) []byte {
	b = append(b, `{"type":"pair","a":`...)
	b = appendString(b, a)
	b = append(b, `,"b":`...)
	b = appendString(b, id)
	b = append(b, `,"score":`...)
	b = appendFloat(b, m.Jaccard)
	b = append(b, `,"exact":`...)
	b = strconv.AppendBool(b, m.Exact)
	b = append(b, `,"a_in_b":`...)
	b = appendFloat(b, m.Contains)
	b = append(b, `,"b_in_a":`...)
	b = appendFloat(b, m.Contained)
	b = append(b, `,"hamming":`...)
	b = strconv.AppendInt(b, int64(m.Hamming), 10)
	return append(b, "}\n"...)
}

func appendPassage(b []byte, id string, p *neardup.Passage) []byte {
	b = append(b, `{"type":"passage","doc":`...)
	b = appendString(b, id)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(p.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(p.End), 10)
	b = append(b, `,"other_doc":`...)
	b = appendString(b, p.OtherID)
	b = append(b, `,"other_start":`...)
	b = strconv.AppendInt(b, int64(p.OtherStart), 10)
	b = append(b, `,"other_end":`...)
	b = strconv.AppendInt(b, int64(p.OtherEnd), 10)
	b = append(b, `,"words":`...)
	b = strconv.AppendInt(b, int64(p.Words), 10)
	b = append(b, `,"identity":`...)
	b = appendFloat(b, p.Identity)
	b = append(b, `,"substituted":`...)
	b = strconv.AppendInt(b, int64(p.Substituted), 10)
	b = append(b, `,"inserted":`...)
	b = strconv.AppendInt(b, int64(p.Inserted), 10)
	b = append(b, `,"deleted":`...)
	b = strconv.AppendInt(b, int64(p.Deleted), 10)
	if p.Boilerplate {
		b = append(b, `,"boilerplate":true`...)
	}
	return append(b, "}\n"...)
}

func appendCluster(b []byte, c *neardup.Cluster) []byte {
	b = append(b, `{"type":"cluster","representative":`...)
	b = appendString(b, c.Representative)
	b = append(b, `,"members":`...)
	if c.Members == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, m := range c.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m)
		}
		b = append(b, ']')
	}
	b = append(b, `,"links":[`...)
	for i, l := range c.Links {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"a":`...)
		b = appendString(b, l.A)
		b = append(b, `,"b":`...)
		b = appendString(b, l.B)
		b = append(b, `,"score":`...)
		b = appendFloat(b, l.Jaccard)
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendFloat formats f as encoding/json does: the shortest decimal that
// reads back as f, in exponent form below 1e-6 and from 1e21 on. NaN and
// infinities, which JSON lacks, never occur in scores.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// safe[c] is set for the ASCII bytes that encoding/json writes as they are
// with HTML escaping on.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a JSON string, escaped as encoding/json does
// with HTML escaping on: invalid UTF-8 becomes \ufffd, U+2028 and U+2029
// are escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
