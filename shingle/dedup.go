package shingle

// Deduper removes repeated hashes with a reusable open-addressing hash table.
// The zero value is ready to use. After the first few documents its table is
// large enough and AppendDistinct allocates nothing.
//
// A Deduper is not safe for concurrent use; use one per goroutine.
type Deduper struct {
	slots []uint64 // 0 marks an empty slot; hash 0 is tracked by zero
	zero  bool
}

// AppendDistinct appends to dst each distinct value of hashes once, in the
// order of first occurrence, and returns the extended slice. dst may be
// hashes[:0] to deduplicate in place.
//
// The values are expected to be well-mixed hashes (the table is indexed by
// their top bits), as produced by this package.
func (d *Deduper) AppendDistinct(dst, hashes []uint64) []uint64 {
	n := len(hashes)
	if n == 0 {
		d.slots, d.zero = d.slots[:0], false
		return dst
	}
	size := 16
	shift := uint(60)
	for size < 2*n {
		size <<= 1
		shift--
	}
	if cap(d.slots) < size {
		d.slots = make([]uint64, size)
	} else {
		d.slots = d.slots[:size]
		clear(d.slots)
	}
	d.zero = false
	slots := d.slots
	mask := uint64(size - 1)
	for _, h := range hashes {
		if h == 0 {
			if !d.zero {
				d.zero = true
				dst = append(dst, 0)
			}
			continue
		}
		i := h >> shift
		for {
			s := slots[i]
			if s == h {
				break
			}
			if s == 0 {
				slots[i] = h
				dst = append(dst, h)
				break
			}
			i = (i + 1) & mask
		}
	}
	return dst
}

// Contains reports whether h was among the hashes of the last AppendDistinct
// call. It is valid until the next call to AppendDistinct.
func (d *Deduper) Contains(h uint64) bool {
	if h == 0 {
		return d.zero
	}
	slots := d.slots
	if len(slots) == 0 {
		return false
	}
	mask := uint64(len(slots) - 1)
	shift := uint(64 - bitsLen(len(slots)))
	for i := h >> shift; ; i = (i + 1) & mask {
		switch slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// bitsLen returns log2 of the power of two n.
func bitsLen(n int) int {
	b := 0
	for n > 1 {
		n >>= 1
		b++
	}
	return b
}
