package index

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2"
)

// Errors returned by this package. Returned errors wrap one of them and can
// be tested with errors.Is.
var (
	// ErrParams reports invalid LSH parameters or an unsatisfiable request
	// to ChooseLSH.
	ErrParams = errors.New("index: invalid LSH parameters")
	// ErrSignature reports a signature with fewer than Bands·Rows values.
	ErrSignature = errors.New("index: signature too short")
	// ErrNotIndexed reports a Remove whose document was missing from some
	// of the buckets of the given signature: the document was never added,
	// was already removed, or was added with another signature.
	ErrNotIndexed = errors.New("index: document not indexed under this signature")
)

// MaxSignature is the largest Bands·Rows accepted.
const MaxSignature = 1 << 20

// LSHParams is a banding of MinHash signatures: the first Bands·Rows values
// are cut into Bands consecutive bands of Rows values, and two signatures
// are candidates when they agree on every value of at least one band.
//
// It is a plain comparable value, safe for concurrent use. The zero value is
// not valid by itself: use ChooseLSH or set both fields.
type LSHParams struct {
	// Bands is the number of bands, at least 1.
	Bands int
	// Rows is the number of signature values per band, at least 1.
	Rows int
}

// Validate reports whether p is usable: Bands and Rows at least 1 and
// Bands·Rows at most MaxSignature. The error wraps ErrParams.
func (p LSHParams) Validate() error {
	if p.Bands < 1 || p.Rows < 1 || p.Bands > MaxSignature/p.Rows {
		return fmt.Errorf("%w: %d bands × %d rows, want both ≥ 1 and a product ≤ %d",
			ErrParams, p.Bands, p.Rows, MaxSignature)
	}
	return nil
}

// SignatureLen returns Bands·Rows, the number of signature values used, or
// 0 if p is invalid.
func (p LSHParams) SignatureLen() int {
	if p.Validate() != nil {
		return 0
	}
	return p.Bands * p.Rows
}

// Probability returns CandidateProbability(j, p.Bands, p.Rows).
func (p LSHParams) Probability(j float64) float64 {
	return CandidateProbability(j, p.Bands, p.Rows)
}

// CandidateProbability is the S-curve 1-(1-j^rows)^bands: the probability
// that two signatures whose values agree independently with probability j
// (their Jaccard similarity, for MinHash) share at least one of bands bands
// of rows values. j is clamped to [0, 1]; a NaN j gives NaN, and bands or
// rows below 1 give 0.
func CandidateProbability(j float64, bands, rows int) float64 {
	switch {
	case math.IsNaN(j):
		return j
	case bands < 1 || rows < 1 || j <= 0:
		return 0
	case j >= 1:
		return 1
	}
	// -expm1(b·log1p(-j^r)) keeps precision when j^r is tiny.
	return -math.Expm1(float64(bands) * math.Log1p(-math.Pow(j, float64(rows))))
}

// falseMass returns ∫₀^t CandidateProbability(j, bands, rows) dj by the
// composite Simpson rule.
func falseMass(t float64, bands, rows int) float64 {
	const n = 2048 // even number of intervals
	h := t / n
	sum := CandidateProbability(t, bands, rows) // the integrand is 0 at j = 0
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * CandidateProbability(float64(i)*h, bands, rows)
	}
	return sum * h / 3
}

