package index

import (
	"github.com/RoaringBitmap/roaring/v2"
)

// Postings maps uint64 keys (band hashes, passage fingerprints, ...) to sets
// of uint32 document numbers.
//
// Most keys of a large collection hold a single document, so documents are
// stored inline in a compact ordered open-addressing table of 12-byte slots
// (key and document; no heap object per key), kept between about 80% and
// 90% full once large. A key with up to 8 documents occupies that many
// adjacent slots; a key with 9 to 32 documents keeps them in a sorted slice,
// and a key with more in a *roaring.Bitmap. Removals move keys back down
// the same ladder, with hysteresis against flapping (a bitmap becomes a
// slice at 16 documents, a slice goes back inline at 4), and a key with no
// documents left is deleted; an emptied Postings frees its table. Every
// uint32, including math.MaxUint32, is a valid document number (a key
// holding math.MaxUint32 always uses the slice or bitmap form).
//
// Keys are arbitrary: they are scrambled by a bijective mixer before being
// placed in the table, so sequential or otherwise structured keys are fine.
//
// The zero value is an empty Postings ready to use. A Postings must not be
// copied after first use. It is not safe for concurrent use: calls that
// modify it (Add, Remove, Grow) need exclusive access, while the read-only
// methods (Cardinality, Contains, AppendDocs, Union, Len, MemoryBytes) may
// run concurrently with each other. It never retains or hands out the
// caller's slices and bitmaps, nor its own.
type Postings struct {
	s store[uint64]
}

// mix64 is the 64-bit finalizer of MurmurHash3: a bijection with mix64(0) = 0.
func mix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// Add adds doc to the set of key. Adding a document that is already there
// does nothing. Add allocates nothing while the key stays inline (up to 8
// documents) apart from occasional table growth (see Grow).
func (p *Postings) Add(key uint64, doc uint32) {
	p.s.add(mix64(key), doc)
}

// Remove deletes doc from the set of key and reports whether it was there.
// A key whose last document is removed disappears.
func (p *Postings) Remove(key uint64, doc uint32) bool {
	return p.s.remove(mix64(key), doc)
}

// Cardinality returns the number of documents of key (its document
// frequency), 0 if key is absent.
func (p *Postings) Cardinality(key uint64) uint64 {
	return p.s.card(mix64(key))
}

// Contains reports whether doc is in the set of key.
func (p *Postings) Contains(key uint64, doc uint32) bool {
	return p.s.contains(mix64(key), doc)
}

// AppendDocs appends the documents of key to dst in increasing order and
// returns the extended slice. It allocates only if dst lacks capacity.
func (p *Postings) AppendDocs(dst []uint32, key uint64) []uint32 {
	return p.s.appendDocs(dst, mix64(key))
}

// AppendDocsMaxDF is AppendDocs for a key with at most maxDF documents
// (when maxDF > 0): a key with more appends nothing. It reports whether the
// key was within the limit (an absent key is). One table lookup, however
// many documents.
func (p *Postings) AppendDocsMaxDF(dst []uint32, key uint64, maxDF uint64) ([]uint32, bool) {
	return p.s.appendDocsMaxDF(dst, mix64(key), maxDF)
}

// batch is the number of keys whose table slots the batch methods load
// ahead, so that the processor overlaps their cache misses, which dominate
// the cost in a large table.
const batch = 32

// keep makes the compiler perform the loads that computed its argument.
//
//go:noinline
func keep(uint64) {}

// AddMany adds doc to the sets of all keys. It is Add for each key, with
// the cache misses of a large table overlapped.
func (p *Postings) AddMany(keys []uint64, doc uint32) {
	var hs [batch]uint64
	for from := 0; from < len(keys); from += batch {
		n := min(batch, len(keys)-from)
		sink := uint64(0)
		for i := range n {
			hs[i] = mix64(keys[from+i])
			sink ^= p.s.peek(hs[i])
		}
		keep(sink)
		for i := range n {
			p.s.add(hs[i], doc)
		}
	}
}

