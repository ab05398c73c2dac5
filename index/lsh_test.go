package index

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func TestCandidateProbability(t *testing.T) {
	// Naive evaluation of the same formula.
	naive := func(j float64, b, r int) float64 {
		miss := 1.0
		for range b {
			miss *= 1 - math.Pow(j, float64(r))
		}
		return 1 - miss
	}
	for _, j := range []float64{0.01, 0.1, 0.3, 0.5, 0.8, 0.9, 0.99} {
		for _, b := range []int{1, 2, 9, 13, 50} {
			for _, r := range []int{1, 3, 7, 13} {
				got, want := CandidateProbability(j, b, r), naive(j, b, r)
				if math.Abs(got-want) > 1e-12*want && math.Abs(got-want) > 1e-13 { // 1-∏ loses ~1e-16·b absolutely
					t.Errorf("P(%v, %d, %d) = %v, want %v", j, b, r, got, want)
				}
			}
		}
	}
	// The classic balanced banding for 0.8 misses most pairs at 0.8.
	if p := CandidateProbability(0.8, 9, 13); math.Abs(p-0.3988438782401642) > 1e-12 {
		t.Errorf("P(0.8, 9 bands, 13 rows) = %v, want 0.3988…", p)
	}
	// Precision for tiny j^r: 1-(1-x)^b ≈ b·x.
	if p := CandidateProbability(1e-3, 2, 4); math.Abs(p/2e-12-1) > 1e-9 {
		t.Errorf("P(1e-3, 2, 4) = %v, want ≈ 2e-12", p)
	}
	edges := []struct {
		j    float64
		b, r int
		want float64
	}{
		{-0.5, 4, 4, 0}, {0, 4, 4, 0}, {1, 4, 4, 1}, {1.5, 4, 4, 1},
		{0.5, 0, 4, 0}, {0.5, 4, 0, 0}, {0.5, -1, -1, 0}, {math.Inf(1), 1, 1, 1},
	}
	for _, e := range edges {
		if got := CandidateProbability(e.j, e.b, e.r); got != e.want {
			t.Errorf("P(%v, %d, %d) = %v, want %v", e.j, e.b, e.r, got, e.want)
		}
	}
	if !math.IsNaN(CandidateProbability(math.NaN(), 4, 4)) {
		t.Error("P(NaN) is not NaN")
	}
	if p := (LSHParams{Bands: 9, Rows: 13}).Probability(0.8); p != CandidateProbability(0.8, 9, 13) {
		t.Errorf("Probability = %v", p)
	}
}

func TestFalseMassAccuracy(t *testing.T) {
	for _, c := range []struct {
		t    float64
		b, r int
	}{{0.8, 13, 7}, {0.5, 23, 3}, {0.95, 6, 18}, {0.3, 32, 2}, {0.9, 1, 1}} {
		// Midpoint rule with many intervals.
		const n = 1 << 17
		h := c.t / n
		want := 0.0
		for i := range n {
			want += CandidateProbability((float64(i)+0.5)*h, c.b, c.r)
		}
		want *= h
		if got := falseMass(c.t, c.b, c.r); math.Abs(got-want) > 1e-9*want {
			t.Errorf("falseMass(%v, %d, %d) = %v, want %v", c.t, c.b, c.r, got, want)
		}
	}
	if got, want := falseMass(0.9, 1, 1), 0.9*0.9/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("∫₀^0.9 j dj = %v, want %v", got, want)
	}
}

func TestChooseLSHPinned(t *testing.T) {
	cases := []struct {
		t      float64
		k      int
		recall float64
		want   LSHParams
	}{
		{0.8, 128, 0.95, LSHParams{13, 7}},
		{0.5, 128, 0.95, LSHParams{23, 3}},
		{0.9, 128, 0.95, LSHParams{10, 12}},
		{0.95, 128, 0.95, LSHParams{6, 18}},
		{0.3, 128, 0.95, LSHParams{32, 2}},
		{0.8, 64, 0.95, LSHParams{10, 6}},
		{0.8, 256, 0.95, LSHParams{21, 9}},
		{0.5, 256, 0.95, LSHParams{47, 4}},
		{0.9, 1, 0.5, LSHParams{1, 1}},
	}
	for _, c := range cases {
		got, err := ChooseLSH(c.t, c.k, c.recall)
		if err != nil || got != c.want {
			t.Errorf("ChooseLSH(%v, %d, %v) = %+v, %v; want %+v", c.t, c.k, c.recall, got, err, c.want)
		}
	}
}

