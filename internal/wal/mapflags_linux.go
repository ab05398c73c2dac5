package wal

import "syscall"

// mapFlags maps a snapshot with its pages mapped at once (MAP_POPULATE)
// rather than faulted in one by one as the checksum and the decoder read
// them: one system call instead of a fault per page of a snapshot that is
// read whole anyway.
const mapFlags = syscall.MAP_SHARED | syscall.MAP_POPULATE
