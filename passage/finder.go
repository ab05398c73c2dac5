package passage

import (
	"cmp"
	"slices"
)

// Finder finds passages with reusable scratch space. The zero value is
// ready to use with the default [Params]; set Params before use to change
// them. Once its scratch space has grown to the sizes of the documents seen,
// its methods allocate only when the caller's dst must grow.
//
// A Finder is not safe for concurrent use; use one per goroutine. It keeps
// no reference to the documents or slices passed to it.
type Finder struct {
	// Params configures the Finder's methods.
	Params Params

	keys   []uint64
	runs   []run
	chains []chain
	ext    []chain
	active []int
	cand   []Passage
	iv     []interval
	open   []interval
	join   joinTable
	ga, gb []int32
	dp     []int32  // alignment tables
	rev    []uint32 // reversed token windows of left extensions

	// Repeats.
	slots   []uint64
	vals    []int32
	prev    []int32
	lastEnd []int
}

// run is a maximal run of equal tokens: a[aS:aE] == b[bS:bE].
type run struct {
	aS, aE, bS, bE int
}

// chain is a passage being built from bridged runs.
type chain struct {
	aS, aE, bS, bE int // the passage so far
	tA, tB         int // start of the last run
	shared         int // shingles of the runs chained so far
	e              edits
}

// gapsTo reports whether the run r may extend the chain c (it starts after
// the chain's last run and ends after the chain, on both sides, and in a
// repeat (self) does not pass the chain's B start), and returns the gaps
// between them on each side once the o tokens of r overlapping the chain
// are dropped.
func (c *chain) gapsTo(r run, self bool) (gA, gB, o int, ok bool) {
	if r.aS <= c.tA || r.bS <= c.tB || r.aE <= c.aE || r.bE <= c.bE || (self && r.aE > c.bS) {
		return 0, 0, 0, false
	}
	gA, gB = r.aS-c.aE, r.bS-c.bE
	o = max(0, -gA, -gB)
	return gA + o, gB + o, o, true
}

// shingles returns the number of word shingles of a run of n tokens.
func shingles(n int) int { return max(0, n-ShingleSize+1) }

// sameText reports whether a bridged passage whose sides have na and nb
// tokens, sharing the shingles of its runs, still reads as the same text:
// the Jaccard similarity of its two sides' shingle sets is at least
// BridgeSimilarity. Bridging that would fall below it (substitutions in a
// short passage) leaves the runs as separate passages.
func sameText(na, nb, shared int) bool {
	a, b := shingles(na), shingles(nb)
	return float64(shared) >= BridgeSimilarity*float64(a+b-shared)
}

// Align appends to dst the passages shared by a and b found from seeds,
// with parameters p. It is the convenience form of [Finder.Align]: it
// allocates scratch space on each call.
func (p Params) Align(dst []Passage, a, b Doc, seeds []Seed) []Passage {
	f := Finder{Params: p}
	return f.Align(dst, a, b, seeds)
}

// Repeats appends to dst the passages repeated inside d, with parameters
// p. It is the convenience form of [Finder.Repeats]: it allocates scratch space on each
// call.
func (p Params) Repeats(dst []Passage, d Doc) []Passage {
	f := Finder{Params: p}
	return f.Repeats(dst, d)
}

