package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/bench"
	"github.com/parquet-go/parquet-go"
)

// seedCorpus returns the seed articles and a generator of articles made
// from them with seed.
func seedCorpus(t testing.TB, seed uint64) ([][]byte, *bench.Corpus) {
	t.Helper()
	seeds, err := bench.ReadSeeds("../../testdata/seeds")
	if err != nil {
		t.Fatal(err)
	}
	c, err := bench.NewCorpus(seeds, bench.Params{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return seeds, c
}

// corpusJSONL is a JSON Lines corpus built from the seed articles: news-like
// articles of which every tenth is a near-duplicate, some quoting the seeds
// (passages), with numeric IDs, extra fields in any order, escapes,
// invalid UTF-8, and bad lines among them.
func corpusJSONL(t testing.TB, n int) string {
	t.Helper()
	seeds, c := seedCorpus(t, 7)
	var b strings.Builder
	var buf []byte
	for i := range n {
		buf = c.AppendArticle(buf[:0], uint64(i), 80+i%400)
		text := string(buf)
		if i%13 == 4 {
			text = string(seeds[i%len(seeds)][:1200]) + "\n\n" + text // a shared passage
		}
		if i%29 == 3 {
			text += "\n« cité » \\ <b>gras</b> \u2028 caf\xe9"
		}
		q, _ := json.Marshal(text)
		switch {
		case i%101 == 50:
			b.WriteString("{\"id\":\"bad\",\"text\":\n") // invalid JSON
		case i%97 == 10:
			fmt.Fprintf(&b, `{"id":"d%d","text":%s}`+"\n", i-1, q) // a duplicate ID
		case i%7 == 0:
			fmt.Fprintf(&b, `{"url":"https://exemple.fr/%d?a=1&b=2","text":%s,"date":"2026-12-04","id":%d}`+"\n", i, q, i)
		default:
			fmt.Fprintf(&b, `{"id":"d%d","text":%s}`+"\n", i, q)
		}
	}
	return b.String()
}

// TestScanWorkersIdentical checks that the output of scan is the same
// bytes whatever the number of workers, with and without passages.
func TestScanWorkersIdentical(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 400
	}
	input := corpusJSONL(t, n)
	for _, flags := range [][]string{
		{"-threshold", "0.5"},
		{"-threshold", "0.3", "-passages"},
		{"-threshold", "0.7", "-exact=false", "-containment", "0.8"},
	} {
		var ref string
		for _, w := range []string{"1", "2", "8"} {
			args := append(append([]string{"scan", "-workers", w}, flags...), "-")
			code, out, errs := runCmd(t, input, args...)
			if code != 1 || !strings.Contains(errs, "invalid JSON") || !strings.Contains(errs, "duplicate document ID") {
				t.Fatalf("%v: exit %d (want 1: bad lines), stderr:\n%s", args, code, errs)
			}
			if w == "1" {
				ref = out
				if strings.Count(out, `"type":"pair"`) < 20 {
					t.Fatalf("%v: only %d pairs", args, strings.Count(out, `"type":"pair"`))
				}
				if len(flags) == 3 && flags[2] == "-passages" && strings.Count(out, `"type":"passage"`) < 20 {
					t.Fatalf("%v: only %d passages", args, strings.Count(out, `"type":"passage"`))
				}
				continue
			}
			if out != ref {
				t.Fatalf("%v: output differs from -workers 1", args)
			}
		}
	}
}

// TestOutputMatchesEncodingJSON re-encodes every output line of a scan with
// encoding/json's Encoder from the documented structs and compares bytes.
func TestOutputMatchesEncodingJSON(t *testing.T) {
	type pairLine struct {
		Type    string  `json:"type"`
		A       string  `json:"a"`
		B       string  `json:"b"`
		Score   float64 `json:"score"`
		Exact   bool    `json:"exact"`
		AInB    float64 `json:"a_in_b"`
		BInA    float64 `json:"b_in_a"`
		Hamming int     `json:"hamming"`
	}
	type passageLine struct {
		Type        string  `json:"type"`
		Doc         string  `json:"doc"`
		Start       int     `json:"start"`
		End         int     `json:"end"`
		OtherDoc    string  `json:"other_doc"`
		OtherStart  int     `json:"other_start"`
		OtherEnd    int     `json:"other_end"`
		Words       int     `json:"words"`
		Identity    float64 `json:"identity"`
		Substituted int     `json:"substituted"`
		Inserted    int     `json:"inserted"`
		Deleted     int     `json:"deleted"`
		Boilerplate bool    `json:"boilerplate,omitempty"`
	}
	type linkJSON struct {
		A     string  `json:"a"`
		B     string  `json:"b"`
		Score float64 `json:"score"`
	}
	type clusterLine struct {
		Type           string     `json:"type"`
		Representative string     `json:"representative"`
		Members        []string   `json:"members"`
		Links          []linkJSON `json:"links"`
	}
	// IDs that need escaping, as .txt file names.
	dir := t.TempDir()
	_, texts := seedTexts(t)
	for i, name := range []string{"<script>&amp;.txt", "a\"b.txt", "caf\xe9.txt", "ligne\u2028.txt", "plain.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(texts[i%2]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCmd(t, "", "scan", "-passages", "-threshold", "0.3", "-containment", "0.5", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code2, out2, _ := runCmd(t, corpusJSONL(t, 300), "scan", "-passages", "-threshold", "0.3", "-")
	if code2 != 1 {
		t.Fatalf("exit %d", code2)
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out + out2))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Bytes()
		var head struct{ Type string }
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		var v any
		switch head.Type {
		case "pair":
			v = &pairLine{}
		case "passage":
			v = &passageLine{}
		case "cluster":
			v = &clusterLine{}
		default:
			t.Fatalf("unknown line %s", line)
		}
		kinds[head.Type]++
		if err := json.Unmarshal(line, v); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(v); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(line, []byte(`\ufffd`)) {
			// Invalid UTF-8 in the original does not survive the round
			// trip; FuzzAppendString compares its escaping directly.
			continue
		}
		if got := append(append([]byte(nil), line...), '\n'); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("line\n%s\nencoding/json writes\n%s", got, want.Bytes())
		}
	}
	if kinds["pair"] < 3 || kinds["passage"] < 3 || kinds["cluster"] < 2 {
		t.Fatalf("too few lines of some kind: %v", kinds)
	}
	for _, id := range []string{`"\u003cscript\u003e\u0026amp;.txt"`, `"a\"b.txt"`, `"caf\ufffd.txt"`, `"ligne\u2028.txt"`} {
		if !strings.Contains(out, id) {
			t.Errorf("output lacks the ID %s", id)
		}
	}
}

