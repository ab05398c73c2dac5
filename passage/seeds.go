package passage

import (
	"math/bits"
)

// Seed is a pair of shingle positions, A in a first document and B in a
// second, whose shingle hashes are equal. Seeds start alignments in
// [Finder.Align]. It is a plain value.
type Seed struct {
	A, B int32
}

// AppendSeeds appends to dst the pairs of positions of fa and fb (the
// fingerprints of two documents, see [Params.AppendFingerprints]) that have
// equal hashes. A hash occurring na times in fa and nb times in fb gives
// all na·nb pairs when that is at most [MaxPairsPerHash], and
// MaxPairsPerHash pairs otherwise. Fingerprints may come in any order;
// positions outside a document are ignored later by [Finder.Align].
//
// AppendSeeds allocates scratch space on each call; use
// [Finder.AppendSeeds] on hot paths.
func AppendSeeds(dst []Seed, fa, fb []Fingerprint) []Seed {
	var f Finder
	return f.AppendSeeds(dst, fa, fb)
}

// AppendSeeds is like the package function [AppendSeeds] but uses the
// scratch space of f, so that it allocates only when dst or the scratch
// space must grow. Seeds come in the order of their A fingerprints in fa,
// then of their B fingerprints in fb; the capped pairs of a frequent hash
// come together at its first occurrence in fa.
func (f *Finder) AppendSeeds(dst []Seed, fa, fb []Fingerprint) []Seed {
	if len(fa) > maxPos {
		fa = fa[:maxPos]
	}
	if len(fb) > maxPos {
		fb = fb[:maxPos]
	}
	if len(fa) == 0 || len(fb) == 0 {
		return dst
	}
	t := &f.join
	t.reset(len(fb), len(fa))
	for i := len(fb) - 1; i >= 0; i-- { // chains in position order
		s := t.insert(fb[i].Hash)
		t.bNext[i], s.bHead = s.bHead, int32(i)
		s.bCount++
	}
	for i := len(fa) - 1; i >= 0; i-- {
		if s := t.find(fa[i].Hash); s != nil {
			t.aNext[i], s.aHead = s.aHead, int32(i)
			s.aCount++
		}
	}
	for _, x := range fa {
		s := t.find(x.Hash)
		if s == nil || s.aCount < 0 {
			continue // no match, or capped group already done
		}
		na, nb := int(s.aCount), int(s.bCount)
		if na <= MaxPairsPerHash && nb <= MaxPairsPerHash && na*nb <= MaxPairsPerHash {
			for j := s.bHead; j >= 0; j = t.bNext[j] {
				dst = append(dst, Seed{A: x.Pos, B: fb[j].Pos})
			}
			continue
		}
		ga, gb := f.ga[:0], f.gb[:0]
		for i := s.aHead; i >= 0; i = t.aNext[i] {
			ga = append(ga, fa[i].Pos)
		}
		for j := s.bHead; j >= 0; j = t.bNext[j] {
			gb = append(gb, fb[j].Pos)
		}
		f.ga, f.gb = ga, gb
		dst = appendPairs(dst, ga, gb)
		s.aCount = -1
	}
	return dst
}

// joinTable is an open-addressing hash table from fingerprint hash to the
// chains of its positions in two fingerprint lists.
type joinTable struct {
	shift        uint
	slots        []joinSlot
	aNext, bNext []int32
}

type joinSlot struct {
	key            uint64
	aHead, bHead   int32 // first index in fa, fb; -1 for none
	aCount, bCount int32 // occurrences; aCount -1 once a capped group is done
	used           bool
}

func (t *joinTable) reset(nb, na int) {
	size := 1 << bits.Len(uint(2*nb-1)) // power of two >= 2·nb
	t.shift = uint(64 - bits.Len(uint(size-1)))
	if cap(t.slots) < size {
		t.slots = make([]joinSlot, size)
	}
	t.slots = t.slots[:size]
	clear(t.slots)
	t.aNext = grow(t.aNext, na)
	t.bNext = grow(t.bNext, nb)
}

func (t *joinTable) slot(h uint64) int { return int((h * 0x9e3779b97f4a7c15) >> t.shift) }

// insert returns the slot of h, adding it with empty chains if absent.
func (t *joinTable) insert(h uint64) *joinSlot {
	mask := len(t.slots) - 1
	for k := t.slot(h); ; k = (k + 1) & mask {
		s := &t.slots[k]
		if !s.used {
			*s = joinSlot{key: h, aHead: -1, bHead: -1, used: true}
			return s
		}
		if s.key == h {
			return s
		}
	}
}

// find returns the slot of h, or nil.
func (t *joinTable) find(h uint64) *joinSlot {
	mask := len(t.slots) - 1
	for k := t.slot(h); ; k = (k + 1) & mask {
		s := &t.slots[k]
		if !s.used {
			return nil
		}
		if s.key == h {
			return s
		}
	}
}

