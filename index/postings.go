package index

import (
	"math"
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/neardup/neardup/internal/mix"
)

// Postings maps uint64 keys (band hashes, passage fingerprints, ...) to sets
// of uint32 document numbers.
//
// Most keys of a large collection hold a single document, so documents are
// stored inline in a compact ordered open-addressing table of 16-byte slots
// (key, document and tag; no heap object per key), kept between about 1/2
// and 3/4 full once large. A key with up to 64 documents occupies that many
// adjacent slots; a key with more keeps them in a *roaring.Bitmap. Removals
// move keys back down, with hysteresis against flapping: a bitmap becomes a
// sorted slice at 16 documents, a slice goes back inline at 4, and a key
// with no documents left is deleted; an emptied Postings frees its table. Every
// uint32, including math.MaxUint32, is a valid document number (a key
// holding math.MaxUint32 always uses the slice or bitmap form).
//
// Keys are arbitrary: they are scrambled by a bijective mixer before being
// placed in the table, so sequential or otherwise structured keys are fine.
//
// Tags. Each inline (key, document) pair also holds a 32-bit tag chosen by
// the caller (AddTagged, AddManyTagged), which lookups return with the
// document (VisitTagged) at no further memory access: for example a summary
// of the key's context in the document, to discard chance matches without
// reading the document. Tag 0 means none: pairs added by Add and AddMany,
// pairs of keys holding more than 64 documents, and a pair added again with
// a different tag have tag 0, and keep it when their key moves back inline.
//
// The zero value is an empty Postings ready to use. A Postings must not be
// copied after first use. It is not safe for concurrent use: calls that
// modify it (Add, Remove, Grow) need exclusive access, while the read-only
// methods (Cardinality, Contains, AppendDocs, Union, Len, MemoryBytes) may
// run concurrently with each other. It never retains or hands out the
// caller's slices and bitmaps, nor its own.
type Postings struct {
	shards [shards]store[uint64]
}

// The keys of a Postings are spread over 256 tables by the top bits of
// their mixed value. Each table grows on its own, so that growing, a
// rebuild of the whole table under the caller's lock, costs 1/256 of the
// time at once, and the random variation of the tables' sizes spreads
// their growth over many additions (the tail of BenchmarkPassageBuild in
// package neardup shows it).
const (
	shardBits = 8
	shards    = 1 << shardBits
)

// route returns the table of key and the key as that table stores it:
// mixed, then rotated so that its high bits, which decide its home slot,
// are not the table number.
func (p *Postings) route(key uint64) (*store[uint64], uint64) {
	m := mix64(key)
	return &p.shards[m>>(64-shardBits)], bits.RotateLeft64(m, shardBits)
}

// mix64 is the 64-bit finalizer of MurmurHash3: a bijection with mix64(0) = 0.
func mix64(k uint64) uint64 { return mix.Murmur64(k) }

// Add adds doc to the set of key, with tag 0. Adding a document that is
// already there does nothing but set its tag to 0. Add allocates nothing
// while the key stays inline (up to 64 documents) apart from occasional
// table growth (see Grow).
func (p *Postings) Add(key uint64, doc uint32) {
	s, h := p.route(key)
	s.add(h, doc)
}

// AddTagged adds doc to the set of key with tag t (see Tags in the type's
// documentation). Adding a document that is already there with another tag
// sets its tag to 0.
func (p *Postings) AddTagged(key uint64, doc, t uint32) {
	s, h := p.route(key)
	s.addTag(h, doc, t)
}

// Tag returns the tag of doc under key: 0 when doc is absent or has none.
func (p *Postings) Tag(key uint64, doc uint32) uint32 {
	s, h := p.route(key)
	i, n, v := s.lookup(h)
	switch {
	case n == 0 || v == multiDoc:
		return 0
	case i < 0:
		if v == doc {
			return s.zeroTag
		}
		return 0
	}
	for q := i; q < i+n; q++ {
		if s.val(q) == doc {
			return s.tag(q)
		}
	}
	return 0
}

// Remove deletes doc from the set of key and reports whether it was there.
// A key whose last document is removed disappears.
func (p *Postings) Remove(key uint64, doc uint32) bool {
	s, h := p.route(key)
	return s.remove(h, doc)
}

// Cardinality returns the number of documents of key (its document
// frequency), 0 if key is absent.
func (p *Postings) Cardinality(key uint64) uint64 {
	s, h := p.route(key)
	return s.card(h)
}

// Contains reports whether doc is in the set of key.
func (p *Postings) Contains(key uint64, doc uint32) bool {
	s, h := p.route(key)
	return s.contains(h, doc)
}

// AppendDocs appends the documents of key to dst in increasing order and
// returns the extended slice. It allocates only if dst lacks capacity.
func (p *Postings) AppendDocs(dst []uint32, key uint64) []uint32 {
	s, h := p.route(key)
	return s.appendDocs(dst, h)
}

// AppendDocsMaxDF is AppendDocs for a key with at most maxDF documents
// (when maxDF > 0): a key with more appends nothing. It reports whether the
// key was within the limit (an absent key is). One table lookup, however
// many documents.
func (p *Postings) AppendDocsMaxDF(dst []uint32, key uint64, maxDF uint64) ([]uint32, bool) {
	s, h := p.route(key)
	return s.appendDocsMaxDF(dst, h, maxDF)
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
	p.AddManyTagged(keys, nil, doc)
}

// AddManyTagged adds doc to the sets of all keys, with tag tags[i] under
// keys[i]; tags is nil (no tags) or has the length of keys, otherwise
// AddManyTagged panics. It is AddTagged for each key, with the cache
// misses of a large table overlapped.
func (p *Postings) AddManyTagged(keys []uint64, tags []uint32, doc uint32) {
	p.visit(keys, tags, 0, nil, nil, doc, true)
}

