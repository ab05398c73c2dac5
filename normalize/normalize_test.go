package normalize_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/reference"
	"github.com/neardup/neardup/normalize"
)

var (
	optDefault = normalize.Options{}
	optDrop    = normalize.Options{DropElisions: true}
	optKeep    = normalize.Options{KeepAccents: true}
	optBoth    = normalize.Options{DropElisions: true, KeepAccents: true}
	allOptions = []normalize.Options{optDefault, optDrop, optKeep, optBoth}
)

// render formats tokens as "text@start:end".
func render(t *normalize.Tokens) []string {
	out := make([]string, t.Len())
	for i, tk := range t.List {
		out[i] = fmt.Sprintf("%s@%d:%d", t.Text(i), tk.Start, tk.End)
	}
	return out
}

func renderRef(toks []reference.Token) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		out[i] = fmt.Sprintf("%s@%d:%d", tk.Text, tk.Start, tk.End)
	}
	return out
}

func tokensOf(text string, opt normalize.Options) []string {
	var t normalize.Tokens
	normalize.TokenizeString(&t, text, opt)
	return render(&t)
}

var frenchCases = []struct {
	name string
	in   string
	opt  normalize.Options
	want string // space-separated text@start:end
}{
	{"elision l", "l’Arménie", optDefault, "l@0:1 armenie@4:12"},
	{"elision l dropped", "l’Arménie", optDrop, "armenie@4:12"},
	{"elision qu", "qu’il", optDefault, "qu@0:2 il@5:7"},
	{"elision qu dropped", "qu’il", optDrop, "il@5:7"},
	{"elision jusqu", "jusqu’à", optDefault, "jusqu@0:5 a@8:10"},
	{"elision jusqu dropped", "jusqu’à", optDrop, "a@8:10"},
	{"elision lorsqu", "lorsqu’on", optDefault, "lorsqu@0:6 on@9:11"},
	{"elision lorsqu dropped", "lorsqu’on", optDrop, "on@9:11"},
	{"elision puisqu quoiqu", "puisqu'il quoiqu'elle", optDefault, "puisqu@0:6 il@7:9 quoiqu@10:16 elle@17:21"},
	{"elision puisqu quoiqu dropped", "puisqu'il quoiqu'elle", optDrop, "il@7:9 elle@17:21"},
	{"elision uppercase dropped", "L'Etat, c'est moi", optDrop, "etat@2:6 est@10:13 moi@14:17"},
	{"elision space after apostrophe", "l’ homme", optDrop, "l@0:1 homme@5:10"},
	{"elision two apostrophes", "l’’homme", optDrop, "l@0:1 homme@7:12"},
	{"elision at end", "jusqu’", optDrop, "jusqu@0:5"},
	{"elision soft hyphen after apostrophe", "l’\u00ADhomme", optDrop, "l@0:1 homme@6:11"},
	{"elision not a listed word", "aujourd’hui", optDrop, "aujourd@0:7 hui@10:13"},
	{"elision chain", "l'l'homme", optDrop, "homme@4:9"},
	{"elision with accents kept", "lorsqu’Émile", optBoth, "émile@9:15"},
	{"ligatures", "Œuvre œuvre Æther æther", optDefault, "oeuvre@0:6 oeuvre@7:13 aether@14:20 aether@21:27"},
	{"accents folded", "État ÉTAT été", optDefault, "etat@0:5 etat@6:11 ete@12:17"},
	{"accents kept", "État ÉTAT été", optKeep, "état@0:5 état@6:11 été@12:17"},
	{"NFD input", "e\u0301te\u0301", optDefault, "ete@0:7"},
	{"NFD input accents kept", "e\u0301te\u0301", optKeep, "été@0:7"},
	{"NFD mark after separator", "a \u0301b", optKeep, "a@0:1 b@4:5"},
	{"NBSP", "Bonjour\u00a0: oui", optDefault, "bonjour@0:7 oui@11:14"},
	{"NNBSP and guillemets", "«\u202fBonjour\u202f»", optDefault, "bonjour@5:12"},
	{"thin space", "10\u2009000 euros", optDefault, "10@0:2 000@5:8 euros@9:14"},
	{"curly quotes", "“Oui”, dit-il", optDefault, "oui@3:6 dit@11:14 il@15:17"},
	{"soft hyphen inside", "pro\u00adfondément", optDefault, "profondement@0:15"},
	{"zero-width space inside", "anti\u200bconstitutionnel", optDefault, "anticonstitutionnel@0:22"},
	{"soft hyphen at end", "mot\u00ad suivant", optDefault, "mot@0:5 suivant@6:13"},
	{"soft hyphen at start", "\u00admot", optDefault, "mot@2:5"},
	{"ligature fi", "ﬁn ﬃ", optDefault, "fin@0:4 ffi@5:8"},
	{"superscript ordinal", "1ᵉʳ", optDefault, "1er@0:6"},
	{"ellipsis", "fin…début", optDefault, "fin@0:3 debut@6:12"},
	{"invalid byte", "caf\xe9 au lait", optDefault, "caf@0:3 au@5:7 lait@8:12"},
	{"invalid only", "\xff", optDefault, ""},
	{"truncated at end", "caf\xc3", optDefault, "caf@0:3"},
	{"truncated inside", "\xe2\x80abc", optDefault, "abc@2:5"},
	{"surrogate encoding", "a\xed\xa0\x80b", optDefault, "a@0:1 b@4:5"},
	{"overlong encoding", "\xc0\xafx", optDefault, "x@2:3"},
	{"beyond U+10FFFF", "\xf4\x90\x80\x80z", optDefault, "z@4:5"},
	{"truncated four bytes", "ok\xf0\x9f\x98", optDefault, "ok@0:2"},
	{"empty", "", optDefault, ""},
	{"separators only", " ,;\n\t«»", optDefault, ""},
	{"CRLF", "Ligne un\r\nLigne deux\r\n", optDefault, "ligne@0:5 un@6:8 ligne@10:15 deux@16:20"},
	{"digits", "Le 22 Novembre 2024, à 13h30.", optDefault, "le@0:2 22@3:5 novembre@6:14 2024@15:19 a@21:23 13h30@24:29"},
	{"hyphenated", "Saint-Jean-de-Luz", optDefault, "saint@0:5 jean@6:10 de@11:13 luz@14:17"},
	{"hyphenated with accents", "cessez-le-feu Aÿ-Champagne", optDefault, "cessez@0:6 le@7:9 feu@10:13 ay@14:17 champagne@18:27"},
	{"apostrophe variants", "l'homme l’homme l‘homme lʼhomme l´homme l`homme", optDefault,
		"l@0:1 homme@2:7 l@8:9 homme@12:17 l@18:19 homme@22:27 l@28:29 homme@31:36 l@37:38 homme@40:45 l@46:47 homme@48:53"},
	{"apostrophe variants dropped", "l'homme l’homme l‘homme lʼhomme l´homme l`homme", optDrop,
		"homme@2:7 homme@12:17 homme@22:27 homme@31:36 homme@40:45 homme@48:53"},
	{"more apostrophes", "d‛abord m＇a t′il", optDefault, "d@0:1 abord@4:9 m@10:11 a@14:15 t@16:17 il@20:22"},
	{"fraction shares range", "½ kg", optDefault, "1@0:2 2@0:2 kg@3:5"},
	{"no extension after a closing separator", "⒜́b", optDefault, "a@0:3 b@5:6"},
	{"mark after letters extends", "x́̂ y", optDefault, "x@0:5 y@6:7"},
	{"sharp s", "Straße", optDefault, "strasse@0:7"},
	{"fullwidth", "ＡＢＣ１", optDefault, "abc1@0:12"},
	{"long ASCII word", "Anticonstitutionnellement, intergouvernementalisation!", optDefault,
		"anticonstitutionnellement@0:25 intergouvernementalisation@27:53"},
	{"dotted capital I", "İstanbul", optDefault, "istanbul@0:9"},
	{"dotted capital I accents kept", "İstanbul", optKeep, "i̇stanbul@0:9"},
	{"composition of a token starting with a jamo", "x ᆨé", optKeep, "x@0:1 ᆨé@2:8"},
	{"Hangul syllable decomposed", "한국", optDefault, "한국@0:6"},
	{"Hangul syllable kept", "한국", optKeep, "한국@0:12"},
}

