package neardup

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/simhash"
)

// Match is one indexed document similar to the document added or queried.
type Match struct {
	// ID is the matching document's ID.
	ID string
	// Jaccard is the Jaccard similarity of the two documents' word-shingle
	// sets: exact when Exact is true, otherwise estimated from the MinHash
	// signatures.
	Jaccard float64
	// Exact tells whether Jaccard, Contained and Contains were computed from
	// the shingle sets (Options.KeepShingles) rather than estimated.
	Exact bool
	// Contained is the share of the new document's shingles that are also in
	// the match: near 1 when the new document is a teaser or an abridged
	// copy of the match.
	Contained float64
	// Contains is the share of the match's shingles that are also in the new
	// document: near 1 when the new document quotes or extends the match.
	Contains float64
	// Hamming is the Hamming distance between the two SimHashes (0 to 64).
	Hamming int
}

// Result is what Add and Query report for one document.
type Result struct {
	// Matches are the indexed documents whose Jaccard similarity reaches
	// Options.Threshold, or whose containment reaches Options.Containment,
	// most similar first (ties: earliest added first).
	Matches []Match
	// Passages are the passages shared with indexed documents and those
	// repeated inside the document, ordered by position in the document.
	// Only with Options.Passages.
	Passages []Passage
}

// Duplicate returns the best match whose Jaccard similarity reaches the
// threshold, and whether there is one.
func (r Result) Duplicate(threshold float64) (Match, bool) {
	for _, m := range r.Matches {
		if m.Jaccard >= threshold {
			return m, true
		}
	}
	return Match{}, false
}

// Detector finds near-duplicates among the documents added to it. Every
// document gets an internal number, in the order documents are added; the
// LSH index works on those numbers.
//
// A Detector is safe for concurrent use by multiple goroutines. Add and
// Remove are serialized; Query runs concurrently with other queries.
// Signing (normalization, shingling, MinHash) runs outside the lock. Add
// checks and inserts atomically: when two goroutines add the same text at
// once, exactly one of them sees no match.
type Detector struct {
	opt   Options
	lshp  index.LSHParams
	fpOn  bool // fingerprint index kept: Passages, Containment or IgnoreBoilerplate
	maxDF uint64
	pool  sync.Pool // *workspace

	mu         sync.RWMutex
	closed     bool
	store      *diskStore // with Open
	lsh        *index.LSH
	sims       *simhash.Index // with MaxHamming
	fpIndex    index.Postings // passage fingerprints -> documents, when fpOn
	legacyPass bool           // Open is reading records of passage format 1
	// fpScratch is the scratch space of addFingerprints and removeLocked,
	// under mu.
	fpScratch struct {
		keys     []uint64
		tags     []uint32
		fps      []passage.Fingerprint
		shingles []uint64
	}
	byID     map[string]uint32
	idPeak   int // the largest size of byID since it was last rebuilt
	docs     docTable
	clusters map[uint32]*clusterState
	byTime   timeHeap // for the window and EvictBefore
	newest   int64    // latest document time seen (Unix ns)
	live     int
	capped   uint64 // documents left out of full LSH buckets
}

// workspace is the per-goroutine scratch of the detector.
type workspace struct {
	signer *Signer
	sig8   []uint8
	keys   []uint32 // LSH band keys
	fps    []passage.Fingerprint
	fpKeys []uint64
	hot    []bool // per fingerprint: in at least BoilerplateDF documents
	skip   []bool // per shingle position: left out as boilerplate
	sims   []simhash.Match
	cand   *roaring.Bitmap
	cand2  *roaring.Bitmap
	pass   passWork
}

// New returns an empty Detector. The zero Options give the defaults
// described there.
func New(opt Options) (*Detector, error) {
	opt, lshp, lsh, err := newLSH(opt)
	if err != nil {
		return nil, err
	}
	d := &Detector{
		opt: opt, lshp: lshp, lsh: lsh, byID: make(map[string]uint32),
		fpOn:     opt.Passages || opt.Containment > 0 || opt.IgnoreBoilerplate,
		maxDF:    uint64(4 * opt.BoilerplateDF),
		clusters: make(map[uint32]*clusterState),
		newest:   math.MinInt64,
	}
	d.resetDocs()
	if opt.MaxHamming > 0 {
		if d.sims, err = simhash.NewIndex(simhash.IndexParams{MaxDistance: opt.MaxHamming}); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrOptions, err)
		}
	}
	d.pool.New = func() any {
		return &workspace{signer: newLimitedSigner(opt), cand: roaring.New(), cand2: roaring.New()}
	}
	return d, nil
}

