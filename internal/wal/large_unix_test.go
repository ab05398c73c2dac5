//go:build unix

package wal

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRecordTooLarge(t *testing.T) {
	l, _, err := Open(filepath.Join(t.TempDir(), "log"), nil, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// An anonymous mapping that is never touched costs no memory.
	huge, err := syscall.Mmap(-1, 0, MaxRecordSize+1, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip("cannot map", MaxRecordSize+1, "bytes:", err)
	}
	defer syscall.Munmap(huge)
	if err := l.Append(huge); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("error %v, want ErrRecordTooLarge", err)
	}
	if got := l.Size(); got != int64(len(refLog(nil))) {
		t.Fatalf("a rejected record changed the size to %d", got)
	}
}
