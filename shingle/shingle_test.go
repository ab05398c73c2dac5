package shingle

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup/normalize"
)

// spaceTokens builds Tokens by splitting s on single spaces, with offsets
// into s. It keeps these tests independent of the normalizer.
func spaceTokens(s string) *normalize.Tokens {
	var t normalize.Tokens
	off := 0
	for _, w := range strings.Split(s, " ") {
		if w != "" {
			ns := len(t.Norm)
			t.Norm = append(t.Norm, w...)
			t.List = append(t.List, normalize.Token{Start: off, End: off + len(w), NormStart: ns, NormEnd: len(t.Norm)})
			t.Norm = append(t.Norm, ' ')
		}
		off += len(w) + 1
	}
	return &t
}

// naiveWords computes word shingle hashes straight from the definition.
func naiveWords(toks *normalize.Tokens, size int) []uint64 {
	n := toks.Len()
	var out []uint64
	for i := 0; i < Count(n, size); i++ {
		m := min(size, n-i)
		var r uint64
		for j := 0; j < m; j++ {
			r = r*Base + xxhash.Sum64(toks.Text(i+j))
		}
		out = append(out, fmix64(r^(Seed+uint64(m))))
	}
	return out
}

func randomText(rng *rand.Rand, n, vocab int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", rng.IntN(3)) + string(rune('a'+rng.IntN(vocab)))
	}
	return strings.Join(words, " ")
}

func TestAppendWordsMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		toks := spaceTokens(randomText(rng, rng.IntN(40), 1+rng.IntN(26)))
		for _, size := range []int{1, 2, 3, 5, 8, 13} {
			got := AppendWords(nil, toks, size)
			want := naiveWords(toks, size)
			if len(got) != len(want) {
				t.Fatalf("size %d, %d tokens: %d hashes, want %d", size, toks.Len(), len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("size %d, %d tokens: hash %d = %#x, want %#x", size, toks.Len(), i, got[i], want[i])
				}
			}
		}
	}
}

func TestAppendWordsAppends(t *testing.T) {
	toks := spaceTokens("a b c d e f g")
	prefix := []uint64{7, 8}
	got := AppendWords(prefix, toks, 5)
	if len(got) != 5 || got[0] != 7 || got[1] != 8 {
		t.Fatalf("prefix not kept: %v", got)
	}
	if want := naiveWords(toks, 5); got[2] != want[0] || got[4] != want[2] {
		t.Fatalf("appended hashes differ from definition")
	}
	if got := AppendWords(nil, spaceTokens(""), 5); len(got) != 0 {
		t.Fatalf("empty text has %d shingles", len(got))
	}
	// size <= 0 means DefaultSize.
	if a, b := AppendWords(nil, toks, 0), AppendWords(nil, toks, DefaultSize); len(a) != len(b) || a[0] != b[0] {
		t.Fatalf("size 0 is not DefaultSize")
	}
}

// Golden values: these hashes are persisted in saved indexes. If this test
// fails, the hash definition changed: bump Version instead of updating.
func TestWordsGolden(t *testing.T) {
	toks := spaceTokens("les etats unis sont profondement preoccupes par les informations")
	got := AppendWords(nil, toks, 5)
	want := []uint64{0x1f37195f40dd089d, 0x384c6e7991f3dd9f, 0xb0743d1e2e5116e4, 0x901da8097bd8af33, 0xdd7c794f48087e79}
	if len(got) != len(want) {
		t.Fatalf("got %d hashes, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("hash %d = %#016x, want %#016x", i, got[i], want[i])
		}
	}
	short := AppendWords(nil, spaceTokens("cessez le feu"), 5)
	if len(short) != 1 || short[0] != 0x226deb4e67b97e9b {
		t.Errorf("short text hash = %#016x", short)
	}
}

