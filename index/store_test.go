package index

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// checkPostings verifies every structural invariant of p's tables, and
// that each key sits in its table.
func checkPostings(t testing.TB, p *Postings) {
	t.Helper()
	for i := range p.shards {
		s := &p.shards[i]
		checkStore(t, s)
		for j := range s.nslots() {
			if k := s.key(j); k != 0 && int(k&(shards-1)) != i {
				t.Fatalf("key %#x in table %d", k, i)
			}
		}
	}
}

// checkStore verifies every structural invariant of s.
func checkStore[K word](t testing.TB, s *store[K]) {
	t.Helper()
	if len(s.slots)%words[K]() != 0 {
		t.Fatalf("%d words, not a multiple of %d", len(s.slots), words[K]())
	}
	if (s.homes == 0) != (s.slots == nil) {
		t.Fatalf("homes = %d with %d slots", s.homes, s.nslots())
	}
	if s.homes != 0 && s.nslots() < s.homes {
		t.Fatalf("homes = %d but only %d slots", s.homes, s.nslots())
	}
	if !s.fits(s.used, s.homes) {
		t.Fatalf("load %d/%d above the maximum", s.used, s.homes)
	}
	used, multis, nkeys := 0, 0, 0
	var prev K
	for i := 0; i < s.nslots(); i++ {
		k := s.key(i)
		if k == 0 {
			if s.val(i) != 0 || s.tag(i) != 0 {
				t.Fatalf("empty slot %d has value %d, tag %d", i, s.val(i), s.tag(i))
			}
			continue
		}
		if k <= prev {
			t.Fatalf("slot %d: key %#x not above previous key %#x", i, k, prev)
		}
		prev = k
		e := s.runEnd(i, k)
		for p := i; p < e; p++ {
			h := s.home(k)
			if h > p {
				t.Fatalf("slot %d: key %#x before its home %d", p, k, h)
			}
			for j := h; j < p; j++ {
				if s.key(j) == 0 {
					t.Fatalf("slot %d: key %#x with home %d has a hole at %d", p, k, h, j)
				}
			}
		}
		used += e - i
		nkeys++
		var run []uint32
		for p := i; p < e; p++ {
			run = append(run, s.val(p))
		}
		if slices.Contains(run, multiDoc) {
			if len(run) != 1 || s.tag(i) != 0 {
				t.Fatalf("key %#x: overflow marker in a run %v", k, run)
			}
		} else if len(run) > runMaxOf[K]() || !slices.IsSorted(run) || len(slices.Compact(slices.Clone(run))) != len(run) {
			t.Fatalf("key %#x: bad run %v", k, run)
		}
		multis += checkVal(t, s, k, run[0])
		i = e - 1
	}
	if used != s.used {
		t.Fatalf("used = %d, counted %d", s.used, used)
	}
	if s.zeroSet {
		nkeys++
		multis += checkVal(t, s, 0, s.zeroVal)
	} else if s.zeroVal != 0 {
		t.Fatalf("absent zero key has value %d", s.zeroVal)
	}
	if nkeys != s.nkeys {
		t.Fatalf("nkeys = %d, counted %d", s.nkeys, nkeys)
	}
	if multis != len(s.small)+len(s.big) {
		t.Fatalf("%d multi slots but %d small and %d big sets", multis, len(s.small), len(s.big))
	}
}

// checkVal verifies the overflow representation of key k whose first slot
// value is v, and returns 1 if it uses the overflow form.
func checkVal[K word](t testing.TB, s *store[K], k K, v uint32) int {
	t.Helper()
	set, isSmall := s.small[k]
	bm, isBig := s.big[k]
	if v != multiDoc {
		if isSmall || isBig {
			t.Fatalf("key %#x: inline doc %d but also an overflow set", k, v)
		}
		return 0
	}
	switch {
	case isSmall == isBig:
		t.Fatalf("key %#x: small %v, big %v", k, isSmall, isBig)
	case isSmall:
		if len(set) == 0 || len(set) > smallMax || !slices.IsSorted(set) || len(slices.Compact(slices.Clone(set))) != len(set) {
			t.Fatalf("key %#x: bad small set %v", k, set)
		}
		hasMax := set[len(set)-1] == multiDoc
		if k != 0 && len(set) <= runBack && !hasMax {
			t.Fatalf("key %#x: small set %v should be a run", k, set)
		}
		if k == 0 && len(set) == 1 && !hasMax {
			t.Fatalf("zero key: small set %v should be inline", set)
		}
	case isBig:
		if bm.GetCardinality() <= bigMin {
			t.Fatalf("key %#x: bitmap of %d docs not demoted", k, bm.GetCardinality())
		}
	}
	return 1
}