func TestChooseLSHProperties(t *testing.T) {
	for _, k := range []int{64, 128, 256} {
		for _, recall := range []float64{0.9, 0.95, 0.99} {
			for ti := 6; ti <= 19; ti++ {
				th := float64(ti) * 0.05
				p, err := ChooseLSH(th, k, recall)
				if err != nil {
					t.Errorf("ChooseLSH(%v, %d, %v): %v", th, k, recall, err)
					continue
				}
				if p.Validate() != nil || p.Bands*p.Rows > k {
					t.Errorf("ChooseLSH(%v, %d, %v) = %+v: invalid or above k", th, k, recall, p)
				}
				if pr := p.Probability(th); pr < recall {
					t.Errorf("ChooseLSH(%v, %d, %v) = %+v: P(threshold) = %v", th, k, recall, p, pr)
				}
				// One band fewer must miss the recall (else it would have
				// less false mass).
				if p.Bands > 1 && CandidateProbability(th, p.Bands-1, p.Rows) >= recall {
					t.Errorf("ChooseLSH(%v, %d, %v) = %+v: %d bands suffice", th, k, recall, p, p.Bands-1)
				}
			}
		}
	}
}

// TestChooseLSHOptimal checks the choice against an exhaustive search over
// every banding of at most k values.
func TestChooseLSHOptimal(t *testing.T) {
	const k = 128
	for _, th := range []float64{0.5, 0.8, 0.9} {
		got, err := ChooseLSH(th, k, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		gotMass := falseMass(th, got.Bands, got.Rows)
		for r := 1; r <= k; r++ {
			for b := 1; b*r <= k; b++ {
				if CandidateProbability(th, b, r) < 0.95 {
					continue
				}
				m := falseMass(th, b, r)
				if m < gotMass*(1-1e-9) || (m <= gotMass*(1+1e-9) && b < got.Bands) {
					t.Errorf("threshold %v: %d×%d has mass %v, better than chosen %+v with %v", th, b, r, m, got, gotMass)
				}
			}
		}
	}
}

func TestChooseLSHErrors(t *testing.T) {
	cases := []struct {
		t      float64
		k      int
		recall float64
	}{
		{0, 128, 0.95}, {1, 128, 0.95}, {-0.1, 128, 0.95}, {math.NaN(), 128, 0.95}, {math.Inf(1), 128, 0.95},
		{0.8, 0, 0.95}, {0.8, -5, 0.95},
		{0.8, 128, 0}, {0.8, 128, 1}, {0.8, 128, math.NaN()},
		{0.01, 4, 0.95},        // unreachable recall
		{1e-300, 1 << 30, 0.5}, // huge k is clamped, still unreachable
	}
	for _, c := range cases {
		p, err := ChooseLSH(c.t, c.k, c.recall)
		if !errors.Is(err, ErrParams) || p != (LSHParams{}) {
			t.Errorf("ChooseLSH(%v, %d, %v) = %+v, %v; want ErrParams", c.t, c.k, c.recall, p, err)
		}
	}
	// A huge k is clamped to MaxSignature and still gives a valid answer.
	p, err := ChooseLSH(0.99, math.MaxInt, 0.95)
	if err != nil || p.SignatureLen() == 0 || p.Probability(0.99) < 0.95 {
		t.Errorf("ChooseLSH(0.99, MaxInt, 0.95) = %+v, %v", p, err)
	}
}

func TestLSHParamsValidate(t *testing.T) {
	for _, p := range []LSHParams{{}, {0, 4}, {4, 0}, {-1, 3}, {MaxSignature, 2}, {math.MaxInt, math.MaxInt}} {
		if err := p.Validate(); !errors.Is(err, ErrParams) {
			t.Errorf("%+v.Validate() = %v", p, err)
		}
		if p.SignatureLen() != 0 {
			t.Errorf("%+v.SignatureLen() = %d", p, p.SignatureLen())
		}
		if _, err := NewLSH(p); !errors.Is(err, ErrParams) {
			t.Errorf("NewLSH(%+v) = %v", p, err)
		}
	}
	if err := (LSHParams{MaxSignature, 1}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestBandKey(t *testing.T) {
	// Pinned values: the band key function is part of the stable format.
	pinned := []struct {
		band int
		rows []uint32
		want uint64
	}{
		{0, nil, 0x9ca066f1a4ab2eea},
		{0, []uint32{1, 2, 3}, 0x5ed73904e0b9e75d},
		{1, []uint32{1, 2, 3}, 0x2a99a7748262c6ac},
		{12, []uint32{0xFFFFFFFF, 0, 7, 7, 1 << 31, 99, 123456789}, 0x98f7d6c2d714196f},
	}
	for _, c := range pinned {
		if got := BandKey(c.band, c.rows); got != c.want {
			t.Errorf("BandKey(%d, %v) = %#x, want %#x", c.band, c.rows, got, c.want)
		}
	}
	// Keys differ with the band, any value, and the length.
	base := []uint32{10, 20, 30, 40, 50}
	seen := map[uint64]string{}
	note := func(k uint64, what string) {
		if prev, ok := seen[k]; ok {
			t.Errorf("%s and %s share key %#x", what, prev, k)
		}
		seen[k] = what
	}
	for b := range 4 {
		note(BandKey(b, base), "band")
		for i := range base {
			v := slices.Clone(base)
			v[i]++
			note(BandKey(b, v), "value")
		}
		note(BandKey(b, base[:4]), "length 4")
		note(BandKey(b, append(slices.Clone(base[:4]), 0)), "trailing zero")
	}
}

func TestAppendBandKeys(t *testing.T) {
	p := LSHParams{Bands: 4, Rows: 3}
	sig := make([]uint32, 14)
	for i := range sig {
		sig[i] = uint32(i * 1000003)
	}
	keys := p.AppendBandKeys([]uint64{7}, sig)
	if len(keys) != 5 || keys[0] != 7 {
		t.Fatalf("AppendBandKeys = %x", keys)
	}
	for b := range 4 {
		if keys[b+1] != BandKey(b, sig[3*b:3*b+3]) {
			t.Errorf("band %d key %#x, want %#x", b, keys[b+1], BandKey(b, sig[3*b:3*b+3]))
		}
	}
	if got := p.AppendBandKeys(keys[:1], sig[:11]); len(got) != 1 {
		t.Errorf("short signature appended %d keys", len(got)-1)
	}
	if got := (LSHParams{}).AppendBandKeys(nil, sig); got != nil {
		t.Errorf("invalid params appended %v", got)
	}
	buf := make([]uint64, 0, 64)
	if a := testing.AllocsPerRun(100, func() { buf = p.AppendBandKeys(buf[:0], sig) }); a != 0 {
		t.Errorf("AppendBandKeys allocates %v times", a)
	}
}

// bruteCandidates returns the indexed documents sharing a band with sig.
func bruteCandidates(p LSHParams, docs map[uint32][]uint32, sig []uint32) []uint32 {
	out := []uint32{}
	for d, s := range docs {
		for b := range p.Bands {
			lo, hi := b*p.Rows, (b+1)*p.Rows
			if slices.Equal(s[lo:hi], sig[lo:hi]) {
				out = append(out, d)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestLSHDifferential compares Candidates with a brute-force scan, using
// signatures over a tiny alphabet so that buckets hold many documents.
func TestLSHDifferential(t *testing.T) {
	p := LSHParams{Bands: 5, Rows: 2}
	l, err := NewLSH(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	randSig := func() []uint32 {
		s := make([]uint32, 11) // one spare value, ignored
		for i := range s {
			s[i] = r.Uint32N(4)
		}
		return s
	}
	docs := map[uint32][]uint32{}
	dst := roaring.New()
	for i := range 1500 {
		doc := uint32(i * 37)
		if i%10 == 9 {
			doc = math.MaxUint32 - uint32(i)
		}
		sig := randSig()
		if err := l.Add(doc, sig); err != nil {
			t.Fatal(err)
		}
		docs[doc] = sig
		if i%3 == 0 { // remove a random earlier document
			for d, s := range docs {
				if err := l.Remove(d, s); err != nil {
					t.Fatal(err)
				}
				delete(docs, d)
				break
			}
		}
		if i%50 == 0 {
			q := randSig()
			l.Candidates(dst, q)
			if got, want := dst.ToArray(), bruteCandidates(p, docs, q); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("step %d: Candidates = %v, want %v", i, got, want)
			}
		}
	}
	for b := range l.bands {
		checkStore(t, &l.bands[b])
	}
	// maxDF: a bucket over the limit is skipped.
	q := randSig()
	l.CandidatesMaxDF(dst, q, 100)
	want := map[uint32]bool{}
	for b := range p.Bands {
		lo, hi := b*p.Rows, (b+1)*p.Rows
		var bucket []uint32
		for d, s := range docs {
			if slices.Equal(s[lo:hi], q[lo:hi]) {
				bucket = append(bucket, d)
			}
		}
		if len(bucket) <= 100 {
			for _, d := range bucket {
				want[d] = true
			}
		}
	}
	if dst.GetCardinality() != uint64(len(want)) {
		t.Fatalf("CandidatesMaxDF: %d candidates, want %d", dst.GetCardinality(), len(want))
	}
	for d := range want {
		if !dst.Contains(d) {
			t.Fatalf("CandidatesMaxDF misses %d", d)
		}
	}
	// Removing everything leaves empty tables.
	for d, s := range docs {
		if err := l.Remove(d, s); err != nil {
			t.Fatal(err)
		}
	}
	for b := range l.bands {
		if l.bands[b].length() != 0 || l.bands[b].slots != nil {
			t.Fatalf("band %d not empty after removing everything", b)
		}
	}
}

func TestLSHErrors(t *testing.T) {
	l, err := NewLSH(LSHParams{Bands: 4, Rows: 4})
	if err != nil {
		t.Fatal(err)
	}
	if l.Params() != (LSHParams{Bands: 4, Rows: 4}) {
		t.Errorf("Params = %+v", l.Params())
	}
	short := make([]uint32, 15)
	if err := l.Add(1, short); !errors.Is(err, ErrSignature) {
		t.Errorf("Add(short) = %v", err)
	}
	if err := l.Remove(1, short); !errors.Is(err, ErrSignature) {
		t.Errorf("Remove(short) = %v", err)
	}
	sig := make([]uint32, 16)
	for i := range sig {
		sig[i] = uint32(i)
	}
	if err := l.Add(1, sig); err != nil {
		t.Fatal(err)
	}
	dst := roaring.BitmapOf(5, 6)
	l.Candidates(dst, short)
	if !dst.IsEmpty() {
		t.Errorf("Candidates(short) left %v", dst.ToArray())
	}
	l.Candidates(dst, sig)
	if !slices.Equal(dst.ToArray(), []uint32{1}) {
		t.Errorf("Candidates = %v", dst.ToArray())
	}
	other := slices.Clone(sig)
	other[0]++ // differs in band 0 only
	if err := l.Remove(1, other); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("Remove(other signature) = %v", err)
	}
	l.Candidates(dst, sig)
	if !slices.Equal(dst.ToArray(), []uint32{1}) { // still in band 0
		t.Errorf("after partial removal Candidates = %v", dst.ToArray())
	}
	if err := l.Remove(1, sig); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("Remove after partial removal = %v", err)
	}
	l.Candidates(dst, sig)
	if !dst.IsEmpty() {
		t.Errorf("after removal Candidates = %v", dst.ToArray())
	}
	if err := l.Remove(1, sig); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("second Remove = %v", err)
	}
}

// correlated writes into b a signature agreeing with a at each position
// independently with probability j.
func correlated(r *rand.Rand, a, b []uint32, j float64) {
	for i := range a {
		if r.Float64() < j {
			b[i] = a[i]
		} else {
			b[i] = r.Uint32() | 1<<31 // a is drawn below 1<<31: never equal
		}
	}
}

// TestLSHCandidateRate checks that the observed candidate rate of pairs with
// agreement probability J matches the S-curve within 3 binomial standard
// deviations.
func TestLSHCandidateRate(t *testing.T) {
	for _, p := range []LSHParams{{Bands: 8, Rows: 4}, {Bands: 13, Rows: 7}} {
		for _, j := range []float64{0.3, 0.5, 0.7, 0.8, 0.9} {
			const n = 1500
			l, err := NewLSH(p)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(uint64(p.Rows), math.Float64bits(j)))
			k := p.Bands * p.Rows
			base := make([]uint32, n*k)
			for i := range base {
				base[i] = r.Uint32N(1 << 31)
			}
			for d := range n {
				if err := l.Add(uint32(d), base[d*k:(d+1)*k]); err != nil {
					t.Fatal(err)
				}
			}
			q := make([]uint32, k)
			dst := roaring.New()
			hits, others := 0, uint64(0)
			for d := range n {
				correlated(r, base[d*k:(d+1)*k], q, j)
				l.Candidates(dst, q)
				if dst.Contains(uint32(d)) {
					hits++
					others += dst.GetCardinality() - 1
				} else {
					others += dst.GetCardinality()
				}
			}
			want := p.Probability(j)
			sigma := math.Sqrt(want * (1 - want) / n)
			got := float64(hits) / n
			if math.Abs(got-want) > 3*sigma+0.5/n {
				t.Errorf("%+v, J = %v: candidate rate %.4f, want %.4f ± %.4f", p, j, got, want, 3*sigma)
			}
			if others != 0 {
				t.Errorf("%+v, J = %v: %d candidates from unrelated signatures", p, j, others)
			}
		}
	}
}

func TestLSHAllocs(t *testing.T) {
	p, _ := ChooseLSH(0.8, 128, 0.95)
	l, _ := NewLSH(p)
	const n = 2000
	l.Grow(n + 1)
	r := rand.New(rand.NewPCG(5, 6))
	sigs := make([][]uint32, n+1)
	for i := range sigs {
		sigs[i] = make([]uint32, 128)
		for v := range sigs[i] {
			sigs[i][v] = r.Uint32()
		}
	}
	for d := range n {
		if err := l.Add(uint32(d), sigs[d]); err != nil {
			t.Fatal(err)
		}
	}
	// Add with reserved room allocates nothing.
	if a := testing.AllocsPerRun(1, func() { _ = l.Add(n, sigs[n]) }); a != 0 {
		t.Errorf("Add allocates %v times", a)
	}
	dst := roaring.New()
	fresh := make([]uint32, 128)
	for i := range fresh {
		fresh[i] = r.Uint32()
	}
	if a := testing.AllocsPerRun(50, func() { l.Candidates(dst, fresh) }); a != 0 {
		t.Errorf("Candidates without hits allocates %v times", a)
	}
	// A query hitting one document: roaring needs a container for dst.
	a := testing.AllocsPerRun(50, func() { l.Candidates(dst, sigs[7]) })
	if !slices.Equal(dst.ToArray(), []uint32{7}) {
		t.Fatalf("Candidates = %v", dst.ToArray())
	}
	t.Logf("Candidates with one hit: %v allocations", a)
	if a > 2 {
		t.Errorf("Candidates with one hit allocates %v times, want ≤ 2", a)
	}
	// Postings: Add of a new key into reserved room allocates nothing.
	var ps Postings
	ps.Grow(1000)
	k := uint64(0)
	if a := testing.AllocsPerRun(500, func() { k++; ps.Add(k, 9) }); a != 0 {
		t.Errorf("Postings.Add allocates %v times", a)
	}
	var docs []uint32
	docs = ps.AppendDocs(docs, 1)
	if a := testing.AllocsPerRun(100, func() { docs = ps.AppendDocs(docs[:0], 3) }); a != 0 {
		t.Errorf("AppendDocs allocates %v times", a)
	}
	keys := []uint64{1, 2, 3, 4, 1 << 40}
	a = testing.AllocsPerRun(50, func() { ps.Union(dst, keys, 0) })
	t.Logf("Union of 4 singletons: %v allocations", a)
	if a > 2 {
		t.Errorf("Union allocates %v times, want ≤ 2", a)
	}
}

// TestLSHConcurrentReads runs readers concurrently (meaningful under -race).
func TestLSHConcurrentReads(t *testing.T) {
	l, _ := NewLSH(LSHParams{Bands: 4, Rows: 2})
	var ps Postings
	sigs := make([][]uint32, 200)
	for i := range sigs {
		sigs[i] = []uint32{uint32(i % 3), 1, uint32(i % 5), 2, uint32(i % 40), 3, uint32(i), 4}
		_ = l.Add(uint32(i), sigs[i])
		ps.Add(uint64(i%3), uint32(i))
		ps.Add(uint64(i%50), uint32(i))
	}
	want := roaring.New()
	l.Candidates(want, sigs[0])
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := roaring.New()
			for i := range 50 {
				l.Candidates(dst, sigs[0])
				if !dst.Equals(want) {
					t.Error("concurrent Candidates differ")
					return
				}
				ps.Union(dst, []uint64{0, 1, 2, uint64(i)}, 0)
				_ = ps.Cardinality(1)
				_ = l.MemoryBytes()
			}
		}()
	}
	wg.Wait()
}

// FuzzLSH interprets the input as additions, removals and queries on a
// 3-band LSH over a 3-letter alphabet and checks Candidates against a
// brute-force scan. Each operation takes 4 bytes: opcode, document, and two
// bytes spelling the 6-value signature.
func FuzzLSH(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0})
	f.Add([]byte{0, 1, 5, 7, 0, 255, 5, 7, 1, 1, 5, 7, 2, 0, 5, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := LSHParams{Bands: 3, Rows: 2}
		l, err := NewLSH(p)
		if err != nil {
			t.Fatal(err)
		}
		docs := map[uint32][]uint32{}
		dst := roaring.New()
		for ; len(data) >= 4; data = data[4:] {
			doc := uint32(data[1])
			if doc >= 200 {
				doc = math.MaxUint32 - doc
			}
			bits := uint16(data[2]) | uint16(data[3])<<8
			sig := make([]uint32, 6)
			for i := range sig {
				sig[i] = uint32(bits % 3)
				bits /= 3
			}
			switch data[0] % 3 {
			case 0:
				if old, ok := docs[doc]; ok {
					sig = old // a document keeps its signature
				}
				if err := l.Add(doc, sig); err != nil {
					t.Fatal(err)
				}
				docs[doc] = sig
			case 1:
				old, ok := docs[doc]
				if !ok {
					if err := l.Remove(doc, sig); !errors.Is(err, ErrNotIndexed) {
						t.Fatalf("Remove of absent doc %d: %v", doc, err)
					}
					continue
				}
				if err := l.Remove(doc, old); err != nil {
					t.Fatal(err)
				}
				delete(docs, doc)
			case 2:
				l.Candidates(dst, sig)
				if got, want := dst.ToArray(), bruteCandidates(p, docs, sig); !slices.Equal(got, want) && len(got)+len(want) > 0 {
					t.Fatalf("Candidates(%v) = %v, want %v", sig, got, want)
				}
			}
		}
		for b := range l.bands {
			checkStore(t, &l.bands[b])
		}
	})
}

