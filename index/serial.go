package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// ErrCorrupt reports serialized tables that are malformed or damaged.
var ErrCorrupt = errors.New("index: corrupt serialized tables")

// lshMagic begins the serialized form of an LSH, followed by a version byte.
const lshMagic = "NDLSH"

// lshVersion is the version of the serialized form.
const lshVersion = 1

// WriteTo writes the band tables of l in a portable binary form that
// ReadLSH reads back, much faster than rebuilding them document by
// document. The form begins with magic bytes, a version and the banding.
// It implements io.WriterTo.
func (l *LSH) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := &countWriter{w: bw}
	var b []byte
	b = append(b, lshMagic...)
	b = append(b, lshVersion)
	b = binary.AppendUvarint(b, uint64(l.p.Bands))
	b = binary.AppendUvarint(b, uint64(l.p.Rows))
	if _, err := cw.Write(b); err != nil {
		return cw.n, err
	}
	for i := range l.bands {
		if err := l.bands[i].writeTo(cw); err != nil {
			return cw.n, err
		}
	}
	return cw.n, bw.Flush()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ReadLSH reads band tables written by LSH.WriteTo for banding p. It checks
// the magic, version and banding, every length before allocating, and every
// invariant of the tables, so that a damaged input gives an error wrapping
// ErrCorrupt (or ErrParams for another banding) and never a table that
// misbehaves later.
func ReadLSH(r io.Reader, p LSHParams) (*LSH, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// Read exactly the tables when r can read bytes one by one (a
	// bytes.Reader, a bufio.Reader): what follows them stays unread.
	br, ok := r.(byteReader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	head := make([]byte, len(lshMagic)+1)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrCorrupt, err)
	}
	if string(head[:len(lshMagic)]) != lshMagic || head[len(lshMagic)] != lshVersion {
		return nil, fmt.Errorf("%w: bad magic or version", ErrCorrupt)
	}
	bands, err1 := binary.ReadUvarint(br)
	rows, err2 := binary.ReadUvarint(br)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("%w: banding", ErrCorrupt)
	}
	if bands != uint64(p.Bands) || rows != uint64(p.Rows) {
		return nil, fmt.Errorf("%w: tables of %d bands × %d rows, want %d × %d", ErrParams, bands, rows, p.Bands, p.Rows)
	}
	l := &LSH{p: p, bands: newBands(p.Bands)}
	for i := range l.bands {
		if err := l.bands[i].readFrom(br); err != nil {
			return nil, fmt.Errorf("%w: band %d: %w", ErrCorrupt, i, err)
		}
	}
	return l, nil
}

// writeTo writes the store: counts, the slot words, then the small and big
// sets in key order.
func (s *store[K]) writeTo(w io.Writer) error {
	var b []byte
	b = binary.AppendUvarint(b, uint64(s.homes))
	b = binary.AppendUvarint(b, uint64(s.used))
	b = binary.AppendUvarint(b, uint64(s.nkeys))
	if s.zeroSet {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.LittleEndian.AppendUint32(b, s.zeroVal)
	b = binary.AppendUvarint(b, uint64(len(s.slots)))
	if _, err := w.Write(b); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, v := range s.slots {
		buf = binary.LittleEndian.AppendUint32(buf, v)
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(s.small)))
	for _, k := range sortedKeys(s.small) {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(k))
		set := s.small[k]
		buf = binary.AppendUvarint(buf, uint64(len(set)))
		for _, d := range set {
			buf = binary.LittleEndian.AppendUint32(buf, d)
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(s.big)))
	for _, k := range sortedKeys(s.big) {
		bm := s.big[k]
		bm.RunOptimize()
		buf = binary.LittleEndian.AppendUint64(buf, uint64(k))
		buf = binary.AppendUvarint(buf, bm.GetSerializedSizeInBytes())
		if _, err := w.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
		if _, err := bm.WriteTo(w); err != nil {
			return err
		}
	}
	_, err := w.Write(buf)
	return err
}

