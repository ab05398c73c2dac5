package simhash

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

var long = flag.Bool("long", false, "run long index tests (memory at 1M fingerprints)")

// pair is one (id, fingerprint) pair of the brute-force model.
type pair struct {
	id uint32
	fp uint64
}

// model is the obviously-correct index: a set of pairs and a linear scan.
type model map[pair]bool

func (m model) query(q uint64, k int) []Match {
	var out []Match
	for p := range m {
		if d := Distance(p.fp, q); d <= k {
			out = append(out, Match{ID: p.id, Distance: d})
		}
	}
	slices.SortFunc(out, compareMatch)
	return out
}

func equalMatches(a, b []Match) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

// flipBits returns fp with d distinct random bits flipped.
func flipBits(r *rand.Rand, fp uint64, d int) uint64 {
	for _, i := range r.Perm(64)[:d] {
		fp ^= 1 << uint(i)
	}
	return fp
}

func TestNewIndexParams(t *testing.T) {
	for _, c := range []struct{ in, want int }{{0, 3}, {1, 1}, {3, 3}, {8, 8}} {
		x, err := NewIndex(IndexParams{MaxDistance: c.in})
		if err != nil {
			t.Fatalf("MaxDistance %d: %v", c.in, err)
		}
		if x.MaxDistance() != c.want || len(x.tables) != c.want+1 {
			t.Fatalf("MaxDistance %d: got k=%d with %d tables", c.in, x.MaxDistance(), len(x.tables))
		}
		// Blocks partition the 64 bits.
		var all uint64
		for _, tb := range x.tables {
			if all&tb.mask != 0 {
				t.Fatalf("k=%d: overlapping blocks", c.want)
			}
			all |= tb.mask
		}
		if all != ^uint64(0) {
			t.Fatalf("k=%d: blocks cover %#x", c.want, all)
		}
	}
	for _, bad := range []int{-1, 9, 64, -1 << 40} {
		x, err := NewIndex(IndexParams{MaxDistance: bad})
		if !errors.Is(err, ErrParams) || x != nil {
			t.Fatalf("MaxDistance %d: got %v, %v", bad, x, err)
		}
	}
}

// TestIndexDifferential compares Query with a linear scan over random
// fingerprints with planted neighbours at every distance around k, across
// interleaved adds and removes, for every accepted k.
func TestIndexDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for k := 1; k <= MaxIndexDistance; k++ {
		x, err := NewIndex(IndexParams{MaxDistance: k})
		if err != nil {
			t.Fatal(err)
		}
		m := model{}
		var centers []uint64
		var pairs []pair
		add := func(id uint32, fp uint64) {
			x.Add(id, fp)
			m[pair{id, fp}] = true
			pairs = append(pairs, pair{id, fp})
		}
		for c := range 40 {
			center := r.Uint64()
			centers = append(centers, center)
			add(uint32(c*100), center)
			for j := 1; j < 12; j++ {
				add(uint32(c*100+j), flipBits(r, center, r.IntN(k+3)))
			}
		}
		// Low-entropy fingerprints crowd a few buckets.
		for j := range 200 {
			add(uint32(10000+j), uint64(r.IntN(8))<<uint(r.IntN(60)))
		}
		for j := range 2000 {
			add(uint32(20000+j), r.Uint64())
		}
		// Duplicate pairs are ignored; the same id with another fingerprint is kept.
		add(0, centers[0])
		add(0, ^centers[0])
		if x.Len() != len(m) {
			t.Fatalf("k=%d: Len=%d want %d", k, x.Len(), len(m))
		}
		check := func(stage string) {
			t.Helper()
			var dst []Match
			for _, c := range centers {
				for d := 0; d <= k+2; d++ {
					q := flipBits(r, c, d)
					dst = x.Query(dst[:0], q)
					if want := m.query(q, k); !equalMatches(dst, want) {
						t.Fatalf("k=%d %s: Query(%#x)=%v want %v", k, stage, q, dst, want)
					}
				}
			}
			for range 50 {
				q := r.Uint64()
				dst = x.Query(dst[:0], q)
				if want := m.query(q, k); !equalMatches(dst, want) {
					t.Fatalf("k=%d %s: random Query=%v want %v", k, stage, dst, want)
				}
			}
			// Appends after existing content.
			prefix := []Match{{ID: 7, Distance: 99}}
			got := x.Query(prefix, centers[1])
			if got[0] != prefix[0] || !equalMatches(got[1:], m.query(centers[1], k)) {
				t.Fatalf("k=%d %s: Query did not append to dst", k, stage)
			}
		}
		check("after adds")
		// Remove a random half, then all but 5%, including pairs already
		// removed (pairs holds duplicates); the second stage shrinks the
		// bucket arrays.
		r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
		for _, stage := range []int{len(pairs) / 2, len(pairs) * 95 / 100} {
			for _, p := range pairs[:stage] {
				want := m[p]
				if got := x.Remove(p.id, p.fp); got != want {
					t.Fatalf("k=%d: Remove(%d,%#x)=%v want %v", k, p.id, p.fp, got, want)
				}
				delete(m, p)
			}
			if x.Remove(12345678, 42) {
				t.Fatal("Remove of an absent pair returned true")
			}
			if x.Len() != len(m) {
				t.Fatalf("k=%d: Len=%d want %d after removals", k, x.Len(), len(m))
			}
			check(fmt.Sprintf("after removing down to %d", len(m)))
		}
		if kb := x.tables[0].keyBits; kb > 5 {
			t.Errorf("k=%d: %d pairs left but table 0 keeps %d key bits", k, len(m), kb)
		}
	}
}

