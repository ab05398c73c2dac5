package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"time"
)

// SyncPolicy chooses when a Log fsyncs its file; see the package comment for
// the exact guarantee of each policy.
type SyncPolicy int

const (
	// SyncEach makes every Append durable before it returns. It is the zero
	// value and the default.
	SyncEach SyncPolicy = iota
	// SyncBatch leaves fsyncs to the caller's calls of Log.Sync.
	SyncBatch
	// SyncInterval fsyncs pending records every Options.Interval from a
	// background goroutine.
	SyncInterval
)

// String returns the name of the policy, such as "SyncEach".
func (p SyncPolicy) String() string {
	switch p {
	case SyncEach:
		return "SyncEach"
	case SyncBatch:
		return "SyncBatch"
	case SyncInterval:
		return "SyncInterval"
	}
	return "SyncPolicy(" + strconv.Itoa(int(p)) + ")"
}

// DefaultInterval is the Options.Interval used when it is zero.
const DefaultInterval = 100 * time.Millisecond

// Options configures a Log. The zero value is valid: SyncEach.
type Options struct {
	// Sync is the durability policy.
	Sync SyncPolicy
	// Interval is the period of the background sync under SyncInterval;
	// zero means DefaultInterval. Other policies ignore it. It must not be
	// negative.
	Interval time.Duration
}

func (o Options) check() error {
	if o.Sync < SyncEach || o.Sync > SyncInterval {
		return fmt.Errorf("%w: unknown sync policy %v", ErrOptions, o.Sync)
	}
	if o.Interval < 0 {
		return fmt.Errorf("%w: negative interval %v", ErrOptions, o.Interval)
	}
	return nil
}

// Report describes what Open found in an existing log.
type Report struct {
	// Records is the number of valid records read (and passed to replay,
	// if not nil).
	Records int
	// Bytes is the size of the log after recovery: header and records.
	Bytes int64
	// TornBytes is the number of bytes of a torn tail that Open dropped
	// (truncated at offset Bytes); zero when the log ended cleanly. A
	// non-zero value is a warning for the caller to report: an unfinished
	// write was lost, which under SyncEach is never an acknowledged record.
	TornBytes int64
}

// inlineMax is the largest payload that Append copies into its buffer to
// write the record with one system call under SyncBatch and SyncInterval;
// larger payloads are written with two.
const inlineMax = 64 << 10

// keepBuffer is the largest buffer capacity kept for reuse.
const keepBuffer = 1 << 20

// Log is an open append-only log. Its methods are safe for concurrent use.
// Append does not retain the payload: the caller may reuse it as soon as
// Append returns.
type Log struct {
	path   string
	header []byte // the file header, written again by Rotate
	opt    Options

	mu       sync.Mutex
	cond     sync.Cond // on mu: signalled when an fsync ends
	syncing  bool      // an fsync is under way, outside mu
	synced   uint64    // records known durable
	f        *os.File  // nil once closed
	size     int64     // bytes appended: written to f, then pending
	written  int64     // bytes written to f, or reserved by syncTo
	appended uint64    // records appended since Open
	closed   bool
	err      error  // sticky failure of a write or an fsync
	buf      []byte // frame buffer of Append under SyncBatch and SyncInterval
	pending  []byte // frames not yet written, under SyncEach
	spare    []byte // the next pending buffer

	stop chan struct{} // closed by Close to end the SyncInterval goroutine
	done chan struct{}
}

// Open opens the log at path, creating it (atomically, as described in the
// package comment) if it does not exist, and removes a stale path+".tmp".
//
// An existing log must carry exactly params in its header, or Open returns
// ErrParams; a bad header is ErrMagic, ErrVersion or ErrCorrupt. Every valid
// record is passed to replay, in order, before Open returns; replay may be
// nil. The payload passed to replay is only valid during the call. An error
// from replay stops Open and is returned wrapped. A torn tail is truncated
// and reported in Report.TornBytes; damage followed by valid records is
// ErrCorrupt. On any error the caller must discard what replay built.
func Open(path string, params []byte, opt Options, replay func(payload []byte) error) (*Log, Report, error) {
	if err := opt.check(); err != nil {
		return nil, Report{}, err
	}
	if err := checkParams(params); err != nil {
		return nil, Report{}, err
	}
	if err := removeStale(path); err != nil {
		return nil, Report{}, err
	}
	header := appendHeader(nil, magicLog, params)
	var rep Report
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f, err = createAtomic(path, func(f *os.File) error {
			_, err := f.Write(header)
			return err
		})
		if err != nil {
			if f != nil {
				f.Close()
			}
			return nil, Report{}, err
		}
		rep.Bytes = int64(len(header))
	case err != nil:
		return nil, Report{}, err
	default:
		rep, err = recoverLog(f, params, replay)
		if err != nil {
			f.Close()
			return nil, Report{}, err
		}
	}
	l := &Log{path: path, header: header, opt: opt, f: f, size: rep.Bytes, written: rep.Bytes}
	l.cond.L = &l.mu
	if opt.Sync == SyncInterval {
		interval := opt.Interval
		if interval == 0 {
			interval = DefaultInterval
		}
		l.stop = make(chan struct{})
		l.done = make(chan struct{})
		go l.syncEvery(interval)
	}
	return l, rep, nil
}

