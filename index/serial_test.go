package index

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// serialLSH builds an LSH whose buckets use every representation: inline
// runs, small sets and bitmaps (a few values make hot buckets).
func serialLSH(t testing.TB) (*LSH, [][]uint32) {
	p := LSHParams{Bands: 6, Rows: 2}
	l, err := NewLSH(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var sigs [][]uint32
	for doc := range 3000 {
		sig := make([]uint32, p.SignatureLen())
		for i := range sig {
			if r.IntN(3) == 0 {
				sig[i] = uint32(r.IntN(4)) // hot values: big buckets
			} else {
				sig[i] = r.Uint32()
			}
		}
		if err := l.Add(uint32(doc), sig); err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, sig)
	}
	for doc := 0; doc < 3000; doc += 7 { // removals: demotions
		l.Remove(uint32(doc), sigs[doc])
	}
	return l, sigs
}

func TestLSHSerialRoundTrip(t *testing.T) {
	l, sigs := serialLSH(t)
	small, big := 0, 0
	for i := range l.bands {
		small += len(l.bands[i].small)
		big += len(l.bands[i].big)
	}
	if small == 0 || big == 0 {
		t.Fatalf("test tables lack overflow sets: %d small, %d big", small, big)
	}
	var buf bytes.Buffer
	n, err := l.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d, %v (buffer %d)", n, err, buf.Len())
	}
	got, err := ReadLSH(bytes.NewReader(buf.Bytes()), l.Params())
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.bands {
		checkStore(t, &got.bands[i])
	}
	a, b := roaring.New(), roaring.New()
	for _, sig := range sigs {
		l.Candidates(a, sig)
		got.Candidates(b, sig)
		if !a.Equals(b) {
			t.Fatalf("candidates differ after reading back")
		}
	}
	// The loaded index keeps working: add and remove.
	if err := got.Add(5000, sigs[1]); err != nil {
		t.Fatal(err)
	}
	if err := got.Remove(5000, sigs[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLSH(bytes.NewReader(buf.Bytes()), LSHParams{Bands: 5, Rows: 2}); !errors.Is(err, ErrParams) {
		t.Fatalf("other banding: %v", err)
	}
	// Writing twice gives the same bytes (deterministic order).
	var again bytes.Buffer
	l.WriteTo(&again)
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Fatalf("serialization is not deterministic")
	}
}

func TestLSHSerialDamage(t *testing.T) {
	l, _ := serialLSH(t)
	var buf bytes.Buffer
	l.WriteTo(&buf)
	data := buf.Bytes()
	for cut := 0; cut < len(data); cut += 1 + len(data)/700 {
		if _, err := ReadLSH(bytes.NewReader(data[:cut]), l.Params()); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d of %d: %v", cut, len(data), err)
		}
	}
	r := rand.New(rand.NewPCG(3, 3))
	for trial := 0; trial < 2000; trial++ {
		bad := bytes.Clone(data)
		bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
		got, err := ReadLSH(bytes.NewReader(bad), l.Params())
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrParams) {
				t.Fatalf("trial %d: %v", trial, err)
			}
			continue
		}
		// Accepted (the flip kept every invariant): it must behave.
		for i := range got.bands {
			checkStore(t, &got.bands[i])
		}
		got.Add(9999, make([]uint32, 12))
	}
}

func FuzzReadLSH(f *testing.F) {
	l, _ := serialLSH(f)
	var buf bytes.Buffer
	l.WriteTo(&buf)
	f.Add(buf.Bytes())
	small, _ := NewLSH(LSHParams{Bands: 6, Rows: 2})
	small.Add(1, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	buf.Reset()
	small.WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ReadLSH(bytes.NewReader(b), LSHParams{Bands: 6, Rows: 2})
		if err != nil {
			return
		}
		for i := range got.bands {
			checkStore(t, &got.bands[i])
		}
		dst := roaring.New()
		got.Candidates(dst, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
		got.Add(77, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	})
}
