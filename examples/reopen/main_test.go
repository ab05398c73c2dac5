package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReopen(t *testing.T) {
	var out bytes.Buffer
	if err := run("../../testdata/seeds", t.TempDir(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"indexed 5 articles",
		"reopened: 5 articles (0 from the snapshot, 5 log records replayed)",
		"a republished copy of 003_b871dbd73d675898.txt is a duplicate of 003_b871dbd73d675898 (Jaccard 0.99",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
