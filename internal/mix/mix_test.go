package mix

import (
	"fmt"
	"testing"
)

// TestMurmur64 pins values of the finalizer (hashes saved and golden files
// depend on it) and checks that it is a bijection on a sample.
func TestMurmur64(t *testing.T) {
	for _, c := range []struct{ in, want uint64 }{
		{0, 0},
		{1, 0xb456bcfc34c2cb2c},
		{0x9e3779b97f4a7c15, 0x9ca066f1a4ab2eea},
	} {
		if got := Murmur64(c.in); got != c.want {
			t.Errorf("Murmur64(%#x) = %#x, want %#x", c.in, got, c.want)
		}
	}
	seen := map[uint64]uint64{}
	for i := uint64(0); i < 1<<16; i++ {
		h := Murmur64(i * 0x100000001b3)
		if j, ok := seen[h]; ok {
			t.Fatalf("Murmur64 of %d and %d collide", i, j)
		}
		seen[h] = i
	}
}

func ExampleMurmur64() {
	fmt.Printf("%#x %#x\n", Murmur64(0), Murmur64(1))
	// Output: 0x0 0xb456bcfc34c2cb2c
}