// ChooseLSH returns the banding of at most k signature values that makes a
// pair with Jaccard similarity exactly threshold a candidate with
// probability at least minRecall, and that among those minimises the
// false-candidate mass ∫₀^threshold CandidateProbability(j) dj: the expected
// candidate rate of pairs whose similarity is uniform below the threshold.
// Ties (masses within a relative 1e-9) go to fewer bands, which need less
// memory.
//
// For a given number of rows both the recall and the false mass grow with
// the number of bands, so only the fewest bands reaching minRecall is
// considered for each rows value.
//
// The choice is recall-first: a pair the banding misses is lost for good,
// whereas a false candidate only costs one signature comparison. The
// classic balanced choice, which puts the steepest point of the S-curve
// near (1/b)^(1/r) ≈ threshold, catches only about half of the pairs that
// are exactly at the threshold (9 bands × 13 rows give 0.40 at 0.8).
//
// It returns an error wrapping ErrParams if threshold or minRecall is
// outside the open interval (0, 1), k < 1, or no banding of at most k values
// reaches minRecall. Values of k above MaxSignature are treated as
// MaxSignature.
func ChooseLSH(threshold float64, k int, minRecall float64) (LSHParams, error) {
	switch {
	case !(threshold > 0 && threshold < 1):
		return LSHParams{}, fmt.Errorf("%w: threshold %v outside (0, 1)", ErrParams, threshold)
	case !(minRecall > 0 && minRecall < 1):
		return LSHParams{}, fmt.Errorf("%w: minimum recall %v outside (0, 1)", ErrParams, minRecall)
	case k < 1:
		return LSHParams{}, fmt.Errorf("%w: k = %d, want at least 1", ErrParams, k)
	}
	k = min(k, MaxSignature)
	var best LSHParams
	bestMass := math.Inf(1)
	logMiss := math.Log1p(-minRecall) // log of the allowed miss probability
	for r := 1; r <= k; r++ {
		x := math.Pow(threshold, float64(r))
		if x == 0 {
			break // and every larger r is out of reach too
		}
		// Fewest bands b with (1-x)^b ≤ 1-minRecall, then corrected
		// against the exact predicate.
		bf := math.Ceil(logMiss / math.Log1p(-x))
		if !(bf <= float64(k/r)+1) {
			continue
		}
		b := max(1, int(bf))
		for b > 1 && CandidateProbability(threshold, b-1, r) >= minRecall {
			b--
		}
		for b <= k/r && CandidateProbability(threshold, b, r) < minRecall {
			b++
		}
		if b > k/r {
			continue
		}
		m := falseMass(threshold, b, r)
		if m < bestMass*(1-1e-9) || (m <= bestMass*(1+1e-9) && b < best.Bands) {
			best, bestMass = LSHParams{Bands: b, Rows: r}, m
		}
	}
	if best.Bands == 0 {
		return LSHParams{}, fmt.Errorf("%w: no banding of at most %d values reaches recall %v at Jaccard %v",
			ErrParams, k, minRecall, threshold)
	}
	return best, nil
}

// Band key mixing constants.
const (
	bandSeed = 0x9E3779B97F4A7C15 // 2^64 / golden ratio
	bandMulA = 0xBF58476D1CE4E5B9
	bandMulB = 0x94D049BB133111EB
)

// BandKey returns the 64-bit key of band number band (counting from 0) whose
// values are rows. It is a fixed function, part of the package's stable
// behaviour:
//
//	h := 0x9E3779B97F4A7C15 * (band + 1)              // mod 2^64
//	for each pair (a, b) of consecutive values, plus a final lone value a (b = 0):
//	    w := a | b<<32
//	    h = rotl64(h ^ (w * 0xBF58476D1CE4E5B9), 29) * 0x94D049BB133111EB
//	h ^= len(rows)
//	return mix64(h)
//
// where mix64 is the MurmurHash3 64-bit finalizer
// (h ^= h>>33; h *= 0xff51afd7ed558ccd; h ^= h>>33; h *= 0xc4ceb9fe1a85ec53;
// h ^= h>>33). The band number acts as a salt, so equal values in different
// bands give different keys and all bands can share one Postings.
func BandKey(band int, rows []uint32) uint64 {
	h := uint64(bandSeed) * (uint64(band) + 1)
	i := 0
	for ; i+1 < len(rows); i += 2 {
		w := uint64(rows[i]) | uint64(rows[i+1])<<32
		h = bits.RotateLeft64(h^(w*bandMulA), 29) * bandMulB
	}
	if i < len(rows) {
		h = bits.RotateLeft64(h^(uint64(rows[i])*bandMulA), 29) * bandMulB
	}
	return mix64(h ^ uint64(len(rows)))
}

// AppendBandKeys appends the Bands keys BandKey(i, sig[i·Rows:(i+1)·Rows])
// of sig to dst and returns the extended slice. It appends nothing if p is
// invalid or sig has fewer than Bands·Rows values, and allocates only if dst
// lacks capacity.
func (p LSHParams) AppendBandKeys(dst []uint64, sig []uint32) []uint64 {
	n := p.SignatureLen()
	if n == 0 || len(sig) < n {
		return dst
	}
	for b := range p.Bands {
		dst = append(dst, BandKey(b, sig[b*p.Rows:(b+1)*p.Rows]))
	}
	return dst
}

