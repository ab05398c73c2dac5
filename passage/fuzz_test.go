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
