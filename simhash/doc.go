// Package simhash implements 64-bit SimHash fingerprints over hashed features
// and an exact index for finding fingerprints within a small Hamming distance.
//
// # Fingerprints
//
// SimHash is the random-hyperplane locality-sensitive hash of
// M. S. Charikar, "Similarity estimation techniques from rounding algorithms",
// STOC 2002. Each feature is a uniform 64-bit hash (in neardup, the hash of a
// word shingle); bit i of the fingerprint is 1 exactly when the total weight
// of the features whose hash has bit i set is strictly greater than half the
// total weight (ties give 0). The fingerprint of an empty feature set is 0.
//
// For two feature vectors at angle θ, each fingerprint bit differs with
// probability θ/π, so the expected Hamming distance is 64·θ/π and the
// distance d estimates cos θ ≈ cos(π·d/64). With unit weights and sets of
// distinct features A and B, cos θ = |A∩B| / sqrt(|A|·|B|). For 5-word
// shingles of an article with N shingles, replacing m of them gives
// cos θ = 1 − m/N, so an expected distance of 3 corresponds to about 1.1% of
// the shingles differing (each edited word changes up to 5 shingles, so
// roughly one word in 450), an expected distance of 10 to about 12% of the
// shingles, and unrelated texts are at distance 32 on average. The distance
// is a Binomial(64, θ/π) sample, so single comparisons are noisy
// (standard deviation about 2.6 bits at distance 8); thresholds of 3 to 6
// bits are typical for near-duplicate detection.
//
// [Sum] computes the unit-weight fingerprint of a slice of hashes without
// allocating, using bit-sliced counters fed by a Harley–Seal carry-save adder
// tree (the same technique as the Harley–Seal population count): groups of
// 16 hashes are reduced to ones/twos/fours/eights planes, and the carry plane
// of weight 16 is ripple-added into 64 bit-sliced counters. The final
// majority test is a bit-sliced comparison of the 64 counters against half
// the total. The cost is about one nanosecond per feature on current
// hardware. [Accumulator] offers the same computation incrementally and with
// per-feature weights.
//
// # Index
//
// [Index] answers "all fingerprints within Hamming distance k of q" exactly,
// using the permuted-table scheme of G. S. Manku, A. Jain and A. Das Sarma,
// "Detecting near-duplicates for web crawling", WWW 2007: the 64 bits are
// split into k+1 contiguous blocks; by the pigeonhole principle two
// fingerprints within distance k agree exactly on at least one block, so one
// table per block, grouping the fingerprints by the leading bits of that
// block, yields every candidate, and each candidate is checked with a
// population count. Using exactly k+1 blocks (rather than more blocks and
// keys made of several blocks) keeps memory at k+1 copies of each 12-byte
// (fingerprint, id) pair, about 60 bytes per fingerprint for k = 3, while
// queries over a million fingerprints stay below a microsecond for k ≤ 3;
// blocks, and so table keys, are only 64/(k+1) bits wide, so larger radii
// mean larger buckets and slower queries (see [IndexParams]).
//
// # Concurrency
//
// [Sum] and [Distance] are pure functions and safe for concurrent use.
// An [Accumulator] or an [Index] must not be used by several goroutines at
// once without external synchronisation; distinct values are independent.
// No function retains the slices passed to it.
package simhash