// model is the obviously-correct reference for Postings.
type model map[uint64]map[uint32]bool

func (m model) add(k uint64, d uint32) {
	if m[k] == nil {
		m[k] = map[uint32]bool{}
	}
	m[k][d] = true
}

func (m model) remove(k uint64, d uint32) bool {
	if !m[k][d] {
		return false
	}
	delete(m[k], d)
	if len(m[k]) == 0 {
		delete(m, k)
	}
	return true
}

func (m model) docs(k uint64) []uint32 {
	var out []uint32
	for d := range m[k] {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// compare checks every read method of p against m, probing the keys of m
// and the extra keys.
func compare(t testing.TB, p *Postings, m model, extra []uint64) {
	t.Helper()
	checkPostings(t, p)
	if p.Len() != len(m) {
		t.Fatalf("Len = %d, want %d", p.Len(), len(m))
	}
	var buf []uint32
	probe := func(k uint64) {
		want := m.docs(k)
		if c := p.Cardinality(k); c != uint64(len(want)) {
			t.Fatalf("Cardinality(%#x) = %d, want %d", k, c, len(want))
		}
		buf = p.AppendDocs(buf[:0], k)
		if !slices.Equal(buf, want) && len(want)+len(buf) > 0 {
			t.Fatalf("AppendDocs(%#x) = %v, want %v", k, buf, want)
		}
		for _, maxDF := range []uint64{0, 1, 3, 40} {
			got, ok := p.AppendDocsMaxDF(buf[:0], k, maxDF)
			within := maxDF == 0 || uint64(len(want)) <= maxDF
			if ok != within || (within && !slices.Equal(got, want) && len(want)+len(got) > 0) || (!within && len(got) != 0) {
				t.Fatalf("AppendDocsMaxDF(%#x, %d) = %v, %v; want %v, %v", k, maxDF, got, ok, want, within)
			}
		}
		for _, d := range want {
			if !p.Contains(k, d) {
				t.Fatalf("Contains(%#x, %d) = false", k, d)
			}
		}
		for _, d := range []uint32{0, 1, 7, math.MaxUint32, 1 << 16, 1<<16 + 1} {
			if p.Contains(k, d) != m[k][d] {
				t.Fatalf("Contains(%#x, %d) = %v", k, d, !m[k][d])
			}
		}
	}
	for k := range m {
		probe(k)
	}
	for _, k := range extra {
		probe(k)
	}
}

// refUnion is the reference for Postings.Union.
func refUnion(m model, keys []uint64, maxDF uint64) []uint32 {
	set := map[uint32]bool{}
	for _, k := range keys {
		if maxDF > 0 && uint64(len(m[k])) > maxDF {
			continue
		}
		for d := range m[k] {
			set[d] = true
		}
	}
	out := []uint32{}
	for d := range set {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

func checkUnion(t testing.TB, p *Postings, m model, dst *roaring.Bitmap, keys []uint64, maxDF uint64) {
	t.Helper()
	p.Union(dst, keys, maxDF)
	got := dst.ToArray()
	if want := refUnion(m, keys, maxDF); !slices.Equal(got, want) && len(got)+len(want) > 0 {
		t.Fatalf("Union(%x, maxDF %d) = %v, want %v", keys, maxDF, got, want)
	}
}

// randomDoc draws documents from a mix of ranges that exercise roaring
// containers and the reserved inline value.
func randomDoc(r *rand.Rand, spread uint32) uint32 {
	switch r.IntN(10) {
	case 0:
		return math.MaxUint32 - r.Uint32N(3)
	case 1:
		return 1<<16 + r.Uint32N(spread)
	default:
		return r.Uint32N(spread)
	}
}

func TestPostingsDifferential(t *testing.T) {
	cases := []struct {
		name       string
		keys       int    // key domain size
		spread     uint32 // document domain size
		ops        int
		removeFrac float64
	}{
		{"hot keys", 5, 120, 6000, 0.45}, // promotion to bitmaps and back
		{"pairs", 300, 4, 6000, 0.5},     // many keys with 1..4 documents
		{"many keys", 8000, 1 << 20, 16000, 0.3},
		{"churn", 2000, 3, 30000, 0.55}, // growth and shrinking
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(ci), 99))
			keyOf := func() uint64 {
				i := uint64(r.IntN(c.keys))
				if i%7 == 0 {
					return i // includes key 0 and small sequential keys
				}
				return mix64(i + 12345)
			}
			var p Postings
			m := model{}
			dst := roaring.New()
			for op := range c.ops {
				k, d := keyOf(), randomDoc(r, c.spread)
				if r.Float64() < c.removeFrac {
					if got, want := p.Remove(k, d), m.remove(k, d); got != want {
						t.Fatalf("op %d: Remove(%#x, %d) = %v, want %v", op, k, d, got, want)
					}
				} else {
					p.Add(k, d)
					m.add(k, d)
				}
				if op%(c.ops/20) == 0 {
					compare(t, &p, m, []uint64{keyOf(), keyOf(), 0})
					keys := []uint64{keyOf(), keyOf(), keyOf(), 0, keyOf()}
					checkUnion(t, &p, m, dst, keys, 0)
					checkUnion(t, &p, m, dst, keys, 3)
				}
			}
			compare(t, &p, m, nil)
			// Union over every key in one call exercises FastOr and scratch
			// growth.
			var all []uint64
			for k := range m {
				all = append(all, k)
			}
			checkUnion(t, &p, m, dst, all, 0)
			checkUnion(t, &p, m, dst, all, 40)
			// Drain everything: the table must be freed.
			for k, ds := range m {
				for d := range ds {
					if !p.Remove(k, d) {
						t.Fatalf("Remove(%#x, %d) = false while draining", k, d)
					}
				}
			}
			for i := range p.shards {
				if s := &p.shards[i]; s.slots != nil || len(s.small)+len(s.big) != 0 {
					t.Fatalf("after draining: table %d has %d slots, %d small, %d big", i, s.nslots(), len(s.small), len(s.big))
				}
			}
			if p.Len() != 0 {
				t.Fatalf("after draining: Len %d", p.Len())
			}
			compare(t, &p, model{}, []uint64{0, 1, 2})
		})
	}
}

