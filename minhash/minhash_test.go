package minhash

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestParams(t *testing.T) {
	for _, tc := range []struct {
		k, want int // want: the K used by Sign
		valid   bool
	}{
		{0, DefaultK, true}, {1, 1, true}, {64, 64, true}, {MaxK, MaxK, true},
		{-1, DefaultK, false}, {math.MinInt, DefaultK, false},
		{MaxK + 1, MaxK, false}, {math.MaxInt, MaxK, false},
	} {
		p := Params{K: tc.k}
		err := p.Validate()
		if tc.valid != (err == nil) {
			t.Errorf("Params{K: %d}.Validate() = %v, want valid=%v", tc.k, err, tc.valid)
		}
		if err != nil {
			if !errors.Is(err, ErrParams) {
				t.Errorf("Validate error %v does not wrap ErrParams", err)
			}
			if !strings.HasPrefix(err.Error(), "minhash: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		}
		if got := Sign(stream(1, 3), p).K(); got != tc.want {
			t.Errorf("Sign with K=%d gave %d values, want %d", tc.k, got, tc.want)
		}
	}
	if got := (Params{}).WithDefaults(); got != (Params{K: DefaultK}) {
		t.Errorf("WithDefaults of zero = %+v", got)
	}
	if got := (Params{K: 7}).WithDefaults(); got != (Params{K: 7}) {
		t.Errorf("WithDefaults changed K=7: %+v", got)
	}
	if got := (Params{K: -3}).WithDefaults(); got != (Params{K: -3}) {
		t.Errorf("WithDefaults changed an invalid K: %+v", got)
	}
}

// TestSignMatchesReference compares Sign with refSign over many sizes and K,
// including sparse sets that need heavy densification.
func TestSignMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, k := range []int{1, 2, 3, 7, 63, 64, 65, 100, 128, 256, 1000} {
		for _, n := range []int{0, 1, 2, 5, 20, 64, 127, 600, 3000} {
			if n > 0 && k*k/n > 200_000 {
				continue
			}
			hashes := stream(rng.Uint64(), n)
			got, want := Sign(hashes, Params{K: k}), refSign(hashes, k)
			if got.Size != want.Size || !slices.Equal(got.Values, want.Values) {
				t.Fatalf("k=%d n=%d: Sign differs from reference\n got %x\nwant %x", k, n, got.Values, want.Values)
			}
		}
	}
}

func TestSignMaxK(t *testing.T) {
	hashes := stream(99, 5000) // about 30% of the 4096 bins are empty
	got := Sign(hashes, Params{K: MaxK})
	want := refSign(hashes, MaxK)
	if !slices.Equal(got.Values, want.Values) {
		t.Fatal("K=MaxK: Sign differs from reference")
	}
	if g := Sign(hashes, Params{K: MaxK + 1}); !slices.Equal(g.Values, want.Values) {
		t.Fatal("K=MaxK+1 is not clamped to MaxK")
	}
}

// TestSignK1 checks the single-bin case: the value is the minimum low half.
func TestSignK1(t *testing.T) {
	hashes := []uint64{0xAAAA_0000_0000_0009, 0x0000_0001_0000_0003, 0xFFFF_FFFF_0000_0007}
	s := Sign(hashes, Params{K: 1})
	if s.Size != 3 || len(s.Values) != 1 || s.Values[0] != 3 {
		t.Fatalf("K=1: got %+v, want Size 3 and Values [3]", s)
	}
}

// TestSignHandPicked pins bins, values and densification on hand-made
// hashes with K = 4: bins are the top two bits of each hash.
func TestSignHandPicked(t *testing.T) {
	bin := func(b, v uint64) uint64 { return b<<62 | v }
	hashes := []uint64{bin(1, 50), bin(1, 40), bin(3, 7), bin(1, 45)}
	s := Sign(hashes, Params{K: 4})
	// Bins 1 and 3 hold 40 and 7; bins 0 and 2 are densified from one of them.
	if s.Values[1] != 40 || s.Values[3] != 7 {
		t.Fatalf("non-empty bins wrong: %v", s.Values)
	}
	for _, i := range []int{0, 2} {
		if v := s.Values[i]; v != 40 && v != 7 {
			t.Fatalf("densified bin %d = %d, want a copy of 40 or 7", i, v)
		}
	}
	if want := refSign(hashes, 4); !slices.Equal(s.Values, want.Values) {
		t.Fatalf("got %v, reference %v", s.Values, want.Values)
	}
}

// TestSignMaxValue covers elements whose value is 0xFFFFFFFF, which must
// count as occupying their bin although they equal the empty marker.
func TestSignMaxValue(t *testing.T) {
	const k = 8
	maxIn := func(b uint64) uint64 { return b<<61 | 0xFFFFFFFF }
	cases := [][]uint64{
		{maxIn(0)},
		{maxIn(5), 6<<61 | 12},
		{maxIn(0), maxIn(1), maxIn(2), 3<<61 | 1},
		append(stream(5, 3), maxIn(7)),
	}
	for _, hashes := range cases {
		got, want := Sign(hashes, Params{K: k}), refSign(hashes, k)
		if !slices.Equal(got.Values, want.Values) {
			t.Errorf("hashes %x: got %x, want %x", hashes, got.Values, want.Values)
		}
	}
	// A set made only of a maximal value has all values 0xFFFFFFFF but is
	// not empty: it is identical to itself.
	s := Sign(cases[0], Params{K: k})
	if s.Jaccard(s.Clone()) != 1 {
		t.Error("set {max} is not similar to itself")
	}
	// Bins 0 and 5 are occupied; densified bins copy 0xFFFFFFFF or 12.
	s = Sign(cases[1], Params{K: k})
	if s.Values[5] != 0xFFFFFFFF || s.Values[6] != 12 {
		t.Errorf("values %x", s.Values)
	}
}

func TestDensifyFallback(t *testing.T) {
	// With no probe allowed, every empty bin takes the next non-empty bin
	// to its right, circularly.
	vals := []uint32{emptyValue, 10, emptyValue, emptyValue, 20, emptyValue}
	var occ [MaxK / 64]uint64
	occ[0] = 1<<1 | 1<<4
	densify(vals, &occ, 0)
	if want := []uint32{10, 10, 20, 20, 20, 10}; !slices.Equal(vals, want) {
		t.Fatalf("fallback gave %v, want %v", vals, want)
	}
	// With a single probe hash (two probes), bins whose probes reach an
	// occupied bin copy it and the others fall back to the right.
	const k = 200
	vals = make([]uint32, k)
	occ = [MaxK / 64]uint64{}
	for i := range vals {
		vals[i] = emptyValue
	}
	vals[50], vals[150] = 1, 2
	for _, b := range []int{50, 150} {
		occ[b>>6] |= 1 << (b & 63)
	}
	want := slices.Clone(vals)
	probed := 0
	for i := range want {
		if i == 50 || i == 150 {
			continue
		}
		z := mix64(densifySeed ^ uint64(i)<<32)
		switch {
		case (z>>32)*k>>32 == 50 || (z>>32)*k>>32 != 150 && (z&0xFFFFFFFF)*k>>32 == 50:
			want[i], probed = 1, probed+1
		case (z>>32)*k>>32 == 150 || (z&0xFFFFFFFF)*k>>32 == 150:
			want[i], probed = 2, probed+1
		case i < 50 || i > 150:
			want[i] = 1
		default:
			want[i] = 2
		}
	}
	if probed == 0 {
		t.Fatal("test data does not exercise probing")
	}
	densify(vals, &occ, 1)
	if !slices.Equal(vals, want) {
		t.Fatalf("limit 1 gave %v, want %v", vals, want)
	}
}

func TestEmptySet(t *testing.T) {
	for _, k := range []int{1, 64, MaxK} {
		s := Sign(nil, Params{K: k})
		if s.Size != 0 || len(s.Values) != k {
			t.Fatalf("empty set K=%d: %+v", k, s)
		}
		for _, v := range s.Values {
			if v != 0xFFFFFFFF {
				t.Fatalf("empty set value %x", v)
			}
		}
		o := Sign(stream(1, 100), Params{K: k})
		if s.Jaccard(s) != 0 || s.Jaccard(o) != 0 || o.Jaccard(s) != 0 ||
			s.Containment(o) != 0 || o.Containment(s) != 0 || s.Intersection(o) != 0 {
			t.Fatalf("similarity with the empty set is not 0")
		}
	}
	// Signing an empty set into a used signature resets it.
	s := Sign(stream(1, 10), Params{K: 16})
	Params{K: 16}.Sign(&s, []uint64{})
	if s.Size != 0 || s.Values[3] != 0xFFFFFFFF {
		t.Fatalf("re-signing the empty set: %+v", s)
	}
	Params{}.Sign(nil, stream(1, 3)) // must not panic
}

func TestIdenticalAndDisjoint(t *testing.T) {
	for _, n := range []int{1, 3, 20, 600} {
		a := stream(uint64(n), n)
		b := slices.Clone(a)
		rand.New(rand.NewPCG(1, uint64(n))).Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		sa, sb := Sign(a, Params{}), Sign(b, Params{})
		if sa.Jaccard(sb) != 1 || sa.Containment(sb) != 1 || sa.Intersection(sb) != float64(n) {
			t.Errorf("n=%d identical sets: J=%v C=%v I=%v", n, sa.Jaccard(sb), sa.Containment(sb), sa.Intersection(sb))
		}
		c := stream(uint64(n)+1000, n)
		// Distinct elements have distinct values except for 32-bit
		// collisions, absent from these fixed streams.
		if j := sa.Jaccard(Sign(c, Params{})); j != 0 {
			t.Errorf("n=%d disjoint sets: J=%v", n, j)
		}
	}
}

// TestDuplicatesAndOrder checks that repeated hashes and the input order do
// not change Values.
func TestDuplicatesAndOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 50, 700} {
		for _, k := range []int{16, 128, 300} {
			set := stream(rng.Uint64(), n)
			want := Sign(set, Params{K: k})
			dup := slices.Concat(set, set[:n/2+1], set)
			rng.Shuffle(len(dup), func(i, j int) { dup[i], dup[j] = dup[j], dup[i] })
			got := Sign(dup, Params{K: k})
			if !slices.Equal(got.Values, want.Values) {
				t.Fatalf("n=%d k=%d: duplicates or order changed Values", n, k)
			}
			if got.Size != len(dup) {
				t.Fatalf("Size = %d, want len(hashes) = %d", got.Size, len(dup))
			}
		}
	}
}

