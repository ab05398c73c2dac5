package neardup

// timeHeap is a min-heap of (time, document number), for evicting the
// oldest documents first whatever order they were added in. Entries of
// documents removed otherwise are skipped when they come out.
type timeHeap struct{ h []timeEntry }

type timeEntry struct {
	at  int64
	num uint32
}

func (t *timeHeap) len() int { return len(t.h) }

func (t *timeHeap) min() (int64, uint32) { return t.h[0].at, t.h[0].num }

func (t *timeHeap) push(at int64, num uint32) {
	t.h = append(t.h, timeEntry{at, num})
	i := len(t.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !t.less(i, p) {
			break
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *timeHeap) pop() {
	n := len(t.h) - 1
	t.h[0] = t.h[n]
	t.h = t.h[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && t.less(l, m) {
			m = l
		}
		if r < n && t.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
	if cap(t.h) > 1024 && len(t.h) < cap(t.h)/4 {
		t.h = append([]timeEntry(nil), t.h...) // return the memory
	}
}

// less orders by time, then by document number.
func (t *timeHeap) less(i, j int) bool {
	a, b := t.h[i], t.h[j]
	return a.at < b.at || (a.at == b.at && a.num < b.num)
}
