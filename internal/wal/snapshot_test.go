package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// writeBody returns a snapshot writer that writes body in pieces of
// different sizes.
func writeBody(body []byte) func(w io.Writer) error {
	return func(w io.Writer) error {
		for step := 1; len(body) > 0; step = step*3 + 1 {
			n := min(step, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return err
			}
			body = body[n:]
		}
		return nil
	}
}

// readAll reads a snapshot and returns its body.
func readAll(path string, params []byte) ([]byte, error) {
	var body []byte
	err := ReadSnapshot(path, params, func(r io.Reader) error {
		var err error
		body, err = io.ReadAll(r)
		return err
	})
	return body, err
}

func TestSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap")
	for _, body := range [][]byte{nil, []byte("x"), payload(1, 200_000)} {
		if err := WriteSnapshot(path, testParams, writeBody(body)); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, refSnapshot(testParams, body)) {
			t.Fatalf("%d-byte body: file differs from the reference encoding", len(body))
		}
		got, err := readAll(path, testParams)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%d-byte body: read %d bytes, %v", len(body), len(got), err)
		}
	}
	if _, err := os.Stat(tempName(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary left behind: %v", err)
	}
}

func TestSnapshotByteReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	vals := []uint64{0, 1, 300, 1 << 40}
	if err := WriteSnapshot(path, nil, func(w io.Writer) error {
		for _, v := range vals {
			if _, err := w.Write(binary.AppendUvarint(nil, v)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []uint64
	err := ReadSnapshot(path, nil, func(r io.Reader) error {
		br, ok := r.(io.ByteReader)
		if !ok {
			t.Fatal("the body reader is not an io.ByteReader")
		}
		for {
			v, err := binary.ReadUvarint(br)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			got = append(got, v)
		}
	})
	if err != nil || len(got) != len(vals) || got[3] != vals[3] || got[2] != vals[2] {
		t.Fatalf("read %v, %v", got, err)
	}
}

// TestSnapshotUnreadBody checks that bytes the reader leaves are still
// verified.
func TestSnapshotUnreadBody(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	body := payload(3, 5000)
	if err := WriteSnapshot(path, testParams, writeBody(body)); err != nil {
		t.Fatal(err)
	}
	readHalf := func(r io.Reader) error {
		_, err := io.ReadFull(r, make([]byte, 2500))
		return err
	}
	if err := ReadSnapshot(path, testParams, readHalf); err != nil {
		t.Fatalf("intact snapshot read halfway: %v", err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)-100] ^= 1 // in the unread half
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := ReadSnapshot(path, testParams, readHalf); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damage in the unread half: %v, want ErrCorrupt", err)
	}
}

func TestSnapshotReadError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	if err := WriteSnapshot(path, testParams, writeBody(payload(4, 1000))); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("decoder: bad section")
	fail := func(r io.Reader) error {
		r.Read(make([]byte, 10))
		return bad
	}
	if err := ReadSnapshot(path, testParams, fail); !errors.Is(err, bad) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("intact snapshot, failing reader: %v", err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)-500] ^= 1
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := ReadSnapshot(path, testParams, fail); !errors.Is(err, bad) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged snapshot, failing reader: %v, want both errors", err)
	}
}

func TestSnapshotHeaderErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap")
	if err := WriteSnapshot(path, testParams, writeBody([]byte("body"))); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(path, []byte("other")); !errors.Is(err, ErrParams) {
		t.Fatalf("other params: %v", err)
	}
	logPath := filepath.Join(dir, "log")
	if err := os.WriteFile(logPath, refLog(testParams, []byte("r")), 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(logPath, testParams); !errors.Is(err, ErrMagic) {
		t.Fatalf("log as snapshot: %v", err)
	}
	if _, err := readAll(filepath.Join(dir, "missing"), testParams); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing snapshot: %v", err)
	}
	big := make([]byte, MaxParamsSize+1)
	if err := WriteSnapshot(filepath.Join(dir, "big"), big, writeBody(nil)); !errors.Is(err, ErrParams) {
		t.Fatalf("params too long: %v", err)
	}
	if err := ReadSnapshot(path, big, nil); !errors.Is(err, ErrParams) {
		t.Fatalf("params too long: %v", err)
	}
}

