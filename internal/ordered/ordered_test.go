package ordered

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func count(n int, read *atomic.Int64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			read.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

// TestRunOrder checks that results come back in input order whatever the
// number of workers, the window and the time each item takes, and that no
// more than window items are ever in flight.
func TestRunOrder(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 3, 8} {
		for _, window := range []int{0, 1, 2, 7, 64} {
			t.Run(fmt.Sprintf("workers=%d/window=%d", workers, window), func(t *testing.T) {
				var read, inFlight, peak atomic.Int64
				next := 0
				Run(workers, window, count(500, &read), func(w int, x int) int {
					if n := inFlight.Add(1); n > peak.Load() {
						peak.Store(n)
					}
					if w < 0 || w >= max(workers, 1) {
						t.Errorf("worker number %d", w)
					}
					if x%7 == 0 {
						time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
					}
					inFlight.Add(-1)
					return x * x
				}, func(y int) bool {
					if y != next*next {
						t.Fatalf("result %d is %d, want %d", next, y, next*next)
					}
					next++
					if in := read.Load() - int64(next); in > int64(max(window, 1))+1 {
						t.Errorf("%d items read and not emitted, window %d (+1 waiting for room)", in, window)
					}
					return true
				})
				if next != 500 {
					t.Fatalf("%d results, want 500", next)
				}
				if peak.Load() > int64(max(workers, 1)) {
					t.Errorf("%d calls of work at once with %d workers", peak.Load(), workers)
				}
			})
		}
	}
}

func TestRunEmpty(t *testing.T) {
	var read atomic.Int64
	Run(4, 4, count(0, &read), func(int, int) int { return 0 }, func(int) bool {
		t.Fatal("emit called")
		return true
	})
}

// TestRunStop checks that Run returns once emit says stop, that reading
// stops soon after, and that no goroutine is left behind.
func TestRunStop(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		var read atomic.Int64
		n := 0
		Run(3, 5, count(1_000_000, &read), func(_, x int) int { return x }, func(int) bool {
			n++
			return n < 10
		})
		if n != 10 {
			t.Fatalf("emit called %d times after returning false at 10", n)
		}
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if r := read.Load(); r > 10+5+1 {
			t.Fatalf("%d items read after stopping at 10 with a window of 5", r)
		}
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Fatalf("%d goroutines left (%d before)", g, before)
	}
}
