//go:build unix && !linux

package wal

import "syscall"

// mapFlags maps a snapshot shared and read-only.
const mapFlags = syscall.MAP_SHARED