func seedTexts(t *testing.T) ([]string, []string) {
	files, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("seeds: %v", err)
	}
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	return files, texts
}

// TestScanLongLine checks that a record over -max-bytes is skipped with
// its line named, and the documents around it are processed.
func TestScanLongLine(t *testing.T) {
	input := corpusJSONL(t, 30)
	long := `{"id":"long","text":"` + strings.Repeat("mot ", 1<<18) + `"}` + "\n" // 1 MiB, past the reader's buffer
	code, out, errs := runCmd(t, input+long+strings.ReplaceAll(input, `"id":"d`, `"id":"e`), "scan", "-max-bytes", "65536", "-threshold", "0.5", "-")
	if code != 1 || !strings.Contains(errs, "<stdin>:31: too large: a record of 1048600 bytes (the limit is 65536: -max-bytes) (skipped)") {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, `"b":"e`) {
		t.Fatalf("nothing after the long line:\n%s", out)
	}
}

// TestScanTooManyWords checks that a record over -max-words is skipped
// with its line named, with passages on.
func TestScanTooManyWords(t *testing.T) {
	input := corpusJSONL(t, 30)
	long := `{"id":"long","text":"` + strings.Repeat("mot ", 5000) + `"}` + "\n"
	code, out, errs := runCmd(t, input+long+strings.ReplaceAll(input, `"id":"d`, `"id":"e`), "scan", "-passages", "-max-words", "4000", "-threshold", "0.5", "-")
	if code != 1 || !strings.Contains(errs, "<stdin>:31: neardup: document too large: 5000 words, more than 4000 (skipped)") {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, `"b":"e`) || strings.Contains(out, `"long"`) {
		t.Fatalf("output around the refused line:\n%s", out)
	}
}

