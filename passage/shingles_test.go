package passage

import (
	"math/rand/v2"
	"testing"
)

// TestAppendShingles checks the count of shingles, that each depends on
// exactly its own tokens, and that short documents get one shingle that
// tells their lengths apart.
func TestAppendShingles(t *testing.T) {
	if got := AppendShingles(nil, nil); len(got) != 0 {
		t.Fatalf("no tokens: %v", got)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	toks := randToks(rng, 200, 50)
	for n := 1; n <= 12; n++ {
		got := AppendShingles(nil, toks[:n])
		if want := max(1, n-ShingleSize+1); len(got) != want {
			t.Fatalf("%d tokens: %d shingles, want %d", n, len(got), want)
		}
	}
	if AppendShingles(nil, []uint32{7})[0] == AppendShingles(nil, []uint32{7, 0})[0] {
		t.Fatal("short documents of different lengths share their shingle")
	}
	s := AppendShingles(nil, toks)
	seen := map[uint64][5]uint32{}
	for i, h := range s {
		var w [5]uint32
		copy(w[:], toks[i:i+ShingleSize])
		if o, ok := seen[h]; ok && o != w {
			t.Fatalf("shingles of %v and %v collide", o, w)
		}
		seen[h] = w
		// Changing a token changes exactly the shingles covering it.
		if i < len(toks)-ShingleSize {
			c := append([]uint32(nil), toks...)
			c[i+ShingleSize] ^= 1
			cs := AppendShingles(nil, c)
			for j := range s {
				covers := j <= i+ShingleSize && i+ShingleSize < j+ShingleSize
				if (cs[j] != s[j]) != covers {
					t.Fatalf("token %d changed: shingle %d changed %v", i+ShingleSize, j, cs[j] != s[j])
				}
			}
		}
	}
	// The hash is pinned: fingerprints, and so the passages found through
	// edits, depend on it.
	if got := AppendShingles(nil, []uint32{1, 2, 3, 4, 5, 6}); got[0] != 0xf69f467dbbe79d4f || got[1] != 0xc2c7e96000a7f3c5 {
		t.Fatalf("shingles of 1..6: %#x", got)
	}
	if got := AppendShingles(nil, []uint32{7}); got[0] != 0x22e4d3c2b00dec7e {
		t.Fatalf("shingle of one token: %#x", got)
	}
	dst := make([]uint64, 0, len(s))
	if n := testing.AllocsPerRun(10, func() { dst = AppendShingles(dst[:0], toks) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func BenchmarkAppendShingles(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	toks := randToks(rng, 600, 5000)
	dst := make([]uint64, 0, len(toks))
	b.SetBytes(int64(4 * len(toks)))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendShingles(dst[:0], toks)
	}
}
