// Package minhash computes MinHash signatures of sets of 64-bit element
// hashes and estimates Jaccard similarity, containment and intersection size
// from them.
//
// # Background
//
// MinHash (Broder, "On the resemblance and containment of documents",
// Compression and Complexity of Sequences 1997) summarises a set S by the
// minimum of K random hash functions over its elements; for two sets the
// probability that the minima agree equals their Jaccard similarity
// J = |S∩T| / |S∪T|. Computing K independent minima costs O(n·K).
//
// This package uses one-permutation hashing (OPH; Li, Owen & Zhang, "One
// Permutation Hashing", NIPS 2012): a single hash per element chooses one of K
// bins and each bin keeps the minimum value of the elements that fell into it.
// Bins that receive no element are then filled by optimal densification
// (Shrivastava, "Optimal Densification for Fast and Accurate Minwise Hashing",
// ICML 2017): every empty bin copies the value of a non-empty bin chosen by
// its own fixed pseudo-random probe sequence. The result is an unbiased
// estimator of J in O(n + K) expected time when n ≳ K.
//
// # Algorithm (stable format, algorithm 1 of the binary encoding)
//
// The caller passes the set as distinct, uniformly distributed uint64 hashes
// (for example xxhash of word shingles). For K bins and an element hash h:
//
//	bin   = uint32((h >> 32) * uint64(K) >> 32)  // multiply-shift of the high half
//	value = uint32(h)                            // the low half
//
// and Values[bin] is the minimum value over the elements in that bin. A bin
// is empty when no element falls into it; emptiness is tracked separately
// from the values, because every uint32, including 0xFFFFFFFF, is a legal
// value.
//
// Each empty bin i is then densified. Its probe sequence is made of the
// probe hashes, for t = 0, 1, 2, ...,
//
//	z_t = mix64(0x243F6A8885A308D3 ^ (uint64(i) << 32 | uint64(t)))
//
// where mix64 is the splitmix64 finalizer
//
//	z ^= z >> 30; z *= 0xBF58476D1CE4E5B9
//	z ^= z >> 27; z *= 0x94D049BB133111EB
//	z ^= z >> 31
//
// each hash giving two probes: first j = (z_t >> 32) * K >> 32 from its high
// half, then j = (z_t & 0xFFFFFFFF) * K >> 32 from its low half. The first
// probe j whose bin was non-empty before densification gives Values[i] =
// Values[j]. Should 2^20 probes all land on empty bins (a probability below
// e^-256 when at least one bin is non-empty), the first non-empty bin among
// i+1, i+2, ... (modulo K) is used instead, so the procedure always
// terminates. The probe sequence depends only on i and K, never on the set,
// which is what makes densified bins of two sets agree with probability J.
//
// The signature of the empty set has Size 0 and every value 0xFFFFFFFF; every
// similarity involving an empty signature is 0.
//
// # Accuracy and cost
//
// For sets of several hundred elements, [Signature.Jaccard] is unbiased with
// a standard error of 0.85 to 1 times sqrt(J(1-J)/K) (see [StdErr]; OPH
// samples bins without replacement). For sets of about 20 elements at
// K = 128, most bins are densified copies and the standard error is about
// 1.15 times sqrt(J(1-J)/K), the same as with truly random densification.
// [Signature.Containment] and [Signature.Intersection] are derived from the
// Jaccard estimate; when one set is 20 times larger than the other their
// error is about 20 times that of Jaccard (0.2 to 0.35 at K = 128), and they
// are biased low near full containment by clamping. The package tests pin
// these figures.
//
// Densification costs an expected K/m probes per empty bin when m bins are
// non-empty, so signing a set of n ≪ K elements costs about K²/n probes: a
// few microseconds at K = 128 and n = 20, but tens of milliseconds for a
// single element at K = MaxK.
//
// # Binary encoding
//
// [Signature.MarshalBinary] writes 16 + 4·K bytes, integers little-endian:
//
//	offset  size  field
//	0       4     magic "NDMH"
//	4       1     format version, 1
//	5       1     algorithm, 1 = OPH with the optimal densification above
//	6       2     K, 1..MaxK
//	8       8     Size, 0..math.MaxInt
//	16      4·K   Values
//
// A signature has exactly one encoding; [Signature.UnmarshalBinary] rejects
// every other byte string, including trailing bytes and an empty set (Size 0)
// whose values are not all 0xFFFFFFFF.
//
// # Concurrency and buffers
//
// [Params] values and the package functions are safe for concurrent use. A
// [Signature] is a plain value whose Values slice is shared by copies of the
// struct: reading a Signature from several goroutines is safe, mutating it
// (including signing into it or decoding into it) while others read it is not.
package minhash
