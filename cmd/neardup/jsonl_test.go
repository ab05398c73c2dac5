package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// decodeCases are records on both paths of the decoder: plain ones, and
// every reason to fall back to encoding/json.
var decodeCases = []string{
	`{"id":"a","text":"L’Arménie et l’Azerbaïdjan"}`,
	`{"id":"a","text":"guillemets \"«»\" et \\ barre\n\tligne \/ \b\f\r"}`,
	`{"id":"a","text":"\u00e9t\u00C9 \u0000 nul \u2028"}`,
	`{"id":"a","text":"\ud83d\ude00 paire"}`,
	`{"id":"a","text":"\ud83d seul"}`,
	`{"id":"a","text":"\ude00\ud83d à l'envers"}`,
	`{"id":12,"text":"nombre"}`, `{"id":-1.5e3,"text":"x"}`, `{"id":0,"text":"x"}`,
	`{"id":01,"text":"x"}`, `{"id":1.,"text":"x"}`, `{"id":-,"text":"x"}`, `{"id":1e,"text":"x"}`,
	`{"id":"","text":"vide"}`, `{"id":null,"text":"x"}`, `{"id":true,"text":"x"}`, `{"id":["a"],"text":"x"}`,
	`{"id":"a","text":null}`, `{"id":"a","text":5}`, `{"id":"a"}`, `{"text":"sans id"}`, `{}`, `{ }`,
	`{"id":"a","text":"x","url":"https://exemple.fr/?a=1&b=2","date":"2026-12-04","tags":["a",{"b":[1,2.5,true,false,null]}],"n":-0.5E+2}`,
	`{"ID":"a","text":"x"}`, `{"id":"a","Text":"x"}`, `{"TEXT":"y","id":"a","text":"x"}`, `{"ıd":"a","text":"x"}`,
	`{"i\u0064":"a","text":"x"}`, `{"id":"a","text":"x","id":"b"}`, `{"id":"a","text":"x","text":"y"}`,
	`{"id":"a\"b","text":"x"}`, "{\"id\":\"a\",\"text\":\"caf\xe9\"}", "{\"id\":\"\xff\",\"text\":\"x\"}",
	"{\"id\":\"a\",\"text\":\"tab\tbrut\"}", "{\"id\":\"a\",\"text\":\"x\",\"o\":\"\x01\"}",
	"{\"id\":\"a\",\"o\":\"caf\xe9\",\"text\":\"x\"}",
	`{"id":"a","text":"x"} `, `{"id":"a","text":"x"}}`, `{"id":"a","text":"x"} {}`, `{"id":"a","text":"x",}`,
	`{"id":"a" "text":"x"}`, `{"id":"a","text":"x"`, `{"id":"a","text":"x`, `{"id":"a","text":"\`, `{"id":"a","text":"\x"}`,
	`{"id":"a","text":"\u12"}`, `{"id":"a","text":"\u12G4"}`, `{"id":"a","text":"x","z":tru}`, `{"id":"a","text":"x","z":[1,]}`,
	`{"id":"a","text":"x","z":{"a"}}`, `{"id":"a","text":"x","z":{"a":1,}}`, `{"id":"a","text":"x","z":[[[[]]]]}`,
	`{"id":"a","text":"x","z":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
	`[]`, `"x"`, `null`, `1`, ` {"id":"a","text":"x"}`, "{\"id\":\"a\",\r\n\"text\":\"x\"}",
	`{"id":"a","text":"` + strings.Repeat("é", 40) + `\"` + strings.Repeat("a", 17) + `"}`,
}

// check compares the decoder with encoding/json (decodeSlow) on line, and
// checks that the text's span, when known, holds its JSON string.
func check(t *testing.T, d *recordDecoder, line []byte) {
	t.Helper()
	wid, wtext, wdate, werr := d.decodeSlow(line)
	r, err := d.decode(line)
	switch {
	case (err == nil) != (werr == nil):
		t.Fatalf("%q: error %v, encoding/json %v", line, err, werr)
	case err != nil:
		if err.Error() != werr.Error() {
			t.Fatalf("%q: error %q, encoding/json %q", line, err, werr)
		}
	case r.id != wid || string(r.text) != wtext || string(r.date) != string(wdate):
		t.Fatalf("%q: (%q, %q, %q), encoding/json (%q, %q, %q)", line, r.id, r.text, r.date, wid, wtext, wdate)
	case r.span != [2]int{}:
		var s string
		if err := json.Unmarshal(line[r.span[0]:r.span[1]], &s); err != nil || s != wtext {
			t.Fatalf("%q: span %v holds %q (%v), want the text", line, r.span, line[r.span[0]:r.span[1]], err)
		}
	}
}

func TestDecodeRecord(t *testing.T) {
	d := newRecordDecoder(fields{})
	fast := 0
	for _, c := range decodeCases {
		check(t, d, []byte(c))
		if _, ok := d.fastDecode([]byte(c)); ok {
			fast++
		}
	}
	// Most well-formed cases take the fast path; the test is meaningless
	// if none do.
	if fast < 20 {
		t.Fatalf("only %d cases on the fast path", fast)
	}
	// The text of a plain record aliases the line: no copy.
	line := []byte(`{"id":"a","text":"sans échappement"}`)
	r, _ := d.decode(line)
	if &r.text[0] != &line[18] {
		t.Error("plain text was copied")
	}
}

// TestDecodeFields checks other field names, with a date, on both paths.
func TestDecodeFields(t *testing.T) {
	d := newRecordDecoder(fields{ID: "url", Text: "content", Date: "published"})
	cases := []string{
		`{"url":"https://a.fr/1","content":"texte","published":"2026-12-04T10:00:00Z","id":"ignoré"}`,
		`{"content":"texte","url":7,"published":1764842400}`,
		`{"content":"texte","url":"u","published":null}`,
		`{"content":"texte","url":"u","published":{"jour":4}}`,
		`{"content":"texte","URL":"u"}`, `{"Content":"texte","url":"u"}`, `{"content":"texte","url":"u","Published":"x"}`,
		`{"id":"a","text":"x"}`, `{"content":"x"}`,
	}
	for _, c := range cases {
		check(t, d, []byte(c))
	}
	r, err := d.decode([]byte(cases[0]))
	if err != nil || r.id != "https://a.fr/1" || string(r.text) != "texte" || string(r.date) != `"2026-12-04T10:00:00Z"` {
		t.Fatalf("%+v, %v", r, err)
	}
	if _, err := d.decode([]byte(cases[7])); err == nil || err.Error() != `missing or empty "url" (a string or a number)` {
		t.Fatalf("error %v", err)
	}
	for _, bad := range []fields{{ID: "a", Text: "A"}, {ID: `a"b`}, {Text: "-"}, {Date: "id"}, {ID: "x,y"}} {
		if bad.check() == nil {
			t.Errorf("fields %+v accepted", bad)
		}
	}
	if err := (fields{ID: "url", Text: "contenu", Date: "date"}).check(); err != nil {
		t.Error(err)
	}
	// Non-ASCII field names always go to encoding/json, with its folding.
	u := newRecordDecoder(fields{ID: "clé", Text: "corps"})
	for _, c := range []string{`{"clé":"a","corps":"x"}`, `{"CLÉ":"a","corps":"x"}`} {
		check(t, u, []byte(c))
	}
}

// TestDecodeRealRecords runs the decoder on the bundled and shared
// corpora: every record takes the fast path and matches encoding/json.
func TestDecodeRealRecords(t *testing.T) {
	d := newRecordDecoder(fields{})
	for _, path := range []string{"../../../shared/eval-dev/docs.jsonl"} {
		f, err := os.Open(path)
		if err != nil {
			t.Logf("%s: %v (skipped)", path, err)
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<26)
		n := 0
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			check(t, d, line)
			if _, ok := d.fastDecode(line); !ok {
				t.Errorf("%s: record %d not on the fast path", path, n+1)
			}
			n++
		}
		f.Close()
		t.Logf("%s: %d records", path, n)
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	d := newRecordDecoder(fields{})
	dd := newRecordDecoder(fields{ID: "url", Text: "content", Date: "date"})
	f.Fuzz(func(t *testing.T, line []byte) {
		check(t, d, line)
		check(t, dd, line)
	})
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "<script>&\"'\\", "\x00\x1f\x7f", "caf\xe9", "\u2028\u2029", "é€😀", "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, 0.5, 27.0 / 29, 1e-7, 1.5e-9, 1e-6, 0.000001234, 1e20, 1e21, 123456789e15, -0.25, 2.0 / 3} {
		want, _ := json.Marshal(f)
		if got := appendFloat(nil, f); !bytes.Equal(got, want) {
			t.Errorf("appendFloat(%v) = %s, encoding/json %s", f, got, want)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("../../../shared/eval-dev/docs.jsonl")
	if err != nil {
		b.Skip("../shared/eval-dev absent")
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	b.Run("neardup", func(b *testing.B) {
		d := newRecordDecoder(fields{})
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				if _, err := d.decode(l); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		d := newRecordDecoder(fields{})
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				if _, _, _, err := d.decodeSlow(l); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
