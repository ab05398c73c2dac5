package neardup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/internal/wal"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// Files of a persistent detector's directory.
const (
	LogFile      = "neardup.log"
	SnapshotFile = "neardup.snap"
)

// FormatVersion is the version of the record encoding of a persistent
// detector, stored in the parameter block of both files. Files of another
// version are refused (ErrParams).
//
// The log (LogFile) holds one record per change: an Add record (kind 'A',
// sequence number, ID, time, size, SimHash, the K signature bytes, the band
// keys, the matches it linked to, and what the options keep: shingle set,
// then either the passage data or, without Passages, the fingerprints) or
// a Remove record (kind 'R', sequence number, ID).
//
// Passage data is of format 2 (passageFormat, the last value of the
// parameter block of a detector with Passages): the number of tokens,
// each token's 32-bit hash (4 bytes little-endian), then for each token
// the gap from the end of the previous token and its length in bytes.
// The passage shingles and fingerprints follow from the token hashes.
// Format 1, whose parameter block lacks the passage format, also held
// the fingerprint hashes before the passage data, and the word shingles
// and the fingerprints with their positions between the tokens and their
// offsets; Open reads it and rewrites the directory in format 2 (a
// snapshot, then a log with the new parameters) before it returns.
//
// The snapshot (SnapshotFile) has a body of one of two versions, told apart
// by its parameter block: the log's, or the log's followed by
// snapshotBodyV2 ("\x00snapshot-body=2"). Snapshot writes version 2; Open
// reads both (a release that knows only version 1 refuses a version 2
// snapshot with ErrParams). Integers are unsigned varints unless said
// otherwise; a document is length-prefixed and encoded as an Add record
// without its kind byte nor its links.
//
// Version 1 (read only): the sequence number covered, the latest time
// (signed varint), the number of documents, each document, then the
// clusters: each with its members and links, members and link ends given
// as positions among the documents (a link end as position + 1, 0 for a
// removed document). Loading numbers the documents 0, 1, … and rebuilds
// the LSH band tables by inserting every one of them.
//
// Version 2 keeps document numbers, so that the band tables are saved and
// loaded as they are:
//
//	sequence number covered
//	latest time (signed varint)
//	B, the number of the first slot (documents removed before it are left out)
//	N, the number of slots: documents B to B+N-1
//	the number of live documents among them
//	N slots: a live document, or the length 0 for a removed one
//	the number of clusters, then for each (ordered by first member):
//	  members: count, then document numbers, ascending
//	  links: count, then for each: its ends a < b, each as document
//	    number + 1 (removed documents included; 0 for a removed document
//	    whose number was lost by a version 1 snapshot) and ID, and the
//	    Jaccard score (float32, 4 bytes little-endian)
//	the LSH band tables, as index.LSH.WriteTo writes them
//
// Loading checks the tables with index.ReadLSH (full structural
// validation) and that they name only documents B to B+N-1, and no more
// postings than bands times indexed documents. At a million documents,
// reopening takes 1.2 s instead of 4.7 s for version 1 (which rebuilt the
// tables), for a file 70 % larger (390 B instead of 230 B per document).
const FormatVersion = 1

// snapshotBodyV2 ends the parameter block of a snapshot whose body is of
// version 2 (see FormatVersion). The log's parameter block has no suffix,
// so the log and version 1 snapshots stay readable.
const snapshotBodyV2 = "\x00snapshot-body=2"

// Recovery tells what Open found in a persistent detector's directory.
type Recovery struct {
	// SnapshotDocs is the number of documents loaded from the snapshot.
	SnapshotDocs int
	// LogRecords is the number of log records replayed after it.
	LogRecords int
	// TornBytes is the size of an incomplete last log record, left by a
	// crash in the middle of a write and dropped: the change it held had
	// not been acknowledged. Zero when the log ended cleanly.
	TornBytes int64
}

// diskStore is the persistence of a detector: an append-only log of every
// change (internal/wal) and periodic snapshots of the whole state. Its
// methods are called with d.mu held for writing, except sync.
type diskStore struct {
	// mapped releases the mapped snapshots that loaded shingle sets still
	// refer to (see shingleSet). They are released when the next snapshot
	// is written, after the sets are copied to memory of their own; never
	// by Close, since a closed detector still answers queries.
	mapped []func() error
	dir    string
	params []byte // of the log and version 1 snapshots
	snapP  []byte // of version 2 snapshots: params + snapshotBodyV2
	// legacyLog is set while the log file carries the parameters of
	// passage format 1: the next rotation gives it params.
	legacyLog bool
	log       *wal.Log
	seq       uint64 // last sequence number logged
	buf       []byte // record encoding scratch
	rec       Recovery
	maxSize   int64
}

