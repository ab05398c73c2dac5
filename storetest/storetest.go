// Package storetest is the conformance suite of neardup.Store
// implementations: one set of tests that the embedded store (a
// neardup.Detector) and the Redis store both pass, so that a Stage
// behaves the same on either.
//
// A store's test calls Run with a function that returns a new, empty store
// for given options:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
//			d, err := neardup.New(opt)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return d
//		})
//	}
//
// The suite checks the decisions of a Stage on the store (new, duplicate,
// best match), that a retry of an ID changes nothing and gets the first
// answer back, that candidates are exactly the earlier entries in insertion
// order, the bucket cap and its count, the time window, malformed entries,
// and a burst in which 16 goroutines send the same articles with
// near-duplicate variants at once: of each group exactly one document is
// decided new, every document is inserted once, and nothing is lost.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neardup/neardup"
)

// OpenFunc returns a new, empty store with the given options. It may
// register cleanup with t.Cleanup.
type OpenFunc func(t *testing.T, opt neardup.Options) neardup.Store

// Run runs the conformance suite on the stores open returns, each check in
// a subtest of its own with a store of its own.
func Run(t *testing.T, open OpenFunc) {
	t.Run("Decisions", func(t *testing.T) { testDecisions(t, open) })
	t.Run("Retry", func(t *testing.T) { testRetry(t, open) })
	t.Run("Ordering", func(t *testing.T) { testOrdering(t, open) })
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open) })
	t.Run("Malformed", func(t *testing.T) { testMalformed(t, open) })
	t.Run("BucketCap", func(t *testing.T) { testBucketCap(t, open) })
	t.Run("Window", func(t *testing.T) { testWindow(t, open) })
	t.Run("Burst", func(t *testing.T) { testBurst(t, open) })
}

// t0 is the time of the suite's first document.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func stage(t *testing.T, open OpenFunc, opt neardup.Options) (*neardup.Stage, neardup.Store) {
	t.Helper()
	s := open(t, opt)
	st, err := neardup.NewStage(s)
	if err != nil {
		t.Fatalf("NewStage: %v", err)
	}
	return st, s
}

func add(t *testing.T, st *neardup.Stage, id, text string, at time.Time) neardup.Decision {
	t.Helper()
	d, err := st.AddString(context.Background(), id, text, at)
	if err != nil {
		t.Fatalf("Add(%q): %v", id, err)
	}
	return d
}

func wantNew(t *testing.T, d neardup.Decision, id string) {
	t.Helper()
	if !d.New || d.Of != "" || len(d.Matches) != 0 {
		t.Fatalf("%s: got %+v, want new", id, d)
	}
}

func wantDup(t *testing.T, d neardup.Decision, id, of string, minScore float64) {
	t.Helper()
	if d.New || d.Of != of || d.Score < minScore {
		t.Fatalf("%s: got %+v, want duplicate of %s with score >= %v", id, d, of, minScore)
	}
}

func testDecisions(t *testing.T, open OpenFunc) {
	st, _ := stage(t, open, neardup.Options{})
	gen := newArticles(1)
	a, b := gen.article(300), gen.article(300)
	wantNew(t, add(t, st, "a", a, t0), "a")
	// The same text, and a copy with other typography, are duplicates.
	wantDup(t, add(t, st, "a-copy", a, t0.Add(time.Minute)), "a-copy", "a", 1)
	wantDup(t, add(t, st, "a-typo", retype(a), t0.Add(2*time.Minute)), "a-typo", "a", 1)
	// An edited copy is a duplicate with a score below 1.
	d := add(t, st, "a-edit", edit(a, 3), t0.Add(3*time.Minute))
	if d.New || d.Score >= 1 || d.Score < 0.8 || len(d.Matches) != 3 {
		t.Fatalf("a-edit: %+v, want a duplicate of the three earlier copies", d)
	}
	// Best match first; equal scores: the earliest first.
	if d.Of != "a" || d.Matches[1].ID != "a-copy" || d.Matches[2].ID != "a-typo" {
		t.Fatalf("a-edit: matches %+v, want a, a-copy, a-typo", d.Matches)
	}
	wantNew(t, add(t, st, "b", b, t0.Add(4*time.Minute)), "b")
	if _, err := st.AddString(context.Background(), "", a, t0); !errors.Is(err, neardup.ErrEmptyID) {
		t.Fatalf("empty ID: %v, want ErrEmptyID", err)
	}
}

func testRetry(t *testing.T, open OpenFunc) {
	st, _ := stage(t, open, neardup.Options{})
	gen := newArticles(2)
	a := gen.article(250)
	first := add(t, st, "a", a, t0)
	dup := add(t, st, "b", a, t0.Add(time.Second))
	wantNew(t, first, "a")
	wantDup(t, dup, "b", "a", 1)
	for range 3 {
		// A retry of b gets b's answer; a retry of a still finds nothing:
		// b came after it.
		r := add(t, st, "b", a, t0.Add(time.Second))
		if !r.Existing {
			t.Fatalf("retry of b: %+v, want Existing", r)
		}
		wantDup(t, r, "b", "a", 1)
		r = add(t, st, "a", a, t0)
		if !r.Existing {
			t.Fatalf("retry of a: %+v, want Existing", r)
		}
		wantNew(t, r, "a")
	}
	// A retry changed nothing: a third copy matches exactly a and b.
	d := add(t, st, "c", a, t0.Add(2*time.Second))
	if len(d.Matches) != 2 || d.Matches[0].ID != "a" || d.Matches[1].ID != "b" || d.Existing {
		t.Fatalf("c: %+v, want matches a, b", d)
	}
}