// newLSH fills in the defaults of opt and returns it with the LSH banding
// it implies and an empty LSH index of that banding.
func newLSH(opt Options) (Options, index.LSHParams, *index.LSH, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return opt, index.LSHParams{}, nil, err
	}
	lshp, err := index.ChooseLSH(opt.CandidateThreshold, opt.K, opt.MinRecall)
	if err != nil {
		return opt, lshp, nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	lsh, err := index.NewLSH(lshp)
	if err != nil {
		return opt, lshp, nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return opt, lshp, lsh, nil
}

// Options returns the detector's options with defaults filled in.
func (d *Detector) Options() Options { return d.opt }

// LSHParams returns the bands and rows the candidate stage uses.
func (d *Detector) LSHParams() index.LSHParams { return d.lshp }

// Len returns the number of documents indexed.
func (d *Detector) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.live
}

// Add signs text, reports the indexed documents it matches and indexes it
// under id, with the current time as its time (see AddAt). The ID must be
// non-empty and not already indexed (ErrEmptyID, ErrDuplicateID); on error
// nothing is indexed. Empty or token-free texts are indexed (their ID is
// taken) but match nothing.
func (d *Detector) Add(id string, text []byte) (Result, error) {
	return d.AddAt(id, text, time.Now())
}

// AddString is Add for a string text.
func (d *Detector) AddString(id, text string) (Result, error) {
	return d.AddStringAt(id, text, time.Now())
}

// AddAt is Add for a document with the given time: its publication or
// arrival time, which Options.Window and EvictBefore go by. With a window,
// the documents older than the latest time seen (this one's included) minus
// the window are evicted before the document is matched; a document that
// is itself that old is matched, then evicted at once.
func (d *Detector) AddAt(id string, text []byte, t time.Time) (Result, error) {
	ws := d.pool.Get().(*workspace)
	defer d.pool.Put(ws)
	ws.signer.tokenize(text)
	return d.add(id, t.UnixNano(), ws)
}

// AddStringAt is AddAt for a string text.
func (d *Detector) AddStringAt(id, text string, t time.Time) (Result, error) {
	ws := d.pool.Get().(*workspace)
	defer d.pool.Put(ws)
	ws.signer.tokenizeString(text)
	return d.add(id, t.UnixNano(), ws)
}

// Query reports the indexed documents that text matches, without indexing it.
func (d *Detector) Query(text []byte) Result {
	ws := d.pool.Get().(*workspace)
	defer d.pool.Put(ws)
	ws.signer.tokenize(text)
	return d.query(ws)
}

// QueryString is Query for a string text.
func (d *Detector) QueryString(text string) Result {
	ws := d.pool.Get().(*workspace)
	defer d.pool.Put(ws)
	ws.signer.tokenizeString(text)
	return d.query(ws)
}

func (d *Detector) query(ws *workspace) Result {
	d.sign(ws)
	return d.queryLocked(ws)
}

// queryLocked matches the signed document in ws under the read lock.
func (d *Detector) queryLocked(ws *workspace) Result {
	d.mu.RLock()
	defer d.mu.RUnlock()
	res := Result{Matches: d.matchLocked(ws, nil)}
	if d.opt.Passages {
		res.Passages = d.passagesLocked(ws, "", noDoc)
	}
	return res
}

// sign completes the signing of the tokenized document in ws: passage
// fingerprints, the boilerplate mask, the sketch, the LSH band keys and the
// low bytes of the MinHash values, which is all the detector keeps of the
// signature (b-bit MinHash, Li & König 2010: with b = 8 the standard error
// of the Jaccard estimate grows by less than 0.5 %). Only the boilerplate
// mask takes the lock, for reading.
func (d *Detector) sign(ws *workspace) {
	d.signFree(ws)
	d.signState(ws)
}

