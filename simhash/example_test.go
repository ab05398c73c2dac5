package simhash_test

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/neardup/neardup/simhash"
)

// shingleHashes hashes the word 3-shingles of text; in neardup the shingle
// package provides these hashes.
func shingleHashes(text string) []uint64 {
	words := strings.Fields(text)
	var hs []uint64
	for i := 0; i+3 <= len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(strings.Join(words[i:i+3], " ")))
		z := h.Sum64() // a finaliser spreads FNV's weak low bits
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		hs = append(hs, z^z>>31)
	}
	return hs
}

const (
	original = "le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine " +
		"après un long débat sur la rénovation des écoles et le prix des transports publics " +
		"le maire a salué un budget responsable tandis que l'opposition dénonce une hausse des impôts locaux"
	edited = "le conseil municipal a adopté mardi soir le budget de la ville pour l'année prochaine " +
		"après un long débat sur la rénovation des écoles et le prix des transports publics " +
		"le maire a salué un budget responsable tandis que l'opposition dénonce une hausse des impôts locaux"
	unrelated = "la sélection nationale de football a remporté samedi son match amical contre " +
		"le portugal grâce à un but inscrit dans les dernières minutes par un attaquant remplaçant " +
		"devant un stade comble et des supporters enthousiastes"
)

// One edited word changes 3 of the 44 shingles of this short text; on
// full-length articles the same edit moves the fingerprint far less.
func ExampleSum() {
	a := simhash.Sum(shingleHashes(original))
	b := simhash.Sum(shingleHashes(edited))
	c := simhash.Sum(shingleHashes(unrelated))
	fmt.Println("one word changed:", simhash.Distance(a, b))
	fmt.Println("unrelated article:", simhash.Distance(a, c))
	// Output:
	// one word changed: 9
	// unrelated article: 29
}

func ExampleAccumulator() {
	var acc simhash.Accumulator
	acc.AddAll([]uint64{0b0011, 0b0101})
	acc.AddWeighted(0b1000, 3) // weight 3 of a total 5 outvotes the rest
	fmt.Printf("%04b\n", acc.Sum())
	acc.Add(0b0001) // bits 0 and 3 now weigh 3 of 6: ties give 0
	fmt.Printf("%04b\n", acc.Sum())
	// Output:
	// 1000
	// 0000
}

func ExampleIndex_Query() {
	x, err := simhash.NewIndex(simhash.IndexParams{MaxDistance: 3})
	if err != nil {
		panic(err)
	}
	x.Add(1, 0x0123456789abcdef)
	x.Add(2, 0x0123456789abcdef^0b101)    // distance 2
	x.Add(3, 0x0123456789abcdef^0xf<<60)  // distance 4: too far
	x.Add(4, ^uint64(0x0123456789abcdef)) // distance 64
	for _, m := range x.Query(nil, 0x0123456789abcdef^1<<40) {
		fmt.Printf("id %d at distance %d\n", m.ID, m.Distance)
	}
	// Output:
	// id 1 at distance 1
	// id 2 at distance 3
}
