package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func lines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		out = append(out, o)
	}
	return out
}

const article = "La Russie a affirmé avoir négocié un cessez-le-feu entre l’Arménie et l’Azerbaïdjan après que des combats ont éclaté à la frontière entre les deux pays cette semaine."

func TestScanJSONLWithBadLines(t *testing.T) {
	input := strings.Join([]string{
		`{"id":"a","text":` + jsonString(article) + `}`,
		`{"id":"b","text":` + jsonString(strings.Replace(article, "cette semaine", "cette semaine, selon Moscou", 1)) + `}`,
		`not json`,
		`{"text":"no id"}`,
		``,
		`{"id":"a","text":"duplicate id"}`,
		`{"id":7,"text":"numeric ids are fine"}`,
		`{"id":"c"}`,
	}, "\n")
	code, out, errs := runCmd(t, input, "scan", "-threshold", "0.5", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (input skipped); stderr:\n%s", code, errs)
	}
	for _, want := range []string{"<stdin>:3: invalid JSON", "<stdin>:4: missing or empty \"id\"", "<stdin>:6: neardup: duplicate document ID", "<stdin>:8: missing \"text\""} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	objs := lines(t, out)
	if len(objs) != 2 || objs[0]["type"] != "pair" || objs[0]["a"] != "a" || objs[0]["b"] != "b" || objs[1]["type"] != "cluster" {
		t.Fatalf("output:\n%s", out)
	}
	// 31 tokens vs 33, all 27 shingles of a in b: exact Jaccard 27/29.
	if s := objs[0]["score"].(float64); s != 27.0/29 || objs[0]["exact"] != true {
		t.Errorf("score %v, want %v", s, 27.0/29)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestScanTextFilesAndPassages(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "one.txt"), "Titre.\n\n"+article+"\n\nFin.")
	// "titre" starts the shared run: [6, …) in two.txt, [0, …) in one.txt.
	write(filepath.Join(sub, "two.txt"), "Autre titre.\n\n"+article)
	write(filepath.Join(dir, "skip.md"), article)
	code, out, errs := runCmd(t, "", "scan", "-passages", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var pairs, passages int
	for _, o := range lines(t, out) {
		switch o["type"] {
		case "pair":
			pairs++
		case "passage":
			passages++
			if o["doc"] != "two.txt" || o["other_doc"] != "one.txt" || o["start"].(float64) != 6 || o["other_start"].(float64) != 0 {
				t.Errorf("passage %v", o)
			}
		}
	}
	if pairs != 1 || passages != 1 {
		t.Fatalf("%d pairs, %d passages:\n%s", pairs, passages, out)
	}
}

func TestScanUsageErrors(t *testing.T) {
	if code, _, _ := runCmd(t, "", "scan"); code != 2 {
		t.Errorf("scan without files: exit %d", code)
	}
	if code, _, _ := runCmd(t, "", "scan", "-threshold", "2", "x.jsonl"); code != 2 {
		t.Errorf("bad threshold: exit %d", code)
	}
	if code, _, _ := runCmd(t, ""); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := runCmd(t, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	code, _, errs := runCmd(t, "", "scan", "does-not-exist.jsonl")
	if code != 1 || !strings.Contains(errs, "does-not-exist.jsonl") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}

func TestRepeatsCommand(t *testing.T) {
	code, out, errs := runCmd(t, "", "repeats", "../../testdata/seeds/001_f95d8be4eb4452f1.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "737 words, identity 0.996 (0 substituted, 0 inserted, 3 deleted)\n  first  [182, 4888): «La Russie a affirmé avoir négocié") {
		t.Errorf("output:\n%s", out)
	}
	// Exact repeats (MaxGap still bridges the body's three words) are the
	// same on this article: alignment through edits adds none.
	if code, exact, _ := runCmd(t, "", "repeats", "-min-identity", "1", "../../testdata/seeds/001_f95d8be4eb4452f1.txt"); code != 0 || exact != out {
		t.Errorf("exact repeats: exit %d:\n%s\nwant:\n%s", code, exact, out)
	}
	code, out, _ = runCmd(t, "", "repeats", "../../testdata/seeds/000_edc7adbf6dd54769.txt")
	if code != 0 || strings.TrimSpace(out) != "no repeated passage" {
		t.Errorf("000: exit %d, %q", code, out)
	}
}
