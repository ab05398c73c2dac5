package passage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// alignBoth aligns a and b with seeds from all equal shingles and with
// seeds from fingerprints, checks that both agree, and returns the result.
func alignBoth(t *testing.T, p Params, a, b []uint32) []Passage {
	t.Helper()
	da, db := mkDoc(a), mkDoc(b)
	all := p.Align(nil, da, db, bruteSeeds(da, db))
	seeds, binds := fpSeeds(p, da, db)
	fp := p.Align(nil, da, db, seeds)
	if !binds && !slices.Equal(all, fp) {
		t.Fatalf("all-shingle seeds give %+v, fingerprint seeds give %+v", all, fp)
	}
	checkValid(t, all, a, b, p.minWords(), false)
	return spans(all)
}

func pass(a0, a1, b0, b1 int) Passage { return Passage{A: Range{a0, a1}, B: Range{b0, b1}} }

func TestAlignPlanted(t *testing.T) {
	var next uint32
	n := func(k int) []uint32 { return ids(&next, k) }
	p := Params{MinIdentity: 1}

	// Shared blocks at the very start and the very end of both documents.
	s, e := n(20), n(15)
	a := cat(s, n(40), e)
	b := cat(s, n(7), e)
	want := []Passage{pass(0, 20, 0, 20), pass(60, 75, 27, 42)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("start/end: got %+v, want %+v", got, want)
	}

	// A three-token line inserted inside a copied block: one passage, whose
	// B range includes the insertion; and the same seen from the other side.
	blk := n(80)
	a = cat(n(5), blk, n(5))
	b = cat(n(9), blk[:40], n(3), blk[40:], n(2))
	want = []Passage{pass(5, 85, 9, 92)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("insertion: got %+v, want %+v", got, want)
	}
	want = []Passage{pass(9, 92, 5, 85)}
	if got := alignBoth(t, p, b, a); !slices.Equal(got, want) {
		t.Errorf("deletion: got %+v, want %+v", got, want)
	}
	// A gap of MaxGap+1 tokens is not bridged; exactly MaxGap is.
	b = cat(blk[:40], n(9), blk[40:])
	want = []Passage{pass(5, 45, 0, 40), pass(45, 85, 49, 89)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("gap 9: got %+v, want %+v", got, want)
	}
	b = cat(blk[:40], n(8), blk[40:])
	want = []Passage{pass(5, 85, 0, 88)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("gap 8: got %+v, want %+v", got, want)
	}
	// Substitution of 2 tokens on both sides: one passage of equal lengths.
	b = cat(blk[:40], n(2), blk[42:])
	want = []Passage{pass(5, 85, 0, 80)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("substitution: got %+v, want %+v", got, want)
	}
	// No bridging: the two runs.
	q := Params{MinIdentity: 1, MaxGap: -1}
	want = []Passage{pass(5, 45, 0, 40), pass(47, 85, 42, 80)}
	if got := alignBoth(t, q, a, b); !slices.Equal(got, want) {
		t.Errorf("no bridging: got %+v, want %+v", got, want)
	}
	// In a short passage the same insertion would make the two sides read
	// as different texts (shingle Jaccard below BridgeSimilarity): the runs
	// are reported as adjacent passages instead.
	short := n(40)
	a = cat(n(5), short, n(5))
	b = cat(n(9), short[:20], n(3), short[20:], n(2))
	want = []Passage{pass(5, 25, 9, 29), pass(25, 45, 32, 52)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("short insertion: got %+v, want %+v", got, want)
	}

	// Reordered paragraphs: each found.
	p1, p2, p3 := n(15), n(12), n(30)
	a = cat(p1, n(10), p2, n(10), p3)
	b = cat(p3, n(10), p1, n(10), p2)
	want = []Passage{pass(0, 15, 40, 55), pass(25, 37, 65, 77), pass(47, 77, 0, 30)}
	if got := alignBoth(t, p, a, b); !slices.Equal(got, want) {
		t.Errorf("reordered: got %+v, want %+v", got, want)
	}

	// Runs of exactly MinWords are found, of MinWords-1 are not.
	for _, g := range []int{5, 10, 13} {
		r1, r2 := n(g), n(g-1)
		a = cat(n(3), r1, n(20), r2, n(3))
		b = cat(r2, n(20), r1)
		want = []Passage{pass(3, 3+g, g-1+20, 2*g-1+20)}
		if got := alignBoth(t, Params{MinIdentity: 1, MinWords: g}, a, b); !slices.Equal(got, want) {
			t.Errorf("g=%d: got %+v, want %+v", g, got, want)
		}
	}

	// Periodic text: the shifted diagonals are covered by the main one.
	abc := n(3)
	var per []uint32
	for range 20 {
		per = append(per, abc...)
	}
	want = []Passage{pass(0, 60, 0, 60)}
	if got := alignBoth(t, p, per, per); !slices.Equal(got, want) {
		t.Errorf("periodic: got %+v, want %+v", got, want)
	}
	// A periodic block inside a longer periodic block occurs at every
	// shift by the period: each is a distinct maximal run.
	a = cat(n(4), per[:45], n(4))
	want = nil
	for s := 0; s <= 15; s += 3 {
		want = append(want, pass(4, 49, s, s+45))
	}
	if got := alignBoth(t, p, a, per); !slices.Equal(got, want) {
		t.Errorf("periodic in longer: got %+v, want %+v", got, want)
	}
}