// VisitDocsMaxDF calls fn(i, docs) for each key keys[i] with at least one
// and at most maxDF documents (any number when maxDF is 0), docs being its
// documents in increasing order; docs is scratch space reused between
// calls and returned grown. It is AppendDocsMaxDF for each key, with the
// cache misses of a large table overlapped.
func (p *Postings) VisitDocsMaxDF(keys []uint64, maxDF uint64, docs []uint32, fn func(i int, docs []uint32)) []uint32 {
	sc := Scratch{docs: docs}
	p.visit(keys, nil, maxDF, &sc, func(i int, docs, _ []uint32) { fn(i, docs) }, 0, false)
	return sc.docs
}

// Scratch is reusable space for the Visit methods of Postings. The zero
// value is ready to use; once grown, it saves their allocations. It is not
// safe for concurrent use.
type Scratch struct {
	docs, tags []uint32
}

// VisitTagged calls fn(i, docs, tags) for each key keys[i] with at least
// one and at most maxDF documents (any number when maxDF is 0), docs being
// its documents in increasing order and tags[j] the tag of docs[j]. docs
// and tags live in sc and are only valid during the call. It is
// VisitDocsMaxDF with tags.
func (p *Postings) VisitTagged(keys []uint64, maxDF uint64, sc *Scratch, fn func(i int, docs, tags []uint32)) {
	p.visit(keys, nil, maxDF, sc, fn, 0, false)
}

// VisitTaggedAdd is VisitTagged followed by AddManyTagged(keys, tags, doc)
// in the same pass: each key's documents are visited before doc is added
// to them, while the key's slot is in cache, which saves the second round
// of cache misses of a large table. tags is nil (no tags) or has the
// length of keys. fn sees doc only under a key that occurs twice in keys,
// from its second occurrence on.
func (p *Postings) VisitTaggedAdd(keys []uint64, tags []uint32, maxDF uint64, doc uint32, sc *Scratch, fn func(i int, docs, tags []uint32)) {
	p.visit(keys, tags, maxDF, sc, fn, doc, true)
}

// visit is the batched loop of the Visit and AddMany methods: for each key
// it calls fn with the key's documents and tags (when fn is not nil), then
// adds doc with tag addTags[i] (when add is set).
func (p *Postings) visit(keys []uint64, addTags []uint32, maxDF uint64, sc *Scratch, fn func(i int, docs, tags []uint32), doc uint32, add bool) {
	if addTags != nil && len(addTags) != len(keys) {
		panic("index: len(tags) != len(keys)")
	}
	var hs [batch]uint64
	var ss [batch]*store[uint64]
	var docs, tags []uint32
	if sc != nil {
		docs, tags = sc.docs, sc.tags
	}
	for from := 0; from < len(keys); from += batch {
		n := min(batch, len(keys)-from)
		sink := uint64(0)
		for i := range n {
			ss[i], hs[i] = p.route(keys[from+i])
			sink ^= ss[i].peek(hs[i])
		}
		keep(sink)
		for i := range n {
			if fn != nil {
				var ok bool
				if docs, tags, ok = ss[i].appendTaggedMaxDF(docs[:0], tags[:0], hs[i], maxDF, true); ok && len(docs) > 0 {
					fn(from+i, docs, tags)
				}
			}
			if add {
				t := uint32(0)
				if addTags != nil {
					t = addTags[from+i]
				}
				ss[i].addTag(hs[i], doc, t)
			}
		}
	}
	if sc != nil {
		sc.docs, sc.tags = docs, tags
	}
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
	var ss [aheadBands]*store[uint64]
	for len(keys) > 0 {
		n := min(len(keys), aheadBands)
		for i, k := range keys[:n] {
			ss[i], hs[i] = p.route(k)
			firsts[i] = ss[i].peek(hs[i])
		}
		for i, h := range hs[:n] {
			if firsts[i] == 0 && h != 0 {
				continue // empty home slot: absent key
			}
			singles, bigs = ss[i].collect(h, maxDF, singles, bigs)
		}
		keys = keys[n:]
	}
	unionInto(dst, singles, bigs)
}

// Len returns the number of keys with at least one document.
func (p *Postings) Len() int {
	n := 0
	for i := range p.shards {
		n += p.shards[i].length()
	}
	return n
}

// Grow reserves room for n inline (key, document) pairs in total, present
// ones included, so that adding up to that many pairs of evenly spread
// keys (any hashed keys) does not resize the tables; a key with up to 64
// documents uses one pair per document, a larger one a single pair. Each
// of the 256 tables reserves its share plus a margin of five standard
// deviations of its random share. Reserving the final size up front also
// saves the intermediate rebuilds and packs the tables to 3/4 full. It
// allocates about 21.3·n bytes (16-byte slots); n is capped at 1<<28 and
// non-positive values do nothing.
func (p *Postings) Grow(n int) {
	if n <= 0 {
		return
	}
	n = min(n, maxReserve)
	share := n / shards
	share += 5*int(math.Sqrt(float64(share))) + 16
	for i := range p.shards {
		p.shards[i].reserve(share)
	}
}

// MemoryBytes returns an estimate of the heap bytes held by p: the table
// exactly, the slices and bitmaps of multi-document keys approximately. It
// runs in time proportional to the number of multi-document keys.
func (p *Postings) MemoryBytes() int {
	n := 0
	for i := range p.shards {
		n += p.shards[i].memoryBytes()
	}
	return n
}