// TestPostingsPromotion walks one key up and down the representation ladder
// and checks the representation at each step.
func TestPostingsPromotion(t *testing.T) {
	var p Postings
	const key = 42
	s, h := p.route(key)
	repr := func() string {
		_, n, v := s.lookup(h)
		switch {
		case n == 0:
			return "absent"
		case v != multiDoc:
			return "inline"
		case s.small[h] != nil:
			return "small"
		case s.big[h] != nil:
			return "big"
		}
		return "broken"
	}
	want := func(n int, r string) {
		t.Helper()
		checkPostings(t, &p)
		if got := repr(); got != r {
			t.Fatalf("%d docs: representation %s, want %s", n, got, r)
		}
		if c := p.Cardinality(key); c != uint64(n) {
			t.Fatalf("Cardinality = %d, want %d", c, n)
		}
	}
	want(0, "absent")
	for n := 1; n <= 80; n++ {
		p.Add(key, uint32(n*1000))
		p.Add(key, uint32(n*1000)) // idempotent
		switch {
		case n <= wideRunMax:
			want(n, "inline")
		case n <= smallMax && wideRunMax < smallMax:
			want(n, "small")
		default:
			want(n, "big")
		}
	}
	for n := 80; n >= 1; n-- {
		if !p.Remove(key, uint32(n*1000)) || p.Remove(key, uint32(n*1000)) {
			t.Fatalf("Remove of doc %d not exactly once", n*1000)
		}
		switch left := n - 1; {
		case left == 0:
			want(left, "absent")
		case left <= runBack:
			want(left, "inline")
		case left > bigMin:
			want(left, "big")
		default:
			want(left, "small")
		}
	}
	// The reserved value as the only document stays in the overflow map.
	p.Add(key, math.MaxUint32)
	want(1, "small")
	p.Add(key, 5)
	want(2, "small")
	p.Remove(key, 5)
	want(1, "small")
	if d := p.AppendDocs(nil, key); !slices.Equal(d, []uint32{math.MaxUint32}) {
		t.Fatalf("AppendDocs = %v", d)
	}
	p.Remove(key, math.MaxUint32)
	want(0, "absent")
}