// TestSnapshotEveryDamage cuts and damages a snapshot at every byte: every
// result is an error, the one the reference parser predicts.
func TestSnapshotEveryDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	full := refSnapshot(testParams, payload(5, 120))
	check := func(data []byte, what string) {
		if err := os.WriteFile(path, data, 0o666); err != nil {
			t.Fatal(err)
		}
		_, want := refParseSnapshot(data, testParams)
		_, err := readAll(path, testParams)
		if err == nil || want == nil || sentinelOf(err) != want {
			t.Fatalf("%s: %v, want %v", what, err, want)
		}
	}
	for n := range len(full) {
		check(full[:n], "cut")
	}
	for i := range full {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			data := bytes.Clone(full)
			data[i] ^= mask
			check(data, "damaged")
		}
	}
}

func TestSnapshotWriteFailureKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	if err := WriteSnapshot(path, testParams, writeBody([]byte("old"))); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("encoder: out of luck")
	err := WriteSnapshot(path, testParams, func(w io.Writer) error {
		w.Write(payload(1, 100_000))
		return bad
	})
	if err != bad {
		t.Fatalf("error %v, want the writer's own", err)
	}
	if body, err := readAll(path, testParams); err != nil || string(body) != "old" {
		t.Fatalf("old snapshot: %q, %v", body, err)
	}
	if _, err := os.Stat(tempName(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary left behind: %v", err)
	}
}

// TestSnapshotCrashStates copies the directory at every step of
// WriteSnapshot: before the rename the old snapshot is read, after it the new.
func TestSnapshotCrashStates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap")
	if err := WriteSnapshot(path, testParams, writeBody([]byte("old"))); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	setHook(t, func(point string) error {
		states[point] = copyDir(t, dir)
		return nil
	})
	if err := WriteSnapshot(path, testParams, writeBody([]byte("new"))); err != nil {
		t.Fatal(err)
	}
	testHook = nil
	for point, want := range map[string]string{pointWritten: "old", pointSynced: "old", pointRenamed: "new"} {
		body, err := readAll(filepath.Join(states[point], "snap"), testParams)
		if err != nil || string(body) != want {
			t.Errorf("crash at %q: %q, %v; want %q", point, body, err, want)
		}
	}
	// A stale temporary does not disturb the next snapshot.
	if err := os.WriteFile(tempName(path), []byte("garbage"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshot(path, testParams, writeBody([]byte("newer"))); err != nil {
		t.Fatal(err)
	}
	if body, err := readAll(path, testParams); err != nil || string(body) != "newer" {
		t.Fatalf("%q, %v", body, err)
	}
}

// TestMapSnapshot checks that MapSnapshot returns the body ReadSnapshot
// reads, and the same error for every cut and damaged byte.
func TestMapSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap")
	for _, body := range [][]byte{nil, payload(1, 1), payload(5, 120), payload(7, 70_000)} {
		if err := WriteSnapshot(path, testParams, writeBody(body)); err != nil {
			t.Fatal(err)
		}
		var got []byte
		release, err := MapSnapshot(path, testParams, func(b []byte) error { got = bytes.Clone(b); return nil })
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("MapSnapshot: %d bytes, %v; want %d bytes", len(got), err, len(body))
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
	}
	none := func([]byte) error { return nil }
	if _, err := MapSnapshot(path, []byte("other params"), none); !errors.Is(err, ErrParams) {
		t.Fatalf("other params: %v", err)
	}
	if _, err := MapSnapshot(filepath.Join(t.TempDir(), "none"), testParams, none); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	// An error of use is returned; with a bad checksum, ErrCorrupt wins.
	mine := errors.New("mine")
	if _, err := MapSnapshot(path, testParams, func([]byte) error { return mine }); err != mine {
		t.Fatalf("use's error: %v", err)
	}
	full := refSnapshot(testParams, payload(5, 120))
	check := func(data []byte, what string) {
		if err := os.WriteFile(path, data, 0o666); err != nil {
			t.Fatal(err)
		}
		_, want := readAll(path, testParams)
		release, err := MapSnapshot(path, testParams, func([]byte) error { return nil })
		if err == nil {
			release()
		}
		if sentinelOf(err) != sentinelOf(want) || (err == nil) != (want == nil) {
			t.Fatalf("%s: MapSnapshot %v, ReadSnapshot %v", what, err, want)
		}
	}
	for n := range len(full) {
		check(full[:n], "cut")
	}
	for i := range full {
		data := bytes.Clone(full)
		data[i] ^= 0x41
		check(data, "damaged")
	}
}
