package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/neardup/neardup/internal/wal"
)

// ArticlesFile is the name of the article log in the service directory,
// next to the index's files.
const ArticlesFile = "articles.log"

// articleParams is the header params of the article log: it names the
// record format, so that a log of another format version is refused.
var articleParams = []byte("neardup-serve articles v1")

// Record types of the article log.
const (
	recAdd    = 1
	recDelete = 2
)

// verdict is what was decided for a document when it was added.
type verdict struct {
	Duplicate   bool
	Of          string
	Jaccard     float64
	Containment float64
	Reason      string // "duplicate" or "contained" when Duplicate
}

// article is one document the service holds. Its text stays in the log
// file and is read back on demand, so that the service's memory holds the
// index and this small record, not the texts.
type article struct {
	ID      string
	Seq     int       // order of addition, from 0
	Time    time.Time // the document's time (its "date", or when it came)
	Added   time.Time // when the service received it
	Verdict verdict
	off     int64 // offset of the text in the log file
	n       int   // text length in bytes
	hash    uint64
}

// articles is the service's durable record of the documents it holds:
// their texts, times and verdicts, in an append-only log. It is safe for
// concurrent use.
type articles struct {
	log *wal.Log
	f   *os.File // read side of the log, for the texts

	mu      sync.RWMutex
	byID    map[string]*article
	order   []*article // by Seq; deleted entries are nil
	live    int
	pending map[string]bool // IDs being added right now
	buf     []byte
}

// openArticles opens (or creates) the article log at path and reads it.
func openArticles(path string) (*articles, error) {
	a := &articles{byID: map[string]*article{}, pending: map[string]bool{}}
	off := wal.HeaderSize(articleParams)
	log, rep, err := wal.Open(path, articleParams, wal.Options{Sync: wal.SyncBatch}, func(p []byte) error {
		if err := a.replay(p, off); err != nil {
			return err
		}
		off += wal.FrameHeader + int64(len(p))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if off != rep.Bytes {
		log.Close()
		return nil, fmt.Errorf("%s: %w: records end at %d, log at %d", path, ErrCorrupt, off, rep.Bytes)
	}
	a.log = log
	if a.f, err = os.Open(path); err != nil {
		log.Close()
		return nil, err
	}
	return a, nil
}

// ErrCorrupt reports an article log whose records cannot be decoded.
var ErrCorrupt = errors.New("server: article log is corrupt")

// replay applies one record read from the log, whose payload starts at
// offset off+wal.FrameHeader of the file.
func (a *articles) replay(p []byte, off int64) error {
	if len(p) == 0 {
		return ErrCorrupt
	}
	switch p[0] {
	case recAdd:
		ar, textAt, err := decodeAdd(p)
		if err != nil {
			return err
		}
		ar.off = off + wal.FrameHeader + int64(textAt)
		if old := a.byID[ar.ID]; old != nil {
			return fmt.Errorf("%w: ID %q added twice", ErrCorrupt, ar.ID)
		}
		a.insert(ar)
	case recDelete:
		id, _, ok := readString(p[1:])
		if !ok {
			return ErrCorrupt
		}
		a.remove(id)
	default:
		return fmt.Errorf("%w: record type %d", ErrCorrupt, p[0])
	}
	return nil
}

func (a *articles) insert(ar *article) {
	ar.Seq = len(a.order)
	a.order = append(a.order, ar)
	a.byID[ar.ID] = ar
	a.live++
}

func (a *articles) remove(id string) bool {
	ar := a.byID[id]
	if ar == nil {
		return false
	}
	delete(a.byID, id)
	a.order[ar.Seq] = nil
	a.live--
	return true
}

// encodeAdd appends the add record of ar and text to dst, and returns the
// offset of the text in the record.
//
//	type 1 | id (uvarint length, bytes) | time, added (varint Unix ns) |
//	flags (bit 0 duplicate) | of (string) | reason (string) |
//	jaccard, containment (float64 bits, LE) | text hash (LE) | text (string)
func encodeAdd(dst []byte, ar *article, text []byte) ([]byte, int) {
	dst = append(dst, recAdd)
	dst = appendString(dst, ar.ID)
	dst = binary.AppendVarint(dst, ar.Time.UnixNano())
	dst = binary.AppendVarint(dst, ar.Added.UnixNano())
	var flags byte
	if ar.Verdict.Duplicate {
		flags = 1
	}
	dst = append(dst, flags)
	dst = appendString(dst, ar.Verdict.Of)
	dst = appendString(dst, ar.Verdict.Reason)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(ar.Verdict.Jaccard))
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(ar.Verdict.Containment))
	dst = binary.LittleEndian.AppendUint64(dst, ar.hash)
	dst = binary.AppendUvarint(dst, uint64(len(text)))
	at := len(dst)
	return append(dst, text...), at
}

