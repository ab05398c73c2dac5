package minhash

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"math"
)

// Binary encoding; the layout is documented in the package comment.
const (
	magic         = "NDMH"
	formatVersion = 1
	algorithmOPH  = 1
	headerLen     = 16
)

var (
	_ encoding.BinaryAppender    = Signature{}
	_ encoding.BinaryMarshaler   = Signature{}
	_ encoding.BinaryUnmarshaler = (*Signature)(nil)
)

// check reports whether s is a signature this package can produce and
// encode: 1 <= K <= MaxK, Size >= 0, and every value 0xFFFFFFFF when Size is
// zero.
func (s Signature) check() error {
	if k := len(s.Values); k < 1 || k > MaxK {
		return fmt.Errorf("%w: signature has K = %d, want 1..%d", ErrParams, k, MaxK)
	}
	if s.Size < 0 {
		return fmt.Errorf("%w: negative Size %d", ErrFormat, s.Size)
	}
	if s.Size == 0 {
		for _, v := range s.Values {
			if v != emptyValue {
				return fmt.Errorf("%w: empty set with a value other than 0xFFFFFFFF", ErrFormat)
			}
		}
	}
	return nil
}

// AppendBinary appends the binary encoding of s to dst and returns the
// extended slice. It fails, returning dst unchanged and an error wrapping
// ErrParams or ErrFormat, when K is outside [1, MaxK], Size is negative, or
// Size is zero while some value differs from 0xFFFFFFFF.
func (s Signature) AppendBinary(dst []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return dst, err
	}
	dst = append(dst, magic...)
	dst = append(dst, formatVersion, algorithmOPH)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(s.Values)))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(s.Size))
	for _, v := range s.Values {
		dst = binary.LittleEndian.AppendUint32(dst, v)
	}
	return dst, nil
}

// MarshalBinary returns the binary encoding of s in a new slice of exactly
// 16 + 4·K bytes. Errors are those of AppendBinary.
func (s Signature) MarshalBinary() ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.AppendBinary(make([]byte, 0, headerLen+4*len(s.Values)))
}

// UnmarshalBinary decodes a signature written by AppendBinary or
// MarshalBinary. It validates the whole input (magic, version, algorithm, K
// range, Size, exact length with no trailing bytes, empty-set values) before
// touching the receiver, which is left unchanged on error. Errors wrap
// ErrFormat, ErrVersion or ErrParams.
//
// On success s.Values is resliced to K, reusing its backing array when its
// capacity is large enough (as Sign does), and allocated otherwise; data is
// not retained.
func (s *Signature) UnmarshalBinary(data []byte) error {
	if len(data) < headerLen {
		return fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", ErrFormat, len(data), headerLen)
	}
	if string(data[:4]) != magic {
		return fmt.Errorf("%w: bad magic %q", ErrFormat, data[:4])
	}
	if data[4] != formatVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrVersion, data[4], formatVersion)
	}
	if data[5] != algorithmOPH {
		return fmt.Errorf("%w: unknown algorithm %d", ErrFormat, data[5])
	}
	k := int(binary.LittleEndian.Uint16(data[6:]))
	if k < 1 || k > MaxK {
		return fmt.Errorf("%w: encoded K = %d, want 1..%d", ErrParams, k, MaxK)
	}
	if want := headerLen + 4*k; len(data) != want {
		return fmt.Errorf("%w: %d bytes, want %d for K = %d", ErrFormat, len(data), want, k)
	}
	size := binary.LittleEndian.Uint64(data[8:])
	if size > math.MaxInt {
		return fmt.Errorf("%w: Size %d overflows int", ErrFormat, size)
	}
	body := data[headerLen:]
	if size == 0 {
		for i := 0; i < len(body); i += 4 {
			if binary.LittleEndian.Uint32(body[i:]) != emptyValue {
				return fmt.Errorf("%w: empty set with a value other than 0xFFFFFFFF", ErrFormat)
			}
		}
	}
	vals := s.Values
	if cap(vals) < k {
		vals = make([]uint32, k)
	}
	vals = vals[:k]
	for i := range vals {
		vals[i] = binary.LittleEndian.Uint32(body[4*i:])
	}
	s.Values = vals
	s.Size = int(size)
	return nil
}
