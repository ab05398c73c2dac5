package passage

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortByHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		for _, distinct := range []uint64{1, 3, 50, 1 << 62} {
			fps := make([]Fingerprint, n)
			for i := range fps {
				fps[i] = Fingerprint{Hash: rng.Uint64N(distinct), Pos: int32(rng.IntN(40))}
			}
			want := slices.Clone(fps)
			slices.SortFunc(want, func(x, y Fingerprint) int {
				if c := cmp.Compare(x.Hash, y.Hash); c != 0 {
					return c
				}
				return cmp.Compare(x.Pos, y.Pos)
			})
			SortByHash(fps)
			if !slices.Equal(fps, want) {
				t.Fatalf("n=%d distinct=%d: not sorted", n, distinct)
			}
		}
	}
	// Already sorted and reversed inputs.
	fps := make([]Fingerprint, 1000)
	for i := range fps {
		fps[i] = Fingerprint{Hash: uint64(1000 - i)}
	}
	SortByHash(fps)
	if !slices.IsSortedFunc(fps, func(x, y Fingerprint) int { return cmp.Compare(x.Hash, y.Hash) }) {
		t.Fatal("reversed input not sorted")
	}
	SortByHash(fps)
	if fps[0].Hash != 1 || fps[999].Hash != 1000 {
		t.Fatal("sorted input changed")
	}
}
