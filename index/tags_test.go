package index

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// tagModel is the reference behaviour of tags: a pair keeps the tag it was
// added with, gets 0 when added again with another tag, and loses its tag
// for good when its key's documents move to an overflow set.
type tagModel struct {
	docs     map[uint64]map[uint32]uint32
	overflow map[uint64]bool // the key is in the overflow form
}

func (m *tagModel) add(k uint64, doc, tag uint32) {
	set := m.docs[k]
	if set == nil {
		set = map[uint32]uint32{}
		m.docs[k] = set
	}
	old, ok := set[doc]
	switch {
	case ok && old != tag:
		set[doc] = 0
	case !ok:
		set[doc] = tag
	}
	limit := wideRunMax
	if k == 0 {
		limit = 1 // key 0 keeps one inline document
	}
	if m.overflow[k] || len(set) > limit || doc == math.MaxUint32 {
		m.overflow[k] = true
		if !ok {
			set[doc] = 0
		}
		if len(set) > limit || doc == math.MaxUint32 {
			for d := range set {
				set[d] = 0
			}
		}
	}
}

func (m *tagModel) remove(k uint64, doc uint32) {
	set := m.docs[k]
	delete(set, doc)
	back := runBack
	if k == 0 {
		back = 1
	}
	if _, hasMax := set[math.MaxUint32]; len(set) <= back && !hasMax {
		m.overflow[k] = false
	}
	if len(set) == 0 {
		delete(m.docs, k)
	}
}

// TestTags checks the tags of a Postings against tagModel through random
// additions and removals, with table growth, shrinking, overflow sets and
// key 0.
func TestTags(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	var p Postings
	m := tagModel{docs: map[uint64]map[uint32]uint32{}, overflow: map[uint64]bool{}}
	span := uint32(30)
	docOf := func() uint32 {
		if r.IntN(200) == 0 {
			return math.MaxUint32
		}
		return r.Uint32N(span)
	}
	sawBig, sawSmall := false, false
	for step := range 60000 {
		k := uint64(r.IntN(400))
		if step > 30000 {
			// Fewer keys, more documents: sets grow past the longest run
			// into bitmaps and back.
			k, span = uint64(r.IntN(20)), 90
		}
		doc := docOf()
		switch r.IntN(3) {
		case 0, 1:
			tag := r.Uint32N(4)
			p.AddTagged(k, doc, tag)
			m.add(k, doc, tag)
		case 2:
			if p.Remove(k, doc) != (m.docs[k] != nil && hasDoc(m.docs[k], doc)) {
				t.Fatalf("step %d: Remove(%d, %d) disagrees", step, k, doc)
			}
			m.remove(k, doc)
		}
		if step%997 == 0 {
			checkPostings(t, &p)
			checkTags(t, &p, &m)
			for i := range p.shards {
				sawBig = sawBig || len(p.shards[i].big) > 0
				sawSmall = sawSmall || len(p.shards[i].small) > 0
			}
		}
	}
	if !sawBig || !sawSmall {
		t.Fatalf("bitmaps seen %v, small sets seen %v: the test misses a form", sawBig, sawSmall)
	}
	checkPostings(t, &p)
	checkTags(t, &p, &m)
}

func hasDoc(set map[uint32]uint32, d uint32) bool { _, ok := set[d]; return ok }

func checkTags(t *testing.T, p *Postings, m *tagModel) {
	t.Helper()
	var sc Scratch
	keys := make([]uint64, 0, 400)
	for k := range uint64(400) {
		keys = append(keys, k)
	}
	visited := 0
	p.VisitTagged(keys, 0, &sc, func(i int, docs, tags []uint32) {
		visited++
		set := m.docs[keys[i]]
		if len(docs) != len(set) || len(tags) != len(docs) {
			t.Fatalf("key %d: %d docs, %d tags, model %d docs", keys[i], len(docs), len(tags), len(set))
		}
		if !slices.IsSorted(docs) {
			t.Fatalf("key %d: docs out of order", keys[i])
		}
		for j, d := range docs {
			want, ok := set[d]
			if !ok || tags[j] != want || p.Tag(keys[i], d) != want {
				t.Fatalf("key %d doc %d: tag %d (Tag %d), model %d (present %v)", keys[i], d, tags[j], p.Tag(keys[i], d), want, ok)
			}
		}
	})
	if visited != len(m.docs) {
		t.Fatalf("%d keys visited, model has %d", visited, len(m.docs))
	}
	if p.Tag(1000, 1) != 0 {
		t.Fatal("tag of an absent key")
	}
}

// TestTagsSurviveGrowth checks that tags move with their slots when the
// table is rebuilt and when insertions shift them.
func TestTagsSurviveGrowth(t *testing.T) {
	var p Postings
	const n = 50000
	for i := range uint64(n) {
		p.AddTagged(i*0x9e3779b97f4a7c15, uint32(i), uint32(i)^0xabcdef)
	}
	p.Grow(4 * n)
	for i := range uint64(n) {
		if got := p.Tag(i*0x9e3779b97f4a7c15, uint32(i)); got != uint32(i)^0xabcdef {
			t.Fatalf("key %d: tag %#x", i, got)
		}
	}
	checkPostings(t, &p)
}

// TestTagsPanicOnLength checks the length checks of the tagged batch
// methods.
func TestTagsPanicOnLength(t *testing.T) {
	var p Postings
	for _, f := range []func(){
		func() { p.AddManyTagged([]uint64{1, 2}, []uint32{1}, 0) },
		func() {
			p.VisitTaggedAdd([]uint64{1, 2}, []uint32{1}, 0, 0, &Scratch{}, func(int, []uint32, []uint32) {})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		}()
	}
}
