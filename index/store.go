package index

import (
	"math"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// word is the key type of a store: a 32- or 64-bit hashed key.
type word interface{ ~uint32 | ~uint64 }

const (
	// multiDoc as a slot value means that the key's documents live in one of
	// the overflow maps (small or big). Because of that, a document numbered
	// math.MaxUint32 never appears in a run: a key holding it always uses
	// the overflow form, so every uint32 is a valid document number.
	multiDoc = math.MaxUint32

	// runMax is the longest run: adding a document to a key with runMax
	// inline documents moves them to a small set.
	runMax = 8
	// wideRunMax is runMax for 64-bit keys: their documents have tags,
	// which only runs keep, so that runs keep the tags of every key a
	// lookup with a document-frequency limit up to wideRunMax visits
	// (fingerprint postings skip keys in more than 40 documents by
	// default). A full run of wideRunMax becomes a bitmap directly.
	wideRunMax = 64
	// runBack is the size at which a small set, after a removal, goes back
	// to a run (hysteresis against flapping).
	runBack = 4
	// smallMax is the largest small set: adding a document to a small set of
	// smallMax documents turns it into a roaring bitmap.
	smallMax = 32
	// bigMin is the cardinality at which a roaring bitmap, after a removal,
	// is turned back into a small set.
	bigMin = 16

	// minHomes is the smallest number of home slots of a non-empty table.
	minHomes = 8

	// Load bounds: grow when more than maxLoadNum/maxLoadDen of the home
	// slots would be used, by a factor 2 up to bigTable home slots and
	// 1 + 1/8 beyond (rehashing is a cheap sequential pass); shrink when
	// fewer than 1/shrinkDen are used.
	maxLoadNum = 9
	maxLoadDen = 10
	// The load bounds and growth of tables with 64-bit keys (see fits).
	wideLoadNum = 3
	wideLoadDen = 4
	wideGrowDen = 2
	bigTable    = 4096
	growDen     = 8
	shrinkDen   = 4

	// bitmapOverhead approximates the heap bytes of a roaring.Bitmap with one
	// container beyond what GetSizeInBytes reports (struct, slice headers,
	// container interface and allocator rounding).
	bitmapOverhead = 160
	// mapOverheadNum approximates the per-entry cost of a Go map as
	// slot size · mapOverheadNum / 8 (control bytes, load factor, groups).
	mapOverheadNum = 12
)

// store maps hashed keys to sets of uint32 documents.
//
// Table layout. The table is a flat array of slots of W = 2 (32-bit keys)
// or 4 (64-bit keys) uint32 words: the key, high word first, then a value,
// then (64-bit keys only) the tag of the (key, value) pair. Keeping key,
// value and tag together costs one cache miss per lookup, and 16-byte slots
// never straddle two cache lines. A key h (never 0; key 0 is kept in
// zeroSet/zeroVal) has the home slot
// ⌊h·homes / 2^w⌋ (w the key width), which is monotone in h. Keys are stored
// by linear probing with the invariant of ordered hash tables (Amble &
// Knuth 1974): every key sits at or after its home slot, all slots from its
// home to it are occupied, and the occupied slots read left to right are in
// non-decreasing key order. A lookup scans from the home slot and stops at
// the first empty slot or larger key; insertion shifts the slots up to the
// next empty one right by one; deletion shifts the following displaced
// slots left by one (backward-shift deletion). There is no wrap-around: a
// tail of extra slots after the last home absorbs the runs that spill past
// it and is extended if it ever fills up. Because the whole table is
// sorted, growing or shrinking it is a single merge-like pass.
//
// Sets. A key with 1 to runMax (wideRunMax for 64-bit keys) documents
// other than math.MaxUint32 occupies that many consecutive slots, one
// document each, in increasing document order (a run): no heap object at
// all. Otherwise the key occupies one slot whose value is multiDoc and its
// documents are in small (a sorted slice, up to smallMax documents) or big
// (a roaring bitmap). Only run documents (and the inline document of key
// 0) have a tag; documents in overflow sets have tag 0. Key 0 has a single
// inline document in zeroVal (tag zeroTag) or the overflow form. Empty
// slots and the tags of overflow markers are all zero.
type store[K word] struct {
	slots []uint32 // W words per slot
	homes int      // number of home slots; 0 when slots is nil
	used  int      // occupied slots

	zeroSet bool   // key 0 is present
	zeroVal uint32 // its slot value
	zeroTag uint32 // the tag of zeroVal (64-bit keys)

	nkeys int // number of distinct keys, zero key included

	// cut lowers the load at which the table grows by cut/1000 of the
	// maximum (it is still valid up to the maximum). LSH gives each band
	// its own cut: every band receives one key per document, so with
	// equal thresholds all bands would be rebuilt by the same Add.
	cut int

	small map[K][]uint32
	big   map[K]*roaring.Bitmap
}

// wide reports whether K is 64 bits wide.
func wide[K word]() bool {
	var k K
	return unsafe.Sizeof(k) == 8
}

// words returns W, the number of uint32 words of a slot.
func words[K word]() int {
	if wide[K]() {
		return 4
	}
	return 2
}

// valIndex returns the index of the value word inside a slot.
func valIndex[K word]() int {
	if wide[K]() {
		return 2
	}
	return 1
}

// shiftOf returns 64 minus the width of K in bits.
func shiftOf[K word]() uint {
	if wide[K]() {
		return 0
	}
	return 32
}

// nslots returns the number of slots.
func (s *store[K]) nslots() int {
	return len(s.slots) / words[K]()
}

// key returns the key of slot p (0 if empty).
func (s *store[K]) key(p int) K {
	if wide[K]() {
		w := s.slots[4*p : 4*p+2 : 4*p+2]
		return K(uint64(w[0])<<32 | uint64(w[1]))
	}
	return K(s.slots[2*p])
}

// val returns the value of slot p.
func (s *store[K]) val(p int) uint32 {
	return s.slots[words[K]()*p+valIndex[K]()]
}

// setVal sets the value of slot p.
func (s *store[K]) setVal(p int, v uint32) {
	s.slots[words[K]()*p+valIndex[K]()] = v
}

// tag returns the tag of slot p: 0 for 32-bit keys.
func (s *store[K]) tag(p int) uint32 {
	if wide[K]() {
		return s.slots[4*p+3]
	}
	return 0
}

// setTag sets the tag of slot p; 32-bit keys have none.
func (s *store[K]) setTag(p int, t uint32) {
	if wide[K]() {
		s.slots[4*p+3] = t
	}
}

// putSlot stores key h, value v and tag t (64-bit keys only) in slot p of
// slots.
func putSlot[K word](slots []uint32, p int, h K, v, t uint32) {
	if wide[K]() {
		w := slots[4*p : 4*p+4 : 4*p+4]
		w[0], w[1], w[2], w[3] = uint32(uint64(h)>>32), uint32(h), v, t
		return
	}
	w := slots[2*p : 2*p+2 : 2*p+2]
	w[0], w[1] = uint32(h), v
}

// home returns the home slot of h.
func (s *store[K]) home(h K) int {
	hi, _ := bits.Mul64(uint64(h)<<shiftOf[K](), uint64(s.homes))
	return int(hi)
}

// tailFor returns the number of slots after the last home slot of a table
// with the given number of home slots.
func tailFor(homes int) int {
	return 16 + homes/1024
}

// find returns the first slot holding h (h != 0) and true, or the slot where
// h belongs and false. The slot may equal s.nslots().
func (s *store[K]) find(h K) (int, bool) {
	if s.homes == 0 {
		return 0, false
	}
	n := s.nslots()
	for i := s.home(h); i < n; i++ {
		k := s.key(i)
		if k == 0 {
			return i, false
		}
		if k >= h {
			return i, k == h
		}
	}
	return n, false
}

// peek returns the key in the home slot of h, 0 if that slot is empty.
func (s *store[K]) peek(h K) K {
	if s.homes == 0 {
		return 0
	}
	return s.key(s.home(h))
}

// runEnd returns the slot after the run of h starting at slot i.
func (s *store[K]) runEnd(i int, h K) int {
	n := s.nslots()
	for i < n && s.key(i) == h {
		i++
	}
	return i
}

// extend appends tail slots to the table.
func (s *store[K]) extend() {
	slots := make([]uint32, len(s.slots)+tailFor(s.homes)*words[K]())
	copy(slots, s.slots)
	s.slots = slots
}

// insertAt stores h with value v and tag t at slot i, shifting the slots
// from i up to the next empty one right by one. The caller guarantees that
// the order invariant holds.
func (s *store[K]) insertAt(i int, h K, v, t uint32) {
	n := s.nslots()
	j := i
	for j < n && s.key(j) != 0 {
		j++
	}
	if j == n {
		s.extend()
	}
	w := words[K]()
	copy(s.slots[(i+1)*w:(j+1)*w], s.slots[i*w:j*w])
	putSlot(s.slots, i, h, v, t)
	s.used++
}

// deleteAt empties slot i and shifts the following displaced slots left.
func (s *store[K]) deleteAt(i int) {
	n := s.nslots()
	j := i + 1
	for j < n {
		k := s.key(j)
		if k == 0 || s.home(k) >= j {
			break
		}
		j++
	}
	w := words[K]()
	copy(s.slots[i*w:(j-1)*w], s.slots[(i+1)*w:j*w])
	clear(s.slots[(j-1)*w : j*w])
	s.used--
}

// shrink releases or shrinks an underused table.
func (s *store[K]) shrink() {
	switch {
	case s.used == 0 && s.homes > 0:
		s.slots, s.homes = nil, 0
	case s.homes > minHomes && s.used < s.homes/shrinkDen:
		s.rehash(max(minHomes, 2*s.used))
	}
}

// rehash rebuilds the table with the given number of home slots. The table
// is sorted, so each slot goes to max(its new home, previous slot + 1).
func (s *store[K]) rehash(homes int) {
	old := *s
	w := words[K]()
	s.homes = homes
	s.slots = make([]uint32, (homes+tailFor(homes))*w)
	next := 0
	for i := range old.nslots() {
		h := old.key(i)
		if h == 0 {
			continue
		}
		p := max(s.home(h), next)
		if p >= s.nslots() {
			s.extend()
		}
		putSlot(s.slots, p, h, old.val(i), old.tag(i))
		next = p + 1
	}
}

// fits reports whether n slots fit under the maximum load of homes.
func fits(n, homes int) bool {
	return n*maxLoadDen <= homes*maxLoadNum
}

// fits reports whether n occupied slots fit under s's maximum load: that
// of fits for 32-bit keys (LSH band tables, where memory per document
// matters most), wideLoadNum/wideLoadDen for 64-bit keys (fingerprint
// postings, whose tables take many more insertions per document: an
// insertion shifts the slots up to the next empty one, about
// 1/(2(1-α)²) slots at load α, 50 at 0.9 and 8 at 0.75).
func (s *store[K]) fits(n, homes int) bool {
	if wide[K]() {
		return n*wideLoadDen <= homes*wideLoadNum
	}
	return fits(n, homes)
}

// homesFor returns the number of home slots that holds n occupied slots
// under s's maximum load, lowered by cut (see growFor).
func (s *store[K]) homesFor(n int) int {
	if wide[K]() {
		return (n*wideLoadDen + wideLoadNum - 1) / wideLoadNum
	}
	num := maxLoadNum * (1000 - s.cut)
	return (n*maxLoadDen*1000 + num - 1) / num
}

// maxReserve caps the argument of reserve.
const maxReserve = 1 << 28

// reserve makes room for n occupied slots in total without further growth.
func (s *store[K]) reserve(n int) {
	if n <= 0 {
		return
	}
	n = min(n, maxReserve)
	homes := max(minHomes, s.homesFor(n))
	if homes > s.homes {
		s.rehash(homes)
	}
}

// growFor makes sure one more slot fits under the maximum load, lowered
// by cut.
func (s *store[K]) growFor() {
	if s.fits(1000*(s.used+1), s.homes*(1000-s.cut)) {
		return
	}
	homes := s.homes * 2
	if s.homes >= bigTable {
		homes = s.homes + s.homes/growDen
		if wide[K]() {
			homes = s.homes + s.homes/wideGrowDen
		}
	}
	s.rehash(max(minHomes, homes))
}

// insertDoc inserts (h, v) with tag t in sorted position, growing the
// table if needed.
func (s *store[K]) insertDoc(h K, v, t uint32) {
	s.growFor()
	i, _ := s.find(h)
	n := s.nslots()
	for i < n && s.key(i) == h && s.val(i) < v {
		i++
	}
	s.insertAt(i, h, v, t)
}

// length returns the number of keys.
func (s *store[K]) length() int {
	return s.nkeys
}

// add inserts doc into the set of h and reports whether it was absent.
func (s *store[K]) add(h K, doc uint32) bool {
	return s.addTag(h, doc, 0)
}

// addTag inserts doc with tag t into the set of h and reports whether it
// was absent. Adding a present document again with another tag sets its
// tag to 0; documents in overflow sets have no tag.
func (s *store[K]) addTag(h K, doc, t uint32) bool {
	if !wide[K]() {
		t = 0
	}
	if h == 0 {
		if !s.zeroSet {
			s.zeroSet = true
			s.nkeys++
			if doc == multiDoc {
				s.setSmall(0, []uint32{multiDoc})
				t = 0
			}
			s.zeroVal, s.zeroTag = doc, t
			return true
		}
		if s.zeroVal != multiDoc {
			if s.zeroVal == doc {
				if s.zeroTag != t {
					s.zeroTag = 0
				}
				return false
			}
			s.setSmall(0, []uint32{min(s.zeroVal, doc), max(s.zeroVal, doc)})
			s.zeroVal, s.zeroTag = multiDoc, 0
			return true
		}
		return s.addOverflow(0, doc)
	}
	i, found := s.find(h)
	if !found {
		s.nkeys++
		if doc == multiDoc {
			s.setSmall(h, []uint32{multiDoc})
			t = 0
		}
		s.insertDoc(h, doc, t)
		return true
	}
	if s.val(i) == multiDoc {
		return s.addOverflow(h, doc)
	}
	e := s.runEnd(i, h)
	for p := i; p < e; p++ {
		if s.val(p) == doc {
			if s.tag(p) != t {
				s.setTag(p, 0)
			}
			return false
		}
	}
	if doc != multiDoc && e-i < runMaxOf[K]() {
		s.insertDoc(h, doc, t)
		return true
	}
	// The run becomes a small set, or a bitmap if too large for one.
	docs := make([]uint32, 0, e-i+1)
	for p := i; p < e; p++ {
		docs = append(docs, s.val(p))
	}
	docs = append(docs, doc) // doc is multiDoc or the run is full
	slices.Sort(docs)
	for p := e - 1; p > i; p-- {
		s.deleteAt(p)
	}
	s.setVal(i, multiDoc)
	s.setTag(i, 0)
	if len(docs) <= smallMax {
		s.setSmall(h, docs)
		return true
	}
	if s.big == nil {
		s.big = make(map[K]*roaring.Bitmap)
	}
	s.big[h] = roaring.BitmapOf(docs...)
	return true
}

// runMaxOf returns the longest run of a store with keys K.
func runMaxOf[K word]() int {
	if wide[K]() {
		return wideRunMax
	}
	return runMax
}

// setSmall stores the small set of h.
func (s *store[K]) setSmall(h K, set []uint32) {
	if s.small == nil {
		s.small = make(map[K][]uint32)
	}
	s.small[h] = set
}

// addOverflow adds doc to the overflow set of h.
func (s *store[K]) addOverflow(h K, doc uint32) bool {
	set, ok := s.small[h]
	if !ok {
		return s.big[h].CheckedAdd(doc)
	}
	i, found := slices.BinarySearch(set, doc)
	if found {
		return false
	}
	if len(set) < smallMax {
		s.small[h] = slices.Insert(set, i, doc)
		return true
	}
	bm := roaring.New()
	bm.AddMany(set)
	bm.Add(doc)
	delete(s.small, h)
	if s.big == nil {
		s.big = make(map[K]*roaring.Bitmap)
	}
	s.big[h] = bm
	return true
}

// remove deletes doc from the set of h and reports whether it was present.
func (s *store[K]) remove(h K, doc uint32) bool {
	if h == 0 {
		switch {
		case !s.zeroSet:
			return false
		case s.zeroVal != multiDoc:
			if s.zeroVal != doc {
				return false
			}
			s.zeroSet, s.zeroVal, s.zeroTag = false, 0, 0
			s.nkeys--
			return true
		}
		set, small, removed := s.removeOverflow(0, doc)
		switch {
		case !small:
		case len(set) == 0:
			s.zeroSet, s.zeroVal = false, 0
			s.nkeys--
		case len(set) == 1 && set[0] != multiDoc:
			s.zeroVal = set[0]
		default:
			s.small[0] = set
		}
		return removed
	}
	i, found := s.find(h)
	if !found {
		return false
	}
	defer s.shrink()
	if s.val(i) != multiDoc {
		e := s.runEnd(i, h)
		for p := i; p < e; p++ {
			if s.val(p) == doc {
				s.deleteAt(p)
				if e-i == 1 {
					s.nkeys--
				}
				return true
			}
		}
		return false
	}
	set, small, removed := s.removeOverflow(h, doc)
	switch {
	case !small:
	case len(set) == 0:
		s.deleteAt(i)
		s.nkeys--
	case len(set) <= runBack && set[len(set)-1] != multiDoc:
		// Back to a run, with no tags: the marker slot takes the first
		// document.
		s.setVal(i, set[0])
		for _, d := range set[1:] {
			s.insertDoc(h, d, 0)
		}
	default:
		s.small[h] = set
	}
	return removed
}

// removeOverflow removes doc from the overflow set of h and reports whether
// it was present. If doc was in a small set, that set is deleted from the
// map and returned with small = true, for the caller to store it back in
// the right form.
func (s *store[K]) removeOverflow(h K, doc uint32) (set []uint32, small, removed bool) {
	if set, ok := s.small[h]; ok {
		i, found := slices.BinarySearch(set, doc)
		if !found {
			return nil, false, false
		}
		set = slices.Delete(set, i, i+1)
		if cap(set) > 4 && len(set) <= cap(set)/4 {
			set = slices.Clone(set)
		}
		delete(s.small, h)
		return set, true, true
	}
	bm := s.big[h]
	if !bm.CheckedRemove(doc) {
		return nil, false, false
	}
	if bm.GetCardinality() <= bigMin {
		delete(s.big, h)
		s.setSmall(h, bm.ToArray())
	}
	return nil, false, true
}

// lookup returns the first slot value of h and the length of its run
// (0 if absent; 1 with value multiDoc for the overflow form), and the slot.
func (s *store[K]) lookup(h K) (i, n int, v uint32) {
	if h == 0 {
		if !s.zeroSet {
			return 0, 0, 0
		}
		return -1, 1, s.zeroVal
	}
	i, ok := s.find(h)
	if !ok {
		return i, 0, 0
	}
	return i, s.runEnd(i, h) - i, s.val(i)
}

// card returns the number of documents of h.
func (s *store[K]) card(h K) uint64 {
	_, n, v := s.lookup(h)
	if v != multiDoc {
		return uint64(n)
	}
	if set, ok := s.small[h]; ok {
		return uint64(len(set))
	}
	return s.big[h].GetCardinality()
}

// contains reports whether doc is in the set of h.
func (s *store[K]) contains(h K, doc uint32) bool {
	i, n, v := s.lookup(h)
	switch {
	case n == 0:
		return false
	case v != multiDoc:
		if i < 0 {
			return v == doc
		}
		for p := i; p < i+n; p++ {
			if s.val(p) == doc {
				return true
			}
		}
		return false
	}
	if set, ok := s.small[h]; ok {
		_, found := slices.BinarySearch(set, doc)
		return found
	}
	return s.big[h].Contains(doc)
}

// appendDocs appends the documents of h to dst in increasing order.
func (s *store[K]) appendDocs(dst []uint32, h K) []uint32 {
	i, n, v := s.lookup(h)
	switch {
	case n == 0:
		return dst
	case v != multiDoc:
		if i < 0 {
			return append(dst, v)
		}
		for p := i; p < i+n; p++ {
			dst = append(dst, s.val(p))
		}
		return dst
	}
	if set, ok := s.small[h]; ok {
		return append(dst, set...)
	}
	bm := s.big[h]
	c := int(bm.GetCardinality())
	dst = slices.Grow(dst, c)
	out := dst[len(dst) : len(dst)+c]
	bm.ToExistingArray(&out)
	return dst[:len(dst)+c]
}

// collect appends the documents of h to singles, or its bitmap to bigs,
// unless maxDF > 0 and h has more than maxDF documents.
func (s *store[K]) collect(h K, maxDF uint64, singles []uint32, bigs []*roaring.Bitmap) ([]uint32, []*roaring.Bitmap) {
	i, n, v := s.lookup(h)
	switch {
	case n == 0:
		return singles, bigs
	case v != multiDoc:
		if maxDF > 0 && uint64(n) > maxDF {
			return singles, bigs
		}
		if i < 0 {
			return append(singles, v), bigs
		}
		for p := i; p < i+n; p++ {
			singles = append(singles, s.val(p))
		}
		return singles, bigs
	}
	if set, ok := s.small[h]; ok {
		if maxDF > 0 && uint64(len(set)) > maxDF {
			return singles, bigs
		}
		return append(singles, set...), bigs
	}
	bm := s.big[h]
	if maxDF > 0 && bm.GetCardinality() > maxDF {
		return singles, bigs
	}
	return singles, append(bigs, bm)
}

// unionInto replaces the contents of dst with the union of singles (in any
// order, sorted in place) and the bitmaps.
func unionInto(dst *roaring.Bitmap, singles []uint32, bigs []*roaring.Bitmap) {
	dst.Clear()
	switch len(bigs) {
	case 0:
	case 1:
		dst.Or(bigs[0])
	default:
		// FastOr builds a fresh bitmap with lazy unions; take it over
		// instead of copying its containers once more.
		*dst = *roaring.FastOr(bigs...)
	}
	if len(singles) > 0 {
		slices.Sort(singles)
		dst.AddMany(singles)
	}
}

// memoryBytes estimates the heap bytes held by the store.
func (s *store[K]) memoryBytes() int {
	var k K
	ks := int(unsafe.Sizeof(k))
	n := cap(s.slots) * 4
	slot := (ks + 7) &^ 7
	n += len(s.small) * (slot + 24) * mapOverheadNum / 8
	for _, set := range s.small {
		n += cap(set) * 4
	}
	n += len(s.big) * (slot + 8) * mapOverheadNum / 8
	for _, bm := range s.big {
		n += int(bm.GetSizeInBytes()) + bitmapOverhead
	}
	return n
}

// sizeofStore is the size of one band's store header inside an LSH.
const sizeofStore = unsafe.Sizeof(store[uint32]{})

// appendDocsMaxDF appends the documents of h to dst unless maxDF > 0 and h
// has more than maxDF documents, with one lookup; it reports whether h had
// at most maxDF documents (true for an absent h).
func (s *store[K]) appendDocsMaxDF(dst []uint32, h K, maxDF uint64) ([]uint32, bool) {
	dst, _, ok := s.appendTaggedMaxDF(dst, nil, h, maxDF, false)
	return dst, ok
}

// appendTaggedMaxDF is appendDocsMaxDF that also appends, when withTags is
// set, the tag of each document appended to tags.
func (s *store[K]) appendTaggedMaxDF(dst, tags []uint32, h K, maxDF uint64, withTags bool) ([]uint32, []uint32, bool) {
	i, n, v := s.lookup(h)
	switch {
	case n == 0:
		return dst, tags, true
	case v != multiDoc:
		if maxDF > 0 && uint64(n) > maxDF {
			return dst, tags, false
		}
		if i < 0 {
			if withTags {
				tags = append(tags, s.zeroTag)
			}
			return append(dst, v), tags, true
		}
		for p := i; p < i+n; p++ {
			dst = append(dst, s.val(p))
			if withTags {
				tags = append(tags, s.tag(p))
			}
		}
		return dst, tags, true
	}
	from := len(dst)
	if set, ok := s.small[h]; ok {
		if maxDF > 0 && uint64(len(set)) > maxDF {
			return dst, tags, false
		}
		dst = append(dst, set...)
	} else {
		bm := s.big[h]
		c := bm.GetCardinality()
		if maxDF > 0 && c > maxDF {
			return dst, tags, false
		}
		dst = slices.Grow(dst, int(c))
		out := dst[len(dst) : len(dst)+int(c)]
		bm.ToExistingArray(&out)
		dst = dst[:len(dst)+int(c)]
	}
	if withTags {
		for range dst[from:] {
			tags = append(tags, 0)
		}
	}
	return dst, tags, true
}

// docRange returns the smallest and largest document of s and its number
// of postings, ok false when s is empty.
func (s *store[K]) docRange() (lo, hi uint32, n uint64, ok bool) {
	lo = math.MaxUint32
	see := func(a, b uint32, c uint64) {
		lo, hi, n, ok = min(lo, a), max(hi, b), n+c, true
	}
	if s.zeroSet && s.zeroVal != multiDoc {
		see(s.zeroVal, s.zeroVal, 1)
	}
	for i := range s.nslots() {
		if s.key(i) == 0 {
			continue
		}
		if v := s.val(i); v != multiDoc {
			see(v, v, 1)
		}
	}
	for _, set := range s.small {
		see(set[0], set[len(set)-1], uint64(len(set)))
	}
	for _, bm := range s.big {
		see(bm.Minimum(), bm.Maximum(), bm.GetCardinality())
	}
	if !ok {
		lo = 0
	}
	return lo, hi, n, ok
}
