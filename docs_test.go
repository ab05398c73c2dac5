package neardup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestColumn checks column against a plain slice through random appends
// and front drops: the values of every document, the chunk bookkeeping and
// that dropped chunks are released.
func TestColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for _, stride := range []int{1, 3, 17} {
		c := column[uint32]{stride: stride}
		var model [][]uint32
		next := uint32(1)
		for step := range 3000 {
			if rng.IntN(10) < 7 {
				for range rng.IntN(40) {
					v := make([]uint32, rng.IntN(stride+2)) // short and long inputs
					for i := range v {
						v[i] = next
						next++
					}
					c.push(v...)
					want := make([]uint32, stride)
					copy(want, v)
					model = append(model, want)
				}
			} else {
				f := rng.IntN(len(model) + 1)
				if rng.IntN(4) == 0 {
					f = min(len(model), chunkDocs+rng.IntN(50))
				}
				c.dropFront(f)
				model = model[f:]
			}
			if c.n != len(model) {
				t.Fatalf("stride %d step %d: n = %d, want %d", stride, step, c.n, len(model))
			}
			if c.skip >= chunkDocs || len(c.chunks) != (c.skip+c.n+chunkDocs-1)/chunkDocs && c.n > 0 {
				t.Fatalf("stride %d step %d: skip %d, %d chunks for %d documents", stride, step, c.skip, len(c.chunks), c.n)
			}
			for _, ch := range c.chunks[:max(0, len(c.chunks)-1)] {
				if len(ch) != chunkDocs*stride || cap(ch) != chunkDocs*stride {
					t.Fatalf("stride %d step %d: a full chunk of len %d, cap %d", stride, step, len(ch), cap(ch))
				}
			}
			if step%50 == 0 || step > 2990 {
				for i, want := range model {
					if got := c.at(i); !slices.Equal(got, want) {
						t.Fatalf("stride %d step %d: document %d = %v, want %v", stride, step, i, got, want)
					}
				}
			}
		}
		// Values are modifiable in place.
		if c.n > 0 {
			c.at(0)[0] = 42
			if c.at(0)[0] != 42 {
				t.Fatal("at does not alias the column")
			}
		}
	}
	var off column[int]
	off.push(1, 2)
	off.dropFront(0)
	if off.on() || off.n != 0 || off.chunks != nil {
		t.Fatal("a column with stride 0 holds values")
	}
}

// TestCompactDropsChunks checks that a detector with a time window keeps
// a bounded number of chunks however many documents pass through it, and
// that compaction copies no document data.
func TestCompactDropsChunks(t *testing.T) {
	d, err := New(Options{Window: 1000e9}) // 1,000 documents one second apart
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 14_000
	words := make([]string, 40)
	for i := range n {
		for w := range words {
			words[w] = fmt.Sprint("w", rng.IntN(100_000))
		}
		if _, err := d.AddStringAt(fmt.Sprint(i), strings.Join(words, " "), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if d.Len() > 1001 || d.docs.base < n-1000-2*chunkDocs {
		t.Fatalf("Len %d, base %d", d.Len(), d.docs.base)
	}
	if n := len(d.docs.sig8.chunks); n > 3 {
		t.Fatalf("%d chunks of signatures held for %d live documents", n, d.Len())
	}
}
