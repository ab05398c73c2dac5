package neardup

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"
)

// Store is an index of document signatures that a Stage checks incoming
// documents against and inserts them into. A *Detector (New or Open) is
// the embedded Store; package github.com/neardup/neardup/redisstore (a
// module of its own) keeps one Store on a Redis server for several
// processes.
//
// Implementations must be safe for concurrent use, and Insert must be
// atomic: it finds the candidates of an entry among the entries inserted
// before it and inserts it in one indivisible step, so that of two
// identical entries inserted at the same moment (by two goroutines or two
// machines) exactly one is inserted first and the other finds it. The
// package storetest holds the conformance tests every implementation
// passes.
type Store interface {
	// Options returns the options the store's entries are computed with
	// (defaults filled in). A Stage signs documents with them.
	Options() Options

	// Insert looks up the entries that share an LSH band key with e and
	// were inserted before it, then inserts e, atomically. When an entry
	// with e.ID is already stored, Insert changes nothing and reports it
	// (Inserted.Existing) with the candidates it has then among the
	// entries inserted before that entry, so that a retry after a timeout
	// gets the first attempt's answer as long as its candidates are
	// stored. Entries older than the newest one seen minus Options.Window
	// may be dropped. A malformed entry gives an error wrapping ErrEntry;
	// the error of a failed Insert leaves the store as it was or with e
	// inserted, never with part of e.
	Insert(ctx context.Context, e *Entry) (Inserted, error)
}

// Entry is what a Store keeps of one document: its ID, its time and its
// signature summary. Stage computes entries from texts; the slices belong
// to the caller and are not retained by Insert.
type Entry struct {
	// ID identifies the document; it must not be empty.
	ID string
	// Time is the document's publication or arrival time.
	Time time.Time
	// Size is the number of distinct word shingles. An entry of size 0 (a
	// text without tokens) has no Keys nor Sig: it takes its ID and
	// matches nothing.
	Size int32
	// SimHash is the document's 64-bit SimHash.
	SimHash uint64
	// Keys are the LSH band keys (index.LSH.AppendKeys), one per band.
	Keys []uint32
	// Sig holds the low 8 bits of each of the K MinHash values (b-bit
	// MinHash).
	Sig []uint8
}

// Candidate is an entry found by Store.Insert: it shares an LSH band key
// with the inserted entry and was inserted before it.
type Candidate struct {
	ID      string
	Time    time.Time
	Size    int32
	SimHash uint64
	// Sig is the candidate's b-bit signature; it belongs to the caller.
	Sig []uint8
}

// Inserted is the outcome of Store.Insert.
type Inserted struct {
	// Existing tells that an entry with this ID was already stored: the
	// call changed nothing (an idempotent retry).
	Existing bool
	// Candidates are the stored entries inserted before this one that
	// share at least one band key with it, in insertion order.
	Candidates []Candidate
	// Capped is the number of bands whose bucket was full
	// (Options.BucketCap): the entry was checked against the bucket's
	// members but not added to it.
	Capped int
}

// Check reports, with an error wrapping ErrEntry, whether e is malformed
// for a store of K k and bands bands: an empty ID, a negative size, or
// band keys or a signature of the wrong length (none for size 0). Store
// implementations call it first in Insert.
func (e *Entry) Check(k, bands int) error {
	switch {
	case e == nil:
		return fmt.Errorf("%w: nil entry", ErrEntry)
	case e.ID == "":
		return fmt.Errorf("%w: %w", ErrEntry, ErrEmptyID)
	case e.Size < 0:
		return fmt.Errorf("%w: negative size", ErrEntry)
	case e.Size == 0 && (len(e.Keys) != 0 || len(e.Sig) != 0):
		return fmt.Errorf("%w: an entry of size 0 has no keys nor signature", ErrEntry)
	case e.Size > 0 && len(e.Keys) != bands:
		return fmt.Errorf("%w: %d band keys, want %d", ErrEntry, len(e.Keys), bands)
	case e.Size > 0 && len(e.Sig) != k:
		return fmt.Errorf("%w: signature of %d values, want %d", ErrEntry, len(e.Sig), k)
	}
	return nil
}

// entryVersion is the version of the entry encoding.
const entryVersion = 1

// AppendBinary appends the binary encoding of e to b: a version byte,
// then the ID, time, size, SimHash, band keys and signature. Stores that
// keep entries as bytes (redisstore) use it, so entries written by one
// release are read by the next.
func (e *Entry) AppendBinary(b []byte) ([]byte, error) {
	if e.Size < 0 || len(e.Keys) > math.MaxUint16 || len(e.Sig) > math.MaxUint16 {
		return b, fmt.Errorf("%w: cannot encode", ErrEntry)
	}
	b = append(b, entryVersion)
	b = appendString(b, e.ID)
	b = binary.AppendVarint(b, e.Time.UnixNano())
	b = binary.AppendUvarint(b, uint64(e.Size))
	b = binary.LittleEndian.AppendUint64(b, e.SimHash)
	b = binary.AppendUvarint(b, uint64(len(e.Keys)))
	for _, k := range e.Keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Sig)))
	return append(b, e.Sig...), nil
}

// MarshalBinary returns the encoding of e described at AppendBinary.
func (e *Entry) MarshalBinary() ([]byte, error) {
	return e.AppendBinary(nil)
}

