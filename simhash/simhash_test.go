package simhash

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// refWeighted is the obviously-correct per-bit SimHash: exact 128-bit
// totals per bit, then bit i is set iff 2·count_i > total.
func refWeighted(hs []uint64, ws []uint32) uint64 {
	var cnt [64]uint64
	var total uint64
	for k, h := range hs {
		w := uint64(1)
		if ws != nil {
			w = uint64(ws[k])
		}
		total += w
		for i := range 64 {
			if h>>uint(i)&1 == 1 {
				cnt[i] += w
			}
		}
	}
	var fp uint64
	for i := range 64 {
		// 2·cnt > total, computed without overflow.
		hi, lo := bits.Mul64(cnt[i], 2)
		if hi > 0 || lo > total {
			fp |= 1 << uint(i)
		}
	}
	return fp
}

func ref(hs []uint64) uint64 { return refWeighted(hs, nil) }

func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func splitmixStream(seed uint64, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = splitmix(&seed)
	}
	return out
}

// biased returns n hashes whose bits are set with varying probabilities, so
// that counters land near and exactly on the majority threshold.
func biased(r *rand.Rand, n int) []uint64 {
	hs := make([]uint64, n)
	mode := r.IntN(4)
	for i := range hs {
		switch mode {
		case 0:
			hs[i] = r.Uint64()
		case 1: // few distinct values: many exact ties
			hs[i] = uint64(r.IntN(4)) * 0x5555555555555555
		case 2:
			hs[i] = r.Uint64() & r.Uint64() // bits set with probability 1/4
		default:
			hs[i] = r.Uint64() | r.Uint64() // probability 3/4
		}
	}
	return hs
}

func TestSumMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := make([]int, 0, 320)
	for n := range 301 {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 511, 512, 513, 1000, 4095, 4096, 6000, 65537)
	for _, n := range sizes {
		for rep := range 3 {
			hs := biased(r, n)
			want := ref(hs)
			if got := Sum(hs); got != want {
				t.Fatalf("n=%d rep=%d: Sum=%#x want %#x", n, rep, got, want)
			}
			var a Accumulator
			a.AddAll(hs)
			if got := a.Sum(); got != want {
				t.Fatalf("n=%d rep=%d: Accumulator.AddAll=%#x want %#x", n, rep, got, want)
			}
		}
	}
}

func TestSumTies(t *testing.T) {
	// Two complementary hashes: every bit count equals exactly half.
	if got := Sum([]uint64{0xf0f0, ^uint64(0xf0f0)}); got != 0 {
		t.Fatalf("tie: got %#x want 0", got)
	}
	// Three hashes: majority per bit.
	if got := Sum([]uint64{0b1100, 0b1010, 0b1001}); got != 0b1000 {
		t.Fatalf("majority: got %#b", got)
	}
	if got := Sum(nil); got != 0 {
		t.Fatalf("empty: got %#x", got)
	}
	if got := Sum([]uint64{0xdeadbeef}); got != 0xdeadbeef {
		t.Fatalf("single: got %#x", got)
	}
	all := make([]uint64, 1000)
	for i := range all {
		all[i] = ^uint64(0)
	}
	if got := Sum(all); got != ^uint64(0) {
		t.Fatalf("all ones: got %#x", got)
	}
}

func TestAccumulatorMixedMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 400 {
		var a Accumulator
		var hs []uint64
		var ws []uint32
		nops := r.IntN(40)
		for range nops {
			switch r.IntN(4) {
			case 0:
				h := r.Uint64()
				a.Add(h)
				hs, ws = append(hs, h), append(ws, 1)
			case 1:
				batch := biased(r, r.IntN(70))
				a.AddAll(batch)
				for _, h := range batch {
					hs, ws = append(hs, h), append(ws, 1)
				}
			case 2:
				var w uint32
				switch r.IntN(4) {
				case 0:
					w = 0
				case 1:
					w = math.MaxUint32
				case 2:
					w = uint32(r.IntN(10))
				default:
					w = r.Uint32()
				}
				h := r.Uint64()
				a.AddWeighted(h, w)
				hs, ws = append(hs, h), append(ws, w)
			default:
				// Sum in the middle must not disturb the state.
				if got, want := a.Sum(), refWeighted(hs, ws); got != want {
					t.Fatalf("iter %d mid: got %#x want %#x", iter, got, want)
				}
			}
		}
		if got, want := a.Sum(), refWeighted(hs, ws); got != want {
			t.Fatalf("iter %d: got %#x want %#x", iter, got, want)
		}
		a.Reset()
		if got := a.Sum(); got != 0 {
			t.Fatalf("after Reset: %#x", got)
		}
		if a != (Accumulator{}) {
			t.Fatal("Reset did not restore the zero value")
		}
	}
}