func TestShortTextsDoNotCollide(t *testing.T) {
	seen := map[uint64]string{}
	texts := []string{"a", "b", "a b", "b a", "a b c", "a b c d", "cessez le feu", "le feu", "feu", "a a", "a a a"}
	for _, s := range texts {
		h := AppendWords(nil, spaceTokens(s), 5)
		if len(h) != 1 {
			t.Fatalf("%q: %d shingles, want 1", s, len(h))
		}
		if o, ok := seen[h[0]]; ok {
			t.Fatalf("%q and %q share their only shingle", s, o)
		}
		seen[h[0]] = s
	}
	// A short text's shingle is not a shingle of a longer text containing it.
	long := AppendWords(nil, spaceTokens("x a b c d y"), 5)
	for _, h := range long {
		if s, ok := seen[h]; ok {
			t.Fatalf("long text shares a shingle with short %q", s)
		}
	}
}

func TestCountAndWordSpan(t *testing.T) {
	for _, c := range []struct{ n, size, want int }{{0, 5, 0}, {1, 5, 1}, {4, 5, 1}, {5, 5, 1}, {6, 5, 2}, {10, 1, 10}, {3, 0, 1}, {7, 0, 3}} {
		if got := Count(c.n, c.size); got != c.want {
			t.Errorf("Count(%d, %d) = %d, want %d", c.n, c.size, got, c.want)
		}
	}
	text := "alpha beta gamma delta epsilon zeta"
	toks := spaceTokens(text)
	ts, te, s, e := WordSpan(toks, 1, 5)
	if ts != 1 || te != 6 || text[s:e] != "beta gamma delta epsilon zeta" {
		t.Fatalf("WordSpan(1) = %d %d %q", ts, te, text[s:e])
	}
	short := spaceTokens("un deux")
	ts, te, s, e = WordSpan(short, 0, 5)
	if ts != 0 || te != 2 || s != 0 || e != 7 {
		t.Fatalf("short WordSpan = %d %d %d %d", ts, te, s, e)
	}
	if a, b, c, d := WordSpan(toks, 2, 5); a|b|c|d != 0 {
		t.Fatalf("out-of-range WordSpan not zero")
	}
	if a, b, c, d := WordSpan(toks, -1, 5); a|b|c|d != 0 {
		t.Fatalf("negative WordSpan not zero")
	}
}

func TestWordsIterator(t *testing.T) {
	toks := spaceTokens("a b c d e f g h")
	want := AppendWords(nil, toks, 3)
	var got []uint64
	for i, h := range Words(toks, 3) {
		if i != len(got) {
			t.Fatalf("position %d, want %d", i, len(got))
		}
		got = append(got, h)
		if i == 3 {
			break
		}
	}
	if len(got) != 4 || got[3] != want[3] {
		t.Fatalf("iterator gave %v, want prefix of %v", got, want)
	}
}

func naiveChars(toks *normalize.Tokens, n int) []uint64 {
	runes := []rune(string(charText(toks)))
	if len(runes) == 0 {
		return nil
	}
	var out []uint64
	cnt := len(runes) - n + 1
	if len(runes) < n {
		cnt = 1
	}
	for i := 0; i < cnt; i++ {
		m := min(n, len(runes)-i)
		var r uint64
		for j := 0; j < m; j++ {
			r = r*Base + fmix64(uint64(runes[i+j])^Seed)
		}
		out = append(out, fmix64(r^(Seed+uint64(m))))
	}
	return out
}

func TestAppendCharsMatchesDefinition(t *testing.T) {
	for _, s := range []string{"", "a", "ab", "élan vital", "les états unis", "œuvre d art ŝ 漢字"} {
		toks := spaceTokens(s)
		for _, n := range []int{1, 2, 3, 5, 9} {
			got, want := AppendChars(nil, toks, n), naiveChars(toks, n)
			if len(got) != len(want) {
				t.Fatalf("%q n=%d: %d hashes, want %d", s, n, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%q n=%d: hash %d differs", s, n, i)
				}
			}
		}
	}
}

