// Package mix holds the 64-bit mixing function that packages shingle,
// passage and index share: the finalizer of MurmurHash3.
package mix

// Murmur64 is the 64-bit finalizer of MurmurHash3 (fmix64): a bijection
// of uint64 with full avalanche and Murmur64(0) = 0. It is safe for
// concurrent use and allocates nothing.
func Murmur64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}
