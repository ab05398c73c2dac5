// Package neardup finds near-duplicate articles and repeated or syndicated
// passages in French news text.
//
// A [Detector] indexes documents under caller IDs and, for each document
// added or queried, reports the indexed documents it nearly duplicates and,
// with Options.Passages, the passages it shares with them or repeats inside
// itself, as byte ranges of the original texts:
//
//	d, _ := neardup.New(neardup.Options{KeepShingles: true})
//	res, err := d.AddString("afp-1", text)
//	if m, ok := res.Duplicate(0.8); ok { ... }
//
// # How it works
//
// Text is normalized per code point (package normalize: Unicode
// compatibility forms, case and accents folded, French typography, elided
// articles split off) into tokens that keep their byte offsets. Word
// 5-shingles (w-shingling, Broder 1997) are hashed (package shingle) and
// summarized by a MinHash signature of 128 values, one-permutation hashing
// with optimal densification (Li, Owen & Zhang 2012; Shrivastava 2017,
// package minhash), and a 64-bit SimHash (Charikar 2002, package simhash).
// LSH banding (package index) tuned for recall below the reporting
// threshold gathers candidates, which are verified with the exact Jaccard
// similarity of the shingle sets (Options.KeepShingles) or with the
// signatures. Passages come from robust winnowing (Schleimer, Wilkerson &
// Aiken 2003, package passage) over the same shingle hashes, an inverted
// index of fingerprints, and alignment to exact token boundaries.
//
// Documents get internal numbers in the order they are added, so that the
// roaring bitmaps of the index grow at their end. Clusters group documents
// linked by near-duplicate matches, with the earliest one as representative
// and the links that explain them.
//
// # Long-running use
//
// Documents carry times (AddAt), and Options.Window evicts the old ones,
// returning their memory. Open gives a detector persisted in a directory:
// an append-only log with the durability the caller chooses, and snapshots;
// a process killed at any point reopens with every acknowledged change.
//
// # Bulk adds
//
// All the work of an Add that needs no shared state is [Detector.Sign],
// which any goroutine may call; [Detector.AddSigned] does the rest under
// the lock, and [Detector.AddSignedIf] adds only what a callback accepts, in
// one step. [Detector.AddAll] signs a sequence of documents on every core
// and adds them in input order: its results are those of a loop of Add,
// whatever the number of cores.
//
// # Several workers
//
// A [Stage] decides "new" or "duplicate of X" for each incoming document
// against a [Store], which checks a document's LSH buckets and inserts it
// in one atomic step, so that of several workers receiving the same
// article at once exactly one is told it is new, and retries are
// idempotent. A Detector is the embedded Store; the module
// github.com/neardup/neardup/redisstore keeps one on a Redis server shared
// by processes on several machines. Package storetest holds the
// conformance tests of Store implementations.
//
// # Goroutine safety
//
// A Detector and a Stage are safe for concurrent use; Add checks and
// inserts atomically. A Signer and a RepeatFinder are not: use one per goroutine.
// Functions of the Options type and Repeats are safe for concurrent use.
package neardup