func TestFrenchCases(t *testing.T) {
	for _, c := range frenchCases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(tokensOf(c.in, c.opt), " ")
			if got != c.want {
				t.Errorf("Tokenize(%q, %+v)\n got %s\nwant %s", c.in, c.opt, got, c.want)
			}
			ref := strings.Join(renderRef(reference.Tokens(c.in, reference.Options(c.opt))), " ")
			if ref != c.want {
				t.Errorf("reference.Tokens(%q, %+v)\n got %s\nwant %s", c.in, c.opt, ref, c.want)
			}
		})
	}
}

// TestFrenchCasesInLongText runs the French cases inside a long text, so
// that they go through the 64-byte window scanner rather than the tail
// scanner used for short texts, at every alignment within a window.
func TestFrenchCasesInLongText(t *testing.T) {
	const filler = "Texte de remplissage assez long, écrit pour occuper des fenêtres. "
	for _, c := range frenchCases {
		for pad := 0; pad < 64; pad += 7 {
			prefix := filler + strings.Repeat("x", pad) + " "
			text := prefix + c.in + " " + filler + filler
			var toks normalize.Tokens
			normalize.TokenizeString(&toks, text, c.opt)
			var mid []string
			for i, tk := range toks.List {
				if tk.Start >= len(prefix) && tk.End <= len(prefix)+len(c.in) {
					mid = append(mid, fmt.Sprintf("%s@%d:%d", toks.Text(i), tk.Start-len(prefix), tk.End-len(prefix)))
				}
			}
			if got := strings.Join(mid, " "); got != c.want {
				t.Errorf("%s, pad %d:\n got %s\nwant %s", c.name, pad, got, c.want)
			}
			want := renderRef(reference.Tokens(text, reference.Options(c.opt)))
			if got := render(&toks); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s, pad %d: differs from the reference", c.name, pad)
			}
		}
	}
}

