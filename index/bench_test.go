package index_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/neardup/neardup/index"
)

// splitmix is the splitmix64 finalizer, used to derive synthetic values.
func splitmix(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z ^= z >> 30
	z *= 0xBF58476D1CE4E5B9
	z ^= z >> 27
	z *= 0x94D049BB133111EB
	return z ^ z>>31
}

// synthSig writes the synthetic signature of doc into dst without
// allocating. One document in ten (doc%10 == 9) is a near-duplicate of
// doc-9: each value agrees with it with probability 0.9 (Jaccard 0.9);
// every other document is random.
func synthSig(dst []uint32, doc uint32) {
	base := doc
	near := doc%10 == 9
	if near {
		base = doc - 9
	}
	for i := range dst {
		v := uint32(splitmix(uint64(base)<<16 | uint64(i)))
		if near && splitmix(uint64(doc)<<16|uint64(i)|1<<63)%10 == 0 {
			v = ^v
		}
		dst[i] = v
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkLSH builds an index of n synthetic documents (not timed; with
// Grow(n) first in the "grown" variants), reports
// its heap bytes per document (HeapAlloc delta after GC, and the
// MemoryBytes estimate), then times one query plus one insertion per
// operation, as a detector does for each new document.
func BenchmarkLSH(b *testing.B) {
	p08, _ := index.ChooseLSH(0.8, 128, 0.95)
	p05, _ := index.ChooseLSH(0.5, 128, 0.95)
	sizes := []struct {
		n       int
		reserve bool // Grow(n) first, as a bulk load of known size would
	}{{100_000, false}, {1_000_000, false}, {1_000_000, true}}
	for _, p := range []index.LSHParams{p08, p05} {
		for _, size := range sizes {
			n := size.n
			name := fmt.Sprintf("%dx%d/n=%d", p.Bands, p.Rows, n)
			if size.reserve {
				name += "/grown"
			}
			b.Run(name, func(b *testing.B) {
				sig := make([]uint32, p.Bands*p.Rows)
				before := heapAlloc()
				l, err := index.NewLSH(p)
				if err != nil {
					b.Fatal(err)
				}
				if size.reserve {
					l.Grow(n)
				}
				for d := range uint32(n) {
					synthSig(sig, d)
					if err := l.Add(d, sig); err != nil {
						b.Fatal(err)
					}
				}
				heapPerDoc := float64(heapAlloc()-before) / float64(n)
				estPerDoc := float64(l.MemoryBytes()) / float64(n)
				dst := roaring.New()
				found := 0
				doc := uint32(n)
				b.SetBytes(int64(4 * len(sig)))
				b.ReportAllocs()
				for b.Loop() {
					synthSig(sig, doc)
					l.Candidates(dst, sig)
					if !dst.IsEmpty() {
						found++
					}
					if err := l.Add(doc, sig); err != nil {
						b.Fatal(err)
					}
					doc++
				}
				// Metrics reported before b.Loop would be reset by it.
				b.ReportMetric(heapPerDoc, "heapB/doc")
				b.ReportMetric(estPerDoc, "estB/doc")
				b.ReportMetric(float64(found)/float64(doc-uint32(n)), "hit-rate")
				runtime.KeepAlive(l)
			})
		}
	}
}

// BenchmarkSynthSig measures the signature generator alone, to subtract
// from BenchmarkLSH.
func BenchmarkSynthSig(b *testing.B) {
	for _, k := range []int{91, 69} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			sig := make([]uint32, k)
			doc := uint32(0)
			b.SetBytes(int64(4 * k))
			b.ReportAllocs()
			for b.Loop() {
				synthSig(sig, doc)
				doc++
			}
		})
	}
}

func BenchmarkAppendBandKeys(b *testing.B) {
	p, _ := index.ChooseLSH(0.8, 128, 0.95)
	sig := make([]uint32, 128)
	synthSig(sig, 1)
	keys := make([]uint64, 0, p.Bands)
	b.SetBytes(int64(4 * p.Bands * p.Rows))
	b.ReportAllocs()
	for b.Loop() {
		keys = p.AppendBandKeys(keys[:0], sig)
	}
}

// BenchmarkPostingsAdd adds distinct keys, one document each, to a growing
// Postings (table growth included).
func BenchmarkPostingsAdd(b *testing.B) {
	var p index.Postings
	k := uint64(0)
	b.SetBytes(12)
	b.ReportAllocs()
	for b.Loop() {
		p.Add(k*0x9E3779B97F4A7C15, uint32(k))
		k++
	}
}

// BenchmarkPostingsUnion unions 32 keys of a 1M-key Postings in which one
// key in 16 holds 2..5 documents and one key in 1024 holds 300.
func BenchmarkPostingsUnion(b *testing.B) {
	var p index.Postings
	const n = 1 << 20
	p.Grow(n)
	for k := range uint64(n) {
		p.Add(k, uint32(k))
		switch {
		case k%1024 == 0:
			for d := range uint32(300) {
				p.Add(k, uint32(k)+d*977)
			}
		case k%16 == 0:
			for d := range uint32(1 + k%4) {
				p.Add(k, uint32(k)+d+1)
			}
		}
	}
	for _, maxDF := range []uint64{0, 100} {
		b.Run(fmt.Sprintf("maxDF=%d", maxDF), func(b *testing.B) {
			keys := make([]uint64, 32)
			dst := roaring.New()
			q := uint64(0)
			b.SetBytes(int64(8 * len(keys)))
			b.ReportAllocs()
			for b.Loop() {
				for i := range keys {
					keys[i] = splitmix(q) % n
					q++
				}
				p.Union(dst, keys, maxDF)
			}
		})
	}
}

func BenchmarkChooseLSH(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := index.ChooseLSH(0.8, 128, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}
