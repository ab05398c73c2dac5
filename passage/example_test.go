package passage_test

import (
	"fmt"
	"slices"

	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// tokenize normalizes text and returns its tokens with their byte offsets.
func tokenize(text string) *normalize.Tokens {
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, text, normalize.Options{})
	return &toks
}

// newDoc builds the passage.Doc of a text.
func newDoc(text string) (passage.Doc, *normalize.Tokens) {
	toks := tokenize(text)
	d := passage.Doc{Shingles: shingle.AppendWords(nil, toks, passage.ShingleSize)}
	for i := range toks.Len() {
		d.Tokens = append(d.Tokens, uint32(shingle.TokenHash(toks.Text(i))))
	}
	return d, toks
}

// quote returns the original text of a token range.
func quote(text string, toks *normalize.Tokens, r passage.Range) string {
	start, end := toks.Span(r.Start, r.End)
	return text[start:end]
}

func ExampleFinder_Align() {
	a := "Le ministre a confirmé mardi que la très contestée réforme des retraites voulue par le gouvernement serait présentée en conseil des ministres au début de la semaine prochaine, selon un communiqué."
	b := "Selon nos informations, la très contestée réforme des retraites voulue par le gouvernement serait finalement présentée en conseil des ministres au début de la semaine prochaine. L'opposition dénonce un passage en force."
	da, ta := newDoc(a)
	db, tb := newDoc(b)

	var f passage.Finder // defaults: MinWords 10, MaxGap 8, MinIdentity 0.8
	fa := f.Params.AppendFingerprints(nil, da)
	fb := f.Params.AppendFingerprints(nil, db)
	seeds := f.AppendSeeds(nil, fa, fb)
	// The inserted word splits the shared text into two runs of 11
	// tokens; aligned through the edit, they are one passage.
	for _, p := range f.Align(nil, da, db, seeds) {
		fmt.Printf("A %v: %s\n", p.A, quote(a, ta, p.A))
		fmt.Printf("B %v: %s\n", p.B, quote(b, tb, p.B))
		fmt.Printf("identity %.3f: %d matched, %d substituted, %d inserted, %d deleted\n",
			p.Identity(), p.Matched, p.Substituted, p.Inserted, p.Deleted)
	}
	// Exact passages (MinIdentity 1): the two sides of so short a bridged
	// passage would share too few shingles to read as the same text, so
	// the runs are two adjacent passages.
	f.Params.MinIdentity = 1
	for _, p := range f.Align(nil, da, db, seeds) {
		fmt.Printf("exact A %v B %v\n", p.A, p.B)
	}
	// Output:
	// A {6 28}: la très contestée réforme des retraites voulue par le gouvernement serait présentée en conseil des ministres au début de la semaine prochaine
	// B {3 26}: la très contestée réforme des retraites voulue par le gouvernement serait finalement présentée en conseil des ministres au début de la semaine prochaine
	// identity 0.957: 22 matched, 0 substituted, 0 inserted, 1 deleted
	// exact A {6 17} B {3 14}
	// exact A {17 28} B {15 26}
}

func ExampleFinder_Repeats() {
	text := "Le match a été reporté à cause de la pluie, a indiqué le club dans un communiqué. " +
		"Les supporters sont déçus. " +
		"Le match a été reporté à cause de la pluie, a indiqué le club dans un communiqué publié dimanche."
	d, toks := newDoc(text)

	var f passage.Finder
	for _, p := range f.Repeats(nil, d) {
		fmt.Printf("%v %v: %s\n", p.A, p.B, quote(text, toks, p.A))
	}
	// Output:
	// {0 17} {21 38}: Le match a été reporté à cause de la pluie, a indiqué le club dans un communiqué
}

func ExampleParams_AppendFingerprints() {
	d, _ := newDoc("un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt")
	p := passage.Params{MinWords: 10}
	fps := p.AppendFingerprints(nil, d)
	fmt.Println("shingles:", len(d.Shingles), "window:", p.Window())
	// Every window of 6 consecutive shingles holds a fingerprint.
	last := int32(-1)
	ok := true
	for _, fp := range fps {
		ok = ok && fp.Pos-last <= int32(p.Window())
		last = fp.Pos
	}
	ok = ok && int32(len(d.Shingles))-last <= int32(p.Window())
	fmt.Println("every window covered:", ok)
	// Output:
	// shingles: 19 window: 6
	// every window covered: true
}

func ExampleParams_Validate() {
	fmt.Println(passage.Params{}.Validate())
	fmt.Println(passage.Params{MinWords: 3}.Validate())
	// Output:
	// <nil>
	// passage: invalid parameters: MinWords 3 must be 0 or at least 5
}

func ExampleAppendShingles() {
	// A program that keeps only the 32-bit token hashes of a document
	// builds its Doc again from them.
	a, _ := newDoc("Le gouvernement a présenté mercredi son projet de loi sur la réforme des retraites devant le conseil des ministres.")
	tokens := slices.Clone(a.Tokens)
	b := passage.Doc{Tokens: tokens, Shingles: passage.AppendShingles(nil, tokens)}
	a.Shingles = passage.AppendShingles(nil, a.Tokens) // the same shingles on both sides
	var f passage.Finder
	seeds := f.AppendSeeds(nil, f.Params.AppendFingerprints(nil, a), f.Params.AppendFingerprints(nil, b))
	for _, p := range f.Align(nil, a, b, seeds) {
		fmt.Println(p.A, p.B, p.Identity())
	}
	// Output:
	// {0 19} {0 19} 1
}