// TestNFDEqualsNFC checks whole French sentences in composed and decomposed
// form.
func TestNFDEqualsNFC(t *testing.T) {
	pairs := [][2]string{
		{"Les États-Unis ont exprimé leur préoccupation à l’égard de l’Azerbaïdjan", "Les E\u0301tats-Unis ont exprime\u0301 leur pre\u0301occupation a\u0300 l’e\u0301gard de l’Azerbai\u0308djan"},
		{"Noël, garçon, où, çà, île, Ève", "Noe\u0308l, garc\u0327on, ou\u0300, c\u0327a\u0300, i\u0302le, E\u0300ve"},
	}
	for _, p := range pairs {
		for _, opt := range allOptions {
			a, b := tokensOf(p[0], opt), tokensOf(p[1], opt)
			if len(a) != len(b) {
				t.Fatalf("%+v: %d tokens for NFC, %d for NFD", opt, len(a), len(b))
			}
			var ta, tb []string
			for i := range a {
				ta = append(ta, a[i][:strings.IndexByte(a[i], '@')])
				tb = append(tb, b[i][:strings.IndexByte(b[i], '@')])
			}
			if strings.Join(ta, " ") != strings.Join(tb, " ") {
				t.Errorf("%+v:\nNFC %v\nNFD %v", opt, ta, tb)
			}
		}
	}
}

