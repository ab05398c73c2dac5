package wal

import (
	"path/filepath"
	"testing"
)

// TestHeaderSize: the first record's frame starts at HeaderSize, and each
// payload FrameHeader bytes after its frame, as callers that read payloads
// back from the file by offset rely on.
func TestHeaderSize(t *testing.T) {
	params := []byte("some params")
	l, _, err := Open(filepath.Join(t.TempDir(), "log"), params, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Size() != HeaderSize(params) {
		t.Fatalf("empty log of %d bytes, HeaderSize %d", l.Size(), HeaderSize(params))
	}
	for _, p := range []string{"a", "", "third record"} {
		before := l.Size()
		if err := l.Append([]byte(p)); err != nil {
			t.Fatal(err)
		}
		if got := l.Size() - before; got != FrameHeader+int64(len(p)) {
			t.Fatalf("record %q took %d bytes", p, got)
		}
	}
}
