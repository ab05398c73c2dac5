package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Points of createAtomic at which testHook is called.
const (
	pointWritten = "written" // temporary file complete, not yet synced
	pointSynced  = "synced"  // temporary file synced, not yet renamed
	pointRenamed = "renamed" // renamed over the target, directory not synced
)

// testHook, when not nil, is called at each point of createAtomic; an error
// it returns is handled as if that step had failed. Tests use it to inject
// failures and to copy the on-disk state between steps.
var testHook func(point string) error

func hook(point string) error {
	if testHook == nil {
		return nil
	}
	return testHook(point)
}

// tempName is the temporary name used while replacing path.
func tempName(path string) string { return path + ".tmp" }

// createAtomic replaces path with a file whose content fill writes, following
// the protocol in the package comment, and returns that file open for
// reading and writing. The returned file is nil if path still names the
// previous file; it is not nil, together with a non-nil error, if the rename
// happened but the directory could not be synced.
func createAtomic(path string, fill func(f *os.File) error) (*os.File, error) {
	tmp := tempName(path)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	if err := fill(f); err != nil {
		return fail(err)
	}
	if err := hook(pointWritten); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := hook(pointSynced); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	if err := hook(pointRenamed); err != nil {
		return f, fmt.Errorf("wal: %s replaced but its directory not synced: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return f, fmt.Errorf("wal: %s replaced but its directory not synced: %w", path, err)
	}
	return f, nil
}

// syncDir makes a rename in dir durable. Windows cannot sync directories and
// makes renames durable by itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeStale removes a temporary left by a crash during createAtomic.
func removeStale(path string) error {
	err := os.Remove(tempName(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