// TestStoreClustered feeds raw keys that all share one home slot, the worst
// case of the table: one run spanning everything, starting at slot 0 or
// spilling past the last home slot into the tail, in both key widths.
func TestStoreClustered(t *testing.T) {
	for _, atEnd := range []bool{false, true} {
		var s64 store[uint64]
		var s32 store[uint32]
		const n = 1500
		k64 := func(i int) uint64 {
			if atEnd {
				return math.MaxUint64 - uint64(i)
			}
			return uint64(i + 1)
		}
		k32 := func(i int) uint32 {
			if atEnd {
				return math.MaxUint32 - uint32(i)
			}
			return uint32(i + 1)
		}
		order := rand.New(rand.NewPCG(1, 2)).Perm(n)
		for _, i := range order {
			s64.add(k64(i), uint32(i))
			s32.add(k32(i), uint32(i))
		}
		checkStore(t, &s64)
		checkStore(t, &s32)
		if atEnd && s64.nslots() < s64.homes-1+n {
			t.Fatalf("%d slots for %d homes: tail not extended", s64.nslots(), s64.homes)
		}
		for i := range n {
			if !s64.contains(k64(i), uint32(i)) || !s32.contains(k32(i), uint32(i)) {
				t.Fatalf("key %d lost", i)
			}
		}
		if s64.contains(k64(n), 0) || s32.contains(k32(n), 0) || s64.card(k64(n)) != 0 {
			t.Fatalf("absent key %d found", n)
		}
		for _, i := range order[:n-10] {
			if !s64.remove(k64(i), uint32(i)) || !s32.remove(k32(i), uint32(i)) {
				t.Fatalf("key %d not removed", i)
			}
		}
		checkStore(t, &s64)
		checkStore(t, &s32)
		if s64.length() != 10 || s32.length() != 10 || s64.homes > 64 {
			t.Fatalf("after removals: %d and %d keys, %d homes", s64.length(), s32.length(), s64.homes)
		}
	}
}

func TestPostingsGrow(t *testing.T) {
	var p Postings
	p.Grow(-1)
	p.Grow(0)
	if p.MemoryBytes() != 0 {
		t.Fatal("Grow(0) allocated")
	}
	p.Add(3, 3)
	const n = 100_000
	p.Grow(n)
	var homes [shards]int
	for i := range p.shards {
		homes[i] = p.shards[i].homes
	}
	for i := range uint64(n - 1) {
		p.Add(i+100, uint32(i))
	}
	for i := range p.shards {
		if p.shards[i].homes != homes[i] {
			t.Fatalf("table %d resized from %d to %d homes within the reserved size", i, homes[i], p.shards[i].homes)
		}
	}
	checkPostings(t, &p)
	if !p.Contains(3, 3) || p.Len() != n {
		t.Fatalf("Len = %d", p.Len())
	}
}

// FuzzPostings interprets the input as operations on a Postings and checks
// them against the map model. Each operation takes 3 bytes: opcode, key
// selector, document selector.
func FuzzPostings(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0, 1, 2, 1, 1, 1, 1, 1, 2})
	f.Add([]byte{0, 0, 255, 0, 0, 0, 1, 0, 255, 2, 0, 0})
	seed := make([]byte, 0, 300)
	for i := range 100 {
		seed = append(seed, byte(i%3), 7, byte(i))
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Postings
		m := model{}
		dst := roaring.New()
		keyOf := func(b byte) uint64 {
			if b < 128 {
				return uint64(b % 16) // hot keys, including 0
			}
			return mix64(uint64(b)) ^ uint64(b)<<60
		}
		docOf := func(b byte) uint32 {
			switch {
			case b >= 250:
				return math.MaxUint32 - uint32(b-250)
			case b >= 200:
				return 1<<16 + uint32(b)
			}
			return uint32(b % 64)
		}
		var keys []uint64
		for len(data) >= 3 {
			op, k, d := data[0], keyOf(data[1]), docOf(data[2])
			data = data[3:]
			switch op % 4 {
			case 0, 1:
				p.Add(k, d)
				m.add(k, d)
			case 2:
				if got, want := p.Remove(k, d), m.remove(k, d); got != want {
					t.Fatalf("Remove(%#x, %d) = %v, want %v", k, d, got, want)
				}
			case 3:
				keys = append(keys, k)
				checkUnion(t, &p, m, dst, keys, uint64(op/4%8))
			}
		}
		compare(t, &p, m, []uint64{0, 1, keyOf(200)})
	})
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryBytes compares the estimate with the measured heap growth.
func TestMemoryBytes(t *testing.T) {
	before := heapInUse()
	p := new(Postings)
	for k := range uint64(50_000) {
		n := uint32(1)
		switch {
		case k%500 == 0:
			n = 100 // bitmap
		case k%50 == 0:
			n = 20 // small slice
		case k%4 == 0:
			n = 1 + uint32(k%8) // run
		}
		for d := range n {
			p.Add(k, uint32(k)+d*1000)
		}
	}
	l, _ := NewLSH(LSHParams{Bands: 8, Rows: 2})
	sig := make([]uint32, 16)
	for d := range uint32(25_000) {
		for i := range sig {
			sig[i] = uint32(mix64(uint64(d)<<8 | uint64(i)))
		}
		_ = l.Add(d, sig)
	}
	used := heapInUse() - before
	est := p.MemoryBytes() + l.MemoryBytes()
	t.Logf("estimate %d bytes, measured %d", est, used)
	if r := float64(est) / float64(used); r < 0.8 || r > 1.25 {
		t.Errorf("MemoryBytes estimate %d, measured %d (ratio %.2f)", est, used, r)
	}
	runtime.KeepAlive(p)
	runtime.KeepAlive(l)
	var empty Postings
	if empty.MemoryBytes() != 0 || empty.Len() != 0 {
		t.Errorf("empty Postings: %d bytes, %d keys", empty.MemoryBytes(), empty.Len())
	}
}

