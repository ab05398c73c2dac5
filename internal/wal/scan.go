package wal

import (
	"cmp"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
)

// frameOK reports whether frame, the 8-byte frame header followed by the
// payload, carries a matching CRC.
func frameOK(frame []byte) bool {
	want := binary.LittleEndian.Uint32(frame[4:8])
	crc := crc32.Update(crc32.Checksum(frame[:4], castagnoli), castagnoli, frame[frameHeader:])
	return crc == want
}

// recordCRC is the CRC of a record with the given length bytes and payload.
func recordCRC(lenBytes, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(lenBytes, castagnoli), castagnoli, payload)
}

// Sizes used by validFrameAfter.
const (
	scanWindow    = 1 << 20 // start offsets examined per read
	scanLookahead = 64 << 10
	scanMaxCands  = 1 << 14 // frames too long for the read buffer kept at once
)

// candidate is a frame starting at off whose length fits the file but which
// is too long to check from the scan buffer.
type candidate struct {
	off int64
	n   uint32
}

// validFrameAfter reports whether a valid frame starts at any offset in
// (from, size) of r. It is only called on a damaged log, so it favours a
// bounded cost over speed: short frames are checked from a sliding buffer, and
// long ones are collected and checked shortest first, so that the frame that
// follows damage in the middle of a log is found after little work even when
// many long, plausible-looking lengths precede it.
func validFrameAfter(r io.ReaderAt, from, size int64) (bool, error) {
	buf := make([]byte, scanWindow+scanLookahead+frameHeader)
	var cands []candidate
	last := size - frameHeader // last offset where a frame header fits
	for start := from + 1; start <= last; start += scanWindow {
		end := min(start+scanWindow, last+1) // offsets [start, end)
		want := min(end-1+frameHeader+scanLookahead, size) - start
		if err := readAt(r, buf[:want], start); err != nil {
			return false, err
		}
		n := want
		b := buf[:n]
		for off := start; off < end; off++ {
			i := off - start
			l := binary.LittleEndian.Uint32(b[i:])
			if l > MaxRecordSize || int64(l) > size-off-frameHeader {
				continue
			}
			if j := i + frameHeader + int64(l); j <= n {
				if frameOK(b[i:j]) {
					return true, nil
				}
				continue
			}
			cands = append(cands, candidate{off, l})
			if len(cands) == scanMaxCands {
				if ok, err := checkCandidates(r, cands, buf); ok || err != nil {
					return ok, err
				}
				cands = cands[:0]
			}
		}
	}
	return checkCandidates(r, cands, buf)
}

// checkCandidates reports whether any of cands is a valid frame, checking the
// shortest first and streaming each through buf.
func checkCandidates(r io.ReaderAt, cands []candidate, buf []byte) (bool, error) {
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(a.n, b.n) })
	for _, c := range cands {
		hdr := buf[:frameHeader]
		if err := readAt(r, hdr, c.off); err != nil {
			return false, err
		}
		want := binary.LittleEndian.Uint32(hdr[4:])
		crc := crc32.Checksum(hdr[:4], castagnoli)
		for done := int64(0); done < int64(c.n); {
			k := min(int64(len(buf)), int64(c.n)-done)
			if err := readAt(r, buf[:k], c.off+frameHeader+done); err != nil {
				return false, err
			}
			crc = crc32.Update(crc, castagnoli, buf[:k])
			done += k
		}
		if crc == want {
			return true, nil
		}
	}
	return false, nil
}

// readAt fills p from r at off; the file ending first is io.ErrUnexpectedEOF.
func readAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}
