// Command reopen shows an index saved to a directory and reopened: it adds
// the five bundled articles to a persistent detector, closes it, reopens it
// and finds a copy of one of them.
//
//	go run ./examples/reopen
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/neardup/neardup"
)

func main() {
	dir, err := os.MkdirTemp("", "neardup-reopen-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reopen:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	if err := run(filepath.Join("testdata", "seeds"), dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reopen:", err)
		os.Exit(1)
	}
}

func run(seeds, dir string, w io.Writer) error {
	files, _ := filepath.Glob(filepath.Join(seeds, "*.txt"))
	if len(files) == 0 {
		return fmt.Errorf("no article in %s (run from the repository root)", seeds)
	}
	sort.Strings(files)
	opt := neardup.Options{KeepShingles: true}

	d, err := neardup.Open(dir, opt)
	if err != nil {
		return err
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if _, err := d.Add(strings.TrimSuffix(filepath.Base(f), ".txt"), text); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "indexed %d articles in %s\n", d.Len(), dir)
	if err := d.Close(); err != nil {
		return err
	}

	d, err = neardup.Open(dir, opt)
	if err != nil {
		return err
	}
	defer d.Close()
	r := d.Recovery()
	fmt.Fprintf(w, "reopened: %d articles (%d from the snapshot, %d log records replayed)\n", d.Len(), r.SnapshotDocs, r.LogRecords)
	copyText, err := os.ReadFile(files[3])
	if err != nil {
		return err
	}
	res := d.Query(append([]byte("Republié : "), copyText...))
	if m, ok := res.Duplicate(0.8); ok {
		fmt.Fprintf(w, "a republished copy of %s is a duplicate of %s (Jaccard %.3f)\n", filepath.Base(files[3]), m.ID, m.Jaccard)
	}
	if err := d.Snapshot(); err != nil {
		return err
	}
	fmt.Fprintln(w, "snapshot written; the next Open reads one file")
	return nil
}
