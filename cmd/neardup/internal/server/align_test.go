package server

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neardup/neardup/normalize"
)

func TestAlign(t *testing.T) {
	a := []byte("Le président a annoncé lundi une hausse des prix.")
	b := []byte("Le Président a annoncé mardi une forte hausse des prix.")
	al := Align(a, Span{0, len(a)}, b, Span{0, len(b)}, normalize.Options{})
	if al.Matched != 8 || al.Substituted != 1 || al.Inserted != 1 || al.Deleted != 0 {
		t.Fatalf("%+v", al)
	}
	if got := string(a[al.EditsA[0].Start:al.EditsA[0].End]); len(al.EditsA) != 1 || got != "lundi" {
		t.Errorf("edits in a: %v", al.EditsA)
	}
	if len(al.EditsB) != 2 || string(b[al.EditsB[0].Start:al.EditsB[0].End]) != "mardi" || string(b[al.EditsB[1].Start:al.EditsB[1].End]) != "forte" {
		t.Errorf("edits in b: %v", al.EditsB)
	}
	if id := al.Identity(); id != 0.8 {
		t.Errorf("identity %v, want 8/10", id)
	}
	same := Align(a, Span{3, 20}, a, Span{3, 20}, normalize.Options{})
	if same.Identity() != 1 || same.Matched != 3 || len(same.EditsA) != 0 {
		t.Errorf("a passage with itself: %+v", same)
	}
	if e := Align(a, Span{0, 0}, b, Span{0, 0}, normalize.Options{}); e.Identity() != 1 {
		t.Errorf("empty passages: %+v", e)
	}
}

// TestAlignBand: passages of very different lengths are aligned within
// the cell budget, and the counts still add up.
func TestAlignBand(t *testing.T) {
	long := []byte(strings.Repeat("mot ", 5000))
	short := []byte("mot mot autre")
	al := Align(long, Span{0, len(long)}, short, Span{0, len(short)}, normalize.Options{})
	checkAlign(t, long, Span{0, len(long)}, short, Span{0, len(short)}, al)
	if al.Matched != 2 || al.Substituted+al.Deleted != 4998 {
		t.Errorf("%d matched, %d substituted, %d deleted", al.Matched, al.Substituted, al.Deleted)
	}
}

// checkAlign checks the invariants of an alignment: the columns account
// for every word of both passages, and the edits are in-bounds word ranges
// in order, inside the passages.
func checkAlign(t *testing.T, a []byte, sa Span, b []byte, sb Span, al Alignment) {
	t.Helper()
	var ta, tb normalize.Tokens
	normalize.Tokenize(&ta, a[sa.Start:sa.End], normalize.Options{})
	normalize.Tokenize(&tb, b[sb.Start:sb.End], normalize.Options{})
	if al.Matched+al.Substituted+al.Deleted != ta.Len() || al.Matched+al.Substituted+al.Inserted != tb.Len() {
		t.Fatalf("columns %+v do not account for %d and %d words", al, ta.Len(), tb.Len())
	}
	if id := al.Identity(); id < 0 || id > 1 {
		t.Fatalf("identity %v", id)
	}
	for _, c := range []struct {
		edits []Span
		s     Span
		n     int
	}{{al.EditsA, sa, al.Substituted + al.Deleted}, {al.EditsB, sb, al.Substituted + al.Inserted}} {
		if len(c.edits) != c.n {
			t.Fatalf("%d edits, want %d", len(c.edits), c.n)
		}
		// Word ranges are non-decreasing: they follow each other, except
		// the several words of one code point ("½0" is "1" "20"), which
		// share its range.
		prev := Span{c.s.Start, c.s.Start}
		for _, e := range c.edits {
			if e.Start < prev.Start || e.End < prev.End || e.End <= e.Start || e.End > c.s.End {
				t.Fatalf("edit %v out of order or bounds in %v", e, c.s)
			}
			prev = e
		}
	}
}

// TestAlignRandom: random edits of random French-like passages; the
// alignment never needs more edits than were made.
func TestAlignRandom(t *testing.T) {
	words := strings.Fields("le la les un une de du des et à au en pour par sur président gouvernement Paris mardi hausse prix accord guerre ville")
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := 1 + r.IntN(80)
		var a []string
		for range n {
			a = append(a, words[r.IntN(len(words))])
		}
		b := append([]string(nil), a...)
		edits := r.IntN(6)
		for range edits {
			i := r.IntN(len(b) + 1)
			switch r.IntN(3) {
			case 0:
				b = append(b[:i], append([]string{"inséré"}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b[i] = "changé"
				}
			}
		}
		ta, tb := []byte(strings.Join(a, " ")), []byte(strings.Join(b, "  "))
		al := Align(ta, Span{0, len(ta)}, tb, Span{0, len(tb)}, normalize.Options{})
		checkAlign(t, ta, Span{0, len(ta)}, tb, Span{0, len(tb)}, al)
		if got := al.Substituted + al.Inserted + al.Deleted; got > edits {
			t.Fatalf("%d edits found for %d made:\n%s\n%s", got, edits, ta, tb)
		}
	}
}

func FuzzAlign(f *testing.F) {
	f.Add([]byte("Le président a annoncé lundi."), []byte("Le président a dit mardi."), 0, 29, 0, 25)
	f.Add([]byte("l’Arménie et l’Azerbaïdjan"), []byte("l'Arménie, l'Azerbaidjan et la Russie"), 3, 20, 0, 38)
	f.Add([]byte("\xff\xfe a b"), []byte("a \xc3 b"), 0, 6, 1, 5)
	f.Fuzz(func(t *testing.T, a, b []byte, s1, e1, s2, e2 int) {
		clamp := func(s, e, n int) Span {
			s, e = max(0, min(s, n)), max(0, min(e, n))
			if s > e {
				s, e = e, s
			}
			return Span{s, e}
		}
		sa, sb := clamp(s1, e1, len(a)), clamp(s2, e2, len(b))
		al := Align(a, sa, b, sb, normalize.Options{})
		checkAlign(t, a, sa, b, sb, al)
	})
}
