package wal

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// WriteSnapshot atomically replaces the snapshot at path with one carrying
// params and the body that write writes, following the protocol in the
// package comment: when it returns nil the snapshot is durable, and after a
// crash path holds either the previous snapshot (or nothing) or this one,
// whole. The writer passed to write is buffered and only valid during the
// call. An error from write is returned as is, and path is left untouched.
// Concurrent calls must use different paths.
func WriteSnapshot(path string, params []byte, write func(w io.Writer) error) error {
	if err := checkParams(params); err != nil {
		return err
	}
	f, err := createAtomic(path, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 64<<10)
		if _, err := bw.Write(appendHeader(nil, magicSnapshot, params)); err != nil {
			return err
		}
		cw := &crcWriter{w: bw}
		if err := write(cw); err != nil {
			return err
		}
		if cw.err != nil {
			return cw.err
		}
		if _, err := bw.Write(binary.LittleEndian.AppendUint32(nil, cw.crc)); err != nil {
			return err
		}
		return bw.Flush()
	})
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	return err
}

// crcWriter passes writes on to w and keeps the CRC32C of what it wrote. Its
// first error is sticky, so that a body writer that ignores errors cannot
// produce a snapshot with a hole.
type crcWriter struct {
	w   io.Writer
	crc uint32
	err error
}

func (c *crcWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	c.err = err
	return n, err
}

// ReadSnapshot opens the snapshot at path, checks its header against params
// (ErrParams, ErrMagic, ErrVersion or ErrCorrupt as for a log) and calls read
// with a reader of its body, which ends at the end of the body and also
// implements io.ByteReader; it is only valid during the call. Once read
// returns, any body bytes it left unread are read too, and the body checksum
// is verified: a mismatch is ErrCorrupt, even if read returned an error of
// its own (which is then wrapped as well). The body is only known to be
// intact when ReadSnapshot returns nil, so on any error the caller must
// discard what read built. Otherwise an error from read is returned as is.
func ReadSnapshot(path string, params []byte, read func(r io.Reader) error) error {
	if err := checkParams(params); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	br := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 64<<10)
	hlen, err := readHeader(br, size, magicSnapshot, params)
	if err != nil {
		return err
	}
	if size < hlen+4 {
		return fmt.Errorf("%w: snapshot of %d bytes ends before its body checksum", ErrCorrupt, size)
	}
	body := &bodyReader{r: br, left: size - hlen - 4}
	rerr := read(body)
	if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	var sum [4]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return err
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != body.crc {
		if rerr != nil {
			return fmt.Errorf("%w: body checksum is %08x, file says %08x (read: %w)", ErrCorrupt, body.crc, got, rerr)
		}
		return fmt.Errorf("%w: body checksum is %08x, file says %08x", ErrCorrupt, body.crc, got)
	}
	return rerr
}

// bodyReader reads the left remaining body bytes from r and keeps their
// CRC32C.
type bodyReader struct {
	r    *bufio.Reader
	left int64
	crc  uint32
	one  [1]byte
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.crc = crc32.Update(b.crc, castagnoli, p[:n])
	b.left -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *bodyReader) ReadByte() (byte, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	c, err := b.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	b.one[0] = c
	b.crc = crc32.Update(b.crc, castagnoli, b.one[:])
	b.left--
	return c, nil
}

// MapSnapshot is ReadSnapshot for a reader that wants the whole body at
// once: it maps the snapshot at path read-only (on Unix; elsewhere it reads
// it into memory), checks its header against params, and calls use with
// the body while it verifies the body checksum in a goroutine of its own
// (on a machine with two cores, opening takes the longer of the two rather
// than their sum). As with ReadSnapshot, the body is only known to be
// intact when MapSnapshot returns nil: a checksum mismatch is ErrCorrupt
// whatever use returned, and on any error the caller must discard what use
// built. Reading the body costs no copy and no fresh memory: its pages are
// those of the operating system's file cache.
//
// When use returns nil and the checksum matches, MapSnapshot returns a
// release function: the body stays valid until it is called, which must
// happen once nothing refers to the body any more. On error there is
// nothing to release. The file must not be truncated or written while it
// is mapped (snapshots are replaced by renaming, never rewritten in place).
func MapSnapshot(path string, params []byte, use func(body []byte) error) (release func() error, err error) {
	if err := checkParams(params); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	data, unmap, err := mapFile(f, size)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			unmap()
		}
	}()
	hlen, err := readHeader(bytes.NewReader(data), size, magicSnapshot, params)
	if err != nil {
		return nil, err
	}
	if size < hlen+4 {
		return nil, fmt.Errorf("%w: snapshot of %d bytes ends before its body checksum", ErrCorrupt, size)
	}
	body := data[hlen : size-4 : size-4]
	sum := make(chan uint32, 1)
	go func() { sum <- crc32.Checksum(body, castagnoli) }()
	uerr := use(body)
	if got, want := <-sum, binary.LittleEndian.Uint32(data[size-4:]); got != want {
		if uerr != nil {
			return nil, fmt.Errorf("%w: body checksum is %08x, file says %08x (read: %w)", ErrCorrupt, got, want, uerr)
		}
		return nil, fmt.Errorf("%w: body checksum is %08x, file says %08x", ErrCorrupt, got, want)
	}
	if uerr != nil {
		return nil, uerr
	}
	ok = true
	return unmap, nil
}
