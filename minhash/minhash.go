package minhash

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// DefaultK is the number of signature values used when Params.K is zero.
const DefaultK = 128

// MaxK is the largest supported number of signature values.
const MaxK = 4096

// emptyValue is the value of every position of the empty set's signature.
const emptyValue = math.MaxUint32

// Errors returned by this package. Returned errors wrap one of them and can
// be tested with errors.Is.
var (
	// ErrParams reports a K outside [0, MaxK] in Params, or outside
	// [1, MaxK] in a signature being encoded or decoded.
	ErrParams = errors.New("minhash: invalid parameters")
	// ErrFormat reports a malformed binary encoding or a signature that
	// cannot be encoded.
	ErrFormat = errors.New("minhash: malformed signature encoding")
	// ErrVersion reports a binary encoding of an unsupported format version.
	ErrVersion = errors.New("minhash: unsupported signature encoding version")
)

// Params configures signing. It is a plain comparable value; the zero value
// means the defaults (K = DefaultK). Params is safe for concurrent use.
type Params struct {
	// K is the number of values (bins) of a signature, 1..MaxK; zero means
	// DefaultK. Larger K lowers the estimation error as 1/sqrt(K).
	K int
}

// Validate reports whether p is usable: K must lie in [0, MaxK], zero meaning
// DefaultK. The error wraps ErrParams.
func (p Params) Validate() error {
	if p.K < 0 || p.K > MaxK {
		return fmt.Errorf("%w: K = %d, want 0 (default) or 1..%d", ErrParams, p.K, MaxK)
	}
	return nil
}

// WithDefaults returns p with a zero K replaced by DefaultK. Other fields are
// returned unchanged, valid or not.
func (p Params) WithDefaults() Params {
	if p.K == 0 {
		p.K = DefaultK
	}
	return p
}

// k returns the number of bins Sign uses: invalid values are clamped so that
// signing never fails (negative means DefaultK, above MaxK means MaxK).
func (p Params) k() int {
	switch {
	case p.K <= 0:
		return DefaultK
	case p.K > MaxK:
		return MaxK
	}
	return p.K
}

// Signature is the MinHash signature of one set. Only signatures made with
// the same K are comparable.
//
// Values is an ordinary slice, shared by copies of the struct. Sign and
// UnmarshalBinary overwrite it in place when its capacity suffices, so Clone
// a signature that must outlive the reuse of its variable. A Signature may be
// read from several goroutines but must not be mutated while being read.
type Signature struct {
	// Size is the number of distinct elements of the set (the number of
	// hashes given to Sign). It is used by Containment and Intersection.
	Size int
	// Values holds the K signature values.
	Values []uint32
}

// K returns the number of values of s.
func (s Signature) K() int { return len(s.Values) }

// Clone returns a deep copy of s that shares no memory with it.
func (s Signature) Clone() Signature {
	return Signature{Size: s.Size, Values: slices.Clone(s.Values)}
}

// Sign computes the signature of the set of hashes and allocates its result.
// See Params.Sign.
func Sign(hashes []uint64, p Params) Signature {
	var s Signature
	p.Sign(&s, hashes)
	return s
}

// Sign computes the signature of the set given by hashes into dst, with K =
// p.K values (DefaultK when zero). Sign does not validate p: a negative K is
// treated as DefaultK and a K above MaxK as MaxK; use Validate to reject them.
//
// hashes must be the distinct element hashes of the set, uniformly
// distributed over uint64. Their order does not matter and repeated hashes do
// not change dst.Values, but dst.Size is set to len(hashes), so a caller that
// passes duplicates gets an overstated Size (which only affects Containment
// and Intersection). hashes is only read.
//
// dst.Values is resliced to K, reusing its backing array when its capacity
// is at least K (then Sign does not allocate) and allocating a new one
// otherwise. A nil dst is ignored.
func (p Params) Sign(dst *Signature, hashes []uint64) {
	if dst == nil {
		return
	}
	k := p.k()
	vals := dst.Values
	if cap(vals) < k {
		vals = make([]uint32, k)
	}
	vals = vals[:k]
	dst.Values = vals
	dst.Size = len(hashes)
	for i := range vals {
		vals[i] = emptyValue
	}
	if len(hashes) == 0 {
		return
	}

	// One-permutation hashing: bin from the high half, value from the low
	// half. A value of 0xFFFFFFFF cannot be told apart from an empty bin
	// afterwards, so its presence is recorded (it is rare: one element in
	// 2^32) and resolved by densifyEmpty.
	kk := uint64(k)
	top := uint32(0)
	for _, h := range hashes {
		b := (h >> 32) * kk >> 32
		v := uint32(h)
		top = max(top, v)
		vals[b] = min(vals[b], v)
	}

	empty := 0
	for _, v := range vals {
		if v == emptyValue {
			empty++
		}
	}
	if empty == 0 {
		return
	}
	densifyEmpty(vals, hashes, top == emptyValue, maxMixes)
}

// maxMixes bounds the probe hashes computed for one empty bin (two probes
// each) before the deterministic fallback scan.
const maxMixes = 1 << 19

// densifySeed is mixed with the bin index and the probe pair number (the
// first hexadecimal digits of the fraction of pi).
const densifySeed = 0x243F6A8885A308D3

// mix64 is the splitmix64 finalizer, a bijection of uint64.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xBF58476D1CE4E5B9
	z ^= z >> 27
	z *= 0x94D049BB133111EB
	z ^= z >> 31
	return z
}

