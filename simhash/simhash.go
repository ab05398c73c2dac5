package simhash

import "math/bits"

// planes holds 64 bit-sliced counters: the counter of lane i (fingerprint
// bit i) is the sum over j of 2^j times bit i of planes[j]. Planes 0 to 3
// double as the ones, twos, fours and eights registers of the carry-save
// adder tree; the representation stays a plain weighted sum of planes, so
// a value can be ripple-added at any level.
type planes [64]uint64

// csa is a carry-save adder: for each bit lane it adds a, b and c and
// returns the carry (hi) and sum (lo) bits.
func csa(a, b, c uint64) (hi, lo uint64) {
	u := a ^ b
	return (a & b) | (u & c), u ^ c
}

// rippleAt adds the lane mask v with weight 2^level to the counters.
func (p *planes) rippleAt(level int, v uint64) {
	for j := level; v != 0 && j < len(p); j++ {
		c := p[j] & v
		p[j] ^= v
		v = c
	}
}

// addBlocks adds every full group of 16 hashes with unit weight and returns
// the remaining (fewer than 16) hashes.
func (p *planes) addBlocks(hs []uint64) []uint64 {
	ones, twos, fours, eights := p[0], p[1], p[2], p[3]
	for len(hs) >= 16 {
		b := (*[16]uint64)(hs)
		var twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens uint64
		twosA, ones = csa(ones, b[0], b[1])
		twosB, ones = csa(ones, b[2], b[3])
		foursA, twos = csa(twos, twosA, twosB)
		twosA, ones = csa(ones, b[4], b[5])
		twosB, ones = csa(ones, b[6], b[7])
		foursB, twos = csa(twos, twosA, twosB)
		eightsA, fours = csa(fours, foursA, foursB)
		twosA, ones = csa(ones, b[8], b[9])
		twosB, ones = csa(ones, b[10], b[11])
		foursA, twos = csa(twos, twosA, twosB)
		twosA, ones = csa(ones, b[12], b[13])
		twosB, ones = csa(ones, b[14], b[15])
		foursB, twos = csa(twos, twosA, twosB)
		eightsB, fours = csa(fours, foursA, foursB)
		sixteens, eights = csa(eights, eightsA, eightsB)
		// Ripple the weight-16 carries into planes 4 and up.
		for j := 4; sixteens != 0 && j < len(p); j++ {
			c := p[j] & sixteens
			p[j] ^= sixteens
			sixteens = c
		}
		hs = hs[16:]
	}
	p[0], p[1], p[2], p[3] = ones, twos, fours, eights
	return hs
}

// addTail adds fewer than 16 hashes with unit weight by padding them with
// zero hashes, which contribute nothing to any counter.
func (p *planes) addTail(hs []uint64) {
	if len(hs) == 0 {
		return
	}
	var pad [16]uint64
	copy(pad[:], hs)
	p.addBlocks(pad[:])
}

// majority returns the lanes whose counter is strictly greater than
// total/2, given that no counter exceeds total.
func (p *planes) majority(total uint64) uint64 {
	half := total / 2 // count > floor(total/2) is equivalent to 2·count > total
	var gt uint64
	eq := ^uint64(0)
	for j := min(bits.Len64(total), len(p)) - 1; j >= 0; j-- {
		v := p[j]
		if half>>uint(j)&1 == 0 {
			gt |= eq & v
			eq &^= v
		} else {
			eq &= v
		}
	}
	return gt
}

// Sum returns the SimHash fingerprint of hashes, each feature with weight 1.
// Repeated hashes count once per occurrence. Sum of an empty slice is 0.
// It does not allocate and is safe for concurrent use.
func Sum(hashes []uint64) uint64 {
	var p planes
	n := uint64(len(hashes))
	p.addTail(p.addBlocks(hashes))
	return p.majority(n)
}

// Distance returns the Hamming distance between fingerprints a and b, the
// number of bit positions at which they differ (0 to 64).
func Distance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}

