package passage

import (
	"slices"
	"testing"
)

// fuzzInput turns bytes into parameters and tokens over a tiny vocabulary:
// data[0] selects MinWords (5..12) and MaxGap (-1..9), data[1] the
// vocabulary size (1..4) and whether the shingles are replaced by junk
// consistent with nothing; each further byte is one token.
func fuzzInput(data []byte) (p Params, toks []uint32, junk bool, ok bool) {
	if len(data) < 2 {
		return p, nil, false, false
	}
	p = Params{MinIdentity: 1, MinWords: 5 + int(data[0]%8), MaxGap: int(data[0]>>3)%11 - 1}
	vocab := 1 + data[1]%4
	junk = data[1]&0x80 != 0
	data = data[2:]
	if len(data) > 400 {
		data = data[:400]
	}
	toks = make([]uint32, len(data))
	for i, c := range data {
		toks[i] = uint32(c % vocab)
	}
	return p, toks, junk, true
}

// junkShingles replaces d's shingle hashes by a few values unrelated to
// the tokens, with a length off by one.
func junkShingles(d Doc) Doc {
	s := make([]uint64, len(d.Shingles)+1)
	for i := range s {
		s[i] = uint64(i*7%5) * uint64(i%3)
	}
	d.Shingles = s
	return d
}