func decodeAdd(p []byte) (*article, int, error) {
	ar := &article{}
	q := p[1:]
	var ok bool
	bad := func(what string) (*article, int, error) {
		return nil, 0, fmt.Errorf("%w: bad %s in an add record", ErrCorrupt, what)
	}
	if ar.ID, q, ok = readString(q); !ok || ar.ID == "" {
		return bad("ID")
	}
	t, n := binary.Varint(q)
	if n <= 0 {
		return bad("time")
	}
	q = q[n:]
	added, n := binary.Varint(q)
	if n <= 0 {
		return bad("time")
	}
	q = q[n:]
	ar.Time, ar.Added = time.Unix(0, t).UTC(), time.Unix(0, added).UTC()
	if len(q) < 1 || q[0] > 1 {
		return bad("flags")
	}
	ar.Verdict.Duplicate = q[0] == 1
	q = q[1:]
	if ar.Verdict.Of, q, ok = readString(q); !ok {
		return bad("verdict")
	}
	if ar.Verdict.Reason, q, ok = readString(q); !ok {
		return bad("verdict")
	}
	if len(q) < 24 {
		return bad("verdict")
	}
	ar.Verdict.Jaccard = math.Float64frombits(binary.LittleEndian.Uint64(q))
	ar.Verdict.Containment = math.Float64frombits(binary.LittleEndian.Uint64(q[8:]))
	ar.hash = binary.LittleEndian.Uint64(q[16:])
	q = q[24:]
	l, n := binary.Uvarint(q)
	if n <= 0 || l != uint64(len(q)-n) {
		return bad("text length")
	}
	ar.n = int(l)
	return ar, len(p) - int(l), nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func readString(p []byte) (string, []byte, bool) {
	l, n := binary.Uvarint(p)
	if n <= 0 || l > uint64(len(p)-n) {
		return "", nil, false
	}
	return string(p[n : n+int(l)]), p[n+int(l):], true
}

// reserve marks id as being added, so that two requests adding one ID at
// once do not both add it. It returns the stored article when id is
// already held, or busy when another request is adding it.
func (a *articles) reserve(id string) (stored *article, busy bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ar := a.byID[id]; ar != nil {
		return ar, false
	}
	if a.pending[id] {
		return nil, true
	}
	a.pending[id] = true
	return nil, false
}

// release ends a reservation that added nothing.
func (a *articles) release(id string) {
	a.mu.Lock()
	delete(a.pending, id)
	a.mu.Unlock()
}

// add writes the add record of a reserved ID and ends the reservation.
// The record is durable once sync has returned.
func (a *articles) add(ar *article, text []byte) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.pending, ar.ID)
	var at int
	a.buf, at = encodeAdd(a.buf[:0], ar, text)
	base := a.log.Size()
	if err := a.log.Append(a.buf); err != nil {
		return err
	}
	ar.off, ar.n = base+wal.FrameHeader+int64(at), len(text)
	a.insert(ar)
	if cap(a.buf) > 1<<20 {
		a.buf = nil
	}
	return nil
}

// delete writes a delete record for id; false when id is not held.
func (a *articles) delete(id string) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.byID[id] == nil {
		return false, nil
	}
	rec := appendString([]byte{recDelete}, id)
	if err := a.log.Append(rec); err != nil {
		return false, err
	}
	a.remove(id)
	return true, nil
}

func (a *articles) sync() error { return a.log.Sync() }

// get returns the article with id, or nil.
func (a *articles) get(id string) *article {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.byID[id]
}

// text reads an article's text from the log.
func (a *articles) text(ar *article) ([]byte, error) {
	b := make([]byte, ar.n)
	if _, err := a.f.ReadAt(b, ar.off); err != nil {
		return nil, fmt.Errorf("reading the text of %q: %w", ar.ID, err)
	}
	return b, nil
}

// recent returns up to n live articles added before seq (all when seq < 0),
// newest first, and the Seq to pass for the next page (-1 at the end).
func (a *articles) recent(before, n int) ([]*article, int) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if before < 0 || before > len(a.order) {
		before = len(a.order)
	}
	var out []*article
	i := before - 1
	for ; i >= 0 && len(out) < n; i-- {
		if ar := a.order[i]; ar != nil {
			out = append(out, ar)
		}
	}
	next := -1
	for ; i >= 0; i-- {
		if a.order[i] != nil {
			next = i + 1
			break
		}
	}
	return out, next
}

// len returns the number of live articles.
func (a *articles) len() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.live
}

// all returns the live articles in the order they were added.
func (a *articles) all() []*article {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]*article, 0, a.live)
	for _, ar := range a.order {
		if ar != nil {
			out = append(out, ar)
		}
	}
	return out
}

func (a *articles) close() error {
	err := a.log.Close()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	return err
}