// signFree is the part of sign that reads no shared state: all of it
// unless Options.IgnoreBoilerplate is set, which leaves the sketch to
// signState.
func (d *Detector) signFree(ws *workspace) {
	if d.opt.Passages {
		d.preparePassages(ws)
	}
	if d.fpOn {
		// With passages, fingerprints are selected among the passage
		// shingles, which an indexed document's tokens give back;
		// without, among the word shingles.
		sh := ws.signer.shingles
		if d.opt.Passages {
			sh = ws.pass.doc.Shingles
		}
		ws.fps = d.opt.Passage.AppendFingerprints(ws.fps[:0], passage.Doc{Shingles: sh})
		ws.fpKeys = ws.fpKeys[:0]
		for _, f := range ws.fps {
			ws.fpKeys = append(ws.fpKeys, f.Hash)
		}
	}
	if d.opt.Passages {
		ws.pass.ctx = d.opt.Passage.AppendContexts(ws.pass.ctx[:0], ws.pass.doc, ws.fps)
	}
	if !d.opt.IgnoreBoilerplate {
		d.summarize(ws, nil)
	}
}

// signState completes the sketch with Options.IgnoreBoilerplate, which
// leaves out the boilerplate fingerprints of the index as it is now (under
// the read lock).
func (d *Detector) signState(ws *workspace) {
	if d.opt.IgnoreBoilerplate {
		d.summarize(ws, d.boilerplateMask(ws))
	}
}

// summarize computes the sketch, its band keys and its low bytes, leaving
// out the shingle positions marked in skip (when not nil).
func (d *Detector) summarize(ws *workspace, skip []bool) {
	ws.signer.summarize(skip)
	vals := ws.signer.sketch.MinHash.Values
	ws.sig8 = ws.sig8[:0]
	for _, v := range vals {
		ws.sig8 = append(ws.sig8, uint8(v))
	}
	ws.keys, _ = d.lsh.AppendKeys(ws.keys[:0], vals) // len(vals) == K >= Bands*Rows
}

// boilerplateMask marks the shingle positions that belong to boilerplate:
// the positions of fingerprints already in at least BoilerplateDF indexed
// documents, and everything between two such consecutive fingerprints.
func (d *Detector) boilerplateMask(ws *workspace) []bool {
	ws.hot = ws.hot[:0]
	found := false
	d.mu.RLock()
	for _, k := range ws.fpKeys {
		h := d.fpIndex.Cardinality(k) >= uint64(d.opt.BoilerplateDF)
		ws.hot = append(ws.hot, h)
		found = found || h
	}
	d.mu.RUnlock()
	if !found {
		return nil
	}
	n := len(ws.signer.shingles)
	ws.skip = slices.Grow(ws.skip[:0], n)[:n]
	clear(ws.skip)
	for i, f := range ws.fps {
		if !ws.hot[i] {
			continue
		}
		ws.skip[f.Pos] = true
		if i+1 < len(ws.fps) && ws.hot[i+1] {
			for p := f.Pos; p <= ws.fps[i+1].Pos; p++ {
				ws.skip[p] = true
			}
		}
	}
	return ws.skip
}

func (d *Detector) add(id string, at int64, ws *workspace) (Result, error) {
	if id == "" {
		return Result{}, ErrEmptyID
	}
	if err := ws.signer.sizeErr(); err != nil {
		return Result{}, err
	}
	d.sign(ws)
	own := d.own(ws)
	return d.addOwned(id, at, ws, &own)
}

// owned is what the detector keeps of a signed document in slices of its
// own, copied from the workspace before the lock is taken.
type owned struct {
	set    shingleSet // with KeepShingles
	fpKeys []uint64   // with a fingerprint index but no passages
	pass   *passDoc   // with Passages
}

// own copies what the index keeps of the signed document in ws.
func (d *Detector) own(ws *workspace) owned {
	var o owned
	if d.docs.sets.on() && ws.signer.sketch.MinHash.Size > 0 {
		o.set = encodeSet(ws.signer.set)
	}
	if d.docs.fpKeys.on() {
		o.fpKeys = slices.Clone(ws.fpKeys)
	}
	if d.opt.Passages {
		o.pass = d.keepPassages(ws)
	}
	return o
}

// addOwned is add for a signed document whose kept data is in own.
func (d *Detector) addOwned(id string, at int64, ws *workspace, own *owned) (Result, error) {
	res, _, err := d.addOwnedIf(id, at, ws, own, nil)
	return res, err
}

