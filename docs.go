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

// docTable holds the per-document data of a detector in columns indexed by
// document number minus base. Removed documents leave holes; once the
// removed documents at the front are numerous (as a time window makes them)
// they are dropped, which frees the chunks they filled (see column).
type docTable struct {
	base     uint32 // number of the first entry
	entries  column[docEntry]
	sig8     column[uint8]      // K low bytes of the MinHash values per document
	bandKeys column[uint32]     // LSH band keys per document (for removal)
	sets     column[shingleSet] // distinct shingles, with KeepShingles
	fpKeys   column[[]uint64]   // fingerprint hashes, when the fingerprint index is kept without passage data
	pass     column[*passDoc]   // passage data, with Passages
	k, bands int
}

// init sets the columns up: the stride of each column and which optional
// ones are on.
func (t *docTable) init(k, bands int, sets, fpKeys, pass bool) {
	*t = docTable{k: k, bands: bands}
	t.entries.stride, t.sig8.stride, t.bandKeys.stride = 1, k, bands
	on := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	t.sets.stride, t.fpKeys.stride, t.pass.stride = on(sets), on(fpKeys), on(pass)
}

// len returns the number of entries, removed ones included.
func (t *docTable) len() int { return t.entries.n }

// next returns the number the next document gets.
func (t *docTable) next() uint64 { return uint64(t.base) + uint64(t.entries.n) }

// has reports whether num is a live document.
func (t *docTable) has(num uint32) bool {
	return num >= t.base && int(num-t.base) < t.entries.n && t.entry(int(num-t.base)).alive
}

// entry returns the i-th entry.
func (t *docTable) entry(i int) *docEntry { return t.entries.ref(i) }

func (t *docTable) get(num uint32) *docEntry { return t.entry(int(num - t.base)) }

func (t *docTable) sig(num uint32) []uint8 { return t.sig8.at(int(num - t.base)) }

func (t *docTable) keys(num uint32) []uint32 { return t.bandKeys.at(int(num - t.base)) }

// push appends the data of one document; the optional values are ignored
// when their column is off.
func (t *docTable) push(e docEntry, sig8 []uint8, keys []uint32, set shingleSet, fpKeys []uint64, pass *passDoc) {
	t.entries.push(e)
	t.sig8.push(sig8...)
	t.bandKeys.push(keys...)
	if t.sets.on() {
		t.sets.push(set)
	}
	if t.fpKeys.on() {
		t.fpKeys.push(fpKeys)
	}
	if t.pass.on() {
		t.pass.push(pass)
	}
}

// compactMin is the least number of removed documents at the front of the
// table worth a compaction.
const compactMin = 1024

// compact drops the removed documents at the front of the table when they
// are at least compactMin, and reports whether it did. It copies no
// document data, only the list of chunks.
func (t *docTable) compact() bool {
	f := 0
	for f < t.entries.n && !t.entry(f).alive {
		f++
	}
	if f < compactMin {
		return false
	}
	t.base += uint32(f)
	t.entries.dropFront(f)
	t.sig8.dropFront(f)
	t.bandKeys.dropFront(f)
	t.sets.dropFront(f)
	t.fpKeys.dropFront(f)
	t.pass.dropFront(f)
	return true
}

// chunkDocs is the number of documents of a full chunk of a column.
const chunkDocs = 4096

// column holds stride values of type T per document, in chunks of
// chunkDocs documents: appending never moves more than one chunk (the last
// one grows like a slice up to its full size), and dropping documents at
// the front frees the chunks they filled, so neither holds the detector's
// lock for long however many documents it holds. A column with stride 0
// is off and holds nothing.
type column[T any] struct {
	stride int
	chunks [][]T // all full (chunkDocs·stride values) but the last
	skip   int   // documents dropped from the front of chunks[0]
	n      int   // documents held, dropped ones excluded
}

// on reports whether the column holds values.
func (c *column[T]) on() bool { return c.stride > 0 }

// at returns the values of document i (0 ≤ i < n), which the caller may
// modify in place.
func (c *column[T]) at(i int) []T {
	p := c.skip + i
	ch := c.chunks[p/chunkDocs]
	o := (p % chunkDocs) * c.stride
	return ch[o : o+c.stride : o+c.stride]
}

// ref returns a pointer to the value of document i of a column of stride
// 1.
func (c *column[T]) ref(i int) *T { return &c.at(i)[0] }

// push appends the values of one more document: v, cut or padded with zero
// values to the stride. It does nothing when the column is off.
func (c *column[T]) push(v ...T) {
	if c.stride == 0 {
		return
	}
	if len(c.chunks) == 0 || len(c.chunks[len(c.chunks)-1]) == chunkDocs*c.stride {
		c.chunks = append(c.chunks, nil)
	}
	last := &c.chunks[len(c.chunks)-1]
	if len(*last)+c.stride > cap(*last) {
		grown := make([]T, len(*last), min(max(2*cap(*last), 16*c.stride), chunkDocs*c.stride))
		copy(grown, *last)
		*last = grown
	}
	if len(v) > c.stride {
		v = v[:c.stride]
	}
	*last = append(*last, v...)
	for range c.stride - len(v) {
		var zero T
		*last = append(*last, zero)
	}
	c.n++
}

// dropFront drops the first f documents (f ≤ n) and frees the chunks
// they filled.
func (c *column[T]) dropFront(f int) {
	if c.stride == 0 {
		return
	}
	c.skip += f
	c.n -= f
	k := c.skip / chunkDocs
	if k == 0 {
		return
	}
	clear(c.chunks[:k])
	c.chunks = c.chunks[k:]
	c.skip -= k * chunkDocs
	if cap(c.chunks) > 64 && len(c.chunks) < cap(c.chunks)/4 {
		c.chunks = slices.Clone(c.chunks)
	}
}

// resetDocs empties the document table, with the columns d's options need:
// shingle sets with KeepShingles, passage data with Passages (which holds
// the fingerprints), fingerprint hashes alone when the fingerprint index is
// kept without passages.
func (d *Detector) resetDocs() {
	d.docs.init(d.opt.K, d.lshp.Bands, d.opt.KeepShingles, d.fpOn && !d.opt.Passages, d.opt.Passages)
}

// record returns the docRecord of entry i, sharing the table's slices.
func (t *docTable) record(i int) docRecord {
	e := t.entry(i)
	num := t.base + uint32(i)
	rec := docRecord{id: e.id, time: e.time, size: e.size, simhash: e.simhash, sig8: t.sig(num), keys: t.keys(num)}
	if t.sets.on() {
		rec.set = *t.sets.ref(i)
	}
	if t.fpKeys.on() {
		rec.fpKeys = *t.fpKeys.ref(i)
	}
	if t.pass.on() {
		rec.pass = *t.pass.ref(i)
	}
	return rec
}
