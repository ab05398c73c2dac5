package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/passage"
)

func runRepeats(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("repeats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	minWords := fs.Int("min-words", 0, "shortest repeat reported, in words (0: 10)")
	minIdentity := fs.Float64("min-identity", 0, "lowest word identity of a repeat aligned through edits (0: 0.8; 1: exact repeats only)")
	width := fs.Int("excerpt", 60, "characters of excerpt shown at each end of a repeat")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: neardup repeats [flags] FILE\n\n"+
			"Prints the passages repeated inside one text, with byte offsets and excerpts.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "neardup repeats:", err)
		return 2
	}
	reps, err := neardup.Repeats(text, neardup.Options{Passage: passage.Params{MinWords: *minWords, MinIdentity: *minIdentity}})
	if err != nil {
		fmt.Fprintln(stderr, "neardup repeats:", err)
		return 2
	}
	if len(reps) == 0 {
		fmt.Fprintln(stdout, "no repeated passage")
		return 0
	}
	for i, r := range reps {
		fmt.Fprintf(stdout, "repeat %d: %d words", i+1, r.Words)
		if r.Identity < 1 {
			// The later copy's edits against the first.
			fmt.Fprintf(stdout, ", identity %.3f (%d substituted, %d inserted, %d deleted)", r.Identity, r.Substituted, r.Inserted, r.Deleted)
		}
		fmt.Fprintln(stdout)
		fmt.Fprintf(stdout, "  first  [%d, %d): %s\n", r.OtherStart, r.OtherEnd, excerpt(text[r.OtherStart:r.OtherEnd], *width))
		fmt.Fprintf(stdout, "  again  [%d, %d): %s\n", r.Start, r.End, excerpt(text[r.Start:r.End], *width))
	}
	return 0
}

// excerpt shows the start and end of s, each about width characters, on
// one line.
func excerpt(s []byte, width int) string {
	t := strings.Join(strings.Fields(strings.ToValidUTF8(string(s), "\uFFFD")), " ")
	if utf8.RuneCountInString(t) <= 2*width+5 {
		return "«" + t + "»"
	}
	r := []rune(t)
	return "«" + string(r[:width]) + " … " + string(r[len(r)-width:]) + "»"
}