func TestAccumulatorLargeTotals(t *testing.T) {
	// 2^12 maximal weights: total about 2^44, far beyond 32 bits.
	r := rand.New(rand.NewPCG(5, 6))
	var a Accumulator
	n := 1 << 12
	hs := make([]uint64, 0, n+3)
	ws := make([]uint32, 0, n+3)
	for range n {
		h := r.Uint64() & r.Uint64()
		a.AddWeighted(h, math.MaxUint32)
		hs, ws = append(hs, h), append(ws, math.MaxUint32)
	}
	// Tip the balance with unit and small weights.
	for _, h := range []uint64{^uint64(0), 0x00ff00ff00ff00ff, 0x1} {
		a.Add(h)
		a.AddWeighted(h, 3)
		hs, ws = append(hs, h, h), append(ws, 1, 3)
	}
	if got, want := a.Sum(), refWeighted(hs, ws); got != want {
		t.Fatalf("got %#x want %#x", got, want)
	}

	// Exact tie at a large total: weight 2^32-1 on h and on ^h, many times.
	a.Reset()
	for range 1000 {
		a.AddWeighted(0x0123456789abcdef, math.MaxUint32)
		a.AddWeighted(^uint64(0x0123456789abcdef), math.MaxUint32)
	}
	if got := a.Sum(); got != 0 {
		t.Fatalf("large tie: got %#x want 0", got)
	}
	a.Add(0x0123456789abcdef)
	if got := a.Sum(); got != 0x0123456789abcdef {
		t.Fatalf("tie broken by one unit: got %#x", got)
	}
}

func TestAccumulatorNearLimit(t *testing.T) {
	// Drive the counters close to 2^64 directly through the plane
	// representation: lanes 0..31 hold 2^63 + 5, the total is 2^64 - 1.
	var a Accumulator
	a.wtotal = math.MaxUint64
	a.p[63] = 0xffffffff
	a.p[0] = 0xffffffff
	a.p[2] = 0xffffffff
	want := uint64(0xffffffff)
	if got := a.Sum(); got != want {
		t.Fatalf("got %#x want %#x", got, want)
	}
	// 2^63 - 1 < half: lanes with exactly floor(total/2) = 2^63-1 are not set.
	var b Accumulator
	b.wtotal = math.MaxUint64
	for j := range 63 {
		b.p[j] = 0xff
	}
	if got := b.Sum(); got != 0 {
		t.Fatalf("half: got %#x want 0", got)
	}
}

func TestDistance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		a, b, c := r.Uint64(), r.Uint64(), r.Uint64()
		d := Distance(a, b)
		want := 0
		for i := range 64 {
			if (a>>uint(i))&1 != (b>>uint(i))&1 {
				want++
			}
		}
		if d != want {
			t.Fatalf("Distance(%#x,%#x)=%d want %d", a, b, d, want)
		}
		if Distance(b, a) != d {
			t.Fatal("not symmetric")
		}
		if Distance(a, a) != 0 {
			t.Fatal("Distance(a,a) != 0")
		}
		if Distance(a, c) > Distance(a, b)+Distance(b, c) {
			t.Fatal("triangle inequality violated")
		}
		if Distance(a, ^a) != 64 {
			t.Fatal("Distance(a,^a) != 64")
		}
	}
	if Distance(0, 1<<63|1) != 2 {
		t.Fatal("Distance(0, 1<<63|1) != 2")
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		seed uint64
		n    int
		want uint64
	}{
		{0, 1, 0xe220a8397b1dcdaf},
		{0, 600, 0x60ac3432078aa5f1},
		{42, 6000, 0x3e4c8fa26391adc9},
		{7, 17, 0x77cad0662b1323ea},
	}
	for _, c := range cases {
		hs := splitmixStream(c.seed, c.n)
		if r := ref(hs); r != c.want {
			t.Errorf("reference(seed=%d,n=%d)=%#x, golden %#x", c.seed, c.n, r, c.want)
		}
		if got := Sum(hs); got != c.want {
			t.Errorf("Sum(seed=%d,n=%d)=%#x want %#x", c.seed, c.n, got, c.want)
		}
	}
}