// TestScanDir: a second scan with -dir reports the pairs with the first
// run's documents, and a rerun adds nothing.
func TestScanDir(t *testing.T) {
	_, texts := seedTexts(t)
	dir := filepath.Join(t.TempDir(), "index")
	first := fmt.Sprintf(`{"id":"a","text":%s}`+"\n", jsonString(texts[0]))
	second := fmt.Sprintf(`{"id":"b","text":%s}`+"\n", jsonString(texts[0]+" Mis à jour."))
	if code, _, errs := runCmd(t, first, "scan", "-dir", dir, "-threshold", "0.7", "-"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs := runCmd(t, second, "scan", "-dir", dir, "-")
	if code != 0 || !strings.Contains(out, `{"type":"pair","a":"a","b":"b"`) {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCmd(t, first+second, "scan", "-dir", dir, "-clusters=false", "-")
	if code != 0 || out != "" || !strings.Contains(errs, "2 documents already in") {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, out, errs)
	}
}

// BenchmarkScanScale runs the whole scan (reading, decoding, signing on
// every core, the index, output) on a file of n generated news articles of
// 250 words (NEARDUP_SCALE_WORDS to change), and reports documents per
// second and the process's peak RSS per document. n is 100,000; set
// NEARDUP_SCALE_DOCS (1000000 for the README's figure) for more, and
// NEARDUP_SCALE_PROFILE=FILE for a CPU profile of the scan alone (not of
// writing the corpus):
//
//	NEARDUP_SCALE_DOCS=1000000 go test -run XXX -bench ScanScale -benchtime 1x ./cmd/neardup/
func BenchmarkScanScale(b *testing.B) {
	n, words := 100_000, 250
	if v := os.Getenv("NEARDUP_SCALE_DOCS"); v != "" {
		fmt.Sscan(v, &n)
	}
	if v := os.Getenv("NEARDUP_SCALE_WORDS"); v != "" {
		fmt.Sscan(v, &words)
	}
	_, c := seedCorpus(b, 3)
	// The corpus is written to a file first: generating it costs more
	// than scanning it.
	path := filepath.Join(b.TempDir(), "corpus.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var text, line []byte
	bytesIn := 0
	for i := range n {
		text = c.AppendArticle(text[:0], uint64(i), words)
		line = append(line[:0], `{"id":"a`...)
		line = strconv.AppendInt(line, int64(i), 10)
		line = append(line, `","text":`...)
		line = appendString(line, string(text))
		line = append(line, "}\n"...)
		bytesIn += len(line)
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		if prof := os.Getenv("NEARDUP_SCALE_PROFILE"); prof != "" {
			f, err := os.Create(prof)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		code := run([]string{"scan", "-threshold", "0.8", "-clusters=false", path}, nil, io.Discard, io.Discard)
		el := time.Since(start)
		pprof.StopCPUProfile()
		if code != 0 {
			b.Fatalf("exit %d", code)
		}
		b.ReportMetric(float64(n)/el.Seconds(), "docs/s")
		b.ReportMetric(float64(bytesIn)/1e6/el.Seconds(), "MB/s")
		if hwm := peakRSS(); hwm > 0 {
			b.ReportMetric(float64(hwm)/float64(n), "RSS-B/doc")
		}
	}
}

// peakRSS is the process's peak resident set size in bytes (Linux), or 0.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), &kb)
			return kb << 10
		}
	}
	return 0
}

// TestScanParquet: scan reads Parquet files like dedup.
func TestScanParquet(t *testing.T) {
	_, texts := seedTexts(t)
	type row struct {
		ID   string `parquet:"id"`
		Text string `parquet:"text"`
	}
	path := filepath.Join(t.TempDir(), "in.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](f)
	if _, err := w.Write([]row{{"a", texts[0]}, {"b", texts[2]}, {"c", texts[0] + " Fin."}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f.Close()
	code, out, errs := runCmd(t, "", "scan", "-clusters=false", path)
	if code != 0 || !strings.HasPrefix(out, `{"type":"pair","a":"a","b":"c"`) || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}
