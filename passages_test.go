package neardup

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neardup/neardup/passage"
)

// overlap returns the length of the intersection of [a0,a1) and [b0,b1).
func overlap(a0, a1, b0, b1 int) int { return max(0, min(a1, b1)-max(a0, b0)) }

// span returns the byte range from the n-th occurrence (0-based) of from to
// the end of the first occurrence of to after it.
func span(t *testing.T, text, from, to string, n int) (int, int) {
	t.Helper()
	s := -1
	for i, off := 0, 0; i <= n; i++ {
		j := strings.Index(text[off:], from)
		if j < 0 {
			t.Fatalf("occurrence %d of %q not found", n, from)
		}
		s, off = off+j, off+j+1
	}
	e := strings.Index(text[s:], to)
	if e < 0 {
		t.Fatalf("%q not found after %q", to, from)
	}
	return s, s + e + len(to)
}

func addSeeds(t *testing.T, opt Options) (map[string]string, map[string]Result) {
	t.Helper()
	names, texts := readSeeds(t)
	d, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	byName, res := map[string]string{}, map[string]Result{}
	for i, n := range names {
		r, err := d.AddString(n, texts[i])
		if err != nil {
			t.Fatal(err)
		}
		byName[n], res[n] = texts[i], r
	}
	return byName, res
}

// TestSeedRepeatedBody pins the repeats of article 001: its body appears
// twice (the first copy interrupted by a "Nostress Media Ltd" line and cut
// off in "profondéme"), and its final fragment repeats the end of the
// preceding paragraph.
func TestSeedRepeatedBody(t *testing.T) {
	texts, res := addSeeds(t, Options{Passages: true})
	text := texts["001"]
	c1s, c1e := span(t, text, "La Russie a affirmé avoir négocié", "profondéme", 0)
	c2s, c2e := span(t, text, "La Russie a affirmé avoir négocié", "l’arrêt immédiat des hostilités\u00a0»", 1)
	f1s, f1e := span(t, text, "préoccupés par les informations", "toutes les hostilités militaires.\u00a0»", 0)
	f2s, f2e := span(t, text, "préoccupés par les informations", "toutes les hostilités militaires.\u00a0»", 1)
	if strings.Count(text[c1s:c1e], "Nostress Media Ltd") != 1 {
		t.Fatalf("test setup: first copy should hold the inserted line")
	}
	var body, frag bool
	for _, p := range res["001"].Passages {
		if !p.Repeat("001") {
			continue
		}
		if p.OtherEnd > p.Start {
			t.Errorf("repeat overlaps its own copy: %+v", p)
		}
		if overlap(p.OtherStart, p.OtherEnd, c1s, c1e) >= 95*(c1e-c1s)/100 &&
			overlap(p.Start, p.End, c2s, c2e) >= 95*(c2e-c2s)/100 {
			body = true
			// Exact ranges: from the first "La Russie" to "Les États-Unis
			// sont", where the first copy is cut off.
			if p.OtherStart != 182 || p.OtherEnd != 4888 || p.Start != 4902 || p.End != 9589 {
				t.Errorf("body repeat at [%d,%d) ~ [%d,%d), want [182,4888) ~ [4902,9589)", p.OtherStart, p.OtherEnd, p.Start, p.End)
			}
		}
		if overlap(p.OtherStart, p.OtherEnd, f1s, f1e) >= 95*(f1e-f1s)/100 &&
			overlap(p.Start, p.End, f2s, f2e) >= 95*(f2e-f2s)/100 {
			frag = true
		}
	}
	if !body {
		t.Errorf("the doubled body of 001 is not reported as one repeat: %+v", res["001"].Passages)
	}
	if !frag {
		t.Errorf("the final fragment of 001 is not reported against its earlier occurrence")
	}
}

