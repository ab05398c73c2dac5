package minhash

import (
	"cmp"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The statistical tests draw pairs of sets with an exact, known Jaccard
// similarity from fixed PCG seeds and check the distribution of the
// estimation error against the theory. They are deterministic.

var long = flag.Bool("long", false, "run the statistical tests with 10 times more pairs")

// pairsPerBin returns the number of pairs drawn per similarity bin.
func pairsPerBin() int {
	if *long {
		return 3000
	}
	return 300
}

// errStats summarises estimation errors (estimate minus truth).
type errStats struct {
	mean, std float64
	maxAbsErr float64
}

func summarize(errs []float64) errStats {
	var s errStats
	for _, e := range errs {
		s.mean += e
		s.maxAbsErr = max(s.maxAbsErr, math.Abs(e))
	}
	s.mean /= float64(len(errs))
	for _, e := range errs {
		s.std += (e - s.mean) * (e - s.mean)
	}
	s.std = math.Sqrt(s.std / float64(len(errs)-1))
	return s
}

// tailLimit returns the largest Jaccard error a single pair may show: the
// larger of 4.5σ and the deviation that a Binomial(k, j) number of matches
// (the model of K independent minima, which OPH does not exceed in spread)
// reaches with probability at most 1e-6. The binomial term matters for
// small J, where the number of matches is skewed to the right.
func tailLimit(j float64, k int) float64 {
	type dev struct{ d, p float64 }
	devs := make([]dev, k+1)
	logp := float64(k) * math.Log1p(-j)
	for x := range devs {
		if x > 0 {
			logp += math.Log(float64(k-x+1)/float64(x)) + math.Log(j) - math.Log1p(-j)
		}
		devs[x] = dev{math.Abs(float64(x) - float64(k)*j), math.Exp(logp)}
	}
	slices.SortFunc(devs, func(a, b dev) int { return cmp.Compare(b.d, a.d) })
	limit, tail := 0.0, 0.0
	for _, d := range devs {
		if tail += d.p; tail > 1e-6 {
			limit = d.d
			break
		}
	}
	return max(4.5*StdErr(j, k), limit/float64(k)+1e-12)
}

// sizes gives |A|, |B| and |A∩B| for a target similarity.
type sizes struct{ a, b, c int }

func (z sizes) jaccard() float64 { return float64(z.c) / float64(z.a+z.b-z.c) }

// equalSizes returns two sets of equal size whose union has u elements and
// whose Jaccard similarity is exactly c/u.
func equalSizes(u, c int) sizes { return sizes{(u + c) / 2, (u + c) / 2, c} }

// jaccardErrors signs statPairs pairs of the given sizes and returns the
// Jaccard errors; also calls extra, if not nil, on each pair.
func jaccardErrors(rng *rand.Rand, k int, z sizes, extra func(a, b []uint64, sa, sb Signature)) []float64 {
	p := Params{K: k}
	var sa, sb Signature
	j := z.jaccard()
	errs := make([]float64, pairsPerBin())
	for i := range errs {
		A, B := pair(rng, z.a, z.b, z.c)
		p.Sign(&sa, A)
		p.Sign(&sb, B)
		errs[i] = sa.Jaccard(sb) - j
		if extra != nil {
			extra(A, B, sa, sb)
		}
	}
	return errs
}

// TestAccuracyMedium checks sets of 440 to 780 elements (union 800) at
// J = 0.1, ..., 0.9, 0.95: OPH is unbiased and, sampling bins without
// replacement, no noisier than K independent minima, sqrt(J(1-J)/K).
func TestAccuracyMedium(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5eed, 1))
	for _, k := range []int{128, 64} {
		for _, c := range []int{80, 160, 240, 320, 400, 480, 560, 640, 720, 760} {
			z := equalSizes(800, c)
			j, sigma := z.jaccard(), StdErr(z.jaccard(), k)
			errs := jaccardErrors(rng, k, z, nil)
			s := summarize(errs)
			// 4 standard errors of the mean: at most 0.0102 for K = 128
			// and 300 pairs.
			meanTol := 4 * sigma / math.Sqrt(float64(len(errs)))
			t.Logf("K=%d J=%.2f: mean err %+.4f, std/σ %.2f, max |err| %.1fσ", k, j, s.mean, s.std/sigma, s.maxAbsErr/sigma)
			if math.Abs(s.mean) > meanTol || s.std > 1.25*sigma || s.maxAbsErr > tailLimit(j, k) {
				t.Errorf("K=%d J=%.2f: mean err %+.4f (tol %.4f), std %.4f (σ %.4f, ratio %.2f), max |err| %.1fσ",
					k, j, s.mean, meanTol, s.std, sigma, s.std/sigma, s.maxAbsErr/sigma)
			}
		}
	}
}