func TestCharSpan(t *testing.T) {
	text := "les etats unis"
	toks := spaceTokens(text)
	cases := []struct {
		i, n int
		want string
	}{
		{0, 3, "les"},             // "les"
		{1, 3, "les"},             // "es ": the joining space belongs to no token
		{4, 5, "etats"},           // "etats"
		{3, 3, "etats"},           // " et"
		{10, 4, "unis"},           // "unis"
		{0, 50, "les etats unis"}, // whole text when shorter than n
	}
	for _, c := range cases {
		s, e := CharSpan(toks, c.i, c.n)
		if got := text[s:e]; got != c.want {
			t.Errorf("CharSpan(%d,%d) = %q, want %q", c.i, c.n, got, c.want)
		}
	}
	if s, e := CharSpan(toks, 20, 3); s != 0 || e != 0 {
		t.Errorf("out of range CharSpan = %d %d", s, e)
	}
}

func TestDeduper(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var d Deduper
	for trial := 0; trial < 200; trial++ {
		n := rng.IntN(3000)
		in := make([]uint64, n)
		for i := range in {
			if rng.IntN(4) == 0 && i > 0 {
				in[i] = in[rng.IntN(i)]
			} else if rng.IntN(50) == 0 {
				in[i] = 0
			} else {
				in[i] = rng.Uint64()
			}
		}
		var want []uint64
		seen := map[uint64]bool{}
		for _, h := range in {
			if !seen[h] {
				seen[h] = true
				want = append(want, h)
			}
		}
		got := d.AppendDistinct(nil, in)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d distinct, want %d", trial, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("trial %d: order differs at %d", trial, i)
			}
		}
		for _, h := range in {
			if !d.Contains(h) {
				t.Fatalf("trial %d: Contains(%#x) = false for a member", trial, h)
			}
		}
		for i := 0; i < 50; i++ {
			if h := rng.Uint64(); !seen[h] && d.Contains(h) {
				t.Fatalf("trial %d: Contains(%#x) = true for a non-member", trial, h)
			}
		}
		if d.Contains(0) != seen[0] {
			t.Fatalf("trial %d: Contains(0) = %v", trial, !seen[0])
		}
		// In place.
		inPlace := d.AppendDistinct(in[:0], in)
		for i := range inPlace {
			if inPlace[i] != want[i] {
				t.Fatalf("trial %d: in-place result differs at %d", trial, i)
			}
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	toks := spaceTokens(strings.Repeat("les etats unis sont profondement preoccupes par ", 80))
	buf := AppendWords(nil, toks, 5)
	cbuf := AppendChars(nil, toks, 5)
	var d Deduper
	set := d.AppendDistinct(nil, buf)
	allocs := testing.AllocsPerRun(50, func() {
		buf = AppendWords(buf[:0], toks, 5)
		cbuf = AppendChars(cbuf[:0], toks, 5)
		set = d.AppendDistinct(set[:0], buf)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
	if len(set) != 7 {
		t.Fatalf("%d distinct shingles of a 7-word cycle, want 7", len(set))
	}
}

func TestCharTextIgnoresTrailingSpace(t *testing.T) {
	toks := spaceTokens("ab cd")
	if !bytes.Equal(charText(toks), []byte("ab cd")) {
		t.Fatalf("charText = %q", charText(toks))
	}
}

func TestAppendWordsFromTokens(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for trial := 0; trial < 100; trial++ {
		toks := spaceTokens(randomText(rng, rng.IntN(30), 10))
		th := AppendTokenHashes(nil, toks)
		if len(th) != toks.Len() {
			t.Fatalf("%d token hashes for %d tokens", len(th), toks.Len())
		}
		for i, h := range th {
			if h != TokenHash(toks.Text(i)) {
				t.Fatalf("token hash %d differs", i)
			}
		}
		for _, size := range []int{0, 1, 3, 5} {
			want := AppendWords([]uint64{9}, toks, size)
			got := AppendWordsFromTokens([]uint64{9}, th, size)
			if !slices.Equal(got, want) {
				t.Fatalf("size %d: %v, want %v", size, got, want)
			}
		}
	}
}
