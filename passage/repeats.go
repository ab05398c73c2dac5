package passage

import "math/bits"

// Repeats appends to dst the passages repeated inside d, sorted by A.Start
// (then B.Start, A.End, B.End), and returns the extended slice. In every
// passage A comes first and the copies do not overlap: A.End <= B.Start.
//
// All shingle positions of d are indexed by hash; each position is paired
// with the earlier positions holding the same hash (at most
// [MaxOccurrences] of them, the nearest first), and each pair is followed
// token by token to the maximal run of equal token hashes on its diagonal.
// Self-overlapping runs are trimmed, runs are bridged and covered passages
// removed as described in the package documentation.
func (f *Finder) Repeats(dst []Passage, d Doc) []Passage {
	g := f.Params.minWords()
	ns, n := shinglePositions(d)
	if n < 2*g || ns < 2 {
		return dst
	}
	t := d.Tokens[:n]
	anchor := g // the shortest run kept
	if f.Params.minIdentity() < 1 {
		anchor = ShingleSize
	}
	prev := f.linkPrev(d.Shingles[:ns])

	lastEnd := f.lastEnd
	if cap(lastEnd) < ns {
		lastEnd = make([]int, ns)
	}
	lastEnd = lastEnd[:ns]
	clear(lastEnd)
	f.lastEnd = lastEnd

	runs := f.runs[:0]
	short := 0 // runs shorter than MinWords kept
	for i := 1; i < ns; i++ {
		seen := 0
		for j := int(prev[i]); j >= 0 && seen < MaxOccurrences; j = int(prev[j]) {
			seen++
			dd := i - j
			lo := lastEnd[dd]
			if j < lo {
				continue // inside the run already found on this diagonal
			}
			e := j
			for e+dd < n && t[e] == t[e+dd] {
				e++
			}
			s := j
			for s > lo && t[s-1] == t[s-1+dd] {
				s--
			}
			lastEnd[dd] = max(e, j+1)
			// A run shorter than MinWords is an anchor only from the
			// nearest few occurrences: text of few distinct words repeats
			// every short phrase at many distances.
			min := g
			if seen <= shortOccurrences && short < ns {
				min = anchor
			}
			if r, ok := selfRun(s, e, dd, min); ok {
				runs = append(runs, r)
				if r.aE-r.aS < g {
					short++ // at most one short anchor per position on average
				}
			}
		}
	}
	f.runs = runs
	return f.finish(dst, runs, t, t, true)
}

// selfRun turns the maximal run t[s:e] == t[s+d:e+d] into a pair of
// non-overlapping copies, or reports false when they are shorter than g.
//
// A run longer than its shift d covers the d-periodic text t[s:s+R] with
// R = e-s+d. It is cut into two copies shifted by the multiple D of d that
// makes them longest (the smaller D on ties): t[s:s+m] == t[s+D:s+D+m]
// with m = min(R-D, D).
func selfRun(s, e, d, g int) (run, bool) {
	m, shift := e-s, d
	if m > d {
		r := m + d
		d1 := r / (2 * d) * d // >= d since r > 2d
		d2 := d1 + d
		m, shift = min(r-d1, d1), d1
		if m2 := min(r-d2, d2); m2 > m {
			m, shift = m2, d2
		}
	}
	if m < g {
		return run{}, false
	}
	return run{aS: s, aE: s + m, bS: s + shift, bE: s + shift + m}, true
}

// linkPrev returns prev with prev[i] the previous position holding the
// same hash as h[i], or -1, using an open-addressing table in f.
func (f *Finder) linkPrev(h []uint64) []int32 {
	ns := len(h)
	shift := 64 - bits.Len(uint(2*ns-1)) // table size: power of two >= 2·ns
	size := 1 << (64 - shift)
	if cap(f.slots) < size {
		f.slots = make([]uint64, size)
		f.vals = make([]int32, size)
	}
	slots, vals := f.slots[:size], f.vals[:size]
	clear(vals)
	prev := f.prev
	if cap(prev) < ns {
		prev = make([]int32, ns)
	}
	prev = prev[:ns]
	f.prev = prev
	mask := uint64(size - 1)
	for i, x := range h {
		k := (x * 0x9e3779b97f4a7c15) >> shift
		for {
			v := vals[k]
			if v == 0 {
				slots[k], vals[k], prev[i] = x, int32(i+1), -1
				break
			}
			if slots[k] == x {
				prev[i], vals[k] = v-1, int32(i+1)
				break
			}
			k = (k + 1) & mask
		}
	}
	return prev
}