func TestSeedsMatchReference(t *testing.T) {
	var toks normalize.Tokens
	for name, text := range seedFiles(t) {
		for _, opt := range allOptions {
			normalize.TokenizeString(&toks, text, opt)
			got := render(&toks)
			want := renderRef(reference.Tokens(text, reference.Options(opt)))
			if len(got) != len(want) {
				t.Errorf("%s %+v: %d tokens, reference %d", name, opt, len(got), len(want))
			}
			for i := 0; i < len(got) && i < len(want); i++ {
				if got[i] != want[i] {
					t.Errorf("%s %+v: token %d is %s, reference %s", name, opt, i, got[i], want[i])
					break
				}
			}
			checkInvariants(t, text, &toks)
		}
	}
}

// TestSeedPinned pins the first tokens of article 000, with their offsets.
func TestSeedPinned(t *testing.T) {
	text := seed(t, "000_")
	got := tokensOf(text, optDefault)
	want := []string{"l@0:1", "australie@4:13", "refuse@14:20", "un@21:23", "visa@24:28", "a@29:31",
		"ayelet@32:38", "shaked@39:45", "le@48:50", "22@51:53", "novembre@54:62", "2024@63:67",
		"les@68:71", "etats@72:78", "unis@79:83"}
	if len(got) < len(want) {
		t.Fatalf("only %d tokens", len(got))
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("token %d = %s, want %s", i, got[i], w)
		}
	}
	if s := text[72:78]; s != "États" {
		t.Errorf("text[72:78] = %q", s)
	}
	dropped := tokensOf(text, optDrop)
	if dropped[0] != "australie@4:13" {
		t.Errorf("with DropElisions, first token = %s", dropped[0])
	}
}

// TestSeedDuplicateBody checks, on article 001, which holds its body
// twice, that both copies give the same tokens with ranges shifted by the
// distance between the copies.
func TestSeedDuplicateBody(t *testing.T) {
	text := seed(t, "001_")
	const first, last = "Nous sommes en contact", "des hostilités"
	i1, i2 := strings.Index(text, first), strings.LastIndex(text, first)
	j1, j2 := strings.Index(text, last)+len(last), strings.LastIndex(text, last)+len(last)
	if i1 < 0 || i1 == i2 || text[i1:j1] != text[i2:j2] {
		t.Fatal("article 001 does not repeat the expected passage")
	}
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, text, optDefault)
	within := func(lo, hi int) (out []normalize.Token, texts []string) {
		for i, tk := range toks.List {
			if tk.Start >= lo && tk.End <= hi {
				out = append(out, tk)
				texts = append(texts, string(toks.Text(i)))
			}
		}
		return out, texts
	}
	a, ta := within(i1, j1)
	b, tb := within(i2, j2)
	if len(a) < 300 || len(a) != len(b) {
		t.Fatalf("copies have %d and %d tokens", len(a), len(b))
	}
	for k := range a {
		if ta[k] != tb[k] || b[k].Start-a[k].Start != i2-i1 || b[k].End-a[k].End != i2-i1 {
			t.Fatalf("token %d: %s@%d:%d vs %s@%d:%d", k, ta[k], a[k].Start, a[k].End, tb[k], b[k].Start, b[k].End)
		}
	}
	if ta[0] != "nous" || ta[len(ta)-1] != "hostilites" {
		t.Errorf("passage tokens run from %q to %q", ta[0], ta[len(ta)-1])
	}
}

