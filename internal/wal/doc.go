// Package wal provides crash-safe storage at the byte level: an append-only
// log of opaque records and atomically replaced snapshot files. The log is a
// write-ahead log in the sense of ARIES (Mohan et al., "ARIES: A Transaction
// Recovery Method Supporting Fine-Granularity Locking and Partial Rollbacks
// Using Write-Ahead Logging", ACM TODS 1992), without its undo part: records
// are redone in order on Open. What a record means is the caller's business.
//
// # Log file format, version 1
//
// All integers are little-endian. CRC32C is the CRC-32 with the Castagnoli
// polynomial (Castagnoli, Bräuer & Herrmann, "Optimization of cyclic
// redundancy-check codes with 24 and 32 parity bits", IEEE Trans. Comm. 1993),
// as computed by hash/crc32 with crc32.Castagnoli.
//
//	offset   size  field
//	0        8     magic "NDUPWAL\n"
//	8        2     format version, uint16 = 1
//	10       4     P, the params length, uint32, at most MaxParamsSize
//	14       P     params: an opaque caller blob, compared byte for byte on Open
//	14+P     4     CRC32C of bytes [0, 14+P), uint32
//
// The header is followed by zero or more records, each
//
//	0        4     N, the payload length, uint32, at most MaxRecordSize
//	4        4     CRC32C of the 4 length bytes followed by the N payload bytes
//	8        N     payload
//
// with nothing between records and nothing after the last one.
//
// # Snapshot file format, version 1
//
// A snapshot has the same header with magic "NDUPSNP\n", then the body (any
// number of bytes, as written by the caller), then the CRC32C of the body
// (uint32). The body length is the file length minus the header minus 4.
//
// # Header errors
//
// Headers are checked in this order: a file shorter than 8 bytes whose bytes
// are a prefix of the magic, or a header cut short anywhere later, is
// ErrCorrupt; other magic bytes are ErrMagic; a version other than 1 is
// ErrVersion; P > MaxParamsSize or a header CRC mismatch is ErrCorrupt; valid
// params that differ from the caller's are ErrParams. A snapshot too short to
// hold its body CRC, or whose body CRC does not match, is ErrCorrupt.
//
// # Recovery rules
//
// Open reads the records from the header on. The first frame that is not
// valid ends the valid prefix at offset T; a frame is not valid when fewer
// than 8 bytes are left, N > MaxRecordSize, N is more than the bytes left, or
// the CRC does not match. Then:
//
//   - if a valid frame (N ≤ MaxRecordSize, N bytes available, CRC matching)
//     starts at any byte offset after T, the file is damaged in its middle:
//     Open fails with ErrCorrupt and drops nothing. Every byte offset is
//     tried, so that a damaged length field, which loses the framing, is
//     caught as well as a damaged payload;
//   - otherwise bytes [T, end) are a torn tail, left by a write that a crash
//     interrupted. Open truncates the file to T, syncs it and reports the
//     count of dropped bytes in Report.TornBytes. This is a warning for the
//     caller, not an error; the package logs nothing.
//
// A process crash can only leave a torn tail: writes reach the file in order,
// and a log is only ever created or replaced by renaming a complete, synced
// file. ErrCorrupt therefore means damage from outside: bad media, an edited
// file, or a file system that lost synced writes. Records are passed to the
// replay callback as they are read, so when Open fails the caller must
// discard whatever replay built.
//
// Open syncs the file before returning, so every record passed to replay is
// durable, even one written by a process that crashed before its own sync.
//
// # Durability
//
// Every Append returns only after its record has been written to the file
// by a write system call, under every policy: a record whose Append
// returned survives a crash of the process (panic, SIGKILL). What survives a
// crash of the operating system or a power loss depends on the SyncPolicy:
//
//   - SyncEach (the default): Append returns only after an fsync of the file
//     that covers the record. Concurrent Appends share fsyncs (group commit,
//     DeWitt et al., "Implementation Techniques for Main Memory Database
//     Systems", SIGMOD 1984): records appended while an fsync runs are
//     queued; when it ends, every Append it covered returns, and one of the
//     others writes all queued records with one system call and fsyncs them
//     together.
//   - SyncBatch: Append writes the record itself (one system call, two above
//     64 KiB) and returns; the record is durable once a Sync called after
//     its Append returned has returned nil.
//   - SyncInterval: as SyncBatch, and a background goroutine calls Sync
//     every Options.Interval (100 ms by default) when records are pending,
//     so a record is durable at most about one interval plus one fsync after
//     its Append returned. Sync may also be called explicitly.
//
// Close syncs the file under every policy. These guarantees assume storage
// that honours fsync.
//
// A failed write or fsync makes the Log unusable: every later Append, Sync
// and Rotate returns that error, because after a failed fsync the state of
// the file in the page cache can no longer be trusted (Rebello et al., "Can
// Applications Recover from fsync Failures?", USENIX ATC 2020). Close the Log
// and Open the file again to recover.
//
// # Atomic file replacement
//
// A new log (Open of a missing file), the empty log installed by Rotate, and
// every snapshot are written as described by Pillai et al. ("All File Systems
// Are Not Created Equal: On the Complexity of Crafting Crash-Consistent
// Applications", OSDI 2014):
//
//  1. write the whole file as path+".tmp", truncating any stale one;
//  2. fsync it;
//  3. rename it over path;
//  4. fsync the directory.
//
// A crash before step 3 leaves the previous file intact (Open removes a
// stale log temporary; WriteSnapshot truncates its own). A crash after step 3
// leaves the new file, or, if the directory was not yet synced when the
// machine stopped, possibly the previous one. For Rotate this means the
// caller may find, next to its newest snapshot, a log that the snapshot
// already covers, as it does after a crash between WriteSnapshot and Rotate:
// replaying those records must be harmless (make them idempotent, or number
// them and store the last number in the snapshot).
//
// At most one Log may be open on a path at a time, across all processes; the
// package does not lock files. The temporary names path+".tmp" must not be
// used for anything else.
//
// # Goroutine safety
//
// All methods of Log are safe for concurrent use. Records are stored in the
// order in which their Appends took the Log's lock. Rotate must only be
// called when the caller's snapshot covers every record appended so far,
// which the caller ensures by not appending between taking the snapshot and
// Rotate. WriteSnapshot and ReadSnapshot are safe for concurrent use on
// different paths.
//
// # Buffer ownership
//
// Append does not retain its payload. The payload passed to a replay
// callback, and the writer and reader passed to the snapshot callbacks, are
// only valid during the call.
package wal
