package passage

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/neardup/neardup/internal/mix"
)

// ShingleSize is the number of consecutive tokens covered by each shingle
// hash of a [Doc]. It is the word shingle size of the detector, so the same
// hashes feed MinHash and passage finding.
const ShingleSize = 5

// Defaults used when the corresponding [Params] field is zero.
const (
	DefaultMinWords = 10
	DefaultMaxGap   = 8
	// BridgeSimilarity is the smallest Jaccard similarity of word
	// 5-shingle sets between the two sides of a bridged passage: runs are
	// bridged only when the result still reads as the same text.
	BridgeSimilarity = 0.8
)

// MaxPairsPerHash bounds the number of seeds [AppendSeeds] produces for one
// fingerprint hash: when a hash occurs na times in one list and nb times in
// the other with na·nb > MaxPairsPerHash, only MaxPairsPerHash of the pairs
// are produced, those closest to the proportional diagonal first (the i-th
// of na occurrences is paired with occurrences near the (i·nb/na)-th).
// Such hashes only come from highly repetitive text.
const MaxPairsPerHash = 64

// MaxOccurrences bounds the work of [Finder.Repeats] on repetitive text:
// each shingle position is compared with at most MaxOccurrences earlier
// positions holding the same shingle hash, the nearest first.
const MaxOccurrences = 32

// maxPos is the largest shingle or token position handled; positions are
// stored as int32 in [Fingerprint] and [Seed]. Longer documents are
// truncated to their first maxPos tokens.
const maxPos = math.MaxInt32

// maxGapLimit keeps gap arithmetic far from integer overflow.
const maxGapLimit = 1 << 30

// ErrParams is returned (wrapped) by [Params.Validate] for invalid
// parameters.
var ErrParams = errors.New("passage: invalid parameters")

// Doc is one document as seen by this package: per-token hashes and
// positional word-shingle hashes.
//
// Tokens holds one hash per normalized token, uint32(shingle.TokenHash(tok)).
// Shingles holds the word shingle hashes of size [ShingleSize] in position
// order, as shingle.AppendWords(nil, toks, ShingleSize) returns them:
// Shingles[i] covers tokens i through i+ShingleSize-1, so len(Shingles) is
// len(Tokens)-ShingleSize+1 (or 1 when 0 < len(Tokens) < ShingleSize).
//
// Passages are defined by equality of token hashes; shingle hashes are only
// used to find candidate alignments. Shingle positions that do not cover
// ShingleSize tokens of Tokens are ignored, so inconsistent input gives
// fewer results but never invalid ones. A Doc is read, never modified.
type Doc struct {
	Tokens   []uint32
	Shingles []uint64
}

// Range is a half-open range [Start, End) of token positions. It is a plain
// value.
type Range struct {
	Start, End int
}

// Len returns the number of tokens in r.
func (r Range) Len() int { return r.End - r.Start }

// Passage is a passage shared by two token sequences: tokens A of the first
// document correspond to tokens B of the second (or, for [Finder.Repeats],
// of the same document). A and B have equal token hashes at both ends; when
// the passage bridges edits (see [Params.MaxGap] and [Params.MinIdentity])
// their lengths may differ. It is a plain value.
type Passage struct {
	A, B Range

	// Matched, Substituted, Inserted and Deleted count the tokens of an
	// alignment of A with B with the fewest edits: tokens equal on both
	// sides, tokens replaced by another, tokens of A absent from B and
	// tokens of B absent from A. Matched+Substituted+Inserted is A.Len()
	// and Matched+Substituted+Deleted is B.Len().
	Matched, Substituted, Inserted, Deleted int

	// Aligned is the aligned length on which Identity is computed:
	// Matched+Substituted+Inserted+Deleted, except that each block of more
	// than MaxGap consecutive tokens present in one copy only (a line or
	// a sentence inserted into it, up to [MaxInsert] tokens) counts as one
	// position.
	Aligned int
}

// Identity returns the aligned-token identity of p, Matched/Aligned: 1 for
// an exact copy, 0 for an empty passage.
func (p Passage) Identity() float64 {
	if p.Aligned <= 0 {
		return 0
	}
	return float64(p.Matched) / float64(p.Aligned)
}

