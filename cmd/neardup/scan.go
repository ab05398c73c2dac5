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
	"github.com/neardup/neardup/passage"
)

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
	Type        string `json:"type"`
	Doc         string `json:"doc"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	OtherDoc    string `json:"other_doc"`
	OtherStart  int    `json:"other_start"`
	OtherEnd    int    `json:"other_end"`
	Words       int    `json:"words"`
	Boilerplate bool   `json:"boilerplate,omitempty"`
}

type clusterLine struct {
	Type           string     `json:"type"`
	Representative string     `json:"representative"`
	Members        []string   `json:"members"`
	Links          []linkJSON `json:"links"`
}

type linkJSON struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Score float64 `json:"score"`
}

func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threshold := fs.Float64("threshold", neardup.DefaultThreshold, "report pairs whose Jaccard similarity of word shingles is at least this")
	exact := fs.Bool("exact", true, "verify candidates with exact Jaccard similarity (keeps shingle sets in memory); false uses MinHash estimates")
	k := fs.Int("k", 0, "number of MinHash values (0: 128)")
	size := fs.Int("shingle", 0, "words per shingle (0: 5)")
	containment := fs.Float64("containment", 0, "also report pairs where one document's shingles are at least this share inside the other")
	clusters := fs.Bool("clusters", true, "write cluster lines after the pairs")
	passages := fs.Bool("passages", false, "also write passage lines: passages shared between documents or repeated inside one")
	minWords := fs.Int("min-words", 0, "with -passages: shortest passage reported, in words (0: 10)")
	boilerplate := fs.Int("boilerplate", 0, "with -passages: flag passages found in at least this many earlier documents as boilerplate (0: 10)")
	progress := fs.Bool("progress", isTerminal(stderr), "print progress on standard error (default: when it is a terminal)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: neardup scan [flags] FILE...\n\n"+
			"FILE is a JSON Lines file of {\"id\",\"text\"} objects, a .txt file (ID = file name),\n"+
			"a directory of .txt files, or - for JSON Lines on standard input.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	det, err := neardup.New(neardup.Options{
		Threshold:     *threshold,
		K:             *k,
		ShingleSize:   *size,
		Containment:   *containment,
		KeepShingles:  *exact,
		Passages:      *passages,
		Passage:       passage.Params{MinWords: *minWords},
		BoilerplateDF: *boilerplate,
	})
	if err != nil {
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	out := bufio.NewWriterSize(stdout, 1<<16)
	enc := json.NewEncoder(out)
	skipped := 0
	bad := func(e inputError) {
		skipped++
		fmt.Fprintf(stderr, "neardup scan: %v (skipped)\n", e)
	}
	n, start, last := 0, time.Now(), time.Now()
	err = readInputs(fs.Args(), stdin, func(d doc) error {
		res, err := det.AddString(d.ID, d.Text)
		if err != nil {
			bad(inputError{Where: d.Where, Err: err})
			return nil
		}
		for _, m := range res.Matches {
			if err := enc.Encode(pairLine{Type: "pair", A: m.ID, B: d.ID, Score: m.Jaccard, Exact: m.Exact,
				AInB: m.Contains, BInA: m.Contained, Hamming: m.Hamming}); err != nil {
				return err
			}
		}
		for _, p := range res.Passages {
			if err := enc.Encode(passageLine{Type: "passage", Doc: d.ID, Start: p.Start, End: p.End,
				OtherDoc: p.OtherID, OtherStart: p.OtherStart, OtherEnd: p.OtherEnd,
				Words: p.Words, Boilerplate: p.Boilerplate}); err != nil {
				return err
			}
		}
		n++
		if *progress && time.Since(last) > time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "\r%d documents, %.0f/s", n, float64(n)/time.Since(start).Seconds())
		}
		return nil
	}, bad)
	if *progress {
		fmt.Fprintf(stderr, "\r%d documents in %v\n", n, time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		out.Flush()
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	if *clusters {
		for _, c := range det.Clusters() {
			links := make([]linkJSON, len(c.Links))
			for i, l := range c.Links {
				links[i] = linkJSON{A: l.A, B: l.B, Score: l.Jaccard}
			}
			if err := enc.Encode(clusterLine{Type: "cluster", Representative: c.Representative, Members: c.Members, Links: links}); err != nil {
				fmt.Fprintln(stderr, "neardup scan:", err)
				return 2
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	if skipped > 0 {
		fmt.Fprintf(stderr, "neardup scan: %d input problem(s); see above\n", skipped)
		return 1
	}
	return 0
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
