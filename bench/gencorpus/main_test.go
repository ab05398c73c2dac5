package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var a, b bytes.Buffer
	if err := run("../../testdata/seeds", 30, 100, &a); err != nil {
		t.Fatal(err)
	}
	run("../../testdata/seeds", 30, 100, &b)
	if a.String() != b.String() {
		t.Fatal("output is not deterministic")
	}
	lines := strings.Split(strings.TrimSpace(a.String()), "\n")
	if len(lines) != 30 {
		t.Fatalf("%d lines", len(lines))
	}
	var o struct{ ID, Text string }
	if err := json.Unmarshal([]byte(lines[7]), &o); err != nil || o.ID != "a7" || len(strings.Fields(o.Text)) < 90 {
		t.Fatalf("line 8: %v %+v", err, o)
	}
}
