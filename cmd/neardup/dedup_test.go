package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// TestMain lets the kill test run the command as a child process: the
// test binary re-executed with NEARDUP_CLI=1 is neardup itself.
func TestMain(m *testing.M) {
	if os.Getenv("NEARDUP_CLI") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func writeFile(t *testing.T, path, s string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// recordsOf returns the non-empty lines of s.
func recordsOf(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func idOf(t *testing.T, line, field string) string {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal([]byte(line), &o); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	switch v := o[field].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	}
	return ""
}

// checkDedup checks the invariants of a dedup run on input (JSON Lines):
// kept lines are input lines byte for byte, in input order; no kept pair
// reaches the threshold (by scan on the output); every dropped document
// names a kept one; every input record is kept, dropped or skipped.
func checkDedup(t *testing.T, input, kept, removed string, threshold string) {
	t.Helper()
	in := recordsOf(input)
	keptLines := recordsOf(kept)
	pos := map[string]int{}
	for i, l := range in {
		if _, ok := pos[l]; !ok {
			pos[l] = i
		}
	}
	last := -1
	keptIDs := map[string]bool{}
	for _, l := range keptLines {
		i, ok := pos[l]
		if !ok {
			t.Fatalf("kept line is not an input line: %.200s", l)
		}
		if i <= last {
			t.Fatalf("kept lines out of input order at %.100s", l)
		}
		last = i
		keptIDs[idOf(t, l, "id")] = true
	}
	code, out, errs := runCmd(t, kept, "scan", "-threshold", threshold, "-clusters=false", "-")
	if code != 0 || strings.Contains(out, `"type":"pair"`) {
		t.Fatalf("scan of the kept set: exit %d, pairs:\n%.2000s\n%s", code, out, errs)
	}
	dropped := 0
	for _, l := range recordsOf(removed) {
		var r removedLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		switch r.Reason {
		case reasonDuplicate, reasonContained, reasonCluster:
			dropped++
			if !keptIDs[r.DuplicateOf] {
				t.Fatalf("%s dropped as a duplicate of %q, which is not kept", r.ID, r.DuplicateOf)
			}
			if keptIDs[r.ID] {
				t.Fatalf("%s both kept and dropped", r.ID)
			}
			if r.Reason == reasonDuplicate && r.Jaccard < 0.5 {
				t.Fatalf("%s dropped with Jaccard %v", r.ID, r.Jaccard)
			}
		}
	}
	if dropped == 0 || len(keptLines) == 0 {
		t.Fatalf("%d kept, %d dropped: the test data has no duplicates", len(keptLines), dropped)
	}
}

func TestDedupInvariants(t *testing.T) {
	dir := t.TempDir()
	inputs := map[string]string{"generated": corpusJSONL(t, 800)}
	if b, err := os.ReadFile("../../../shared/eval-dev/docs.jsonl"); err == nil {
		inputs["eval-dev"] = string(b)
	} else {
		t.Log("../shared/eval-dev absent: the generated corpus only")
	}
	for name, input := range inputs {
		for _, keep := range []string{"first", "longest"} {
			t.Run(name+"/"+keep, func(t *testing.T) {
				path := writeFile(t, filepath.Join(dir, name+".jsonl"), input)
				removed := filepath.Join(dir, name+keep+".removed")
				stats := filepath.Join(dir, name+keep+".stats")
				code, out, errs := runCmd(t, "", "dedup", "-threshold", "0.5", "-keep", keep, "-removed", removed, "-stats", stats, path)
				if want := map[string]int{"generated": 1, "eval-dev": 0}[name]; code != want {
					t.Fatalf("exit %d, want %d:\n%s", code, want, errs)
				}
				rm, _ := os.ReadFile(removed)
				checkDedup(t, input, out, string(rm), "0.5")
				var st summary
				b, _ := os.ReadFile(stats)
				if err := json.Unmarshal(b, &st); err != nil {
					t.Fatal(err)
				}
				if st.Kept != len(recordsOf(out)) || st.Kept+st.Dropped+st.DuplicateIDs != st.DocumentsIn ||
					st.BytesOut != int64(len(out)) || st.Clusters == 0 {
					t.Fatalf("summary %+v for %d kept lines", st, len(recordsOf(out)))
				}
				if !strings.Contains(errs, fmt.Sprintf("%d documents in, %d kept", st.DocumentsIn, st.Kept)) {
					t.Errorf("stderr summary:\n%s", errs)
				}
			})
		}
	}
}

// TestDedupWorkersIdentical: the output bytes do not depend on -workers.
func TestDedupWorkersIdentical(t *testing.T) {
	input := corpusJSONL(t, 600)
	var ref string
	for _, w := range []string{"1", "2", "8"} {
		_, out, _ := runCmd(t, input, "dedup", "-workers", w, "-threshold", "0.6", "-strip-repeats", "-")
		if w == "1" {
			ref = out
		} else if out != ref {
			t.Fatalf("-workers %s: output differs from -workers 1", w)
		}
	}
}

func TestDedupStripRepeats(t *testing.T) {
	dir := t.TempDir()
	removed := filepath.Join(dir, "removed.jsonl")
	code, out, errs := runCmd(t, "", "dedup", "-strip-repeats", "-removed", removed, "../../testdata/seeds")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	orig, err := os.ReadFile("../../testdata/seeds/001_f95d8be4eb4452f1.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The doubled body [4902, 9589) and the repeated final fragment
	// [10069, 10527) go, each with the punctuation after it that the first
	// copy also has; the 12-word repeats inside the body stay.
	want := string(orig[:4902]) + string(orig[9590:10069]) + string(orig[10534:])
	var got string
	n := 0
	for _, l := range recordsOf(out) {
		var o struct{ ID, Text string }
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		n++
		if strings.HasPrefix(o.ID, "001") {
			got = o.Text
		}
	}
	if n != 5 {
		t.Fatalf("%d documents kept, want the 5 seeds", n)
	}
	if got != want {
		t.Fatalf("001 stripped: %d bytes, want %d:\n%s", len(got), len(want), got[max(0, len(got)-300):])
	}
	if strings.Count(got, "La Russie a affirmé avoir négocié un cessez-le-feu") != 1 || !utf8.ValidString(got) || !strings.HasSuffix(got, "militaires.\u00a0»\n\nNostress Media Ltd") {
		t.Fatal("the body is not there exactly once")
	}
	rm, _ := os.ReadFile(removed)
	if strings.TrimSpace(string(rm)) != `{"id":"001_f95d8be4eb4452f1.txt","where":"../../testdata/seeds/001_f95d8be4eb4452f1.txt","reason":"stripped","stripped":[[4902,9590],[10069,10534]]}` {
		t.Fatalf("removed:\n%s", rm)
	}
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		text  string
		spans []span
		want  string
	}{
		{"a b c", []span{{2, 3}}, "a c"},
		{"un.\n\ndeux.\n\ntrois.", []span{{5, 10}}, "un.\n\ntrois."},
		{"un.\nDEUX trois", []span{{4, 8}}, "un.\ntrois"},
		{"COPIE suite", []span{{0, 5}}, "suite"},
		{"début COPIE", []span{{7, 12}}, "début"},
		{"a XX b YY c", []span{{6, 9}, {2, 4}}, "a b c"},
		{"a XXYY b", []span{{2, 4}, {3, 6}}, "a b"},
		{"tout", []span{{0, 4}}, ""},
		{"é XX à", []span{{3, 5}}, "é à"},
	} {
		if got := string(cut(nil, []byte(c.text), mergeSpans(c.spans))); got != c.want {
			t.Errorf("cut(%q, %v) = %q, want %q", c.text, c.spans, got, c.want)
		}
	}
}

// FuzzCut: any cut of valid UTF-8 at code point boundaries stays valid
// UTF-8 and never grows the text.
func FuzzCut(f *testing.F) {
	f.Add("La Russie a affirmé\n\navoir négocié « un cessez-le-feu »", 3, 9, 20, 30)
	f.Fuzz(func(t *testing.T, s string, a, b, c, d int) {
		if !utf8.ValidString(s) {
			return
		}
		fix := func(i int) int {
			i = min(max(i, 0), len(s))
			for i < len(s) && !utf8.RuneStart(s[i]) {
				i++
			}
			return i
		}
		spans := mergeSpans([]span{{fix(a), fix(b)}, {fix(c), fix(d)}})
		got := cut(nil, []byte(s), spans)
		if !utf8.Valid(got) || len(got) > len(s) {
			t.Fatalf("cut(%q, %v) = %q", s, spans, got)
		}
	})
}

// variants is an article and near-copies of it of different lengths and
// dates, plus an unrelated article.
func variants(t *testing.T) (string, []string) {
	_, texts := seedTexts(t)
	base := texts[0]
	lines := []string{
		fmt.Sprintf(`{"id":"court","date":"2026-12-01T08:00:00Z","text":%s}`, jsonString(base)),
		fmt.Sprintf(`{"id":"long","date":"2026-12-01T09:00:00Z","text":%s}`, jsonString(base+"\n\nUn paragraphe ajouté à la fin de la dépêche.")),
		fmt.Sprintf(`{"id":"autre","date":"2026-12-02T00:00:00Z","text":%s}`, jsonString(texts[2])),
		fmt.Sprintf(`{"id":"recent","date":"2026-12-03","text":%s}`, jsonString(strings.Replace(base, "Russie", "Moscou", 1))),
	}
	return strings.Join(lines, "\n") + "\n", lines
}

func TestDedupKeep(t *testing.T) {
	input, lines := variants(t)
	for keep, want := range map[string][]string{
		"first":   {lines[0], lines[2]},
		"longest": {lines[1], lines[2]},
		"newest":  {lines[2], lines[3]},
	} {
		t.Run(keep, func(t *testing.T) {
			code, out, errs := runCmd(t, input, "dedup", "-keep", keep, "-date-field", "date", "-")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if got := recordsOf(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("kept:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	if code, _, errs := runCmd(t, input, "dedup", "-keep", "newest", "-"); code != 2 || !strings.Contains(errs, "-date-field") {
		t.Fatalf("-keep newest without a date: exit %d, %s", code, errs)
	}
}

// TestDedupWindow: with -window, a copy older than the window than the
// newest document is no longer a duplicate.
func TestDedupWindow(t *testing.T) {
	_, texts := seedTexts(t)
	input := fmt.Sprintf(`{"id":"a","date":"2026-11-01","text":%s}
{"id":"b","date":"2026-12-01","text":%s}
{"id":"c","date":"2026-12-01","text":%s}
`, jsonString(texts[0]), jsonString(texts[1]), jsonString(texts[0]))
	_, out, _ := runCmd(t, input, "dedup", "-date-field", "date", "-")
	if n := len(recordsOf(out)); n != 2 {
		t.Fatalf("without a window: %d kept, want 2", n)
	}
	_, out, _ = runCmd(t, input, "dedup", "-date-field", "date", "-window", "72h", "-")
	if n := len(recordsOf(out)); n != 3 {
		t.Fatalf("with a window of 3 days: %d kept, want 3", n)
	}
	if code, _, errs := runCmd(t, `{"id":"x","date":"hier","text":"t"}`, "dedup", "-date-field", "date", "-"); code != 1 || !strings.Contains(errs, `<stdin>:1: "date": not a date: "hier"`) {
		t.Fatalf("bad date: exit %d, %s", code, errs)
	}
}

func TestDedupDir(t *testing.T) {
	input := corpusJSONL(t, 600)
	lines := strings.SplitAfter(input, "\n")
	first, second := strings.Join(lines[:300], ""), strings.Join(lines[300:], "")
	tmp := t.TempDir()
	a, b := writeFile(t, filepath.Join(tmp, "a.jsonl"), first), writeFile(t, filepath.Join(tmp, "b.jsonl"), second)
	dir := filepath.Join(tmp, "index")
	_, one, _ := runCmd(t, "", "dedup", "-threshold", "0.6", a, b)
	_, outA, errA := runCmd(t, "", "dedup", "-dir", dir, "-threshold", "0.6", a)
	// The second run takes -threshold from the directory.
	_, outB, errB := runCmd(t, "", "dedup", "-dir", dir, b)
	if outA+outB != one {
		t.Fatalf("two runs with -dir keep other documents than one run:\n%s\n%s", errA, errB)
	}
	// Rerunning a batch writes the same documents and adds nothing.
	_, again, errs := runCmd(t, "", "dedup", "-dir", dir, a)
	if again != outA || !strings.Contains(errs, fmt.Sprintf("(%d already indexed)", len(recordsOf(outA)))) {
		t.Fatalf("rerun: %s", errs)
	}
	code, stats, errs := runCmd(t, "", "index", "stats", "-dir", dir, "-json")
	var st struct {
		Documents int
		Flags     indexFlags
	}
	if code != 0 || json.Unmarshal([]byte(stats), &st) != nil || st.Documents != len(recordsOf(one)) || st.Flags.Threshold != 0.6 {
		t.Fatalf("index stats: exit %d %s %s", code, stats, errs)
	}
	if code, out, _ := runCmd(t, "", "index", "stats", "-dir", dir); code != 0 || !strings.Contains(out, fmt.Sprintf("documents   %d\n", st.Documents)) {
		t.Fatalf("index stats:\n%s", out)
	}
	// Flags that change what the index holds are refused clearly.
	code, _, errs = runCmd(t, "", "dedup", "-dir", dir, "-shingle", "3", a)
	if code != 2 || !strings.Contains(errs, "holds an index made with other parameters") {
		t.Fatalf("-shingle 3 on the index: exit %d, %s", code, errs)
	}
	// The refused run changed nothing.
	if _, again, _ := runCmd(t, "", "dedup", "-dir", dir, a); again != outA {
		t.Fatal("the index changed after a refused run")
	}
}

// TestDedupFormats: gzip, zstd and Parquet in and out, other field names.
func TestDedupFormats(t *testing.T) {
	input, lines := variants(t)
	tmp := t.TempDir()
	_, want, _ := runCmd(t, input, "dedup", "-")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(input))
	zw.Close()
	gzPath := writeFile(t, filepath.Join(tmp, "in.data"), gz.String()) // recognized by content
	zstPath := filepath.Join(tmp, "out.jsonl.zst")
	if code, _, errs := runCmd(t, "", "dedup", "-o", zstPath, gzPath); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, _ := os.Open(zstPath)
	zr, _ := zstd.NewReader(f)
	got, err := func() ([]byte, error) {
		defer f.Close()
		var b bytes.Buffer
		_, err := b.ReadFrom(zr)
		return b.Bytes(), err
	}()
	if err != nil || string(got) != want {
		t.Fatalf("gzip in, zstd out: %v\n%s", err, got)
	}
	// Parquet with other column names and an extra column.
	type row struct {
		URL     string `parquet:"url"`
		Content string `parquet:"content"`
		Lang    string `parquet:"lang"`
		Words   int64  `parquet:"words"`
	}
	var rows []row
	for i, l := range lines {
		var o struct{ ID, Text string }
		json.Unmarshal([]byte(l), &o)
		rows = append(rows, row{URL: "https://exemple.fr/" + o.ID, Content: o.Text, Lang: "fr", Words: int64(i)})
	}
	pin := filepath.Join(tmp, "in.parquet")
	pf, _ := os.Create(pin)
	pw := parquet.NewGenericWriter[row](pf)
	if _, err := pw.Write(rows); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	pf.Close()
	pout := filepath.Join(tmp, "out.parquet")
	code, _, errs := runCmd(t, "", "dedup", "-id-field", "url", "-text-field", "content", "-o", pout, pin)
	if code != 0 {
		t.Fatalf("parquet: exit %d: %s", code, errs)
	}
	kept, err := parquet.ReadFile[row](pout)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 2 || kept[0] != rows[0] || kept[1] != rows[2] {
		t.Fatalf("parquet kept %+v", kept)
	}
	if _, err := os.Stat(pout + ".partial"); err == nil {
		t.Fatal("the partial output is left")
	}
	if code, _, errs := runCmd(t, "", "dedup", pin); code != 2 || !strings.Contains(errs, `no top-level column "id"`) {
		t.Fatalf("parquet without -id-field: exit %d, %s", code, errs)
	}
}

// TestDedupBadInput: bad records are skipped with FILE:LINE, exit status 1,
// and nothing else changes.
func TestDedupBadInput(t *testing.T) {
	_, texts := seedTexts(t)
	tmp := t.TempDir()
	big := `{"id":"énorme","text":"` + strings.Repeat("mot ", 16<<20) + `"}` // 64 MB
	input := strings.Join([]string{
		fmt.Sprintf(`{"id":"a","text":%s}`, jsonString(texts[0])),
		`{"id":"b","text":`,
		big,
		fmt.Sprintf(`{"id":"a","text":%s}`, jsonString(texts[1])),
		"{\"id\":\"c\",\"text\":\"caf\xe9 \xff invalide\"}",
		`{"text":"sans id"}`,
		fmt.Sprintf(`{"id":"d","text":%s}`, jsonString(texts[2])),
	}, "\n")
	path := writeFile(t, filepath.Join(tmp, "bad.jsonl"), input)
	dir := filepath.Join(tmp, "index")
	code, out, errs := runCmd(t, "", "dedup", "-dir", dir, path)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, errs)
	}
	for _, want := range []string{
		path + ":2: invalid JSON",
		fmt.Sprintf("%s:3: too large: a record of %d bytes (the limit is 33554432: -max-bytes) (skipped)", path, len(big)+1),
		path + `:4: neardup: duplicate document ID: "a" (skipped)`,
		path + `:6: missing or empty "id"`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	ids := []string{}
	for _, l := range recordsOf(out) {
		ids = append(ids, idOf(t, l, "id"))
	}
	if strings.Join(ids, ",") != "a,c,d" {
		t.Fatalf("kept %v, want a,c,d", ids)
	}
	if _, stats, _ := runCmd(t, "", "index", "stats", "-dir", dir, "-json"); !strings.Contains(stats, `"documents":3`) {
		t.Fatalf("index: %s", stats)
	}
}

// TestDedupKill kills dedup -dir with SIGKILL at random points 20 times,
// each time running it again on the same input, then lets it finish: the
// documents kept are those of one uninterrupted run.
func TestDedupKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	input := corpusJSONL(t, 3000)
	tmp := t.TempDir()
	path := writeFile(t, filepath.Join(tmp, "in.jsonl"), input)
	_, want, _ := runCmd(t, "", "dedup", "-threshold", "0.6", path)
	dir := filepath.Join(tmp, "index")
	cmd := func(out string) *exec.Cmd {
		c := exec.Command(os.Args[0], "dedup", "-dir", dir, "-threshold", "0.6", "-o", out, path)
		c.Env = append(os.Environ(), "NEARDUP_CLI=1")
		return c
	}
	// How long a whole run takes, to spread the kills over it.
	start := time.Now()
	probe := cmd(filepath.Join(tmp, "probe.jsonl"))
	if err := probe.Run(); probe.ProcessState == nil || probe.ProcessState.ExitCode() != 1 { // 1: the corpus has bad lines
		t.Fatalf("probe run: %v", err)
	}
	full := time.Since(start)
	os.RemoveAll(dir)
	rng := rand.New(rand.NewPCG(5, 5))
	killed := 0
	for range 20 {
		c := cmd(filepath.Join(tmp, "out.jsonl"))
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		if c.ProcessState.ExitCode() == -1 { // ended by the signal, not finished before it
			killed++
		}
	}
	final := filepath.Join(tmp, "final.jsonl")
	c := cmd(final)
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Run(); c.ProcessState == nil || c.ProcessState.ExitCode() != 1 {
		t.Fatalf("final run: %v\n%s", err, errb.String())
	}
	got, _ := os.ReadFile(final)
	if string(got) != want {
		t.Fatalf("after %d kills the kept set differs from one uninterrupted run (%d vs %d lines)\n%s",
			killed, len(recordsOf(string(got))), len(recordsOf(want)), errb.String())
	}
	t.Logf("%d of 20 runs killed (a whole run takes %v)", killed, full)
	if killed < 10 {
		t.Fatalf("only %d of 20 runs were killed before they ended", killed)
	}
	// The index holds exactly the kept documents.
	sc := bufio.NewScanner(bytes.NewReader(got))
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		n++
	}
	_, stats, _ := runCmd(t, "", "index", "stats", "-dir", dir, "-json")
	if !strings.Contains(stats, fmt.Sprintf(`"documents":%d,`, n)) {
		t.Fatalf("index stats %s, want %d documents", stats, n)
	}
}

// cli returns the command running this test binary as neardup.
func cli(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "NEARDUP_CLI=1")
	return c
}

// TestDedupFullDisk: when the index's disk is full (here, a file size
// limit), dedup stops with an error naming the record, the index keeps
// exactly the documents written out, and a later run completes the job.
func TestDedupFullDisk(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	input := corpusJSONL(t, 1500)
	tmp := t.TempDir()
	path := writeFile(t, filepath.Join(tmp, "in.jsonl"), input)
	_, want, _ := runCmd(t, "", "dedup", "-threshold", "0.6", path)
	dir := filepath.Join(tmp, "index")
	out := filepath.Join(tmp, "out.jsonl")
	// ulimit -f counts 1024-byte blocks in bash, 512 in dash: either way
	// the log fills up long before the end.
	c := exec.Command("sh", "-c", `ulimit -f 1000 && exec "$0" "$@" > "$OUT"`, os.Args[0], "dedup", "-dir", dir, "-threshold", "0.6", path)
	c.Env = append(os.Environ(), "NEARDUP_CLI=1", "OUT="+out)
	var errb bytes.Buffer
	c.Stderr = &errb
	c.Run()
	if c.ProcessState.ExitCode() != 2 || !strings.Contains(errb.String(), path+":") || !strings.Contains(errb.String(), "file too large") {
		t.Fatalf("exit %d, stderr:\n%s", c.ProcessState.ExitCode(), errb.String())
	}
	partial, _ := os.ReadFile(out)
	n := len(recordsOf(string(partial)))
	if n == 0 || !strings.HasPrefix(want, string(partial)) {
		t.Fatalf("%d documents written before the failure; not a prefix of the full run", n)
	}
	_, stats, _ := runCmd(t, "", "index", "stats", "-dir", dir, "-json")
	if !strings.Contains(stats, fmt.Sprintf(`"documents":%d,`, n)) {
		t.Fatalf("index after the failure: %s, want %d documents", stats, n)
	}
	code, again, errs := runCmd(t, "", "dedup", "-dir", dir, path)
	if code != 1 || again != want {
		t.Fatalf("run after the failure: exit %d, same output %v\n%s", code, again == want, errs)
	}
}

// TestDedupSIGTERM: a terminated run stops cleanly: exit status 130, the
// index closed and consistent, the -o file not put in place.
func TestDedupSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	input := corpusJSONL(t, 3000)
	tmp := t.TempDir()
	path := writeFile(t, filepath.Join(tmp, "in.jsonl"), input)
	var in strings.Builder
	for range 10 {
		in.WriteString(input)
	}
	big := writeFile(t, filepath.Join(tmp, "big.jsonl"), in.String()) // long enough to be caught running
	dir := filepath.Join(tmp, "index")
	out := filepath.Join(tmp, "out.jsonl")
	c := cli("dedup", "-dir", dir, "-threshold", "0.6", "-o", out, path, big)
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	c.Process.Signal(syscall.SIGTERM)
	c.Wait()
	if c.ProcessState.ExitCode() != 130 || !strings.Contains(errb.String(), "neardup dedup: interrupted: ") {
		t.Fatalf("exit %d, stderr:\n%s", c.ProcessState.ExitCode(), errb.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("an interrupted run put its output in place")
	}
	if code, _, errs := runCmd(t, "", "index", "stats", "-dir", dir); code != 0 {
		t.Fatalf("index after SIGTERM: %s", errs)
	}
}

// TestDedupBoilerplateAndContainment: a paragraph shared by many articles
// is stripped once it is boilerplate; a teaser inside a kept article is
// dropped only with -containment.
func TestDedupBoilerplateAndContainment(t *testing.T) {
	g := newsWords(t)
	promo := "Abonnez-vous à notre lettre d’information quotidienne pour recevoir chaque matin l’essentiel de l’actualité internationale et nos analyses exclusives."
	var b strings.Builder
	for i := range 14 {
		fmt.Fprintf(&b, `{"id":"n%d","text":%s}`+"\n", i, jsonString(g(i, 120)+"\n\n"+promo))
	}
	code, out, errs := runCmd(t, b.String(), "dedup", "-strip-boilerplate", "-boilerplate", "5", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	kept := recordsOf(out)
	if len(kept) != 14 {
		t.Fatalf("%d kept, want 14", len(kept))
	}
	for i, l := range kept {
		var o struct{ Text string }
		json.Unmarshal([]byte(l), &o)
		if has := strings.Contains(o.Text, "Abonnez-vous"); has != (i < 5) { // boilerplate once in 5 earlier articles
			t.Errorf("article %d: promo present %v", i, has)
		}
		if !utf8.ValidString(o.Text) || strings.HasSuffix(o.Text, "\n") {
			t.Errorf("article %d: text ends %q", i, o.Text[max(0, len(o.Text)-20):])
		}
	}
	// A teaser: the first 60 words of an article, after it.
	full := g(100, 300)
	teaser := strings.Join(strings.Fields(full)[:60], " ")
	in := fmt.Sprintf(`{"id":"full","text":%s}`+"\n"+`{"id":"teaser","text":%s}`+"\n", jsonString(full), jsonString(teaser))
	if _, out, _ := runCmd(t, in, "dedup", "-"); len(recordsOf(out)) != 2 {
		t.Fatal("without -containment the teaser is dropped")
	}
	if _, out, _ := runCmd(t, in, "dedup", "-containment", "0.9", "-"); len(recordsOf(out)) != 1 {
		t.Fatal("with -containment 0.9 the teaser is kept")
	}
}

// newsWords returns a generator of distinct news-like texts of n words
// from the seed articles' vocabulary.
func newsWords(t *testing.T) func(seed, n int) string {
	_, texts := seedTexts(t)
	words := strings.Fields(strings.Join(texts, " "))
	return func(seed, n int) string {
		rng := rand.New(rand.NewPCG(uint64(seed), 9))
		w := make([]string, n)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
}

// TestDedupIndexDropped: with -index-dropped the index holds every
// document, the kept ones are those of a run without it, and a rerun drops
// what it dropped before.
func TestDedupIndexDropped(t *testing.T) {
	input := corpusJSONL(t, 600)
	lines := strings.SplitAfter(input, "\n")
	tmp := t.TempDir()
	a := writeFile(t, filepath.Join(tmp, "a.jsonl"), strings.Join(lines[:300], ""))
	b := writeFile(t, filepath.Join(tmp, "b.jsonl"), strings.Join(lines[300:], ""))
	_, one, _ := runCmd(t, "", "dedup", "-threshold", "0.6", a, b)
	dir := filepath.Join(tmp, "index")
	rmA := filepath.Join(tmp, "a.removed")
	_, outA, _ := runCmd(t, "", "dedup", "-dir", dir, "-index-dropped", "-threshold", "0.6", "-removed", rmA, a)
	_, outB, errs := runCmd(t, "", "dedup", "-dir", dir, "-index-dropped", b)
	if outA+outB != one {
		t.Fatalf("-index-dropped keeps other documents:\n%s", errs)
	}
	removedA, _ := os.ReadFile(rmA)
	dropped := 0
	for _, l := range recordsOf(string(removedA)) {
		if !strings.Contains(l, `"reason":"duplicate-id"`) {
			dropped++
		}
	}
	code, st, _ := runCmd(t, "", "index", "stats", "-dir", dir, "-json")
	var s struct{ Documents int }
	json.Unmarshal([]byte(st), &s)
	if code != 0 || dropped == 0 || s.Documents <= len(recordsOf(one)) {
		t.Fatalf("index holds %d documents, %d kept, %d dropped from a", s.Documents, len(recordsOf(one)), dropped)
	}
	rmA2 := filepath.Join(tmp, "a2.removed")
	_, again, errs := runCmd(t, "", "dedup", "-dir", dir, "-removed", rmA2, a)
	removedA2, _ := os.ReadFile(rmA2)
	if again != outA || string(removedA2) != string(removedA) {
		t.Fatalf("rerun: same kept %v, same removed %v\n%s", again == outA, string(removedA2) == string(removedA), errs)
	}
	if code, _, errs := runCmd(t, "", "dedup", "-index-dropped", a); code != 2 || !strings.Contains(errs, "needs -dir") {
		t.Fatalf("without -dir: exit %d %s", code, errs)
	}
}

// TestRewriteText: a record that encoding/json decoded gets its text
// replaced in the member encoding/json read, the others kept as they were.
func TestRewriteText(t *testing.T) {
	dec := newRecordDecoder(fields{})
	for _, c := range []struct{ line, want string }{
		{`{"id":"a","te\u0078t":"ancien","url":"https://x.fr/?a=1&b=2"}`, `{"id":"a","text":"neuf","url":"https://x.fr/?a=1&b=2"}`},
		{`{"id":"z","text":"a","TEXT":"b","n":[1, 2]}`, `{"id":"z","text":"a","TEXT":"neuf","n":[1, 2]}`},
		{` { "ID" : 7 , "Text":"x" } `, `{"ID":7,"Text":"neuf"}`},
	} {
		if _, ok := dec.fastDecode([]byte(c.line)); ok {
			t.Fatalf("%s: on the fast path, which rewrites in place", c.line)
		}
		got, err := rewriteText(nil, []byte(c.line), fields{}, []byte("neuf"))
		if err != nil || string(got) != c.want {
			t.Fatalf("rewriteText(%s) = %s, %v; want %s", c.line, got, err, c.want)
		}
		if r, err := dec.decode(got); err != nil || string(r.text) != "neuf" {
			t.Fatalf("%s decodes to %q, %v", got, r.text, err)
		}
	}
}