// Params configures passage finding. It is a plain comparable value; the
// zero value means the defaults. Params values are safe for concurrent use.
type Params struct {
	// MinWords is the guaranteed length G: every run of at least MinWords
	// identical consecutive token hashes shared by two documents (or
	// repeated inside one) is found, and passages shorter than MinWords
	// tokens on either side are not reported. Zero means DefaultMinWords.
	// It must be at least ShingleSize; smaller positive values are treated
	// as ShingleSize, negative ones as the default.
	MinWords int

	// MaxGap is the largest number of tokens separating two runs, on each
	// side, for them to be bridged into one passage (insertions, deletions
	// and substitutions of up to MaxGap tokens). Zero means DefaultMaxGap;
	// a negative value disables bridging, so that every passage is a single
	// maximal run.
	MaxGap int

	// MinIdentity, below 1, is the lowest [Passage.Identity] of a
	// reported passage, and passages are aligned through edits: runs of equal tokens
	// (from ShingleSize tokens on) are chained when the tokens between
	// them align with at most MaxGap edits besides one block of up to
	// [MaxInsert] tokens present in one copy only, and each chain is
	// extended at both ends while the alignment gains (one edit at most
	// per matched token), so that an edited copy is one passage. A
	// passage must still hold at least MinWords matched tokens. Every run
	// of MinWords equal tokens is reported, inside such a passage or on
	// its own. Zero means DefaultMinIdentity; 1 (or more) gives exact
	// passages: maximal runs of equal tokens bridged by MaxGap only (whose
	// identity is below 1 when they bridge a gap). It
	// must lie in [0, 1] (values above 1 are treated as 1, negative ones
	// as 0, NaN as 1).
	MinIdentity float64
}

// Validate reports whether p is valid. It returns an error wrapping
// [ErrParams] when MinWords is negative or positive but below
// [ShingleSize], or MinIdentity outside [0, 1]. The other methods never fail: they use the substitutes
// documented on each field.
func (p Params) Validate() error {
	if p.MinWords < 0 || (p.MinWords > 0 && p.MinWords < ShingleSize) {
		return fmt.Errorf("%w: MinWords %d must be 0 or at least %d", ErrParams, p.MinWords, ShingleSize)
	}
	if !(p.MinIdentity >= 0 && p.MinIdentity <= 1) {
		return fmt.Errorf("%w: MinIdentity %v must lie in [0, 1]", ErrParams, p.MinIdentity)
	}
	return nil
}

// minWords returns the effective MinWords.
func (p Params) minWords() int {
	switch {
	case p.MinWords <= 0:
		return DefaultMinWords
	case p.MinWords < ShingleSize:
		return ShingleSize
	case p.MinWords > maxPos:
		return maxPos
	}
	return p.MinWords
}

// maxGap returns the effective MaxGap, -1 when bridging is disabled.
func (p Params) maxGap() int {
	switch {
	case p.MaxGap == 0:
		return DefaultMaxGap
	case p.MaxGap < 0:
		return -1
	case p.MaxGap > maxGapLimit:
		return maxGapLimit
	}
	return p.MaxGap
}

// Window returns the winnowing window w = MinWords - ShingleSize + 1, in
// shingles, for the effective MinWords.
func (p Params) Window() int { return p.minWords() - ShingleSize + 1 }

// shinglePositions returns how many shingle positions of d cover
// ShingleSize tokens, and the token count, both capped at maxPos.
func shinglePositions(d Doc) (ns, n int) {
	n = min(len(d.Tokens), maxPos)
	ns = min(len(d.Shingles), n-ShingleSize+1)
	return max(ns, 0), n
}

// AppendShingles appends to dst the shingle hashes of a document whose
// token hashes are tokens, and returns the extended slice: hash i covers
// tokens[i:i+ShingleSize], and a document of fewer than ShingleSize
// tokens (at least one) has one shingle covering them all. A program that
// keeps only the token hashes of a document can build its Doc again with
// it; any other shingle hashes serve as well (such as those of package
// shingle, which also feed MinHash), as long as the documents compared use
// the same. It allocates only when dst must grow.
func AppendShingles(dst []uint64, tokens []uint32) []uint64 {
	n := len(tokens)
	switch {
	case n == 0:
		return dst
	case n < ShingleSize:
		var t [ShingleSize]uint32
		copy(t[:], tokens)
		return append(dst, shingleOf(tokenPair(t[0], t[1]), tokenPair(t[2], t[3]), t[4])^uint64(n))
	}
	// Each shingle mixes the hashes of its first two token pairs, each
	// computed once, with its fifth token.
	pair := func(i int) uint64 { return tokenPair(tokens[i], tokens[i+1]) }
	p0, p1, p2 := pair(0), pair(1), pair(2)
	for i := 0; i+ShingleSize <= n; i++ {
		dst = append(dst, shingleOf(p0, p2, tokens[i+4]))
		if i+ShingleSize < n {
			p0, p1, p2 = p1, p2, pair(i+3)
		}
	}
	return dst
}

// tokenPair hashes two consecutive token hashes.
func tokenPair(a, b uint32) uint64 { return mix.Murmur64(uint64(a)<<32 | uint64(b)) }

// shingleOf is the hash of the shingle whose first and second token pairs
// hash to p0 and p2 and whose fifth token is e.
func shingleOf(p0, p2 uint64, e uint32) uint64 {
	return mix.Murmur64(p0 ^ bits.RotateLeft64(p2, 31) ^ uint64(e)*0x9e3779b97f4a7c15)
}
