package passage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func repeats(t *testing.T, p Params, toks []uint32) []Passage {
	t.Helper()
	got := p.Repeats(nil, mkDoc(toks))
	checkValid(t, got, toks, toks, p.minWords(), true)
	return spans(got)
}

func TestRepeatsPlanted(t *testing.T) {
	var next uint32
	n := func(k int) []uint32 { return ids(&next, k) }
	p := Params{MinIdentity: 1}
	check := func(name string, toks []uint32, want []Passage) {
		t.Helper()
		if got := repeats(t, p, toks); !slices.Equal(got, want) {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}

	par := n(25)
	check("repeated paragraph", cat(n(7), par, n(30), par, n(4)), []Passage{pass(7, 32, 62, 87)})
	check("at start and end", cat(par, n(12), par), []Passage{pass(0, 25, 37, 62)})
	check("adjacent copies", cat(par, par), []Passage{pass(0, 25, 25, 50)})
	check("nothing", cat(n(40), n(40)), nil)

	// A three-token line inserted inside the second copy: one passage
	// whose B range includes it.
	long := n(60)
	check("insertion", cat(long, n(6), long[:30], n(3), long[30:]), []Passage{pass(0, 60, 66, 129)})
	check("insertion first", cat(long[:30], n(3), long[30:], n(6), long), []Passage{pass(0, 63, 69, 129)})
	// In a short repeat the insertion leaves two adjacent passages (see
	// BridgeSimilarity).
	check("short insertion", cat(par, n(6), par[:12], n(3), par[12:]), []Passage{pass(0, 12, 31, 43), pass(12, 25, 46, 59)})
	check("no bridging over 9", cat(par, n(6), par[:12], n(9), par[12:]), []Passage{pass(0, 12, 31, 43), pass(12, 25, 52, 65)})

	// Runs of exactly MinWords are found, of MinWords-1 are not.
	for _, g := range []int{5, 10, 12} {
		r1, r2 := n(g), n(g-1)
		toks := cat(r1, n(3), r2, n(3), r1, n(3), r2)
		want := []Passage{pass(0, g, 2*g+5, 3*g+5)}
		if got := repeats(t, Params{MinIdentity: 1, MinWords: g}, toks); !slices.Equal(got, want) {
			t.Errorf("g=%d: got %+v, want %+v", g, got, want)
		}
	}

	// Periodic text "a b c a b c ...": its two halves, shifted by a
	// multiple of the period. When the length leaves tokens over, the run
	// covering them is a second passage.
	abc := n(3)
	for _, c := range []struct {
		l    int
		want []Passage
	}{
		{20, nil}, // copies shifted by 9 or 12 have 9 or 8 tokens
		{22, []Passage{pass(0, 10, 12, 22)}},
		{23, []Passage{pass(0, 11, 12, 23)}},
		{60, []Passage{pass(0, 30, 30, 60)}},
		{61, []Passage{pass(0, 30, 30, 60), pass(0, 28, 33, 61)}},
		{300, []Passage{pass(0, 150, 150, 300)}},
	} {
		var per []uint32
		for i := range c.l {
			per = append(per, abc[i%3])
		}
		check("periodic", per, c.want)
	}
	// A single repeated word.
	a := n(1)
	check("a×32", slices.Repeat(a, 32), []Passage{pass(0, 16, 16, 32)})
	check("a×31", slices.Repeat(a, 31), []Passage{pass(0, 15, 15, 30), pass(0, 15, 16, 31)})

	// "X X X": the first copy with each later one.
	x := n(20)
	check("XXX", cat(x, x, x), []Passage{pass(0, 20, 20, 40), pass(0, 20, 40, 60)})
	check("XXXX", cat(x, x, x, x), []Passage{pass(0, 40, 40, 80)})

	// A repeated paragraph followed by text starting with the same words:
	// trimmed so the copies do not overlap.
	p30 := n(30)
	check("paragraph then same words", cat(p30, p30, p30[:5], n(10)), []Passage{pass(0, 30, 30, 60)})
	check("same words then paragraph", cat(n(3), p30[25:], p30, p30), []Passage{pass(3, 33, 33, 63)})
}

func TestRepeatsEdgeCases(t *testing.T) {
	var next uint32
	x := ids(&next, 15)
	d := mkDoc(cat(x, x))
	p := Params{MinIdentity: 1}
	for _, bad := range []Doc{
		{},
		{Tokens: d.Tokens},
		{Shingles: d.Shingles},
		{Tokens: d.Tokens, Shingles: d.Shingles[:1]},
		{Tokens: d.Tokens[:19], Shingles: d.Shingles},
	} {
		if got := p.Repeats(nil, bad); len(got) != 0 {
			t.Errorf("%d tokens, %d shingles: %+v", len(bad.Tokens), len(bad.Shingles), got)
		}
	}
	// Shingles inconsistent with the tokens give no invalid passage.
	junk := Doc{Tokens: d.Tokens, Shingles: make([]uint64, len(d.Shingles))}
	got := p.Repeats(nil, junk)
	checkValid(t, got, d.Tokens, d.Tokens, 10, true)
	if !slices.Equal(spans(got), []Passage{pass(0, 15, 15, 30)}) {
		t.Errorf("constant shingles: %+v", got)
	}
	// Hash collisions between different token sequences are ignored.
	coll := mkDoc(ids(&next, 40))
	for i := range coll.Shingles {
		coll.Shingles[i] = uint64(i % 3)
	}
	if got := p.Repeats(nil, coll); len(got) != 0 {
		t.Errorf("collisions: %+v", got)
	}
}

// TestRepeatsBruteForce compares Repeats with a brute-force enumeration of
// the self-repeats, on random documents over small vocabularies with
// planted, edited copies.
func TestRepeatsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for trial := 0; trial < 1500; trial++ {
		vocab := 2 + rng.IntN(6)
		toks := randToks(rng, rng.IntN(90), vocab)
		toks = plant(rng, toks, toks, vocab)
		if rng.IntN(8) == 0 { // periodic stretches
			per := randToks(rng, 1+rng.IntN(5), vocab)
			for range rng.IntN(20) {
				toks = append(toks, per...)
			}
		}
		g := ShingleSize + rng.IntN(8)
		d := mkDoc(toks)
		runs := bruteSelfRuns(toks, g)

		exact := Params{MinIdentity: 1, MinWords: g, MaxGap: -1}
		got := repeats(t, exact, toks)
		if !occBinds(d) {
			if want := refDedup(runs, true); !slices.Equal(got, want) {
				t.Fatalf("g=%d toks=%v\ngot  %+v\nwant %+v", g, toks, got, want)
			}
		}

		bridged := Params{MinIdentity: 1, MinWords: g, MaxGap: rng.IntN(10)}
		got = repeats(t, bridged, toks)
		if !occBinds(d) {
			checkCovered(t, got, runs, true)
		}
	}
}

func TestRepeatsAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	body := randToks(rng, 800, 3000)
	d := mkDoc(cat(randToks(rng, 50, 3000), body, body))
	var f Finder
	dst := f.Repeats(nil, d)
	if !slices.Equal(spans(dst), []Passage{pass(50, 850, 850, 1650)}) {
		t.Fatalf("got %+v", dst)
	}
	if n := testing.AllocsPerRun(50, func() { dst = f.Repeats(dst[:0], d) }); n != 0 {
		t.Fatalf("%v allocs, want 0", n)
	}
}

// TestFinderReuse runs one Finder over documents of varying sizes and
// parameters and compares with fresh scratch space each time.
func TestFinderReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var f Finder
	for trial := 0; trial < 300; trial++ {
		vocab := 2 + rng.IntN(30)
		a := randToks(rng, rng.IntN(300), vocab)
		a = plant(rng, a, a, vocab)
		b := plant(rng, a, randToks(rng, rng.IntN(200), vocab), vocab)
		da, db := mkDoc(a), mkDoc(b)
		f.Params = Params{MinIdentity: 1, MinWords: ShingleSize + rng.IntN(10), MaxGap: rng.IntN(12) - 2}
		p := f.Params
		if got, want := f.Repeats(nil, da), p.Repeats(nil, da); !slices.Equal(got, want) {
			t.Fatalf("Repeats: reused %+v, fresh %+v", got, want)
		}
		fa := p.AppendFingerprints(nil, da)
		fb := p.AppendFingerprints(nil, db)
		seeds := f.AppendSeeds(nil, fa, fb)
		if want := AppendSeeds(nil, fa, fb); !slices.Equal(seeds, want) {
			t.Fatalf("AppendSeeds: reused %v, fresh %v", seeds, want)
		}
		if got, want := f.Align(nil, da, db, seeds), p.Align(nil, da, db, seeds); !slices.Equal(got, want) {
			t.Fatalf("Align: reused %+v, fresh %+v", got, want)
		}
	}
}
