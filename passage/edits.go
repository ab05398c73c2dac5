package passage

import (
	"math"
	"slices"
)

// Alignment through edits. With Params.MinIdentity below 1 the runs of
// equal tokens found from seeds are anchors of an alignment: runs of at
// least ShingleSize tokens (not only MinWords) are chained when the tokens
// between them align with few edits, and each chain is then extended at
// both ends by an X-drop alignment, so that an edited copy is one passage.

// Defaults and limits of alignment through edits.
const (
	// DefaultMinIdentity is the lowest identity of a reported passage
	// when Params.MinIdentity is zero. At 0.8 an edited copy with up to
	// about one word in eight changed is one passage, while two unrelated
	// texts almost never align that closely over MinWords words by chance
	// (see the README for the measured rates).
	DefaultMinIdentity = 0.8

	// MaxInsert is the longest block of consecutive tokens present in
	// only one copy (a "Lire aussi : …" line or a sentence added inside a
	// copied block) that a passage bridges. Such a block counts as one
	// position in the aligned length (see [Passage.Identity]); smaller
	// gaps count token by token.
	MaxInsert = 40

	// An extension scores +1 per matched token and -editCost per
	// substituted, inserted or deleted one, so that it only goes on
	// through text with more than two matched tokens in three, and stops
	// once its score falls xDrop below its best.
	editCost = 2
	xDrop    = 8

	// extendWindow is the number of tokens an extension examines at once.
	extendWindow = 64

	// shortOccurrences is the number of nearest earlier occurrences of a
	// shingle from which Repeats keeps runs shorter than MinWords as
	// anchors.
	shortOccurrences = 4

	// shortBudget is the number of tokens per short chain extended (see
	// chainEdits).
	shortBudget = 8

	// maxWindows bounds the windows of one extension (see extend).
	maxWindows = 2

	// maxActive bounds the chains a run may extend, and maxAligned the
	// gaps aligned per run (see chainEdits).
	maxActive  = 64
	maxAligned = 8
)

// edits counts the alignment operations of a passage or of part of one.
type edits struct {
	m, s, i, d int // matched, substituted, inserted (in A only), deleted (in B only)
	block      int // sum over one-sided blocks longer than MaxGap of their length - 1
	long       int // tokens in one-sided blocks longer than MaxGap
	blocks     int // number of such blocks
}

func (e *edits) add(o edits) {
	e.m += o.m
	e.s += o.s
	e.i += o.i
	e.d += o.d
	e.block += o.block
	e.long += o.long
	e.blocks += o.blocks
}

// identity is Passage.Identity for the counts e.
func (e edits) identity() float64 {
	n := e.m + e.s + e.i + e.d - e.block
	if n <= 0 {
		return 0
	}
	return float64(e.m) / float64(n)
}

// minIdentity returns the effective MinIdentity: 1 selects exact passages.
func (p Params) minIdentity() float64 {
	switch {
	case p.MinIdentity == 0:
		return DefaultMinIdentity
	case p.MinIdentity >= 1 || math.IsNaN(p.MinIdentity):
		return 1
	case p.MinIdentity < 0:
		return 0
	}
	return p.MinIdentity
}

// alignGap aligns a and b end to end with unit costs (a substitution,
// insertion or deletion costs 1) and returns the operations of a cheapest
// alignment, preferring long one-sided blocks among equal costs. maxGap is
// the effective MaxGap (at least 0).
func (f *Finder) alignGap(a, b []uint32, maxGap int) edits {
	var e edits
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
		e.m++
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
		e.m++
	}
	na, nb := len(a), len(b)
	if na == 0 || nb == 0 {
		e.i, e.d = na, nb
		if n := na + nb; n > maxGap {
			e.block, e.long, e.blocks = n-1, n, 1
		}
		return e
	}
	w := nb + 1
	cost := f.dp[:0]
	cost = slices.Grow(cost, (na+1)*w)[:(na+1)*w]
	f.dp = cost
	for j := range w {
		cost[j] = int32(j)
	}
	for i := 1; i <= na; i++ {
		row, up := cost[i*w:(i+1)*w], cost[(i-1)*w:i*w]
		row[0] = int32(i)
		ai := a[i-1]
		for j := 1; j <= nb; j++ {
			c := up[j-1]
			if ai != b[j-1] {
				c++
			}
			c = min(c, up[j]+1, row[j-1]+1)
			row[j] = c
		}
	}
	// Trace back, continuing the current one-sided block while it costs
	// nothing more, so that an inserted line is one block.
	run, runKind := 0, byte(0)
	flush := func() {
		if run > maxGap {
			e.block += run - 1
			e.long += run
			e.blocks++
		}
		run, runKind = 0, 0
	}
	i, j := na, nb
	for i > 0 || j > 0 {
		c := cost[i*w+j]
		canI := i > 0 && cost[(i-1)*w+j]+1 == c
		canD := j > 0 && cost[i*w+j-1]+1 == c
		diag := i > 0 && j > 0
		match := diag && a[i-1] == b[j-1] && cost[(i-1)*w+j-1] == c
		sub := diag && a[i-1] != b[j-1] && cost[(i-1)*w+j-1]+1 == c
		switch {
		case runKind == 'i' && canI:
			run++
			e.i++
			i--
		case runKind == 'd' && canD:
			run++
			e.d++
			j--
		case match:
			flush()
			e.m++
			i, j = i-1, j-1
		case sub:
			flush()
			e.s++
			i, j = i-1, j-1
		case canI:
			flush()
			run, runKind = 1, 'i'
			e.i++
			i--
		default:
			flush()
			run, runKind = 1, 'd'
			e.d++
			j--
		}
	}
	flush()
	return e
}

