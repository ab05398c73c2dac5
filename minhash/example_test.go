package minhash_test

import (
	"fmt"

	"github.com/neardup/neardup/minhash"
)

// elements returns n distinct, uniformly distributed 64-bit hashes; real
// callers hash word shingles instead.
func elements(from, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		z := uint64(from+i) * 0x9E3779B97F4A7C15
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		out[i] = z ^ z>>31
	}
	return out
}

func Example() {
	// A has elements 0..999, B has 250..1249: |A∩B| = 750, |A∪B| = 1250.
	a := minhash.Sign(elements(0, 1000), minhash.Params{})
	b := minhash.Sign(elements(250, 1000), minhash.Params{})
	fmt.Printf("K=%d exact J=%.2f\n", a.K(), 750.0/1250)
	fmt.Printf("estimated J=%.2f (std error %.3f)\n", a.Jaccard(b), minhash.StdErr(0.6, a.K()))
	fmt.Printf("containment of A in B=%.2f, |A∩B|≈%.0f\n", a.Containment(b), a.Intersection(b))
	// Output:
	// K=128 exact J=0.60
	// estimated J=0.57 (std error 0.043)
	// containment of A in B=0.73, |A∩B|≈726
}

func ExampleParams_Sign() {
	p := minhash.Params{K: 64}
	var sig minhash.Signature // reused: no allocation once its Values have capacity
	for _, n := range []int{10, 100, 1000} {
		p.Sign(&sig, elements(0, n))
		fmt.Println(sig.Size, sig.K())
	}
	// Output:
	// 10 64
	// 100 64
	// 1000 64
}

func ExampleSignature_Containment() {
	// A short passage (50 elements) entirely quoted in a long article (1000):
	// exactly J = 0.05 and containment 1. With sizes this far apart the
	// containment estimate is noisy (its error is about 20 times J's).
	passage := minhash.Sign(elements(500, 50), minhash.Params{})
	article := minhash.Sign(elements(0, 1000), minhash.Params{})
	fmt.Printf("J=%.3f containment=%.2f\n", passage.Jaccard(article), passage.Containment(article))
	// Output:
	// J=0.039 containment=0.79
}

func ExampleSignature_MarshalBinary() {
	s := minhash.Sign(elements(0, 100), minhash.Params{K: 32})
	data, err := s.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(data), string(data[:4]))

	var d minhash.Signature
	if err := d.UnmarshalBinary(data); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Size, d.Jaccard(s))

	err = d.UnmarshalBinary(data[:20])
	fmt.Println(err)
	// Output:
	// 144 NDMH
	// 100 1
	// minhash: malformed signature encoding: 20 bytes, want 144 for K = 32
}