// UnmarshalBinary decodes an entry encoded by AppendBinary into e. Bytes
// of another version, truncated or followed by anything give an error
// wrapping ErrCorrupt, and e is left unchanged. The decoded slices do not
// alias data.
func (e *Entry) UnmarshalBinary(data []byte) error {
	if len(data) == 0 || data[0] != entryVersion {
		return fmt.Errorf("%w: entry of an unknown version", ErrCorrupt)
	}
	r := &decoder{b: data[1:]}
	var x Entry
	x.ID = r.str("entry id")
	x.Time = time.Unix(0, r.varint("entry time"))
	size := r.uvarint("entry size")
	if size > math.MaxInt32 {
		r.fail("entry size")
	}
	x.Size = int32(size)
	x.SimHash = r.u64("entry simhash")
	nk := r.count(4, "entry keys")
	if nk > 0 {
		x.Keys = make([]uint32, nk)
		for i := range x.Keys {
			x.Keys[i] = r.u32("entry key")
		}
	}
	ns := r.count(1, "entry signature")
	if ns > 0 {
		x.Sig = slices.Clone(r.bytes(uint64(ns), "entry signature"))
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("entry length")
	}
	if r.err != nil {
		return r.err
	}
	*e = x
	return nil
}

// Insert implements Store: it indexes e, a document signed elsewhere (by a
// Stage or by Signer), after finding its candidates, all under the
// detector's lock, and logs it when the detector is persistent. It needs
// a detector whose options keep nothing an Entry lacks: with Passages,
// Containment, IgnoreBoilerplate or KeepShingles it fails with
// ErrUnsupported. The document joins the cluster of the candidates whose
// estimated Jaccard similarity reaches Options.Threshold, as with Add.
func (d *Detector) Insert(ctx context.Context, e *Entry) (Inserted, error) {
	if err := ctx.Err(); err != nil {
		return Inserted{}, err
	}
	if d.fpOn || d.opt.KeepShingles {
		return Inserted{}, fmt.Errorf("%w: Insert with Passages, Containment, IgnoreBoilerplate or KeepShingles", ErrUnsupported)
	}
	if err := e.Check(d.opt.K, d.lshp.Bands); err != nil {
		return Inserted{}, err
	}
	ws := d.pool.Get().(*workspace)
	defer d.pool.Put(ws)
	ins, err := d.insertEntry(e, ws)
	if err == nil && !ins.Existing && d.store != nil && d.opt.Durability == SyncEach {
		err = d.store.sync()
	}
	return ins, err
}

func (d *Detector) insertEntry(e *Entry, ws *workspace) (Inserted, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return Inserted{}, ErrClosed
	}
	if num, ok := d.byID[e.ID]; ok {
		ins := Inserted{Existing: true}
		if d.docs.get(num).size > 0 {
			ins.Candidates = d.entryCandidatesLocked(ws, d.docs.keys(num), num, nil, nil)
		}
		return ins, nil
	}
	if d.docs.next() > math.MaxUint32 {
		return Inserted{}, ErrFull
	}
	at := e.Time.UnixNano()
	if d.opt.Window > 0 {
		if err := d.evictLoggedLocked(max(d.newest, at) - int64(d.opt.Window)); err != nil {
			return Inserted{}, err
		}
	}
	var links []link
	var ins Inserted
	if e.Size > 0 {
		ins.Candidates = d.entryCandidatesLocked(ws, e.Keys, uint32(d.docs.next()), e.Sig, &links)
	}
	rec := docRecord{id: e.ID, time: at, size: e.Size, simhash: e.SimHash, sig8: e.Sig, keys: e.Keys, links: links}
	if e.Size == 0 {
		// The document table has a signature and keys for every document.
		rec.sig8, rec.keys = make([]uint8, d.opt.K), make([]uint32, d.lshp.Bands)
	}
	if d.store != nil {
		if err := d.store.logAdd(d, &rec); err != nil {
			return Inserted{}, err
		}
	}
	_, ins.Capped = d.insertLocked(&rec, true)
	if d.opt.Window > 0 {
		if err := d.evictLoggedLocked(d.newest - int64(d.opt.Window)); err != nil {
			return ins, err
		}
	}
	if d.store != nil {
		if err := d.store.maybeSnapshot(d); err != nil {
			return ins, err
		}
	}
	return ins, nil
}

// entryCandidatesLocked returns the live documents numbered below before
// that share a band key in keys. With sig set, the candidates whose
// estimated Jaccard similarity with sig reaches the threshold are appended
// to links.
func (d *Detector) entryCandidatesLocked(ws *workspace, keys []uint32, before uint32, sig []uint8, links *[]link) []Candidate {
	if len(keys) == 0 {
		return nil
	}
	d.lsh.CandidatesKeys(ws.cand, keys, 0)
	var out []Candidate
	it := ws.cand.Iterator()
	for it.HasNext() {
		c := it.Next()
		if c >= before {
			break
		}
		if !d.docs.has(c) {
			continue
		}
		de := d.docs.get(c)
		if de.size == 0 {
			continue
		}
		cs := d.docs.sig(c)
		out = append(out, Candidate{ID: de.id, Time: time.Unix(0, de.time), Size: de.size, SimHash: de.simhash, Sig: slices.Clone(cs)})
		if links != nil {
			if j := sigJaccard(sig, cs); j >= d.opt.Threshold {
				*links = append(*links, link{a: c, aID: de.id, jaccard: float32(j)})
			}
		}
	}
	return out
}

// CappedBuckets returns the number of times, since the detector was
// created or opened, that a document was left out of a full LSH bucket
// (Options.BucketCap).
func (d *Detector) CappedBuckets() uint64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.capped
}
