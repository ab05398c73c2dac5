package minhash

import (
	"fmt"
	"testing"
)

// naiveSign is classic MinHash with K hash functions: the minimum of
// mix64(h ^ seed_j) for each j, O(n·K). It is the baseline that
// BenchmarkSign is compared with.
func naiveSign(dst []uint32, hashes []uint64) {
	for j := range dst {
		seed := uint64(j+1) * 0x9E3779B97F4A7C15
		m := uint32(0xFFFFFFFF)
		for _, h := range hashes {
			m = min(m, uint32(mix64(h^seed)))
		}
		dst[j] = m
	}
}

func BenchmarkSign(b *testing.B) {
	for _, n := range []int{20, 600, 6000} {
		for _, k := range []int{64, 128, 256} {
			b.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(b *testing.B) {
				hashes := stream(uint64(n), n)
				p := Params{K: k}
				var sig Signature
				p.Sign(&sig, hashes)
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					p.Sign(&sig, hashes)
				}
			})
		}
	}
}

func BenchmarkNaiveSign(b *testing.B) {
	for _, n := range []int{20, 600} {
		k := 128
		b.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(b *testing.B) {
			hashes := stream(uint64(n), n)
			dst := make([]uint32, k)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				naiveSign(dst, hashes)
			}
		})
	}
}

func BenchmarkMatches(b *testing.B) {
	for _, k := range []int{128, 4096} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			x := Sign(stream(1, 1000), Params{K: k})
			y := Sign(stream(1, 1200), Params{K: k})
			b.SetBytes(int64(8 * k))
			b.ReportAllocs()
			for b.Loop() {
				sinkInt = Matches(x.Values, y.Values)
			}
		})
	}
}

func BenchmarkJaccard(b *testing.B) {
	x := Sign(stream(1, 1000), Params{})
	y := Sign(stream(1, 1200), Params{})
	b.ReportAllocs()
	for b.Loop() {
		sinkFloat = x.Jaccard(y)
	}
}

func BenchmarkUnmarshalBinary(b *testing.B) {
	data, err := Sign(stream(1, 600), Params{}).MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	var s Signature
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	sinkInt   int
	sinkFloat float64
)
