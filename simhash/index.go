package simhash

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// ErrParams reports invalid IndexParams.
var ErrParams = errors.New("simhash: invalid index parameters")

// DefaultMaxDistance is the Hamming radius of an Index whose
// IndexParams.MaxDistance is zero.
const DefaultMaxDistance = 3

// MaxIndexDistance is the largest accepted IndexParams.MaxDistance.
const MaxIndexDistance = 8

// IndexParams configures an Index. The zero value selects the defaults.
type IndexParams struct {
	// MaxDistance is the Hamming radius k of queries: Query reports every
	// fingerprint within distance k. Zero selects DefaultMaxDistance (3);
	// accepted values are 0 to MaxIndexDistance (8), so an exact-match-only
	// index cannot be requested (a map serves that better). The index keeps
	// k+1 tables, so memory grows linearly with k, and each table is keyed
	// by at most 64/(k+1) bits, so buckets hold at least n/2^(64/(k+1))
	// entries on average: with a million random fingerprints a query takes
	// under a microsecond for k ≤ 3 but about 5 µs for k = 4, 15 µs for
	// k = 5 or 6 and 75 µs for k = 8 on current hardware.
	MaxDistance int
}

// Match is one Query result: an indexed id and the Hamming distance between
// its fingerprint and the query.
type Match struct {
	ID       uint32
	Distance int
}

// entry is one indexed (fingerprint, id) pair: 12 bytes, 4-byte aligned.
type entry struct {
	lo, hi, id uint32
}

func (e entry) fp() uint64 { return uint64(e.hi)<<32 | uint64(e.lo) }

// Bucket-count policy: a table keyed by b bits has 2^b buckets and doubles
// when it averages more than maxLoad entries per bucket (halves below
// minLoad), as long as b stays within [minKeyBits, block width].
const (
	minKeyBits = 4
	maxLoad    = 16
	minLoad    = 4
)

// table indexes every pair by one block of the fingerprint, bits
// [shift, shift+width). Its key is the top keyBits bits of the block, so
// pairs that agree on the block share a bucket; keyBits adapts to the
// number of pairs so that buckets hold minLoad to maxLoad entries on
// average.
type table struct {
	shift   uint
	width   uint
	mask    uint64 // block mask, in place
	keyBits uint
	buckets [][]entry // 2^keyBits buckets
}

func (t *table) key(fp uint64) uint {
	return uint((fp & t.mask) >> (t.shift + t.width - t.keyBits))
}

// rekey redistributes all entries into 2^keyBits buckets, each allocated
// to its exact size.
func (t *table) rekey(keyBits uint) {
	old := t.buckets
	t.keyBits = keyBits
	t.buckets = make([][]entry, 1<<keyBits)
	counts := make([]int32, len(t.buckets))
	for _, b := range old {
		for _, e := range b {
			counts[t.key(e.fp())]++
		}
	}
	for i, c := range counts {
		if c > 0 {
			t.buckets[i] = make([]entry, 0, c)
		}
	}
	for _, b := range old {
		for _, e := range b {
			k := t.key(e.fp())
			t.buckets[k] = append(t.buckets[k], e)
		}
	}
}

// fit adapts the number of buckets to n pairs.
func (t *table) fit(n int) {
	switch {
	case n > maxLoad<<t.keyBits && t.keyBits < t.width:
		t.rekey(t.keyBits + 1)
	case n < minLoad<<t.keyBits && t.keyBits > min(minKeyBits, t.width):
		t.rekey(t.keyBits - 1)
	}
}

// Index finds all indexed fingerprints within a fixed Hamming distance k of
// a query, exactly (no false negatives, no false positives), using the
// permuted-table scheme of Manku, Jain and Das Sarma (2007): the 64 bits are
// split into k+1 contiguous blocks of 64/(k+1) bits, and table t groups the
// (fingerprint, id) pairs by the value of block t (more precisely by its top
// bits, as many as keep buckets at 4 to 16 entries on average). Two
// fingerprints within distance k agree on at least one block, so scanning
// the k+1 buckets of the query finds every match; a match is reported only
// from the first table whose block agrees, so each pair is reported once.
//
// The index stores a set of (id, fingerprint) pairs: adding a pair that is
// already present has no effect, while one id may be added with several
// different fingerprints (each is then reported separately) and one
// fingerprint with several ids. Each pair costs 12 bytes in each of the k+1
// tables plus bucket slack and headers, about 15 bytes per table in total
// (about 60 bytes per pair with k = 3). Removing pairs releases memory:
// emptied buckets are freed, a bucket that falls to a quarter of its
// capacity is reallocated, and the bucket arrays halve as the index shrinks.
//
// An Index is not safe for concurrent use: Add and Remove must not run
// concurrently with any other method. Query only reads the index, so
// concurrent Query calls are safe when no Add or Remove runs meanwhile.
// Create an Index with NewIndex; the zero value is an empty index with the
// default parameters.
type Index struct {
	k      int
	n      int
	tables []table
}

