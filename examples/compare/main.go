// Command compare tells how similar two text files are for neardup: the
// exact Jaccard similarity and containment of their word 5-shingles, the
// MinHash estimate, the SimHash distance, and the passages they share.
//
//	go run ./examples/compare testdata/seeds/000_edc7adbf6dd54769.txt testdata/seeds/001_f95d8be4eb4452f1.txt
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/simhash"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compare FILE1 FILE2")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(path1, path2 string, w io.Writer) error {
	a, err := os.ReadFile(path1)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path2)
	if err != nil {
		return err
	}
	// The shingle sets, exactly.
	s, _ := neardup.NewSigner(neardup.Options{})
	skA := s.Sign(a)
	sigA, simA := skA.MinHash.Clone(), skA.SimHash
	setA := map[uint64]bool{}
	for _, h := range s.Set() {
		setA[h] = true
	}
	skB := s.Sign(b)
	inter := 0
	for _, h := range s.Set() {
		if setA[h] {
			inter++
		}
	}
	nA, nB := len(setA), len(s.Set())
	fmt.Fprintf(w, "file 1: %s (%d distinct shingles)\nfile 2: %s (%d distinct shingles)\n", path1, nA, path2, nB)
	if union := nA + nB - inter; union > 0 {
		fmt.Fprintf(w, "exact Jaccard: %.3f\n", float64(inter)/float64(union))
	}
	if nA > 0 && nB > 0 {
		fmt.Fprintf(w, "share of file 1 in file 2: %.3f\nshare of file 2 in file 1: %.3f\n", float64(inter)/float64(nA), float64(inter)/float64(nB))
	}
	fmt.Fprintf(w, "MinHash estimate of Jaccard: %.3f\nSimHash distance: %d bits\n", sigA.Jaccard(skB.MinHash), simhash.Distance(simA, skB.SimHash))

	// The passages they share: file 1 indexed, file 2 queried.
	d, err := neardup.New(neardup.Options{Passages: true})
	if err != nil {
		return err
	}
	if _, err := d.Add("1", a); err != nil {
		return err
	}
	res := d.Query(b)
	shared := 0
	for _, p := range res.Passages {
		if p.OtherID != "1" {
			continue
		}
		shared++
		fmt.Fprintf(w, "shared passage, %d words: file 1 [%d, %d), file 2 [%d, %d): %s\n", p.Words,
			p.OtherStart, p.OtherEnd, p.Start, p.End, short(string(b[p.Start:p.End])))
	}
	if shared == 0 {
		fmt.Fprintln(w, "no shared passage of 10 words or more")
	}
	return nil
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 90 {
		return "«" + string(r[:40]) + " … " + string(r[len(r)-40:]) + "»"
	}
	return "«" + s + "»"
}