// grow returns s resized to n elements, reallocating only when too small.
func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// appendPairs appends the seeds for one group of equal hashes, capped at
// MaxPairsPerHash, nearest to the proportional diagonal first.
func appendPairs(dst []Seed, ga, gb []int32) []Seed {
	na, nb := len(ga), len(gb)
	if na*nb <= MaxPairsPerHash && na <= MaxPairsPerHash && nb <= MaxPairsPerHash {
		for _, x := range ga {
			for _, y := range gb {
				dst = append(dst, Seed{A: x, B: y})
			}
		}
		return dst
	}
	left := MaxPairsPerHash
	for delta := 0; delta < nb; delta++ {
		for i := range ga {
			j0 := int(int64(i) * int64(nb) / int64(na))
			for _, j := range [2]int{j0 - delta, j0 + delta} {
				if j < 0 || j >= nb {
					continue
				}
				dst = append(dst, Seed{A: ga[i], B: gb[j]})
				if left--; left == 0 {
					return dst
				}
				if delta == 0 {
					break
				}
			}
		}
	}
	return dst
}

// SortByHash sorts fingerprints by hash, then position: the order
// [AppendSeedsSorted] takes.
//
// It is a quicksort (median of three, the smaller part first) finished by
// insertion sort, with the comparison inlined: several times faster than
// slices.SortFunc on the few hundred fingerprints of an article, which
// every insertion into a passage index sorts.
func SortByHash(fps []Fingerprint) {
	for len(fps) > 12 {
		m := len(fps) / 2
		last := len(fps) - 1
		if fpLess(fps[m], fps[0]) {
			fps[m], fps[0] = fps[0], fps[m]
		}
		if fpLess(fps[last], fps[0]) {
			fps[last], fps[0] = fps[0], fps[last]
		}
		if fpLess(fps[last], fps[m]) {
			fps[last], fps[m] = fps[m], fps[last]
		}
		// fps[0] <= pivot <= fps[last]; Hoare partition around the median.
		pivot := fps[m]
		i, j := 0, last
		for {
			for fpLess(fps[i], pivot) {
				i++
			}
			for fpLess(pivot, fps[j]) {
				j--
			}
			if i >= j {
				break
			}
			fps[i], fps[j] = fps[j], fps[i]
			i++
			j--
		}
		// fps[:j+1] <= pivot <= fps[j+1:]; recurse into the smaller part.
		if j+1 < len(fps)-j-1 {
			SortByHash(fps[:j+1])
			fps = fps[j+1:]
		} else {
			SortByHash(fps[j+1:])
			fps = fps[:j+1]
		}
	}
	for i := 1; i < len(fps); i++ {
		x := fps[i]
		j := i
		for ; j > 0 && fpLess(x, fps[j-1]); j-- {
			fps[j] = fps[j-1]
		}
		fps[j] = x
	}
}

func fpLess(x, y Fingerprint) bool {
	return x.Hash < y.Hash || (x.Hash == y.Hash && x.Pos < y.Pos)
}

// AppendSeedsSorted is AppendSeeds for fingerprint lists sorted with
// SortByHash: a merge join that needs no scratch space and costs
// len(fa)+len(fb) comparisons. A document compared with many others sorts
// its fingerprints once. Seeds come in hash order; the pairs of one hash are
// capped at MaxPairsPerHash as AppendSeeds does.
func AppendSeedsSorted(dst []Seed, fa, fb []Fingerprint) []Seed {
	i, j := 0, 0
	for i < len(fa) && j < len(fb) {
		ha, hb := fa[i].Hash, fb[j].Hash
		switch {
		case ha < hb:
			i++
		case ha > hb:
			j++
		default:
			ie, je := i+1, j+1
			for ie < len(fa) && fa[ie].Hash == ha {
				ie++
			}
			for je < len(fb) && fb[je].Hash == ha {
				je++
			}
			if na, nb := ie-i, je-j; na == 1 && nb == 1 {
				dst = append(dst, Seed{A: fa[i].Pos, B: fb[j].Pos})
			} else {
				dst = appendGroup(dst, fa[i:ie], fb[j:je])
			}
			i, j = ie, je
		}
	}
	return dst
}

// appendGroup appends the capped pairs of one group of equal hashes.
func appendGroup(dst []Seed, ga, gb []Fingerprint) []Seed {
	var pa, pb [MaxPairsPerHash]int32
	na, nb := min(len(ga), MaxPairsPerHash), min(len(gb), MaxPairsPerHash)
	for k := range na {
		pa[k] = ga[k*len(ga)/na].Pos // spread over the group when capped
	}
	for k := range nb {
		pb[k] = gb[k*len(gb)/nb].Pos
	}
	return appendPairs(dst, pa[:na], pb[:nb])
}
