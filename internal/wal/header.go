package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Sentinel errors. They are returned wrapped; test them with errors.Is.
var (
	// ErrMagic reports a file that does not start with the expected magic
	// bytes: not a log (or not a snapshot) of this package.
	ErrMagic = errors.New("wal: not a file of this format (bad magic)")
	// ErrVersion reports a file of a format version this package cannot
	// read, such as one written by a newer release.
	ErrVersion = errors.New("wal: unsupported format version")
	// ErrParams reports a file whose header carries other params than the
	// caller's, or params longer than MaxParamsSize.
	ErrParams = errors.New("wal: params mismatch")
	// ErrCorrupt reports damaged or truncated bytes that recovery must not
	// silently drop: a bad header, a record damaged in the middle of a log,
	// or a snapshot whose checksum does not match.
	ErrCorrupt = errors.New("wal: corrupt file")
	// ErrClosed reports a use of a Log after Close.
	ErrClosed = errors.New("wal: log closed")
	// ErrRecordTooLarge reports an Append of more than MaxRecordSize bytes.
	ErrRecordTooLarge = errors.New("wal: record too large")
	// ErrOptions reports an invalid Options value.
	ErrOptions = errors.New("wal: invalid options")
)

const (
	// MaxRecordSize is the largest record payload, in bytes.
	MaxRecordSize = 1 << 30
	// MaxParamsSize is the largest params blob, in bytes.
	MaxParamsSize = 1 << 16

	formatVersion = 1
	magicLen      = 8
	fixedHeader   = magicLen + 2 + 4 // magic, version, params length
	frameHeader   = FrameHeader      // record length and CRC
	magicLog      = "NDUPWAL\n"
	magicSnapshot = "NDUPSNP\n"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// headerSize is the size of a header carrying params of n bytes.
func headerSize(n int) int64 { return int64(fixedHeader + n + 4) }

// FrameHeader is the size of the frame before each record's payload (its
// length and CRC): a record appended when Size is s has its payload at
// offset s+FrameHeader of the file.
const FrameHeader = 8

// HeaderSize is the size of the header of a log or snapshot with params:
// the first record's frame starts there.
func HeaderSize(params []byte) int64 { return headerSize(len(params)) }

// appendHeader appends the file header for magic and params to dst.
func appendHeader(dst []byte, magic string, params []byte) []byte {
	start := len(dst)
	dst = append(dst, magic...)
	dst = binary.LittleEndian.AppendUint16(dst, formatVersion)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(params)))
	dst = append(dst, params...)
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

// checkParams rejects params that no header may carry.
func checkParams(params []byte) error {
	if len(params) > MaxParamsSize {
		return fmt.Errorf("%w: %d bytes of params, max %d", ErrParams, len(params), MaxParamsSize)
	}
	return nil
}

// readHeader reads and checks the header of a file of size bytes from r,
// which must be positioned at the start of the file, in the order documented
// in the package comment. It returns the header length.
func readHeader(r io.Reader, size int64, magic string, want []byte) (int64, error) {
	var fixed [fixedHeader]byte
	n, err := io.ReadFull(r, fixed[:magicLen])
	if err != nil && !isShort(err) {
		return 0, err
	}
	if n < magicLen {
		if magic[:n] == string(fixed[:n]) {
			return 0, fmt.Errorf("%w: %d-byte file, shorter than its header", ErrCorrupt, n)
		}
		return 0, fmt.Errorf("%w: %q", ErrMagic, fixed[:n])
	}
	if string(fixed[:magicLen]) != magic {
		return 0, fmt.Errorf("%w: %q, want %q", ErrMagic, fixed[:magicLen], magic)
	}
	if _, err := io.ReadFull(r, fixed[magicLen:magicLen+2]); err != nil {
		return 0, shortHeader(err)
	}
	if v := binary.LittleEndian.Uint16(fixed[magicLen:]); v != formatVersion {
		return 0, fmt.Errorf("%w: version %d, this package reads %d", ErrVersion, v, formatVersion)
	}
	if _, err := io.ReadFull(r, fixed[magicLen+2:]); err != nil {
		return 0, shortHeader(err)
	}
	plen := binary.LittleEndian.Uint32(fixed[magicLen+2:])
	if plen > MaxParamsSize {
		return 0, fmt.Errorf("%w: header claims %d bytes of params, max %d", ErrCorrupt, plen, MaxParamsSize)
	}
	hlen := headerSize(int(plen))
	if size < hlen {
		return 0, fmt.Errorf("%w: %d-byte file, shorter than its %d-byte header", ErrCorrupt, size, hlen)
	}
	rest := make([]byte, plen+4)
	if _, err := io.ReadFull(r, rest); err != nil {
		return 0, shortHeader(err)
	}
	crc := crc32.Update(crc32.Checksum(fixed[:], castagnoli), castagnoli, rest[:plen])
	if got := binary.LittleEndian.Uint32(rest[plen:]); got != crc {
		return 0, fmt.Errorf("%w: header checksum %08x, want %08x", ErrCorrupt, got, crc)
	}
	if !bytes.Equal(rest[:plen], want) {
		return 0, fmt.Errorf("%w: file has %d bytes of params, caller %d, and they differ", ErrParams, plen, len(want))
	}
	return hlen, nil
}

// isShort reports whether err is the end of the input.
func isShort(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// shortHeader turns a premature end of the file into ErrCorrupt and passes
// I/O errors through.
func shortHeader(err error) error {
	if isShort(err) {
		return fmt.Errorf("%w: file ends inside its header", ErrCorrupt)
	}
	return err
}
