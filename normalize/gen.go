//go:build ignore

// gen.go generates tables.go, the lookup tables of the fast normalizer, from
// the direct implementation in internal/reference. Run with
//
//	go generate ./normalize/
//
// The output depends only on the Unicode tables of golang.org/x/text and the
// standard library, and is byte-identical from one run to the next.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/reference"
	"golang.org/x/text/unicode/norm"
)

// Entry codes; they must match the constants in normalize.go.
const (
	eSep    = ' '
	eIdent  = '#'
	eMark   = '+'
	eDrop   = '-'
	eHangul = '*'
	eMapped = 0x80
)

const (
	maxRune   = 0x10FFFF
	leafBits  = 6
	leafSize  = 1 << leafBits
	numBMP    = 0x10000 >> leafBits
	numPlanes = (maxRune + 1) >> 12
)

// rec is the mapping record of one code point: its output and flags.
type rec struct {
	out  string
	lead int  // bytes of leading combining marks in out
	join bool // first rune of out may combine with what precedes it
}

func (r rec) bytes() string {
	if len(r.out) > 255 || r.lead > 127 {
		log.Fatalf("record too long: %q", r.out)
	}
	f := byte(r.lead)
	if r.join {
		f |= 0x80
	}
	return string([]byte{byte(len(r.out)), f}) + r.out
}

func boundaryBefore(s string) bool {
	return norm.NFC.PropertiesString(s).BoundaryBefore()
}

func isASCIIAlnum(s string) bool {
	return len(s) == 1 && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= '0' && s[0] <= '9')
}

func allMarks(s string) bool {
	for _, r := range s {
		if !reference.IsMark(r) {
			return false
		}
	}
	return true
}

// entry computes the code and, for mapped code points, the record of r.
func entry(r rune, keep bool) (byte, rec) {
	if !utf8.ValidRune(r) {
		return eSep, rec{}
	}
	out := reference.NormChar(r, keep)
	self := string(r)
	switch {
	case out == "":
		return eDrop, rec{}
	case strings.Trim(out, " ") == "":
		// One or more separators (such as "  " for U+09CB) act as one.
		return eSep, rec{}
	case isASCIIAlnum(out):
		return out[0], rec{}
	}
	if !keep {
		if r >= 0xAC00 && r <= 0xD7A3 {
			// Hangul syllables decompose algorithmically into jamo.
			if out != norm.NFD.String(self) {
				log.Fatalf("%U: unexpected output %q", r, out)
			}
			return eHangul, rec{}
		}
		if out == self {
			return eIdent, rec{}
		}
		return eMapped, rec{out: out}
	}
	lead := 0
	for lead < len(out) {
		c, size := utf8.DecodeRuneInString(out[lead:])
		if !reference.IsMark(c) {
			break
		}
		lead += size
	}
	if allMarks(out) {
		if out == self {
			return eMark, rec{}
		}
		return eMapped, rec{out: out, lead: len(out), join: true}
	}
	join := out[lead] != ' ' && !boundaryBefore(out[lead:])
	if out == self && !join {
		return eIdent, rec{}
	}
	return eMapped, rec{out: out, lead: lead, join: join || lead > 0}
}

type leaf struct {
	codes [leafSize]byte
	recs  []rec
}

func (l *leaf) key() string {
	var b strings.Builder
	b.Write(l.codes[:])
	for _, r := range l.recs {
		b.WriteString(r.bytes())
	}
	return b.String()
}

type builder struct {
	leaves   []leaf
	leafIdx  map[string]int
	leafBase []int
	mapOff   []int
	pool     strings.Builder
	poolIdx  map[string]int
	mids     [][leafSize]int
	midIdx   map[[leafSize]int]int
	maxOut   int
	nMapped  int
	nRecords int
}

