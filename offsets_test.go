package neardup

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTokenOffsets checks that packed offsets give back every token's
// offsets and every span, for gaps and lengths of every varint size, and
// that the saved encoding reloads to the same value.
func TestTokenOffsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 31, 32, 33, 100, 1000} {
		var starts, ends []int
		pos := 0
		for range n {
			gap, l := rng.IntN(3), 1+rng.IntN(12)
			switch rng.IntN(20) {
			case 0:
				gap = 200 + rng.IntN(100000)
			case 1:
				l = 128 + rng.IntN(40000)
			}
			pos += gap
			starts, ends = append(starts, pos), append(ends, pos+l)
			pos += l
		}
		o := newTokenOffsets(n, func(i int) (int, int) { return starts[i], ends[i] })
		for i := range n {
			if s, e := o.token(i); s != starts[i] || e != ends[i] {
				t.Fatalf("n=%d token %d: [%d, %d), want [%d, %d)", n, i, s, e, starts[i], ends[i])
			}
		}
		for range 50 {
			if n == 0 {
				break
			}
			i := rng.IntN(n)
			j := i + 1 + rng.IntN(n-i)
			if s, e := o.span(i, j); s != starts[i] || e != ends[j-1] {
				t.Fatalf("n=%d span %d..%d: [%d, %d)", n, i, j, s, e)
			}
		}
		p := packedOffsets(o.b, n)
		if !slices.Equal(p.b, o.b) || !slices.Equal(p.marks, o.marks) {
			t.Fatalf("n=%d: reloaded offsets differ", n)
		}
	}
	// Text-like offsets (one space, words under 128 bytes) take two bytes
	// per token plus the marks.
	o := newTokenOffsets(600, func(i int) (int, int) { return 7 * i, 7*i + 6 })
	if got, want := o.memoryBytes(), 2*600+8*((600+offsetStride-1)/offsetStride); got != want {
		t.Fatalf("600 text-like tokens take %d bytes, want %d", got, want)
	}
}
