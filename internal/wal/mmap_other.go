//go:build !unix

package wal

import (
	"io"
	"os"
)

// mapFile reads the first size bytes of f: there is no mapping here.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, func() error { return nil }, nil
}