// TestSeedSharedQuotes pins the passages shared between seed articles and
// shows what the minimum length decides.
func TestSeedSharedQuotes(t *testing.T) {
	quote1 := "Les États-Unis sont profondément préoccupés par les informations faisant état" // 11 words
	quote2 := "les frappes signalées contre des colonies et des infrastructures civiles"      // 10 words
	common := "le ministère azerbaïdjanais de la Défense"                                     // in 000, 001, 003, 004
	type pair struct{ a, b, text string }
	find := func(texts map[string]string, res map[string]Result) map[pair]bool {
		got := map[pair]bool{}
		for id, r := range res {
			for _, p := range r.Passages {
				if p.Repeat(id) {
					continue
				}
				got[pair{id, p.OtherID, texts[id][p.Start:p.End]}] = true
				// Both sides hold the same words, or an alignment of them
				// at the identity floor.
				a := String(texts[id][p.Start:p.End], Options{})
				b := String(texts[p.OtherID][p.OtherStart:p.OtherEnd], Options{})
				if p.Identity < 1 && p.Identity >= passage.DefaultMinIdentity && p.Substituted+p.Inserted+p.Deleted > 0 {
					continue
				}
				if a != b || p.Identity != 1 {
					t.Errorf("%s %q ~ %s %q differ", id, texts[id][p.Start:p.End], p.OtherID, texts[p.OtherID][p.OtherStart:p.OtherEnd])
				}
			}
		}
		return got
	}
	// The default minimum (10 words) finds both quotes and no common
	// phrase.
	texts, res := addSeeds(t, Options{Passages: true})
	got := find(texts, res)
	want := map[pair]bool{{"001", "000", quote1}: true, {"002", "001", quote2}: true}
	if len(got) != len(want) || !got[pair{"001", "000", quote1}] || !got[pair{"002", "001", quote2}] {
		t.Errorf("default: got %v, want %v", got, want)
	}
	// A minimum of 8 words still finds both quotes, but also common phrases
	// of 8 or 9 words such as "Le ministère azerbaïdjanais de la Défense a
	// accusé": why the default is 10.
	texts, res = addSeeds(t, Options{Passages: true, Passage: passage.Params{MinWords: 8}})
	got = find(texts, res)
	if !got[pair{"001", "000", quote1}] || !got[pair{"002", "001", quote2}] {
		t.Errorf("MinWords 8: quotes not found: %v", got)
	}
	// One more is a common phrase with one word changed, aligned through
	// the edit: "a exigé mardi" ~ "a déclaré, mardi".
	edited := pair{"003", "000", "Le ministère azerbaïdjanais de la Défense a exigé mardi dans un communiqué"}
	if !got[pair{"004", "001", "Le ministère azerbaïdjanais de la Défense a accusé"}] || !got[edited] || len(got) != 8 {
		t.Errorf("MinWords 8: got %d passages %v, want the 2 quotes, 5 common phrases and 1 edited one", len(got), got)
	}
	for g := range got {
		if strings.Contains(strings.ToLower(g.text), strings.ToLower(common)) && len(strings.Fields(g.text)) < 8 {
			t.Errorf("MinWords 8: phrase shorter than 8 words reported: %+v", g)
		}
	}
	// With a minimum of 11 words, only the longer quote is left.
	texts, res = addSeeds(t, Options{Passages: true, Passage: passage.Params{MinWords: 11}})
	got = find(texts, res)
	if !got[pair{"001", "000", quote1}] || len(got) != 1 {
		t.Errorf("MinWords 11: got %v, want only the 11-word quote", got)
	}
	// Offsets of the Blinken quote in both articles.
	for _, p := range res["001"].Passages {
		if p.OtherID == "000" && (p.Start != 9569 || p.End != 9651 || p.OtherStart != 200 || p.OtherEnd != 282) {
			t.Errorf("quote at 001[%d,%d) ~ 000[%d,%d), want 001[9569,9651) ~ 000[200,282)", p.Start, p.End, p.OtherStart, p.OtherEnd)
		}
	}
}

func TestBoilerplateFlag(t *testing.T) {
	footer := " Se connecter. S'inscrire. Réinitialiser le mot de passe. Veuillez saisir votre identifiant ou votre adresse e-mail. Retour en haut."
	d, err := New(Options{Passages: true, BoilerplateDF: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		body := strings.Repeat(word(i*1000)+" ", 0)
		for j := 0; j < 40; j++ {
			body += word(i*1000+j) + " "
		}
		res, err := d.AddString(word(i), body+footer)
		if err != nil {
			t.Fatal(err)
		}
		var flagged, plain int
		for _, p := range res.Passages {
			if p.Boilerplate {
				flagged++
			} else {
				plain++
			}
		}
		switch {
		case i == 0 && len(res.Passages) != 0:
			t.Errorf("doc %d: %d passages, want none", i, len(res.Passages))
		case i > 0 && i < 3 && (plain == 0 || flagged != 0):
			t.Errorf("doc %d: footer shared with %d documents flagged %d, plain %d", i, i, flagged, plain)
		case i >= 3 && (flagged == 0 || plain != 0):
			t.Errorf("doc %d: footer shared with %d documents flagged %d, plain %d", i, i, flagged, plain)
		}
	}
}

// TestRemoveEmptiesFingerprints checks that removing every document takes
// all of its fingerprint postings out, whether the fingerprints are kept
// with the passage data (Passages) or on their own (Containment), and
// after a reopen from a snapshot.
func TestRemoveEmptiesFingerprints(t *testing.T) {
	_, texts := readSeeds(t)
	for _, opt := range []Options{{Passages: true}, {Containment: 0.8}, {Passages: true, Containment: 0.8}} {
		dir := t.TempDir()
		d, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range texts {
			if _, err := d.AddString(fmt.Sprint(i), s); err != nil {
				t.Fatal(err)
			}
		}
		if d.fpIndex.Len() == 0 {
			t.Fatalf("%+v: no fingerprint indexed", opt)
		}
		if err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
		if err := d.Remove("0"); err != nil {
			t.Fatal(err)
		}
		d.Close()
		if d, err = Open(dir, opt); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(texts); i++ {
			if err := d.Remove(fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := d.fpIndex.Len(); n != 0 || d.Len() != 0 {
			t.Fatalf("%+v: %d fingerprint keys and %d documents left", opt, n, d.Len())
		}
		d.Close()
	}
}
