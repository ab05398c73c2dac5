package server

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/neardup/neardup/bench"
)

// BenchmarkPost posts fresh 600-word articles one per request to a server
// holding NEARDUP_BENCH_DOCS (2,000) of them, through the handler (no
// network): the service's cost per article, fsyncs included.
func BenchmarkPost(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("NEARDUP_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	seedTexts, err := bench.ReadSeeds(seedDir)
	if err != nil {
		b.Fatal(err)
	}
	c, err := bench.NewCorpus(seedTexts, bench.Params{Seed: 21})
	if err != nil {
		b.Fatal(err)
	}
	ts := newTestServer(b, "", Config{})
	var buf []byte
	doc := func(i int) string {
		buf = c.AppendArticle(buf[:0], uint64(i), 600)
		body, _ := json.Marshal(Document{ID: fmt.Sprint("d", i), Text: string(buf)})
		return string(body)
	}
	for i := 0; i < n; i += 250 {
		var docs []json.RawMessage
		for j := i; j < min(n, i+250); j++ {
			docs = append(docs, json.RawMessage(doc(j)))
		}
		body, _ := json.Marshal(docs)
		if code, out := ts.do("POST", "/v1/documents", string(body)); code != 200 {
			b.Fatalf("%d %.200s", code, out)
		}
	}
	i := n
	b.ReportAllocs()
	for b.Loop() {
		body := doc(i)
		i++
		b.SetBytes(int64(len(body)))
		if code, out := ts.do("POST", "/v1/documents", body); code != 200 {
			b.Fatalf("%d %.200s", code, out)
		}
	}
}
