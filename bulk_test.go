package neardup

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bulkCorpus is the seed articles, then news-like articles of which every
// tenth is a near-duplicate of an earlier one and some quote earlier ones,
// with a repeated ID and an empty one among them.
func bulkCorpus(t testing.TB, n int) (ids, texts []string) {
	_, seeds := readSeeds(t)
	for i, s := range seeds {
		ids, texts = append(ids, fmt.Sprint("seed", i)), append(texts, s)
	}
	g := newNewsLike(t, 11)
	for i := range n {
		txt := g.next(150 + i%300)
		if i%17 == 5 {
			txt += " " + seeds[i%len(seeds)][:1500] // a quoted passage
		}
		ids, texts = append(ids, fmt.Sprint("n", i)), append(texts, txt)
	}
	ids[len(ids)/2] = ids[3] // a duplicate ID
	ids[len(ids)/3] = ""     // an empty one
	texts = append(texts, "", "   ", "\xff\xfe invalide")
	ids = append(ids, "empty", "blank", "invalid")
	return ids, texts
}

func pairs(ids, texts []string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range ids {
			if !yield(ids[i], texts[i]) {
				return
			}
		}
	}
}

type outcome struct {
	Res Result
	Err string
}

// TestAddAllMatchesLoop checks that AddAll yields exactly the results of a
// loop of AddString, in input order, and leaves the same clusters,
// whatever the number of cores, for several option sets.
func TestAddAllMatchesLoop(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 120
	}
	ids, texts := bulkCorpus(t, n)
	for _, opt := range []Options{
		{},
		{KeepShingles: true, Threshold: 0.5},
		{Passages: true, KeepShingles: true, Threshold: 0.5},
		{Containment: 0.8, IgnoreBoilerplate: true, BoilerplateDF: 3},
		{MaxHamming: 6, Threshold: 0.6},
	} {
		ref, err := New(opt)
		if err != nil {
			t.Fatal(err)
		}
		var want []outcome
		for i := range ids {
			res, err := ref.AddString(ids[i], texts[i])
			want = append(want, outcome{res, fmt.Sprint(err)})
		}
		for _, procs := range []int{1, 2, 8} {
			t.Run(fmt.Sprintf("%+v/procs=%d", opt, procs), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				d, err := New(opt)
				if err != nil {
					t.Fatal(err)
				}
				var got []outcome
				for res, err := range d.AddAll(pairs(ids, texts)) {
					got = append(got, outcome{res, fmt.Sprint(err)})
				}
				if len(got) != len(want) {
					t.Fatalf("%d results, want %d", len(got), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("document %d (%q): AddAll gave\n%+v\nAddString gave\n%+v", i, ids[i], got[i], want[i])
					}
				}
				if !reflect.DeepEqual(d.Clusters(), ref.Clusters()) {
					t.Error("clusters differ")
				}
				if d.Len() != ref.Len() {
					t.Errorf("Len = %d, want %d", d.Len(), ref.Len())
				}
			})
		}
	}
}