func (b *builder) addLeaf(l leaf) int {
	k := l.key()
	if i, ok := b.leafIdx[k]; ok {
		return i
	}
	i := len(b.leaves)
	b.leaves = append(b.leaves, l)
	b.leafIdx[k] = i
	base := 0
	if len(l.recs) > 0 {
		base = len(b.mapOff)
	}
	b.leafBase = append(b.leafBase, base)
	for _, r := range l.recs {
		s := r.bytes()
		off, ok := b.poolIdx[s]
		if !ok {
			off = b.pool.Len()
			b.pool.WriteString(s)
			b.poolIdx[s] = off
			b.nRecords++
		}
		b.mapOff = append(b.mapOff, off)
		if len(r.out) > b.maxOut {
			b.maxOut = len(r.out)
		}
	}
	return i
}

func (b *builder) buildLeaf(first rune, keep bool) int {
	var l leaf
	for j := 0; j < leafSize; j++ {
		r := first + rune(j)
		if r >= 0xD800 && r <= 0xDFFF {
			l.codes[j] = eSep
			continue
		}
		code, rc := entry(r, keep)
		if code == eMapped {
			if len(l.recs) >= 0x80 {
				log.Fatal("too many mappings in one leaf")
			}
			code = eMapped + byte(len(l.recs))
			l.recs = append(l.recs, rc)
			b.nMapped++
		}
		l.codes[j] = code
	}
	return b.addLeaf(l)
}

func (b *builder) addMid(m [leafSize]int) int {
	if i, ok := b.midIdx[m]; ok {
		return i
	}
	i := len(b.mids)
	b.mids = append(b.mids, m)
	b.midIdx[m] = i
	return i
}

