package minhash

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goldenBin is a version 1 encoding that every future version of the
// package must keep decoding: the signature of splitmix64 outputs 1..100
// from seed 1 with K = 32 (which densifies a few bins).
const goldenBin = "signature_v1.bin"

func goldenBinSignature() Signature { return Sign(stream(1, 100), Params{K: 32}) }

func TestEncodingLayout(t *testing.T) {
	s := Signature{Size: 0x0102030405, Values: []uint32{0x11223344, 0xAABBCCDD}}
	got, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		'N', 'D', 'M', 'H', 1, 1, 2, 0, // magic, version, algorithm, K = 2
		0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, // Size
		0x44, 0x33, 0x22, 0x11, 0xDD, 0xCC, 0xBB, 0xAA, // Values
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding\n got %x\nwant %x", got, want)
	}
	prefix := []byte("xyz")
	app, err := s.AppendBinary(prefix)
	if err != nil || !bytes.Equal(app, append([]byte("xyz"), want...)) {
		t.Fatalf("AppendBinary = %x, %v", app, err)
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	for _, s := range []Signature{
		Sign(nil, Params{K: 1}),
		Sign(nil, Params{}),
		Sign(stream(1, 1), Params{K: 1}),
		Sign(stream(2, 600), Params{}),
		Sign(stream(3, 20), Params{K: MaxK}),
		{Size: math.MaxInt, Values: []uint32{0, 0xFFFFFFFF, 7}},
	} {
		data, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 16+4*s.K() {
			t.Fatalf("length %d for K=%d", len(data), s.K())
		}
		var d Signature
		if err := d.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if d.Size != s.Size || !slices.Equal(d.Values, s.Values) {
			t.Fatalf("round trip changed the signature: %+v", d)
		}
		// Decoding into a signature with enough capacity reuses it.
		big := Signature{Values: make([]uint32, 0, MaxK)}
		backing := &big.Values[:1][0]
		if err := big.UnmarshalBinary(data); err != nil || &big.Values[0] != backing {
			t.Fatalf("decode into a large buffer did not reuse it: %v", err)
		}
		if !slices.Equal(big.Values, s.Values) {
			t.Fatal("decode into a large buffer gave different values")
		}
	}
}

func TestEncodeInvalid(t *testing.T) {
	for _, tc := range []struct {
		s    Signature
		want error
	}{
		{Signature{}, ErrParams},
		{Signature{Size: 3}, ErrParams},
		{Signature{Size: 3, Values: make([]uint32, MaxK+1)}, ErrParams},
		{Signature{Size: -1, Values: []uint32{1}}, ErrFormat},
		{Signature{Size: 0, Values: []uint32{0xFFFFFFFF, 5}}, ErrFormat},
	} {
		if _, err := tc.s.MarshalBinary(); !errors.Is(err, tc.want) {
			t.Errorf("MarshalBinary(K=%d, Size=%d) error %v, want %v", tc.s.K(), tc.s.Size, err, tc.want)
		}
		dst := []byte("keep")
		out, err := tc.s.AppendBinary(dst)
		if !errors.Is(err, tc.want) || string(out) != "keep" {
			t.Errorf("AppendBinary on invalid input: %q, %v", out, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	valid, err := Sign(stream(1, 50), Params{K: 8}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	mod := func(f func(b []byte) []byte) []byte { return f(slices.Clone(valid)) }
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"nil", nil, ErrFormat},
		{"short header", valid[:15], ErrFormat},
		{"magic", mod(func(b []byte) []byte { b[0] = 'X'; return b }), ErrFormat},
		{"version 0", mod(func(b []byte) []byte { b[4] = 0; return b }), ErrVersion},
		{"version 2", mod(func(b []byte) []byte { b[4] = 2; return b }), ErrVersion},
		{"algorithm", mod(func(b []byte) []byte { b[5] = 2; return b }), ErrFormat},
		{"K 0", mod(func(b []byte) []byte { b[6], b[7] = 0, 0; return b }), ErrParams},
		{"K too large", mod(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[6:], MaxK+1); return b }), ErrParams},
		{"K mismatch", mod(func(b []byte) []byte { b[6] = 9; return b }), ErrFormat},
		{"truncated values", valid[:len(valid)-1], ErrFormat},
		{"trailing byte", append(slices.Clone(valid), 0), ErrFormat},
		{"size overflow", mod(func(b []byte) []byte { b[15] = 0x80; return b }), ErrFormat},
		{"empty set with values", mod(func(b []byte) []byte { clear(b[8:16]); return b }), ErrFormat},
	} {
		s := Signature{Size: 77, Values: []uint32{1, 2, 3}}
		err := s.UnmarshalBinary(tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "minhash: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
		if s.Size != 77 || !slices.Equal(s.Values, []uint32{1, 2, 3}) {
			t.Errorf("%s: receiver changed on error: %+v", tc.name, s)
		}
	}
}

// checkDecode decodes data and verifies the contract: a package error and
// an unchanged receiver, or a valid signature whose encoding is data.
func checkDecode(t *testing.T, data []byte) error {
	t.Helper()
	s := Signature{Size: 5, Values: []uint32{9, 8, 7}}
	err := s.UnmarshalBinary(data)
	if err != nil {
		if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrParams) {
			t.Fatalf("error %v wraps no package sentinel", err)
		}
		if s.Size != 5 || !slices.Equal(s.Values, []uint32{9, 8, 7}) {
			t.Fatalf("receiver changed on error: %+v", s)
		}
		return err
	}
	if err := s.check(); err != nil {
		t.Fatalf("decoded an invalid signature: %v", err)
	}
	again, err := s.MarshalBinary()
	if err != nil || !bytes.Equal(again, data) {
		t.Fatalf("decoded signature re-encodes differently: %v", err)
	}
	return nil
}

