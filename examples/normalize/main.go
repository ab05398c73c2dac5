// Command normalize shows how neardup sees a text: its normalized tokens
// with their byte offsets in the original, and its word 5-shingles.
//
//	go run ./examples/normalize "L’Arménie a demandé l’aide de la Russie."
//	go run ./examples/normalize < article.txt
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
)

func main() {
	var text string
	if len(os.Args) > 1 {
		text = strings.Join(os.Args[1:], " ")
	} else {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "normalize:", err)
			os.Exit(1)
		}
		text = string(b)
	}
	show(os.Stdout, text)
}

func show(w io.Writer, text string) {
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, text, normalize.Options{})
	fmt.Fprintf(w, "%d tokens (normalization version %d)\n", toks.Len(), normalize.Version)
	for i, t := range toks.List {
		fmt.Fprintf(w, "  %-3d [%d, %d) %-16q -> %s\n", i, t.Start, t.End, text[t.Start:t.End], toks.Text(i))
	}
	hashes := shingle.AppendWords(nil, &toks, shingle.DefaultSize)
	fmt.Fprintf(w, "%d word %d-shingles\n", len(hashes), shingle.DefaultSize)
	for i, h := range hashes {
		ts, te, _, _ := shingle.WordSpan(&toks, i, shingle.DefaultSize)
		words := make([]string, 0, te-ts)
		for j := ts; j < te; j++ {
			words = append(words, string(toks.Text(j)))
		}
		fmt.Fprintf(w, "  %016x  %s\n", h, strings.Join(words, " "))
	}
}
