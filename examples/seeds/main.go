// Command seeds runs neardup on the five French news articles bundled in
// testdata/seeds: it prints the near-duplicate verdict of each article, the
// passages repeated inside an article (article 001 holds its whole body
// twice) and the passages shared between articles, with byte offsets and
// short excerpts.
//
// Run it from the repository root:
//
//	go run ./examples/seeds
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/neardup/neardup"
)

func main() {
	dir := flag.String("dir", filepath.Join("testdata", "seeds"), "directory of .txt articles")
	flag.Parse()
	if err := run(*dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seeds:", err)
		os.Exit(1)
	}
}

func run(dir string, w io.Writer) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .txt file in %s (run from the repository root, or pass -dir)", dir)
	}
	sort.Strings(files)
	d, err := neardup.New(neardup.Options{KeepShingles: true, Passages: true})
	if err != nil {
		return err
	}
	texts := map[string]string{}
	var shared, repeats []found
	fmt.Fprintln(w, "== Near-duplicate verdicts (Jaccard of word 5-shingles >= 0.8)")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		texts[id] = string(b)
		res, err := d.Add(id, b)
		if err != nil {
			return err
		}
		if m, ok := res.Duplicate(d.Options().Threshold); ok {
			fmt.Fprintf(w, "%s  duplicate of %s (Jaccard %.3f)\n", id, m.ID, m.Jaccard)
		} else {
			fmt.Fprintf(w, "%s  new\n", id)
		}
		for _, p := range res.Passages {
			if p.Repeat(id) {
				repeats = append(repeats, found{id, p})
			} else {
				shared = append(shared, found{id, p})
			}
		}
	}

	fmt.Fprintln(w, "\n== Passages repeated inside one article")
	for _, r := range repeats {
		t := texts[r.id]
		fmt.Fprintf(w, "%s  %d words\n", r.id, r.p.Words)
		fmt.Fprintf(w, "   first [%d, %d) %s\n", r.p.OtherStart, r.p.OtherEnd, excerpt(t[r.p.OtherStart:r.p.OtherEnd]))
		fmt.Fprintf(w, "   again [%d, %d) %s\n", r.p.Start, r.p.End, excerpt(t[r.p.Start:r.p.End]))
	}

	fmt.Fprintln(w, "\n== Passages shared between articles")
	for _, s := range shared {
		fmt.Fprintf(w, "%s [%d, %d) ~ %s [%d, %d)  %d words%s\n", s.id, s.p.Start, s.p.End,
			s.p.OtherID, s.p.OtherStart, s.p.OtherEnd, s.p.Words, boiler(s.p.Boilerplate))
		fmt.Fprintf(w, "   %s\n", excerpt(texts[s.id][s.p.Start:s.p.End]))
	}
	return nil
}

type found struct {
	id string
	p  neardup.Passage
}

func boiler(b bool) string {
	if b {
		return " (boilerplate)"
	}
	return ""
}

// excerpt shows s on one line, shortened in the middle when long.
func excerpt(s string) string {
	t := strings.Join(strings.Fields(s), " ")
	const width = 50
	if utf8.RuneCountInString(t) <= 2*width+5 {
		return "«" + t + "»"
	}
	r := []rune(t)
	return "«" + string(r[:width]) + " … " + string(r[len(r)-width:]) + "»"
}