// TestPostingsZeroKey covers key 0, whose mixed value 0 marks empty slots
// and is therefore kept outside the table.
func TestPostingsZeroKey(t *testing.T) {
	var p Postings
	check := func(want ...uint32) {
		t.Helper()
		checkPostings(t, &p)
		if got := p.AppendDocs(nil, 0); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("docs of key 0 = %v, want %v", got, want)
		}
		if p.Cardinality(0) != uint64(len(want)) || p.Len() != min(len(want), 1) {
			t.Fatalf("Cardinality %d, Len %d for %v", p.Cardinality(0), p.Len(), want)
		}
	}
	p.Add(0, math.MaxUint32)
	check(math.MaxUint32)
	p.Add(0, 5)
	check(5, math.MaxUint32)
	if !p.Remove(0, math.MaxUint32) {
		t.Fatal("Remove(0, MaxUint32) = false")
	}
	check(5)
	if p.Remove(0, 6) || !p.Remove(0, 5) || p.Remove(0, 5) {
		t.Fatal("Remove of key 0 not exactly once")
	}
	check()
	p.Add(0, math.MaxUint32)
	if !p.Remove(0, math.MaxUint32) {
		t.Fatal("Remove(0, MaxUint32) = false")
	}
	check()
	for d := range uint32(40) {
		p.Add(0, d)
	}
	for d := range uint32(38) {
		p.Remove(0, d)
	}
	check(38, 39)
}

// TestPostingsBatch checks AddMany and VisitDocsMaxDF against Add and
// AppendDocsMaxDF.
func TestPostingsBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	var one, many Postings
	var keys []uint64
	for doc := uint32(0); doc < 400; doc++ {
		keys = keys[:0]
		for range r.IntN(80) {
			keys = append(keys, uint64(r.IntN(500)))
		}
		for _, k := range keys {
			one.Add(k, doc)
		}
		many.AddMany(keys, doc)
	}
	for k := uint64(0); k < 520; k++ {
		if !slices.Equal(one.AppendDocs(nil, k), many.AppendDocs(nil, k)) {
			t.Fatalf("key %d differs", k)
		}
	}
	probe := []uint64{3, 3, 999, 7, 0, 250}
	for i := 0; i < 100; i++ {
		probe = append(probe, uint64(r.IntN(600)))
	}
	for _, maxDF := range []uint64{0, 30, 60} {
		var got [][]uint32
		seen := map[int]bool{}
		many.VisitDocsMaxDF(probe, maxDF, nil, func(i int, docs []uint32) {
			seen[i] = true
			want, ok := one.AppendDocsMaxDF(nil, probe[i], maxDF)
			if !ok || !slices.Equal(docs, want) {
				t.Fatalf("maxDF %d, key %d: %v, want %v", maxDF, probe[i], docs, want)
			}
			got = append(got, slices.Clone(docs))
		})
		for i, k := range probe {
			want, ok := one.AppendDocsMaxDF(nil, k, maxDF)
			if (ok && len(want) > 0) != seen[i] {
				t.Fatalf("maxDF %d: key %d visited %v", maxDF, k, seen[i])
			}
		}
	}
}