// Open returns a detector whose state lives in directory dir (created if
// needed): every Add, Remove and eviction is appended to a log before it is
// applied, and the log is folded into a snapshot when it grows past
// Options.SnapshotBytes. Opening a directory replays the snapshot and the
// log, so a detector reopened after a crash has every change that was
// acknowledged (see Options.Durability); an incomplete last record left by
// the crash is dropped and reported by Recovery.
//
// The directory remembers the options that change the meaning of its data
// (normalization, shingle size, K, LSH bands and rows, KeepShingles,
// Passages, and whether the fingerprint index is kept, which Containment
// and IgnoreBoilerplate need); opening it with others fails with ErrParams.
// Damaged files fail with ErrCorrupt. Other options (Threshold and
// CandidateThreshold as long as the bands stay the same, MaxHamming,
// Window, Durability, SnapshotBytes) may change between runs. Only one
// process may open a directory at a time.
//
// Raw texts are never stored: only what the options make the detector keep
// of each document.
//
// Snapshots are written in body version 2, which keeps document numbers
// and the LSH band tables, so that opening loads the tables rather than
// rebuilding them; snapshots of version 1 are still read (see
// FormatVersion), and the next snapshot replaces them with version 2.
func Open(dir string, opt Options) (*Detector, error) {
	d, err := New(opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("neardup: %w", err)
	}
	params := d.paramsBlob(false)
	st := &diskStore{dir: dir, params: params, snapP: append(slices.Clip(params), snapshotBodyV2...), maxSize: d.opt.SnapshotBytes}
	var lastSeq uint64
	snap := filepath.Join(dir, SnapshotFile)
	// Files of passage format 1 are read too (legacy), and a snapshot
	// then rewrites them in format 2 before Open returns.
	legacyP := d.paramsBlob(true)
	upgrade := false
	loadSnap := func(params []byte) error {
		// A version 2 body is mapped, and the shingle sets stay views of
		// the mapping: opening copies none of them.
		release, err := wal.MapSnapshot(snap, append(slices.Clip(params), snapshotBodyV2...), func(body []byte) error {
			return d.loadSnapshotData(body, true, &lastSeq, &st.rec)
		})
		if err == nil {
			if d.opt.KeepShingles {
				st.mapped = append(st.mapped, release)
			} else {
				release() // nothing refers to it
			}
		}
		if errors.Is(err, wal.ErrParams) {
			// Not version 2: version 1, or other parameters (ErrParams again).
			err = wal.ReadSnapshot(snap, params, func(r io.Reader) error {
				return d.loadSnapshot(r, &lastSeq, &st.rec)
			})
		}
		return err
	}
	err = loadSnap(params)
	if errors.Is(err, wal.ErrParams) && d.opt.Passages {
		d.legacyPass, upgrade = true, true
		err = loadSnap(legacyP)
		d.legacyPass = false
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, storeError(SnapshotFile, err)
	}
	st.seq = lastSeq
	wopt := wal.Options{Sync: wal.SyncBatch}
	if d.opt.Durability == SyncInterval {
		wopt = wal.Options{Sync: wal.SyncInterval, Interval: d.opt.SyncInterval}
	}
	replay := func(p []byte) error {
		seq, err := d.replay(p, lastSeq)
		if err == nil {
			st.seq = max(st.seq, seq)
			st.rec.LogRecords++
		}
		return err
	}
	log, rep, err := wal.Open(filepath.Join(dir, LogFile), st.params, wopt, replay)
	if errors.Is(err, wal.ErrParams) && d.opt.Passages {
		d.legacyPass, st.legacyLog, upgrade = true, true, true
		log, rep, err = wal.Open(filepath.Join(dir, LogFile), legacyP, wopt, replay)
		d.legacyPass = false
	}
	if err != nil {
		return nil, storeError(LogFile, err)
	}
	st.log, st.rec.TornBytes = log, rep.TornBytes
	d.store = st
	if upgrade {
		// Everything read is in memory: a snapshot in passage format 2,
		// then a log with its parameters. A crash in between leaves the
		// new snapshot beside the old log, which the next Open reads as
		// here (its records are all covered by the snapshot).
		d.mu.Lock()
		err = d.snapshotLocked()
		d.mu.Unlock()
		if err != nil {
			log.Close()
			return nil, fmt.Errorf("neardup: rewriting passage data of format 1: %w", err)
		}
	}
	if d.opt.Window > 0 {
		d.mu.Lock()
		err = d.evictLoggedLocked(d.newest - int64(d.opt.Window))
		d.mu.Unlock()
		if err == nil {
			err = st.sync()
		}
		if err != nil {
			log.Close()
			return nil, err
		}
	}
	return d, nil
}

