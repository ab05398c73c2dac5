// Command stage is a news deduplication stage: it reads articles as JSON
// Lines from standard input, one {"id": ..., "text": ..., "time": ...}
// object per line ("time", optional, is RFC 3339 or Unix seconds; the
// arrival time is used without it), and prints for each "new" or
// "duplicate of ID (score)". The index persists in the directory given by
// -dir, so a second run remembers the first one's articles.
//
//	go run ./examples/stage -dir /tmp/dedup < articles.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/neardup/neardup"
)

func main() {
	dir := flag.String("dir", "", "directory of the persistent index (required)")
	window := flag.Duration("window", 72*time.Hour, "keep only articles this close to the newest one (0: keep all)")
	threshold := flag.Float64("threshold", neardup.DefaultThreshold, "Jaccard similarity of a duplicate")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "stage: -dir is required")
		os.Exit(2)
	}
	if err := run(*dir, *window, *threshold, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stage:", err)
		os.Exit(1)
	}
}

type article struct {
	ID   string          `json:"id"`
	Text string          `json:"text"`
	Time json.RawMessage `json:"time"`
}

// parseTime reads an RFC 3339 string or a number of Unix seconds.
func parseTime(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Now(), nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return time.Parse(time.RFC3339, s)
	}
	var sec float64
	if err := json.Unmarshal(raw, &sec); err != nil {
		return time.Time{}, errors.New("time is neither RFC 3339 nor Unix seconds")
	}
	return time.Unix(0, int64(sec*1e9)), nil
}

func run(dir string, window time.Duration, threshold float64, in io.Reader, out io.Writer) error {
	d, err := neardup.Open(dir, neardup.Options{
		Threshold:    threshold,
		KeepShingles: true,
		Window:       window,
		Durability:   neardup.SyncBatch, // one fsync per input batch, below
	})
	if err != nil {
		return err
	}
	defer d.Close()
	if r := d.Recovery(); r.TornBytes > 0 {
		fmt.Fprintf(os.Stderr, "stage: dropped an incomplete last log record (%d bytes) left by a crash\n", r.TornBytes)
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			fmt.Fprintf(os.Stderr, "stage: line %d: %v (skipped)\n", line, err)
			continue
		}
		at, err := parseTime(a.Time)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stage: line %d: %v (skipped)\n", line, err)
			continue
		}
		res, err := d.AddStringAt(a.ID, a.Text, at)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stage: line %d: %v (skipped)\n", line, err)
			continue
		}
		if m, ok := res.Duplicate(threshold); ok {
			fmt.Fprintf(w, "%s: duplicate of %s (%.3f)\n", a.ID, m.ID, m.Jaccard)
		} else {
			fmt.Fprintf(w, "%s: new\n", a.ID)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := d.Sync(); err != nil { // durable before the verdicts are out
		return err
	}
	return w.Flush()
}