// Align appends to dst the passages shared by a and b, sorted by A.Start
// (then B.Start, A.End, B.End), and returns the extended slice.
//
// Seeds are pairs of shingle positions with equal shingle hashes, usually
// from [Finder.AppendSeeds] over the fingerprints of a and b; seeds that
// are out of range or whose hashes differ are ignored. b's Shingles may be
// nil: a seed is then kept when the ShingleSize tokens it starts are equal
// on both sides, and b costs no shingle hashing (a stored document of
// which only the tokens are kept). From each seed the
// alignment follows its diagonal token by token, in both directions, to
// the maximal run of equal token hashes containing it. Because robust
// winnowing may select different occurrences of a repeated hash in the two
// documents, each seed (i, j) is also tried at the positions i' within
// Window()-1 shingles of i whose shingle hash equals that of j; this keeps
// the guarantee of [Params.AppendFingerprints] exact: with seeds from the
// fingerprints of a and b (and no hash over [MaxPairsPerHash]), every
// maximal common run of at least MinWords tokens is found.
//
// Runs shorter than MinWords are discarded. The remaining runs, which may
// lie on different diagonals, are chained in order of position as
// described in the package documentation, and a passage is the span of a
// chain on each side. A passage whose ranges are both contained in those of
// another passage is not reported (for example the shifted copies of
// periodic text).
func (f *Finder) Align(dst []Passage, a, b Doc, seeds []Seed) []Passage {
	g := f.Params.minWords()
	w := g - ShingleSize + 1
	sa, na := shinglePositions(a)
	sb, nb := shinglePositions(b)
	byTokens := len(b.Shingles) == 0 // seeds are checked on b's tokens
	if byTokens {
		sb = max(0, nb-ShingleSize+1)
	}
	if na < g || nb < g || len(seeds) == 0 {
		return dst
	}
	ta, tb := a.Tokens[:na], b.Tokens[:nb]
	anchor := g // the shortest run kept
	if f.Params.minIdentity() < 1 {
		anchor = ShingleSize
	}
	keys := f.keys[:0]
	for _, s := range seeds {
		pa, pb := int(s.A), int(s.B)
		if pa < 0 || pa >= sa || pb < 0 || pb >= sb {
			continue
		}
		h := a.Shingles[pa]
		if byTokens {
			if pa+ShingleSize > na || !slices.Equal(ta[pa:pa+ShingleSize], tb[pb:pb+ShingleSize]) {
				continue
			}
		} else if b.Shingles[pb] != h {
			continue
		}
		hi := min(sa-1, pa+w-1)
		for q := max(0, pa-w+1); q <= hi; q++ {
			if a.Shingles[q] == h {
				keys = append(keys, diagKey(q-pb, q))
			}
		}
	}
	slices.Sort(keys)
	f.keys = keys

	runs := f.runs[:0]
	lastDiag, end := ^uint64(0), 0
	for _, k := range keys {
		if k>>32 != lastDiag {
			lastDiag, end = k>>32, 0
		}
		q := int(uint32(k))
		if q < end {
			continue // inside the run just found on this diagonal
		}
		d := int(int32(uint32(k>>32) ^ 1<<31)) // b position = a position - d
		e := q
		for e < na && e-d < nb && ta[e] == tb[e-d] {
			e++
		}
		s := q
		for s > 0 && s-d > 0 && ta[s-1] == tb[s-1-d] {
			s--
		}
		end = max(e, q+1)
		if e-s >= anchor {
			runs = append(runs, run{aS: s, aE: e, bS: s - d, bE: e - d})
		}
	}
	f.runs = runs
	return f.finish(dst, runs, ta, tb, false)
}

// diagKey packs a diagonal and a position so that keys sort by diagonal,
// then position.
func diagKey(d, q int) uint64 {
	return uint64(uint32(int32(d))^1<<31)<<32 | uint64(uint32(q))
}

// exact returns the passage of the run r.
func exact(r run) Passage {
	n := r.aE - r.aS
	return Passage{A: Range{r.aS, r.aE}, B: Range{r.bS, r.bE}, Matched: n, Aligned: n}
}

// withEdits returns the passage a[aS:aE], b[bS:bE] with the counts e.
func withEdits(aS, aE, bS, bE int, e edits) Passage {
	return Passage{A: Range{aS, aE}, B: Range{bS, bE}, Matched: e.m, Substituted: e.s,
		Inserted: e.i, Deleted: e.d, Aligned: e.m + e.s + e.i + e.d - e.block}
}

// finish chains runs of ta and tb (the same tokens for Repeats) into
// passages, removes covered passages and appends the rest to dst sorted by
// position. self selects the rules of Repeats.
func (f *Finder) finish(dst []Passage, runs []run, ta, tb []uint32, self bool) []Passage {
	if len(runs) == 0 {
		return dst
	}
	slices.SortFunc(runs, cmpRun)
	runs = slices.Compact(runs)
	cand := f.exactChains(f.cand[:0], runs, ta, tb, self, f.Params.minWords())
	if f.Params.minIdentity() < 1 {
		// The exact passages stay candidates, so that alignment through
		// edits keeps their guarantee: each is reported or covered.
		cand = f.chainEdits(cand, runs, ta, tb, self)
	}
	f.cand = cand

	return f.appendUncovered(dst, cand, self)
}

// exactChains appends to cand the exact passages of the runs of at least
// minLen tokens: the runs bridged by MaxGap as the package documentation
// describes (each run on its own when MaxGap is negative).
func (f *Finder) exactChains(cand []Passage, runs []run, ta, tb []uint32, self bool, minLen int) []Passage {
	gap := f.Params.maxGap()
	if gap < 0 {
		for _, r := range runs {
			if r.aE-r.aS >= minLen {
				cand = append(cand, exact(r))
			}
		}
		return cand
	}
	chains := f.chains[:0]
	active := f.active[:0]
	for _, r := range runs {
		if r.aE-r.aS < minLen {
			continue
		}
		best, bestCost, bestO := -1, 0, 0
		k := 0
		for _, ci := range active {
			c := &chains[ci]
			if c.aE+gap < r.aS {
				continue // no later run can reach it
			}
			active[k] = ci
			k++
			gA, gB, o, ok := c.gapsTo(r, self)
			if !ok || gA > gap || gB > gap {
				continue
			}
			if !sameText(r.aE-c.aS, r.bE-c.bS, c.shared+shingles(r.aE-r.aS-o)) {
				continue
			}
			if cost := gA + gB; best < 0 || cost < bestCost {
				best, bestCost, bestO = ci, cost, o
			}
		}
		active = active[:k]
		if best >= 0 {
			c, o := &chains[best], bestO
			c.shared += shingles(r.aE - r.aS - o)
			c.e.add(f.alignGap(ta[c.aE:r.aS+o], tb[c.bE:r.bS+o], gap))
			c.e.m += r.aE - r.aS - o
			c.aE, c.bE, c.tA, c.tB = r.aE, r.bE, r.aS, r.bS
			continue
		}
		active = append(active, len(chains))
		chains = append(chains, chain{aS: r.aS, aE: r.aE, bS: r.bS, bE: r.bE, tA: r.aS, tB: r.bS,
			shared: shingles(r.aE - r.aS), e: edits{m: r.aE - r.aS}})
	}
	for _, c := range chains {
		cand = append(cand, withEdits(c.aS, c.aE, c.bS, c.bE, c.e))
	}
	f.chains, f.active = chains, active
	return cand
}