// TestQuality checks the locality-sensitive behaviour: sets with Jaccard
// similarity 0.9 get small distances, unrelated sets about 32.
func TestQuality(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const n, trials = 500, 200
	// |A∩B| = s and |A∪B| = n + (n-s) with J = s/(2n-s) = 0.9 -> s = 1.8n/1.9.
	s := int(math.Round(1.8 * n / 1.9))
	var nearSum, farSum, mediumSum int
	for range trials {
		a := make([]uint64, n)
		for i := range a {
			a[i] = r.Uint64()
		}
		b := append([]uint64(nil), a[:s]...)
		for len(b) < n {
			b = append(b, r.Uint64())
		}
		r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		c := append([]uint64(nil), a[:n/2]...) // J = 1/3
		for len(c) < n {
			c = append(c, r.Uint64())
		}
		far := make([]uint64, n)
		for i := range far {
			far[i] = r.Uint64()
		}
		fa := Sum(a)
		nearSum += Distance(fa, Sum(b))
		mediumSum += Distance(fa, Sum(c))
		farSum += Distance(fa, Sum(far))
	}
	near := float64(nearSum) / trials
	medium := float64(mediumSum) / trials
	far := float64(farSum) / trials
	// Expected: cos = s/n = 0.947 -> 64·acos(0.947)/π ≈ 6.6;
	// cos = 0.5 -> 21.3; unrelated 32.
	t.Logf("mean distances: J=0.9 %.2f, J=1/3 %.2f, unrelated %.2f", near, medium, far)
	if near >= 10 || near < 3 {
		t.Errorf("J=0.9 mean distance %.2f, want about 6.6", near)
	}
	if medium < 17 || medium > 26 {
		t.Errorf("J=1/3 mean distance %.2f, want about 21.3", medium)
	}
	if far < 30 || far > 34 {
		t.Errorf("unrelated mean distance %.2f, want about 32", far)
	}
	if !(near < medium && medium < far) {
		t.Errorf("distance not monotonic in similarity: %.2f %.2f %.2f", near, medium, far)
	}
}

func TestAllocs(t *testing.T) {
	hs := splitmixStream(1, 6000)
	var a Accumulator
	var sink uint64
	if n := testing.AllocsPerRun(50, func() { sink ^= Sum(hs) }); n != 0 {
		t.Errorf("Sum allocates %v times", n)
	}
	if n := testing.AllocsPerRun(50, func() {
		a.Reset()
		a.AddAll(hs[:599])
		a.Add(hs[1000])
		a.AddWeighted(hs[1001], 7)
		sink ^= a.Sum()
	}); n != 0 {
		t.Errorf("Accumulator allocates %v times", n)
	}
	_ = sink
}

func FuzzSum(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(make([]byte, 8*17))
	seed := splitmixStream(3, 40)
	b := make([]byte, 0, 8*len(seed))
	for _, h := range seed {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		hs := make([]uint64, 0, len(data)/8+1)
		for len(data) >= 8 {
			hs = append(hs, binary.LittleEndian.Uint64(data))
			data = data[8:]
		}
		// The trailing bytes (fewer than 8) become weights for a weighted pass.
		want := ref(hs)
		if got := Sum(hs); got != want {
			t.Fatalf("Sum=%#x want %#x", got, want)
		}
		var a Accumulator
		half := len(hs) / 2
		for _, h := range hs[:half] {
			a.Add(h)
		}
		a.AddAll(hs[half:])
		if got := a.Sum(); got != want {
			t.Fatalf("Accumulator=%#x want %#x", got, want)
		}
		a.Reset()
		ws := make([]uint32, len(hs))
		for i := range ws {
			ws[i] = 1
			if len(data) > 0 {
				// Small weights take the ripple path, large ones the
				// per-bit counters.
				if b := data[i%len(data)]; b < 128 {
					ws[i] = uint32(b % 16)
				} else {
					ws[i] = uint32(b) * 0x01010101
				}
			}
			a.AddWeighted(hs[i], ws[i])
		}
		if got, want := a.Sum(), refWeighted(hs, ws); got != want {
			t.Fatalf("weighted=%#x want %#x", got, want)
		}
	})
}

func BenchmarkSum(b *testing.B) {
	for _, n := range []int{20, 600, 6000} {
		hs := splitmixStream(uint64(n), n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			var sink uint64
			for b.Loop() {
				sink ^= Sum(hs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/feature")
			_ = sink
		})
	}
}

func BenchmarkAccumulatorAddAll(b *testing.B) {
	const n = 600
	hs := splitmixStream(11, n)
	b.SetBytes(8 * n)
	b.ReportAllocs()
	var a Accumulator
	var sink uint64
	for b.Loop() {
		a.Reset()
		a.AddAll(hs[:n/3])
		a.AddAll(hs[n/3:])
		sink ^= a.Sum()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/feature")
	_ = sink
}

func BenchmarkAccumulatorWeighted(b *testing.B) {
	const n = 600
	hs := splitmixStream(12, n)
	for _, c := range []struct {
		name string
		max  uint32
	}{{"w<16", 16}, {"w<2^32", math.MaxUint32}} {
		ws := make([]uint32, n)
		r := rand.New(rand.NewPCG(1, 1))
		for i := range ws {
			ws[i] = r.Uint32N(c.max)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(8 * n)
			b.ReportAllocs()
			var a Accumulator
			var sink uint64
			for b.Loop() {
				a.Reset()
				for i, h := range hs {
					a.AddWeighted(h, ws[i])
				}
				sink ^= a.Sum()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/feature")
			_ = sink
		})
	}
}
