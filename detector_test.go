package neardup

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func readSeeds(t testing.TB) (names []string, texts []string) {
	t.Helper()
	files, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("seed articles: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(f)[:3])
		texts = append(texts, string(b))
	}
	return names, texts
}

// vocabulary of distinct words for synthetic documents.
func word(i int) string { return fmt.Sprintf("mot%d", i) }

// synthDoc returns n random words from a large vocabulary.
func synthDoc(rng *rand.Rand, n int) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = word(rng.IntN(1 << 20))
	}
	return w
}

// exactJaccard computes the Jaccard similarity of two texts' shingle sets
// with the detector's own pipeline, independently of the index.
func exactJaccard(t testing.TB, a, b string) float64 {
	s, err := NewSigner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.SignString(a)
	set := map[uint64]bool{}
	for _, h := range s.Set() {
		set[h] = true
	}
	s.SignString(b)
	inter := 0
	for _, h := range s.Set() {
		if set[h] {
			inter++
		}
	}
	union := len(set) + len(s.Set()) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func TestSeedsAreNotNearDuplicates(t *testing.T) {
	names, texts := readSeeds(t)
	d, err := New(Options{KeepShingles: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, txt := range texts {
		res, err := d.AddString(names[i], txt)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) != 0 {
			t.Errorf("seed %s matches %+v", names[i], res.Matches)
		}
	}
	// The same article under another ID is an exact duplicate; a copy with
	// a changed title too.
	res, err := d.AddString("001-copy", texts[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 1 || res.Matches[0].ID != "001" || res.Matches[0].Jaccard != 1 || !res.Matches[0].Exact || res.Matches[0].Hamming != 0 {
		t.Fatalf("copy of 001: %+v", res.Matches)
	}
	edited := strings.Replace(texts[0], "L’Australie refuse un visa à Ayelet Shaked", "Arménie-Azerbaïdjan : Washington préoccupé", 1)
	want := exactJaccard(t, texts[0], edited)
	res = d.QueryString(edited)
	if len(res.Matches) != 1 || res.Matches[0].ID != "000" || res.Matches[0].Jaccard != want {
		t.Fatalf("retitled 000: %+v, want J=%v", res.Matches, want)
	}
	if want < 0.95 || want >= 1 {
		t.Fatalf("retitled 000 has J=%v, want in [0.95, 1)", want)
	}
	if d.Len() != 6 {
		t.Fatalf("Len = %d, want 6 (Query must not index)", d.Len())
	}
}

// mutate replaces a share p of the words of w with fresh words.
func mutate(rng *rand.Rand, w []string, p float64) []string {
	out := append([]string(nil), w...)
	for i := range out {
		if rng.Float64() < p {
			out[i] = word(rng.IntN(1<<20) + 1<<21)
		}
	}
	return out
}

// TestSyntheticRecall checks that every pair at or above the threshold is
// reported with its exact Jaccard, and nothing below it, on a synthetic
// corpus with variants spread over the whole similarity range.
func TestSyntheticRecall(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var texts []string
	for i := 0; i < 80; i++ {
		base := synthDoc(rng, 200+rng.IntN(400))
		texts = append(texts, strings.Join(base, " "))
		for v := 0; v < 3; v++ {
			texts = append(texts, strings.Join(mutate(rng, base, rng.Float64()*0.06), " "))
		}
	}
	for _, th := range []float64{0.5, 0.8} {
		d, err := New(Options{Threshold: th, KeepShingles: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]float64{}
		for i, txt := range texts {
			res, err := d.AddString(fmt.Sprint(i), txt)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Matches {
				var j int
				fmt.Sscan(m.ID, &j)
				got[[2]int{j, i}] = m.Jaccard
			}
		}
		want := 0
		for i := range texts {
			for j := i + 1; j < len(texts) && j < i+4; j++ { // variants are within 4 positions
				ex := exactJaccard(t, texts[i], texts[j])
				g, ok := got[[2]int{i, j}]
				if ex >= th {
					want++
					if !ok {
						t.Errorf("threshold %v: pair %d,%d (J=%.3f) missed", th, i, j, ex)
					} else if g != ex {
						t.Errorf("threshold %v: pair %d,%d score %v, exact %v", th, i, j, g, ex)
					}
				} else if ok {
					t.Errorf("threshold %v: pair %d,%d (J=%.3f) reported", th, i, j, ex)
				}
			}
		}
		if len(got) != want {
			t.Errorf("threshold %v: %d pairs reported, %d expected", th, len(got), want)
		}
		if want < 80 {
			t.Fatalf("threshold %v: only %d true pairs; the corpus does not exercise the threshold", th, want)
		}
	}
}

func TestShortDocumentsDoNotCluster(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"Oui.", "Non !", "Lire aussi", "Voir la vidéo", "A lire", "Se connecter", "S'inscrire", "Retour en haut", "1", "2", "Publicité"}
	for i, txt := range texts {
		res, err := d.AddString(fmt.Sprint(i), txt)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) != 0 {
			t.Errorf("%q matches %+v", txt, res.Matches)
		}
	}
	// The same short text does match.
	res, _ := d.AddString("again", "Voir la vidéo")
	if len(res.Matches) != 1 || res.Matches[0].ID != "3" {
		t.Errorf("repeated short text: %+v", res.Matches)
	}
	if c := d.Clusters(); len(c) != 1 || len(c[0].Members) != 2 {
		t.Errorf("clusters %+v", c)
	}
}

func TestIDErrors(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddString("", "texte"); !errors.Is(err, ErrEmptyID) {
		t.Errorf("empty ID: %v", err)
	}
	if _, err := d.AddString("a", "un texte assez long pour avoir des bardeaux de cinq mots"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddString("a", "autre chose"); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate ID: %v", err)
	}
	if err := d.Remove("zz"); !errors.Is(err, ErrUnknownID) {
		t.Errorf("unknown ID: %v", err)
	}
	if d.Len() != 1 {
		t.Fatalf("Len = %d after failed calls", d.Len())
	}
	// Still usable: the first document is found, removal works, the ID is
	// free again.
	if res := d.QueryString("un texte assez long pour avoir des bardeaux de cinq mots"); len(res.Matches) != 1 {
		t.Fatalf("query after errors: %+v", res)
	}
	if err := d.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if res := d.QueryString("un texte assez long pour avoir des bardeaux de cinq mots"); len(res.Matches) != 0 {
		t.Fatalf("removed document still matches: %+v", res)
	}
	if _, err := d.AddString("a", "x"); err != nil {
		t.Fatalf("re-adding a removed ID: %v", err)
	}
	if _, err := New(Options{Threshold: 1.5}); !errors.Is(err, ErrOptions) {
		t.Errorf("bad threshold: %v", err)
	}
	if _, err := New(Options{Threshold: 0.5, CandidateThreshold: 0.7}); !errors.Is(err, ErrOptions) {
		t.Errorf("candidate threshold above threshold: %v", err)
	}
}

func TestBadInputs(t *testing.T) {
	d, err := New(Options{KeepShingles: true})
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{
		"empty":                              "",
		"spaces":                             " \t\n\u00a0\u202f ",
		"invalid":                            "caf\xe9 \xff\xfe au lait \xc3",
		"nul":                                "a\x00b\x00c d e f g h",
		"longword":                           strings.Repeat("x", 10000),
		"punct":                              "«»!?…—–-",
		"crlf":                               "ligne un\r\nligne deux\r\nligne trois",
		"longid" + strings.Repeat("i", 5000): "texte",
	}
	for id, txt := range inputs {
		if _, err := d.AddString(id, txt); err != nil {
			t.Errorf("%.10s: %v", id, err)
		}
	}
	if d.Len() != len(inputs) {
		t.Fatalf("Len = %d", d.Len())
	}
	// Empty and separator-only texts match nothing, not even each other.
	res, _ := d.AddString("empty2", "")
	if len(res.Matches) != 0 {
		t.Errorf("empty text matches %+v", res.Matches)
	}
}

func TestConcurrentSameArticle(t *testing.T) {
	_, texts := readSeeds(t)
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	var wg sync.WaitGroup
	news := make(chan string, workers*len(texts))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, txt := range texts {
				id := fmt.Sprintf("w%d-%d", w, i)
				res, err := d.AddString(id, txt)
				if err != nil {
					t.Error(err)
					return
				}
				if len(res.Matches) == 0 {
					news <- fmt.Sprint(i)
				}
				d.QueryString(txt)
			}
		}()
	}
	wg.Wait()
	close(news)
	count := map[string]int{}
	for s := range news {
		count[s]++
	}
	for i := range texts {
		if count[fmt.Sprint(i)] != 1 {
			t.Errorf("article %d accepted as new %d times, want exactly once", i, count[fmt.Sprint(i)])
		}
	}
	if d.Len() != workers*len(texts) {
		t.Errorf("Len = %d", d.Len())
	}
}

func TestClustersExplainChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := synthDoc(rng, 400)
	// b shares ~90% with a; c shares ~90% with b but less with a.
	b := append(append([]string(nil), a[:360]...), synthDoc(rng, 40)...)
	c := append(append([]string(nil), b[40:]...), synthDoc(rng, 40)...)
	d, err := New(Options{KeepShingles: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		id string
		w  []string
	}{{"a", a}, {"other", synthDoc(rng, 300)}, {"b", b}, {"c", c}} {
		if _, err := d.AddString(x.id, strings.Join(x.w, " ")); err != nil {
			t.Fatal(err)
		}
	}
	if j := exactJaccard(t, strings.Join(a, " "), strings.Join(c, " ")); j >= 0.8 {
		t.Fatalf("a~c = %v: test corpus is not a chain", j)
	}
	cl := d.Clusters()
	if len(cl) != 1 || cl[0].Representative != "a" || strings.Join(cl[0].Members, ",") != "a,b,c" {
		t.Fatalf("clusters = %+v", cl)
	}
	if len(cl[0].Links) != 2 || cl[0].Links[0].A != "a" || cl[0].Links[0].B != "b" || cl[0].Links[1].A != "b" || cl[0].Links[1].B != "c" {
		t.Fatalf("links = %+v", cl[0].Links)
	}
	// Removing the representative hands over to b; the link through a is
	// kept, marked removed.
	if err := d.Remove("a"); err != nil {
		t.Fatal(err)
	}
	cl = d.Clusters()
	if len(cl) != 1 || cl[0].Representative != "b" || strings.Join(cl[0].Members, ",") != "b,c" {
		t.Fatalf("after removal: %+v", cl)
	}
	if l := cl[0].Links; len(l) != 2 || l[0].A != "a" || !l[0].Removed || l[1].A != "b" || l[1].Removed {
		t.Fatalf("links after removal: %+v", l)
	}
	// Removing b leaves c alone: no cluster is reported, and the links
	// with no indexed end are gone.
	if err := d.Remove("b"); err != nil {
		t.Fatal(err)
	}
	if cl = d.Clusters(); len(cl) != 0 {
		t.Fatalf("after removing b: %+v", cl)
	}
}

// synthCorpus returns n documents of about words words each, every tenth a
// near-duplicate of the one before.
func synthCorpus(n, words int) []string {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	out := make([]string, n)
	var prev []string
	for i := range out {
		var w []string
		if i%10 == 9 && prev != nil {
			w = mutate(rng, prev, 0.02)
		} else {
			w = synthDoc(rng, words)
		}
		out[i], prev = strings.Join(w, " "), w
	}
	return out
}
