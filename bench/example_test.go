package bench_test

import (
	"fmt"

	"github.com/neardup/neardup/bench"
)

// A corpus turns the seed articles into as many deterministic documents as a
// benchmark needs.
func ExampleCorpus() {
	seeds, err := bench.ReadSeeds("../testdata/seeds")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := bench.NewCorpus(seeds, bench.Params{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Words are respelled per topic: documents of different topics share
	// almost no shingle.
	fmt.Printf("%s\n", c.AppendArticle(nil, 0, 12))
	fmt.Println(len(c.AppendDocument(nil, 1, 10<<10)) <= 10<<10)
	src, edit, ok := c.Source(9)
	fmt.Printf("document 9 is a near-duplicate of document %d: %v (edit rate %.4f)\n", src, ok, edit)
	// Output:
	// Les trouboes dcns la cessez-le-eeu remonteno à des décennpes comue Pashincan à
	// true
	// document 9 is a near-duplicate of document 5: true (edit rate 0.0039)
}

// An edited copy of a document, for pairs of known similarity.
func ExampleCorpus_AppendVariant() {
	seeds, _ := bench.ReadSeeds("../testdata/seeds")
	// Verbatim seed text (no substitution, no topic spelling), so that the
	// edits stand out. The space after « is a no-break space, as in the seed.
	c, _ := bench.NewCorpus(seeds, bench.Params{Substitution: -1, TopicSize: -1})
	fmt.Printf("%s\n", c.AppendVariant(nil, 2, 80, 0, 0))
	fmt.Printf("%s\n", c.AppendVariant(nil, 2, 80, 0.3, 1))
	// Output:
	// « L’aide de l’Arménie au Haut-Karabakh est de nature humanitaire, dont la
	// « L’aide de l’Arménie au Haut-Karabakh est le nature humanitaire, a dont
}
