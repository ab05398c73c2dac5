package index_test

import (
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/neardup/neardup/index"
)

// ChooseLSH picks the banding for a Jaccard threshold; the S-curve shows
// the candidate probability around it, next to the classic balanced
// banding of 9 bands × 13 rows, which catches only 40% of the pairs sitting
// exactly at 0.8.
func ExampleChooseLSH() {
	p, err := index.ChooseLSH(0.8, 128, 0.95)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d bands × %d rows\n", p.Bands, p.Rows)
	classic := index.LSHParams{Bands: 9, Rows: 13}
	fmt.Println("   J  chosen  9×13")
	for _, j := range []float64{0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		fmt.Printf("%.1f  %.4f  %.4f\n", j, p.Probability(j), classic.Probability(j))
	}
	// Output:
	// 13 bands × 7 rows
	//    J  chosen  9×13
	// 0.2  0.0002  0.0000
	// 0.4  0.0211  0.0001
	// 0.5  0.0969  0.0011
	// 0.6  0.3086  0.0117
	// 0.7  0.6728  0.0839
	// 0.8  0.9531  0.3988
	// 0.9  0.9998  0.9286
}

func ExampleCandidateProbability() {
	for _, j := range []float64{0.3, 0.5, 0.7} {
		fmt.Printf("J=%.1f: %.3f\n", j, index.CandidateProbability(j, 23, 3))
	}
	// Output:
	// J=0.3: 0.467
	// J=0.5: 0.954
	// J=0.7: 1.000
}

func ExampleLSH() {
	l, err := index.NewLSH(index.LSHParams{Bands: 4, Rows: 2})
	if err != nil {
		panic(err)
	}
	a := []uint32{1, 2, 3, 4, 5, 6, 7, 8}
	b := []uint32{1, 2, 9, 9, 9, 9, 9, 9} // shares band 0 with a
	c := []uint32{0, 2, 0, 4, 0, 6, 0, 8} // shares no band with a
	for doc, sig := range [][]uint32{a, b, c} {
		if err := l.Add(uint32(doc), sig); err != nil {
			panic(err)
		}
	}
	dst := roaring.New()
	l.Candidates(dst, a)
	fmt.Println(dst.ToArray())
	if err := l.Remove(1, b); err != nil {
		panic(err)
	}
	l.Candidates(dst, a)
	fmt.Println(dst.ToArray())
	// Output:
	// [0 1]
	// [0]
}

func ExamplePostings() {
	var p index.Postings
	p.Add(0xfeed, 3)
	p.Add(0xfeed, 1)
	p.Add(0xbeef, 2)
	p.Add(0xcafe, 1)
	fmt.Println(p.Len(), p.Cardinality(0xfeed), p.AppendDocs(nil, 0xfeed))

	dst := roaring.New()
	p.Union(dst, []uint64{0xfeed, 0xbeef, 0xdead}, 0)
	fmt.Println(dst.ToArray())
	p.Union(dst, []uint64{0xfeed, 0xbeef}, 1) // skip keys with more than 1 document
	fmt.Println(dst.ToArray())

	fmt.Println(p.Remove(0xfeed, 3), p.Remove(0xfeed, 3), p.AppendDocs(nil, 0xfeed))
	// Output:
	// 3 2 [1 3]
	// [1 2 3]
	// [2]
	// true false [1]
}

// ExamplePostings_VisitTaggedAdd indexes two documents' keys with a tag
// each (say, a summary of where each key occurs), then looks up a third
// document's keys and adds it in the same pass: the tags come back with
// the documents, at no extra memory access.
func ExamplePostings_VisitTaggedAdd() {
	var p index.Postings
	p.AddManyTagged([]uint64{10, 20, 30}, []uint32{7, 8, 9}, 1)
	p.AddManyTagged([]uint64{20, 40}, []uint32{5, 6}, 2)

	var sc index.Scratch
	keys, tags := []uint64{20, 30, 50}, []uint32{8, 1, 2}
	p.VisitTaggedAdd(keys, tags, 0, 3, &sc, func(i int, docs, tags []uint32) {
		fmt.Printf("key %d: documents %v, tags %v\n", keys[i], docs, tags)
	})
	fmt.Println(p.Cardinality(20), p.Tag(20, 3), p.Tag(50, 3))
	// Output:
	// key 20: documents [1 2], tags [8 5]
	// key 30: documents [1], tags [9]
	// 3 8 2
}
