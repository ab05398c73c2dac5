// Package passage finds passages of text shared by two documents, or
// repeated inside one, as exact token ranges.
//
// A document is a [Doc]: one hash per normalized token and the positional
// word-shingle hashes of size [ShingleSize] built from them (the shingles
// that also feed MinHash). Two passages match when their token hashes are
// equal; all results are half-open token ranges, which callers map back to
// byte offsets.
//
// # Fingerprints and the guarantee
//
// [Params.AppendFingerprints] selects fingerprints by robust winnowing
// (S. Schleimer, D. S. Wilkerson and A. Aiken, "Winnowing: local algorithms
// for document fingerprinting", SIGMOD 2003) over the shingle hashes with
// window w = [Params.Window]. Every window of w consecutive shingles selects
// its minimum, so any run of at least
//
//	G = w + k - 1   (k = ShingleSize, G = Params.MinWords)
//
// tokens shared by two documents contains a common window and yields a
// common fingerprint hash; robust tie-breaking keeps a single fingerprint
// per window on low-entropy text such as repeated words. [AppendSeeds]
// joins two fingerprint lists by hash into [Seed] pairs and [Finder.Align]
// turns them into passages; together they find every maximal common run of
// at least G tokens (up to the per-hash cap [MaxPairsPerHash], only reached
// on highly repetitive text). Runs shorter than G tokens are never
// reported.
//
// An index of fingerprints over many documents meets many hashes shared by
// chance: a common phrase of ShingleSize words is a fingerprint of many
// texts. [Params.Context] gives each fingerprint position a 32-bit context
// tag (16 bits of the shingle hashes c = ⌈(G−k)/2⌉ positions before and
// after it), which an index can store next to the posting: a run of G tokens
// through the shingle extends at least c tokens beyond it on one side, so
// two positions whose tags agree on neither side ([ContextsMatch]) lie in
// no common run of G tokens. [Params.MayShare] applies this, including the
// nearby positions that [Finder.Align] tries, so dropping the seeds it
// rejects changes no result.
//
// [Finder.Repeats] finds the passages repeated inside one document without
// fingerprints: it indexes every shingle position by hash and compares each
// position with the earlier ones holding the same hash (at most
// [MaxOccurrences] of them, which bounds the work on periodic text).
//
// # Runs, bridging and trimming
//
// This section describes exact passages ([Params.MinIdentity] 1); the
// next one what alignment through edits, the default, adds. A run is a maximal sequence of equal token hashes along one diagonal (a
// fixed offset between the two sides). Runs of at least G tokens are
// chained in order of their A then B start: a run extends a chain when it
// starts after the chain's last run on both sides, ends after the chain on
// both sides, and, once the part of it overlapping the chain is dropped, is
// separated from the chain by at most [Params.MaxGap] tokens on each side,
// and the bridged passage still reads as the same text on both sides: the
// Jaccard similarity of its two sides' word-shingle sets, counting the
// shingles of its runs as shared, stays at least [BridgeSimilarity] (0.8).
// The runs of a chain may lie on different diagonals, so an insertion,
// deletion or substitution of up to MaxGap tokens inside a long block is
// bridged: a 300-word block copied with a three-token line inserted in one
// copy is ONE passage whose range on the side having the line includes it
// (its two ranges then differ in length). In a short passage the same edit
// would leave the two sides too different, so its runs are reported as
// adjacent passages instead. Among several chains a run can extend, it extends the
// one with the smallest total gap; otherwise it starts a new chain. A
// passage is the span of a chain on each side. A negative MaxGap disables
// bridging: every passage is then exactly one maximal run.
//
// Chaining is order-free in the sense that reordered paragraphs are each
// found, as separate passages. A passage both of whose ranges lie inside
// the ranges of another passage (on the same side) is not reported, so
// each maximal run is reported once, inside one passage or as its own.
// Distinct maximal runs are all reported even when they overlap: periodic
// text found inside a longer periodic block is reported once per shift by
// the period. Passages are sorted by A.Start, then B.Start, A.End, B.End.
//
// Inside one document the copy A always comes before B and never overlaps
// it (A.End <= B.Start), and each repeat is reported once, not also with
// A and B swapped. A maximal run t[s:e] == t[s+d:e+d] longer than d
// overlaps its own copy; it covers d-periodic text of R = e-s+d tokens
// (for example "X X X", or a repeated paragraph followed by text starting
// with the same words) and is trimmed to the two copies shifted by the
// multiple D of d closest to R/2: t[s:s+m] and t[s+D:s+D+m] with
// m = min(R-D, D) (the smaller D on ties). A paragraph repeated once and
// followed by its first words gives the two whole paragraphs; "X X X"
// gives the pairs (X₁, X₂) and (X₁, X₃); a periodic text gives its two
// halves, plus a second passage when its length leaves tokens over. Copies
// shorter than G after trimming are dropped. A run only joins a chain
// whose B start it does not pass, so the copies of a bridged passage never
// overlap either. A passage whose two ranges lie inside the text covered
// by another passage (inside either of its ranges, or inside their span
// when they are adjacent) is not reported, so sub-runs and shifted copies
// of periodic text are omitted; of passages covering exactly the same
// text, the first by position is kept.
//
// # Alignment through edits
//
// With [Params.MinIdentity] below 1 (default [DefaultMinIdentity], 0.8) the
// runs found from seeds are anchors of an alignment, in the spirit of the
// seed-and-extend of BLAST (Altschul et al. 1997) and of passim: runs of
// ShingleSize tokens or more are chained, in order of their A then B
// start, when the tokens between a chain and the next run align with at
// most MaxGap edits besides one block of up to [MaxInsert] tokens present
// on one side only (such a block only after MinWords matched tokens), and
// the chain keeps the identity floor. Each chain is then extended at both
// ends by an X-drop alignment in a band of MaxGap diagonals, scoring +1
// per matched token and -2 per substituted, inserted or deleted one, so
// that it goes on only through text with more than two tokens in three
// matched and ends on a matched token; extended chains that an edit kept
// apart are joined by the same rule as a gap. A passage must hold at least
// MinWords matched tokens and reach MinIdentity; its counts
// ([Passage.Matched], Substituted, Inserted, Deleted) are those of an
// alignment with the fewest edits of each gap. The exact passages remain
// candidates, so every run of MinWords equal tokens is reported, inside an
// aligned passage or on its own, and covered passages are removed as
// above. Inside one document the copies still never overlap.
//
// # Goroutine safety and buffers
//
// [Params] values and their methods are safe for concurrent use; the
// Params methods Align and Repeats allocate scratch space on each call. A
// [Finder] holds reusable scratch space and is not safe for concurrent use;
// warm, it allocates nothing beyond growing the caller's dst. All Append
// functions and methods append to the caller's slice and return it; no
// function keeps a reference to its arguments.
package passage