// storeError maps the errors of the storage layer to the package's.
func storeError(file string, err error) error {
	switch {
	case errors.Is(err, wal.ErrParams):
		return fmt.Errorf("%w (%s): %w", ErrParams, file, err)
	case errors.Is(err, wal.ErrMagic), errors.Is(err, wal.ErrVersion), errors.Is(err, wal.ErrCorrupt),
		errors.Is(err, ErrCorrupt):
		return fmt.Errorf("%w (%s): %w", ErrCorrupt, file, err)
	}
	return fmt.Errorf("neardup: %s: %w", file, err)
}

// Recovery reports what Open found; zero for a detector made by New.
func (d *Detector) Recovery() Recovery {
	if d.store == nil {
		return Recovery{}
	}
	return d.store.rec
}

// Sync makes every change so far durable. It is needed only with
// Durability SyncBatch; for a detector made by New it does nothing.
func (d *Detector) Sync() error {
	if d.store == nil {
		return nil
	}
	return d.store.sync()
}

func (st *diskStore) sync() error { return st.log.Sync() }

// Close makes every change durable and closes the files of a persistent
// detector. Later calls that change the detector return ErrClosed; Query
// still works. Closing twice is harmless.
func (d *Detector) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.store == nil {
		return nil
	}
	err := d.store.log.Sync()
	if cerr := d.store.log.Close(); err == nil {
		err = cerr
	}
	return err
}

// Snapshot writes the whole state of a persistent detector to its snapshot
// file and starts a new, empty log, so that the next Open reads one file.
// Adds and Removes wait while it runs. It does nothing for a detector made
// by New.
func (d *Detector) Snapshot() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	if d.store == nil {
		return nil
	}
	return d.snapshotLocked()
}

func (st *diskStore) maybeSnapshot(d *Detector) error {
	if st.maxSize > 0 && st.log.Size() > st.maxSize {
		return d.snapshotLocked()
	}
	return nil
}

func (d *Detector) snapshotLocked() error {
	st := d.store
	path := filepath.Join(st.dir, SnapshotFile)
	if err := wal.WriteSnapshot(path, st.snapP, d.writeSnapshotV2); err != nil {
		return fmt.Errorf("neardup: writing snapshot: %w", err)
	}
	if len(st.mapped) > 0 {
		// The file the sets map has just been replaced: copy them, then
		// unmap it (no reader holds a set: the write lock is held).
		t := &d.docs
		for i := range t.sets.n {
			if s := t.sets.ref(i); *s != nil {
				*s = slices.Clone(*s)
			}
		}
		for _, release := range st.mapped {
			if err := release(); err != nil {
				return fmt.Errorf("neardup: unmapping the old snapshot: %w", err)
			}
		}
		st.mapped = nil
	}
	// A crash here leaves the new snapshot beside the old log: its records
	// are all at or below the snapshot's sequence number and are skipped.
	rotate := st.log.Rotate
	if st.legacyLog {
		rotate = func() error { return st.log.RotateParams(st.params) }
	}
	if err := rotate(); err != nil {
		return fmt.Errorf("neardup: starting a new log: %w", err)
	}
	return nil
}

// passageFormat is the version of the passage data of a record (see
// FormatVersion), in the parameter block of detectors with Passages.
const passageFormat = 2

// paramsBlob encodes everything that changes the meaning of the saved data.
// It is stored in every file's header and compared byte for byte. legacy
// selects the block of passage format 1, which has no passage format.
func (d *Detector) paramsBlob(legacy bool) []byte {
	o := d.opt
	b := []byte("neardup detector\x00")
	for _, v := range []int{
		FormatVersion, normalize.Version, shingle.Version, minhashAlgorithm,
		o.K, o.ShingleSize, d.lshp.Bands, d.lshp.Rows, sigBits,
		boolBit(o.KeepShingles) | boolBit(o.Passages)<<1 | boolBit(d.fpOn)<<2 |
			boolBit(o.Normalize.DropElisions)<<3 | boolBit(o.Normalize.KeepAccents)<<4,
		o.Passage.MinWords, o.Passage.MaxGap + 1<<20, // MaxGap may be negative
	} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	if o.Passages && !legacy {
		b = binary.AppendUvarint(b, passageFormat)
	}
	return b
}

// minhashAlgorithm identifies the MinHash scheme (OPH with optimal
// densification, as package minhash computes it); sigBits is the number of
// bits kept of each value.
const (
	minhashAlgorithm = 1
	sigBits          = 8
)