// Accumulator computes a SimHash fingerprint incrementally from weighted
// features. The zero value is an empty accumulator ready to use.
//
// Unit-weight features (Add, AddAll, and AddWeighted with w == 1) are
// buffered in groups of 16 and go through the carry-save adder tree: AddAll
// costs about one nanosecond per feature, like Sum, and Add a few. Weighted
// features are slower: a weight below 16 is ripple-added into the
// bit-sliced counters once per set bit of w (about 10 ns per feature); a
// larger weight is added to 64 plain per-bit counters, one addition per set
// bit of the hash (about 20 ns per feature whatever the weight), and once
// such a weight is present every Sum call also converts the bit-sliced
// counters, which costs up to about a microsecond.
//
// The total weight of all features added since the last Reset must not
// exceed 2^64−1; beyond that the fingerprint is unspecified (nothing
// panics). With 32-bit weights this needs more than 2^32 calls.
//
// An Accumulator is about 1.2 KB, holds no references to caller memory, and
// is not safe for concurrent use. Copying an Accumulator copies its state.
type Accumulator struct {
	p        planes     // unit-weight counts, bit-sliced
	cnt      [64]uint64 // weighted counts, one counter per fingerprint bit
	buf      [16]uint64 // pending unit-weight hashes: the last units%16 ones
	units    uint64     // number of unit-weight features
	wtotal   uint64     // total weight of the other features
	weighted bool       // cnt may be nonzero
}

// Add adds the feature hash h with weight 1.
func (a *Accumulator) Add(h uint64) {
	a.buf[a.units%16] = h
	a.units++
	if a.units%16 == 0 {
		a.flush()
	}
}

// flush adds 16 buffered hashes; kept out of line so that Add inlines.
//
//go:noinline
func (a *Accumulator) flush() {
	a.p.addBlocks(a.buf[:])
}

// AddAll adds every hash in hashes with weight 1. It does not allocate and
// does not retain hashes.
func (a *Accumulator) AddAll(hashes []uint64) {
	pending := a.units % 16
	a.units += uint64(len(hashes))
	if pending > 0 {
		k := copy(a.buf[pending:], hashes)
		hashes = hashes[k:]
		if pending+uint64(k) < 16 {
			return
		}
		a.flush()
	}
	copy(a.buf[:], a.p.addBlocks(hashes))
}

// AddWeighted adds the feature hash h with weight w. A zero weight has no
// effect.
func (a *Accumulator) AddWeighted(h uint64, w uint32) {
	switch w {
	case 0:
		return
	case 1:
		a.Add(h)
		return
	}
	a.wtotal += uint64(w)
	if w < 16 {
		// A few short ripples beat 32 scattered counter updates.
		for ; w != 0; w &= w - 1 {
			a.p.rippleAt(bits.TrailingZeros32(w), h)
		}
		return
	}
	a.weighted = true
	for m := h; m != 0; m &= m - 1 {
		a.cnt[bits.TrailingZeros64(m)] += uint64(w)
	}
}

// Sum returns the fingerprint of the features added so far: bit i is 1 iff
// the total weight of features with bit i set is strictly greater than half
// the total weight. It is 0 when nothing (or only zero weight) was added.
// Sum does not modify the accumulator, so more features may be added after
// it.
func (a *Accumulator) Sum() uint64 {
	total := a.units + a.wtotal
	pending := a.units % 16
	if pending == 0 && !a.weighted {
		return a.p.majority(total)
	}
	p := a.p
	p.addTail(a.buf[:pending])
	if !a.weighted {
		return p.majority(total)
	}
	cnt := a.cnt
	for j := range min(bits.Len64(total), len(p)) {
		for m := p[j]; m != 0; m &= m - 1 {
			cnt[bits.TrailingZeros64(m)] += 1 << uint(j)
		}
	}
	half := total / 2
	var fp uint64
	for i, c := range cnt {
		if c > half {
			fp |= 1 << uint(i)
		}
	}
	return fp
}

// Reset empties the accumulator.
func (a *Accumulator) Reset() {
	*a = Accumulator{}
}
