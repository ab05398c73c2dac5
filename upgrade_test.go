package neardup

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// copyDir copies the files of a persistent detector's directory.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	for _, f := range []string{LogFile, SnapshotFile} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// headerHolds reports whether the header of a file of dir (its first
// bytes) holds the parameter block params.
func headerHolds(t *testing.T, dir, file string, params []byte) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b[:min(len(b), 64+len(params))], params)
}

// TestPassageFormatUpgrade opens a directory whose files hold passage
// data of format 1 (the golden files of testdata/store_v2): Open rewrites
// them in format 2 (a snapshot and a log with the new parameters), and a
// crash between the two writes (the new snapshot beside the old log) is
// read the same way.
func TestPassageFormatUpgrade(t *testing.T) {
	opt := Options{KeepShingles: true, Passages: true}
	texts := persistCorpus()
	check := func(dir string) {
		t.Helper()
		d, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.Len() != 7 {
			t.Fatalf("Len %d, want 7", d.Len())
		}
		found := false
		for _, p := range d.QueryString(texts[1]).Passages {
			found = found || p.OtherID == "g-copy" && p.Start == 0 && p.End == len(texts[1])
		}
		if !found {
			t.Fatal("article 001 not found whole as a passage of g-copy")
		}
		now, old := d.paramsBlob(false), d.paramsBlob(true)
		if !headerHolds(t, dir, SnapshotFile, now) || !headerHolds(t, dir, LogFile, now) {
			t.Fatal("files not rewritten with the parameters of passage format 2")
		}
		if bytes.Equal(now, old) {
			t.Fatal("passage formats 1 and 2 have the same parameters")
		}
	}
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "store_v2"), dir)
	check(dir)
	check(dir) // opened again: format 2 as it is

	// The snapshot rewritten, the old log left: a crash inside Open.
	crash := t.TempDir()
	copyDir(t, filepath.Join("testdata", "store_v2"), crash)
	snap, err := os.ReadFile(filepath.Join(dir, SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(crash, SnapshotFile), snap, 0o644); err != nil {
		t.Fatal(err)
	}
	check(crash)

	// Without passages, the parameters (and so the files) are those of
	// before.
	d, _ := New(Options{KeepShingles: true})
	if !bytes.Equal(d.paramsBlob(false), d.paramsBlob(true)) {
		t.Fatal("the parameters of a detector without passages changed")
	}
}
