//go:build !unix

package main

import "os"

// lockExclusive does nothing where flock is not available: do not run two
// commands on one index directory there.
func lockExclusive(*os.File) error { return nil }
