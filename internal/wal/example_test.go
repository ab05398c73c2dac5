package wal_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/neardup/neardup/internal/wal"
)

// params identifies the settings the records depend on; a log written with
// other settings is refused.
var params = []byte("norm=1 shingle=5 K=128 bands=32 rows=4")

func Example() {
	dir, err := os.MkdirTemp("", "wal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "detector.log")

	l, _, err := wal.Open(path, params, wal.Options{}, nil) // SyncEach
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range []string{"add a1", "add a2", "remove a1"} {
		if err := l.Append([]byte(rec)); err != nil { // durable on return
			log.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		log.Fatal(err)
	}

	// After a restart, the records rebuild the state.
	l, rep, err := wal.Open(path, params, wal.Options{}, func(p []byte) error {
		fmt.Printf("replay %q\n", p)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	fmt.Printf("%d records, %d bytes, %d torn\n", rep.Records, rep.Bytes, rep.TornBytes)
	// Output:
	// replay "add a1"
	// replay "add a2"
	// replay "remove a1"
	// 3 records, 101 bytes, 0 torn
}

// A crash in the middle of a write leaves a torn last record: Open drops it
// and reports it.
func ExampleOpen_tornTail() {
	dir, err := os.MkdirTemp("", "wal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "detector.log")
	l, _, err := wal.Open(path, params, wal.Options{Sync: wal.SyncBatch}, nil)
	if err != nil {
		log.Fatal(err)
	}
	l.Append([]byte("add a1"))
	l.Append([]byte("add a2"))
	size := l.Size()
	l.Close()
	os.Truncate(path, size-3) // what a write cut short leaves

	l, rep, err := wal.Open(path, params, wal.Options{}, func(p []byte) error {
		fmt.Printf("replay %q\n", p)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	if rep.TornBytes > 0 {
		fmt.Printf("warning: dropped a torn record of %d bytes at offset %d\n", rep.TornBytes, rep.Bytes)
	}
	// Output:
	// replay "add a1"
	// warning: dropped a torn record of 11 bytes at offset 70
}

func ExampleOpen_params() {
	dir, err := os.MkdirTemp("", "wal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "detector.log")
	l, _, err := wal.Open(path, params, wal.Options{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	l.Close()

	_, _, err = wal.Open(path, []byte("norm=1 shingle=5 K=64 bands=16 rows=4"), wal.Options{}, nil)
	fmt.Println(errors.Is(err, wal.ErrParams))
	// Output:
	// true
}

// A snapshot covers the state; after it, Rotate empties the log.
func ExampleWriteSnapshot() {
	dir, err := os.MkdirTemp("", "wal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	logPath, snapPath := filepath.Join(dir, "detector.log"), filepath.Join(dir, "detector.snap")
	l, _, err := wal.Open(logPath, params, wal.Options{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	state := []string{"a1", "a2", "a3"}
	for _, id := range state {
		l.Append([]byte("add " + id))
	}

	err = wal.WriteSnapshot(snapPath, params, func(w io.Writer) error {
		for _, id := range state {
			if _, err := fmt.Fprintln(w, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	before := l.Size()
	if err := l.Rotate(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("log bytes:", before, "->", l.Size())

	var loaded []string
	err = wal.ReadSnapshot(snapPath, params, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			loaded = append(loaded, sc.Text())
		}
		return sc.Err()
	})
	if err != nil {
		log.Fatal(err) // and discard loaded
	}
	fmt.Println("snapshot:", strings.Join(loaded, " "))
	// Output:
	// log bytes: 98 -> 56
	// snapshot: a1 a2 a3
}
