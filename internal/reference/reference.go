// Package reference is a slow, direct implementation of the neardup text
// normalization (version 1, the same as the evaluation's "ref-v1"), used to
// test the table-driven implementation in package normalize and to generate
// its tables.
//
// Every code point is normalized on its own with golang.org/x/text, exactly
// as the definition reads:
//
//  1. an apostrophe-like code point (see IsApostrophe) is a separator;
//  2. otherwise s = NFD(casefold(NFKC(c)));
//  3. each rune of s is then a separator if apostrophe-like, dropped if of
//     category Mn, Me or Cf (Mn and Me are kept in accent-keeping mode),
//     "oe" for "œ", "ae" for "æ", kept if of category L or N, and a
//     separator otherwise.
//
// Tokens are the maximal runs of kept runes. Nothing here is optimized; the
// point is to be obviously correct. All functions are safe for concurrent use.
package reference

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Options mirrors normalize.Options field for field, so that a value of one
// type converts to the other. It is declared here so that this package does
// not import normalize.
type Options struct {
	DropElisions bool
	KeepAccents  bool
}

// Token is one token: its normalized text and its half-open byte range
// [Start, End) in the input.
type Token struct {
	Text       string
	Start, End int
}

// apostrophes lists the apostrophe-like code points of the definition.
const apostrophes = "'\u2019\u2018\u201b\u02bc\u02bb\u02b9\u0060\u00b4\uff07\u2032"

// IsApostrophe reports whether r is one of the apostrophe-like code points
// ' U+2019 U+2018 U+201B U+02BC U+02BB U+02B9 U+0060 U+00B4 U+FF07 U+2032.
func IsApostrophe(r rune) bool { return strings.ContainsRune(apostrophes, r) }