// TestAddAllFindsSomething guards TestAddAllMatchesLoop against a corpus
// in which nothing matches.
func TestAddAllFindsSomething(t *testing.T) {
	ids, texts := bulkCorpus(t, 120)
	d, err := New(Options{Passages: true, KeepShingles: true, Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	matches, passages, dup, empty := 0, 0, 0, 0
	for res, err := range d.AddAll(pairs(ids, texts)) {
		matches += len(res.Matches)
		passages += len(res.Passages)
		if errors.Is(err, ErrDuplicateID) {
			dup++
		}
		if errors.Is(err, ErrEmptyID) {
			empty++
		}
	}
	if matches < 5 || passages < 5 || dup != 1 || empty != 1 {
		t.Fatalf("matches %d, passages %d, duplicate IDs %d, empty IDs %d", matches, passages, dup, empty)
	}
}

func TestAddAllStop(t *testing.T) {
	ids, texts := bulkCorpus(t, 200)
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range d.AddAll(pairs(ids, texts)) {
		n++
		if n == 50 {
			break
		}
	}
	time.Sleep(10 * time.Millisecond) // signing in the background must add nothing
	if d.Len() != 50 {
		t.Fatalf("Len = %d after stopping at 50 results", d.Len())
	}
	if !d.Contains(ids[49]) || d.Contains(ids[50]) {
		t.Fatal("the documents added are not the first 50")
	}
}

func TestSigned(t *testing.T) {
	_, seeds := readSeeds(t)
	d, _ := New(Options{Passages: true})
	other, _ := New(Options{})
	s := d.SignString(seeds[0])
	if s.Tokens() <= 0 {
		t.Fatalf("Tokens = %d", s.Tokens())
	}
	if _, err := other.AddSigned("x", s, t0); !errors.Is(err, ErrSigned) {
		t.Fatalf("AddSigned on another detector: %v", err)
	}
	if _, err := d.AddSigned("a", s, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddSigned("b", s, t0); !errors.Is(err, ErrSigned) {
		t.Fatalf("second AddSigned: %v", err)
	}
	if s.Tokens() != -1 {
		t.Fatalf("Tokens after use = %d", s.Tokens())
	}
	if _, err := d.QuerySigned(nil); !errors.Is(err, ErrSigned) {
		t.Fatalf("QuerySigned(nil): %v", err)
	}
	if _, err := d.AddSigned("", d.SignString("x"), t0); !errors.Is(err, ErrEmptyID) {
		t.Fatalf("empty ID: %v", err)
	}
	if _, err := d.AddSigned("a", d.Sign([]byte(seeds[1])), t0); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("duplicate ID: %v", err)
	}
	q, err := d.QuerySigned(d.Sign([]byte(seeds[0])))
	if err != nil || len(q.Matches) != 1 || q.Matches[0].ID != "a" || q.Matches[0].Jaccard < 0.99 {
		t.Fatalf("QuerySigned: %+v, %v", q, err)
	}
	if d.Len() != 1 {
		t.Fatalf("Len = %d, want 1", d.Len())
	}
	want := d.QueryString(seeds[1])
	got, _ := d.QuerySigned(d.SignString(seeds[1]))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("QuerySigned %+v, QueryString %+v", got, want)
	}
}

func TestSignedAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	_, seeds := readSeeds(t)
	d, _ := New(Options{})
	d.AddString("a", seeds[0])
	text := []byte(seeds[1])
	// Signing allocates the Signed itself; querying only the result.
	n := testing.AllocsPerRun(50, func() {
		if _, err := d.QuerySigned(d.Sign(text)); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2 {
		t.Errorf("Sign + QuerySigned: %v allocations, want at most 2", n)
	}
}

func TestAddSignedIf(t *testing.T) {
	_, seeds := readSeeds(t)
	dir := t.TempDir()
	d, err := Open(dir, Options{KeepShingles: true, Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	unlessDup := func(r *Result) bool { _, dup := r.Duplicate(0.8); return !dup }
	if _, added, err := d.AddSignedIf("a", d.SignString(seeds[0]), t0, unlessDup); err != nil || !added {
		t.Fatalf("first copy: added %v, %v", added, err)
	}
	res, added, err := d.AddSignedIf("b", d.SignString(seeds[0]+" Fin."), t0, unlessDup)
	if err != nil || added || len(res.Matches) != 1 || res.Matches[0].ID != "a" || res.Passages != nil {
		t.Fatalf("near copy: %+v, added %v, %v", res, added, err)
	}
	if d.Contains("b") || d.Len() != 1 {
		t.Fatal("a refused document was indexed")
	}
	// Its ID stays free, and nothing of it is found by later documents.
	if _, added, err := d.AddSignedIf("b", d.SignString(seeds[2]), t0, unlessDup); err != nil || !added {
		t.Fatalf("reusing the refused ID: added %v, %v", added, err)
	}
	if _, _, err := d.AddSignedIf("b", d.SignString(seeds[3]), t0, unlessDup); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("taken ID: %v", err)
	}
	q := d.QueryString(seeds[0] + " Fin.")
	if len(q.Matches) != 1 || q.Matches[0].ID != "a" {
		t.Fatalf("query after refusal: %+v", q.Matches)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, err := Open(dir, Options{KeepShingles: true, Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if d2.Len() != 2 || !d2.Contains("a") || !d2.Contains("b") {
		t.Fatalf("reopened: Len %d", d2.Len())
	}
	if got := d2.QueryString(seeds[2]); len(got.Matches) != 1 || got.Matches[0].ID != "b" {
		t.Fatalf("reopened query: %+v", got.Matches)
	}
}

// TestReserve: reserving changes no result, and the tables do not grow
// while the reserved documents are added.
func TestReserve(t *testing.T) {
	ids, texts := bulkCorpus(t, 300)
	ref, _ := New(Options{KeepShingles: true, Threshold: 0.5})
	d, _ := New(Options{KeepShingles: true, Threshold: 0.5})
	d.Reserve(len(ids), 0)
	d.Reserve(0, 100)
	grown, refStart := d.lsh.MemoryBytes(), ref.lsh.MemoryBytes()
	for i := range ids {
		want, werr := ref.AddString(ids[i], texts[i])
		got, err := d.AddString(ids[i], texts[i])
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("document %d: %+v %v, want %+v %v", i, got, err, want, werr)
		}
	}
	if m := d.lsh.MemoryBytes(); m != grown {
		t.Fatalf("the LSH tables grew from %d to %d bytes after Reserve", grown, m)
	}
	if ref.lsh.MemoryBytes() == refStart {
		t.Fatal("without Reserve the tables did not grow either: the test shows nothing")
	}
	// With passages, the words size the fingerprint postings as well.
	ref, _ = New(Options{Passages: true})
	d, _ = New(Options{Passages: true})
	words := 0
	for _, txt := range texts {
		words += strings.Count(String(txt, Options{}), " ") + 1
	}
	d.Reserve(len(ids), words)
	fpStart, refFP := d.fpIndex.MemoryBytes(), ref.fpIndex.MemoryBytes()
	for i := range ids {
		want, werr := ref.AddString(ids[i], texts[i])
		got, err := d.AddString(ids[i], texts[i])
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("passages, document %d: %+v %v, want %+v %v", i, got, err, want, werr)
		}
	}
	if d.fpIndex.Len() == 0 || ref.fpIndex.MemoryBytes() == refFP {
		t.Fatal("no fingerprints were indexed")
	}
	if fpStart <= refFP {
		t.Fatalf("Reserve did not size the postings: %d bytes, %d without", fpStart, refFP)
	}
}
