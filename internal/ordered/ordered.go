// Package ordered runs a function over a sequence with several goroutines
// and hands the results back in input order, with a bounded number of
// items in flight.
//
// It is the shape of neardup's bulk paths: documents are read in one
// goroutine, signed (normalized, shingled, hashed) by several workers, and
// committed to the index one at a time in input order, so that the output
// does not depend on the number of workers.
package ordered

import (
	"iter"
	"sync"
)

// Run calls work(w, x) for each x of in, on workers goroutines (w is the
// worker's number, 0 ≤ w < workers, so that each worker can own scratch
// state), and emit(y) for each result in the order of in, in the calling
// goroutine. At most window items are in flight (read and not yet
// emitted), plus the next one read from in, waiting for room. in is
// iterated in a goroutine of its own.
//
// Run returns when every result has been emitted, or as soon as emit
// returns false: the items already read are then dropped (their work may
// still finish in the background, and the goroutine reading in stops at its
// next item). workers and window below 1 count as 1.
func Run[In, Out any](workers, window int, in iter.Seq[In], work func(w int, x In) Out, emit func(y Out) bool) {
	workers, window = max(workers, 1), max(window, 1)
	type job struct {
		seq int
		x   In
	}
	tokens := make(chan struct{}, window) // one per item in flight
	jobs := make(chan job, window)
	slots := make([]chan Out, window) // result of item seq in slots[seq%window]
	for i := range slots {
		slots[i] = make(chan Out, 1)
	}
	stop := make(chan struct{})
	read := make(chan int, 1) // the number of items, once in is exhausted
	go func() {
		defer close(jobs)
		seq := 0
		defer func() { read <- seq }()
		for x := range in {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			jobs <- job{seq, x} // never blocks: len(jobs) ≤ items in flight < window
			seq++
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				// Never blocks: at most window items are in flight, each
				// with a slot of its own.
				slots[j.seq%window] <- work(w, j.x)
			}
		}()
	}
	defer close(stop)
	total := -1
	for seq := 0; ; seq++ {
		if total < 0 {
			select {
			case y := <-slots[seq%window]:
				<-tokens
				if !emit(y) {
					return
				}
				continue
			case total = <-read:
			}
		}
		if seq >= total {
			wg.Wait()
			return
		}
		y := <-slots[seq%window]
		<-tokens
		if !emit(y) {
			return
		}
	}
}