func boolBit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Record kinds.
const (
	recAdd    = 'A'
	recRemove = 'R'
)

// logAdd appends the add record of rec, giving it the next sequence number.
func (st *diskStore) logAdd(d *Detector, rec *docRecord) error {
	rec.seq = st.seq + 1
	st.buf = d.appendDoc(append(st.buf[:0], recAdd), rec, true)
	if err := st.log.Append(st.buf); err != nil {
		return fmt.Errorf("neardup: logging: %w", err)
	}
	st.seq++
	return nil
}

// logRemove appends a remove record.
func (st *diskStore) logRemove(id string) error {
	b := append(st.buf[:0], recRemove)
	b = binary.AppendUvarint(b, st.seq+1)
	b = appendString(b, id)
	st.buf = b
	if err := st.log.Append(b); err != nil {
		return fmt.Errorf("neardup: logging: %w", err)
	}
	st.seq++
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendDoc encodes a document record (after its kind byte). Links are
// written only when withLinks is set (log records; snapshots keep clusters
// apart).
func (d *Detector) appendDoc(b []byte, rec *docRecord, withLinks bool) []byte {
	b = binary.AppendUvarint(b, rec.seq)
	b = appendString(b, rec.id)
	b = binary.AppendVarint(b, rec.time)
	b = binary.AppendUvarint(b, uint64(rec.size))
	b = binary.LittleEndian.AppendUint64(b, rec.simhash)
	b = append(b, rec.sig8...)
	for _, k := range rec.keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	if withLinks {
		b = binary.AppendUvarint(b, uint64(len(rec.links)))
		for _, l := range rec.links {
			b = appendString(b, l.aID)
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(l.jaccard))
		}
	}
	if d.opt.KeepShingles {
		b = appendSet(b, rec.set)
	}
	if d.opt.Passages {
		// Passage format 2: the token hashes and offsets; shingles and
		// fingerprints follow from the tokens.
		p := rec.pass
		b = binary.AppendUvarint(b, uint64(len(p.tokens)))
		for _, t := range p.tokens {
			b = binary.LittleEndian.AppendUint32(b, t)
		}
		b = append(b, p.offsets.b...)
	} else if d.fpOn {
		b = appendU64s(b, rec.fpKeys)
	}
	return b
}

func appendU64s(b []byte, v []uint64) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

// decoder reads a record, checking every length against what is left
// before allocating. The first problem sticks in err; reads after it return
// zero values.
type decoder struct {
	b   []byte
	err error
	// alias makes shingle sets views of b rather than copies: set when b
	// outlives the documents (a mapped snapshot).
	alias bool
}

func (r *decoder) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: bad %s", ErrCorrupt, what)
	}
	r.b = nil
}

