package neardup_test

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/neardup/neardup"
)

var articles = map[string]string{
	"1-afp": "Les États-Unis sont profondément préoccupés par les informations faisant état " +
		"de violents combats entre l'Arménie et l'Azerbaïdjan, a déclaré mardi Antony Blinken.",
	"2-site": "Le Premier ministre arménien Nikol Pashinyan a convoqué une réunion du Conseil de sécurité.",
	"3-reprise": "Les Etats-Unis sont profondément préoccupés par les informations faisant état " +
		"de violents combats entre l’Arménie et l’Azerbaïdjan, a déclaré mardi Antony Blinken à Washington.",
}

// AddAll signs on every core and adds in input order: the results are
// those of a loop of AddString.
func ExampleDetector_AddAll() {
	d, _ := neardup.New(neardup.Options{KeepShingles: true})
	ids := slices.Sorted(maps.Keys(articles))
	docs := func(yield func(string, string) bool) {
		for _, id := range ids {
			if !yield(id, articles[id]) {
				return
			}
		}
	}
	i := 0
	for res, err := range d.AddAll(docs) {
		if err != nil {
			panic(err)
		}
		if m, ok := res.Duplicate(0.8); ok {
			fmt.Printf("%s: duplicate of %s\n", ids[i], m.ID)
		} else {
			fmt.Printf("%s: new\n", ids[i])
		}
		i++
	}
	// Output:
	// 1-afp: new
	// 2-site: new
	// 3-reprise: duplicate of 1-afp
}

// A dedup stage that keeps only what duplicates nothing kept: the
// duplicate is never indexed, in one step under the lock. Sign may run on
// any goroutine.
func ExampleDetector_AddSignedIf() {
	d, _ := neardup.New(neardup.Options{KeepShingles: true})
	unlessDuplicate := func(r *neardup.Result) bool {
		_, dup := r.Duplicate(0.8)
		return !dup
	}
	for _, id := range slices.Sorted(maps.Keys(articles)) {
		s := d.SignString(articles[id])
		res, added, err := d.AddSignedIf(id, s, time.Now(), unlessDuplicate)
		if err != nil {
			panic(err)
		}
		if added {
			fmt.Printf("%s: kept\n", id)
		} else {
			fmt.Printf("%s: dropped, duplicate of %s\n", id, res.Matches[0].ID)
		}
	}
	fmt.Println(d.Len(), "indexed")
	// Output:
	// 1-afp: kept
	// 2-site: kept
	// 3-reprise: dropped, duplicate of 1-afp
	// 2 indexed
}