// addOwnedIf is addOwned that adds only if admit (when not nil) accepts
// the matches, and reports whether it added.
func (d *Detector) addOwnedIf(id string, at int64, ws *workspace, own *owned, admit func(*Result) bool) (Result, bool, error) {
	res, added, err := d.addLocked(id, at, ws, own, admit)
	if err == nil && added && d.store != nil && d.opt.Durability == SyncEach {
		// Outside the lock, so that concurrent Adds share one fsync.
		err = d.store.sync()
	}
	return res, added, err
}

func (d *Detector) addLocked(id string, at int64, ws *workspace, own *owned, admit func(*Result) bool) (Result, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return Result{}, false, ErrClosed
	}
	if _, ok := d.byID[id]; ok {
		return Result{}, false, fmt.Errorf("%w: %q", ErrDuplicateID, id)
	}
	if d.docs.next() > math.MaxUint32 {
		return Result{}, false, ErrFull
	}
	if d.opt.Window > 0 {
		// Documents out of the window by this one's time are gone before
		// it is matched.
		if err := d.evictLoggedLocked(max(d.newest, at) - int64(d.opt.Window)); err != nil {
			return Result{}, false, err
		}
	}
	var links []link
	matches := d.matchLocked(ws, &links)
	if admit != nil && !admit(&Result{Matches: matches}) {
		return Result{Matches: matches}, false, nil
	}
	var ps []Passage
	num := uint32(d.docs.next())
	if d.opt.Passages {
		// Looks up the fingerprints and indexes them under num in one pass.
		ps = d.passagesLocked(ws, id, num)
	}
	sk := &ws.signer.sketch
	rec := docRecord{
		id: id, time: at, size: int32(sk.MinHash.Size), simhash: sk.SimHash,
		sig8: ws.sig8, keys: ws.keys, links: links, fpKeys: ws.fpKeys,
		set: own.set, pass: own.pass,
	}
	if own.fpKeys != nil {
		rec.fpKeys = own.fpKeys
	}
	rec.fpAdded = d.opt.Passages && num != noDoc
	if d.store != nil {
		// Logged before it is applied: an Add that fails here changes
		// nothing (the fingerprints indexed with the lookup are taken out).
		if err := d.store.logAdd(d, &rec); err != nil {
			if rec.fpAdded {
				for _, k := range rec.fpKeys {
					d.fpIndex.Remove(k, num)
				}
			}
			return Result{}, false, err
		}
	}
	d.insertLocked(&rec, false)
	if d.opt.Window > 0 {
		if err := d.evictLoggedLocked(d.newest - int64(d.opt.Window)); err != nil {
			return Result{Matches: matches, Passages: ps}, true, err
		}
	}
	if d.store != nil {
		if err := d.store.maybeSnapshot(d); err != nil {
			return Result{Matches: matches, Passages: ps}, true, err
		}
	}
	return Result{Matches: matches, Passages: ps}, true, nil
}

// docRecord is everything the detector keeps of one document: what Add
// inserts, what the log and snapshots hold.
type docRecord struct {
	seq     uint64 // log sequence number
	id      string
	time    int64
	size    int32
	simhash uint64
	sig8    []uint8
	keys    []uint32
	links   []link // matches at or above the threshold: a, aID, jaccard
	set     shingleSet
	fpKeys  []uint64
	pass    *passDoc
	fpAdded bool // fpKeys already in the fingerprint index (by passagesLocked)
}

// noDoc stands for no document number.
const noDoc = math.MaxUint32

// insertLocked indexes rec under the next document number, which it
// returns with the number of bands whose bucket was full. When borrowed is
// set, rec's slices belong to the caller and are copied. The caller holds
// d.mu for writing.
func (d *Detector) insertLocked(rec *docRecord, borrowed bool) (uint32, int) {
	num := uint32(d.docs.next())
	keep := func(s []uint64) []uint64 {
		if borrowed {
			return slices.Clone(s)
		}
		return s
	}
	capped := 0
	if rec.size > 0 {
		capped, _ = d.lsh.AddKeysCapped(num, rec.keys, d.opt.bucketCap()) // len(rec.keys) == Bands: cannot fail
		d.capped += uint64(capped)
		if d.sims != nil {
			d.sims.Add(num, rec.simhash)
		}
	}
	t := &d.docs
	if d.fpOn && !rec.fpAdded {
		d.addFingerprints(rec, num)
	}
	var set shingleSet
	var fpKeys []uint64
	if t.sets.on() {
		set = rec.set
		if borrowed {
			set = slices.Clone(set)
		}
	}
	if t.fpKeys.on() {
		fpKeys = keep(rec.fpKeys)
	}
	t.push(docEntry{id: rec.id, size: rec.size, alive: true, simhash: rec.simhash, time: rec.time},
		rec.sig8, rec.keys, set, fpKeys, rec.pass)
	d.byID[rec.id] = num
	d.idPeak = max(d.idPeak, len(d.byID))
	d.live++
	d.joinLocked(num, rec.id, rec.links)
	d.byTime.push(rec.time, num)
	d.newest = max(d.newest, rec.time)
	return num, capped
}

