package passage

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/internal/mix"
)

// mkDoc builds a Doc from token hashes with the shingle definition of the
// shingle package (a polynomial rolling hash of the token hashes, finalized
// and salted with the shingle length); only equality of hashes matters here.
func mkDoc(toks []uint32) Doc {
	d := Doc{Tokens: toks}
	n := len(toks)
	if n == 0 {
		return d
	}
	m := min(n, ShingleSize)
	for i := 0; i+m <= n; i++ {
		var r uint64
		for _, t := range toks[i : i+m] {
			r = r*0x9e3779b97f4a7c15 + uint64(t)*0xff51afd7ed558ccd + 1
		}
		d.Shingles = append(d.Shingles, fmix(r^uint64(m)))
	}
	return d
}

func fmix(h uint64) uint64 { return mix.Murmur64(h) }

// ids gives n fresh token ids starting at *next, so that texts built from
// different calls share no token.
func ids(next *uint32, n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = *next
		*next++
	}
	return out
}

func cat(parts ...[]uint32) []uint32 {
	var out []uint32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func randToks(rng *rand.Rand, n, vocab int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(rng.IntN(vocab))
	}
	return out
}

// bruteSeeds returns every pair of shingle positions with equal hashes.
func bruteSeeds(a, b Doc) []Seed {
	var out []Seed
	for i, x := range a.Shingles {
		for j, y := range b.Shingles {
			if x == y {
				out = append(out, Seed{int32(i), int32(j)})
			}
		}
	}
	return out
}

// bruteRuns returns every maximal common run a[i:i+L] == b[j:j+L] with
// L >= g, by trying all pairs of start positions.
func bruteRuns(a, b []uint32, g int) []Passage {
	var out []Passage
	for i := range a {
		for j := range b {
			if i > 0 && j > 0 && a[i-1] == b[j-1] {
				continue
			}
			l := 0
			for i+l < len(a) && j+l < len(b) && a[i+l] == b[j+l] {
				l++
			}
			if l >= g {
				out = append(out, Passage{A: Range{i, i + l}, B: Range{j, j + l}})
			}
		}
	}
	return out
}

// bruteSelfRuns returns the maximal runs t[i:i+L] == t[i+d:i+d+L], d > 0,
// trimmed by refTrim, that keep at least g tokens.
func bruteSelfRuns(t []uint32, g int) []Passage {
	var out []Passage
	for d := 1; d < len(t); d++ {
		for i := 0; i+d < len(t); i++ {
			if i > 0 && t[i-1] == t[i-1+d] {
				continue
			}
			l := 0
			for i+d+l < len(t) && t[i+l] == t[i+d+l] {
				l++
			}
			if l == 0 {
				continue
			}
			if p := refTrim(i, l, d); p.A.Len() >= g {
				out = append(out, p)
			}
		}
	}
	return out
}

// refTrim cuts the run t[s:s+l] == t[s+d:s+d+l] into non-overlapping copies
// by trying every multiple D of d.
func refTrim(s, l, d int) Passage {
	if l <= d {
		return Passage{A: Range{s, s + l}, B: Range{s + d, s + d + l}}
	}
	r := l + d
	bestM, bestD := -1, 0
	for D := d; D < r; D += d {
		if m := min(r-D, D); m > bestM {
			bestM, bestD = m, D
		}
	}
	return Passage{A: Range{s, s + bestM}, B: Range{s + bestD, s + bestD + bestM}}
}