func main() {
	if norm.Version != unicode.Version {
		log.Fatalf("x/text has Unicode %s but package unicode has %s", norm.Version, unicode.Version)
	}
	b := &builder{
		leafIdx: map[string]int{},
		poolIdx: map[string]int{},
		midIdx:  map[[leafSize]int]int{},
	}
	var bmp [2][numBMP]int
	var supp [2][numPlanes - 16]int
	var ascii [128]byte
	for r := rune(0); r < 0x80; r++ {
		code, _ := entry(r, false)
		code2, _ := entry(r, true)
		if code != code2 || (code != eSep && (code < '0' || code > 'z')) {
			log.Fatalf("%U: unexpected ASCII entry %q/%q", r, code, code2)
		}
		ascii[r] = code
	}
	for m, keep := range []bool{false, true} {
		for blk := 0; blk < numBMP; blk++ {
			bmp[m][blk] = b.buildLeaf(rune(blk<<leafBits), keep)
		}
		for p := 16; p < numPlanes; p++ {
			var mid [leafSize]int
			for j := range mid {
				mid[j] = b.buildLeaf(rune(p<<12|j<<leafBits), keep)
			}
			supp[m][p-16] = b.addMid(mid)
		}
	}
	if len(b.leaves) > 1<<16 || len(b.mids) > 256 || len(b.mapOff) > 1<<16 || b.pool.Len() > 1<<16 {
		log.Fatalf("tables overflow: %d leaves, %d mids, %d mappings, %d pool bytes",
			len(b.leaves), len(b.mids), len(b.mapOff), b.pool.Len())
	}

	var w bytes.Buffer
	fmt.Fprintf(&w, "// Code generated by \"go run gen.go\"; DO NOT EDIT.\n\n")
	fmt.Fprintf(&w, "package normalize\n\n")
	fmt.Fprintf(&w, "// UnicodeVersion is the version of the Unicode Character Database the\n")
	fmt.Fprintf(&w, "// tables were generated from (that of golang.org/x/text/unicode/norm and\n")
	fmt.Fprintf(&w, "// of package unicode).\n")
	fmt.Fprintf(&w, "const UnicodeVersion = %q\n\n", norm.Version)
	fmt.Fprintf(&w, "// Table statistics: %d leaves, %d mid blocks, %d mapped entries, %d distinct records, longest output %d bytes.\n\n",
		len(b.leaves), len(b.mids), b.nMapped, b.nRecords, b.maxOut)
	fmt.Fprintf(&w, "// asciiTab gives the entry code of each ASCII byte: the byte itself\n")
	fmt.Fprintf(&w, "// lowercased for letters and digits, eSep otherwise. Bytes >= 0x80 map to 0.\n")
	fmt.Fprintf(&w, "var asciiTab = [256]byte{\n")
	for r := 0; r < 0x80; r += 16 {
		for j := r; j < r+16; j++ {
			fmt.Fprintf(&w, "%q, ", ascii[j])
		}
		fmt.Fprintf(&w, "\n")
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// bmpIndex gives, per mode (0 folds accents, 1 keeps them), the leaf of\n")
	fmt.Fprintf(&w, "// each block of %d code points of the Basic Multilingual Plane.\n", leafSize)
	fmt.Fprintf(&w, "var bmpIndex = [2][%d]uint16{\n", numBMP)
	for m := range bmp {
		fmt.Fprintf(&w, "{\n")
		for j, v := range bmp[m] {
			fmt.Fprintf(&w, "%d,", v)
			if j%16 == 15 {
				fmt.Fprintf(&w, "\n")
			}
		}
		fmt.Fprintf(&w, "},\n")
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// suppIndex gives, per mode, the mid block of each 4096 code points from\n")
	fmt.Fprintf(&w, "// U+10000 on: index (r>>12)-16.\n")
	fmt.Fprintf(&w, "var suppIndex = [2][%d]uint8{\n", numPlanes-16)
	for m := range supp {
		fmt.Fprintf(&w, "{\n")
		for j, v := range supp[m] {
			fmt.Fprintf(&w, "%d,", v)
			if j%32 == 31 {
				fmt.Fprintf(&w, "\n")
			}
		}
		fmt.Fprintf(&w, "},\n")
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// midBlocks holds %d mid blocks of %d leaf numbers, indexed by (r>>6)&63.\n", len(b.mids), leafSize)
	fmt.Fprintf(&w, "var midBlocks = [%d]uint16{\n", len(b.mids)*leafSize)
	for _, m := range b.mids {
		for j, v := range m {
			fmt.Fprintf(&w, "%d,", v)
			if j%16 == 15 {
				fmt.Fprintf(&w, "\n")
			}
		}
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// leafBase gives, per leaf, the index in mapOff of its first mapped entry.\n")
	fmt.Fprintf(&w, "var leafBase = [%d]uint16{\n", len(b.leafBase))
	for j, v := range b.leafBase {
		fmt.Fprintf(&w, "%d,", v)
		if j%16 == 15 {
			fmt.Fprintf(&w, "\n")
		}
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// mapOff gives the offset in pool of each mapped entry's record.\n")
	fmt.Fprintf(&w, "var mapOff = [%d]uint16{\n", len(b.mapOff))
	for j, v := range b.mapOff {
		fmt.Fprintf(&w, "%d,", v)
		if j%16 == 15 {
			fmt.Fprintf(&w, "\n")
		}
	}
	fmt.Fprintf(&w, "}\n\n")

	fmt.Fprintf(&w, "// leaves holds %d leaves of %d entry codes, one per code point.\n", len(b.leaves), leafSize)
	fmt.Fprintf(&w, "const leaves = \"\" +\n")
	for j, l := range b.leaves {
		sep := " +"
		if j == len(b.leaves)-1 {
			sep = ""
		}
		fmt.Fprintf(&w, "%s%s // %d\n", strconv.Quote(string(l.codes[:])), sep, j)
	}
	fmt.Fprintf(&w, "\n")

	fmt.Fprintf(&w, "// pool holds the mapping records: output length, flags (bit 7: may join\n")
	fmt.Fprintf(&w, "// the preceding rune under NFC; bits 0-6: bytes of leading marks), output.\n")
	fmt.Fprintf(&w, "const pool = \"\" +\n")
	ps := b.pool.String()
	for len(ps) > 0 {
		n := 0
		for n < len(ps) && n < 96 {
			// Keep records whole on one line where possible.
			n += 2 + int(ps[n])
		}
		sep := " +"
		if n >= len(ps) {
			sep = ""
		}
		fmt.Fprintf(&w, "%s%s\n", strconv.Quote(ps[:n]), sep)
		ps = ps[n:]
	}

	src, err := format.Source(w.Bytes())
	if err != nil {
		os.WriteFile("tables.go.broken", w.Bytes(), 0o644)
		log.Fatal(err)
	}
	if err := os.WriteFile("tables.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
