package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Decoding one JSON Lines record.
//
// Nearly every record is a plain object whose "id" is a string or a number
// and whose "text" is a string with a few escapes; decodeRecord reads those
// in one pass over the bytes, without reflection, and returns the text
// without copying it when it has no escapes. Anything else (keys with
// escapes or non-ASCII letters, which encoding/json matches without regard
// to case; ids or texts of other types; invalid UTF-8 inside the text,
// which encoding/json replaces with U+FFFD; surrogate escapes; nesting
// deeper than maxDepth; any syntax error) goes to encoding/json, so results
// and error messages are exactly its own. FuzzDecodeRecord checks that.
//
// Measured on 20,000 news articles of 3 KB (go test -bench Decode
// ./cmd/neardup): encoding/json.Unmarshal into the record struct about
// 150 MB/s; this decoder about 1.5 GB/s.

// fields names the fields of a record: the ID, the text and, optionally,
// a date. The zero value means "id" and "text" and no date.
type fields struct {
	ID, Text, Date string
}

func (f fields) withDefaults() fields {
	if f.ID == "" {
		f.ID = "id"
	}
	if f.Text == "" {
		f.Text = "text"
	}
	return f
}

// check reports field names that cannot be used: empty after defaults,
// equal to each other, or holding characters a struct tag cannot carry.
func (f fields) check() error {
	f = f.withDefaults()
	names := []string{f.ID, f.Text}
	if f.Date != "" {
		names = append(names, f.Date)
	}
	for i, n := range names {
		if n == "-" || strings.ContainsAny(n, "\"\\,`") || !utf8.ValidString(n) {
			return fmt.Errorf("field name %q: quotes, commas, backslashes and invalid UTF-8 are not supported", n)
		}
		for _, m := range names[:i] {
			if strings.EqualFold(n, m) {
				return fmt.Errorf("fields %q and %q are the same field", m, n)
			}
		}
	}
	return nil
}

// record is what the decoder takes out of a JSON Lines record.
type record struct {
	id   string
	text []byte // aliases the line or the decoder's buffer
	// span is the byte range of the text's JSON string in the line,
	// quotes included, or [0, 0) when the record was decoded by
	// encoding/json.
	span [2]int
	date []byte // the date field's value as JSON (a string or a number), nil if absent
}

// errMissingID and errMissingText are the record errors besides invalid
// JSON.
func errMissingID(f fields) error {
	return fmt.Errorf("missing or empty %q (a string or a number)", f.ID)
}

func errMissingText(f fields) error { return fmt.Errorf("missing %q", f.Text) }

// maxDepth is the deepest nesting of other fields decoded on the fast path.
const maxDepth = 64

// recordDecoder decodes records, reusing a buffer for unescaped texts. It
// is not safe for concurrent use.
type recordDecoder struct {
	f    fields
	fast bool         // field names in ASCII: the fast path applies
	typ  reflect.Type // the struct encoding/json decodes into
	buf  []byte
}

