package neardup

import (
	"slices"
)

// docEntry is what the detector keeps of every document.
type docEntry struct {
	id      string
	simhash uint64
	time    int64  // Unix nanoseconds
	size    int32  // distinct shingles
	cluster uint32 // cluster ID, 0 when in none
	alive   bool
}

// docTable holds the per-document data of a detector in arrays indexed by
// document number minus base. Removed documents leave holes; once the
// removed documents at the front are numerous (as a time window makes them)
// the arrays are copied without them, so their memory is returned.
type docTable struct {
	base     uint32 // number of the first entry
	entries  []docEntry
	sig8     []uint8    // K low bytes of the MinHash values per document
	bandKeys []uint32   // LSH band keys per document (for removal)
	sets     [][]uint64 // distinct shingles, with KeepShingles
	fpKeys   [][]uint64 // fingerprint hashes, when the fingerprint index is kept without passage data
	pass     []*passDoc // passage data, with Passages
	k, bands int
}

// next returns the number the next document gets.
func (t *docTable) next() uint64 { return uint64(t.base) + uint64(len(t.entries)) }

// has reports whether num is a live document.
func (t *docTable) has(num uint32) bool {
	return num >= t.base && int(num-t.base) < len(t.entries) && t.entries[num-t.base].alive
}

func (t *docTable) get(num uint32) *docEntry { return &t.entries[num-t.base] }

func (t *docTable) sig(num uint32) []uint8 {
	i := int(num-t.base) * t.k
	return t.sig8[i : i+t.k]
}

func (t *docTable) keys(num uint32) []uint32 {
	i := int(num-t.base) * t.bands
	return t.bandKeys[i : i+t.bands]
}

// compactMin is the least number of removed documents at the front of the
// table worth a compaction.
const compactMin = 1024

// compact drops the removed documents at the front of the table when they
// are at least compactMin and a quarter of it, and reports whether it did.
func (t *docTable) compact() bool {
	f := 0
	for f < len(t.entries) && !t.entries[f].alive {
		f++
	}
	if f < compactMin || 4*f < len(t.entries) {
		return false
	}
	t.base += uint32(f)
	t.entries = slices.Clone(t.entries[f:])
	t.sig8 = slices.Clone(t.sig8[f*t.k:])
	t.bandKeys = slices.Clone(t.bandKeys[f*t.bands:])
	if t.sets != nil {
		t.sets = slices.Clone(t.sets[f:])
	}
	if t.fpKeys != nil {
		t.fpKeys = slices.Clone(t.fpKeys[f:])
	}
	if t.pass != nil {
		t.pass = slices.Clone(t.pass[f:])
	}
	return true
}