func TestAlignEdgeCases(t *testing.T) {
	var next uint32
	blk := ids(&next, 30)
	a, b := mkDoc(blk), mkDoc(blk)
	p := Params{MinIdentity: 1}
	if got := p.Align(nil, a, b, nil); len(got) != 0 {
		t.Errorf("no seeds: %+v", got)
	}
	bad := []Seed{{-1, 0}, {0, -1}, {26, 0}, {0, 26}, {1 << 30, 3}, {0, 1}}
	if got := p.Align(nil, a, b, bad); len(got) != 0 {
		t.Errorf("invalid seeds: %+v", got)
	}
	if got := spans(p.Align(nil, a, b, []Seed{{7, 7}})); !slices.Equal(got, []Passage{pass(0, 30, 0, 30)}) {
		t.Errorf("one seed: %+v", got)
	}
	// Inconsistent documents: fewer shingles than tokens, or more.
	short := Doc{Tokens: blk, Shingles: a.Shingles[:10]}
	if got := spans(p.Align(nil, short, b, []Seed{{7, 7}, {12, 12}})); !slices.Equal(got, []Passage{pass(0, 30, 0, 30)}) {
		t.Errorf("few shingles: %+v", got)
	}
	long := Doc{Tokens: blk[:12], Shingles: a.Shingles}
	if got := spans(p.Align(nil, long, b, []Seed{{3, 3}, {20, 20}})); !slices.Equal(got, []Passage{pass(0, 12, 0, 12)}) {
		t.Errorf("many shingles: %+v", got)
	}
	// Documents shorter than MinWords.
	tiny := mkDoc(blk[:3])
	if got := p.Align(nil, tiny, tiny, []Seed{{0, 0}}); len(got) != 0 {
		t.Errorf("tiny: %+v", got)
	}
	// dst is appended to.
	dst := []Passage{pass(1, 2, 3, 4)}
	got := spans(p.Align(dst, a, b, []Seed{{0, 0}}))
	if !slices.Equal(got, []Passage{pass(1, 2, 3, 4), pass(0, 30, 0, 30)}) {
		t.Errorf("append: %+v", got)
	}
}

// TestAlignBruteForce compares Align with a brute-force enumeration of the
// maximal common runs, on random documents over small vocabularies with
// planted, edited copies.
func TestAlignBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 1500; trial++ {
		vocab := 2 + rng.IntN(6)
		a := randToks(rng, rng.IntN(90), vocab)
		b := randToks(rng, rng.IntN(60), vocab)
		b = plant(rng, a, b, vocab)
		g := ShingleSize + rng.IntN(8)
		runs := bruteRuns(a, b, g)

		exact := Params{MinIdentity: 1, MinWords: g, MaxGap: -1}
		got := alignBoth(t, exact, a, b)
		if want := refDedup(runs, false); !slices.Equal(got, want) {
			t.Fatalf("g=%d a=%v b=%v\ngot  %+v\nwant %+v", g, a, b, got, want)
		}

		bridged := Params{MinIdentity: 1, MinWords: g, MaxGap: rng.IntN(10)}
		got = alignBoth(t, bridged, a, b)
		checkCovered(t, got, runs, false)
	}
}

