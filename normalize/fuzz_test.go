package normalize_test

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/internal/reference"
	"github.com/neardup/neardup/normalize"
)

// fuzzSeeds returns the French test inputs, pieces of the seed articles and
// some invalid UTF-8.
func fuzzSeeds(tb testing.TB) []string {
	var seeds []string
	for _, c := range frenchCases {
		seeds = append(seeds, c.in)
	}
	text := allSeeds(tb)
	for i := 0; i+200 <= len(text); i += 1500 {
		seeds = append(seeds, text[i:i+200])
	}
	seeds = append(seeds,
		"\xff\xfe\xfd", "é\xc3", "a\x80b", "\xed\xbf\xbfz", "\xf0\x90\x80", "e\u0301\u0327\u0308x",
		"ᄀ\u1161\u11a8 가 ﬃ ǅ ᾳ İ ẞ ΐ ℌ ⑴ ¼ ㍱ ﷺ", "l'\u00ad\u0301homme", "ಕೀ ಕ\u0cbf\u0cd5", "𝐀𝐁 \U0001f600 \U000e0041",
	)
	return seeds
}

// FuzzTokenize compares the tokens (texts and ranges) with the reference
// implementation under every option combination, and checks the documented
// invariants.
func FuzzTokenize(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var toks normalize.Tokens
		// Short texts go through the tail scanner only; padding with
		// ASCII text sends the input through the window scanner too,
		// at an alignment that depends on its length.
		padded := strings.Repeat("ab cd ", 11+len(text)%7) + text + strings.Repeat(" ef", 30)
		for _, opt := range allOptions {
			normalize.TokenizeString(&toks, padded, opt)
			got := render(&toks)
			want := renderRef(reference.Tokens(padded, reference.Options(opt)))
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("%+v on padded %q:\n got %v\nwant %v", opt, text, got, want)
			}
			checkInvariants(t, padded, &toks)
			normalize.TokenizeString(&toks, text, opt)
			got = render(&toks)
			want = renderRef(reference.Tokens(text, reference.Options(opt)))
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("%+v on %q:\n got %v\nwant %v", opt, text, got, want)
			}
			checkInvariants(t, text, &toks)
			var b normalize.Tokens
			normalize.Tokenize(&b, []byte(text), opt)
			if string(b.Norm) != string(toks.Norm) {
				t.Fatalf("%+v: Tokenize and TokenizeString differ", opt)
			}
		}
	})
}

// FuzzIdempotent checks that normalizing normalized text changes nothing.
func FuzzIdempotent(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, opt := range allOptions {
			once := normalize.String(text, opt)
			if twice := normalize.String(once, opt); twice != once {
				t.Fatalf("%+v on %q:\n once %q\ntwice %q", opt, text, once, twice)
			}
		}
	})
}
