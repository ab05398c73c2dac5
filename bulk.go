package neardup

import (
	"errors"
	"iter"
	"runtime"
	"time"

	"github.com/neardup/neardup/internal/ordered"
)

// ErrSigned reports a Signed document passed to AddSigned or QuerySigned a
// second time, or to another detector than the one that signed it.
var ErrSigned = errors.New("neardup: signed document already used or from another detector")

// Signed is a document signed by Detector.Sign or SignString: normalized,
// shingled, MinHashed and SimHashed, with its LSH band keys, passage
// fingerprints and repeats, and the copies of what the index keeps of it.
// That is all the work of an Add that needs no shared state; AddSigned
// does the rest under the detector's lock.
//
// Signing and adding in two steps lets a program sign documents on many
// goroutines and add them in an order of its choosing (Detector.AddAll
// does so). A Signed is used once, by AddSigned or QuerySigned, which
// recycle its buffers; a Signed that is never used is simply garbage
// collected. It must not be used by several goroutines at once.
type Signed struct {
	d       *Detector
	ws      *workspace
	own     owned
	pending bool // the sketch waits for the index (IgnoreBoilerplate)
}

// Tokens returns the number of normalized tokens of the signed text, or -1
// once the Signed has been used.
func (s *Signed) Tokens() int {
	if s.ws == nil {
		return -1
	}
	return s.ws.signer.toks.Len()
}

// Sign signs text for AddSigned or QuerySigned. It is safe to call from
// many goroutines at once. With Options.IgnoreBoilerplate the sketch
// depends on the boilerplate fingerprints of the index, so that part of
// the work is left to AddSigned or QuerySigned. The text is not kept: the
// Signed holds only offsets into it.
func (d *Detector) Sign(text []byte) *Signed {
	ws := d.pool.Get().(*workspace)
	ws.signer.tokenize(text)
	return d.signed(ws)
}

// SignString is Sign for a string text.
func (d *Detector) SignString(text string) *Signed {
	ws := d.pool.Get().(*workspace)
	ws.signer.tokenizeString(text)
	return d.signed(ws)
}

func (d *Detector) signed(ws *workspace) *Signed {
	d.signFree(ws)
	if d.opt.IgnoreBoilerplate {
		return &Signed{d: d, ws: ws, pending: true}
	}
	return &Signed{d: d, ws: ws, own: d.own(ws)}
}

// take returns the workspace of s, its sketch complete, and marks s used.
func (s *Signed) take(d *Detector) (*workspace, error) {
	if s == nil || s.ws == nil || s.d != d {
		return nil, ErrSigned
	}
	ws := s.ws
	s.ws = nil
	if s.pending {
		d.signState(ws)
		s.own = d.own(ws)
	}
	return ws, nil
}

// AddSigned is AddAt for a document signed by Sign: it does only the part
// of an Add that needs the index (matching, passages, insertion). The
// results are those of AddAt on the same text at the same moment. s is
// used up, even when AddSigned fails (for instance with ErrDuplicateID);
// ErrSigned reports a Signed used twice or signed by another detector.
func (d *Detector) AddSigned(id string, s *Signed, t time.Time) (Result, error) {
	ws, err := s.take(d)
	if err != nil {
		return Result{}, err
	}
	defer d.pool.Put(ws)
	if id == "" {
		return Result{}, ErrEmptyID
	}
	if err := ws.signer.sizeErr(); err != nil {
		return Result{}, err
	}
	return d.addOwned(id, t.UnixNano(), ws, &s.own)
}

// AddSignedIf is AddSigned that indexes the document only if admit
// accepts its matches, in one atomic step: admit is called under the
// detector's lock with the Result's Matches (Passages are computed only for
// a document that is added), and must not call the detector. It reports
// whether the document was added; a document that is not added changes
// nothing, its ID stays free. It is the step of a deduplicating stage that
// keeps only documents that duplicate nothing kept before.
func (d *Detector) AddSignedIf(id string, s *Signed, t time.Time, admit func(*Result) bool) (Result, bool, error) {
	ws, err := s.take(d)
	if err != nil {
		return Result{}, false, err
	}
	defer d.pool.Put(ws)
	if id == "" {
		return Result{}, false, ErrEmptyID
	}
	if err := ws.signer.sizeErr(); err != nil {
		return Result{}, false, err
	}
	return d.addOwnedIf(id, t.UnixNano(), ws, &s.own, admit)
}

// QuerySigned is Query for a document signed by Sign. s is used up; it
// reports ErrSigned for a Signed used twice or signed by another detector.
func (d *Detector) QuerySigned(s *Signed) (Result, error) {
	ws, err := s.take(d)
	if err != nil {
		return Result{}, err
	}
	defer d.pool.Put(ws)
	if err := ws.signer.sizeErr(); err != nil {
		return Result{}, err
	}
	return d.queryLocked(ws), nil
}

// bulkWindow is the number of documents in flight per worker in AddAll:
// enough to keep every worker busy while the committing goroutine catches
// up, few enough that memory stays bounded by a few hundred signed
// documents.
const bulkWindow = 64

// AddAll adds the documents of docs, pairs of ID and text, and yields for
// each, in input order, the Result and error that AddString would have
// returned in a loop over docs: documents are signed on GOMAXPROCS
// goroutines, then added one at a time in input order, so the results
// (and the state of the detector) do not depend on the number of cores.
// Each document's time is the moment it is added.
//
// docs is iterated in a goroutine of its own. Stopping the loop over the
// results stops adding: the documents read ahead and not yet yielded are
// not added. Other goroutines may use the detector meanwhile; their
// documents are then interleaved with these as the lock decides.
func (d *Detector) AddAll(docs iter.Seq2[string, string]) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		type signedDoc struct {
			id string
			s  *Signed
		}
		type doc struct{ id, text string }
		in := func(yield func(doc) bool) {
			for id, text := range docs {
				if !yield(doc{id, text}) {
					return
				}
			}
		}
		workers := runtime.GOMAXPROCS(0)
		ordered.Run(workers, bulkWindow*workers, in,
			func(_ int, x doc) signedDoc { return signedDoc{x.id, d.SignString(x.text)} },
			func(y signedDoc) bool { return yield(d.AddSigned(y.id, y.s, time.Now())) })
	}
}

// Reserve makes room for n documents beyond those indexed, of about words
// normalized words in all (0 if unknown), so that adding them does not
// grow the index one rebuild after another (each rebuild, under the lock,
// copies a whole table): a caller that knows about how much is coming,
// such as a bulk load, saves that time. The LSH tables are sized for the
// documents; with a fingerprint index (Passages, Containment or
// IgnoreBoilerplate) and words > 0, the fingerprint postings too, at the
// density of winnowing (about 2 fingerprints per Passage.Window()+1
// shingles). Estimates are fine: too low leaves some growth, too high
// costs about 9 bytes per band and document and 21 bytes per fingerprint.
// Values ≤ 0 do nothing.
func (d *Detector) Reserve(n, words int) {
	if n <= 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lsh.Grow(d.live + n)
	if d.fpOn && words > 0 {
		fps := float64(words) * 2 / float64(d.opt.Passage.Window()+1)
		d.fpIndex.Grow(d.fpIndex.Len() + int(fps*1.1)) // a margin: dense or short texts have more
	}
}