// refDedup keeps the candidates that no candidate earlier in the size order
// covers, sorted by position.
func refDedup(cands []Passage, self bool) []Passage {
	cands = slices.Clone(cands)
	slices.SortFunc(cands, cmpSize)
	cands = slices.Compact(cands)
	var out []Passage
	for i, c := range cands {
		ok := true
		for _, k := range cands[:i] {
			if setCovers(k, c, self) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, cmpPassage)
	return out
}

// setCovers is covers written with interval unions: c's ranges must lie in
// the union of k's ranges (self) or in k's range on the same side.
func setCovers(k, c Passage, self bool) bool {
	in := func(r Range, s ...Range) bool {
		for _, x := range s {
			if r.Start >= x.Start && r.End <= x.End {
				return true
			}
		}
		if len(s) == 2 && s[0].End >= s[1].Start && s[1].End >= s[0].Start {
			return r.Start >= min(s[0].Start, s[1].Start) && r.End <= max(s[0].End, s[1].End)
		}
		return false
	}
	if self {
		return in(c.A, k.A, k.B) && in(c.B, k.A, k.B)
	}
	return in(c.A, k.A) && in(c.B, k.B)
}

// checkValid checks the invariants of any result: ranges within bounds and
// at least g long, equal tokens at both ends, sorted output, no passage
// covered by another, and for self results A before B without overlap.
func checkValid(t *testing.T, ps []Passage, a, b []uint32, g int, self bool) {
	t.Helper()
	for i, p := range ps {
		if p.A.Start < 0 || p.A.End > len(a) || p.B.Start < 0 || p.B.End > len(b) {
			t.Fatalf("passage %d %+v out of bounds (%d, %d)", i, p, len(a), len(b))
		}
		if p.A.Len() < g || p.B.Len() < g {
			t.Fatalf("passage %d %+v shorter than %d", i, p, g)
		}
		if a[p.A.Start] != b[p.B.Start] || a[p.A.End-1] != b[p.B.End-1] {
			t.Fatalf("passage %d %+v: tokens differ at the ends", i, p)
		}
		if p.Matched+p.Substituted+p.Inserted != p.A.Len() || p.Matched+p.Substituted+p.Deleted != p.B.Len() {
			t.Fatalf("passage %d %+v: counts do not add up to the ranges", i, p)
		}
		if id := p.Identity(); !(id > 0 && id <= 1) || p.Aligned > p.Matched+p.Substituted+p.Inserted+p.Deleted {
			t.Fatalf("passage %d %+v: identity %v", i, p, id)
		}
		if self && p.A.End > p.B.Start {
			t.Fatalf("passage %d %+v: copies overlap", i, p)
		}
		if i > 0 && cmpPassage(ps[i-1], p) >= 0 {
			t.Fatalf("passages %d, %d not sorted: %+v %+v", i-1, i, ps[i-1], p)
		}
		for j, q := range ps {
			if j != i && setCovers(q, p, self) {
				t.Fatalf("passage %d %+v covered by %d %+v", i, p, j, q)
			}
		}
	}
}

// spans returns the ranges of ps, without their counts.
func spans(ps []Passage) []Passage {
	out := make([]Passage, len(ps))
	for i, p := range ps {
		out[i] = Passage{A: p.A, B: p.B}
	}
	return out
}

// checkCovered checks that every run is covered by a single passage.
func checkCovered(t *testing.T, ps, runs []Passage, self bool) {
	t.Helper()
	for _, r := range runs {
		ok := false
		for _, p := range ps {
			if setCovers(p, r, self) {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("run %+v not covered by %+v", r, ps)
		}
	}
}

// capBinds reports whether some fingerprint hash exceeds MaxPairsPerHash
// pairs between fa and fb.
func capBinds(fa, fb []Fingerprint) bool {
	ca := map[uint64]int{}
	for _, x := range fa {
		ca[x.Hash]++
	}
	cb := map[uint64]int{}
	for _, x := range fb {
		cb[x.Hash]++
	}
	for h, n := range ca {
		if n*cb[h] > MaxPairsPerHash {
			return true
		}
	}
	return false
}

// occBinds reports whether some shingle hash occurs more than
// MaxOccurrences+1 times, so that Repeats may skip pairs.
func occBinds(d Doc) bool {
	c := map[uint64]int{}
	for _, h := range d.Shingles {
		c[h]++
		if c[h] > MaxOccurrences+1 {
			return true
		}
	}
	return false
}

// fpSeeds aligns through fingerprints, as a caller would.
func fpSeeds(p Params, a, b Doc) ([]Seed, bool) {
	fa := p.AppendFingerprints(nil, a)
	fb := p.AppendFingerprints(nil, b)
	return AppendSeeds(nil, fa, fb), capBinds(fa, fb)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
