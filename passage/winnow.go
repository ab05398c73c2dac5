package passage

// Fingerprint is one winnowing fingerprint: a shingle hash and the shingle
// position it was selected at. It is a plain value.
type Fingerprint struct {
	Hash uint64
	Pos  int32
}

// AppendFingerprints appends to dst the robust winnowing fingerprints of
// d.Shingles, in position order, with window w = p.Window() (Schleimer,
// Wilkerson and Aiken 2003). Each window of w consecutive shingle hashes
// selects its minimum hash; ties go to the position selected by the
// previous window when it is still inside the window, and otherwise to the
// rightmost minimum. Every selected position is appended once.
//
// Since every window selects its minimum, two documents sharing a run of
// at least MinWords = w + ShingleSize - 1 tokens share a window of w
// shingles and therefore a fingerprint hash. A document with fewer than w
// shingles is one window. Only d.Shingles is read; at most the first
// 2³¹-1 shingles are used.
//
// The output is deterministic. AppendFingerprints allocates only when dst
// must grow. It takes O(len(d.Shingles)) time for random hashes and
// O(len(d.Shingles)·w) in the worst case.
func (p Params) AppendFingerprints(dst []Fingerprint, d Doc) []Fingerprint {
	h := d.Shingles
	if len(h) > maxPos {
		h = h[:maxPos]
	}
	n := len(h)
	if n == 0 {
		return dst
	}
	w := min(p.Window(), n)
	m := w - 1
	for i := w - 2; i >= 0; i-- {
		if h[i] < h[m] {
			m = i
		}
	}
	dst = append(dst, Fingerprint{Hash: h[m], Pos: int32(m)})
	for i := w; i < n; i++ {
		switch {
		case m <= i-w:
			// The selected minimum left the window: take the rightmost
			// minimum of the window [i-w+1, i].
			m = i
			for j := i - 1; j > i-w; j-- {
				if h[j] < h[m] {
					m = j
				}
			}
		case h[i] < h[m]:
			m = i
		default:
			continue
		}
		dst = append(dst, Fingerprint{Hash: h[m], Pos: int32(m)})
	}
	return dst
}