func testOrdering(t *testing.T, open OpenFunc) {
	st, s := stage(t, open, neardup.Options{})
	gen := newArticles(3)
	a := gen.article(200)
	for i := range 6 {
		add(t, st, fmt.Sprint("d", i), a, t0.Add(time.Duration(i)*time.Second))
	}
	// Insert directly: candidates are every earlier entry in insertion
	// order, with their signatures.
	e := entryOf(t, s, "d6", a, t0.Add(time.Minute))
	ins, err := s.Insert(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if ins.Existing || len(ins.Candidates) != 6 {
		t.Fatalf("d6: %+v, want 6 candidates", ins)
	}
	for i, c := range ins.Candidates {
		if c.ID != fmt.Sprint("d", i) || c.Size != e.Size || string(c.Sig) != string(e.Sig) || c.SimHash != e.SimHash {
			t.Fatalf("candidate %d: %s size %d, want d%d with the same signature", i, c.ID, c.Size, i)
		}
		if !c.Time.Equal(t0.Add(time.Duration(i) * time.Second)) {
			t.Fatalf("candidate %d: time %v", i, c.Time)
		}
	}
	// The retry of d3 finds d0, d1, d2 only.
	e3 := entryOf(t, s, "d3", a, t0)
	ins, err = s.Insert(context.Background(), e3)
	if err != nil {
		t.Fatal(err)
	}
	if !ins.Existing || len(ins.Candidates) != 3 || ins.Candidates[2].ID != "d2" {
		t.Fatalf("retry of d3: %+v", ins)
	}
	// Insert does not retain the caller's slices.
	e.ID = "d7"
	for i := range e.Sig {
		e.Sig[i] = 0
	}
	ins, err = s.Insert(context.Background(), e)
	if err != nil || len(ins.Candidates) != 7 {
		t.Fatalf("d7: %v %+v", err, ins)
	}
	if d := add(t, st, "d8", a, t0.Add(time.Hour)); d.Of != "d0" || len(d.Matches) != 7 {
		t.Fatalf("d8: %+v, want 7 matches (not d7, whose signature was zeroed) led by d0", d)
	}
}

func testEmpty(t *testing.T, open OpenFunc) {
	st, _ := stage(t, open, neardup.Options{})
	for _, text := range []string{"", "   \n\t", "« » … — !?"} {
		d := add(t, st, "empty", text, t0)
		if !d.New {
			t.Fatalf("empty text %q: %+v", text, d)
		}
	}
	// The ID was taken by the first call; the others were retries.
	if d := add(t, st, "empty", "", t0); !d.Existing {
		t.Fatalf("retry of an empty text: %+v", d)
	}
	if d := add(t, st, "other-empty", "", t0); !d.New || d.Existing {
		t.Fatalf("two empty texts are not duplicates: %+v", d)
	}
}

func testMalformed(t *testing.T, open OpenFunc) {
	st, s := stage(t, open, neardup.Options{})
	gen := newArticles(4)
	a := gen.article(200)
	good := entryOf(t, s, "x", a, t0)
	bad := []*neardup.Entry{
		{ID: "", Size: good.Size, Keys: good.Keys, Sig: good.Sig},
		{ID: "x", Size: good.Size, Keys: good.Keys[1:], Sig: good.Sig},
		{ID: "x", Size: good.Size, Keys: good.Keys, Sig: good.Sig[1:]},
		{ID: "x", Size: 0, Keys: good.Keys},
		{ID: "x", Size: -1},
	}
	for i, e := range bad {
		if _, err := s.Insert(context.Background(), e); !errors.Is(err, neardup.ErrEntry) {
			t.Fatalf("malformed entry %d: %v, want ErrEntry", i, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Insert(ctx, good); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	// Nothing of the refused entries was stored.
	wantNew(t, add(t, st, "x", a, t0), "x")
}

func testBucketCap(t *testing.T, open OpenFunc) {
	const max = 3
	st, s := stage(t, open, neardup.Options{BucketCap: max})
	a := newArticles(5).article(200)
	bands := len(entryOf(t, s, "probe", a, t0).Keys)
	for i := range 5 {
		d := add(t, st, fmt.Sprint("c", i), a, t0)
		want := 0
		if i >= max {
			want = bands
		}
		if d.Capped != want {
			t.Fatalf("copy %d: Capped %d, want %d", i, d.Capped, want)
		}
		if i > 0 && d.Of != "c0" {
			t.Fatalf("copy %d: %+v", i, d)
		}
	}
	// The buckets hold the first three copies only: a sixth finds those,
	// not the copies left out.
	ins, err := s.Insert(context.Background(), entryOf(t, s, "c5", a, t0))
	if err != nil || len(ins.Candidates) != max || ins.Capped != bands {
		t.Fatalf("c5: %v %+v", err, ins)
	}
}

func testWindow(t *testing.T, open OpenFunc) {
	st, _ := stage(t, open, neardup.Options{Window: time.Hour})
	a := newArticles(6).article(200)
	wantNew(t, add(t, st, "a", a, t0), "a")
	wantDup(t, add(t, st, "b", a, t0.Add(30*time.Minute)), "b", "a", 1)
	// Five hours later both are out of the window.
	wantNew(t, add(t, st, "c", a, t0.Add(5*time.Hour)), "c")
	wantDup(t, add(t, st, "d", a, t0.Add(5*time.Hour+time.Minute)), "d", "c", 1)
}

// testBurst sends the same articles from 16 goroutines at once.
func testBurst(t *testing.T, open OpenFunc) {
	groups, workers := 250, 16
	if testing.Short() {
		groups, workers = 50, 8
	}
	st, _ := stage(t, open, neardup.Options{})
	gen := newArticles(7)
	type doc struct {
		id, text string
		group    int
	}
	var docs []doc
	for g := range groups {
		a := gen.article(150 + gen.rng.IntN(300))
		for v, text := range []string{a, retype(a), edit(a, 1), a + " " + gen.sentence(12)} {
			docs = append(docs, doc{fmt.Sprintf("g%d-v%d", g, v), text, g})
		}
	}
	type outcome struct {
		dec neardup.Decision
		err error
	}
	results := make([][]outcome, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			order := rand.New(rand.NewPCG(uint64(w), 99)).Perm(len(docs))
			out := make([]outcome, len(docs))
			<-start
			for _, i := range order {
				d, err := st.AddString(context.Background(), docs[i].id, docs[i].text, t0)
				out[i] = outcome{d, err}
			}
			results[w] = out
		}()
	}
	close(start)
	wg.Wait()
	newPerGroup := make([]int, groups)
	for i, d := range docs {
		inserted, isNew := 0, 0
		for w := range workers {
			o := results[w][i]
			if o.err != nil {
				t.Fatalf("worker %d, %s: %v", w, d.id, o.err)
			}
			if !o.dec.Existing {
				inserted++
			}
			if o.dec.New {
				isNew++
			}
			if !o.dec.New && !strings.HasPrefix(o.dec.Of, fmt.Sprintf("g%d-", d.group)) {
				t.Fatalf("%s: duplicate of %s, another group", d.id, o.dec.Of)
			}
		}
		if inserted != 1 {
			t.Fatalf("%s: inserted by %d workers, want 1", d.id, inserted)
		}
		if isNew != 0 && isNew != workers {
			t.Fatalf("%s: new for %d of %d workers: retries must agree", d.id, isNew, workers)
		}
		if isNew == workers {
			newPerGroup[d.group]++
		}
	}
	for g, n := range newPerGroup {
		if n != 1 {
			t.Fatalf("group %d: %d documents decided new, want exactly 1", g, n)
		}
	}
	// Nothing lost: every document is stored.
	for _, d := range docs {
		if dec := add(t, st, d.id, d.text, t0); !dec.Existing {
			t.Fatalf("%s: not stored after the burst", d.id)
		}
	}
}

// entryOf returns the entry a Stage with the store's options computes.
func entryOf(t *testing.T, s neardup.Store, id, text string, at time.Time) *neardup.Entry {
	t.Helper()
	e, err := neardup.SignEntry(s.Options(), id, []byte(text), at)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// articles generates French-looking articles from a fixed seed.
type articles struct {
	rng   *rand.Rand
	words []string
}

func newArticles(seed uint64) *articles {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	syll := []string{"ba", "de", "la", "mi", "ro", "su", "té", "gné", "vou", "pri", "ché", "an", "on", "eu", "tri", "cla", "mé", "zo", "fé", "quin"}
	a := &articles{rng: rng}
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		a.words = append(a.words, b.String())
	}
	return a
}

func (a *articles) sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = a.words[a.rng.IntN(len(a.words))]
	}
	return strings.Join(w, " ") + "."
}

func (a *articles) article(n int) string {
	var parts []string
	for n > 0 {
		k := min(n, 8+a.rng.IntN(16))
		parts = append(parts, a.sentence(k))
		n -= k
	}
	return strings.Join(parts, " ")
}

// retype changes typography only: capitals, no-break spaces, curly
// apostrophes. Normalization undoes it.
func retype(s string) string {
	s = strings.ToUpper(s[:1]) + s[1:]
	s = strings.ReplaceAll(s, ". ", ".\u00a0 ")
	return strings.ReplaceAll(s, "'", "\u2019")
}

// edit replaces n words near the end of s by other words.
func edit(s string, n int) string {
	w := strings.Fields(s)
	for i := range n {
		p := len(w) - 3 - 7*i
		if p >= 0 {
			w[p] = "remplacé" + fmt.Sprint(i)
		}
	}
	return strings.Join(w, " ")
}
