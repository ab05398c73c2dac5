package neardup

import "encoding/binary"

// tokenOffsets holds the byte offsets of a document's tokens in about two
// bytes per token: for each token, uvarint(start - end of the previous
// token) then uvarint(end - start), which is also how a saved passage
// record stores them, with a mark every offsetStride tokens so that
// finding one token's offsets decodes at most offsetStride-1 others.
type tokenOffsets struct {
	b     []byte
	marks []offsetMark
}

// offsetMark locates token k·offsetStride: its encoding starts at b[at],
// after a token ending at byte prevEnd.
type offsetMark struct{ at, prevEnd uint32 }

const offsetStride = 32

// newTokenOffsets packs n tokens whose start and end byte offsets span
// returns. Offsets must not decrease and must fit in a uint32.
func newTokenOffsets(n int, span func(i int) (start, end int)) tokenOffsets {
	size, prev := 0, 0
	for i := range n {
		s, e := span(i)
		size += uvarintLen(uint64(s-prev)) + uvarintLen(uint64(e-s))
		prev = e
	}
	o := tokenOffsets{b: make([]byte, 0, size), marks: make([]offsetMark, 0, (n+offsetStride-1)/offsetStride)}
	prev = 0
	for i := range n {
		if i%offsetStride == 0 {
			o.marks = append(o.marks, offsetMark{uint32(len(o.b)), uint32(prev)})
		}
		s, e := span(i)
		o.b = binary.AppendUvarint(o.b, uint64(s-prev))
		o.b = binary.AppendUvarint(o.b, uint64(e-s))
		prev = e
	}
	return o
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// token returns the start and end byte offsets of token i (0 <= i < n).
func (o *tokenOffsets) token(i int) (start, end int) {
	m := o.marks[i/offsetStride]
	at, prev := int(m.at), uint64(m.prevEnd)
	for k := i - i%offsetStride; ; k++ {
		gap, w := binary.Uvarint(o.b[at:])
		at += w
		l, w := binary.Uvarint(o.b[at:])
		at += w
		s := prev + gap
		prev = s + l
		if k == i {
			return int(s), int(prev)
		}
	}
}

// span returns the byte range of tokens i through j-1 (i < j).
func (o *tokenOffsets) span(i, j int) (start, end int) {
	start, _ = o.token(i)
	_, end = o.token(j - 1)
	return start, end
}

// memoryBytes returns the heap bytes held by o.
func (o *tokenOffsets) memoryBytes() int { return cap(o.b) + 8*cap(o.marks) }

// packedOffsets returns the tokenOffsets of nt tokens encoded in enc (a
// valid encoding, as a saved record holds it), with enc copied.
func packedOffsets(enc []byte, nt int) tokenOffsets {
	b := append([]byte(nil), enc...)
	return tokenOffsets{b: b, marks: markOffsets(b, nt)}
}

// markOffsets returns the marks of the n tokens encoded in b.
func markOffsets(b []byte, n int) []offsetMark {
	marks := make([]offsetMark, 0, (n+offsetStride-1)/offsetStride)
	at, prev := 0, uint64(0)
	for i := range n {
		if i%offsetStride == 0 {
			marks = append(marks, offsetMark{uint32(at), uint32(prev)})
		}
		gap, w := binary.Uvarint(b[at:])
		at += w
		l, w := binary.Uvarint(b[at:])
		at += w
		prev += gap + l
	}
	return marks
}
