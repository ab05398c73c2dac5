package index

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func TestAddKeysCapped(t *testing.T) {
	l, err := NewLSH(LSHParams{Bands: 3, Rows: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Band 0 always shares key 7; bands 1 and 2 are distinct per document.
	const max = 5
	for doc := uint32(0); doc < 12; doc++ {
		keys := []uint32{7, 100 + doc, 0x8000_0000 + doc}
		capped, err := l.AddKeysCapped(doc, keys, max)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if doc >= max {
			want = 1
		}
		if capped != want {
			t.Fatalf("doc %d: capped %d, want %d", doc, capped, want)
		}
	}
	if n := l.BucketLen(0, 7); n != max {
		t.Fatalf("full bucket holds %d, want %d", n, max)
	}
	// A query through the full bucket finds its first members only.
	bm := roaring.New()
	l.CandidatesKeys(bm, []uint32{7, 1, 1}, 0)
	if got := bm.ToArray(); len(got) != max || got[0] != 0 || got[max-1] != max-1 {
		t.Fatalf("candidates %v", got)
	}
	// Removing a capped document reports the band it was left out of and
	// removes it from the others.
	if err := l.RemoveKeys(9, []uint32{7, 109, 0x8000_0009}); !errors.Is(err, ErrNotIndexed) {
		t.Fatalf("removing a capped document: %v", err)
	}
	if l.BucketLen(1, 109) != 0 || l.BucketLen(2, 0x8000_0009) != 0 {
		t.Fatal("capped document left in its other bands")
	}
	// A member leaving frees a place.
	if err := l.RemoveKeys(0, []uint32{7, 100, 0x8000_0000}); err != nil {
		t.Fatal(err)
	}
	if capped, _ := l.AddKeysCapped(20, []uint32{7, 120, 0x8000_0020}, max); capped != 0 {
		t.Fatal("no place after a removal")
	}
	if capped, _ := l.AddKeysCapped(21, []uint32{7, 121, 0x8000_0021}, 0); capped != 0 || l.BucketLen(0, 7) != max+1 {
		t.Fatal("zero max must not cap")
	}
	if _, err := l.AddKeysCapped(22, []uint32{1}, max); !errors.Is(err, ErrSignature) {
		t.Fatalf("wrong key count: %v", err)
	}
	if l.BucketLen(-1, 7) != 0 || l.BucketLen(3, 7) != 0 {
		t.Fatal("band out of range")
	}
}

func TestDocRange(t *testing.T) {
	l, _ := NewLSH(LSHParams{Bands: 4, Rows: 1})
	if _, _, n, ok := l.DocRange(); ok || n != 0 {
		t.Fatal("empty tables have a range")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lo, hi, total := uint32(1<<32-1), uint32(0), uint64(0)
	for i := 0; i < 3000; i++ {
		doc := uint32(i) * 2654435761 // distinct documents
		if i == 7 {
			doc = 1<<32 - 1 // the overflow marker as a document
		}
		// Few distinct keys: runs, small sets and bitmaps all occur; key 0 too.
		keys := []uint32{rng.Uint32N(3), rng.Uint32N(40), rng.Uint32N(500), rng.Uint32()}
		if err := l.AddKeys(doc, keys); err != nil {
			t.Fatal(err)
		}
		lo, hi = min(lo, doc), max(hi, doc)
		total += 4
	}
	glo, ghi, n, ok := l.DocRange()
	if !ok || glo != lo || ghi != hi || n != total {
		t.Fatalf("DocRange = %d, %d, %d, %v; want %d, %d, %d", glo, ghi, n, ok, lo, hi, total)
	}
}

// TestVisitTaggedAdd checks VisitTaggedAdd against VisitDocsMaxDF followed
// by AddManyTagged: same visits, same postings, same tags.
func TestVisitTaggedAdd(t *testing.T) {
	var a, b Postings
	rng := rand.New(rand.NewPCG(3, 4))
	for doc := uint32(0); doc < 200; doc++ {
		keys := make([]uint64, 40)
		tags := make([]uint32, 40)
		for i := range keys {
			keys[i] = rng.Uint64N(300) // repeats within and across documents
			tags[i] = rng.Uint32N(3)
		}
		type visit struct {
			i    int
			docs string
		}
		var va, vb []visit
		a.VisitDocsMaxDF(keys, 5, nil, func(i int, docs []uint32) { va = append(va, visit{i, fmt.Sprint(docs)}) })
		a.AddManyTagged(keys, tags, doc)
		var sc Scratch
		b.VisitTaggedAdd(keys, tags, 5, doc, &sc, func(i int, docs, dtags []uint32) {
			if len(dtags) != len(docs) {
				t.Fatalf("%d tags for %d docs", len(dtags), len(docs))
			}
			for j, d := range docs {
				if want := b.Tag(keys[i], d); dtags[j] != want && d != doc {
					t.Fatalf("key %d doc %d: tag %d, Tag says %d", keys[i], d, dtags[j], want)
				}
			}
			if slices.Contains(docs, doc) {
				// Only under a key met earlier in keys.
				if !slices.Contains(keys[:i], keys[i]) {
					t.Fatalf("doc %d visited itself under a first occurrence", doc)
				}
				return
			}
			vb = append(vb, visit{i, fmt.Sprint(docs)})
		})
		// Visits of other documents only: drop, from va, those of keys
		// repeated in this document (which b sees with doc added).
		var want []visit
		for _, v := range va {
			if !slices.Contains(keys[:v.i], keys[v.i]) {
				want = append(want, v)
			}
		}
		var got []visit
		for _, v := range vb {
			if !slices.Contains(keys[:v.i], keys[v.i]) {
				got = append(got, v)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("doc %d: visits differ", doc)
		}
	}
	for k := uint64(0); k < 300; k++ {
		docs := a.AppendDocs(nil, k)
		if !slices.Equal(docs, b.AppendDocs(nil, k)) {
			t.Fatalf("key %d: postings differ", k)
		}
		for _, d := range docs {
			if a.Tag(k, d) != b.Tag(k, d) {
				t.Fatalf("key %d doc %d: tags %d and %d", k, d, a.Tag(k, d), b.Tag(k, d))
			}
		}
	}
}

// TestBandGrowthSpread checks that the band tables of an LSH grow at
// different Adds: every band receives one key per document, so with equal
// growth points one Add would rebuild all of them at once.
func TestBandGrowthSpread(t *testing.T) {
	l, err := NewLSH(LSHParams{Bands: 17, Rows: 5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 6))
	keys := make([]uint32, 17)
	homes := make([]int, 17)
	worst, grown := 0, 0
	for doc := uint32(0); doc < 150_000; doc++ {
		for b := range keys {
			keys[b] = rng.Uint32()
		}
		if err := l.AddKeys(doc, keys); err != nil {
			t.Fatal(err)
		}
		n := 0
		for b := range l.bands {
			if h := l.bands[b].homes; h != homes[b] {
				homes[b] = h
				if h > 4*bigTable {
					n++
				}
			}
		}
		worst, grown = max(worst, n), grown+n
	}
	if grown < 17*5 || worst > 2 {
		t.Fatalf("%d large band tables grown, at most %d by one Add", grown, worst)
	}
	for b := range l.bands {
		checkStore(t, &l.bands[b])
	}
}

// TestBandGrowReserves checks that LSH.Grow keeps its promise with the
// bands' staggered growth points: adding the reserved number of documents
// rebuilds no band table.
func TestBandGrowReserves(t *testing.T) {
	l, err := NewLSH(LSHParams{Bands: 17, Rows: 5})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50_000
	l.Grow(n)
	homes := make([]int, 17)
	for b := range l.bands {
		homes[b] = l.bands[b].homes
	}
	rng := rand.New(rand.NewPCG(7, 7))
	keys := make([]uint32, 17)
	for doc := range uint32(n) {
		for b := range keys {
			keys[b] = rng.Uint32()
		}
		if err := l.AddKeys(doc, keys); err != nil {
			t.Fatal(err)
		}
	}
	for b := range l.bands {
		if l.bands[b].homes != homes[b] {
			t.Fatalf("band %d rebuilt from %d to %d homes within the reserved size", b, homes[b], l.bands[b].homes)
		}
	}
}
