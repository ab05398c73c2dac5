package normalize

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/reference"
	"golang.org/x/text/unicode/norm"
)

// tableEntry returns the entry code of r and, for mapped entries, its
// record's output and flags, read from the tables as tokenize reads them.
func tableEntry(r rune, keep bool) (code byte, out string, flags byte) {
	mode := 0
	if keep {
		mode = 1
	}
	if r < utf8.RuneSelf {
		return asciiTab[r], "", 0
	}
	var leaf int
	if r < 0x10000 {
		leaf = int(bmpIndex[mode][r>>6])
	} else {
		mid := int(suppIndex[mode][r>>12-16])
		leaf = int(midBlocks[mid<<6|int(r>>6&63)])
	}
	code = leaves[leaf<<6|int(r&63)]
	if code >= eMapped {
		off := int(mapOff[int(leafBase[leaf])+int(code-eMapped)])
		return code, pool[off+2 : off+2+int(pool[off])], pool[off+1]
	}
	return code, "", 0
}

// charOutput returns the output of r according to the tables, in the form
// of reference.NormChar.
func charOutput(r rune, keep bool) string {
	code, out, _ := tableEntry(r, keep)
	switch {
	case code == eSep:
		return " "
	case code == eDrop:
		return ""
	case code == eIdent || code == eMark:
		return string(r)
	case code == eHangul:
		return string(appendJamo(nil, r))
	case code >= '0' && code <= 'z':
		return string(rune(code))
	case code >= eMapped:
		return out
	}
	return "invalid code " + string(rune(code))
}

// refOutputs computes reference.NormChar for every code point and both
// accent modes, in parallel.
func refOutputs() [2][]string {
	outs := [2][]string{make([]string, unicode.MaxRune+1), make([]string, unicode.MaxRune+1)}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := rune(w); r <= unicode.MaxRune; r += rune(workers) {
				raw := reference.RawChar(r)
				outs[0][r] = reference.FromRaw(raw, false)
				outs[1][r] = reference.FromRaw(raw, true)
			}
		}()
	}
	wg.Wait()
	return outs
}

var refCache struct {
	once sync.Once
	outs [2][]string
}

// cachedRefOutputs returns the reference output of every code point in
// the given accent mode, computed once per test binary.
func cachedRefOutputs(keep bool) []string {
	refCache.once.Do(func() { refCache.outs = refOutputs() })
	if keep {
		return refCache.outs[1]
	}
	return refCache.outs[0]
}

func isSurrogate(r rune) bool { return r >= 0xD800 && r <= 0xDFFF }

// TestTablesExhaustive checks, for every code point and both accent modes,
// that the tables give the output of the reference implementation, and that
// the flags used for NFC composition under KeepAccents are right.
func TestTablesExhaustive(t *testing.T) {
	for _, keep := range []bool{false, true} {
		ref := cachedRefOutputs(keep)
		bad := 0
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if isSurrogate(r) {
				continue
			}
			want := ref[r]
			if want != "" && strings.Trim(want, " ") == "" {
				want = " " // several separators act as one
			}
			got := charOutput(r, keep)
			if got != want {
				if bad++; bad <= 10 {
					t.Errorf("keep=%v %U: tables give %q, reference %q", keep, r, got, want)
				}
				continue
			}
			code, _, flags := tableEntry(r, keep)
			lead := 0
			for lead < len(want) {
				c, size := utf8.DecodeRuneInString(want[lead:])
				if !reference.IsMark(c) {
					break
				}
				lead += size
			}
			if !keep && lead > 0 {
				t.Errorf("%U: accent-folding output %q has marks", r, want)
			}
			switch {
			case code >= eMapped:
				if int(flags&recLeadMask) != lead {
					t.Errorf("keep=%v %U: lead %d, want %d", keep, r, flags&recLeadMask, lead)
				}
				rest := want[lead:]
				wantJoin := lead > 0 || keep && rest != "" && rest[0] != ' ' && !norm.NFC.PropertiesString(rest).BoundaryBefore()
				if (flags&recJoin != 0) != wantJoin {
					t.Errorf("keep=%v %U: join flag %v, want %v", keep, r, flags&recJoin != 0, wantJoin)
				}
			case code == eIdent:
				if keep && !norm.NFC.PropertiesString(want).BoundaryBefore() {
					t.Errorf("%U: identity entry may compose with the preceding rune", r)
				}
			case code == eMark:
				if !keep || lead != len(want) {
					t.Errorf("keep=%v %U: mark entry for %q", keep, r, want)
				}
			}
		}
	}
}

