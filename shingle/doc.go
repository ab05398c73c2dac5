// Package shingle turns normalized tokens into shingles: contiguous word
// n-grams (w-shingling, Broder 1997) and character n-grams, each hashed to
// a uint64.
//
// # Hash definition (stable: saved indexes depend on it)
//
// Each token is hashed with xxHash64 (seed 0) over its normalized bytes,
// giving t. A word shingle over the m tokens t[0..m-1] is
//
//	R = t[0]·B^(m-1) + t[1]·B^(m-2) + … + t[m-1]   (mod 2^64)
//	h = fmix64(R ^ (Seed + m))
//
// where B is [Base], Seed is [Seed] and fmix64 is the MurmurHash3 64-bit
// finalizer. R is a polynomial rolling hash, so each further shingle costs a
// constant number of operations whatever the shingle size, and fmix64
// spreads it uniformly over 64 bits, as the MinHash and SimHash packages
// expect.
//
// A text with at least one but fewer than size tokens has exactly one
// shingle, over all its tokens (m < size): two different short texts do not
// share it, and it does not collide with the shingles of longer texts since
// m enters the hash. An empty text has no shingle.
//
// Character n-grams run over the normalized text with tokens joined by one
// space; each code point c is first mapped to fmix64(c ^ Seed) and the same
// rolling scheme applies.
//
// Changing any of these definitions changes [Version].
//
// # Buffers and goroutine safety
//
// The Append functions append to a caller's slice and allocate only when it
// must grow, so a reused slice makes them allocation-free. They hold no
// state and are safe for concurrent use. A [Deduper] holds a reusable hash
// table and is not safe for concurrent use.
package shingle