func newRecordDecoder(f fields) *recordDecoder {
	f = f.withDefaults()
	d := &recordDecoder{f: f, fast: isASCII(f.ID) && isASCII(f.Text) && isASCII(f.Date)}
	sf := []reflect.StructField{
		{Name: "ID", Type: reflect.TypeFor[*json.RawMessage](), Tag: reflect.StructTag(`json:"` + f.ID + `"`)},
		{Name: "Text", Type: reflect.TypeFor[*string](), Tag: reflect.StructTag(`json:"` + f.Text + `"`)},
	}
	if f.Date != "" {
		sf = append(sf, reflect.StructField{Name: "Date", Type: reflect.TypeFor[*json.RawMessage](), Tag: reflect.StructTag(`json:"` + f.Date + `"`)})
	}
	d.typ = reflect.StructOf(sf)
	return d
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decode returns the fields of the JSON object in line (trimmed of white
// space). The slices of the record are valid until the next call.
func (d *recordDecoder) decode(line []byte) (record, error) {
	if d.fast {
		if r, ok := d.fastDecode(line); ok {
			if r.id == "" {
				return r, errMissingID(d.f)
			}
			if r.text == nil {
				return r, errMissingText(d.f)
			}
			return r, nil
		}
	}
	id, t, date, err := d.decodeSlow(line)
	if err != nil {
		return record{}, err
	}
	d.buf = append(d.buf[:0], t...)
	return record{id: id, text: d.buf, date: date}, nil
}

// decodeSlow decodes a record with encoding/json.
func (d *recordDecoder) decodeSlow(line []byte) (id, text string, date []byte, err error) {
	v := reflect.New(d.typ)
	if err := json.Unmarshal(line, v.Interface()); err != nil {
		return "", "", nil, fmt.Errorf("invalid JSON: %w", err)
	}
	e := v.Elem()
	id, ok := parseID(e.Field(0).Interface().(*json.RawMessage))
	if !ok {
		return "", "", nil, errMissingID(d.f)
	}
	tp := e.Field(1).Interface().(*string)
	if tp == nil {
		return "", "", nil, errMissingText(d.f)
	}
	if d.f.Date != "" {
		if raw := e.Field(2).Interface().(*json.RawMessage); raw != nil {
			date = *raw
		}
	}
	return id, *tp, date, nil
}

// plain[c] is set for the bytes that stand for themselves inside a JSON
// string and need no check: printable ASCII other than '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s []byte, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// fastDecode decodes the common records; ok is false when encoding/json
// must decide. A missing ID gives "", a missing text nil.
func (d *recordDecoder) fastDecode(s []byte) (r record, ok bool) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return r, false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if i >= len(s) || s[i] != '"' {
				return r, false
			}
			j := i + 1
			for j < len(s) && plain[s[j]] {
				j++
			}
			if j >= len(s) || s[j] != '"' {
				return r, false // escaped or non-ASCII key
			}
			key := s[i+1 : j]
			i = skipSpace(s, j+1)
			if i >= len(s) || s[i] != ':' {
				return r, false
			}
			i = skipSpace(s, i+1)
			if i >= len(s) {
				return r, false
			}
			switch k := string(key); {
			case k == d.f.ID:
				switch c := s[i]; {
				case c == '"':
					var v []byte
					if v, i, ok = d.unquote(s, i, true); !ok {
						return r, false
					}
					r.id = string(v)
				case c == '-' || c >= '0' && c <= '9':
					start := i
					if i, ok = skipNumber(s, i); !ok {
						return r, false
					}
					r.id = string(s[start:i])
				default:
					return r, false
				}
			case k == d.f.Text:
				if s[i] != '"' {
					return r, false
				}
				start := i
				if r.text, i, ok = d.unquote(s, i, false); !ok {
					return r, false
				}
				r.span = [2]int{start, i}
			case k == d.f.Date && k != "":
				start := i
				if i, ok = skipValue(s, i, 0); !ok {
					return r, false
				}
				if c := s[start]; c == '"' || c == '-' || c >= '0' && c <= '9' {
					r.date = s[start:i]
				} else if c == 'n' {
					r.date = nil // null: no date
				} else {
					return r, false
				}
			default:
				if foldsTo(key, d.f.ID) || foldsTo(key, d.f.Text) || d.f.Date != "" && foldsTo(key, d.f.Date) {
					return r, false // encoding/json takes it for the field
				}
				if i, ok = skipValue(s, i, 0); !ok {
					return r, false
				}
			}
			i = skipSpace(s, i)
			if i >= len(s) {
				return r, false
			}
			if s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if s[i] != '}' {
				return r, false
			}
			i++
			break
		}
	}
	if skipSpace(s, i) != len(s) {
		return r, false
	}
	return r, true
}

// foldsTo reports whether the ASCII key equals the ASCII name regardless
// of case.
func foldsTo(key []byte, name string) bool {
	return len(key) == len(name) && strings.EqualFold(string(key), name)
}

