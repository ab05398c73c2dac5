package normalize_test

import (
	"fmt"

	"github.com/neardup/neardup/normalize"
)

func ExampleTokenize() {
	text := []byte("L’Arménie et l’Azerbaïdjan : cessez-le-feu.")
	var toks normalize.Tokens // reuse across documents
	normalize.Tokenize(&toks, text, normalize.Options{})
	for i, tk := range toks.List {
		fmt.Printf("%-11s [%2d,%2d) %q\n", toks.Text(i), tk.Start, tk.End, text[tk.Start:tk.End])
	}
	// Output:
	// l           [ 0, 1) "L"
	// armenie     [ 4,12) "Arménie"
	// et          [13,15) "et"
	// l           [16,17) "l"
	// azerbaidjan [20,32) "Azerbaïdjan"
	// cessez      [35,41) "cessez"
	// le          [42,44) "le"
	// feu         [45,48) "feu"
}

func ExampleString() {
	fmt.Println(normalize.String("« Les États-Unis sont profondément préoccupés », a déclaré M. Blinken.", normalize.Options{}))
	// Decomposed accents, ligatures, soft hyphens and typographic
	// apostrophes do not matter.
	fmt.Println(normalize.String("Ce\u0301re\u0301monie d’ouverture, ﬁnale, pro\u00adfondément", normalize.Options{}))
	// Output:
	// les etats unis sont profondement preoccupes a declare m blinken
	// ceremonie d ouverture finale profondement
}

func ExampleOptions_dropElisions() {
	opt := normalize.Options{DropElisions: true}
	fmt.Println(normalize.String("L’Arménie s’est dit prête, jusqu’à l’aube, qu’il pleuve ou non.", opt))
	// Output:
	// armenie est dit prete a aube il pleuve ou non
}

func ExampleOptions_keepAccents() {
	opt := normalize.Options{KeepAccents: true}
	fmt.Println(normalize.String("À l’ÉTÉ, où ? Là !", opt))
	fmt.Println(normalize.String("A\u0300 l’E\u0301TE\u0301, ou\u0300 ? La\u0300 !", opt)) // NFD input
	// Output:
	// à l été où là
	// à l été où là
}

func ExampleAppend() {
	buf := []byte("normalized: ")
	buf = normalize.Append(buf, []byte("Œuvre complète, 2ᵉ édition"), normalize.Options{})
	fmt.Println(string(buf))
	// Output:
	// normalized: oeuvre complete 2e edition
}
