package neardup

import "encoding/binary"

// shingleSet is a stored shingle set (Options.KeepShingles): the distinct
// shingle hashes of a document as 8-byte little-endian words, in order of
// first occurrence, which is also their encoding in log records and
// snapshots. So a set loaded from a mapped snapshot is a view of the
// mapping: opening a detector neither copies its sets nor touches their
// memory until a candidate is verified against them (see
// diskStore.mapped).
type shingleSet []byte

// encodeSet returns the stored form of the hashes hs.
func encodeSet(hs []uint64) shingleSet {
	b := make([]byte, 8*len(hs))
	for i, h := range hs {
		binary.LittleEndian.PutUint64(b[8*i:], h)
	}
	return b
}

// len returns the number of hashes of the set.
func (s shingleSet) len() int { return len(s) / 8 }

// appendSet appends the set's encoding: its length, then its words.
func appendSet(b []byte, s shingleSet) []byte {
	b = binary.AppendUvarint(b, uint64(s.len()))
	return append(b, s...)
}

// set reads a set encoded by appendSet. It is a view of the decoder's
// bytes when r.alias is set, a copy otherwise.
func (r *decoder) set(what string) shingleSet {
	n := r.count(8, what)
	b := r.bytes(uint64(8*n), what)
	if r.err != nil || n == 0 {
		return nil
	}
	if r.alias {
		return shingleSet(b)
	}
	return shingleSet(append([]byte(nil), b...))
}