func (r *decoder) uvarint(what string) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) varint(what string) int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) bytes(n uint64, what string) []byte {
	if n > uint64(len(r.b)) {
		r.fail(what)
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// count reads a length whose items take at least size bytes each.
func (r *decoder) count(size int, what string) int {
	n := r.uvarint(what)
	if n > uint64(len(r.b)/size) {
		r.fail(what)
		return 0
	}
	return int(n)
}

func (r *decoder) u64(what string) uint64 {
	if b := r.bytes(8, what); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *decoder) u32(what string) uint32 {
	if b := r.bytes(4, what); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *decoder) str(what string) string {
	return string(r.bytes(r.uvarint(what), what))
}

func (r *decoder) u64s(what string) []uint64 {
	n := r.count(8, what)
	b := r.bytes(uint64(8*n), what)
	if r.err != nil {
		return nil
	}
	v := make([]uint64, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return v
}

// decodeDoc decodes a document record (after its kind byte) and checks it
// against the detector's parameters, so that nothing built from it can go
// out of range later.
func (d *Detector) decodeDoc(r *decoder, withLinks bool) (*docRecord, []string) {
	rec := &docRecord{}
	rec.seq = r.uvarint("sequence number")
	rec.id = r.str("id")
	rec.time = r.varint("time")
	size := r.uvarint("size")
	if size > math.MaxInt32 {
		r.fail("size")
	}
	rec.size = int32(size)
	rec.simhash = r.u64("simhash")
	rec.sig8 = append([]uint8(nil), r.bytes(uint64(d.opt.K), "signature")...)
	kb := r.bytes(uint64(4*d.lshp.Bands), "band keys")
	if r.err == nil {
		rec.keys = make([]uint32, d.lshp.Bands)
		for i := range rec.keys {
			rec.keys[i] = binary.LittleEndian.Uint32(kb[4*i:])
		}
	}
	var linkIDs []string
	if withLinks {
		n := r.count(5, "links")
		for range n {
			linkIDs = append(linkIDs, r.str("link"))
			rec.links = append(rec.links, link{jaccard: math.Float32frombits(r.u32("link score"))})
		}
	}
	if d.opt.KeepShingles {
		rec.set = r.set("shingle set")
		if r.err == nil && rec.set.len() != int(rec.size) {
			r.fail("shingle set size")
		}
	}
	switch {
	case d.opt.Passages && d.legacyPass:
		n := r.count(8, "fingerprints") // selected again from the tokens
		r.bytes(uint64(8*n), "fingerprints")
		if r.err == nil {
			rec.pass = d.decodePass(r, true)
		}
	case d.opt.Passages:
		if r.err == nil {
			rec.pass = d.decodePass(r, false)
		}
	case d.fpOn:
		rec.fpKeys = r.u64s("fingerprints")
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("record length")
	}
	if rec.id == "" && r.err == nil {
		r.fail("id")
	}
	return rec, linkIDs
}

// decodePass reads the passage data of a record: in passage format 2 the
// token hashes and offsets, in format 1 (legacy) also the word shingles
// and the fingerprints, which are checked and dropped (the tokens give
// the passage shingles and fingerprints of format 2).
func (d *Detector) decodePass(r *decoder, legacy bool) *passDoc {
	p := &passDoc{}
	nt := r.count(4, "tokens")
	tb := r.bytes(uint64(4*nt), "tokens")
	if r.err != nil {
		return nil
	}
	p.tokens = make([]uint32, nt)
	for i := range p.tokens {
		p.tokens[i] = binary.LittleEndian.Uint32(tb[4*i:])
	}
	if legacy {
		ns := r.count(8, "shingles")
		r.bytes(uint64(8*ns), "shingles")
		if r.err == nil && ns != shingle.Count(nt, passage.ShingleSize) {
			r.fail("shingle count")
		}
		nf := r.count(9, "passage fingerprints")
		for range nf {
			r.u64("fingerprint")
			if pos := r.uvarint("fingerprint position"); pos >= uint64(ns) {
				r.fail("fingerprint position")
			}
		}
	}
	if r.err != nil || uint64(len(r.b)) < uint64(2*nt) {
		r.fail("token offsets")
		return nil
	}
	// Validate the offsets, then keep their encoding as it is.
	from := r.b
	prev := uint64(0)
	for range nt {
		s := prev + r.uvarint("token offset")
		e := s + r.uvarint("token length")
		if e > math.MaxUint32 || e < prev {
			r.fail("token offset")
		}
		prev = e
	}
	if r.err != nil {
		return nil
	}
	enc := from[:len(from)-len(r.b)]
	p.offsets = packedOffsets(enc, nt)
	return p
}

// replay applies one log record unless it is covered by the snapshot, and
// returns its sequence number. Open holds no lock: nothing else can see d.
func (d *Detector) replay(p []byte, lastSeq uint64) (uint64, error) {
	if len(p) == 0 {
		return 0, fmt.Errorf("%w: empty record", ErrCorrupt)
	}
	r := &decoder{b: p[1:]}
	switch p[0] {
	case recAdd:
		rec, linkIDs := d.decodeDoc(r, true)
		if r.err != nil {
			return 0, r.err
		}
		if rec.seq <= lastSeq {
			return rec.seq, nil
		}
		if _, dup := d.byID[rec.id]; dup {
			return 0, fmt.Errorf("%w: record %d adds %q twice", ErrCorrupt, rec.seq, rec.id)
		}
		for i, id := range linkIDs {
			num, ok := d.byID[id]
			if !ok {
				return 0, fmt.Errorf("%w: record %d links to unknown %q", ErrCorrupt, rec.seq, id)
			}
			rec.links[i].a, rec.links[i].aID = num, d.docs.get(num).id
		}
		d.insertLocked(rec, false)
		return rec.seq, nil
	case recRemove:
		seq := r.uvarint("sequence number")
		id := r.str("id")
		if r.err == nil && len(r.b) != 0 {
			r.fail("record length")
		}
		if r.err != nil {
			return 0, r.err
		}
		if seq <= lastSeq {
			return seq, nil
		}
		num, ok := d.byID[id]
		if !ok {
			return 0, fmt.Errorf("%w: record %d removes unknown %q", ErrCorrupt, seq, id)
		}
		if err := d.removeLocked(num); err != nil {
			return 0, fmt.Errorf("%w: record %d: %w", ErrCorrupt, seq, err)
		}
		d.compactLocked()
		return seq, nil
	}
	return 0, fmt.Errorf("%w: unknown record kind %q", ErrCorrupt, p[0])
}

// deadNum stands for a removed document in the links of a loaded version 1
// snapshot.
const deadNum = math.MaxUint32

// writeSnapshot writes the body of a version 1 snapshot: the sequence
// number it covers, the latest time, every indexed document in number
// order, then the clusters. Snapshot no longer writes it; it stays for the
// tests and benchmarks of the version 1 reader.
func (d *Detector) writeSnapshot(w io.Writer) error {
	t := &d.docs
	var b []byte
	b = binary.AppendUvarint(b, d.store.seq)
	b = binary.AppendVarint(b, d.newest)
	b = binary.AppendUvarint(b, uint64(d.live))
	idx := make(map[uint32]uint64, d.live) // document number -> position in the snapshot
	var rec docRecord
	var body []byte
	flush := func() error {
		_, err := w.Write(b)
		b = b[:0]
		return err
	}
	for i := range t.len() {
		if !t.entry(i).alive {
			continue
		}
		idx[t.base+uint32(i)] = uint64(len(idx))
		rec = t.record(i)
		body = d.appendDoc(body[:0], &rec, false)
		b = binary.AppendUvarint(b, uint64(len(body)))
		b = append(b, body...)
		if len(b) > 1<<20 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(d.clusters)))
	ref := func(num uint32) uint64 {
		if i, ok := idx[num]; ok && d.docs.has(num) {
			return i + 1
		}
		return 0
	}
	for _, cs := range d.clusters {
		b = binary.AppendUvarint(b, uint64(len(cs.members)))
		for _, m := range cs.members {
			b = binary.AppendUvarint(b, idx[m])
		}
		b = binary.AppendUvarint(b, uint64(len(cs.links)))
		for _, l := range cs.links {
			b = binary.AppendUvarint(b, ref(l.a))
			b = appendString(b, l.aID)
			b = binary.AppendUvarint(b, ref(l.b))
			b = appendString(b, l.bID)
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(l.jaccard))
		}
	}
	return flush()
}

// loadSnapshot reads a version 1 snapshot body into the empty detector d:
// documents get the numbers 0, 1, … in snapshot order.
func (d *Detector) loadSnapshot(rd io.Reader, lastSeq *uint64, rec *Recovery) error {
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	r := &decoder{b: data}
	*lastSeq = r.uvarint("sequence number")
	newest := r.varint("latest time")
	n := r.count(1, "document count")
	// Size the tables once: no rehash while loading.
	d.lsh.Grow(n)
	d.byID = make(map[string]uint32, n)
	for range n {
		body := r.bytes(r.uvarint("document length"), "document")
		if r.err != nil {
			return r.err
		}
		dr := &decoder{b: body}
		doc, _ := d.decodeDoc(dr, false)
		if dr.err != nil {
			return dr.err
		}
		if _, dup := d.byID[doc.id]; dup {
			return fmt.Errorf("%w: snapshot holds %q twice", ErrCorrupt, doc.id)
		}
		d.insertLocked(doc, false)
	}
	nc := r.count(1, "cluster count")
	for range nc {
		nm := r.count(1, "cluster members")
		if nm == 0 {
			r.fail("empty cluster")
		}
		cs := &clusterState{}
		for range nm {
			m := r.uvarint("cluster member")
			if m >= uint64(n) || (len(cs.members) > 0 && uint32(m) <= cs.members[len(cs.members)-1]) {
				r.fail("cluster member")
				break
			}
			cs.members = append(cs.members, uint32(m))
		}
		nl := r.count(4, "cluster links")
		for range nl {
			var l link
			l.a = d.snapRef(r.uvarint("link end"), n, r)
			l.aID = r.str("link id")
			l.b = d.snapRef(r.uvarint("link end"), n, r)
			l.bID = r.str("link id")
			l.jaccard = math.Float32frombits(r.u32("link score"))
			cs.links = append(cs.links, l)
		}
		if r.err != nil {
			return r.err
		}
		if _, err := d.installCluster(cs); err != nil {
			return err
		}
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("snapshot length")
	}
	if r.err != nil {
		return r.err
	}
	d.newest = max(d.newest, newest)
	rec.SnapshotDocs = n
	return nil
}

// installCluster records the cluster cs read from a snapshot (members
// checked to be documents, in increasing order) under its ID, the first
// member's number plus one, and returns the ID. Overlapping clusters are
// ErrCorrupt.
func (d *Detector) installCluster(cs *clusterState) (uint32, error) {
	id := cs.members[0] + 1
	if d.clusters[id] != nil {
		return 0, fmt.Errorf("%w: clusters overlap", ErrCorrupt)
	}
	for _, m := range cs.members {
		e := d.docs.get(m)
		if e.cluster != 0 {
			return 0, fmt.Errorf("%w: document in two clusters", ErrCorrupt)
		}
		e.cluster = id
	}
	d.clusters[id] = cs
	return id, nil
}

// snapRef turns a snapshot link end (position + 1, or 0 for a removed
// document) into a document number.
func (d *Detector) snapRef(v uint64, n int, r *decoder) uint32 {
	if v == 0 {
		return deadNum
	}
	if v > uint64(n) {
		r.fail("link end")
		return deadNum
	}
	return uint32(v - 1)
}

// writeSnapshotV2 writes the body of a version 2 snapshot (see
// FormatVersion). Document numbers are kept, so the LSH band tables are
// written as they are.
func (d *Detector) writeSnapshotV2(w io.Writer) error {
	t := &d.docs
	// Leave out the removed documents at the front; base+f stays a valid
	// document number.
	f := 0
	for f < t.len() && !t.entry(f).alive && uint64(t.base)+uint64(f) < math.MaxUint32 {
		f++
	}
	var b []byte
	b = binary.AppendUvarint(b, d.store.seq)
	b = binary.AppendVarint(b, d.newest)
	b = binary.AppendUvarint(b, uint64(t.base)+uint64(f))
	b = binary.AppendUvarint(b, uint64(t.len()-f))
	b = binary.AppendUvarint(b, uint64(d.live))
	flush := func() error {
		_, err := w.Write(b)
		b = b[:0]
		return err
	}
	var rec docRecord
	var body []byte
	for i := f; i < t.len(); i++ {
		if !t.entry(i).alive {
			b = append(b, 0)
			continue
		}
		rec = t.record(i)
		body = d.appendDoc(body[:0], &rec, false) // never empty: it holds the ID
		b = binary.AppendUvarint(b, uint64(len(body)))
		b = append(b, body...)
		if len(b) > 1<<20 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	// Clusters in the order of their first member, so that equal states
	// give equal files.
	cs := make([]*clusterState, 0, len(d.clusters))
	for _, c := range d.clusters {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(x, y *clusterState) int { return int(int64(x.members[0]) - int64(y.members[0])) })
	b = binary.AppendUvarint(b, uint64(len(cs)))
	for _, c := range cs {
		b = binary.AppendUvarint(b, uint64(len(c.members)))
		for _, m := range c.members {
			b = binary.AppendUvarint(b, uint64(m))
		}
		b = binary.AppendUvarint(b, uint64(len(c.links)))
		for _, l := range c.links {
			b = binary.AppendUvarint(b, d.linkEnd(l.a))
			b = appendString(b, l.aID)
			b = binary.AppendUvarint(b, d.linkEnd(l.b))
			b = appendString(b, l.bID)
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(l.jaccard))
		}
		if len(b) > 1<<20 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	_, err := d.lsh.WriteTo(w)
	return err
}

// loadSnapshotData reads a version 2 snapshot body into the empty
// detector d: documents keep their numbers and the LSH band tables are
// loaded. With alias, the shingle sets are views of data, which must then
// outlive them (Open passes the mapped snapshot).
func (d *Detector) loadSnapshotData(data []byte, alias bool, lastSeq *uint64, rec *Recovery) error {
	r := &decoder{b: data}
	*lastSeq = r.uvarint("sequence number")
	newest := r.varint("latest time")
	base := r.uvarint("first document number")
	n := r.count(1, "slot count")
	live := r.uvarint("live count")
	if r.err == nil && (base > math.MaxUint32 || base+uint64(n) > 1<<32) {
		r.fail("document numbers")
	}
	if r.err == nil && live > uint64(n) {
		r.fail("live count")
	}
	if r.err != nil {
		return r.err
	}
	end := base + uint64(n) // one past the last number of the snapshot
	d.resetDocs()
	t := &d.docs
	t.base = uint32(base)
	d.byID = make(map[string]uint32, live)
	d.byTime.h = make([]timeEntry, 0, live)
	indexed := uint64(0) // live documents in the LSH tables (size > 0)
	for range n {
		length := r.uvarint("document length")
		if length == 0 {
			t.push(docEntry{}, nil, nil, nil, nil, nil) // a removed document
			continue
		}
		body := r.bytes(length, "document")
		if r.err != nil {
			return r.err
		}
		dr := &decoder{b: body, alias: alias}
		doc, _ := d.decodeDoc(dr, false)
		if dr.err != nil {
			return dr.err
		}
		if doc.size > 0 {
			indexed++
		}
		if !d.loadDocLocked(doc) {
			return fmt.Errorf("%w: snapshot holds %q twice", ErrCorrupt, doc.id)
		}
	}
	if uint64(d.live) != live {
		return fmt.Errorf("%w: snapshot holds %d documents, says %d", ErrCorrupt, d.live, live)
	}
	nc := r.count(1, "cluster count")
	for range nc {
		nm := r.count(1, "cluster members")
		if nm == 0 {
			r.fail("empty cluster")
		}
		cs := &clusterState{members: make([]uint32, 0, nm)}
		for range nm {
			m := r.uvarint("cluster member")
			if m < base || m >= end || !t.has(uint32(m)) ||
				(len(cs.members) > 0 && uint32(m) <= cs.members[len(cs.members)-1]) {
				r.fail("cluster member")
				break
			}
			cs.members = append(cs.members, uint32(m))
		}
		nl := r.count(8, "cluster links")
		cs.links = make([]link, 0, nl)
		for range nl {
			var l link
			a := r.uvarint("link end")
			l.aID = r.str("link id")
			b := r.uvarint("link end")
			l.bID = r.str("link id")
			l.jaccard = math.Float32frombits(r.u32("link score"))
			if a > end || b > end || a != 0 && b != 0 && a >= b {
				r.fail("link ends")
			}
			l.a, l.b = uint32(a-1), uint32(b-1) // 0 - 1 is deadNum
			cs.links = append(cs.links, l)
		}
		if r.err != nil {
			return r.err
		}
		id, err := d.installCluster(cs)
		if err != nil {
			return err
		}
		// A link has an indexed end, and its indexed ends are members.
		for _, l := range cs.links {
			ha, hb := t.has(l.a), t.has(l.b)
			if !ha && !hb || ha && t.get(l.a).cluster != id || hb && t.get(l.b).cluster != id {
				return fmt.Errorf("%w: bad cluster link", ErrCorrupt)
			}
		}
	}
	if r.err != nil {
		return r.err
	}
	br := bytes.NewReader(r.b)
	lsh, err := index.ReadLSH(br, d.lshp)
	if err != nil {
		return fmt.Errorf("%w: LSH tables: %w", ErrCorrupt, err)
	}
	// The tables may name only documents of the snapshot (the detector
	// looks up every candidate in its table), each in a band at most once.
	if lo, hi, postings, ok := lsh.DocRange(); ok &&
		(uint64(lo) < base || uint64(hi) >= end || postings > indexed*uint64(d.lshp.Bands)) {
		return fmt.Errorf("%w: LSH tables name documents %d to %d (%d postings), snapshot holds %d to %d (%d indexed)",
			ErrCorrupt, lo, hi, postings, base, end, indexed)
	}
	if br.Len() != 0 {
		return fmt.Errorf("%w: %d bytes after the LSH tables", ErrCorrupt, br.Len())
	}
	d.lsh = lsh
	d.newest = max(d.newest, newest)
	rec.SnapshotDocs = d.live
	return nil
}

// linkEnd encodes a link end for a version 2 snapshot: the document number
// + 1, removed documents' included (the numbers order the links when
// clusters merge), or 0 for deadNum, the removed document of unknown number
// of a version 1 snapshot.
func (d *Detector) linkEnd(num uint32) uint64 {
	if num == deadNum && !d.docs.has(num) {
		return 0
	}
	return uint64(num) + 1
}

// loadDocLocked indexes the snapshot document rec under the next document
// number, as insertLocked does, except for the LSH tables, which are loaded
// whole, and the clusters, which are loaded afterwards. rec's slices are
// kept. It reports false when rec's ID was taken already (the snapshot is
// damaged and d is to be dropped).
func (d *Detector) loadDocLocked(rec *docRecord) bool {
	num := uint32(d.docs.next())
	if rec.size > 0 && d.sims != nil {
		d.sims.Add(num, rec.simhash)
	}
	if d.fpOn {
		d.addFingerprints(rec, num)
	}
	d.docs.push(docEntry{id: rec.id, size: rec.size, alive: true, simhash: rec.simhash, time: rec.time},
		rec.sig8, rec.keys, rec.set, rec.fpKeys, rec.pass)
	n := len(d.byID)
	d.byID[rec.id] = num
	d.idPeak = max(d.idPeak, len(d.byID))
	d.live++
	d.byTime.push(rec.time, num)
	d.newest = max(d.newest, rec.time)
	return len(d.byID) > n
}
