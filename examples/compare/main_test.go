package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCompareSeeds(t *testing.T) {
	var out bytes.Buffer
	err := run("../../testdata/seeds/000_edc7adbf6dd54769.txt", "../../testdata/seeds/001_f95d8be4eb4452f1.txt", &out)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"exact Jaccard: 0.0",
		"shared passage, 11 words: file 1 [200, 282), file 2 [9569, 9651): «Les États-Unis sont profondément préoccupés par les informations faisant état»",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestCompareSameFile(t *testing.T) {
	var out bytes.Buffer
	if err := run("../../testdata/seeds/002_28c46dbd58fdaa5f.txt", "../../testdata/seeds/002_28c46dbd58fdaa5f.txt", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "exact Jaccard: 1.000") || !strings.Contains(out.String(), "SimHash distance: 0 bits") {
		t.Errorf("output:\n%s", out.String())
	}
}