// candidatesLocked fills ws.cand with the documents to verify: the LSH
// candidates, plus with Containment the documents sharing a passage
// fingerprint, plus with MaxHamming the documents whose SimHash is close.
func (d *Detector) candidatesLocked(ws *workspace) {
	d.lsh.CandidatesKeys(ws.cand, ws.keys, 0)
	if d.opt.Containment > 0 && len(ws.fpKeys) > 0 {
		d.fpIndex.Union(ws.cand2, ws.fpKeys, d.maxDF)
		ws.cand.Or(ws.cand2)
	}
	if d.sims != nil {
		ws.sims = d.sims.Query(ws.sims[:0], ws.signer.sketch.SimHash)
		for _, m := range ws.sims {
			ws.cand.Add(m.ID)
		}
	}
}

// matchLocked verifies the LSH candidates of the signed document in ws. When
// links is not nil it receives the Jaccard matches (with b unset). The caller
// holds d.mu.
func (d *Detector) matchLocked(ws *workspace, links *[]link) []Match {
	sk := &ws.signer.sketch
	size := sk.MinHash.Size
	if size == 0 {
		return nil
	}
	d.candidatesLocked(ws)
	var out []Match
	it := ws.cand.Iterator()
	for it.HasNext() {
		c := it.Next()
		e := d.docs.get(c)
		if !e.alive || e.size == 0 {
			continue
		}
		m := Match{ID: e.id, Hamming: simhash.Distance(sk.SimHash, e.simhash)}
		a, b := float64(size), float64(e.size)
		var inter float64
		if d.opt.KeepShingles {
			n := 0
			set := *d.docs.sets.ref(int(c - d.docs.base))
			for i := 0; i+8 <= len(set); i += 8 {
				if ws.signer.contains(binary.LittleEndian.Uint64(set[i:])) {
					n++
				}
			}
			inter = float64(n)
			m.Jaccard = inter / (a + b - inter)
			m.Exact = true
		} else {
			m.Jaccard = sigJaccard(ws.sig8, d.docs.sig(c))
			inter = m.Jaccard * (a + b) / (1 + m.Jaccard)
		}
		m.setContainment(inter, a, b)
		isDup := m.Jaccard >= d.opt.Threshold
		if !isDup && !(d.opt.Containment > 0 && max(m.Contained, m.Contains) >= d.opt.Containment) {
			continue
		}
		out = append(out, m)
		if isDup && links != nil {
			*links = append(*links, link{a: c, aID: e.id, jaccard: float32(m.Jaccard)})
		}
	}
	slices.SortStableFunc(out, func(x, y Match) int { return cmp.Compare(y.Jaccard, x.Jaccard) })
	return out
}

func matches8(a, b []uint8) int {
	n := 0
	b = b[:len(a)]
	for i, v := range a {
		if v == b[i] {
			n++
		}
	}
	return n
}

// estimate8 turns the number of equal 8-bit values into a Jaccard
// estimate, removing the 1/256 chance that two different values agree.
// sigJaccard estimates the Jaccard similarity of two documents from their
// b-bit signatures (equal lengths).
func sigJaccard(a, b []uint8) float64 {
	return estimate8(matches8(a, b), len(a))
}

// setContainment sets m's containments from the size of the intersection
// and the two documents' sizes (new document first).
func (m *Match) setContainment(inter, a, b float64) {
	m.Contained = min(inter/a, 1)
	m.Contains = min(inter/b, 1)
}

func estimate8(eq, k int) float64 {
	const c = 1.0 / 256
	j := (float64(eq)/float64(k) - c) / (1 - c)
	return max(0, min(1, j))
}

