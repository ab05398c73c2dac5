package ordered_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup/internal/ordered"
)

func ExampleRun() {
	words := slices.Values([]string{"un", "deux", "trois", "quatre"})
	ordered.Run(3, 8, words, func(_ int, w string) string {
		return strings.ToUpper(w) // on one of 3 goroutines
	}, func(y string) bool {
		fmt.Println(y) // in input order
		return true
	})
	// Output:
	// UN
	// DEUX
	// TROIS
	// QUATRE
}
