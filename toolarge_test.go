package neardup

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestTooLarge checks Options.MaxWords: a longer document is refused with
// ErrTooLarge by every path that takes text, nothing is indexed and its ID
// stays free; a text too long to hold MaxWords words is refused without
// being tokenized.
func TestTooLarge(t *testing.T) {
	d, err := New(Options{Passages: true, MaxWords: 100})
	if err != nil {
		t.Fatal(err)
	}
	ok := strings.Repeat("le mot ", 50) // 100 words
	big := ok + "encore"
	if _, err := d.AddString("a", ok); err != nil {
		t.Fatalf("100 words: %v", err)
	}
	_, err = d.AddString("b", big)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "101 words, more than 100") {
		t.Fatalf("101 words: %v", err)
	}
	if _, err := d.AddSigned("b", d.SignString(big), time.Now()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("AddSigned: %v", err)
	}
	if _, _, err := d.AddSignedIf("b", d.SignString(big), time.Now(), nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("AddSignedIf: %v", err)
	}
	if _, err := d.QuerySigned(d.SignString(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("QuerySigned: %v", err)
	}
	if r := d.QueryString(big); len(r.Matches)+len(r.Passages) != 0 {
		t.Fatalf("Query of a refused text: %+v", r)
	}
	if d.Len() != 1 || d.Contains("b") {
		t.Fatalf("%d documents after refusals, b indexed: %v", d.Len(), d.Contains("b"))
	}
	if r, err := d.AddString("b", ok); err != nil || len(r.Matches) != 1 {
		t.Fatalf("b after its refusals: %+v, %v", r, err)
	}

	// One word of 64·100+1 bytes is refused by its length alone.
	long := strings.Repeat("x", 64*100+1)
	_, err = d.AddString("c", long)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over 6400 bytes") {
		t.Fatalf("long text: %v", err)
	}

	st, err := NewStage(d)
	if err == nil {
		_, err = st.AddString(context.Background(), "s", big, time.Now())
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Stage.Add: %v", err)
	}
	if _, err := SignEntry(Options{MaxWords: 100}, "e", []byte(big), time.Now()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("SignEntry: %v", err)
	}
	if d, _ := New(Options{MaxWords: -1}); d != nil {
		if _, err := d.AddString("x", strings.Repeat("mot ", 2*DefaultMaxWords)); err != nil {
			t.Fatalf("no limit: %v", err)
		}
	}
}

// TestTooLargeMemory adds, with passages and the default limit, one text
// of 14 M words in 70 MB (one JSON Lines record of a hostile input): it is
// refused by its length, without the memory its tokens would take; then
// 8 M words in 32 MB, refused by their count.
func TestTooLargeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	text := []byte(strings.Repeat("mots ", 14<<20)) // 70 MB, 14 M words
	d, err := New(Options{Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = d.Add("huge", text)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("70 MB text: %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("refusing a 70 MB text allocated %d bytes", n)
	}
	// 8 M short words in 32 MB, within 64 bytes per allowed word: refused
	// by its count of words, still without tokenizing.
	short := []byte(strings.Repeat("mot ", 8<<20))
	runtime.ReadMemStats(&before)
	_, err = d.Add("short", short)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "8388608 words, more than 1048576") {
		t.Fatalf("32 MB of short words: %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("refusing 8 M short words allocated %d bytes", n)
	}
}
