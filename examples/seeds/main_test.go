package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunOnSeeds(t *testing.T) {
	var out bytes.Buffer
	if err := run("../../testdata/seeds", &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"000_edc7adbf6dd54769  new\n",
		"004_056a48af5de0a991  new\n",
		"001_f95d8be4eb4452f1  737 words\n   first [182, 4888) «La Russie a affirmé avoir négocié",
		"   again [4902, 9589) «La Russie a affirmé avoir négocié",
		"001_f95d8be4eb4452f1  68 words\n   first [9604, 10062) «préoccupés par les informations",
		"001_f95d8be4eb4452f1 [9569, 9651) ~ 000_edc7adbf6dd54769 [200, 282)  11 words\n   «Les États-Unis sont profondément préoccupés par les informations faisant état»",
		"002_28c46dbd58fdaa5f [1608, 1681) ~ 001_f95d8be4eb4452f1 [9726, 9799)  10 words\n   «les frappes signalées contre des colonies et des infrastructures civiles»",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, got)
		}
	}
	if strings.Contains(got, "duplicate of") {
		t.Errorf("the seed articles are not near-duplicates of each other:\n%s", got)
	}
}

func TestRunMissingDir(t *testing.T) {
	if err := run("no-such-dir", &bytes.Buffer{}); err == nil {
		t.Fatal("no error for a missing directory")
	}
}
