package reference_test

import (
	"fmt"

	"github.com/neardup/neardup/internal/reference"
)

func ExampleTokens() {
	for _, tk := range reference.Tokens("Aujourd’hui, l’Œuvre", reference.Options{}) {
		fmt.Println(tk.Text, tk.Start, tk.End)
	}
	// Output:
	// aujourd 0 7
	// hui 10 13
	// l 15 16
	// oeuvre 19 25
}

func ExampleNormChar() {
	fmt.Printf("%q %q %q\n", reference.NormChar('É', false), reference.NormChar('É', true), reference.NormChar('½', false))
	// Output:
	// "e" "é" "1 2"
}
