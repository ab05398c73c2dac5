package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func seedsJSONL(t *testing.T, prefix string) string {
	t.Helper()
	files, _ := filepath.Glob("../../testdata/seeds/*.txt")
	var b strings.Builder
	for i, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal(map[string]any{"id": fmt.Sprint(prefix, i), "text": string(text), "time": "2026-11-20T10:00:00Z"})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestSecondRunSeesDuplicates(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(dir, 0, 0.8, strings.NewReader(seedsJSONL(t, "first-")), &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), ": new\n"); got != 5 {
		t.Fatalf("first run:\n%s", out.String())
	}
	out.Reset()
	if err := run(dir, 0, 0.8, strings.NewReader(seedsJSONL(t, "second-")), &out); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		want := fmt.Sprintf("second-%d: duplicate of first-%d (1.000)\n", i, i)
		if !strings.Contains(out.String(), want) {
			t.Fatalf("second run lacks %q:\n%s", want, out.String())
		}
	}
}

func TestWindowAndBadLines(t *testing.T) {
	dir := t.TempDir()
	in := `{"id":"a","text":"un article assez long pour avoir des bardeaux","time":"2026-11-01T00:00:00Z"}
not json
{"id":"b","text":"un article assez long pour avoir des bardeaux","time":1796515200}
{"id":"c","text":"un article assez long pour avoir des bardeaux","time":"hier"}
`
	var out bytes.Buffer
	// b is dated 2026-11-01 + 840 h (35 days) later than a: a is evicted.
	if err := run(dir, 72*time.Hour, 0.8, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a: new\nb: new\n" {
		t.Fatalf("output %q", out.String())
	}
}