// plant copies pieces of a into b with random edits.
func plant(rng *rand.Rand, a, b []uint32, vocab int) []uint32 {
	for range rng.IntN(3) {
		if len(a) == 0 {
			break
		}
		i := rng.IntN(len(a))
		j := i + rng.IntN(len(a)-i+1)
		piece := slices.Clone(a[i:j])
		for range rng.IntN(3) {
			if len(piece) == 0 {
				break
			}
			k := rng.IntN(len(piece))
			switch rng.IntN(3) {
			case 0:
				piece[k] = uint32(rng.IntN(vocab))
			case 1:
				piece = slices.Insert(piece, k, randToks(rng, 1+rng.IntN(4), vocab)...)
			default:
				piece = slices.Delete(piece, k, min(len(piece), k+1+rng.IntN(3)))
			}
		}
		at := rng.IntN(len(b) + 1)
		b = slices.Insert(b, at, piece...)
	}
	return b
}

func TestAppendSeeds(t *testing.T) {
	fa := []Fingerprint{{5, 0}, {9, 3}, {5, 7}, {2, 9}}
	fb := []Fingerprint{{9, 1}, {5, 4}, {7, 6}, {5, 8}}
	got := AppendSeeds(nil, fa, fb)
	want := []Seed{{0, 4}, {0, 8}, {3, 1}, {7, 4}, {7, 8}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := AppendSeeds(nil, nil, fb); len(got) != 0 {
		t.Fatalf("empty: %v", got)
	}
	// A frequent hash is capped, the proportional diagonal first.
	fa, fb = nil, nil
	for i := range 100 {
		fa = append(fa, Fingerprint{1, int32(i)})
		fb = append(fb, Fingerprint{1, int32(2 * i)})
	}
	got = AppendSeeds(nil, fa, fb)
	if len(got) != MaxPairsPerHash {
		t.Fatalf("capped: %d seeds", len(got))
	}
	for i, s := range got {
		if s.A != int32(i) || s.B != int32(2*i) {
			t.Fatalf("capped seed %d = %v", i, s)
		}
	}
	fa = fa[:3]
	got = AppendSeeds(nil, fa, fb[:30]) // 90 pairs: 3 diagonal, then neighbours
	if len(got) != MaxPairsPerHash || got[0] != (Seed{0, 0}) || got[1] != (Seed{1, 20}) || got[2] != (Seed{2, 40}) || got[3] != (Seed{0, 2}) {
		t.Fatalf("capped 3x30: %v", got[:4])
	}
	seen := map[Seed]bool{}
	for _, s := range got {
		if seen[s] {
			t.Fatalf("duplicate seed %v", s)
		}
		seen[s] = true
	}
}

func TestAlignAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a, b := alignPair(rng)
	var f Finder
	fa := f.Params.AppendFingerprints(nil, a)
	fb := f.Params.AppendFingerprints(nil, b)
	seeds := f.AppendSeeds(nil, fa, fb)
	dst := f.Align(nil, a, b, seeds)
	if len(dst) != 1 {
		t.Fatalf("got %+v", dst)
	}
	n := testing.AllocsPerRun(50, func() {
		fa = f.Params.AppendFingerprints(fa[:0], a)
		fb = f.Params.AppendFingerprints(fb[:0], b)
		seeds = f.AppendSeeds(seeds[:0], fa, fb)
		dst = f.Align(dst[:0], a, b, seeds)
	})
	if n != 0 {
		t.Fatalf("%v allocs, want 0", n)
	}
}

// alignPair returns two 600-token documents sharing a 300-token block.
func alignPair(rng *rand.Rand) (Doc, Doc) {
	blk := randToks(rng, 300, 5000)
	a := cat(randToks(rng, 200, 5000), blk, randToks(rng, 100, 5000))
	b := cat(randToks(rng, 50, 5000), blk, randToks(rng, 250, 5000))
	return mkDoc(a), mkDoc(b)
}
