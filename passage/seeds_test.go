package passage_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/neardup/neardup/passage"
)

func readSeeds(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../testdata/seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed articles: %v", err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)[:3]] = string(b)
	}
	return out
}

// TestSeedRepeats checks the repeats of article 001, which holds its body
// twice, the first copy with a "Nostress Media Ltd" line inserted.
func TestSeedRepeats(t *testing.T) {
	text := readSeeds(t)["001"]
	d, toks := newDoc(text)
	var f passage.Finder
	ps := f.Repeats(nil, d)
	var body *passage.Passage
	for i, p := range ps {
		if p.A.End > p.B.Start {
			t.Fatalf("overlapping copies %+v", p)
		}
		if p.A.Len() > 500 {
			body = &ps[i]
		}
	}
	if body == nil {
		t.Fatalf("doubled body not found: %+v", ps)
	}
	if want := (passage.Passage{A: passage.Range{Start: 33, End: 773}, B: passage.Range{Start: 774, End: 1511}, Matched: 737, Inserted: 3, Aligned: 740}); *body != want {
		t.Fatalf("body %+v, want %+v", *body, want)
	}
	a, b := quote(text, toks, body.A), quote(text, toks, body.B)
	if !strings.HasPrefix(a, "La Russie a affirmé avoir négocié") || !strings.HasPrefix(b, "La Russie a affirmé avoir négocié") {
		t.Fatalf("copies start with %.40q and %.40q", a, b)
	}
	if strings.Count(a, "Nostress Media Ltd") != 1 || strings.Contains(b, "Nostress Media Ltd") {
		t.Fatalf("the inserted line is not bridged in A only")
	}
	// The run of copied tokens ends at "Les États-Unis sont profondéme",
	// truncated in the first copy.
	if !strings.HasSuffix(a, "Les États-Unis sont") {
		t.Fatalf("first copy ends with %q", a[len(a)-40:])
	}
}

// TestSeedAlign aligns every pair of seed articles, and the two halves of
// article 001, through fingerprints, and checks the result against
// alignment from all equal shingles.
func TestSeedAlign(t *testing.T) {
	seeds := readSeeds(t)
	texts := map[string]string{}
	for k, v := range seeds {
		texts[k] = v
	}
	i := strings.Index(seeds["001"], "Pashinyan s’est également entretenu")
	h := strings.Index(seeds["001"], "La Russie a affirmé avoir négocié")
	j := strings.LastIndex(seeds["001"], "La Russie a affirmé avoir négocié")
	texts["001a"], texts["001b"] = seeds["001"][h:i], seeds["001"][j:]
	names := make([]string, 0, len(texts))
	for k := range texts {
		names = append(names, k)
	}
	sort.Strings(names)
	// The guarantee is that of exact passages: with edits, fingerprint
	// seeds give fewer short anchors than all equal shingles.
	f := passage.Finder{Params: passage.Params{MinIdentity: 1}}
	found := 0
	for _, x := range names {
		for _, y := range names {
			if x >= y {
				continue
			}
			da, _ := newDoc(texts[x])
			db, _ := newDoc(texts[y])
			fa := f.Params.AppendFingerprints(nil, da)
			fb := f.Params.AppendFingerprints(nil, db)
			got := f.Align(nil, da, db, f.AppendSeeds(nil, fa, fb))
			var all []passage.Seed
			for p, h := range da.Shingles {
				for q, g := range db.Shingles {
					if h == g {
						all = append(all, passage.Seed{A: int32(p), B: int32(q)})
					}
				}
			}
			if want := f.Align(nil, da, db, all); !slices.Equal(got, want) {
				t.Errorf("%s/%s: fingerprints give %+v, all shingles %+v", x, y, got, want)
			}
			found += len(got)
			if x == "001a" && y == "001b" {
				// The first copy is cut before "Pashinyan", the second one
				// starts with the body: the whole first copy is found.
				if len(got) != 1 || got[0].A.Start != 0 || got[0].B.Start != 0 || got[0].A.End != len(da.Tokens) {
					t.Errorf("001a/001b: %+v (%d tokens)", got, len(da.Tokens))
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("no passage found")
	}
}

// TestAppendSeedsSorted checks the merge join against AppendSeeds: the same
// seeds when no hash needs capping, valid and capped seeds otherwise.
func TestAppendSeedsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	key := func(s passage.Seed) [2]int32 { return [2]int32{s.A, s.B} }
	for trial := 0; trial < 500; trial++ {
		vocab := 2 + rng.IntN(300)
		mk := func(n int) []passage.Fingerprint {
			fps := make([]passage.Fingerprint, n)
			for i := range fps {
				fps[i] = passage.Fingerprint{Hash: uint64(rng.IntN(vocab)), Pos: int32(i)}
			}
			return fps
		}
		fa, fb := mk(rng.IntN(200)), mk(rng.IntN(200))
		want := passage.AppendSeeds(nil, fa, fb)
		sa, sb := slices.Clone(fa), slices.Clone(fb)
		rng.Shuffle(len(sa), func(i, j int) { sa[i], sa[j] = sa[j], sa[i] })
		passage.SortByHash(sa)
		passage.SortByHash(sb)
		got := passage.AppendSeedsSorted(nil, sa, sb)
		hashA := map[int32]uint64{}
		for _, f := range fa {
			hashA[f.Pos] = f.Hash
		}
		hashB := map[int32]uint64{}
		for _, f := range fb {
			hashB[f.Pos] = f.Hash
		}
		perHash := map[uint64]int{}
		for _, s := range got {
			if hashA[s.A] != hashB[s.B] {
				t.Fatalf("trial %d: seed %+v joins different hashes", trial, s)
			}
			perHash[hashA[s.A]]++
		}
		capped := false
		for h, n := range perHash {
			if n > passage.MaxPairsPerHash {
				t.Fatalf("trial %d: %d seeds for hash %d", trial, n, h)
			}
			if n == passage.MaxPairsPerHash {
				capped = true
			}
		}
		if capped {
			continue
		}
		gk, wk := make([][2]int32, 0, len(got)), make([][2]int32, 0, len(want))
		for _, s := range got {
			gk = append(gk, key(s))
		}
		for _, s := range want {
			wk = append(wk, key(s))
		}
		cmpPair := func(x, y [2]int32) int {
			if x[0] != y[0] {
				return int(x[0] - y[0])
			}
			return int(x[1] - y[1])
		}
		slices.SortFunc(gk, cmpPair)
		slices.SortFunc(wk, cmpPair)
		if !slices.Equal(gk, wk) {
			t.Fatalf("trial %d: merge join gives %d seeds, hash join %d", trial, len(gk), len(wk))
		}
	}
}