func TestIndexZeroValue(t *testing.T) {
	var x Index
	if got := x.Query(nil, 1); len(got) != 0 || x.Len() != 0 || x.MaxDistance() != DefaultMaxDistance {
		t.Fatalf("zero Index: Query=%v Len=%d MaxDistance=%d", got, x.Len(), x.MaxDistance())
	}
	if x.Remove(1, 1) {
		t.Fatal("Remove on an empty index succeeded")
	}
	x.Add(5, 0xff)
	x.Add(6, 0xff^0b111)
	x.Add(7, 0xff^0b11110) // distance 5 from the query
	want := []Match{{ID: 5, Distance: 1}, {ID: 6, Distance: 2}}
	if got := x.Query(nil, 0xff^1); !slices.Equal(got, want) {
		t.Fatalf("Query=%v want %v", got, want)
	}
}

func TestIndexRemoveFreesBuckets(t *testing.T) {
	x, _ := NewIndex(IndexParams{})
	r := rand.New(rand.NewPCG(31, 32))
	fps := make([]uint64, 5000)
	for i := range fps {
		fps[i] = r.Uint64()
		x.Add(uint32(i), fps[i])
	}
	// 300 pairs sharing block 0 make one big bucket in table 0.
	for i := range 300 {
		x.Add(uint32(100000+i), 0xbeef|r.Uint64()<<16)
	}
	tb0 := &x.tables[0]
	extra := 0
	for _, fp := range fps {
		if tb0.key(fp) == tb0.key(0xbeef) {
			extra++
		}
	}
	big := tb0.buckets[tb0.key(0xbeef)]
	if len(big) != 300+extra {
		t.Fatalf("bucket holds %d entries, want %d", len(big), 300+extra)
	}
	for i := range 300 {
		if x.Remove(uint32(100000+i), 0xbeef) {
			t.Fatal("Remove with a wrong fingerprint succeeded")
		}
	}
	var planted []entry
	for _, e := range big {
		if e.id >= 100000 {
			planted = append(planted, e)
		}
	}
	for _, e := range planted[:290] {
		if !x.Remove(e.id, e.fp()) {
			t.Fatalf("Remove(%d) failed", e.id)
		}
		if x.Remove(e.id, e.fp()) {
			t.Fatalf("second Remove(%d) succeeded", e.id)
		}
	}
	if b := tb0.buckets[tb0.key(0xbeef)]; len(b) != 10+extra || cap(b) > 4*len(b) {
		t.Fatalf("bucket after removals: len %d cap %d", len(b), cap(b))
	}
	for i, fp := range fps {
		if !x.Remove(uint32(i), fp) {
			t.Fatalf("Remove(%d) failed", i)
		}
	}
	for _, e := range planted[290:] {
		if !x.Remove(e.id, e.fp()) {
			t.Fatalf("Remove(%d) failed", e.id)
		}
	}
	if x.Len() != 0 {
		t.Fatalf("Len=%d after removing everything", x.Len())
	}
	for i, tb := range x.tables {
		if len(tb.buckets) != 1<<minKeyBits {
			t.Fatalf("table %d keeps %d buckets", i, len(tb.buckets))
		}
		for _, b := range tb.buckets {
			if b != nil {
				t.Fatalf("table %d keeps an emptied bucket (cap %d)", i, cap(b))
			}
		}
	}
}

func TestIndexRemoveReleasesHeap(t *testing.T) {
	const n = 100_000
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	r := rand.New(rand.NewPCG(41, 42))
	fps := make([]uint64, n)
	for i := range fps {
		fps[i] = r.Uint64()
	}
	before := heap()
	x, _ := NewIndex(IndexParams{})
	for i, fp := range fps {
		x.Add(uint32(i), fp)
	}
	full := heap()
	for i, fp := range fps {
		x.Remove(uint32(i), fp)
	}
	empty := heap()
	runtime.KeepAlive(fps)
	runtime.KeepAlive(x)
	grown := float64(full) - float64(before)
	left := float64(empty) - float64(before)
	t.Logf("index of %d pairs: %.1f bytes/pair; after removing all: %.0f bytes", n, grown/n, left)
	if grown/n > 200 {
		t.Errorf("index uses %.1f bytes per pair", grown/n)
	}
	if left > grown/10 {
		t.Errorf("after removing everything %.0f of %.0f bytes remain", left, grown)
	}
}

