package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzPost posts arbitrary bodies: every answer is JSON with a documented
// status, and the article log and the index agree afterwards.
func FuzzPost(f *testing.F) {
	f.Add(`{"id":"a","text":"La Russie a affirmé avoir négocié un cessez-le-feu."}`)
	f.Add(`[{"id":"a","text":"x"},{"id":"b","text":"y","date":"2026-01-02T00:00:00Z"}]`)
	f.Add("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"x\"}\n")
	f.Add(`{"id":"<script>","text":"</textarea>"}`)
	f.Add(`[{"id":"a","text":"x"},{"id":"a","text":"z"}]`)
	f.Add(`{"id":"a","text":"x","date":"2026-13-45"}`)
	f.Add("\xff")
	ts := newTestServer(f, "", Config{MaxBytes: 4096})
	f.Fuzz(func(t *testing.T, body string) {
		code, out := ts.do("POST", "/v1/documents", body)
		switch code {
		case 200, 400, 409, 413:
		default:
			t.Fatalf("status %d: %s", code, out)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("not JSON: %s", out)
		}
		if ts.det.Len() != ts.s.arts.len() {
			t.Fatalf("%d indexed, %d held", ts.det.Len(), ts.s.arts.len())
		}
	})
}

// FuzzArticleLog opens arbitrary article log files: an error, or articles
// whose texts are in bounds.
func FuzzArticleLog(f *testing.F) {
	dir := f.TempDir()
	a, err := openArticles(filepath.Join(dir, "seed.log"))
	if err != nil {
		f.Fatal(err)
	}
	for i, id := range []string{"a", "b"} {
		ar := &article{ID: id, Time: time.Unix(int64(i), 0), Added: time.Unix(9, 0), Verdict: verdict{Duplicate: i == 1, Of: "a", Reason: "duplicate", Jaccard: 0.9}}
		if err := a.add(ar, []byte("texte "+id)); err != nil {
			f.Fatal(err)
		}
	}
	a.delete("a")
	a.close()
	seed, _ := os.ReadFile(filepath.Join(dir, "seed.log"))
	f.Add(seed)
	f.Add(seed[:len(seed)-3])
	f.Add([]byte("NDUPWAL\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), ArticlesFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := openArticles(path)
		if err != nil {
			return
		}
		defer a.close()
		fi, _ := os.Stat(path)
		for _, ar := range a.all() {
			if ar.off < 0 || ar.off+int64(ar.n) > fi.Size() {
				t.Fatalf("article %q out of the file", ar.ID)
			}
			if _, err := a.text(ar); err != nil {
				t.Fatal(err)
			}
		}
	})
}