func TestEstimators(t *testing.T) {
	s := Signature{Size: 30, Values: []uint32{1, 2, 3, 4, 5, 6, 7, 8}}
	o := Signature{Size: 90, Values: []uint32{1, 2, 3, 4, 0, 0, 0, 0}}
	// J = 4/8; |S∩O| ≈ 0.5·120/1.5 = 40, clamped to min(30, 90) = 30.
	if j := s.Jaccard(o); j != 0.5 {
		t.Errorf("J = %v", j)
	}
	if x := s.Intersection(o); x != 30 {
		t.Errorf("Intersection = %v, want 30 (clamped)", x)
	}
	if c := s.Containment(o); c != 1 {
		t.Errorf("Containment = %v, want 1", c)
	}
	if c := o.Containment(s); c != 30.0/90 {
		t.Errorf("reverse Containment = %v, want 1/3", c)
	}
	o.Values = []uint32{1, 2, 0, 0, 0, 0, 0, 0}
	// J = 1/4; |S∩O| ≈ 0.25·120/1.25 = 24.
	if x := s.Intersection(o); math.Abs(x-24) > 1e-12 {
		t.Errorf("Intersection = %v, want 24", x)
	}
	if c, d := s.Containment(o), o.Containment(s); math.Abs(c-24.0/30) > 1e-12 || math.Abs(d-24.0/90) > 1e-12 {
		t.Errorf("Containment = %v, %v, want 0.8, 0.2667", c, d)
	}
	if s.Jaccard(o) != o.Jaccard(s) {
		t.Error("Jaccard not symmetric")
	}
	// Different K, zero K and non-positive sizes give 0.
	short := Signature{Size: 30, Values: s.Values[:7]}
	for _, pair := range [][2]Signature{
		{s, short}, {short, s}, {{}, {}}, {{Size: 5}, {Size: 5}},
		{s, {Size: -1, Values: s.Values}}, {{Size: 0, Values: s.Values}, s},
	} {
		a, b := pair[0], pair[1]
		if a.Jaccard(b) != 0 || a.Containment(b) != 0 || a.Intersection(b) != 0 {
			t.Errorf("%+v vs %+v: want all 0", a, b)
		}
	}
}

func TestMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 40 {
		a := make([]uint32, n)
		b := make([]uint32, n+rng.IntN(3))
		for i := range b {
			b[i] = uint32(rng.IntN(3))
			if i < n {
				a[i] = uint32(rng.IntN(3))
			}
		}
		want := 0
		for i := range a {
			if a[i] == b[i] {
				want++
			}
		}
		if got := Matches(a, b); got != want {
			t.Fatalf("Matches(%v, %v) = %d, want %d", a, b, got, want)
		}
		if got := Matches(b, a); got != want {
			t.Fatalf("Matches not symmetric on %v, %v", a, b)
		}
	}
	if Matches([]uint32{0xFFFFFFFF, 0}, []uint32{0xFFFFFFFF, 0x80000000}) != 1 {
		t.Fatal("Matches wrong on extreme values")
	}
}

func TestStdErr(t *testing.T) {
	for _, tc := range []struct {
		j    float64
		k    int
		want float64
	}{
		{0.5, 100, 0.05}, {0.1, 900, 0.01}, {0, 128, 0}, {1, 128, 0}, {-3, 10, 0}, {2, 10, 0},
	} {
		if got := StdErr(tc.j, tc.k); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("StdErr(%v, %d) = %v, want %v", tc.j, tc.k, got, tc.want)
		}
	}
	if !math.IsNaN(StdErr(0.5, 0)) || !math.IsNaN(StdErr(math.NaN(), 10)) {
		t.Error("StdErr of undefined input is not NaN")
	}
}