// TestLSHKeys checks that the key-based methods are the signature-based ones
// with the keys of AppendKeys: two indexes fed the same operations, one by
// signature and one by keys, answer every query alike.
func TestLSHKeys(t *testing.T) {
	p := LSHParams{Bands: 40, Rows: 2} // more bands than one batch of aheadBands
	bySig, _ := NewLSH(p)
	byKey, _ := NewLSH(p)
	r := rand.New(rand.NewPCG(9, 9))
	randSig := func() []uint32 {
		s := make([]uint32, p.SignatureLen())
		for i := range s {
			s[i] = r.Uint32N(3)
		}
		return s
	}
	type doc struct {
		sig  []uint32
		keys []uint32
	}
	docs := map[uint32]doc{}
	a, b := roaring.New(), roaring.New()
	for i := range 600 {
		sig := randSig()
		keys, err := bySig.AppendKeys(nil, sig)
		if err != nil || len(keys) != p.Bands {
			t.Fatalf("AppendKeys: %v, %d keys", err, len(keys))
		}
		if err := bySig.Add(uint32(i), sig); err != nil {
			t.Fatal(err)
		}
		if err := byKey.AddKeys(uint32(i), keys); err != nil {
			t.Fatal(err)
		}
		docs[uint32(i)] = doc{sig, keys}
		if i%4 == 3 {
			for id, d := range docs {
				if err := bySig.Remove(id, d.sig); err != nil {
					t.Fatal(err)
				}
				if err := byKey.RemoveKeys(id, d.keys); err != nil {
					t.Fatal(err)
				}
				delete(docs, id)
				break
			}
		}
		q := randSig()
		qk, _ := bySig.AppendKeys(nil, q)
		bySig.CandidatesMaxDF(a, q, 50)
		byKey.CandidatesKeys(b, qk, 50)
		if !a.Equals(b) {
			t.Fatalf("step %d: by keys %v, by signature %v", i, b.ToArray(), a.ToArray())
		}
	}
	if err := byKey.AddKeys(1, []uint32{1, 2}); !errors.Is(err, ErrSignature) {
		t.Errorf("AddKeys with 2 keys: %v", err)
	}
	if err := byKey.RemoveKeys(100000, make([]uint32, p.Bands)); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("RemoveKeys of an absent document: %v", err)
	}
	if _, err := byKey.AppendKeys(nil, []uint32{1}); !errors.Is(err, ErrSignature) {
		t.Errorf("AppendKeys of a short signature: %v", err)
	}
	byKey.CandidatesKeys(b, []uint32{1}, 0)
	if !b.IsEmpty() {
		t.Errorf("CandidatesKeys with wrong key count not empty")
	}
}
