package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// progress prints a progress line on a terminal while a command runs:
// documents, throughput and, when the input size is known, the share done
// and the time left.
type progress struct {
	w     io.Writer
	start time.Time
	total int64         // input bytes, 0 when unknown (standard input)
	read  *atomic.Int64 // input bytes read so far
	docs  atomic.Int64  // documents done
	stop  chan struct{}
	done  chan struct{}
}

// startProgress starts printing on w every quarter of a second, if on.
func startProgress(w io.Writer, on bool, total int64, read *atomic.Int64) *progress {
	p := &progress{w: w, start: time.Now(), total: total, read: read}
	if !on {
		return p
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				fmt.Fprint(p.w, "\r"+p.line()+"\x1b[K")
			}
		}
	}()
	return p
}

func (p *progress) line() string {
	el := time.Since(p.start).Seconds()
	read := p.read.Load()
	s := fmt.Sprintf("%d documents, %.1f MB/s", p.docs.Load(), float64(read)/1e6/max(el, 1e-9))
	if p.total > 0 && read > 0 {
		frac := min(float64(read)/float64(p.total), 1)
		left := time.Duration(el * (1 - frac) / frac * float64(time.Second)).Round(time.Second)
		s += fmt.Sprintf(", %3.0f%%, %v left", 100*frac, left)
	}
	return s
}

// finish stops the line and clears it.
func (p *progress) finish() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	<-p.done
	fmt.Fprint(p.w, "\r\x1b[K")
}

// inputSize is the total size of the named regular files (0 when one of
// them is standard input or cannot be measured: no share or time left is
// shown then).
func inputSize(names []string) int64 {
	var n int64
	for _, name := range names {
		if name == "-" {
			return 0
		}
		fi, err := os.Stat(name)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			return 0
		}
		n += fi.Size()
	}
	return n
}