// IsMark reports whether r is a combining mark of category Mn or Me, the
// runes that are dropped by default and kept with KeepAccents.
func IsMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// elisions are the token texts that DropElisions removes.
var elisions = []string{"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

// IsElision reports whether a token text is one of the elided French
// articles and pronouns that DropElisions removes.
func IsElision(s string) bool {
	for _, e := range elisions {
		if s == e {
			return true
		}
	}
	return false
}

// RawChar returns the output of code point r in accent-keeping form before
// any composition: letters and digits as they are, combining marks (Mn, Me)
// kept, separators as " ", everything of category Cf removed. The
// accent-folding output is RawChar with its marks removed. Invalid runes
// (surrogates, values out of range) give " ".
//
// Case folding is full case folding (CaseFolding.txt statuses C and F, as
// Python's str.casefold): "ß" gives "ss". It is computed with
// golang.org/x/text/cases.Fold, corrected for Cherokee, which Unicode folds
// to uppercase letters and cases.Fold to lowercase ones.
func RawChar(r rune) string {
	if !utf8.ValidRune(r) || IsApostrophe(r) {
		return " "
	}
	s := norm.NFKC.String(string(r))
	s = foldCherokee(cases.Fold().String(s))
	s = norm.NFD.String(s)
	var b strings.Builder
	for _, ch := range s {
		switch {
		case IsApostrophe(ch):
			b.WriteByte(' ')
		case IsMark(ch):
			b.WriteRune(ch)
		case unicode.Is(unicode.Cf, ch):
			// dropped
		case ch == 'œ':
			b.WriteString("oe")
		case ch == 'æ':
			b.WriteString("ae")
		case unicode.In(ch, unicode.L, unicode.N):
			b.WriteRune(ch)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// foldCherokee corrects the one place where x/text's case folding departs
// from CaseFolding.txt: Unicode folds Cherokee to its uppercase letters
// (U+AB70..U+ABBF to U+13A0..U+13EF, U+13F8..U+13FD to U+13F0..U+13F5) while
// cases.Fold lowercases them.
func foldCherokee(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xAB70 && r <= 0xABBF:
			return r - 0xAB70 + 0x13A0
		case r >= 0x13F8 && r <= 0x13FD:
			return r - 8
		}
		return r
	}, s)
}

// NormChar returns the output of the single code point r: " " for each
// separator, "" when the code point is dropped, otherwise letters and digits
// (and, in accent-keeping mode, combining marks).
//
// With keepAccents false this is RawChar without its combining marks. With
// keepAccents true, marks that directly follow a separator inside the output
// are removed (they cannot attach to any token) and each separator-delimited
// part is NFC-composed; marks at the very start are kept, since they attach
// to a token left open by the preceding code points.
func NormChar(r rune, keepAccents bool) string {
	return FromRaw(RawChar(r), keepAccents)
}

// FromRaw returns NormChar(r, keepAccents) given raw = RawChar(r).
func FromRaw(raw string, keepAccents bool) string {
	var b strings.Builder
	afterSep := false
	for _, ch := range raw {
		switch {
		case ch == ' ':
			b.WriteByte(' ')
			afterSep = true
		case IsMark(ch):
			if keepAccents && !afterSep {
				b.WriteRune(ch)
			}
		default:
			b.WriteRune(ch)
			afterSep = false
		}
	}
	if !keepAccents {
		return b.String()
	}
	parts := strings.Split(b.String(), " ")
	for i, p := range parts {
		parts[i] = norm.NFC.String(p)
	}
	return strings.Join(parts, " ")
}

// Tokens returns the tokens of text under opt, computed code point by code
// point from NormChar.
//
// A token starts at the first byte of the first code point that contributes
// a letter or digit to it and ends after the last code point that
// contributes to it, where a code point whose whole output is empty (a
// dropped mark or format character) contributes to a token that is still
// open. In accent-keeping mode a combining mark output by a code point joins
// the open token and is ignored when no token is open, and each token's text
// is NFC-composed. An invalid UTF-8 byte is a one-byte separator.
func Tokens(text string, opt Options) []Token {
	return TokensFunc(text, opt, NormChar)
}

// TokensFunc is Tokens with the per-code-point output given by normChar
// instead of NormChar, so that tests can supply precomputed outputs.
func TokensFunc(text string, opt Options, normChar func(r rune, keepAccents bool) string) []Token {
	var toks []Token
	var cur []rune
	open := false
	start, end := 0, 0
	emit := func() {
		t := string(cur)
		if opt.KeepAccents {
			t = norm.NFC.String(t)
		}
		toks = append(toks, Token{Text: t, Start: start, End: end})
		cur = cur[:0]
		open = false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		out := " "
		if r != utf8.RuneError || size != 1 {
			out = normChar(r, opt.KeepAccents)
		}
		if out == "" {
			if open {
				end = i + size
			}
		}
		for _, ch := range out {
			switch {
			case ch == ' ':
				if open {
					emit()
				}
			case IsMark(ch):
				if open {
					cur = append(cur, ch)
					end = i + size
				}
			default:
				if !open {
					open = true
					start = i
				}
				cur = append(cur, ch)
				end = i + size
			}
		}
		i += size
	}
	if open {
		emit()
	}
	if opt.DropElisions {
		toks = dropElisions(text, toks)
	}
	return toks
}

// dropElisions removes every token whose text satisfies IsElision, that is
// followed in text by exactly one apostrophe-like code point, and whose
// following token starts right after that code point.
func dropElisions(text string, toks []Token) []Token {
	var out []Token
	for i, t := range toks {
		if i+1 < len(toks) && IsElision(t.Text) {
			r, size := utf8.DecodeRuneInString(text[t.End:])
			if size > 0 && IsApostrophe(r) && toks[i+1].Start == t.End+size {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// String returns the texts of the tokens of text joined by single spaces.
func String(text string, opt Options) string {
	var parts []string
	for _, t := range Tokens(text, opt) {
		parts = append(parts, t.Text)
	}
	return strings.Join(parts, " ")
}
