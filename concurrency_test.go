package neardup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentLoad runs 8 goroutines adding, querying and removing
// thousands of documents while others evict and snapshot, on a persistent
// detector, then checks that nothing acknowledged is lost: every document
// added and neither removed nor evicted is there, with its near-duplicates.
func TestConcurrentLoad(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 600
	}
	docs := synthCorpus(n, 60)
	dir := t.TempDir()
	d, err := Open(dir, Options{KeepShingles: true, Passages: true, Durability: SyncBatch, SnapshotBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	var wg sync.WaitGroup
	var next atomic.Int64
	var removed sync.Map
	stop := make(chan struct{})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				at := t0.Add(time.Duration(i) * time.Second)
				if _, err := d.AddStringAt(fmt.Sprint(i), docs[i], at); err != nil {
					t.Error(err)
					return
				}
				d.QueryString(docs[rng.IntN(i+1)])
				if rng.IntN(10) == 0 {
					victim := fmt.Sprint(rng.IntN(i + 1))
					if d.Remove(victim) == nil {
						removed.Store(victim, true)
					}
				}
			}
		}(w)
	}
	var aux sync.WaitGroup
	aux.Add(2)
	go func() { // evicts the first 100 seconds' documents, once
		defer aux.Done()
		for next.Load() < int64(n/2) {
			time.Sleep(time.Millisecond)
		}
		if _, err := d.EvictBefore(t0.Add(100 * time.Second)); err != nil {
			t.Error(err)
		}
	}()
	go func() { // snapshots and reads clusters while the others write
		defer aux.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := d.Snapshot(); err != nil {
				t.Error(err)
			}
			d.Clusters()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	close(stop)
	aux.Wait()
	check := func(d *Detector, when string) {
		missing := 0
		for i := 100; i < n; i++ {
			id := fmt.Sprint(i)
			if _, gone := removed.Load(id); gone {
				if d.Contains(id) {
					t.Fatalf("%s: removed %s is back", when, id)
				}
				continue
			}
			if !d.Contains(id) {
				missing++
			}
		}
		if missing > 0 {
			t.Fatalf("%s: %d documents lost", when, missing)
		}
		for i := 0; i < 100; i++ {
			if d.Contains(fmt.Sprint(i)) {
				t.Fatalf("%s: evicted document %d is back", when, i)
			}
		}
	}
	check(d, "before reopening")
	clusters := len(d.Clusters())
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = Open(dir, Options{KeepShingles: true, Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	check(d, "after reopening")
	if got := len(d.Clusters()); got != clusters {
		t.Fatalf("%d clusters after reopening, %d before", got, clusters)
	}
}

// TestHugeDocument adds a 50 MB document (5 MB under the race detector),
// over the default MaxWords, with no limit, then queries a slice of it.
func TestHugeDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB")
	}
	size := 50 << 20
	if raceEnabled {
		size = 5 << 20
	}
	rng := rand.New(rand.NewPCG(2, 2))
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(word(rng.IntN(50000)))
		b.WriteByte(' ')
	}
	huge := b.String()
	d, _ := New(Options{Passages: true, MaxWords: -1})
	if _, err := d.AddString("huge", huge); err != nil {
		t.Fatal(err)
	}
	res := d.QueryString(huge[1000:50000])
	found := false
	for _, p := range res.Passages {
		if p.OtherID == "huge" && p.OtherStart < 1100 && p.OtherEnd > 49000 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the excerpt of the huge document is not found as a passage")
	}
}