// extend aligns the starts of a and b (a and b continue a passage) with
// an X-drop alignment in a band of ±band diagonals and returns the
// numbers of tokens of a and b its best-scoring end covers, which is 0, 0
// or the end of a matched token, with the operations. A positive-score
// extension of up to extendWindow tokens is examined at a time and
// continued from its best end while it keeps improving, up to maxWindows
// windows: beyond the last anchor of a chain a copy rarely goes on that
// far without another, and on text of few distinct words an unbounded
// extension from every chain would cost the square of its length. With left set it
// extends towards the starts of a and b instead: it aligns their ends
// backwards.
func (f *Finder) extend(a, b []uint32, band int, left bool) (la, lb int, e edits) {
	for range maxWindows {
		na, nb := min(len(a)-la, extendWindow), min(len(b)-lb, extendWindow)
		var wa, wb []uint32
		if left {
			rev := f.rev[:0]
			for i := len(a) - la - 1; i >= len(a)-la-na; i-- {
				rev = append(rev, a[i])
			}
			for i := len(b) - lb - 1; i >= len(b)-lb-nb; i-- {
				rev = append(rev, b[i])
			}
			f.rev = rev
			wa, wb = rev[:na], rev[na:]
		} else {
			wa, wb = a[la:la+na], b[lb:lb+nb]
		}
		ea, eb, x, more := f.extendOnce(wa, wb, band, na < len(a)-la || nb < len(b)-lb)
		if ea == 0 && eb == 0 {
			return la, lb, e
		}
		la, lb = la+ea, lb+eb
		e.add(x)
		if !more {
			return la, lb, e
		}
	}
	return la, lb, e
}