func FuzzRepeats(f *testing.F) {
	f.Add([]byte{0, 0})
	f.Add(append([]byte{0, 3}, []byte("abcdefghijklmnopqrstabcdefghijklmnopqrst")...))
	f.Add(append([]byte{8, 1}, make([]byte, 64)...))
	f.Add(append([]byte{255, 2}, []byte("abcabcabcabcabcabcabcabcabcabcabcabcabcxyz")...))
	f.Add(append([]byte{1, 0x83}, []byte("hello world hello world hello world hello world")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, toks, junk, ok := fuzzInput(data)
		if !ok {
			return
		}
		d := mkDoc(toks)
		if junk {
			d = junkShingles(d)
		}
		var fd Finder
		fd.Params = p
		got := fd.Repeats(nil, d)
		checkValid(t, got, toks, toks, p.minWords(), true)
		if again := fd.Repeats(nil, d); !slices.Equal(got, again) {
			t.Fatalf("not deterministic: %+v then %+v", got, again)
		}
		if junk || occBinds(d) {
			return
		}
		runs := bruteSelfRuns(toks, p.minWords())
		checkCovered(t, got, runs, true)
		if p.MaxGap < 0 {
			if want := refDedup(runs, true); !slices.Equal(spans(got), want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		}
	})
}

func FuzzAlign(f *testing.F) {
	f.Add([]byte{0, 0}, byte(0))
	f.Add(append([]byte{0, 3}, []byte("abcdefghijklmnopqrstabcdefghijklmnopqrst")...), byte(20))
	f.Add(append([]byte{8, 1}, make([]byte, 64)...), byte(10))
	f.Add(append([]byte{255, 2}, []byte("abcabcabcabcabcabcabcabcabcabcabcabcabcxyz")...), byte(17))
	f.Add(append([]byte{1, 0x83}, []byte("hello world hello world hello world hello world")...), byte(24))
	f.Fuzz(func(t *testing.T, data []byte, split byte) {
		p, toks, junk, ok := fuzzInput(data)
		if !ok {
			return
		}
		cut := min(int(split), len(toks))
		a, b := toks[:cut], toks[cut:]
		da, db := mkDoc(a), mkDoc(b)
		if junk {
			da = junkShingles(da)
		}
		var fd Finder
		fd.Params = p
		fa := p.AppendFingerprints(nil, da)
		fb := p.AppendFingerprints(nil, db)
		for _, fp := range slices.Concat(fa, fb) {
			if fp.Pos < 0 || int(fp.Pos) >= max(len(da.Shingles), len(db.Shingles)) {
				t.Fatalf("fingerprint %v out of range", fp)
			}
		}
		seeds := fd.AppendSeeds(nil, fa, fb)
		got := fd.Align(nil, da, db, seeds)
		checkValid(t, got, a, b, p.minWords(), false)
		all := fd.Align(nil, da, db, bruteSeeds(da, db))
		checkValid(t, all, a, b, p.minWords(), false)
		if !junk {
			// Context tags drop no seed that leads to a passage.
			kept, _ := contextFilter(p, da, db, fa, fb, seeds)
			if f := fd.Align(nil, da, db, kept); !slices.Equal(f, got) {
				t.Fatalf("context-filtered seeds give %+v, all fingerprint seeds %+v", f, got)
			}
		}
		if junk || capBinds(fa, fb) {
			return
		}
		if byTok := fd.Align(nil, da, Doc{Tokens: db.Tokens}, seeds); !slices.Equal(byTok, got) {
			t.Fatalf("b without shingles gives %+v, with %+v", byTok, got)
		}
		if !slices.Equal(got, all) {
			t.Fatalf("fingerprint seeds give %+v, all seeds %+v", got, all)
		}
		runs := bruteRuns(a, b, p.minWords())
		checkCovered(t, got, runs, false)
		if p.MaxGap < 0 {
			if want := refDedup(runs, false); !slices.Equal(spans(got), want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		}
	})
}

// editedPair turns bytes into parameters aligned through edits and two
// token streams: a over a vocabulary of 64 tokens, b a copy of a edited
// by a script taken from the same bytes (about one token in eight
// substituted, deleted or followed by an inserted one), cut at split.
func editedPair(data []byte, split byte) (p Params, a, b []uint32, ok bool) {
	if len(data) < 2 {
		return p, nil, nil, false
	}
	p = Params{MinWords: 5 + int(data[0]%8), MaxGap: int(data[0]>>3)%11 - 1}
	if data[1]&1 != 0 {
		p.MinIdentity = 0.5 + float64(data[1]>>1)/256
	}
	data = data[2:]
	if len(data) > 400 {
		data = data[:400]
	}
	for i, c := range data {
		t := uint32(c % 64)
		a = append(a, t)
		switch op := c >> 5; {
		case i < int(split):
			b = append(b, t+1000) // unrelated prefix of b
		case op == 5:
			b = append(b, t+64) // substituted
		case op == 6: // deleted
		case op == 7:
			b = append(b, t, uint32(i%64)) // followed by an insertion
		default:
			b = append(b, t)
		}
	}
	return p, a, b, true
}

// FuzzAlignEdits checks alignment through edits on random pairs of token
// streams, b an edited copy of a: valid, in-bounds, sorted ranges whose
// counts add up, identity within [MinIdentity, 1], at least MinWords
// matched tokens, and every run of MinWords equal tokens covered.
func FuzzAlignEdits(f *testing.F) {
	f.Add([]byte{0, 0}, byte(0))
	f.Add(append([]byte{0, 1}, []byte("le ministre a confirme mardi que la reforme des retraites serait presentee en conseil")...), byte(3))
	f.Add(append([]byte{9, 0}, make([]byte, 120)...), byte(0))
	f.Add(append([]byte{3, 7}, []byte("\xe1\xc2\xa3\xe4\xf5abcdefghijklmnopqrstuvwxyz\xe1\xc2\xa3\xe4\xf5abcdefghijklmnop")...), byte(5))
	f.Fuzz(func(t *testing.T, data []byte, split byte) {
		p, a, b, ok := editedPair(data, split)
		if !ok {
			return
		}
		da, db := mkDoc(a), mkDoc(b)
		var fd Finder
		fd.Params = p
		seeds := fd.AppendSeeds(nil, p.AppendFingerprints(nil, da), p.AppendFingerprints(nil, db))
		for _, s := range [][]Seed{seeds, bruteSeeds(da, db)} {
			got := fd.Align(nil, da, db, s)
			checkValid(t, got, a, b, p.minWords(), false)
			checkEdits(t, got, p)
			// Without b's shingles, seeds are checked on its tokens: the
			// same passages.
			if byTok := fd.Align(nil, da, Doc{Tokens: db.Tokens}, s); !slices.Equal(byTok, got) {
				t.Fatalf("b without shingles gives %+v, with %+v", byTok, got)
			}
		}
		all := fd.Align(nil, da, db, bruteSeeds(da, db))
		checkCovered(t, all, bruteRuns(a, b, p.minWords()), false)
	})
}

// FuzzRepeatsEdits is FuzzAlignEdits for the repeats of the concatenation
// of a and its edited copy.
func FuzzRepeatsEdits(f *testing.F) {
	f.Add([]byte{0, 0}, byte(0))
	f.Add(append([]byte{0, 1}, []byte("le ministre a confirme mardi que la reforme des retraites serait presentee en conseil")...), byte(3))
	f.Add(append([]byte{9, 0}, make([]byte, 120)...), byte(0))
	f.Fuzz(func(t *testing.T, data []byte, split byte) {
		p, a, b, ok := editedPair(data, split)
		if !ok {
			return
		}
		toks := slices.Concat(a, b)
		var fd Finder
		fd.Params = p
		d := mkDoc(toks)
		got := fd.Repeats(nil, d)
		checkValid(t, got, toks, toks, p.minWords(), true)
		checkEdits(t, got, p)
		if !occBinds(d) { // the guarantee holds below the cap on occurrences
			checkCovered(t, got, bruteSelfRuns(toks, p.minWords()), true)
		}
	})
}

// checkEdits checks what alignment through edits promises beyond
// checkValid: identity at least MinIdentity, MinWords matched tokens.
func checkEdits(t *testing.T, ps []Passage, p Params) {
	t.Helper()
	for i, q := range ps {
		if id := q.Identity(); id < p.minIdentity() || id > 1 {
			t.Fatalf("passage %d %+v: identity %v outside [%v, 1]", i, q, id, p.minIdentity())
		}
		if q.Matched < p.minWords() {
			t.Fatalf("passage %d %+v: %d matched tokens, fewer than %d", i, q, q.Matched, p.minWords())
		}
	}
}
