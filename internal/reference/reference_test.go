package reference_test

import (
	"fmt"
	"testing"

	"github.com/neardup/neardup/internal/reference"
)

func TestNormChar(t *testing.T) {
	cases := []struct {
		r          rune
		fold, keep string
	}{
		{'a', "a", "a"},
		{'Z', "z", "z"},
		{'7', "7", "7"},
		{' ', " ", " "},
		{'-', " ", " "},
		{'É', "e", "é"},
		{'é', "e", "é"},
		{'Œ', "oe", "oe"},
		{'æ', "ae", "ae"},
		{'ß', "ss", "ss"},
		{'ﬁ', "fi", "fi"},
		{'½', "1 2", "1 2"},
		{'’', " ", " "},
		{'\'', " ", " "},
		{'ŉ', " n", " n"}, // NFKC gives an apostrophe, then n
		{0x00AD, "", ""},  // soft hyphen
		{0x200B, "", ""},  // zero-width space
		{0x0301, "", "\u0301"},
		{0x00A0, " ", " "},
		{0x202F, " ", " "},
		{'«', " ", " "},
		{0x1D49, "e", "e"},       // modifier letter small e
		{0xAB70, "Ꭰ", "Ꭰ"},       // Cherokee small letter a folds to the capital
		{0x13A0, "Ꭰ", "Ꭰ"},       // Cherokee letter a
		{0x09CB, "  ", "  "},     // Bengali vowel sign o: two spacing marks
		{0x0CC0, " ", "\u0cbf "}, // Kannada vowel sign ii: a mark then a spacing mark
		{0xAC00, "\u1100\u1161", "가"},
		{0xD800, " ", " "}, // surrogate
		{0x110000, " ", " "},
	}
	for _, c := range cases {
		if got := reference.NormChar(c.r, false); got != c.fold {
			t.Errorf("NormChar(%U, false) = %q, want %q", c.r, got, c.fold)
		}
		if got := reference.NormChar(c.r, true); got != c.keep {
			t.Errorf("NormChar(%U, true) = %q, want %q", c.r, got, c.keep)
		}
	}
}

func TestTokens(t *testing.T) {
	cases := []struct {
		in   string
		opt  reference.Options
		want string
	}{
		{"L’Arménie", reference.Options{}, "[{l 0 1} {armenie 4 12}]"},
		{"L’Arménie", reference.Options{DropElisions: true}, "[{armenie 4 12}]"},
		{"L’Arménie", reference.Options{KeepAccents: true}, "[{l 0 1} {arménie 4 12}]"},
		{"e\u0301te\u0301", reference.Options{}, "[{ete 0 7}]"},
		{"e\u0301te\u0301", reference.Options{KeepAccents: true}, "[{été 0 7}]"},
		{"pro\u00adfond", reference.Options{}, "[{profond 0 9}]"},
		{"½", reference.Options{}, "[{1 0 2} {2 0 2}]"},
		{"a\xffb", reference.Options{}, "[{a 0 1} {b 2 3}]"},
		{"ಕೀ", reference.Options{}, "[{ಕ 0 3}]"},
		{"ಕೀ", reference.Options{KeepAccents: true}, "[{ಕಿ 0 6}]"},
		{"", reference.Options{}, "[]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(reference.Tokens(c.in, c.opt)); got != c.want {
			t.Errorf("Tokens(%q, %+v) = %s, want %s", c.in, c.opt, got, c.want)
		}
	}
}

func TestPredicates(t *testing.T) {
	for _, r := range "'’‘‛ʼʻʹ`´＇′" {
		if !reference.IsApostrophe(r) {
			t.Errorf("IsApostrophe(%U) = false", r)
		}
	}
	for _, r := range "\"«»″-a" {
		if reference.IsApostrophe(r) {
			t.Errorf("IsApostrophe(%U) = true", r)
		}
	}
	if !reference.IsMark(0x0301) || !reference.IsMark(0x20DD) || reference.IsMark('a') || reference.IsMark(0x0CD5) {
		t.Error("IsMark")
	}
	if !reference.IsElision("quoiqu") || reference.IsElision("que") {
		t.Error("IsElision")
	}
}