// extendOnce is one window of extend, over all of a and b; rest says that
// the tokens go on beyond them. more reports that they do and that the
// best end lies at the far edge of the window, so the alignment may go on.
func (f *Finder) extendOnce(a, b []uint32, band int, rest bool) (la, lb int, e edits, more bool) {
	na, nb := len(a), len(b)
	if na == 0 || nb == 0 {
		return 0, 0, e, false
	}
	w := 2*band + 1 // cell (i, j) is at row i, column j-i+band
	const neg = math.MinInt32 / 2
	score := f.dp[:0]
	score = slices.Grow(score, (na+1)*w)[:(na+1)*w]
	f.dp = score
	// Rows are cleared as they are reached: an extension through
	// unrelated text stops after a few rows.
	clearRow := func(i int) {
		row := score[i*w : (i+1)*w]
		for k := range row {
			row[k] = neg
		}
	}
	clearRow(0)
	at := func(i, j int) int32 {
		c := j - i + band
		if i < 0 || j < 0 || c < 0 || c >= w {
			return neg
		}
		return score[i*w+c]
	}
	score[band] = 0
	for j := 1; j <= min(nb, band); j++ {
		score[j+band] = int32(-j * editCost)
	}
	best, bi, bj := int32(0), 0, 0
	last := 0
	for i := 1; i <= na; i++ {
		clearRow(i)
		// Cell (i, j) is row[c] with c = j-i+band; (i-1, j) is up[c+1],
		// (i-1, j-1) up[c] and (i, j-1) row[c-1].
		row, up := score[i*w:(i+1)*w], score[(i-1)*w:i*w]
		ai := a[i-1]
		rowMax := int32(neg)
		for j := max(0, i-band); j <= min(nb, i+band); j++ {
			c := j - i + band
			s := int32(neg)
			if c+1 < w {
				s = up[c+1] - editCost
			}
			if j > 0 {
				d := up[c]
				match := ai == b[j-1]
				if match {
					d++
				} else {
					d -= editCost
				}
				s = max(s, d)
				if c > 0 {
					s = max(s, row[c-1]-editCost)
				}
				if match && s > best {
					best, bi, bj = s, i, j
				}
			}
			row[c] = s
			rowMax = max(rowMax, s)
		}
		last = i
		if rowMax < best-xDrop {
			break
		}
	}
	if best <= 0 {
		return 0, 0, e, false
	}
	// Trace back from the best end.
	for i, j := bi, bj; i > 0 || j > 0; {
		s := at(i, j)
		if i > 0 && j > 0 {
			d := at(i-1, j-1)
			if a[i-1] == b[j-1] && d+1 == s {
				e.m++
				i, j = i-1, j-1
				continue
			}
			if a[i-1] != b[j-1] && d-editCost == s {
				e.s++
				i, j = i-1, j-1
				continue
			}
		}
		if i > 0 && at(i-1, j)-editCost == s {
			e.i++
			i--
			continue
		}
		e.d++
		j--
	}
	more = rest && last == na && (bi >= na-band || bj >= nb-band)
	return bi, bj, e, more
}

// bridges reports whether the alignment ge of the tokens between a chain
// with counts c and a run may join them: at most gap edits besides one
// block of up to MaxInsert tokens present on one side only, and a block
// only after g matched tokens, so that a chance match of a few words
// cannot reach a copy across a block.
func bridges(ge, c edits, gap, g int) bool {
	if ge.s+ge.i+ge.d-ge.long > gap || ge.blocks > 1 || ge.long > MaxInsert {
		return false
	}
	return ge.blocks == 0 || c.m >= g
}

// chainEdits appends to cand the passages of runs (sorted by cmpRun)
// aligned through edits.
func (f *Finder) chainEdits(cand []Passage, runs []run, ta, tb []uint32, self bool) []Passage {
	g := f.Params.minWords()
	gap := max(0, f.Params.maxGap())
	floor := f.Params.minIdentity()
	limit := MaxInsert + gap // longest gap on one side between two runs
	chains := f.chains[:0]
	active := f.active[:0]
	for _, r := range runs {
		best, bestCost := -1, 0
		var bestE edits
		k := 0
		for _, ci := range active {
			if chains[ci].aE+limit >= r.aS { // else no later run can reach it
				active[k] = ci
				k++
			}
		}
		active = active[:k]
		// On text of few distinct words runs abound on many diagonals:
		// only the maxActive chains that ended last are kept, and at most
		// maxAligned gaps are aligned per run, the newest chains first,
		// so that the work stays linear in the runs.
		if len(active) > maxActive {
			active = append(active[:0], active[len(active)-maxActive:]...)
		}
		aligned := 0
		for q := len(active) - 1; q >= 0 && aligned < maxAligned; q-- {
			ci := active[q]
			c := &chains[ci]
			gA, gB, o, ok := c.gapsTo(r, self)
			if !ok || gA > limit || gB > limit {
				continue
			}
			aligned++
			ge := f.alignGap(ta[c.aE:c.aE+gA], tb[c.bE:c.bE+gB], gap)
			if !bridges(ge, c.e, gap, g) {
				continue
			}
			ne := c.e
			ne.add(ge)
			ne.m += r.aE - r.aS - o
			if ne.identity() < floor {
				continue
			}
			if cost := ge.s + ge.i + ge.d - ge.block; best < 0 || cost < bestCost {
				best, bestCost, bestE = ci, cost, ne
			}
		}
		if best >= 0 {
			c := &chains[best]
			c.e = bestE
			c.aE, c.bE, c.tA, c.tB = r.aE, r.bE, r.aS, r.bS
			continue
		}
		active = append(active, len(chains))
		chains = append(chains, chain{aS: r.aS, aE: r.aE, bS: r.bS, bE: r.bE, tA: r.aS, tB: r.bS,
			e: edits{m: r.aE - r.aS}})
	}
	f.chains, f.active = chains, active
	// Extend the chains, then join the extended chains that an edit
	// kept apart (two chains meeting at an inserted line, say): in A
	// order, each joins the last one kept when the tokens between them
	// align as a gap inside a chain does.
	//
	// Chains shorter than g are extended within a budget proportional to
	// the text (one per shortBudget tokens, and 64 more): on ordinary text
	// they are far fewer, and text of few distinct words, where every
	// short phrase recurs, cannot make the alignment quadratic.
	budget := 64 + len(ta)/shortBudget
	ext := f.ext[:0]
	for _, c := range chains {
		if c.e.m < g {
			if budget == 0 {
				continue
			}
			budget--
		}
		if x, ok := f.extendChain(c, ta, tb, self, g, gap, floor); ok {
			ext = append(ext, x)
		}
	}
	slices.SortFunc(ext, func(x, y chain) int { return cmpRun(run{x.aS, x.aE, x.bS, x.bE}, run{y.aS, y.aE, y.bS, y.bE}) })
	kept := ext[:0]
	for _, x := range ext {
		if n := len(kept); n > 0 {
			if j, ok := f.joinChains(kept[n-1], x, ta, tb, self, gap, limit, floor); ok {
				kept[n-1] = j
				continue
			}
		}
		kept = append(kept, x)
	}
	for _, x := range kept {
		cand = append(cand, withEdits(x.aS, x.aE, x.bS, x.bE, x.e))
	}
	f.ext = ext
	return cand
}

