package passage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// contextFilter keeps the seeds that an index storing context tags keeps:
// b's tag of a hash is the context of its fingerprint, or 0 when b has the
// hash at several fingerprint positions with different contexts (a
// posting holds one tag per document); a seed is kept when MayShare
// accepts a's fingerprint with that tag. It returns the kept seeds and how
// many were dropped.
func contextFilter(p Params, a, b Doc, fa, fb []Fingerprint, seeds []Seed) ([]Seed, int) {
	tag := map[uint64]uint32{}
	seen := map[uint64]bool{}
	for _, f := range fb {
		c := p.Context(b, int(f.Pos))
		if seen[f.Hash] && tag[f.Hash] != c {
			c = 0
		}
		tag[f.Hash], seen[f.Hash] = c, true
	}
	var kept []Seed
	for _, s := range seeds {
		f := Fingerprint{Hash: a.Shingles[s.A], Pos: s.A}
		if p.MayShare(a, f, tag[f.Hash]) {
			kept = append(kept, s)
		}
	}
	return kept, len(seeds) - len(kept)
}

// TestContextFilterExact checks that dropping the seeds whose context tags
// cannot match changes no result of Align, on texts from small
// vocabularies (many chance matches of a few words) with planted copies of
// lengths around MinWords, at the edges and inside, for several MinWords.
func TestContextFilterExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, g := range []int{5, 6, 7, 8, 10, 11, 15} {
		for _, gap := range []int{0, -1} {
			p := Params{MinIdentity: 1, MinWords: g, MaxGap: gap}
			dropped, total, found := 0, 0, 0
			for trial := range 300 {
				vocab := 3 + rng.IntN(12)
				a := randToks(rng, 20+rng.IntN(200), vocab)
				b := randToks(rng, 20+rng.IntN(200), vocab)
				// Plant copies of g-1, g and g+2 tokens at random places,
				// including the very start and end of either side.
				for _, n := range []int{g - 1, g, g + 2} {
					if n > len(a) || n > len(b) {
						continue
					}
					from := rng.IntN(len(a) - n + 1)
					at := rng.IntN(len(b) - n + 1)
					switch trial % 4 {
					case 1:
						at = 0
					case 2:
						at = len(b) - n
					case 3:
						from = len(a) - n
					}
					copy(b[at:], a[from:from+n])
				}
				if trial%3 == 0 {
					// Blocks of one repeated token: equal shingle hashes a
					// few positions apart, where robust winnowing picks
					// different occurrences in a and b.
					for _, t := range [][]uint32{a, b} {
						for i := rng.IntN(len(t)); i < len(t) && rng.IntN(16) != 0; i++ {
							t[i] = uint32(vocab)
						}
					}
				}
				da, db := mkDoc(a), mkDoc(b)
				fa := p.AppendFingerprints(nil, da)
				fb := p.AppendFingerprints(nil, db)
				seeds := AppendSeeds(nil, fa, fb)
				want := p.Align(nil, da, db, seeds)
				kept, d := contextFilter(p, da, db, fa, fb, seeds)
				if got := p.Align(nil, da, db, kept); !slices.Equal(got, want) {
					t.Fatalf("MinWords %d, trial %d: filtered seeds give %+v, all seeds %+v", g, trial, got, want)
				}
				dropped, total, found = dropped+d, total+len(seeds), found+len(want)
			}
			t.Logf("MinWords %d MaxGap %d: %d of %d seeds dropped, %d passages", g, gap, dropped, total, found)
			if found == 0 {
				t.Fatalf("MinWords %d: no passage planted", g)
			}
			if (dropped > 0) != (g > ShingleSize) {
				t.Fatalf("MinWords %d: %d of %d seeds dropped", g, dropped, total)
			}
		}
	}
}

// TestContexts checks Context on a known document and ContextsMatch on its
// cases.
func TestContexts(t *testing.T) {
	var next uint32
	d := mkDoc(ids(&next, 20))  // 16 shingles
	p := Params{MinIdentity: 1} // MinWords 10: context distance 3
	if c := p.contextDist(); c != 3 {
		t.Fatalf("context distance %d, want 3", c)
	}
	for pos, want := range map[int]uint32{
		0:  uint32(half(d.Shingles[3])),
		2:  uint32(half(d.Shingles[5])),
		3:  uint32(half(d.Shingles[0]))<<16 | uint32(half(d.Shingles[6])),
		12: uint32(half(d.Shingles[9]))<<16 | uint32(half(d.Shingles[15])),
		13: uint32(half(d.Shingles[10])) << 16,
		15: uint32(half(d.Shingles[12])) << 16,
		16: 0, // out of range
		-1: 0,
	} {
		if got := p.Context(d, pos); got != want {
			t.Errorf("Context(%d) = %#x, want %#x", pos, got, want)
		}
	}
	if c := (Params{MinIdentity: 1, MinWords: ShingleSize}).Context(d, 8); c != 0 {
		t.Errorf("MinWords = ShingleSize: Context = %#x, want 0", c)
	}
	for _, c := range []struct {
		a, b uint32
		want bool
	}{
		{0, 0x12345678, true},
		{0x12345678, 0, true},
		{0x12345678, 0x12340000, true},
		{0x12345678, 0x00005678, true},
		{0x12345678, 0x12355679, false},
		{0x00005678, 0x00015679, false},
		{0x12340000, 0x12350000, false},
		{0x00001234, 0x12340000, false}, // halves are not interchangeable
	} {
		if got := ContextsMatch(c.a, c.b); got != c.want {
			t.Errorf("ContextsMatch(%#x, %#x) = %v", c.a, c.b, got)
		}
	}
	for _, h := range []uint64{0, 1 << 47, 0xffff << 48} {
		if half(h) == 0 {
			t.Errorf("half(%#x) = 0", h)
		}
	}
}

// ExampleParams_MayShare shows context tags discarding a shared common
// phrase that cannot be part of a passage of MinWords words, while a real
// passage passes.
func ExampleParams_MayShare() {
	var next uint32
	phrase := ids(&next, ShingleSize) // a common phrase of five words
	quote := ids(&next, 12)           // a quote of twelve words
	a := mkDoc(cat(ids(&next, 8), phrase, ids(&next, 8), quote, ids(&next, 8)))
	b := mkDoc(cat(ids(&next, 3), phrase, ids(&next, 20), quote))
	var p Params // MinWords 10
	// The shingle starting each shared run, in a and in b; b's index would
	// store the tag of its position next to the posting.
	for _, s := range []struct{ inA, inB int }{{8, 3}, {21, 28}} {
		f := Fingerprint{Hash: a.Shingles[s.inA], Pos: int32(s.inA)}
		tag := p.Context(b, s.inB)
		fmt.Printf("shingle %d of a, %d of b: may share %v\n", s.inA, s.inB, p.MayShare(a, f, tag))
	}
	// Output:
	// shingle 8 of a, 3 of b: may share false
	// shingle 21 of a, 28 of b: may share true
}