// idealSign is OPH with densification by truly random choices: bin i of
// both sets draws its probe sequence from a PCG seeded by (seed, i). It is
// the benchmark the deterministic probe sequence must match.
func idealSign(hashes []uint64, k int, seed uint64) []uint32 {
	vals := make([]uint32, k)
	nonEmpty := make([]bool, k)
	for i := range vals {
		vals[i] = emptyValue
	}
	for _, h := range hashes {
		b := (h >> 32) * uint64(k) >> 32
		vals[b] = min(vals[b], uint32(h))
		nonEmpty[b] = true
	}
	orig := append([]uint32(nil), vals...)
	for i := range vals {
		if nonEmpty[i] {
			continue
		}
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		for {
			if j := r.IntN(k); nonEmpty[j] {
				vals[i] = orig[j]
				break
			}
		}
	}
	return vals
}

// TestAccuracyShort checks sets of 11 to 20 elements (union 20) at K = 128,
// where most bins are densified.
//
// The union's elements occupy m ≈ 18.6 of the 128 bins. A bin empty in both
// sets copies, in both, the first occupied union bin on its probe sequence,
// so the estimate is the fraction q = M/m of union bins whose minimum is
// shared, plus binomial noise from the K−m densified bins:
// Var ≈ q(1−q)(K−m)/K² + Var(M/m). The first term is 0.85·J(1−J)/K; the
// second comes from bin collisions in the union (about 1.4 pairs of its 20
// elements share a bin) and adds roughly 0.5·J(1−J)/K, so the standard error
// is about 1.15·sqrt(J(1−J)/K): the bound is 1.35 times sqrt(J(1−J)/K)
// (single errors 1.2 times tailLimit), and
// the spread must also be within 15% of that of random densification
// (idealSign) on the same pairs, which shows the probe sequence loses nothing.
func TestAccuracyShort(t *testing.T) {
	const k = 128
	rng := rand.New(rand.NewPCG(0x5eed, 2))
	for _, z := range []sizes{
		equalSizes(20, 2), equalSizes(20, 4), equalSizes(20, 6), equalSizes(20, 8), equalSizes(20, 10),
		equalSizes(20, 12), equalSizes(20, 14), equalSizes(20, 16), equalSizes(20, 18), {19, 20, 19},
	} {
		j, sigma := z.jaccard(), StdErr(z.jaccard(), k)
		var ideal []float64
		errs := jaccardErrors(rng, k, z, func(a, b []uint64, _, _ Signature) {
			seed := rng.Uint64()
			ideal = append(ideal, float64(Matches(idealSign(a, k, seed), idealSign(b, k, seed)))/k-j)
		})
		s, si := summarize(errs), summarize(ideal)
		meanTol := 4 * s.std / math.Sqrt(float64(len(errs)))
		t.Logf("J=%.2f: mean err %+.4f, std/σ %.2f, std/random %.2f, max |err| %.1fσ", j, s.mean, s.std/sigma, s.std/si.std, s.maxAbsErr/sigma)
		if math.Abs(s.mean) > meanTol || s.std > 1.35*sigma || s.maxAbsErr > 1.2*tailLimit(j, k) ||
			s.std > 1.15*si.std || s.std < 0.85*si.std {
			t.Errorf("J=%.2f: mean err %+.4f (tol %.4f), std %.4f (σ %.4f, ratio %.2f; random densification %.4f), max |err| %.1fσ",
				j, s.mean, meanTol, s.std, sigma, s.std/sigma, si.std, s.maxAbsErr/sigma)
		}
	}
}