func sortedKeys[K word, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// byteReader is what readFrom reads from.
type byteReader interface {
	io.Reader
	io.ByteReader
}

// maxSerialWords bounds the slot words of one serialized table, checked
// before allocating: 1<<30 words (4 GiB), well above maxReserve's tables.
const maxSerialWords = 1 << 30

// readFrom reads a store written by writeTo into the empty s and
// validates it.
func (s *store[K]) readFrom(r byteReader) error {
	u := func() (uint64, error) { return binary.ReadUvarint(r) }
	homes, err := u()
	if err != nil {
		return err
	}
	used, err := u()
	if err != nil {
		return err
	}
	nkeys, err := u()
	if err != nil {
		return err
	}
	var zb [5]byte
	if _, err := io.ReadFull(r, zb[:]); err != nil {
		return err
	}
	nw, err := u()
	if err != nil {
		return err
	}
	w := uint64(words[K]())
	if nw > maxSerialWords || nw%w != 0 || homes > nw/w || used > nw/w || nkeys > nw/w+1 || zb[0] > 1 {
		return errors.New("counts out of range")
	}
	s.homes, s.used, s.nkeys = int(homes), int(used), int(nkeys)
	s.zeroSet, s.zeroVal = zb[0] == 1, binary.LittleEndian.Uint32(zb[1:])
	if nw > 0 {
		// Read in chunks so that a short input fails before a huge allocation
		// is filled.
		s.slots = make([]uint32, 0, min(nw, 1<<20))
		var chunk [4096]byte
		for left := nw; left > 0; {
			n := min(left, uint64(len(chunk)/4))
			if _, err := io.ReadFull(r, chunk[:4*n]); err != nil {
				return err
			}
			for i := range n {
				s.slots = append(s.slots, binary.LittleEndian.Uint32(chunk[4*i:]))
			}
			left -= n
		}
	}
	ns, err := u()
	if err != nil {
		return err
	}
	if ns > nw/w+1 {
		return errors.New("too many small sets")
	}
	for range ns {
		var kb [8]byte
		if _, err := io.ReadFull(r, kb[:]); err != nil {
			return err
		}
		n, err := u()
		if err != nil {
			return err
		}
		if n == 0 || n > smallMax {
			return errors.New("bad small set size")
		}
		set := make([]uint32, n)
		var db [4]byte
		for i := range set {
			if _, err := io.ReadFull(r, db[:]); err != nil {
				return err
			}
			set[i] = binary.LittleEndian.Uint32(db[:])
		}
		if s.small == nil {
			s.small = make(map[K][]uint32)
		}
		k := K(binary.LittleEndian.Uint64(kb[:]))
		if _, dup := s.small[k]; dup || uint64(k) != binary.LittleEndian.Uint64(kb[:]) {
			return errors.New("bad small set key")
		}
		s.small[k] = set
	}
	nb, err := u()
	if err != nil {
		return err
	}
	if nb > nw/w+1 {
		return errors.New("too many bitmaps")
	}
	for range nb {
		var kb [8]byte
		if _, err := io.ReadFull(r, kb[:]); err != nil {
			return err
		}
		size, err := u()
		if err != nil {
			return err
		}
		if size > maxSerialWords {
			return errors.New("bitmap too large")
		}
		bm, err := readBitmap(io.LimitReader(r, int64(size)), size)
		if err == nil && bm.GetCardinality() == 0 {
			err = errors.New("empty bitmap")
		}
		if err != nil {
			return err
		}
		if s.big == nil {
			s.big = make(map[K]*roaring.Bitmap)
		}
		k := K(binary.LittleEndian.Uint64(kb[:]))
		if _, dup := s.big[k]; dup || uint64(k) != binary.LittleEndian.Uint64(kb[:]) {
			return errors.New("bad bitmap key")
		}
		s.big[k] = bm
	}
	return s.validate()
}

// readBitmap reads one roaring bitmap of exactly size bytes, turning a
// panic of the roaring decoder on malformed bytes into an error.
func readBitmap(r io.Reader, size uint64) (bm *roaring.Bitmap, err error) {
	defer func() {
		if p := recover(); p != nil {
			bm, err = nil, fmt.Errorf("malformed bitmap: %v", p)
		}
	}()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if uint64(len(data)) != size {
		return nil, io.ErrUnexpectedEOF
	}
	bm = roaring.New()
	n, err := bm.FromBuffer(data)
	if err != nil {
		return nil, err
	}
	if uint64(n) != size {
		return nil, errors.New("bitmap length mismatch")
	}
	bm = bm.Clone() // own its memory rather than alias data
	if err := bm.Validate(); err != nil {
		return nil, err
	}
	return bm, nil
}

// validate checks every invariant the operations on s rely on (see the
// store type): slot layout, order, homes, runs and overflow sets.
func (s *store[K]) validate() error {
	if (s.homes == 0) != (len(s.slots) == 0) {
		return errors.New("homes and slots disagree")
	}
	if s.homes != 0 && (s.homes < minHomes || s.nslots() < s.homes) {
		return errors.New("bad number of home slots")
	}
	if !s.fits(s.used, s.homes) {
		return errors.New("load above the maximum")
	}
	used, multis, nkeys := 0, 0, 0
	var prev K
	lastEmpty := -1
	n := s.nslots()
	for i := 0; i < n; i++ {
		k := s.key(i)
		if k == 0 {
			if s.val(i) != 0 || s.tag(i) != 0 {
				return errors.New("empty slot with a value")
			}
			lastEmpty = i
			continue
		}
		if k <= prev {
			return errors.New("keys out of order")
		}
		prev = k
		// Every slot from the key's home to it is occupied: no empty slot
		// at or after the home.
		if h := s.home(k); h > i || h <= lastEmpty {
			return errors.New("key away from its home")
		}
		e := s.runEnd(i, k)
		v0 := s.val(i)
		if v0 == multiDoc {
			if e != i+1 || s.tag(i) != 0 {
				return errors.New("overflow marker in a run or with a tag")
			}
		} else {
			if e-i > runMaxOf[K]() {
				return errors.New("run too long")
			}
			for p := i + 1; p < e; p++ {
				if s.val(p) <= s.val(p-1) || s.val(p) == multiDoc {
					return errors.New("run not increasing")
				}
			}
		}
		m, err := s.checkOverflow(k, v0)
		if err != nil {
			return err
		}
		multis += m
		used += e - i
		nkeys++
		i = e - 1
	}
	if used != s.used {
		return errors.New("wrong count of used slots")
	}
	if s.zeroSet {
		nkeys++
		m, err := s.checkOverflow(0, s.zeroVal)
		if err != nil {
			return err
		}
		multis += m
	} else if s.zeroVal != 0 || s.zeroTag != 0 {
		return errors.New("absent zero key with a value")
	}
	if nkeys != s.nkeys {
		return errors.New("wrong count of keys")
	}
	if multis != len(s.small)+len(s.big) {
		return errors.New("overflow sets without a key")
	}
	return nil
}

// checkOverflow checks the overflow form of key k whose first slot value
// is v, and returns 1 if it uses it.
func (s *store[K]) checkOverflow(k K, v uint32) (int, error) {
	set, isSmall := s.small[k]
	bm, isBig := s.big[k]
	if v != multiDoc {
		if isSmall || isBig {
			return 0, errors.New("inline document with an overflow set")
		}
		return 0, nil
	}
	switch {
	case isSmall == isBig:
		return 0, errors.New("overflow key without exactly one set")
	case isSmall:
		if len(set) == 0 || len(set) > smallMax {
			return 0, errors.New("bad small set size")
		}
		for i := 1; i < len(set); i++ {
			if set[i] <= set[i-1] {
				return 0, errors.New("small set not increasing")
			}
		}
		hasMax := set[len(set)-1] == multiDoc
		if k != 0 && len(set) <= runBack && !hasMax {
			return 0, errors.New("small set that should be a run")
		}
		if k == 0 && len(set) == 1 && !hasMax {
			return 0, errors.New("zero key small set that should be inline")
		}
	case isBig:
		if bm.GetCardinality() <= bigMin {
			return 0, errors.New("bitmap that should be a small set")
		}
	}
	return 1, nil
}