func TestClone(t *testing.T) {
	s := Sign(stream(3, 50), Params{K: 32})
	c := s.Clone()
	c.Values[0]++
	if s.Values[0] == c.Values[0] || c.Size != s.Size {
		t.Fatal("Clone shares memory or lost Size")
	}
	if z := (Signature{}).Clone(); z.Values != nil || z.Size != 0 {
		t.Fatalf("Clone of zero = %+v", z)
	}
}

func TestSignReusesBuffer(t *testing.T) {
	var s Signature
	p := Params{K: 64}
	p.Sign(&s, stream(1, 100))
	first := &s.Values[0]
	Params{K: 32}.Sign(&s, stream(2, 100))
	if &s.Values[0] != first || len(s.Values) != 32 {
		t.Fatal("Sign with smaller K did not reuse the buffer")
	}
	if want := Sign(stream(2, 100), Params{K: 32}); !slices.Equal(s.Values, want.Values) {
		t.Fatal("reused buffer gave a different signature")
	}
}

func TestSignAllocs(t *testing.T) {
	for _, n := range []int{0, 5, 600} {
		hashes := stream(4, n)
		var s Signature
		p := Params{K: 256}
		p.Sign(&s, hashes)
		if a := testing.AllocsPerRun(50, func() { p.Sign(&s, hashes) }); a != 0 {
			t.Errorf("n=%d: Sign allocates %v times per run", n, a)
		}
	}
	x, y := Sign(stream(1, 600), Params{}), Sign(stream(2, 600), Params{})
	if a := testing.AllocsPerRun(50, func() { sinkFloat = x.Jaccard(y) + x.Containment(y) }); a != 0 {
		t.Errorf("estimators allocate %v times per run", a)
	}
}

// goldenCases are the pinned signatures: splitmix64 streams signed with
// fixed K. The sparse case exercises densification on most bins.
var goldenCases = []struct {
	file string
	seed uint64
	n, k int
}{
	{"golden_n1000_k128.txt", 0, 1000, 128},
	{"golden_n1000_k64.txt", 0, 1000, 64},
	{"golden_n40_k128.txt", 0, 40, 128},
}

func formatGolden(seed uint64, n int, s Signature) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# minhash signature of splitmix64 outputs 1..%d from seed %d, K=%d\n", n, seed, s.K())
	fmt.Fprintf(&b, "size %d\n", s.Size)
	for i, v := range s.Values {
		sep := " "
		if i%8 == 7 || i == len(s.Values)-1 {
			sep = "\n"
		}
		fmt.Fprintf(&b, "%08x%s", v, sep)
	}
	return b.Bytes()
}

func parseGolden(t *testing.T, data []byte) Signature {
	t.Helper()
	var s Signature
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "size "):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "size "))
			if err != nil {
				t.Fatal(err)
			}
			s.Size = n
		default:
			for _, f := range strings.Fields(line) {
				v, err := strconv.ParseUint(f, 16, 32)
				if err != nil {
					t.Fatal(err)
				}
				s.Values = append(s.Values, uint32(v))
			}
		}
	}
	return s
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases {
		path := filepath.Join("testdata", gc.file)
		got := Sign(stream(gc.seed, gc.n), Params{K: gc.k})
		if *update {
			if err := os.WriteFile(path, formatGolden(gc.seed, gc.n, got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create)", err)
		}
		want := parseGolden(t, data)
		if got.Size != want.Size || !slices.Equal(got.Values, want.Values) {
			t.Errorf("%s: signature changed; this breaks stored signatures\n got %x\nwant %x", gc.file, got.Values, want.Values)
		}
	}
}