// TestTablesInContext tokenizes every code point between letters and after
// a separator, in both accent modes, and compares with the reference. This
// exercises UTF-8 decoding, identity entries and marks joining or not
// joining an open token.
func TestTablesInContext(t *testing.T) {
	for _, keep := range []bool{false, true} {
		ref := cachedRefOutputs(keep)
		normChar := func(r rune, keep bool) string { return ref[r] }
		opt := Options{KeepAccents: keep}
		var toks Tokens
		bad := 0
		buf := make([]byte, 0, 16)
		for r := rune(0x80); r <= unicode.MaxRune; r++ {
			if isSurrogate(r) {
				continue
			}
			for _, ctx := range [...][2]string{{"e", "b"}, {".", ""}} {
				buf = append(utf8.AppendRune(append(buf[:0], ctx[0]...), r), ctx[1]...)
				TokenizeString(&toks, string(buf), opt)
				var want []reference.Token
				size := utf8.RuneLen(r)
				switch out := strings.Trim(ref[r], " "); {
				case out == "" && ctx[0] == ".":
					// Separator or dropped code point with nothing around it.
				case out == "" && ref[r] == "":
					want = []reference.Token{{Text: "eb", Start: 0, End: size + 2}}
				case out == "":
					want = []reference.Token{{Text: "e", Start: 0, End: 1}, {Text: "b", Start: size + 1, End: size + 2}}
				case !strings.ContainsFunc(ref[r], func(c rune) bool { return c == ' ' || reference.IsMark(c) }):
					// Letters and digits only: they join the context.
					if ctx[0] == "." {
						want = []reference.Token{{Text: out, Start: 1, End: size + 1}}
					} else if keep {
						want = []reference.Token{{Text: norm.NFC.String("e" + out + "b"), Start: 0, End: size + 2}}
					} else {
						want = []reference.Token{{Text: "e" + out + "b", Start: 0, End: size + 2}}
					}
				default:
					want = reference.TokensFunc(string(buf), reference.Options(opt), normChar)
				}
				if msg := diffTokens(&toks, want); msg != "" {
					if bad++; bad <= 10 {
						t.Errorf("keep=%v %q (%U): %s", keep, buf, r, msg)
					}
				}
			}
		}
	}
}

// diffTokens describes the first difference between got and want, or
// returns "".
func diffTokens(got *Tokens, want []reference.Token) string {
	for i := 0; i < got.Len() || i < len(want); i++ {
		if i < got.Len() && i < len(want) {
			tk, w := got.List[i], want[i]
			if string(got.Text(i)) == w.Text && tk.Start == w.Start && tk.End == w.End {
				continue
			}
		}
		var g, w string
		if i < got.Len() {
			tk := got.List[i]
			g = fmt.Sprintf("%q@%d:%d", got.Text(i), tk.Start, tk.End)
		}
		if i < len(want) {
			w = fmt.Sprintf("%q@%d:%d", want[i].Text, want[i].Start, want[i].End)
		}
		if g != w {
			return fmt.Sprintf("token %d: got %s, want %s", i, g, w)
		}
	}
	return ""
}