// unquote decodes the string starting at s[i] == '"' and returns it with
// the index after it. Without escapes the result aliases s; with escapes
// it is written to the decoder's buffer, unless small is set (the ID),
// in which case a fresh slice is used. ok is false for anything that
// encoding/json would treat differently or reject.
func (d *recordDecoder) unquote(s []byte, i int, small bool) (v []byte, next int, ok bool) {
	i++
	start := i
	ascii := true
	i, ascii = scanRun(s, i)
	if i >= len(s) {
		return nil, 0, false
	}
	if s[i] == '"' {
		v = s[start:i]
		if !ascii && !utf8.Valid(v) {
			return nil, 0, false
		}
		return v, i + 1, true
	}
	if s[i] != '\\' {
		return nil, 0, false // a control character
	}
	var out []byte
	if !small {
		out = d.buf[:0]
	}
	for {
		// s[start:i] is a run of unescaped bytes, s[i] the byte after it.
		if !ascii && !utf8.Valid(s[start:i]) {
			return nil, 0, false
		}
		out = append(out, s[start:i]...)
		if s[i] == '"' {
			if !small {
				d.buf = out
			}
			return out, i + 1, true
		}
		if s[i] != '\\' || i+1 >= len(s) {
			return nil, 0, false // a control character, or a cut escape
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok || r >= 0xD800 && r < 0xE000 {
				return nil, 0, false // surrogates: encoding/json decides
			}
			out = utf8.AppendRune(out, r)
			i += 4
		default:
			return nil, 0, false
		}
		i += 2
		start = i
		if i, ascii = scanRun(s, i); i >= len(s) {
			return nil, 0, false
		}
	}
}

// scanRun returns the index of the first '"', '\\' or control character
// at or after s[i] (len(s) if none), and whether the bytes before it are
// all ASCII. It reads eight bytes at a time.
func scanRun(s []byte, i int) (int, bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	var hi uint64
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		hi |= x
		// A byte is flagged when it is below 0x20, or equals '"' or '\\'
		// (the classic "has less than" and "has zero byte" tests; bytes
		// of 0x80 and up are masked out by ^x).
		q := x ^ (ones * '"')
		b := x ^ (ones * '\\')
		if ((x-ones*0x20)|(q-ones)|(b-ones))&^x&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		hi |= uint64(c)
		if !plain[c] && c < utf8.RuneSelf {
			break
		}
	}
	return i, hi&0x8080808080808080 == 0
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func digits(s []byte, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// skipNumber skips a JSON number at s[i].
func skipNumber(s []byte, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i+1)
	default:
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

// skipString skips a JSON string at s[i] == '"', checking its escapes.
func skipString(s []byte, i int) (int, bool) {
	i++
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(s) {
				return 0, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(s, i+2); !ok {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		default:
			i++
		}
	}
	return 0, false
}

// skipValue skips the JSON value at s[i] (after white space).
func skipValue(s []byte, i, depth int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case c == '"':
		return skipString(s, i)
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(s, i)
	case c == 't':
		return literal(s, i, "true")
	case c == 'f':
		return literal(s, i, "false")
	case c == 'n':
		return literal(s, i, "null")
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, false
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == end {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i >= len(s) || s[i] != '"' {
					return 0, false
				}
				if i, ok = skipString(s, i); !ok {
					return 0, false
				}
				i = skipSpace(s, i)
				if i >= len(s) || s[i] != ':' {
					return 0, false
				}
				i = skipSpace(s, i+1)
			}
			if i, ok = skipValue(s, i, depth+1); !ok {
				return 0, false
			}
			i = skipSpace(s, i)
			if i >= len(s) {
				return 0, false
			}
			if s[i] == end {
				return i + 1, true
			}
			if s[i] != ',' {
				return 0, false
			}
			i = skipSpace(s, i+1)
		}
	}
	return 0, false
}

func literal(s []byte, i int, lit string) (int, bool) {
	if len(s)-i < len(lit) || string(s[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// parseID accepts a JSON string or number as a document ID.
func parseID(raw *json.RawMessage) (string, bool) {
	if raw == nil {
		return "", false
	}
	var s string
	if err := json.Unmarshal(*raw, &s); err == nil {
		return s, s != ""
	}
	var n json.Number
	if err := json.Unmarshal(*raw, &n); err == nil {
		return n.String(), true
	}
	return "", false
}
