package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// This file holds a slow, direct implementation of the v1 formats, written
// from the package comment and sharing no code with the package, against
// which the package is tested.

var refTable = crc32.MakeTable(crc32.Castagnoli)

func refCRC(parts ...[]byte) uint32 {
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	return crc32.Checksum(all, refTable)
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// refHeader encodes a header with the given magic, version and params.
func refHeader(magic string, version uint16, params []byte) []byte {
	h := slices.Concat([]byte(magic), le16(version), le32(uint32(len(params))), params)
	return append(h, le32(refCRC(h))...)
}

// refFrame encodes one record.
func refFrame(payload []byte) []byte {
	n := le32(uint32(len(payload)))
	return slices.Concat(n, le32(refCRC(n, payload)), payload)
}

// refLog encodes a whole log.
func refLog(params []byte, payloads ...[]byte) []byte {
	out := refHeader("NDUPWAL\n", 1, params)
	for _, p := range payloads {
		out = append(out, refFrame(p)...)
	}
	return out
}

// refSnapshot encodes a whole snapshot.
func refSnapshot(params, body []byte) []byte {
	return slices.Concat(refHeader("NDUPSNP\n", 1, params), body, le32(refCRC(body)))
}

// refHeaderCheck applies the header rules of the package comment to data and
// returns the header length or the sentinel the package must return.
func refHeaderCheck(data []byte, magic string, params []byte) (int, error) {
	if len(data) < 8 {
		if bytes.HasPrefix([]byte(magic), data) {
			return 0, ErrCorrupt
		}
		return 0, ErrMagic
	}
	if string(data[:8]) != magic {
		return 0, ErrMagic
	}
	if len(data) < 10 {
		return 0, ErrCorrupt
	}
	if binary.LittleEndian.Uint16(data[8:]) != 1 {
		return 0, ErrVersion
	}
	if len(data) < 14 {
		return 0, ErrCorrupt
	}
	p := binary.LittleEndian.Uint32(data[10:])
	if p > 1<<16 || uint64(len(data)) < 18+uint64(p) {
		return 0, ErrCorrupt
	}
	h := 14 + int(p)
	if binary.LittleEndian.Uint32(data[h:]) != refCRC(data[:h]) {
		return 0, ErrCorrupt
	}
	if !bytes.Equal(data[14:h], params) {
		return 0, ErrParams
	}
	return h + 4, nil
}

// refValidAt reports whether a valid frame starts at offset i of data.
func refValidAt(data []byte, i int) bool {
	if len(data)-i < 8 {
		return false
	}
	n := uint64(binary.LittleEndian.Uint32(data[i:]))
	if n > 1<<30 || uint64(len(data)-i-8) < n {
		return false
	}
	return binary.LittleEndian.Uint32(data[i+4:]) == refCRC(data[i:i+4], data[i+8:i+8+int(n)])
}

// refParseLog applies the recovery rules of the package comment to data. It
// returns the records, the offset where the valid prefix ends and the torn
// byte count, or the sentinel the package must return.
func refParseLog(data, params []byte) (recs [][]byte, end, torn int, err error) {
	off, err := refHeaderCheck(data, "NDUPWAL\n", params)
	if err != nil {
		return nil, 0, 0, err
	}
	for off < len(data) && refValidAt(data, off) {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		recs = append(recs, data[off+8:off+8+n])
		off += 8 + n
	}
	for i := off + 1; i < len(data); i++ {
		if refValidAt(data, i) {
			return nil, 0, 0, ErrCorrupt
		}
	}
	return recs, off, len(data) - off, nil
}

// refParseSnapshot returns the body of a snapshot or the sentinel the
// package must return.
func refParseSnapshot(data, params []byte) ([]byte, error) {
	h, err := refHeaderCheck(data, "NDUPSNP\n", params)
	if err != nil {
		return nil, err
	}
	if len(data) < h+4 {
		return nil, ErrCorrupt
	}
	body := data[h : len(data)-4]
	if binary.LittleEndian.Uint32(data[len(data)-4:]) != refCRC(body) {
		return nil, ErrCorrupt
	}
	return body, nil
}

var sentinels = []error{ErrMagic, ErrVersion, ErrParams, ErrCorrupt, ErrClosed, ErrRecordTooLarge, ErrOptions}

// sentinelOf returns the sentinel err wraps, or err itself if none.
func sentinelOf(err error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

// openResult is what Open did with a file.
type openResult struct {
	recs [][]byte
	rep  Report
	err  error
	size int64 // file size after Open
}

// openBytes writes data as a log file in dir and opens it with params under
// SyncBatch, collecting the replayed records; the log is closed again.
func openBytes(t testing.TB, dir string, data, params []byte) openResult {
	t.Helper()
	path := filepath.Join(dir, "log")
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	var res openResult
	l, rep, err := Open(path, params, Options{Sync: SyncBatch}, func(p []byte) error {
		res.recs = append(res.recs, bytes.Clone(p))
		return nil
	})
	res.rep, res.err = rep, err
	if err == nil {
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	res.size = st.Size()
	return res
}

// checkAgainstRef opens data as a log and compares the outcome with
// refParseLog, including the truncation of a torn tail.
func checkAgainstRef(t testing.TB, dir string, data, params []byte) openResult {
	t.Helper()
	wantRecs, end, torn, wantErr := refParseLog(data, params)
	got := openBytes(t, dir, data, params)
	if wantErr != nil || got.err != nil {
		if sentinelOf(got.err) != wantErr {
			t.Fatalf("Open of % x: error %v, want %v", data, got.err, wantErr)
		}
		if got.size != int64(len(data)) {
			t.Fatalf("failed Open changed the file size from %d to %d", len(data), got.size)
		}
		return got
	}
	want := Report{Records: len(wantRecs), Bytes: int64(end), TornBytes: int64(torn)}
	if got.rep != want {
		t.Fatalf("Open of % x: report %+v, want %+v", data, got.rep, want)
	}
	if !equalRecords(got.recs, wantRecs) {
		t.Fatalf("Open of % x: records %q, want %q", data, got.recs, wantRecs)
	}
	if got.size != int64(end) {
		t.Fatalf("file is %d bytes after Open, want %d", got.size, end)
	}
	return got
}

func equalRecords(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, bytes.Equal)
}

// payload returns a deterministic payload of n bytes for record i: text
// that contains no valid frame.
func payload(i, n int) []byte {
	p := fmt.Appendf(nil, "record %d:", i)
	for len(p) < n {
		p = append(p, "abcdefghijklmnopqrstuvwxyz "[(len(p)*7+i)%27])
	}
	return p[:n]
}

// readRecords opens path (under SyncBatch) and returns its records and report.
func readRecords(t testing.TB, path string, params []byte) ([][]byte, Report) {
	t.Helper()
	var recs [][]byte
	l, rep, err := Open(path, params, Options{Sync: SyncBatch}, func(p []byte) error {
		recs = append(recs, bytes.Clone(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return recs, rep
}
