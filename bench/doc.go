// Package bench holds the end-to-end benchmarks of neardup on realistic French
// news text, and the deterministic corpus generator they run on.
//
// # Corpus generator
//
// Corpus builds documents of any length from a few seed articles (the French
// news articles of testdata/seeds): the distinct paragraphs of the seeds are
// read in a rotating order from a pseudo-random starting paragraph, and each
// word is replaced, with probability Params.Substitution, by a word drawn
// from the seeds' running text (so substitutes follow French word
// frequencies, accents, elisions, no-break spaces and punctuation as they
// occur in news copy). Every document is a pure function of the seed texts,
// Params and its number: benchmarks and peer comparisons see exactly the same
// bytes on every run and machine.
//
// Collections are the documents 0, 1, 2, ... of a Corpus. Documents belong
// to topics of about Params.TopicSize documents, each topic with its own
// respelling of the seed words (one letter of every longer word changes), so
// that, as in a real news stream, documents of different topics share almost
// no word 5-shingle (mean Jaccard similarity 0.00002) while documents of one
// topic share phrases and a few passages (mean 0.007). Every
// Params.DuplicateEvery-th document is a near-duplicate of an earlier
// ordinary document, edited (words substituted, deleted and inserted) at a
// rate drawn up to Params.DuplicateEdit, so that collections contain the
// near-duplicate pairs around the usual Jaccard threshold of 0.8 that a
// detector has to verify (with the defaults, their similarity to their
// source averages 0.84, a third of them below 0.8).
//
// # Benchmarks
//
// The benchmarks (bench_test.go) cover:
//
//   - BenchmarkSign: the whole signing pipeline (neardup.Signer.Sign) on
//     documents of 1 KB, 10 KB and 100 KB and on a 600-word article;
//   - BenchmarkStages: each stage on the same input (normalize.Append,
//     normalize.Tokenize, shingle.AppendWords, shingle.Deduper, MinHash and
//     SimHash), to compare each with its ceiling;
//   - BenchmarkDetector: Add and Query of fresh 600-word articles into a
//     detector that already holds 10 k or 100 k of them, with the default
//     options, with KeepShingles and with Passages (the index is built once per
//     sub-benchmark, outside the timed loop; after every 256 timed Adds the
//     added documents are removed untimed, so the detector size stays within
//     256 documents of its nominal size);
//   - BenchmarkRepeats: neardup.Repeats on a 10 KB article whose body appears
//     twice.
//
// Run them with a short benchmark time, since building the 100 k indexes takes
// a few seconds each:
//
//	go test -run '^$' -bench . -benchtime 2000x -count 3 ./bench/
//
// The flag -bench.large adds detectors of 1 M documents (default options
// only; building one takes about a minute on one core and 1 GB of memory):
//
//	go test -run '^$' -bench 'Detector/default/1M' -benchtime 1000x ./bench/ -args -bench.large
//
// The peer comparison (MinHash, LSH and French normalization libraries run on
// identical tokens and shingles) lives in the separate module bench/compare,
// so that the main module depends on nothing else.
//
// # References
//
//   - A. Z. Broder. On the resemblance and containment of documents. 1997
//     (word shingles, Jaccard similarity).
//   - P. Li, A. B. Owen, C.-H. Zhang. One permutation hashing. NIPS 2012, and
//     A. Shrivastava. Optimal densification for fast and accurate minwise
//     hashing. ICML 2017 (the MinHash measured here).
//   - M. S. Charikar. Similarity estimation techniques from rounding
//     algorithms. STOC 2002 (SimHash).
//   - M. E. O'Neill. PCG: a family of simple fast space-efficient statistically
//     good algorithms for random number generation. 2014 (the generator's
//     pseudo-random numbers, math/rand/v2.PCG).
package bench