// interval is a range of one candidate passage that may contain the A
// range of another candidate it covers.
type interval struct {
	start, end, owner int
}

// appendUncovered appends to dst, sorted by position, the candidates that
// no other candidate covers; of candidates covering each other (equal
// ranges, or for Repeats equal text), the first in cmpSize order is kept.
// This is the result of keeping, in order of decreasing size, each
// candidate not covered by one already kept, since covering is transitive
// and a covering candidate is at least as large.
//
// A candidate k covering c has a range (A, for Repeats also B or the span
// of adjacent A and B) containing c.A, so a sweep over c.A.Start with the
// ranges open at that point finds all of them; its cost is the number of
// candidates times the number of ranges overlapping a position.
func (f *Finder) appendUncovered(dst, cand []Passage, self bool) []Passage {
	slices.SortFunc(cand, cmpPassage)
	cand = slices.Compact(cand)
	iv := f.iv[:0]
	for i, k := range cand {
		iv = append(iv, interval{k.A.Start, k.A.End, i})
		if self {
			iv = append(iv, interval{k.B.Start, k.B.End, i})
			if k.A.End == k.B.Start {
				iv = append(iv, interval{k.A.Start, k.B.End, i})
			}
		}
	}
	slices.SortFunc(iv, func(x, y interval) int { return cmp.Compare(x.start, y.start) })
	open := f.open[:0]
	next := 0
	for i, c := range cand {
		for next < len(iv) && iv[next].start <= c.A.Start {
			open = append(open, iv[next])
			next++
		}
		covered := false
		w := 0
		for _, x := range open {
			if x.end <= c.A.Start {
				continue // ends before every later candidate's A range
			}
			open[w] = x
			w++
			if covered || x.owner == i || x.end < c.A.End {
				continue
			}
			k := cand[x.owner]
			covered = covers(k, c, self) && (!covers(c, k, self) || cmpSize(k, c) < 0)
		}
		open = open[:w]
		if !covered {
			dst = append(dst, c)
		}
	}
	f.iv, f.open = iv, open
	return dst
}

// covers reports whether k makes c redundant: for Align both of c's ranges
// lie in k's ranges on the same side; for Repeats both of c's ranges lie in
// the text covered by k.
func covers(k, c Passage, self bool) bool {
	if !self {
		return within(c.A, k.A) && within(c.B, k.B)
	}
	return inUnion(c.A, k) && inUnion(c.B, k)
}

func within(r, outer Range) bool { return r.Start >= outer.Start && r.End <= outer.End }

func inUnion(r Range, k Passage) bool {
	return within(r, k.A) || within(r, k.B) ||
		(k.A.End == k.B.Start && within(r, Range{k.A.Start, k.B.End}))
}

func cmpRun(x, y run) int {
	if c := cmp.Compare(x.aS, y.aS); c != 0 {
		return c
	}
	if c := cmp.Compare(x.bS, y.bS); c != 0 {
		return c
	}
	if c := cmp.Compare(x.aE, y.aE); c != 0 {
		return c
	}
	return cmp.Compare(x.bE, y.bE)
}

// cmpPassage orders passages by position, then those with the same
// ranges by decreasing identity (then fewer substitutions), so that of
// two alignments of the same ranges the first is the closer one.
func cmpPassage(x, y Passage) int {
	if c := cmpRun(run{x.A.Start, x.A.End, x.B.Start, x.B.End}, run{y.A.Start, y.A.End, y.B.Start, y.B.End}); c != 0 {
		return c
	}
	if c := cmp.Compare(y.Matched*x.Aligned, x.Matched*y.Aligned); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Substituted, y.Substituted); c != 0 {
		return c
	}
	return cmp.Compare(x.Inserted, y.Inserted)
}

// cmpSize orders passages by decreasing total length, then by position.
func cmpSize(x, y Passage) int {
	if c := cmp.Compare(y.A.Len()+y.B.Len(), x.A.Len()+x.B.Len()); c != 0 {
		return c
	}
	return cmpPassage(x, y)
}