// LSH is a banded locality-sensitive hashing index over MinHash signatures
// (plain []uint32 values, such as minhash.Signature.Values): documents whose
// signatures agree on all the rows of some band are candidates of each
// other.
//
// Each band has its own table keyed by the low 32 bits of the band's
// BandKey; the band number being implicit, a 32-bit key suffices and a
// document costs one 8-byte slot per band (about 9 to 11 bytes with the
// table's free space). Two different bands' contents that collide on those
// 32 bits share a bucket, which adds a false candidate with probability
// about N/2^32 per band and query for N indexed documents; candidates are
// meant to be verified, so this only costs a comparison. Buckets use the
// same representation as Postings.
//
// Queries and insertions first compute all band keys and touch every
// band's home slot, so that the processor overlaps the cache misses of the
// different bands, which dominate the cost of a large index.
//
// An LSH is not safe for concurrent use: Add, Remove and Grow need
// exclusive access, while Candidates, CandidatesMaxDF, Params and
// MemoryBytes may run concurrently with each other.
type LSH struct {
	p      LSHParams
	bands  []store[uint32]
	peeked uint32 // sink for the early loads of Add and Remove
}

// NewLSH returns an empty index with banding p. The error wraps ErrParams if
// p is invalid.
func NewLSH(p LSHParams) (*LSH, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &LSH{p: p, bands: newBands(p.Bands)}, nil
}

// Params returns the banding of l.
func (l *LSH) Params() LSHParams {
	return l.p
}

// checkSig returns an error wrapping ErrSignature if sig is too short.
func (l *LSH) checkSig(sig []uint32) error {
	if n := l.p.Bands * l.p.Rows; len(sig) < n {
		return fmt.Errorf("%w: %d values, need %d (%d bands × %d rows)",
			ErrSignature, len(sig), n, l.p.Bands, l.p.Rows)
	}
	return nil
}

// band returns the table key of band b of sig.
func (l *LSH) band(b int, sig []uint32) uint32 {
	r := l.p.Rows
	return uint32(BandKey(b, sig[b*r:(b+1)*r]))
}

// aheadBands is the number of bands processed per batch by ahead.
const aheadBands = 32

// ahead computes the table keys of bands from, from+1, ... of sig into keys
// and stores in firsts the key found in each one's home slot (0 when that
// slot is empty, in which case the bucket is absent unless its key is 0).
// Loading all the home slots before working on any lets the processor
// overlap their cache misses, which dominate the cost in a large index.
func (l *LSH) ahead(sig []uint32, from int, keys, firsts []uint32) {
	for i := range keys {
		k := l.band(from+i, sig)
		keys[i] = k
		firsts[i] = l.bands[from+i].peek(k)
	}
}

// Add indexes doc under signature sig (only the first Bands·Rows values are
// used). Adding the same document with the same signature again does
// nothing. The error wraps ErrSignature if sig is too short, in which case
// nothing is changed.
func (l *LSH) Add(doc uint32, sig []uint32) error {
	if err := l.checkSig(sig); err != nil {
		return err
	}
	var keys, firsts [aheadBands]uint32
	for from := 0; from < len(l.bands); from += aheadBands {
		n := min(aheadBands, len(l.bands)-from)
		l.ahead(sig, from, keys[:n], firsts[:n])
		for i := range n {
			l.bands[from+i].add(keys[i], doc)
			l.peeked ^= firsts[i] // keeps the early loads
		}
	}
	return nil
}

// Remove removes doc from the buckets of sig, which must be the signature
// it was added with. The error wraps ErrSignature if sig is too short
// (nothing is changed), or ErrNotIndexed if doc was missing from some of the
// buckets (it is still removed from the others).
func (l *LSH) Remove(doc uint32, sig []uint32) error {
	if err := l.checkSig(sig); err != nil {
		return err
	}
	missing := 0
	var keys, firsts [aheadBands]uint32
	for from := 0; from < len(l.bands); from += aheadBands {
		n := min(aheadBands, len(l.bands)-from)
		l.ahead(sig, from, keys[:n], firsts[:n])
		for i := range n {
			if !l.bands[from+i].remove(keys[i], doc) {
				missing++
			}
			l.peeked ^= firsts[i]
		}
	}
	if missing > 0 {
		return fmt.Errorf("%w: document %d missing from %d of %d bands", ErrNotIndexed, doc, missing, l.p.Bands)
	}
	return nil
}