// mayReach is a quick test that extending the chain c may gain the need
// matched tokens it lacks: that many equal tokens lie within 2·need+4
// tokens of its ends, on its diagonal or a neighbour (one insertion or
// deletion), the two ends together. A chance match of a few words in
// unrelated text fails it without an alignment.
func mayReach(c chain, ta, tb []uint32, need int) bool {
	win := 2*need + 4
	best := func(left bool) int {
		most := 0
		for shift := -1; shift <= 1; shift++ {
			n := 0
			for i := range win {
				var a, b int
				if left {
					a, b = c.aS-1-i, c.bS-1-i+shift
				} else {
					a, b = c.aE+i, c.bE+i+shift
				}
				if a < 0 || b < 0 || a >= len(ta) || b >= len(tb) {
					break
				}
				if ta[a] == tb[b] {
					n++
				}
			}
			most = max(most, n)
		}
		return most
	}
	return best(false)+best(true) >= need
}

// joinChains returns the chain spanning m and x (x after m) when the tokens
// between them align with at most gap edits besides one block and the
// result keeps the identity floor.
func (f *Finder) joinChains(m, x chain, ta, tb []uint32, self bool, gap, limit int, floor float64) (chain, bool) {
	gA, gB := x.aS-m.aE, x.bS-m.bE
	if gA < 0 || gB < 0 || gA > limit || gB > limit || x.aE <= m.aE || x.bE <= m.bE {
		return m, false
	}
	if self && x.aE > m.bS {
		return m, false
	}
	ge := f.alignGap(ta[m.aE:x.aS], tb[m.bE:x.bS], gap)
	if !bridges(ge, m.e, gap, 0) {
		return m, false
	}
	j := m
	j.e.add(ge)
	j.e.add(x.e)
	if j.e.identity() < floor {
		return m, false
	}
	j.aE, j.bE = x.aE, x.bE
	return j, true
}

// extendChain extends the chain c at both ends and returns the result,
// or false when it holds fewer than g matched tokens or falls below the
// identity floor. In a repeat (self) the copies never overlap.
func (f *Finder) extendChain(c chain, ta, tb []uint32, self bool, g, band int, floor float64) (chain, bool) {
	e := c.e
	if e.m < g && !mayReach(c, ta, tb, g-e.m) {
		return chain{}, false
	}
	limA := len(ta)
	if self {
		limA = c.bS
	}
	ra, rb, re := f.extend(ta[c.aE:limA], tb[c.bE:], band, false)
	aE, bE := c.aE+ra, c.bE+rb
	loB := 0
	if self {
		loB = aE
	}
	la, lb, le := f.extend(ta[:c.aS], tb[loB:c.bS], band, true)
	aS, bS := c.aS-la, c.bS-lb
	ext := e
	ext.add(re)
	ext.add(le)
	switch {
	case ext.identity() >= floor && ext.m >= g:
		return chain{aS: aS, aE: aE, bS: bS, bE: bE, e: ext}, true
	case e.identity() >= floor && e.m >= g:
		return c, true
	}
	return chain{}, false
}
