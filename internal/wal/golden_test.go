package wal

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var goldenParams = []byte("neardup golden v1: norm=1 shingle=5 K=128 bands=32 rows=4 seed=0x9e3779b97f4a7c15")

// goldenRecords are the records of testdata/log_v1.bin.
func goldenRecords() [][]byte {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	return [][]byte{
		[]byte("add 001 Le gouvernement a présenté mercredi son projet de loi."),
		{},
		payload(2, 300),
		all,
		[]byte("remove 001"),
	}
}

// goldenBody is the body of testdata/snapshot_v1.bin.
func goldenBody() []byte {
	return append([]byte("snapshot of 2 documents\x00\x01\x02"), payload(7, 500)...)
}

// writeGolden writes both golden files into dir with the package.
func writeGolden(t *testing.T, dir string) {
	t.Helper()
	l, _, err := Open(filepath.Join(dir, "log_v1.bin"), goldenParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range goldenRecords() {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshot(filepath.Join(dir, "snapshot_v1.bin"), goldenParams, writeBody(goldenBody())); err != nil {
		t.Fatal(err)
	}
}

// TestGoldenFiles reads the format-v1 files under testdata/, which must stay
// readable by every later release.
func TestGoldenFiles(t *testing.T) {
	if *update {
		writeGolden(t, "testdata")
	}
	data, err := os.ReadFile(filepath.Join("testdata", "log_v1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() // Open may write, so it opens a copy
	got := checkAgainstRef(t, dir, data, goldenParams)
	if got.err != nil || got.rep.TornBytes != 0 || !equalRecords(got.recs, goldenRecords()) {
		t.Fatalf("log_v1.bin: %d records, report %+v, %v", len(got.recs), got.rep, got.err)
	}
	var body []byte
	err = ReadSnapshot(filepath.Join("testdata", "snapshot_v1.bin"), goldenParams, func(r io.Reader) error {
		body, err = io.ReadAll(r)
		return err
	})
	if err != nil || !bytes.Equal(body, goldenBody()) {
		t.Fatalf("snapshot_v1.bin: %d-byte body, %v", len(body), err)
	}
}

// TestGoldenEncoding checks that the package still writes exactly the
// golden bytes.
func TestGoldenEncoding(t *testing.T) {
	dir := t.TempDir()
	writeGolden(t, dir)
	for _, name := range []string{"log_v1.bin", "snapshot_v1.bin"} {
		want, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the package now writes different bytes", name)
		}
	}
}
