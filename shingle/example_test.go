package shingle_test

import (
	"fmt"

	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
)

func ExampleAppendWords() {
	text := "Le cessez-le-feu a été déclaré à la frontière."
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, text, normalize.Options{})
	hashes := shingle.AppendWords(nil, &toks, 5)
	for i := range hashes {
		_, _, start, end := shingle.WordSpan(&toks, i, 5)
		fmt.Printf("%d %q\n", i, text[start:end])
	}
	// Output:
	// 0 "Le cessez-le-feu a"
	// 1 "cessez-le-feu a été"
	// 2 "le-feu a été déclaré"
	// 3 "feu a été déclaré à"
	// 4 "a été déclaré à la"
	// 5 "été déclaré à la frontière"
}

func ExampleDeduper() {
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, "la la la la la la la", normalize.Options{})
	positional := shingle.AppendWords(nil, &toks, 5)
	var d shingle.Deduper
	distinct := d.AppendDistinct(nil, positional)
	fmt.Println(len(positional), "shingles,", len(distinct), "distinct")
	// Output: 3 shingles, 1 distinct
}

func ExampleAppendWords_shortText() {
	var a, b normalize.Tokens
	normalize.TokenizeString(&a, "Lire aussi", normalize.Options{})
	normalize.TokenizeString(&b, "Voir aussi", normalize.Options{})
	ha, hb := shingle.AppendWords(nil, &a, 5), shingle.AppendWords(nil, &b, 5)
	fmt.Println(len(ha), len(hb), ha[0] == hb[0])
	// Output: 1 1 false
}