func TestDecodeTruncationsAndCorruptions(t *testing.T) {
	for _, s := range []Signature{Sign(stream(1, 40), Params{K: 16}), Sign(nil, Params{K: 4})} {
		valid, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(valid) {
			if checkDecode(t, valid[:n]) == nil {
				t.Fatalf("truncation to %d bytes decoded", n)
			}
		}
		accepted := 0
		for i := range valid {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				b := slices.Clone(valid)
				b[i] ^= x
				if checkDecode(t, b) == nil {
					accepted++
				}
			}
		}
		if accepted == 0 {
			t.Fatal("no corruption of Size or Values was accepted") // they are legal data
		}
	}
}

func TestGoldenEncoding(t *testing.T) {
	path := filepath.Join("testdata", goldenBin)
	want := goldenBinSignature()
	if *update {
		data, err := want.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s Signature
	if err := s.UnmarshalBinary(data); err != nil {
		t.Fatalf("the version 1 golden encoding no longer decodes: %v", err)
	}
	if s.Size != want.Size || !slices.Equal(s.Values, want.Values) {
		t.Fatalf("golden encoding decodes to %+v, want %+v", s, want)
	}
	again, err := s.MarshalBinary()
	if err != nil || !bytes.Equal(again, data) {
		t.Fatalf("re-encoding differs from the golden file: %v", err)
	}
}

func TestUnmarshalAllocs(t *testing.T) {
	data, err := Sign(stream(1, 600), Params{}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var s Signature
	if err := s.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(50, func() { _ = s.UnmarshalBinary(data) }); a != 0 {
		t.Errorf("UnmarshalBinary into a warm signature allocates %v times", a)
	}
	buf := make([]byte, 0, 1024)
	x := s
	if a := testing.AllocsPerRun(50, func() { buf, _ = x.AppendBinary(buf[:0]) }); a != 0 {
		t.Errorf("AppendBinary with capacity allocates %v times", a)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []Signature{
		Sign(nil, Params{K: 1}),
		Sign(stream(1, 3), Params{K: 2}),
		Sign(stream(1, 40), Params{K: 16}),
	} {
		data, err := s.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)-1])
	}
	f.Add([]byte("NDMH\x01\x01\x00\x10"))
	f.Add([]byte("NDMH\x02"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
	})
}