// TestCanonicalEquivalence checks that the NFC and NFD forms of every code
// point, between letters, give the same token texts in both accent modes.
func TestCanonicalEquivalence(t *testing.T) {
	var a, b Tokens
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if isSurrogate(r) {
			continue
		}
		s := "e" + string(r) + "b"
		if norm.NFD.IsNormalString(s) && norm.NFC.IsNormalString(s) {
			continue
		}
		d, c := norm.NFD.String(s), norm.NFC.String(s)
		for _, keep := range []bool{false, true} {
			opt := Options{KeepAccents: keep}
			TokenizeString(&a, d, opt)
			TokenizeString(&b, c, opt)
			if string(a.Norm) != string(b.Norm) {
				t.Errorf("keep=%v %U: NFD gives %q, NFC gives %q", keep, r, a.Norm, b.Norm)
			}
		}
	}
}

func TestUnicodeVersion(t *testing.T) {
	for _, v := range []string{norm.Version, unicode.Version} {
		if v != UnicodeVersion {
			t.Errorf("tables are for Unicode %s, x/text has %s, package unicode %s: run go generate",
				UnicodeVersion, norm.Version, unicode.Version)
		}
	}
}

func TestApostropheLen(t *testing.T) {
	for r := rune(0); r <= 0x10000; r++ {
		if isSurrogate(r) {
			continue
		}
		s := string(r) + "x"
		want := 0
		if reference.IsApostrophe(r) {
			want = utf8.RuneLen(r)
		}
		if got := apostropheLen(s, 0); got != want {
			t.Errorf("%U: apostropheLen = %d, want %d", r, got, want)
		}
		// Truncated at the end of the text.
		if got := apostropheLen(s[:len(s)-2], 0); want > 1 && got != 0 {
			t.Errorf("%U truncated: apostropheLen = %d, want 0", r, got)
		}
	}
	if got := apostropheLen("l", 1); got != 0 {
		t.Errorf("apostropheLen at end = %d", got)
	}
}

func TestIsElision(t *testing.T) {
	for _, s := range []string{"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"} {
		if !isElision([]byte(s)) {
			t.Errorf("isElision(%q) = false", s)
		}
	}
	for _, s := range []string{"", "a", "e", "y", "que", "qui", "jusque", "lorsque", "puisque", "quoique", "aujourd", "presqu", "lo", "ll"} {
		if isElision([]byte(s)) {
			t.Errorf("isElision(%q) = true", s)
		}
		if isElision([]byte(s)) != reference.IsElision(s) {
			t.Errorf("isElision(%q) differs from reference", s)
		}
	}
}

// TestAlnumMask compares the eight-byte classification with the byte table
// on random words and on every byte value at every position.
func TestAlnumMask(t *testing.T) {
	check := func(x uint64) {
		got := alnumMask(x)
		var want uint64
		for j := 0; j < 8; j++ {
			b := byte(x >> (8 * j))
			if b < utf8.RuneSelf && asciiTab[b] != eSep {
				want |= 0x80 << (8 * j)
			}
		}
		if got != want {
			t.Fatalf("alnumMask(%#016x) = %#016x, want %#016x", x, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(rng.Uint64())
	}
	for pos := 0; pos < 8; pos++ {
		for b := 0; b < 256; b++ {
			for _, fill := range []uint64{0, 0x4141414141414141, 0xFFFFFFFFFFFFFFFF, 0x7A7A7A7A7A7A7A7A, 0x3939393939393939} {
				x := fill&^(0xFF<<(8*pos)) | uint64(b)<<(8*pos)
				check(x)
			}
		}
	}
}

func TestMoveMask(t *testing.T) {
	for m := 0; m < 256; m++ {
		var x uint64
		for j := 0; j < 8; j++ {
			if m>>j&1 != 0 {
				x |= 0x80 << (8 * j)
			}
		}
		if got := moveMask(x); got != uint64(m) {
			t.Errorf("moveMask(%#016x) = %#x, want %#x", x, got, m)
		}
	}
}
