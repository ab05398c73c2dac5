package neardup

import (
	"cmp"
	"slices"
	"sort"

	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// Passage is a run of text that the document shares with another document,
// or repeats inside itself. Ranges are half-open byte offsets into the
// original texts, on UTF-8 boundaries.
type Passage struct {
	// Start and End delimit the passage in the document added or queried.
	Start, End int
	// OtherID is the other document. For a passage repeated inside the
	// document itself it is the document's own ID (the empty string for a
	// Query, whose text has no ID).
	OtherID string
	// OtherStart and OtherEnd delimit the passage in the other document
	// (for a repeat: the other copy, which comes before Start).
	OtherStart, OtherEnd int
	// Words is the number of normalized words of the passage in this
	// document.
	Words int
	// Identity is the share of matched words in the word alignment of the
	// two copies (see passage.Passage.Identity): 1 for an exact copy, at
	// least Options.Passage.MinIdentity (default 0.8) for one aligned
	// through edits. Exact passages (MinIdentity 1) may bridge up to
	// Passage.MaxGap words and then have a lower identity.
	Identity float64
	// Matched, Substituted, Inserted and Deleted count the words of that
	// alignment: words equal in both copies, words of the other copy
	// replaced by another here, words present here only and words of the
	// other copy missing here.
	Matched, Substituted, Inserted, Deleted int
	// Boilerplate is set when most of the passage's fingerprints were
	// already in at least Options.BoilerplateDF indexed documents.
	Boilerplate bool
}

// withAlignment returns p with the alignment of q. swap says that p's own
// side is q's B (a repeat, whose later copy is B): then q's inserted
// tokens, present in A only, are deleted ones from p's side.
func withAlignment(p Passage, q passage.Passage, swap bool) Passage {
	p.Identity, p.Matched, p.Substituted = q.Identity(), q.Matched, q.Substituted
	p.Inserted, p.Deleted = q.Inserted, q.Deleted
	if swap {
		p.Inserted, p.Deleted = q.Deleted, q.Inserted
	}
	return p
}

// Repeat reports whether the passage is repeated inside one document.
func (p Passage) Repeat(id string) bool { return p.OtherID == id }

// passDoc is what passage detection keeps of an indexed document: its
// 32-bit token hashes and its token offsets. Its passage shingles
// (passage.AppendShingles) and fingerprints are computed again from the
// tokens when needed: about 2 µs for 600 words, against the 8 bytes per
// token that keeping the shingles would take.
type passDoc struct {
	tokens  []uint32
	offsets tokenOffsets // byte offsets of the tokens
}

// doc returns the passage.Doc of the document, its shingles computed in
// *sh (scratch space, reused).
func (pd *passDoc) doc(sh *[]uint64) passage.Doc {
	*sh = passage.AppendShingles((*sh)[:0], pd.tokens)
	return passage.Doc{Tokens: pd.tokens, Shingles: *sh}
}

// holding appends, as fingerprints in position order, the positions of
// the document of tokens tb where the ShingleSize tokens of a at one of
// the fingerprints fps (a few, of the document of tokens ta) start, with
// that fingerprint's hash. Joined with fps they give the seeds that the
// document's own fingerprints would, plus the other positions of the same
// shingles, without computing its shingles.
func holding(ta, tb []uint32, fps []passage.Fingerprint, dst []passage.Fingerprint) []passage.Fingerprint {
	const k = passage.ShingleSize
	var mask uint64 // a one-word Bloom filter of the first tokens
	for _, f := range fps {
		if int(f.Pos)+k <= len(ta) {
			mask |= 1 << (ta[f.Pos] & 63)
		}
	}
	for q := 0; q+k <= len(tb); q++ {
		if mask&(1<<(tb[q]&63)) == 0 {
			continue
		}
		for _, f := range fps {
			p := int(f.Pos)
			if p+k <= len(ta) && slices.Equal(ta[p:p+k], tb[q:q+k]) {
				dst = append(dst, passage.Fingerprint{Hash: f.Hash, Pos: int32(q)})
				break
			}
		}
	}
	return dst
}

// fingerprints appends the document's fingerprints, as AppendFingerprints
// selects them, its shingles computed in *sh.
func (pd *passDoc) fingerprints(p passage.Params, dst []passage.Fingerprint, sh *[]uint64) []passage.Fingerprint {
	return p.AppendFingerprints(dst, pd.doc(sh))
}

// holdingMax is the most shared fingerprints looked for directly in a
// candidate's tokens (holding); with more, they are joined with its
// fingerprints.
const holdingMax = 4

// allAnchorsBelow is the number of fingerprints shared with a candidate
// (their context tags agreeing) below which all the fingerprints of the
// two documents are joined for anchors, when aligning through edits.
const allAnchorsBelow = 16

// docFP is an indexed document sharing the fingerprint fp (an index into
// the new document's fingerprints).
type docFP struct {
	doc uint32
	fp  int32
}

// passWork is the per-goroutine scratch of passage detection.
type passWork struct {
	finder  passage.Finder
	doc     passage.Doc
	pairs   []docFP
	seeds   []passage.Seed
	group   []passage.Fingerprint
	other   []passage.Fingerprint // a candidate's fingerprints
	ownSh   []uint64              // the document's passage shingles
	candSh  []uint64              // a candidate's passage shingles
	found   []passage.Passage
	repeats []passage.Passage
	ctx     []uint32 // context tag of each fingerprint (passage.Params.Context)
	sc      index.Scratch
}

// prepare sets pw.doc to the token hashes (truncated to 32 bits) of a
// text and their passage shingles, and finds its repeats.
func (pw *passWork) prepare(params passage.Params, tokHashes []uint64) {
	pw.finder.Params = params
	pw.doc.Tokens = pw.doc.Tokens[:0]
	for _, h := range tokHashes {
		pw.doc.Tokens = append(pw.doc.Tokens, uint32(h))
	}
	pw.ownSh = passage.AppendShingles(pw.ownSh[:0], pw.doc.Tokens)
	pw.doc.Shingles = pw.ownSh
	pw.repeats = pw.finder.Repeats(pw.repeats[:0], pw.doc)
}

// preparePassages computes what passage detection needs of the signed
// document before its fingerprints: 32-bit token hashes, passage
// shingles and repeats. It runs outside the lock.
func (d *Detector) preparePassages(ws *workspace) {
	ws.pass.prepare(d.opt.Passage, ws.signer.tokHashes)
}

// addFingerprints indexes the fingerprints of rec under num, with their
// context tags when rec has passage data. The caller holds d.mu for
// writing.
func (d *Detector) addFingerprints(rec *docRecord, num uint32) {
	pd := rec.pass
	if pd == nil {
		d.fpIndex.AddMany(rec.fpKeys, num)
		return
	}
	keys, tags := d.fpScratch.keys[:0], d.fpScratch.tags[:0]
	doc := pd.doc(&d.fpScratch.shingles)
	d.fpScratch.fps = d.opt.Passage.AppendFingerprints(d.fpScratch.fps[:0], doc)
	for _, f := range d.fpScratch.fps {
		keys = append(keys, f.Hash)
		tags = append(tags, d.opt.Passage.Context(doc, int(f.Pos)))
	}
	d.fpIndex.AddManyTagged(keys, tags, num)
	d.fpScratch.keys, d.fpScratch.tags = keys, tags
}

// passagesLocked finds the passages of the prepared document shared with
// indexed documents, plus its repeats. id is the document's own ID. When
// self is not noDoc, the document's fingerprints are added to the index
// under number self in the same pass as their lookup (see insertLocked).
// The caller holds d.mu.
func (d *Detector) passagesLocked(ws *workspace, id string, self uint32) []Passage {
	pw := &ws.pass
	toks := &ws.signer.toks
	var out []Passage
	words := func(r passage.Range) int { return r.End - r.Start }
	for _, p := range pw.repeats {
		s, e := toks.Span(p.B.Start, p.B.End)
		os, oe := toks.Span(p.A.Start, p.A.End)
		out = append(out, withAlignment(Passage{Start: s, End: e, OtherID: id, OtherStart: os, OtherEnd: oe,
			Words: words(p.B), Boilerplate: d.boilerplate(ws.fps, p.B, 0)}, p, true))
	}
	// The (document, fingerprint) pairs that may lie in a passage, by
	// document: each candidate costs what it shares, not its length. The
	// context tags stored with the postings discard the pairs that cannot
	// (common phrases of a few words) without reading the other document.
	pairs := pw.pairs[:0]
	visit := func(fi int, docs, tags []uint32) {
		for j, doc := range docs {
			if doc == self {
				continue
			}
			if !d.opt.Passage.MayShare(pw.doc, ws.fps[fi], tags[j]) {
				continue
			}
			pairs = append(pairs, docFP{doc: doc, fp: int32(fi)})
		}
	}
	if self != noDoc {
		d.fpIndex.VisitTaggedAdd(ws.fpKeys, pw.ctx, d.maxDF, self, &pw.sc, visit)
	} else {
		d.fpIndex.VisitTagged(ws.fpKeys, d.maxDF, &pw.sc, visit)
	}
	slices.SortFunc(pairs, func(x, y docFP) int {
		if c := cmp.Compare(x.doc, y.doc); c != 0 {
			return c
		}
		return cmp.Compare(x.fp, y.fp)
	})
	pw.pairs = pairs
	selfCount := uint64(0) // the document itself among a fingerprint's documents
	if self != noDoc {
		selfCount = 1
	}
	for i := 0; i < len(pairs); {
		c := pairs[i].doc
		j := i + 1
		for j < len(pairs) && pairs[j].doc == c {
			j++
		}
		group := pairs[i:j]
		i = j
		// Removed documents have no passage data (removeLocked): one
		// memory access per candidate instead of two.
		if c < d.docs.base || int(c-d.docs.base) >= d.docs.pass.n {
			continue
		}
		pd := *d.docs.pass.ref(int(c - d.docs.base))
		if pd == nil {
			continue
		}
		// The context tags let through only candidates that share a
		// passage (or a rare coincidence of tags), so joining the shared
		// fingerprints with the candidate's, by hash, costs little.
		pw.group = pw.group[:0]
		for _, g := range group {
			pw.group = append(pw.group, ws.fps[g.fp])
		}
		cd := passage.Doc{Tokens: pd.tokens} // seeds checked on its tokens
		switch {
		case d.opt.Passage.MinIdentity < 1 && len(group) < allAnchorsBelow:
			// Aligning through edits, every shared fingerprint is an
			// anchor, also those whose context tags an edit nearby
			// changed: the candidate's fingerprints joined with all of
			// the document's (the group among them). A candidate sharing
			// many fingerprints that passed has anchors enough.
			cd = pd.doc(&pw.candSh)
			pw.other = d.opt.Passage.AppendFingerprints(pw.other[:0], cd)
			pw.seeds = pw.finder.AppendSeeds(pw.seeds[:0], ws.fps, pw.other)
		case len(pw.group) > holdingMax:
			// More shared fingerprints are joined with the candidate's,
			// selected again.
			cd = pd.doc(&pw.candSh)
			pw.other = d.opt.Passage.AppendFingerprints(pw.other[:0], cd)
			pw.seeds = pw.finder.AppendSeeds(pw.seeds[:0], pw.group, pw.other)
		default:
			// A few are looked for in its tokens.
			pw.other = holding(pw.doc.Tokens, pd.tokens, pw.group, pw.other[:0])
			pw.seeds = pw.finder.AppendSeeds(pw.seeds[:0], pw.group, pw.other)
		}
		pw.found = pw.finder.Align(pw.found[:0], pw.doc, cd, pw.seeds)
		for _, p := range pw.found {
			s, e2 := toks.Span(p.A.Start, p.A.End)
			os, oe := pd.offsets.span(p.B.Start, p.B.End)
			out = append(out, withAlignment(Passage{Start: s, End: e2, OtherID: d.docs.get(c).id,
				OtherStart: os, OtherEnd: oe,
				Words: words(p.A), Boilerplate: d.boilerplate(ws.fps, p.A, selfCount)}, p, false))
		}
	}
	slices.SortStableFunc(out, func(x, y Passage) int {
		if c := cmp.Compare(x.Start, y.Start); c != 0 {
			return c
		}
		return cmp.Compare(x.End, y.End)
	})
	return out
}

// boilerplate reports whether at least half of the fingerprints inside the
// token range r are already in BoilerplateDF or more indexed documents,
// not counting the document itself, which extra says whether the index
// holds already.
func (d *Detector) boilerplate(fps []passage.Fingerprint, r passage.Range, extra uint64) bool {
	last := int32(r.End - passage.ShingleSize)
	i := sort.Search(len(fps), func(i int) bool { return fps[i].Pos >= int32(r.Start) })
	n, hot := 0, 0
	for ; i < len(fps) && fps[i].Pos <= last; i++ {
		n++
		if d.fpIndex.Cardinality(fps[i].Hash) >= uint64(d.opt.BoilerplateDF)+extra {
			hot++
		}
	}
	return n > 0 && 2*hot >= n
}

// keepPassages returns what passage detection keeps of the prepared
// document.
func (d *Detector) keepPassages(ws *workspace) *passDoc {
	toks := &ws.signer.toks
	pd := &passDoc{
		tokens: slices.Clone(ws.pass.doc.Tokens),
		offsets: newTokenOffsets(len(toks.List), func(i int) (int, int) {
			return toks.List[i].Start, toks.List[i].End
		}),
	}
	return pd
}

// Repeats returns the passages repeated inside text, with no index: each
// Passage gives a later copy in Start and End and the earlier one in
// OtherStart and OtherEnd (OtherID is empty). Only the Normalize and Passage
// options matter. Use a RepeatFinder to find repeats in many texts without
// allocating.
func Repeats(text []byte, opt Options) ([]Passage, error) {
	var f RepeatFinder
	if err := f.Reset(opt); err != nil {
		return nil, err
	}
	return f.Find(nil, text), nil
}

// RepeatFinder finds the passages repeated inside texts, reusing its
// buffers: once they have grown, Find allocates only when dst must grow.
// The zero value uses the default options. A RepeatFinder is not safe for
// concurrent use.
type RepeatFinder struct {
	opt       Options
	toks      normalize.Tokens
	tokHashes []uint64
	pass      passWork
}

// Reset sets the options (only Normalize and Passage matter) and reports
// whether they are valid.
func (f *RepeatFinder) Reset(opt Options) error {
	opt.ShingleSize = passage.ShingleSize
	opt, err := opt.withDefaults()
	if err != nil {
		return err
	}
	f.opt = opt
	return nil
}

// Find appends to dst the passages repeated inside text, as Repeats
// describes them, in the order of their later copy.
func (f *RepeatFinder) Find(dst []Passage, text []byte) []Passage {
	normalize.Tokenize(&f.toks, text, f.opt.Normalize)
	f.tokHashes = shingle.AppendTokenHashes(f.tokHashes[:0], &f.toks)
	f.pass.prepare(f.opt.Passage, f.tokHashes)
	for _, p := range f.pass.repeats {
		s, e := f.toks.Span(p.B.Start, p.B.End)
		os, oe := f.toks.Span(p.A.Start, p.A.End)
		dst = append(dst, withAlignment(Passage{Start: s, End: e, OtherStart: os, OtherEnd: oe, Words: p.B.End - p.B.Start}, p, true))
	}
	return dst
}