// Remove deletes the document with the given ID from the index. Its number
// is not reused. Its cluster keeps its other members (see Cluster).
func (d *Detector) Remove(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	num, ok := d.byID[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownID, id)
	}
	if d.store != nil {
		if err := d.store.logRemove(id); err != nil {
			return err
		}
	}
	if err := d.removeLocked(num); err != nil {
		return fmt.Errorf("neardup: removing %q: %w", id, err)
	}
	d.compactLocked()
	if d.store != nil && d.opt.Durability == SyncEach {
		return d.store.sync()
	}
	return nil
}

// removeLocked removes the live document num from every index and frees
// its data. The caller holds d.mu for writing.
func (d *Detector) removeLocked(num uint32) error {
	t := &d.docs
	e := t.get(num)
	if e.size > 0 {
		// A document left out of full buckets (Options.BucketCap) is
		// missing from them: that is expected.
		if err := d.lsh.RemoveKeys(num, t.keys(num)); err != nil && !errors.Is(err, index.ErrNotIndexed) {
			return err
		}
		if d.sims != nil {
			d.sims.Remove(num, e.simhash)
		}
	}
	i := int(num - t.base)
	if t.fpKeys.on() {
		keys := t.fpKeys.ref(i)
		for _, k := range *keys {
			d.fpIndex.Remove(k, num)
		}
		*keys = nil
	}
	if t.pass.on() {
		pd := t.pass.ref(i)
		if *pd != nil {
			d.fpScratch.fps = (*pd).fingerprints(d.opt.Passage, d.fpScratch.fps[:0], &d.fpScratch.shingles)
			for _, f := range d.fpScratch.fps {
				d.fpIndex.Remove(f.Hash, num)
			}
		}
		*pd = nil
	}
	if t.sets.on() {
		*t.sets.ref(i) = nil
	}
	d.leaveLocked(num)
	delete(d.byID, e.id)
	e.alive = false
	d.live--
	return nil
}

// compactLocked returns the memory of removed documents at the front of the
// document table, and rebuilds the ID map once it holds less than half of
// its largest size (Go maps do not shrink; a steady window reuses their
// room, so the rebuild, which copies every live ID under the lock, only
// follows a large drop).
func (d *Detector) compactLocked() {
	if !d.docs.compact() {
		return
	}
	if n := len(d.byID); n >= compactMin && 2*n >= d.idPeak {
		return
	}
	byID := make(map[string]uint32, d.live)
	for k, v := range d.byID {
		byID[k] = v
	}
	d.byID, d.idPeak = byID, len(byID)
}

// EvictBefore removes every document whose time is before t and returns
// how many it removed. Their memory is returned as they leave: index
// buckets shrink and, once enough of the oldest documents are gone, the
// document table is compacted.
// With persistence, each eviction is logged; the error reports a failed
// write, after which the detector must be reopened.
func (d *Detector) EvictBefore(t time.Time) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, ErrClosed
	}
	n0 := d.live
	err := d.evictLoggedLocked(t.UnixNano())
	if err == nil && d.store != nil && d.opt.Durability == SyncEach {
		err = d.store.sync()
	}
	return n0 - d.live, err
}

// evictLoggedLocked evicts the documents older than cutoff, logging each
// removal when the detector is persistent.
func (d *Detector) evictLoggedLocked(cutoff int64) error {
	var err error
	d.evictLocked(cutoff, func(id string) bool {
		if d.store == nil {
			return true
		}
		err = d.store.logRemove(id)
		return err == nil
	})
	return err
}

// evictLocked removes the documents older than cutoff, oldest first, as
// long as before (if not nil) agrees, and returns how many it removed.
func (d *Detector) evictLocked(cutoff int64, before func(id string) bool) int {
	n := 0
	for d.byTime.len() > 0 {
		at, num := d.byTime.min()
		if at >= cutoff {
			break
		}
		if !d.docs.has(num) || d.docs.get(num).time != at {
			d.byTime.pop()
			continue // removed already
		}
		if before != nil && !before(d.docs.get(num).id) {
			break
		}
		d.byTime.pop()
		if d.removeLocked(num) == nil {
			n++
		}
	}
	if n > 0 {
		d.compactLocked()
	}
	return n
}

// Contains reports whether a document with the given ID is indexed.
func (d *Detector) Contains(id string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, ok := d.byID[id]
	return ok
}