// Candidates replaces the contents of dst with the documents sharing at
// least one band with sig: the union of sig's buckets, including sig's own
// document if it is indexed. A signature shorter than Bands·Rows gives an
// empty dst. Candidates allocates nothing when no bucket is found, and
// otherwise only what roaring needs for dst's containers (plus scratch space
// beyond 256 inline documents or 16 bitmaps).
func (l *LSH) Candidates(dst *roaring.Bitmap, sig []uint32) {
	l.CandidatesMaxDF(dst, sig, 0)
}

// CandidatesMaxDF is Candidates skipping, when maxDF > 0, the buckets with
// more than maxDF documents (for instance the bucket shared by every empty
// or boilerplate document).
func (l *LSH) CandidatesMaxDF(dst *roaring.Bitmap, sig []uint32, maxDF uint64) {
	if l.checkSig(sig) != nil {
		dst.Clear()
		return
	}
	var sbuf [256]uint32
	var bbuf [16]*roaring.Bitmap
	singles, bigs := sbuf[:0], bbuf[:0]
	var keys, firsts [aheadBands]uint32
	for from := 0; from < len(l.bands); from += aheadBands {
		n := min(aheadBands, len(l.bands)-from)
		l.ahead(sig, from, keys[:n], firsts[:n])
		for i := range n {
			if firsts[i] == 0 && keys[i] != 0 {
				continue // empty home slot: no such bucket
			}
			singles, bigs = l.bands[from+i].collect(keys[i], maxDF, singles, bigs)
		}
	}
	unionInto(dst, singles, bigs)
}

// Grow reserves room for docs documents in total, so that adding up to that
// many documents does not resize the tables (buckets of more than 8
// documents need fewer slots). Reserving the final size up front also
// saves the intermediate rebuilds and packs the tables to 83-90% full
// (each band has its own growth point). It allocates about 8.9-9.7·docs
// bytes per band; docs is capped at 1<<28 and
// non-positive values do nothing.
func (l *LSH) Grow(docs int) {
	for b := range l.bands {
		l.bands[b].reserve(docs)
	}
}

// MemoryBytes returns an estimate of the heap bytes held by l (see
// Postings.MemoryBytes).
func (l *LSH) MemoryBytes() int {
	n := len(l.bands) * int(sizeofStore)
	for b := range l.bands {
		n += l.bands[b].memoryBytes()
	}
	return n
}

// AppendKeys appends to dst the band table keys of sig, one per band, and
// returns the extended slice. They are what AddKeys, RemoveKeys and
// CandidatesKeys take: a caller that stores them (4 bytes per band) can
// remove a document without keeping its full signature. The error wraps
// ErrSignature if sig is too short, in which case dst is returned unchanged.
func (l *LSH) AppendKeys(dst []uint32, sig []uint32) ([]uint32, error) {
	if err := l.checkSig(sig); err != nil {
		return dst, err
	}
	for b := range l.bands {
		dst = append(dst, l.band(b, sig))
	}
	return dst, nil
}

// checkKeys returns an error wrapping ErrSignature unless there is one key
// per band.
func (l *LSH) checkKeys(keys []uint32) error {
	if len(keys) != len(l.bands) {
		return fmt.Errorf("%w: %d band keys, need %d", ErrSignature, len(keys), len(l.bands))
	}
	return nil
}

// peekKeys loads the home slot of each key of bands from, from+1, ... into
// firsts, as ahead does for a signature.
func (l *LSH) peekKeys(keys []uint32, from int, firsts []uint32) {
	for i, k := range keys {
		firsts[i] = l.bands[from+i].peek(k)
	}
}

// AddKeys is Add with the band keys returned by AppendKeys.
func (l *LSH) AddKeys(doc uint32, keys []uint32) error {
	if err := l.checkKeys(keys); err != nil {
		return err
	}
	var firsts [aheadBands]uint32
	for from := 0; from < len(keys); from += aheadBands {
		n := min(aheadBands, len(keys)-from)
		l.peekKeys(keys[from:from+n], from, firsts[:n])
		for i := range n {
			l.bands[from+i].add(keys[from+i], doc)
			l.peeked ^= firsts[i]
		}
	}
	return nil
}

