// Package index implements the candidate-generation structures of neardup:
// a compact key → document-set table ([Postings]) and banded
// locality-sensitive hashing over MinHash signatures ([LSH]).
//
// Documents are caller-assigned dense uint32 numbers, ideally assigned in
// increasing order (roaring bitmaps are much faster that way). Nothing in
// this package knows about text: keys are uint64 hashes and signatures are
// plain []uint32 values.
//
// # LSH banding
//
// Locality-sensitive hashing (P. Indyk and R. Motwani, "Approximate nearest
// neighbors: towards removing the curse of dimensionality", STOC 1998)
// applied to MinHash (A. Broder, "On the resemblance and containment of
// documents", 1997): the first b·r values of a signature are cut into b
// bands of r rows, and each band is hashed into a bucket. Two documents whose
// MinHash values agree independently with probability J (their Jaccard
// similarity) share at least one bucket with probability 1-(1-J^r)^b, the
// S-curve of J. Leskovec, Rajaraman and Ullman, "Mining of Massive
// Datasets", chapter 3 ([CandidateProbability]).
//
// [ChooseLSH] picks b and r recall-first: the pair exactly at the similarity
// threshold must be a candidate with at least the requested probability
// (say 0.95), and among such bandings the one with the smallest area under
// the S-curve below the threshold is taken. The textbook balanced banding,
// whose S-curve is steepest near the threshold, misses more than half of the
// pairs sitting at the threshold; a missed pair is lost for good while a
// false candidate only costs a signature comparison, so recall comes first.
// For threshold 0.8 and 128 values this gives 13 bands of 7 rows; for 0.5 it
// gives 23 bands of 3 rows.
//
// Band keys ([BandKey], [LSHParams.AppendBandKeys]) are a fixed, documented
// 64-bit mix of the band number and the band's values, so that all bands can
// share a single [Postings] if a caller wishes. The [LSH] type itself keeps
// one table per band keyed by 32 bits of the band key, which halves the key
// storage at the cost of a negligible rate of extra false candidates.
//
// # Postings
//
// At a million documents nearly every bucket holds one document, so
// documents are stored inline in an ordered linear-probing hash table
// (O. Amble and D. E. Knuth, "Ordered hash tables", The Computer Journal
// 1974) of (key, document) slots, without any per-key heap object: a key
// with up to 8 documents (64 with the 64-bit keys of Postings) simply
// occupies that many adjacent slots. The table keeps its slots sorted, so
// lookups stop early, deletions need no tombstones and resizing is one
// sequential pass. The 32-bit band keys of LSH use 8-byte slots, grow by
// 12.5% at a time and stay between about 75% and 90% full once large (each
// band grows at its own load, so that one Add rebuilds at most a couple of
// band tables): 9 to 11 bytes per document and key. The 64-bit keys of Postings use 16-byte
// slots that also hold a caller's tag per document, grow by half and stay
// between 1/2 and 3/4 full, since they take many more insertions (an
// insertion shifts slots up to the next empty one): 21 to 32 bytes per
// document and key. Keys with more documents keep them in a sorted slice
// (up to 32) or a roaring bitmap (S. Chambi, D. Lemire,
// O. Kaser and R. Godin, "Better bitmap performance with Roaring bitmaps",
// Software: Practice and Experience 2016; D. Lemire et al., "Roaring
// bitmaps: implementation of an optimized software library", 2018); unions
// use roaring's FastOr.
//
// # Concurrency and buffers
//
// [LSHParams] values and the package functions are safe for concurrent use.
// A [Postings] or [LSH] must be modified by one goroutine at a time with no
// concurrent readers; its read-only methods may run concurrently with each
// other. Methods that fill a caller's *roaring.Bitmap or append to a
// caller's slice never retain it; the index never hands out its own
// internal slices or bitmaps.
package index