// densifyEmpty fills the empty bins of vals by optimal densification. It is
// kept out of line so that its bitset is only zeroed when needed. sawMax
// reports whether some hash has the value 0xFFFFFFFF.
//
//go:noinline
func densifyEmpty(vals []uint32, hashes []uint64, sawMax bool, limit uint32) {
	var occ [MaxK / 64]uint64 // bins non-empty before densification
	for i, v := range vals {
		occ[i>>6] |= notMax(v) << (i & 63)
	}
	if sawMax {
		kk := uint64(len(vals))
		for _, h := range hashes {
			if uint32(h) == emptyValue {
				b := (h >> 32) * kk >> 32
				occ[b>>6] |= 1 << (b & 63)
			}
		}
	}
	densify(vals, &occ, limit)
}

// notMax returns 0 if v is 0xFFFFFFFF and 1 otherwise, without branching.
func notMax(v uint32) uint64 {
	return (uint64(v)+1)>>32 ^ 1
}

// densify fills every bin i of vals whose bit is clear in occ with the value
// of the first bin whose bit is set along i's probe sequence, computing at
// most limit probe hashes (2·limit probes) before scanning i+1, i+2, ...
// At least one bit of occ must be set for a bin below len(vals).
//
// Probe hash t of bin i is z = mix64(densifySeed ^ (i<<32 | t)); it gives
// probe 2t from its high half and probe 2t+1 from its low half, each mapped
// to [0, K) by multiply-shift.
func densify(vals []uint32, occ *[MaxK / 64]uint64, limit uint32) {
	k := uint64(len(vals))
	for w := 0; w < len(vals); w += 64 {
		free := ^occ[w>>6]
		if n := len(vals) - w; n < 64 {
			free &= 1<<n - 1
		}
		for ; free != 0; free &= free - 1 {
			i := w + bits.TrailingZeros64(free)
			base := densifySeed ^ uint64(i)<<32
			for t := uint32(0); t < limit; t++ {
				z := mix64(base ^ uint64(t))
				if j := (z >> 32) * k >> 32; occ[j>>6]&(1<<(j&63)) != 0 {
					vals[i] = vals[j]
					goto next
				}
				if j := (z & 0xFFFFFFFF) * k >> 32; occ[j>>6]&(1<<(j&63)) != 0 {
					vals[i] = vals[j]
					goto next
				}
			}
			for d := 1; d < len(vals); d++ {
				j := (i + d) % len(vals)
				if occ[j>>6]&(1<<(j&63)) != 0 {
					vals[i] = vals[j]
					break
				}
			}
		next:
		}
	}
}

// Matches returns the number of positions i < min(len(a), len(b)) at which
// a[i] == b[i].
func Matches(a, b []uint32) int {
	n := min(len(a), len(b))
	a, b = a[:n], b[:n]
	c := 0
	i := 0
	for ; i+4 <= n; i += 4 {
		x, y := a[i:i+4:i+4], b[i:i+4:i+4]
		c += int(eq(x[0], y[0]) + eq(x[1], y[1]) + eq(x[2], y[2]) + eq(x[3], y[3]))
	}
	for ; i < n; i++ {
		c += int(eq(a[i], b[i]))
	}
	return c
}

// eq returns 1 if x == y and 0 otherwise, without branching.
func eq(x, y uint32) uint64 {
	return (uint64(x^y) - 1) >> 63
}

// Jaccard estimates the Jaccard similarity |S∩O| / |S∪O| as the fraction of
// equal values. It returns 0 when the signatures have different K, when K is
// zero, or when either set is empty (Size <= 0).
func (s Signature) Jaccard(o Signature) float64 {
	k := len(s.Values)
	if k == 0 || k != len(o.Values) || s.Size <= 0 || o.Size <= 0 {
		return 0
	}
	return float64(Matches(s.Values, o.Values)) / float64(k)
}

// Intersection estimates |S∩O| from the Jaccard estimate J as
// J(|S|+|O|)/(1+J), clamped to [0, min(|S|, |O|)]. It returns 0 whenever
// Jaccard does.
func (s Signature) Intersection(o Signature) float64 {
	j := s.Jaccard(o)
	if j == 0 {
		return 0
	}
	x := j * (float64(s.Size) + float64(o.Size)) / (1 + j)
	return min(x, float64(min(s.Size, o.Size)))
}

// Containment estimates the fraction |S∩O| / |S| of s's set contained in o's
// set, as Intersection(o) / s.Size, clamped to [0, 1]. It returns 0 whenever
// Jaccard does. The estimate is much noisier than Jaccard when |O| ≫ |S|:
// its standard error is about (|S|+|O|)/|S| times that of Jaccard.
func (s Signature) Containment(o Signature) float64 {
	x := s.Intersection(o)
	if x == 0 {
		return 0
	}
	return min(x/float64(s.Size), 1)
}

// StdErr returns sqrt(j(1-j)/k), the standard error of a Jaccard estimate
// from k independent minima when the true similarity is j; OPH signatures of
// sets much larger than k are at most this noisy. j is clamped to [0, 1]; the
// result is NaN when j is NaN or k < 1.
func StdErr(j float64, k int) float64 {
	if k < 1 || math.IsNaN(j) {
		return math.NaN()
	}
	j = min(max(j, 0), 1)
	return math.Sqrt(j * (1 - j) / float64(k))
}
