// Command gencorpus writes a generated collection of French news articles as
// JSON Lines ({"id", "text"} per line) for timing neardup scan: the
// deterministic corpus of package bench, built from the bundled seed
// articles, every tenth article a near-duplicate of an earlier one.
//
//	go run ./bench/gencorpus -n 20000 > corpus.jsonl
//	go run ./cmd/neardup scan corpus.jsonl > pairs.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/neardup/neardup/bench"
)

func main() {
	n := flag.Int("n", 20000, "number of articles")
	words := flag.Int("words", 450, "words per article (real news averages 400 to 500)")
	seeds := flag.String("seeds", filepath.Join("testdata", "seeds"), "directory of seed articles")
	flag.Parse()
	if err := run(*seeds, *n, *words, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(seeds string, n, words int, w io.Writer) error {
	texts, err := bench.ReadSeeds(seeds)
	if err != nil {
		return err
	}
	c, err := bench.NewCorpus(texts, bench.Params{})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	var buf []byte
	for i := 0; i < n; i++ {
		buf = c.AppendArticle(buf[:0], uint64(i), words)
		if err := enc.Encode(map[string]string{"id": fmt.Sprint("a", i), "text": string(buf)}); err != nil {
			return err
		}
	}
	return out.Flush()
}