// NewIndex returns an empty Index for the given parameters. It returns an
// error wrapping ErrParams if p.MaxDistance is negative or greater than
// MaxIndexDistance.
func NewIndex(p IndexParams) (*Index, error) {
	k := p.MaxDistance
	if k < 0 || k > MaxIndexDistance {
		return nil, fmt.Errorf("%w: MaxDistance %d not in 0..%d", ErrParams, k, MaxIndexDistance)
	}
	if k == 0 {
		k = DefaultMaxDistance
	}
	x := &Index{}
	x.init(k)
	return x, nil
}

// init sets up k+1 empty tables.
func (x *Index) init(k int) {
	nb := k + 1
	x.k = k
	x.tables = make([]table, nb)
	shift := uint(0)
	for i := range x.tables {
		width := uint(64 / nb)
		if i < 64%nb {
			width++
		}
		t := &x.tables[i]
		*t = table{shift: shift, width: width, mask: (1<<width - 1) << shift}
		t.rekey(min(minKeyBits, width))
		shift += width
	}
}

// MaxDistance returns the Hamming radius k of the index.
func (x *Index) MaxDistance() int {
	if x.tables == nil {
		return DefaultMaxDistance
	}
	return x.k
}

// Len returns the number of (id, fingerprint) pairs in the index.
func (x *Index) Len() int { return x.n }

// Add inserts the pair (id, fp). Adding a pair that is already present has
// no effect. Cost: a scan of one bucket per table, plus an amortised
// constant for bucket growth and rekeying.
func (x *Index) Add(id uint32, fp uint64) {
	if x.tables == nil {
		x.init(DefaultMaxDistance)
	}
	e := entry{lo: uint32(fp), hi: uint32(fp >> 32), id: id}
	t0 := &x.tables[0]
	if slices.Contains(t0.buckets[t0.key(fp)], e) {
		return
	}
	x.n++
	for i := range x.tables {
		t := &x.tables[i]
		k := t.key(fp)
		b := t.buckets[k]
		if len(b) == cap(b) {
			// Grow by a quarter rather than doubling: buckets are small and
			// many, so slack dominates memory.
			nb := make([]entry, len(b), len(b)+len(b)/4+2)
			copy(nb, b)
			b = nb
		}
		t.buckets[k] = append(b, e)
		t.fit(x.n)
	}
}

// Remove deletes the pair (id, fp) and reports whether it was present.
func (x *Index) Remove(id uint32, fp uint64) bool {
	if x.tables == nil {
		return false
	}
	e := entry{lo: uint32(fp), hi: uint32(fp >> 32), id: id}
	t0 := &x.tables[0]
	if !slices.Contains(t0.buckets[t0.key(fp)], e) {
		return false
	}
	x.n--
	for i := range x.tables {
		t := &x.tables[i]
		k := t.key(fp)
		b := t.buckets[k]
		j := slices.Index(b, e) // present: the tables hold the same pairs
		last := len(b) - 1
		b[j] = b[last]
		b = b[:last]
		switch {
		case len(b) == 0:
			b = nil
		case cap(b) >= 8 && 4*len(b) <= cap(b):
			b = append(make([]entry, 0, len(b)+len(b)/4+2), b...)
		}
		t.buckets[k] = b
		t.fit(x.n)
	}
	return true
}

// Query appends to dst every indexed pair whose fingerprint is within
// Hamming distance MaxDistance of q, as Match values sorted by distance and
// then by id, and returns the extended slice. The result is exactly the set
// a linear scan would find. Query does not allocate when dst has enough
// spare capacity.
func (x *Index) Query(dst []Match, q uint64) []Match {
	start := len(dst)
	k := x.k
	for i := range x.tables {
		t := &x.tables[i]
		for _, e := range t.buckets[t.key(q)] {
			d := q ^ e.fp()
			n := bits.OnesCount64(d)
			if n <= k && x.firstAgreeing(d) == i {
				dst = append(dst, Match{ID: e.id, Distance: n})
			}
		}
	}
	slices.SortFunc(dst[start:], compareMatch)
	return dst
}

// firstAgreeing returns the index of the first table whose block is zero
// in d, the XOR of two fingerprints, or -1. A bucket holds every pair that
// agrees with the query on the table's key bits, a prefix of its block; a
// match is reported only from the first table whose whole block agrees.
func (x *Index) firstAgreeing(d uint64) int {
	for i := range x.tables {
		if d&x.tables[i].mask == 0 {
			return i
		}
	}
	return -1
}

func compareMatch(a, b Match) int {
	if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}