// RemoveKeys is Remove with the band keys returned by AppendKeys.
func (l *LSH) RemoveKeys(doc uint32, keys []uint32) error {
	if err := l.checkKeys(keys); err != nil {
		return err
	}
	missing := 0
	var firsts [aheadBands]uint32
	for from := 0; from < len(keys); from += aheadBands {
		n := min(aheadBands, len(keys)-from)
		l.peekKeys(keys[from:from+n], from, firsts[:n])
		for i := range n {
			if !l.bands[from+i].remove(keys[from+i], doc) {
				missing++
			}
			l.peeked ^= firsts[i]
		}
	}
	if missing > 0 {
		return fmt.Errorf("%w: document %d missing from %d of %d bands", ErrNotIndexed, doc, missing, len(keys))
	}
	return nil
}

// CandidatesKeys is CandidatesMaxDF with the band keys returned by
// AppendKeys. With the wrong number of keys dst is left empty.
func (l *LSH) CandidatesKeys(dst *roaring.Bitmap, keys []uint32, maxDF uint64) {
	if l.checkKeys(keys) != nil {
		dst.Clear()
		return
	}
	var sbuf [256]uint32
	var bbuf [16]*roaring.Bitmap
	singles, bigs := sbuf[:0], bbuf[:0]
	var firsts [aheadBands]uint32
	for from := 0; from < len(keys); from += aheadBands {
		n := min(aheadBands, len(keys)-from)
		l.peekKeys(keys[from:from+n], from, firsts[:n])
		for i := range n {
			k := keys[from+i]
			if firsts[i] == 0 && k != 0 {
				continue // empty home slot: no such bucket
			}
			singles, bigs = l.bands[from+i].collect(k, maxDF, singles, bigs)
		}
	}
	unionInto(dst, singles, bigs)
}

// AddKeysCapped is AddKeys with a cap on bucket size: doc is added only to
// the bands whose bucket holds fewer than max documents, and the number of
// bands whose bucket was full is returned. A zero max means no cap. A
// document left out of a full bucket is still found by queries through its
// other bands, and its near-duplicates are found through the bucket's
// earlier members; the cap only bounds the cost of a bucket shared by very
// many documents (boilerplate stubs). RemoveKeys of a capped document
// reports the bands it is missing from (ErrNotIndexed) after removing it
// from the others.
func (l *LSH) AddKeysCapped(doc uint32, keys []uint32, max uint64) (int, error) {
	if max == 0 {
		return 0, l.AddKeys(doc, keys)
	}
	if err := l.checkKeys(keys); err != nil {
		return 0, err
	}
	capped := 0
	var firsts [aheadBands]uint32
	for from := 0; from < len(keys); from += aheadBands {
		n := min(aheadBands, len(keys)-from)
		l.peekKeys(keys[from:from+n], from, firsts[:n])
		for i := range n {
			b, k := from+i, keys[from+i]
			l.peeked ^= firsts[i]
			// The home slot is in cache now: the size check and the
			// insertion cost one miss between them.
			if (firsts[i] != 0 || k == 0) && l.bands[b].card(k) >= max {
				capped++
				continue
			}
			l.bands[b].add(k, doc)
		}
	}
	return capped, nil
}

// BucketLen returns the number of documents in the bucket of band key key
// in band band, 0 if band is out of range.
func (l *LSH) BucketLen(band int, key uint32) uint64 {
	if band < 0 || band >= len(l.bands) {
		return 0
	}
	return l.bands[band].card(key)
}

// DocRange returns the smallest and largest document numbers in the tables
// and the number of (band, document) postings, with ok false when the
// tables are empty. It visits every bucket once: a caller that loads tables
// with ReadLSH checks with it that they name only documents it knows.
func (l *LSH) DocRange() (lo, hi uint32, postings uint64, ok bool) {
	lo = math.MaxUint32
	for i := range l.bands {
		blo, bhi, n, bok := l.bands[i].docRange()
		if !bok {
			continue
		}
		lo, hi, ok = min(lo, blo), max(hi, bhi), true
		postings += n
	}
	if !ok {
		lo = 0
	}
	return lo, hi, postings, ok
}

// bandCut is the largest store.cut of a band table: the bands' growth
// points spread over 8 % of the load range, most of the 11 % by which a
// growth step (1/8 more homes) lowers the load.
const bandCut = 80

// newBands returns n empty band tables whose growth points are spread out
// (see store.cut), so that one Add rebuilds at most a few of them.
func newBands(n int) []store[uint32] {
	bands := make([]store[uint32], n)
	for b := range bands {
		bands[b].cut = b * bandCut / n
	}
	return bands
}