// recoverLog checks the header of the log open as f, replays its records,
// truncates a torn tail and syncs the file.
func recoverLog(f *os.File, params []byte, replay func([]byte) error) (Report, error) {
	st, err := f.Stat()
	if err != nil {
		return Report{}, err
	}
	size := st.Size()
	br := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 64<<10)
	hlen, err := readHeader(br, size, magicLog, params)
	if err != nil {
		return Report{}, err
	}
	rep, err := replayRecords(f, br, hlen, size, replay)
	if err != nil {
		return Report{}, err
	}
	if rep.TornBytes > 0 {
		if err := f.Truncate(rep.Bytes); err != nil {
			return Report{}, err
		}
	}
	if err := f.Sync(); err != nil {
		return Report{}, err
	}
	return rep, nil
}

// replayRecords reads the records of a log of size bytes from br, positioned
// at offset off just after the header, applying the recovery rules of the
// package comment. It does not truncate.
func replayRecords(f io.ReaderAt, br io.Reader, off, size int64, replay func([]byte) error) (Report, error) {
	var rep Report
	var hdr [frameHeader]byte
	var payload []byte
	for off < size {
		if size-off < frameHeader {
			break
		}
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return Report{}, err
		}
		n := binary.LittleEndian.Uint32(hdr[:4])
		if n > MaxRecordSize || int64(n) > size-off-frameHeader {
			break
		}
		if uint32(cap(payload)) < n {
			payload = make([]byte, n)
		}
		p := payload[:n]
		if _, err := io.ReadFull(br, p); err != nil {
			return Report{}, err
		}
		if recordCRC(hdr[:4], p) != binary.LittleEndian.Uint32(hdr[4:]) {
			break
		}
		if replay != nil {
			if err := replay(p); err != nil {
				return Report{}, fmt.Errorf("wal: replay of record %d at offset %d: %w", rep.Records, off, err)
			}
		}
		rep.Records++
		off += frameHeader + int64(n)
	}
	rep.Bytes = off
	if off == size {
		return rep, nil
	}
	found, err := validFrameAfter(f, off, size)
	if err != nil {
		return Report{}, err
	}
	if found {
		return Report{}, fmt.Errorf("%w: damaged record at offset %d is followed by valid records", ErrCorrupt, off)
	}
	rep.TornBytes = size - off
	return rep, nil
}

// Append writes one record; see the package comment for when it is durable.
// A payload longer than MaxRecordSize is ErrRecordTooLarge. Append after
// Close is ErrClosed. It allocates nothing once its buffers have grown to the
// largest batch of records it sees, up to 1 MiB.
//
// Under SyncEach, Append queues the record and waits for a group commit
// that covers it (see the package comment): concurrent Appends share one
// write system call and one fsync. Under the other policies, Append writes
// the record itself, with one system call (two above 64 KiB).
func (l *Log) Append(payload []byte) error {
	if len(payload) > MaxRecordSize {
		return fmt.Errorf("%w: %d bytes, max %d", ErrRecordTooLarge, len(payload), MaxRecordSize)
	}
	n := frameHeader + int64(len(payload))
	l.mu.Lock()
	if err := l.usable(); err != nil {
		l.mu.Unlock()
		return err
	}
	if l.opt.Sync == SyncEach {
		l.pending = appendFrame(l.pending, payload)
	} else if err := l.writeFrame(payload); err != nil {
		l.mu.Unlock()
		return err
	}
	l.size += n
	l.appended++
	seq := l.appended
	l.mu.Unlock()

	if l.opt.Sync == SyncEach {
		return l.syncTo(seq)
	}
	return nil
}

// appendFrame appends the frame of a record to dst.
func appendFrame(dst, payload []byte) []byte {
	start := len(dst)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.LittleEndian.AppendUint32(dst, recordCRC(dst[start:start+4], payload))
	return append(dst, payload...)
}

// writeFrame writes the frame of a record at l.written. l.mu must be held.
func (l *Log) writeFrame(payload []byte) error {
	var err error
	if len(payload) <= inlineMax {
		l.buf = appendFrame(l.buf[:0], payload)
		_, err = l.f.WriteAt(l.buf, l.written)
	} else {
		l.buf = binary.LittleEndian.AppendUint32(l.buf[:0], uint32(len(payload)))
		l.buf = binary.LittleEndian.AppendUint32(l.buf, recordCRC(l.buf[:4], payload))
		if _, err = l.f.WriteAt(l.buf, l.written); err == nil {
			_, err = l.f.WriteAt(payload, l.written+frameHeader)
		}
	}
	if err != nil {
		return l.fail("write", err)
	}
	l.written += frameHeader + int64(len(payload))
	return nil
}

