package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	var out bytes.Buffer
	show(&out, "L’Œuvre d’État, « ½ »")
	got := out.String()
	for _, want := range []string{
		"6 tokens (normalization version 1)",
		`0   [0, 1) "L"              -> l`,
		`1   [4, 10) "Œuvre"          -> oeuvre`,
		`3   [15, 20) "État"           -> etat`,
		`4   [25, 27) "½"              -> 1`,
		`5   [25, 27) "½"              -> 2`,
		"2 word 5-shingles",
		"l oeuvre d etat 1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