// checkInvariants checks the documented properties of a tokenization.
func checkInvariants(t *testing.T, text string, toks *normalize.Tokens) {
	t.Helper()
	// Code point boundaries as utf8.DecodeRune sees them (an invalid byte
	// is a one-byte code point).
	boundary := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		boundary[i] = true
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	boundary[len(text)] = true
	prevStart, prevEnd := 0, 0
	for i, tk := range toks.List {
		if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End {
			t.Fatalf("token %d: bad range [%d, %d) in %d bytes", i, tk.Start, tk.End, len(text))
		}
		if !boundary[tk.Start] || !boundary[tk.End] {
			t.Fatalf("token %d: range [%d, %d) not on code point boundaries", i, tk.Start, tk.End)
		}
		if !utf8.RuneStart(text[tk.Start]) {
			t.Fatalf("token %d: starts with a continuation byte", i)
		}
		if tk.Start < prevStart || tk.End < prevEnd {
			t.Fatalf("token %d: range [%d, %d) before previous [%d, %d)", i, tk.Start, tk.End, prevStart, prevEnd)
		}
		prevStart, prevEnd = tk.Start, tk.End
		tt := toks.Text(i)
		if len(tt) == 0 || strings.ContainsRune(string(tt), ' ') || !utf8.Valid(tt) {
			t.Fatalf("token %d: bad text %q", i, tt)
		}
		if tk.NormEnd >= len(toks.Norm) || toks.Norm[tk.NormEnd] != ' ' {
			t.Fatalf("token %d: not followed by a space in Norm", i)
		}
		if i > 0 && tk.NormStart != toks.List[i-1].NormEnd+1 {
			t.Fatalf("token %d: gap in Norm", i)
		}
	}
	if toks.Len() == 0 && len(toks.Norm) != 0 || toks.Len() > 0 && toks.List[toks.Len()-1].NormEnd != len(toks.Norm)-1 {
		t.Fatalf("Norm has %d bytes after the last token", len(toks.Norm))
	}
}

func TestEntryPointsAgree(t *testing.T) {
	inputs := []string{allSeeds(t), "", "x", "l’été\u00a0! ½ ﬁn e\u0301", "caf\xe9"}
	for _, in := range inputs {
		for _, opt := range allOptions {
			var a, b normalize.Tokens
			normalize.Tokenize(&a, []byte(in), opt)
			normalize.TokenizeString(&b, in, opt)
			if string(a.Norm) != string(b.Norm) || fmt.Sprint(a.List) != fmt.Sprint(b.List) {
				t.Errorf("%+v: Tokenize and TokenizeString differ on %.40q", opt, in)
			}
			var texts []string
			for i := range a.List {
				texts = append(texts, string(a.Text(i)))
			}
			joined := strings.Join(texts, " ")
			if s := normalize.String(in, opt); s != joined {
				t.Errorf("%+v: String = %.60q, want %.60q", opt, s, joined)
			}
			if s := normalize.Append([]byte("prefix:"), []byte(in), opt); string(s) != "prefix:"+joined {
				t.Errorf("%+v: Append = %.60q", opt, s)
			}
			if refs := reference.String(in, reference.Options(opt)); refs != joined {
				t.Errorf("%+v: reference.String = %.60q, want %.60q", opt, refs, joined)
			}
		}
	}
}

func TestReuseAcrossDocuments(t *testing.T) {
	var toks normalize.Tokens
	long := allSeeds(t)
	normalize.TokenizeString(&toks, long, optDefault)
	normalize.TokenizeString(&toks, "Deux mots", optDefault)
	if got := strings.Join(render(&toks), " "); got != "deux@0:4 mots@5:9" {
		t.Errorf("after reuse: %s", got)
	}
	toks.Reset()
	if toks.Len() != 0 || len(toks.Norm) != 0 {
		t.Errorf("Reset left %d tokens", toks.Len())
	}
	if s, e := toks.Span(0, 1); s != 0 || e != 0 {
		t.Errorf("Span on empty = %d, %d", s, e)
	}
	normalize.TokenizeString(&toks, "un deux trois", optDefault)
	if s, e := toks.Span(1, 3); s != 3 || e != 13 {
		t.Errorf("Span(1, 3) = %d, %d", s, e)
	}
}

