package neardup

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkIndexScale measures what the index bars are about: the
// heap per document and the time of insert + query (candidates and
// verification) per document, beyond tokenizing and shingling, for
// collections of 100 k and 1 M synthetic documents of 600 shingles, every
// tenth a near-duplicate (95 % of the shingles) of an earlier one. The
// timed part includes computing the MinHash and SimHash (about 1.5 µs).
//
//	go test -run XXX -bench IndexScale -benchtime 1x
func BenchmarkIndexScale(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				perDoc, bytes, dups := indexScale(b, n)
				b.ReportMetric(perDoc, "µs/doc")
				b.ReportMetric(bytes, "B/doc")
				b.ReportMetric(float64(dups)/float64(n), "dup-rate")
			}
		})
	}
}

func indexScale(tb testing.TB, n int) (usPerDoc, bytesPerDoc float64, dups int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("doc-%07d", i)
	}
	d, err := New(Options{})
	if err != nil {
		tb.Fatal(err)
	}
	ws := d.pool.Get().(*workspace)
	const shingles = 600
	prev := make([]uint64, shingles)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var elapsed time.Duration
	for i := 0; i < n; i++ {
		sh := ws.signer.shingles[:0]
		if i%10 == 9 {
			for _, h := range prev {
				if rng.IntN(40) == 0 {
					h = rng.Uint64()
				}
				sh = append(sh, h)
			}
		} else {
			for range shingles {
				sh = append(sh, rng.Uint64())
			}
			copy(prev, sh)
		}
		ws.signer.shingles = sh
		start := time.Now()
		res, err := d.add(ids[i], int64(i), ws)
		elapsed += time.Since(start)
		if err != nil {
			tb.Fatal(err)
		}
		if len(res.Matches) > 0 {
			dups++
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	return float64(elapsed.Microseconds()) / float64(n), float64(after.HeapAlloc-before.HeapAlloc) / float64(n), dups
}

// TestIndexScaleSmall runs the scale benchmark's code on a small collection:
// every planted near-duplicate is found.
func TestIndexScaleSmall(t *testing.T) {
	_, _, dups := indexScale(t, 5000)
	if dups != 500 {
		t.Fatalf("%d of 500 planted near-duplicates found", dups)
	}
}

// BenchmarkSnapshotReopen measures, for a persistent detector holding n
// synthetic documents (default options), writing a snapshot and opening
// the directory again (reading the snapshot and rebuilding the LSH band
// tables from the stored band keys), and the snapshot's size per document.
//
//	go test -run XXX -bench SnapshotReopen -benchtime 1x
func BenchmarkSnapshotReopen(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				dir := b.TempDir()
				d, err := Open(dir, Options{Durability: SyncBatch, SnapshotBytes: -1})
				if err != nil {
					b.Fatal(err)
				}
				fillSynthetic(b, d, n)
				start := time.Now()
				if err := d.Snapshot(); err != nil {
					b.Fatal(err)
				}
				write := time.Since(start)
				d.Close()
				info, _ := os.Stat(filepath.Join(dir, SnapshotFile))
				start = time.Now()
				d, err = Open(dir, Options{})
				if err != nil {
					b.Fatal(err)
				}
				reopen := time.Since(start)
				if d.Len() != n {
					b.Fatalf("reopened with %d documents", d.Len())
				}
				d.Close()
				b.ReportMetric(write.Seconds(), "snapshot-s")
				b.ReportMetric(reopen.Seconds(), "reopen-s")
				b.ReportMetric(float64(info.Size())/float64(n), "file-B/doc")
			}
		})
	}
}

// fillSynthetic adds n documents of 600 random shingles (every tenth a
// near-duplicate of the one before) through the detector's internal path,
// skipping tokenization.
func fillSynthetic(tb testing.TB, d *Detector, n int) {
	rng := rand.New(rand.NewPCG(5, uint64(n)))
	ws := d.pool.Get().(*workspace)
	prev := make([]uint64, 600)
	for i := 0; i < n; i++ {
		sh := ws.signer.shingles[:0]
		for k := range 600 {
			h := rng.Uint64()
			if i%10 == 9 && rng.IntN(40) != 0 {
				h = prev[k]
			}
			sh = append(sh, h)
		}
		copy(prev, sh)
		ws.signer.shingles = sh
		if _, err := d.add(fmt.Sprintf("doc-%07d", i), int64(i), ws); err != nil {
			tb.Fatal(err)
		}
	}
}

// loadIDs numbers the documents BenchmarkLoad adds, across its runs.
var loadIDs atomic.Int64

// BenchmarkLoad measures a dedup stage under sustained load: workers each
// Add a fresh 600-word article then Query another, against a detector
// already holding n documents (100 k, 1 M), with GOMAXPROCS 1 and 2. It
// reports operations per second and the p50 and p99 latency of one
// operation (an Add or a Query, signing included).
//
//	go test -run XXX -bench Load -benchtime 20000x
func BenchmarkLoad(b *testing.B) {
	g := newNewsLike(b, 4)
	texts := make([]string, 4000)
	for i := range texts {
		texts[i] = g.next(600)
	}
	for _, n := range []int{100_000, 1_000_000} {
		d, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		fillSynthetic(b, d, n)
		for _, procs := range []int{1, 2} {
			b.Run(fmt.Sprintf("%d/cpu=%d", n, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				workers := 4 * procs
				lat := make([][]time.Duration, workers)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= b.N {
								return
							}
							start := time.Now()
							if i%2 == 0 {
								if _, err := d.AddString(fmt.Sprint("load-", loadIDs.Add(1)), texts[i%len(texts)]); err != nil {
									b.Error(err)
									return
								}
							} else {
								d.QueryString(texts[(i*7)%len(texts)])
							}
							lat[w] = append(lat[w], time.Since(start))
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				var all []time.Duration
				for _, l := range lat {
					all = append(all, l...)
				}
				slices.Sort(all)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
				b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}