// lchoose returns log C(n, r).
func lchoose(n, r int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(r + 1))
	c, _ := math.Lgamma(float64(n - r + 1))
	return a - b - c
}

// expectedContainment returns the expected Containment estimate for sets of
// sizes a and b sharing c elements, including the bias of the nonlinear map
// and of the clamping to [0, 1], when the number of matching values out of k
// is hypergeometric: k distinct union elements (one minimum per bin) drawn
// without replacement from the a+b-c, of which c are shared. This is OPH's
// behaviour for sets much larger than k; its spread is sqrt(1-(k-1)/(u-1))
// times the binomial one, as TestAccuracyMedium observes.
func expectedContainment(k, a, b, c int) float64 {
	u := a + b - c
	e := 0.0
	for x := max(0, k-(u-c)); x <= min(c, k); x++ {
		p := math.Exp(lchoose(c, x) + lchoose(u-c, k-x) - lchoose(u, k))
		if x == 0 {
			continue
		}
		jh := float64(x) / float64(k)
		e += p * min(jh*float64(a+b)/((1+jh)*float64(a)), float64(min(a, b))/float64(a), 1)
	}
	return e
}

// TestAccuracySkewed checks pairs of 40 and 800 elements (1:20) where the
// small set is contained in the large one at 10%, ..., 90%, 95%, 100%.
// Jaccard (at most 0.05) behaves as for medium sets. Containment is
// J(|A|+|B|)/((1+J)|A|): its error is the Jaccard error scaled by the
// derivative (|A|+|B|)/(|A|(1+J)²) ≈ 20, so its spread must stay within 1.25
// times that scaled σ, and its mean must match expectedContainment (the
// estimator is biased low by its concavity and by clamping near
// containment 1).
func TestAccuracySkewed(t *testing.T) {
	const k, a, b = 128, 40, 800
	rng := rand.New(rand.NewPCG(0x5eed, 3))
	for _, c := range []int{4, 8, 12, 16, 20, 24, 28, 32, 36, 38, 40} {
		z := sizes{a, b, c}
		j, sigma := z.jaccard(), StdErr(z.jaccard(), k)
		cont := float64(c) / a
		var cerrs []float64
		errs := jaccardErrors(rng, k, z, func(_, _ []uint64, sa, sb Signature) {
			cerrs = append(cerrs, sa.Containment(sb)-cont)
		})
		s, sc := summarize(errs), summarize(cerrs)
		if math.Abs(s.mean) > 4*sigma/math.Sqrt(float64(len(errs))) || s.std > 1.25*sigma || s.maxAbsErr > tailLimit(j, k) {
			t.Errorf("C=%.2f J=%.4f: mean err %+.4f, std %.4f (σ %.4f, ratio %.2f), max |err| %.1fσ",
				cont, j, s.mean, s.std, sigma, s.std/sigma, s.maxAbsErr/sigma)
		}
		csigma := sigma * float64(a+b) / (a * (1 + j) * (1 + j))
		bias := expectedContainment(k, a, b, c) - cont
		t.Logf("C=%.2f J=%.4f: mean err %+.4f, std/σ %.2f, max |err| %.1fσ; containment mean err %+.4f (expected %+.4f), std/σ %.2f",
			cont, j, s.mean, s.std/sigma, s.maxAbsErr/sigma, sc.mean, bias, sc.std/csigma)
		if math.Abs(sc.mean-bias) > 4*sc.std/math.Sqrt(float64(len(errs))) || sc.std > 1.25*csigma {
			t.Errorf("C=%.2f: containment mean err %+.4f (expected bias %+.4f), std %.4f (scaled σ %.4f)",
				cont, sc.mean, bias, sc.std, csigma)
		}
	}
}