func TestIdempotent(t *testing.T) {
	inputs := []string{allSeeds(t), "l’été ½ ﬁn e\u0301 İ ß ǅ ᾳ ﬃ ⑴"}
	for _, in := range inputs {
		for _, opt := range allOptions {
			once := normalize.String(in, opt)
			if twice := normalize.String(once, opt); twice != once {
				t.Errorf("%+v: String not idempotent:\n%.200q\n%.200q", opt, once, twice)
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	text := allSeeds(t)
	b := []byte(text)
	for _, opt := range allOptions {
		var toks normalize.Tokens
		normalize.Tokenize(&toks, b, opt)
		if n := testing.AllocsPerRun(20, func() { normalize.Tokenize(&toks, b, opt) }); n != 0 {
			t.Errorf("Tokenize %+v: %v allocs per run", opt, n)
		}
		if n := testing.AllocsPerRun(20, func() { normalize.TokenizeString(&toks, text, opt) }); n != 0 {
			t.Errorf("TokenizeString %+v: %v allocs per run", opt, n)
		}
		if n := testing.AllocsPerRun(20, func() { normalize.TokenizeString(&toks, "L’été, pro\u00adfondément ½", opt) }); n != 0 {
			t.Errorf("TokenizeString %+v on a short text: %v allocs per run", opt, n)
		}
	}
	// Append takes its buffers from a sync.Pool, which a garbage collection
	// may empty (and the race detector makes lossy): it allocates only then.
	if raceEnabled {
		return
	}
	var dst []byte
	dst = normalize.Append(dst, b, optDefault)
	if n := testing.AllocsPerRun(20, func() { dst = normalize.Append(dst[:0], b, optDefault) }); n >= 0.5 {
		t.Errorf("Append: %v allocs per run", n)
	}
}

func TestValidate(t *testing.T) {
	for _, opt := range allOptions {
		if err := opt.Validate(); err != nil {
			t.Errorf("%+v: %v", opt, err)
		}
	}
}

// randomText returns a string of n code points drawn from a mix that
// stresses the tokenizer: ASCII, Latin letters with accents, combining
// marks, apostrophes, format characters, code points anywhere in Unicode
// and invalid bytes.
func randomText(rng *rand.Rand, n int) string {
	pools := []string{
		"abcdeXYZ019 ,.-'\n",
		"éèêëàâäîïôöùûüçœæÉÀÇŒÆß",
		"\u0300\u0301\u0302\u0308\u0327\u0345\u20dd\u0cbf\u0cd5\u1161\u11a8",
		"’‘‛ʼʻʹ`´＇′",
		"\u00ad\u200b\u200d\u2060\ufeff\u200e",
		"½⑴ﬁﬃǅİẞΐ가ᄀ㍱ﷺ\u0f77\u0cc0\u1b3b",
	}
	var b strings.Builder
	for range n {
		switch k := rng.IntN(10); {
		case k < 6:
			p := []rune(pools[rng.IntN(len(pools))])
			b.WriteRune(p[rng.IntN(len(p))])
		case k < 8:
			b.WriteRune(rune(rng.IntN(0x3000)))
		case k < 9:
			b.WriteRune(rune(rng.IntN(0x110000)))
		default:
			b.WriteByte(byte(0x80 + rng.IntN(0x80)))
		}
	}
	return b.String()
}

// TestRandomDifferential compares with the reference on random texts.
func TestRandomDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var toks normalize.Tokens
	for i := range 3000 {
		n := rng.IntN(40)
		if i%10 == 0 {
			n = 40 + rng.IntN(400) // long enough for the window scanner
		}
		text := randomText(rng, n)
		for _, opt := range allOptions {
			normalize.TokenizeString(&toks, text, opt)
			got := strings.Join(render(&toks), " ")
			want := strings.Join(renderRef(reference.Tokens(text, reference.Options(opt))), " ")
			if got != want {
				t.Fatalf("%+v on %q:\n got %s\nwant %s", opt, text, got, want)
			}
			checkInvariants(t, text, &toks)
			once := normalize.String(text, opt)
			if twice := normalize.String(once, opt); twice != once {
				t.Fatalf("%+v: not idempotent on %q: %q then %q", opt, text, once, twice)
			}
		}
	}
}