// usable returns the error that forbids writing, if any. l.mu must be held.
func (l *Log) usable() error {
	if l.closed {
		return ErrClosed
	}
	return l.err
}

// fail records a failed write or fsync, which makes the Log unusable, and
// returns the error every later call returns. l.mu must be held.
func (l *Log) fail(op string, err error) error {
	if l.err == nil {
		l.err = fmt.Errorf("wal: %s of %s failed, the log must be reopened: %w", op, l.path, err)
	}
	return l.err
}

// Sync makes every record whose Append returned before the call durable.
// Under SyncEach there is nothing left to do and it returns at once.
func (l *Log) Sync() error {
	l.mu.Lock()
	if err := l.usable(); err != nil {
		l.mu.Unlock()
		return err
	}
	seq := l.appended
	l.mu.Unlock()
	return l.syncTo(seq)
}

// syncTo returns once the first seq records are durable. This is group
// commit: if an fsync is under way, it waits for it; if that fsync did not
// cover its records, the first waiter to wake becomes the next leader,
// writes every record queued under SyncEach with one system call and fsyncs
// the file, and then wakes all waiters at once.
func (l *Log) syncTo(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.synced >= seq {
			return nil
		}
		if l.err != nil {
			return l.err
		}
		if l.f == nil {
			return ErrClosed
		}
		if !l.syncing {
			break
		}
		l.cond.Wait()
	}
	l.syncing = true
	f, target := l.f, l.appended
	batch, off := l.pending, l.written
	l.pending = l.spare[:0]
	l.spare = nil
	l.written += int64(len(batch))

	l.mu.Unlock()
	op, err := writeSync(f, batch, off)
	l.mu.Lock()

	l.syncing = false
	l.cond.Broadcast()
	l.spare = reusable(batch)
	if err != nil {
		return l.fail(op, err)
	}
	l.synced = target
	return nil
}

// writeSync writes batch at off, if not empty, and fsyncs f. It returns the
// failed operation and its error.
func writeSync(f *os.File, batch []byte, off int64) (string, error) {
	if _, err := f.WriteAt(batch, off); err != nil {
		return "write", err
	}
	return "fsync", f.Sync()
}

// waitSync waits until no fsync is under way. l.mu must be held.
func (l *Log) waitSync() {
	for l.syncing {
		l.cond.Wait()
	}
}

// reusable returns b emptied for reuse, or nil if it is too large to keep.
func reusable(b []byte) []byte {
	if cap(b) > keepBuffer {
		return nil
	}
	return b[:0]
}

// syncEvery is the background goroutine of SyncInterval.
func (l *Log) syncEvery(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			// A failure is sticky and returned by the next call.
			_ = l.Sync()
		}
	}
}

// Size returns the size of the log in bytes: the header and every record
// appended so far. It is what a caller checks to decide when to write a
// snapshot and Rotate.
func (l *Log) Size() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size
}

// Rotate atomically replaces the log with an empty one carrying the same
// params, following the protocol in the package comment, and continues
// appending to it. The caller must first have made durable a snapshot that
// covers every record appended so far. If Rotate fails before the new file
// took the log's name, the Log goes on with the old file and stays usable;
// if only the final directory sync failed, the Log has switched to the new
// file and the error says so.
func (l *Log) Rotate() error { return l.rotate(nil) }

// rotate is Rotate, with the header header when not nil.
func (l *Log) rotate(header []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waitSync()
	if err := l.usable(); err != nil {
		return err
	}
	if header == nil {
		header = l.header
	}
	nf, err := createAtomic(l.path, func(f *os.File) error {
		_, err := f.Write(header)
		return err
	})
	if nf == nil {
		return err
	}
	l.header = header
	old := l.f
	l.f = nf
	l.size = int64(len(l.header))
	l.written = l.size
	l.pending = reusable(l.pending) // covered by the snapshot, like the old file
	l.synced = l.appended
	l.cond.Broadcast()
	// The old file is no longer reachable by its name; an error closing
	// it cannot lose anything.
	_ = old.Close()
	return err
}

// RotateParams is Rotate for a log whose new file carries params in its
// header instead of the parameters it was opened with (a format upgraded
// once everything is in a snapshot); later rotations keep them.
func (l *Log) RotateParams(params []byte) error {
	if err := checkParams(params); err != nil {
		return err
	}
	return l.rotate(appendHeader(nil, magicLog, params))
}

// Close syncs and closes the log. Appends that were waiting for an fsync
// when Close was called return once Close has synced. A second Close
// returns ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	l.mu.Unlock()
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waitSync()
	err := l.err
	if err == nil {
		var op string
		if op, err = writeSync(l.f, l.pending, l.written); err == nil {
			l.written += int64(len(l.pending))
			l.synced = l.appended
		} else {
			err = l.fail(op, err)
		}
		l.pending = nil
	}
	if cerr := l.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("wal: close of %s: %w", l.path, cerr)
	}
	l.f = nil
	l.cond.Broadcast()
	return err
}
