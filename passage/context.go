package passage

// Context tags summarize, in 32 bits, the neighbourhood of a fingerprint in
// its document, so that an index can store one next to each posting and
// discard a fingerprint hash shared by chance (a common phrase of
// ShingleSize words) without reading the other document.
//
// Let c = ⌈(MinWords − ShingleSize) / 2⌉. A run of at least MinWords equal
// tokens through shingle positions i of one document and j of another
// (tokens i..i+ShingleSize-1 equal to tokens j..) extends at least
// MinWords − ShingleSize tokens beyond that shingle, so at least c on one
// side: it then contains the shingles i−c and j−c, or the shingles i+c and
// j+c, whose hashes are equal. The tag of a position holds 16 bits of the
// shingle hash c positions before it (high half) and c positions after it
// (low half); a half is 0 when that position is outside the document, and
// otherwise never 0. Two positions can lie in a common run of MinWords
// tokens only if their tags agree on a non-zero half.

// Context returns the context tag of shingle position pos of d, as
// described above, or 0 (no tag) when MinWords is ShingleSize (c = 0: every
// shared shingle may be a passage) or pos is out of range.
func (p Params) Context(d Doc, pos int) uint32 {
	c := p.contextDist()
	ns := len(d.Shingles)
	if c == 0 || pos < 0 || pos >= ns {
		return 0
	}
	var t uint32
	if pos >= c {
		t = uint32(half(d.Shingles[pos-c])) << 16
	}
	if pos+c < ns {
		t |= uint32(half(d.Shingles[pos+c]))
	}
	return t
}

// contextDist returns c = ⌈(MinWords − ShingleSize) / 2⌉.
func (p Params) contextDist() int {
	return (p.minWords() - ShingleSize + 1) / 2
}

// half returns 16 bits of a shingle hash, never 0.
func half(h uint64) uint16 {
	v := uint16(h >> 48)
	if v == 0 {
		v = 1
	}
	return v
}

// ContextsMatch reports whether two shingle positions with context tags a
// and b may lie in a common run of MinWords tokens: whether either is 0 (no
// tag) or they agree on a non-zero half.
func ContextsMatch(a, b uint32) bool {
	if a == 0 || b == 0 {
		return true
	}
	x := a ^ b
	return (x>>16 == 0 && a>>16 != 0) || (x&0xffff == 0 && a&0xffff != 0)
}

// AppendContexts appends to dst the context tag of each fingerprint of fps,
// fingerprints of d, and returns the extended slice.
func (p Params) AppendContexts(dst []uint32, d Doc, fps []Fingerprint) []uint32 {
	for _, f := range fps {
		dst = append(dst, p.Context(d, int(f.Pos)))
	}
	return dst
}

// MayShare reports whether fingerprint f of d, whose hash another document
// holds at a position with context tag t, can belong to a run of at least
// MinWords tokens shared with that document, as [Finder.Align] looks for
// it: through f's position or any position of d within Window()-1
// shingles of it holding the same hash. When MayShare is false, the seeds
// of that fingerprint pair lead to no passage and can be skipped, which
// keeps the guarantee of [Finder.Align].
func (p Params) MayShare(d Doc, f Fingerprint, t uint32) bool {
	pos := int(f.Pos)
	if t == 0 || ContextsMatch(p.Context(d, pos), t) {
		return true
	}
	w := p.Window()
	hi := min(len(d.Shingles)-1, pos+w-1)
	for q := max(0, pos-w+1); q <= hi; q++ {
		if q != pos && d.Shingles[q] == f.Hash && ContextsMatch(p.Context(d, q), t) {
			return true
		}
	}
	return false
}
