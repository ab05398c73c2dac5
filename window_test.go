package neardup

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func TestWindowEvictsOldDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d, err := New(Options{Window: 72 * time.Hour, KeepShingles: true, Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, 100)
	for i := range texts {
		texts[i] = strings.Join(synthDoc(rng, 100), " ")
		if _, err := d.AddStringAt(fmt.Sprint(i), texts[i], t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	// The newest is at 99 h: documents before 27 h are gone.
	if d.Len() != 73 {
		t.Fatalf("Len = %d, want 73", d.Len())
	}
	if d.Contains("26") || !d.Contains("27") {
		t.Fatalf("window edge: 26 kept %v, 27 kept %v", d.Contains("26"), d.Contains("27"))
	}
	if res := d.QueryString(texts[10]); len(res.Matches) != 0 || len(res.Passages) != 0 {
		t.Fatalf("evicted document still matches: %+v", res)
	}
	if res := d.QueryString(texts[50]); len(res.Matches) != 1 || res.Matches[0].ID != "50" {
		t.Fatalf("document in the window: %+v", res.Matches)
	}
	// A late document older than the window is matched, then evicted.
	res, err := d.AddStringAt("late", texts[50], t0)
	if err != nil || len(res.Matches) != 1 {
		t.Fatalf("late document: %+v, %v", res, err)
	}
	if d.Contains("late") {
		t.Fatalf("late document kept")
	}
	// Its ID is free again, like any removed ID.
	if _, err := d.AddStringAt("late", "x y z", t0.Add(99*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// EvictBefore.
	if n, err := d.EvictBefore(t0.Add(50 * time.Hour)); n != 23 || err != nil {
		t.Fatalf("EvictBefore removed %d, want 23", n)
	}
	if n, _ := d.EvictBefore(t0.Add(50 * time.Hour)); n != 0 {
		t.Fatalf("second EvictBefore removed %d", n)
	}
	if _, err := New(Options{Window: -time.Second}); !errors.Is(err, ErrOptions) {
		t.Fatalf("negative window: %v", err)
	}
}

func TestEvictionOutOfOrder(t *testing.T) {
	d, _ := New(Options{})
	times := []int{5, 1, 9, 3, 7}
	for i, h := range times {
		d.AddStringAt(fmt.Sprint(i), fmt.Sprint("texte numéro ", i), t0.Add(time.Duration(h)*time.Hour))
	}
	if n, _ := d.EvictBefore(t0.Add(6 * time.Hour)); n != 3 {
		t.Fatalf("evicted %d, want 3 (times 5, 1, 3)", n)
	}
	for i, h := range times {
		if d.Contains(fmt.Sprint(i)) != (h >= 6) {
			t.Errorf("document at %dh kept=%v", h, d.Contains(fmt.Sprint(i)))
		}
	}
}

// TestEvictionHandsOverRepresentative: a~b and a~c but b≁c; evicting a keeps
// b and c in one cluster, b representing it, with both links marked removed.
func TestEvictionHandsOverRepresentative(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	a := synthDoc(rng, 300)
	b := append(append([]string(nil), a[:280]...), synthDoc(rng, 20)...)
	c := append(synthDoc(rng, 20), a[20:]...)
	d, _ := New(Options{KeepShingles: true, Window: 10 * time.Hour})
	d.AddStringAt("a", strings.Join(a, " "), t0)
	d.AddStringAt("b", strings.Join(b, " "), t0.Add(time.Hour))
	d.AddStringAt("c", strings.Join(c, " "), t0.Add(2*time.Hour))
	if j := exactJaccard(t, strings.Join(b, " "), strings.Join(c, " ")); j >= 0.8 {
		t.Fatalf("b~c = %v: the test needs them apart", j)
	}
	cl := d.Clusters()
	if len(cl) != 1 || cl[0].Representative != "a" || len(cl[0].Members) != 3 {
		t.Fatalf("before eviction: %+v", cl)
	}
	d.AddStringAt("later", "autre chose", t0.Add(10*time.Hour+30*time.Minute)) // evicts a
	cl = d.Clusters()
	if len(cl) != 1 || cl[0].Representative != "b" || strings.Join(cl[0].Members, ",") != "b,c" {
		t.Fatalf("after eviction: %+v", cl)
	}
	for _, l := range cl[0].Links {
		if l.A != "a" || !l.Removed {
			t.Fatalf("links after eviction: %+v", cl[0].Links)
		}
	}
}

// TestEvictionReturnsMemory fills a detector through a short window and
// checks that its heap stays near that of the documents in the window.
func TestEvictionReturnsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2 × 20,000 documents")
	}
	docs := synthCorpus(20000, 150)
	heap := func(window time.Duration) (bytes uint64, live int) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, _ := New(Options{Window: window, KeepShingles: true, Passages: true})
		for i, txt := range docs {
			d.AddStringAt(fmt.Sprint(i), txt, t0.Add(time.Duration(i)*time.Minute))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(d)
		return after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc), d.Len()
	}
	windowed, nWin := heap(1000 * time.Minute)
	full, nFull := heap(0)
	if nWin != 1001 || nFull != 20000 {
		t.Fatalf("Len %d and %d", nWin, nFull)
	}
	// 1,001 of 20,000 documents are kept: allow 3 times their share for
	// tables sized for the peak.
	if windowed*20000 > 3*1001*full {
		t.Fatalf("windowed detector holds %d bytes, full one %d: memory not returned", windowed, full)
	}
	t.Logf("heap: full %d KB, windowed %d KB", full>>10, windowed>>10)
}

// BenchmarkWindowLatency adds b.N short distinct articles one second apart
// to a detector whose window holds 200,000 of them, and reports the
// latency distribution of Add: in the steady state every Add also evicts
// the oldest article, and the tables grow and shrink in small pieces.
//
//	go test -run XXX -bench WindowLatency -benchtime 1000000x
func BenchmarkWindowLatency(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx", i)
	}
	d, err := New(Options{Window: 200_000 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	var sb strings.Builder
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		sb.Reset()
		for range 80 {
			sb.WriteString(words[rng.IntN(len(words))])
			sb.WriteByte(' ')
		}
		text := sb.String()
		b.StartTimer()
		start := time.Now()
		if _, err := d.AddStringAt(fmt.Sprint(i), text, t0.Add(time.Duration(i)*time.Second)); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	reportLatency(b, lat, 0.5, 0.999, 1)
}
