//go:build unix

package wal

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only (with mapFlags).
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size == 0 {
		return nil, func() error { return nil }, nil
	}
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("wal: %s: %d bytes cannot be mapped", f.Name(), size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, mapFlags)
	if err != nil {
		return nil, nil, fmt.Errorf("wal: mapping %s: %w", f.Name(), err)
	}
	return b, func() error { return syscall.Munmap(b) }, nil
}
