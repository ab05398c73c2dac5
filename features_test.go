package neardup

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestContainmentFindsTeasers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	long := synthDoc(rng, 600)
	teaser := strings.Join(long[:60], " ") + " lire la suite"
	for _, c := range []struct {
		opt  Options
		want bool
	}{
		{Options{KeepShingles: true}, false},                    // Jaccard 0.09: no match
		{Options{KeepShingles: true, Containment: 0.8}, true},   // exact containment
		{Options{Containment: 0.8, Passages: true}, true},       // estimated containment
		{Options{KeepShingles: true, Containment: 0.99}, false}, // 56 of 59 shingles
	} {
		d, err := New(c.opt)
		if err != nil {
			t.Fatal(err)
		}
		d.AddString("long", strings.Join(long, " "))
		d.AddString("other", strings.Join(synthDoc(rng, 600), " "))
		res := d.QueryString(teaser)
		if got := len(res.Matches) == 1 && res.Matches[0].ID == "long"; got != c.want {
			t.Errorf("%+v: matches %+v", c.opt, res.Matches)
			continue
		}
		if c.want {
			m := res.Matches[0]
			if m.Jaccard >= 0.2 || m.Contained < 0.8 || m.Contains > 0.2 {
				t.Errorf("%+v: %+v", c.opt, m)
			}
			if c.opt.KeepShingles && (m.Contained != 56.0/59 || m.Contains != 56.0/596) {
				t.Errorf("exact containment %v / %v, want %v / %v", m.Contained, m.Contains, 56.0/59, 56.0/596)
			}
		}
	}
}

func TestIgnoreBoilerplate(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	footer := strings.Join(synthDoc(rng, 400), " ")
	article := func() string { return strings.Join(synthDoc(rng, 30), " ") + " " + footer }
	for _, ignore := range []bool{false, true} {
		d, err := New(Options{KeepShingles: true, IgnoreBoilerplate: ignore, BoilerplateDF: 3})
		if err != nil {
			t.Fatal(err)
		}
		dups := 0
		for i := 0; i < 10; i++ {
			res, err := d.AddString(word(i), article())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Matches) > 0 {
				dups++
			}
		}
		// Without the option, every article after the first is a
		// "duplicate" (the footer is 400 of 430 words: J = 396/456); with
		// it, only the articles added before the footer reached 3 documents
		// are.
		if !ignore && dups != 9 {
			t.Errorf("IgnoreBoilerplate=false: %d duplicates, want 9", dups)
		}
		if ignore && dups != 2 {
			t.Errorf("IgnoreBoilerplate=true: %d duplicates, want 2 (before the footer is boilerplate)", dups)
		}
	}
	// A page of pure boilerplate matches nothing.
	d, _ := New(Options{IgnoreBoilerplate: true, BoilerplateDF: 2})
	for i := 0; i < 3; i++ {
		d.AddString(word(i), article())
	}
	if res := d.QueryString(footer); len(res.Matches) != 0 {
		t.Errorf("boilerplate-only text matches %+v", res.Matches)
	}
}

func TestMaxHamming(t *testing.T) {
	if _, err := New(Options{MaxHamming: 9}); !errors.Is(err, ErrOptions) {
		t.Errorf("MaxHamming 9: %v", err)
	}
	_, texts := readSeeds(t)
	d, err := New(Options{MaxHamming: 3, KeepShingles: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, txt := range texts {
		d.AddString(word(i), txt)
	}
	res := d.QueryString(texts[3] + " Publicité")
	if len(res.Matches) != 1 || res.Matches[0].ID != word(3) || res.Matches[0].Hamming > 3 {
		t.Fatalf("matches %+v", res.Matches)
	}
	if err := d.Remove(word(3)); err != nil {
		t.Fatal(err)
	}
	if res := d.QueryString(texts[3]); len(res.Matches) != 0 {
		t.Fatalf("removed document still matches: %+v", res.Matches)
	}
}

// TestPassagesOnMessyText plants a passage at known byte offsets in texts
// with CRLF line ends, invalid UTF-8 and the passage at the very start of one
// document and the very end of the other.
func TestPassagesOnMessyText(t *testing.T) {
	quote := "« Nous appelons les parties à s’abstenir de toute nouvelle escalade de la situation »"
	a := quote + "\r\nSuite de l'article\xff\xfe avec des octets invalides.\r\nFin."
	b := "D\xe9but \xc3 invalide.\r\n\r\nLe ministère a déclaré : " + strings.ReplaceAll(quote, " ", "\u00a0")
	d, err := New(Options{Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddString("a", a); err != nil {
		t.Fatal(err)
	}
	res, err := d.AddString("b", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Passages) != 1 {
		t.Fatalf("passages %+v", res.Passages)
	}
	p := res.Passages[0]
	// Words from "Nous" to "situation"; the guillemets are not words.
	wantA := strings.Index(a, "Nous")
	wantAEnd := strings.Index(a, "situation") + len("situation")
	wantB, wantBEnd := strings.Index(b, "Nous"), strings.Index(b, "situation")+len("situation")
	if p.OtherID != "a" || p.OtherStart != wantA || p.OtherEnd != wantAEnd || p.Start != wantB || p.End != wantBEnd || p.Words != 14 {
		t.Fatalf("passage %+v, want b[%d,%d) ~ a[%d,%d)", p, wantB, wantBEnd, wantA, wantAEnd)
	}
	if wantBEnd != len(b)-len("\u00a0»") {
		t.Fatalf("test setup: the passage should end the text")
	}
	if got := String(b[p.Start:p.End], Options{}); got != String(a[p.OtherStart:p.OtherEnd], Options{}) {
		t.Fatalf("sides differ: %q", got)
	}
}