// VisitDocsMaxDF calls fn(i, docs) for each key keys[i] with at least one
// and at most maxDF documents (any number when maxDF is 0), docs being its
// documents in increasing order; docs is scratch space reused between
// calls and returned grown. It is AppendDocsMaxDF for each key, with the
// cache misses of a large table overlapped.
func (p *Postings) VisitDocsMaxDF(keys []uint64, maxDF uint64, docs []uint32, fn func(i int, docs []uint32)) []uint32 {
	return p.visit(keys, maxDF, docs, fn, false, 0)
}

// VisitDocsMaxDFAdd is VisitDocsMaxDF followed by AddMany(keys, doc) in
// the same pass: each key's documents are visited before doc is added to
// them, while the key's slot is in cache, which saves the second round of
// cache misses of a large table. fn sees doc only under a key that occurs
// twice in keys, from its second occurrence on.
func (p *Postings) VisitDocsMaxDFAdd(keys []uint64, maxDF uint64, doc uint32, docs []uint32, fn func(i int, docs []uint32)) []uint32 {
	return p.visit(keys, maxDF, docs, fn, true, doc)
}

func (p *Postings) visit(keys []uint64, maxDF uint64, docs []uint32, fn func(i int, docs []uint32), add bool, doc uint32) []uint32 {
	var hs [batch]uint64
	for from := 0; from < len(keys); from += batch {
		n := min(batch, len(keys)-from)
		sink := uint64(0)
		for i := range n {
			hs[i] = mix64(keys[from+i])
			sink ^= p.s.peek(hs[i])
		}
		keep(sink)
		for i := range n {
			var ok bool
			if docs, ok = p.s.appendDocsMaxDF(docs[:0], hs[i], maxDF); ok && len(docs) > 0 {
				fn(from+i, docs)
			}
			if add {
				p.s.add(hs[i], doc)
			}
		}
	}
	return docs
}

// Union replaces the contents of dst with the union of the document sets of
// keys. When maxDF > 0, keys with more than maxDF documents (boilerplate,
// hot buckets) are skipped. Keys stored as bitmaps are combined with
// roaring.FastOr (or a single in-place Or); inline and small-set documents
// are sorted and added with AddMany. Absent keys and duplicate keys are
// harmless.
//
// Union allocates nothing when no key is found; otherwise it allocates what
// roaring needs for dst's containers, plus scratch space when the keys hold
// more than 256 inline documents or 16 bitmaps.
func (p *Postings) Union(dst *roaring.Bitmap, keys []uint64, maxDF uint64) {
	var sbuf [256]uint32
	var bbuf [16]*roaring.Bitmap
	singles, bigs := sbuf[:0], bbuf[:0]
	// As in LSH, load every key's home slot before looking any key up, so
	// that the cache misses overlap.
	var hs, firsts [aheadBands]uint64
	for len(keys) > 0 {
		n := min(len(keys), aheadBands)
		for i, k := range keys[:n] {
			hs[i] = mix64(k)
			firsts[i] = p.s.peek(hs[i])
		}
		for i, h := range hs[:n] {
			if firsts[i] == 0 && h != 0 {
				continue // empty home slot: absent key
			}
			singles, bigs = p.s.collect(h, maxDF, singles, bigs)
		}
		keys = keys[n:]
	}
	unionInto(dst, singles, bigs)
}

// Len returns the number of keys with at least one document.
func (p *Postings) Len() int {
	return p.s.length()
}

// Grow reserves room for n inline (key, document) pairs in total, present
// ones included, so that adding up to that many does not resize the table;
// a key with up to 8 documents uses one pair per document, a larger one a
// single pair. Reserving the final size up front also saves the
// intermediate rebuilds and packs the table to 90% full. It allocates
// about 13.3·n bytes; n is capped at 1<<28 and non-positive values do
// nothing.
func (p *Postings) Grow(n int) {
	p.s.reserve(n)
}

// MemoryBytes returns an estimate of the heap bytes held by p: the table
// exactly, the slices and bitmaps of multi-document keys approximately. It
// runs in time proportional to the number of multi-document keys.
func (p *Postings) MemoryBytes() int {
	return p.s.memoryBytes()
}