// shingleHashes returns the hashes of the word 3-shingles of text, in order
// and with repeats: FNV-1a of the words, finalized by mix64 for uniformity.
func shingleHashes(text string) []uint64 {
	words := strings.Fields(strings.ToLower(text))
	var out []uint64
	for i := 0; i+3 <= len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(strings.Join(words[i:i+3], " ")))
		out = append(out, mix64(h.Sum64()))
	}
	return out
}

func distinct(hashes []uint64) []uint64 {
	d := slices.Clone(hashes)
	slices.Sort(d)
	return slices.Compact(d)
}

func exactJaccard(a, b []uint64) float64 {
	inter := 0
	set := make(map[uint64]bool, len(a))
	for _, h := range a {
		set[h] = true
	}
	for _, h := range b {
		if set[h] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// TestSeedArticles signs the word shingles of the French seed articles.
// Article 001 holds its body twice: its shingle list is full of repeats that
// must not change the signature, and it nearly equals its first half.
func TestSeedArticles(t *testing.T) {
	paths, err := filepath.Glob("../testdata/seeds/*.txt")
	if err != nil || len(paths) < 2 {
		t.Fatalf("seed articles missing: %v", err)
	}
	var sets [][]uint64
	var sigs []Signature
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		all := shingleHashes(string(data))
		set := distinct(all)
		s := Sign(set, Params{})
		if d := Sign(all, Params{}); !slices.Equal(d.Values, s.Values) {
			t.Errorf("%s: repeated shingles changed the signature", path)
		}
		if strings.Contains(path, "001_") {
			if len(all) < 2*len(set)-10 {
				t.Errorf("%s: expected the body twice, got %d shingles for %d distinct", path, len(all), len(set))
			}
			text := string(data)
			half := distinct(shingleHashes(text[:len(text)/2]))
			j := exactJaccard(set, half)
			est := s.Jaccard(Sign(half, Params{}))
			if j < 0.9 || math.Abs(est-j) > 4.5*StdErr(j, DefaultK)+1.0/DefaultK {
				t.Errorf("001 vs its first half: exact J %.3f, estimate %.3f", j, est)
			}
		}
		sets = append(sets, set)
		sigs = append(sigs, s)
	}
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			exact, est := exactJaccard(sets[i], sets[j]), sigs[i].Jaccard(sigs[j])
			if math.Abs(est-exact) > 4.5*StdErr(exact, DefaultK)+2.0/DefaultK {
				t.Errorf("%s vs %s: exact J %.3f, estimate %.3f", paths[i], paths[j], exact, est)
			}
		}
	}
}

// FuzzSign compares Sign with the reference on arbitrary hash lists and
// checks order and duplicate invariance. The first two bytes choose K.
func FuzzSign(f *testing.F) {
	f.Add([]byte{128, 0})
	f.Add([]byte{1, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(binary.LittleEndian.AppendUint64([]byte{8, 0}, 0xFFFFFFFF))
	f.Add(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64([]byte{3, 1}, 0x00000000FFFFFFFF), 0xFFFFFFFFFFFFFFFF))
	seed := []byte{64, 0}
	for _, h := range stream(1, 30) {
		seed = binary.LittleEndian.AppendUint64(seed, h)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		k := 1 + int(binary.LittleEndian.Uint16(data))%300
		var hashes []uint64
		for b := data[2:]; len(b) >= 8; b = b[8:] {
			hashes = append(hashes, binary.LittleEndian.Uint64(b))
		}
		got := Sign(hashes, Params{K: k})
		want := refSign(hashes, k)
		if got.Size != want.Size || !slices.Equal(got.Values, want.Values) {
			t.Fatalf("k=%d hashes=%x: got %x, want %x", k, hashes, got.Values, want.Values)
		}
		rev := slices.Concat(hashes, hashes)
		slices.Reverse(rev)
		if r := Sign(rev, Params{K: k}); !slices.Equal(r.Values, got.Values) {
			t.Fatalf("reversed and duplicated input changed Values")
		}
	})
}