func TestIndexQueryAllocs(t *testing.T) {
	x, _ := NewIndex(IndexParams{})
	r := rand.New(rand.NewPCG(51, 52))
	c := r.Uint64()
	for i := range 20000 {
		x.Add(uint32(i), r.Uint64())
	}
	for i := range 20 {
		x.Add(uint32(50000+i), flipBits(r, c, i%4))
	}
	dst := make([]Match, 0, 64)
	var got int
	if n := testing.AllocsPerRun(100, func() {
		dst = x.Query(dst[:0], c)
		got = len(dst)
	}); n != 0 {
		t.Errorf("Query allocates %v times", n)
	}
	if got != 20 {
		t.Errorf("Query found %d planted neighbours, want 20", got)
	}
}

// TestIndexMemoryLong reports bytes per pair at one million fingerprints.
// Run with -long.
func TestIndexMemoryLong(t *testing.T) {
	if !*long {
		t.Skip("needs -long")
	}
	for _, k := range []int{1, 3, 6, 8} {
		const n = 1 << 20
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		x := buildIndex(t, k, n)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		t.Logf("k=%d: %d pairs, %.1f bytes/pair", k, x.Len(), float64(ms.HeapAlloc-before)/n)
		runtime.KeepAlive(x)
	}
}

func buildIndex(tb testing.TB, k, n int) *Index {
	x, err := NewIndex(IndexParams{MaxDistance: k})
	if err != nil {
		tb.Fatal(err)
	}
	seed := uint64(k)
	for i := range n {
		x.Add(uint32(i), splitmix(&seed))
	}
	return x
}

// FuzzIndex decodes a sequence of operations (add, remove, query) on an
// index with k from 1 to 8 and compares every result with a linear scan.
// Each operation takes 10 bytes: an opcode, an id (8 distinct ids, so
// duplicates are frequent) and 8 bytes that are either a fingerprint or,
// for odd opcodes above 2, four bit positions to flip in the previous
// fingerprint, so that near neighbours and shared buckets are frequent.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add(make([]byte, 30))
	f.Add([]byte("\x00\x05\x01\x02\x03\x04\x05\x06\x07\x08\x03\x05\x01\x02\x03\x04\x05\x06\x07\x08\x05\x00\x01\x02\x03\x04\x05\x06\x07\x09"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k := 1 + len(data)%MaxIndexDistance
		x, err := NewIndex(IndexParams{MaxDistance: k})
		if err != nil {
			t.Fatal(err)
		}
		m := model{}
		var fp uint64
		for len(data) >= 10 {
			op, id := data[0], uint32(data[1]%8)
			if op > 2 && op%2 == 1 {
				for _, b := range data[2:6] {
					fp ^= 1 << (b % 64)
				}
			} else {
				fp = binary.LittleEndian.Uint64(data[2:10])
			}
			data = data[10:]
			switch op % 3 {
			case 0:
				x.Add(id, fp)
				m[pair{id, fp}] = true
			case 1:
				if got, want := x.Remove(id, fp), m[pair{id, fp}]; got != want {
					t.Fatalf("Remove(%d,%#x)=%v want %v", id, fp, got, want)
				}
				delete(m, pair{id, fp})
			default:
				if got, want := x.Query(nil, fp), m.query(fp, k); !equalMatches(got, want) {
					t.Fatalf("k=%d Query(%#x)=%v want %v", k, fp, got, want)
				}
			}
			if x.Len() != len(m) {
				t.Fatalf("Len=%d want %d", x.Len(), len(m))
			}
		}
		// Query every stored fingerprint and its bit neighbours.
		for p := range m {
			for _, q := range []uint64{p.fp, p.fp ^ 1, p.fp ^ 1<<63 ^ 1<<20, ^p.fp} {
				if got, want := x.Query(nil, q), m.query(q, k); !equalMatches(got, want) {
					t.Fatalf("k=%d Query(%#x)=%v want %v", k, q, got, want)
				}
			}
		}
	})
}

func BenchmarkIndexQuery(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		x := buildIndex(b, 3, n)
		r := rand.New(rand.NewPCG(61, 62))
		qs := make([]uint64, 1024)
		for i := range qs {
			// Half the queries have planted near neighbours in the index.
			if i%2 == 0 {
				seed := uint64(3)
				var fp uint64
				for range 1 + r.IntN(min(n, 1000)) {
					fp = splitmix(&seed)
				}
				qs[i] = flipBits(r, fp, r.IntN(4))
			} else {
				qs[i] = r.Uint64()
			}
		}
		b.Run(fmt.Sprintf("n=%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]Match, 0, 16)
			i := 0
			for b.Loop() {
				dst = x.Query(dst[:0], qs[i&1023])
				i++
			}
		})
	}
}

func BenchmarkIndexAdd(b *testing.B) {
	const n = 100_000
	fps := make([]uint64, n)
	seed := uint64(71)
	for i := range fps {
		fps[i] = splitmix(&seed)
	}
	b.ReportAllocs()
	for b.Loop() {
		x, _ := NewIndex(IndexParams{})
		for i, fp := range fps {
			x.Add(uint32(i), fp)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/add")
}
