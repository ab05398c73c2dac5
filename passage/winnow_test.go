package passage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// refWinnow applies the robust winnowing rule window by window.
func refWinnow(h []uint64, w int) []Fingerprint {
	var out []Fingerprint
	if len(h) == 0 {
		return out
	}
	w = min(w, len(h))
	sel := -1
	for s := 0; s+w <= len(h); s++ {
		m := h[s]
		for _, x := range h[s : s+w] {
			m = min(m, x)
		}
		if sel >= s && h[sel] == m {
			continue // keep the previous window's choice
		}
		for i := s + w - 1; i >= s; i-- {
			if h[i] == m {
				sel = i
				break
			}
		}
		out = append(out, Fingerprint{m, int32(sel)})
	}
	return out
}

func TestWindow(t *testing.T) {
	for _, c := range []struct{ minWords, want int }{
		{0, 6}, {-3, 6}, {1, 1}, {4, 1}, {5, 1}, {6, 2}, {10, 6}, {25, 21},
	} {
		if got := (Params{MinIdentity: 1, MinWords: c.minWords}).Window(); got != c.want {
			t.Errorf("Window(MinWords=%d) = %d, want %d", c.minWords, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, p := range []Params{{}, {MinWords: 5}, {MinWords: 40, MaxGap: -1}, {MaxGap: 100}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	for _, p := range []Params{{MinWords: -1}, {MinWords: 1}, {MinWords: 4}} {
		if err := p.Validate(); err == nil || !errorsIs(err, ErrParams) {
			t.Errorf("%+v: got %v, want ErrParams", p, err)
		}
	}
}

func TestWinnowMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		n := rng.IntN(60)
		vocab := 1 + rng.IntN(6) // many ties
		h := make([]uint64, n)
		for i := range h {
			h[i] = uint64(rng.IntN(vocab))
		}
		p := Params{MinIdentity: 1, MinWords: 5 + rng.IntN(10)}
		got := p.AppendFingerprints(nil, Doc{Shingles: h})
		want := refWinnow(h, p.Window())
		if !slices.Equal(got, want) {
			t.Fatalf("w=%d h=%v\ngot  %v\nwant %v", p.Window(), h, got, want)
		}
	}
}

func TestWinnowExact(t *testing.T) {
	h := []uint64{7, 3, 9, 3, 8, 8, 2, 6, 6, 6, 5, 9, 9, 9, 9}
	got := Params{MinIdentity: 1, MinWords: 7}.AppendFingerprints(nil, Doc{Shingles: h}) // w = 3
	want := []Fingerprint{{3, 1}, {3, 3}, {2, 6}, {6, 9}, {5, 10}, {9, 13}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Constant hashes: robust winnowing keeps one choice per window
	// length, at positions w-1, 2w-1, ...
	c := make([]uint64, 100)
	got = Params{MinIdentity: 1}.AppendFingerprints(nil, Doc{Shingles: c})
	if len(got) != 16 {
		t.Fatalf("constant text: %d fingerprints, want 16", len(got))
	}
	for i, f := range got {
		if f.Pos != int32(6*i+5) {
			t.Fatalf("constant text: fingerprint %d at %d, want %d", i, f.Pos, 6*i+5)
		}
	}
	// Short documents are one window.
	got = Params{MinIdentity: 1}.AppendFingerprints(nil, Doc{Shingles: []uint64{4, 1, 1}})
	if !slices.Equal(got, []Fingerprint{{1, 2}}) {
		t.Fatalf("short doc: %v", got)
	}
	if got := (Params{MinIdentity: 1}).AppendFingerprints(nil, Doc{}); len(got) != 0 {
		t.Fatalf("empty doc: %v", got)
	}
}

// TestWinnowDensity checks the expected density 2/(w+1) of winnowing on
// random hashes (Schleimer et al. 2003, Lemma 1).
func TestWinnowDensity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	h := make([]uint64, 20000)
	for i := range h {
		h[i] = rng.Uint64()
	}
	for _, g := range []int{6, 10, 20} {
		p := Params{MinIdentity: 1, MinWords: g}
		w := p.Window()
		got := len(p.AppendFingerprints(nil, Doc{Shingles: h}))
		want := 2 * float64(len(h)) / float64(w+1)
		if float64(got) < 0.93*want || float64(got) > 1.07*want {
			t.Errorf("w=%d: %d fingerprints, want about %.0f", w, got, want)
		}
	}
}

// TestWinnowGuarantee plants shared runs of exactly MinWords tokens in
// random documents and checks by brute force that both documents have a
// fingerprint with the same hash inside the run, and that aligning through
// the fingerprints finds the run.
func TestWinnowGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 3000; trial++ {
		g := ShingleSize + rng.IntN(12)
		p := Params{MinIdentity: 1, MinWords: g, MaxGap: -1}
		w := p.Window()
		vocab := 2 + rng.IntN(40) // small vocabularies give ties
		run := randToks(rng, g, vocab)
		a := cat(randToks(rng, rng.IntN(40), vocab), run, randToks(rng, rng.IntN(40), vocab))
		b := cat(randToks(rng, rng.IntN(40), vocab), run, randToks(rng, rng.IntN(40), vocab))
		pa := findRun(a, run)
		pb := findRun(b, run)
		da, db := mkDoc(a), mkDoc(b)
		fa := p.AppendFingerprints(nil, da)
		fb := p.AppendFingerprints(nil, db)
		common := false
		for _, x := range fa {
			if int(x.Pos) < pa || int(x.Pos) >= pa+w {
				continue
			}
			for _, y := range fb {
				if int(y.Pos) >= pb && int(y.Pos) < pb+w && x.Hash == y.Hash {
					common = true
				}
			}
		}
		if !common {
			t.Fatalf("g=%d: no common fingerprint in the run a[%d:], b[%d:]\nfa=%v\nfb=%v", g, pa, pb, fa, fb)
		}
		if capBinds(fa, fb) {
			continue
		}
		ps := p.Align(nil, da, db, AppendSeeds(nil, fa, fb))
		want := Passage{A: Range{pa, pa + g}, B: Range{pb, pb + g}, Matched: g, Aligned: g}
		found := false
		for _, q := range ps {
			if setCovers(q, want, false) {
				found = true
			}
		}
		if !found {
			t.Fatalf("g=%d vocab=%d: run %+v not aligned: %+v", g, vocab, want, ps)
		}
	}
}

// findRun returns the first start of run in t.
func findRun(t, run []uint32) int {
	for i := 0; i+len(run) <= len(t); i++ {
		if slices.Equal(t[i:i+len(run)], run) {
			return i
		}
	}
	return -1
}

func TestFingerprintsAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d := mkDoc(randToks(rng, 1000, 500))
	dst := make([]Fingerprint, 0, 1000)
	p := Params{MinIdentity: 1}
	if n := testing.AllocsPerRun(50, func() { dst = p.AppendFingerprints(dst[:0], d) }); n != 0 {
		t.Fatalf("AppendFingerprints: %v allocs, want 0", n)
	}
}
