package minhash

import (
	"math/rand/v2"
	"slices"
)

// splitmix64 is the SplitMix64 generator (Steele, Lea & Flood 2014); its
// outputs serve as distinct, uniformly distributed element hashes.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// stream returns n consecutive outputs of splitmix64 started at seed. The
// outputs are distinct because the generator's finalizer is a bijection.
func stream(seed uint64, n int) []uint64 {
	s := splitmix64(seed)
	out := make([]uint64, n)
	for i := range out {
		out[i] = s.next()
	}
	return out
}

// pair returns two sets with |A| = a, |B| = b and |A∩B| = c, drawn from a
// fresh splitmix64 stream seeded from rng. The common elements come first in
// both; the order is irrelevant to Sign.
func pair(rng *rand.Rand, a, b, c int) (A, B []uint64) {
	all := stream(rng.Uint64(), a+b-c)
	A = all[:a:a]
	B = slices.Concat(all[:c], all[a:])
	return A, B
}

// refSign is the obviously correct, slow implementation of the algorithm in
// the package documentation: explicit emptiness flags, integer division for
// the bin choice and an unbounded probe loop over the pre-densification
// values.
func refSign(hashes []uint64, k int) Signature {
	vals := make([]uint32, k)
	nonEmpty := make([]bool, k)
	for i := range vals {
		vals[i] = 0xFFFFFFFF
	}
	binOf := func(x uint64) int { return int((x >> 32) * uint64(k) / (1 << 32)) }
	for _, h := range hashes {
		b, v := binOf(h), uint32(h)
		if !nonEmpty[b] || v < vals[b] {
			vals[b] = v
		}
		nonEmpty[b] = true
	}
	if len(hashes) > 0 {
		orig := slices.Clone(vals)
		for i := range vals {
			if nonEmpty[i] {
				continue
			}
			// Probe 2t uses the high half of z_t, probe 2t+1 its low half.
		probing:
			for t := uint64(0); ; t++ {
				z := 0x243F6A8885A308D3 ^ (uint64(i)<<32 + t)
				z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
				z = (z ^ z>>27) * 0x94D049BB133111EB
				z ^= z >> 31
				for _, half := range []uint64{z >> 32, z & 0xFFFFFFFF} {
					if j := binOf(half << 32); nonEmpty[j] {
						vals[i] = orig[j]
						break probing
					}
				}
			}
		}
	}
	return Signature{Size: len(hashes), Values: vals}
}
