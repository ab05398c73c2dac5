package neardup

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/simhash"
)

// Stage is the dedup step of a pipeline: for each incoming document it
// decides "new" or "duplicate of X" against a Store, and records the
// document in it. Several Stages (in one process or on several machines)
// may share one Store: because Store.Insert checks and inserts atomically,
// of several near-identical documents arriving at once exactly one is
// decided new.
//
// Signing (normalization, shingles, MinHash, band keys) runs in the
// calling goroutine; verification uses the b-bit signatures the store
// returns, with the store's Options.Threshold. A Stage is safe for
// concurrent use by multiple goroutines.
type Stage struct {
	store Store
	opt   Options
	lsh   *index.LSH // empty: computes band keys
	pool  sync.Pool  // *stageWork
}

type stageWork struct {
	signer *Signer
	sig    []uint8
	keys   []uint32
}

// NewStage returns a Stage on s, signing with s.Options().
func NewStage(s Store) (*Stage, error) {
	opt, _, lsh, err := newLSH(s.Options())
	if err != nil {
		return nil, err
	}
	st := &Stage{store: s, opt: opt, lsh: lsh}
	st.pool.New = func() any { return &stageWork{signer: newLimitedSigner(opt)} }
	return st, nil
}

// Decision is what a Stage decides for one document.
type Decision struct {
	// New tells that no document inserted before this one matched it.
	New bool
	// Of is the ID of the best match when New is false.
	Of string
	// Score is the estimated Jaccard similarity with Of.
	Score float64
	// Matches are the earlier documents whose estimated Jaccard similarity
	// reaches Options.Threshold, most similar first (ties: earliest first).
	Matches []Match
	// Existing tells that the ID had been inserted before (a retry): the
	// decision is recomputed from the candidates stored then.
	Existing bool
	// Capped is the number of bands in which the document was left out of
	// a full bucket (Options.BucketCap).
	Capped int
}

// entry completes the signing of the text tokenized in w and fills e with
// the entry of document id at time t. The slices of e belong to w.
func (st *Stage) entry(w *stageWork, id string, t time.Time, e *Entry) {
	w.signer.summarize(nil)
	sk := &w.signer.sketch
	*e = Entry{ID: id, Time: t, Size: int32(sk.MinHash.Size), SimHash: sk.SimHash}
	if sk.MinHash.Size == 0 {
		return
	}
	w.sig = w.sig[:0]
	for _, v := range sk.MinHash.Values {
		w.sig = append(w.sig, uint8(v))
	}
	w.keys, _ = st.lsh.AppendKeys(w.keys[:0], sk.MinHash.Values)
	e.Sig, e.Keys = w.sig, w.keys
}

// Add signs text, inserts document id with time t into the store and
// decides whether an earlier document duplicates it. On error (an empty
// ID, a store failure, a cancelled ctx) the decision is empty; whether the
// document was inserted then depends on the store (see Store.Insert), and
// calling Add again with the same ID is safe.
func (st *Stage) Add(ctx context.Context, id string, text []byte, t time.Time) (Decision, error) {
	w := st.pool.Get().(*stageWork)
	defer st.pool.Put(w)
	w.signer.tokenize(text)
	return st.add(ctx, w, id, t)
}

// AddString is Add for a string text.
func (st *Stage) AddString(ctx context.Context, id, text string, t time.Time) (Decision, error) {
	w := st.pool.Get().(*stageWork)
	defer st.pool.Put(w)
	w.signer.tokenizeString(text)
	return st.add(ctx, w, id, t)
}

func (st *Stage) add(ctx context.Context, w *stageWork, id string, t time.Time) (Decision, error) {
	if id == "" {
		return Decision{}, ErrEmptyID
	}
	if err := w.signer.sizeErr(); err != nil {
		return Decision{}, err
	}
	var e Entry
	st.entry(w, id, t, &e)
	ins, err := st.store.Insert(ctx, &e)
	if err != nil {
		return Decision{}, err
	}
	dec := Decision{Existing: ins.Existing, Capped: ins.Capped}
	dec.Matches = st.verify(&e, ins.Candidates)
	dec.New = len(dec.Matches) == 0
	if !dec.New {
		dec.Of, dec.Score = dec.Matches[0].ID, dec.Matches[0].Jaccard
	}
	return dec, nil
}

// verify returns the candidates that match e, best first. On a retry the
// entry's own signature is the stored one's only if the text is the same;
// it is the caller's text that is compared.
func (st *Stage) verify(e *Entry, cands []Candidate) []Match {
	if e.Size == 0 {
		return nil
	}
	var out []Match
	lo := int64(0)
	if st.opt.Window > 0 {
		lo = e.Time.UnixNano() - int64(st.opt.Window)
	}
	for _, c := range cands {
		if c.Size <= 0 || len(c.Sig) != len(e.Sig) || c.ID == e.ID {
			continue
		}
		if st.opt.Window > 0 && c.Time.UnixNano() < lo {
			continue // out of the window; a store may keep it a little longer
		}
		j := sigJaccard(e.Sig, c.Sig)
		if j < st.opt.Threshold {
			continue
		}
		m := Match{ID: c.ID, Jaccard: j, Hamming: simhash.Distance(e.SimHash, c.SimHash)}
		a, b := float64(e.Size), float64(c.Size)
		m.setContainment(j*(a+b)/(1+j), a, b)
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(x, y Match) int { return cmp.Compare(y.Jaccard, x.Jaccard) })
	return out
}

// Store returns the Stage's store.
func (st *Stage) Store() Store { return st.store }

// SignEntry returns the entry that a Stage on a store with options opt
// inserts for document id with text and time t. The entry owns its
// slices. It is for callers that talk to a Store directly; a Stage reuses
// its buffers and is faster.
func SignEntry(opt Options, id string, text []byte, t time.Time) (*Entry, error) {
	st, err := NewStage(optionsStore(opt))
	if err != nil {
		return nil, err
	}
	w := st.pool.Get().(*stageWork)
	w.signer.tokenize(text)
	if err := w.signer.sizeErr(); err != nil {
		return nil, err
	}
	var e Entry
	st.entry(w, id, t, &e)
	e.Keys, e.Sig = slices.Clone(e.Keys), slices.Clone(e.Sig)
	return &e, nil
}

// optionsStore is a Store of which only Options is used.
type optionsStore Options

func (o optionsStore) Options() Options { return Options(o) }

func (o optionsStore) Insert(context.Context, *Entry) (Inserted, error) {
	return Inserted{}, ErrUnsupported
}
