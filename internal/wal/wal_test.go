package wal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var testParams = []byte("norm=1 shingle=5 K=128 bands=32 rows=4 seed=42")

// testPayloads are short records, one of them empty, small enough for tests
// that visit every byte.
func testPayloads() [][]byte {
	return [][]byte{payload(0, 10), {}, payload(2, 100), payload(3, 1), payload(4, 300), payload(5, 37)}
}

func TestRoundTrip(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncEach, SyncBatch, SyncInterval} {
		t.Run(policy.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log")
			l, rep, err := Open(path, testParams, Options{Sync: policy}, nil)
			if err != nil {
				t.Fatal(err)
			}
			hlen := int64(len(refHeader("NDUPWAL\n", 1, testParams)))
			if rep != (Report{Bytes: hlen}) {
				t.Fatalf("new log: report %+v", rep)
			}
			payloads := append(testPayloads(), payload(6, inlineMax+1), payload(7, inlineMax))
			for _, p := range payloads {
				if err := l.Append(p); err != nil {
					t.Fatal(err)
				}
			}
			want := refLog(testParams, payloads...)
			if got := l.Size(); got != int64(len(want)) {
				t.Fatalf("Size = %d, want %d", got, len(want))
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, want) {
				t.Fatalf("file differs from the reference encoding")
			}
			recs, rep := readRecords(t, path, testParams)
			if !equalRecords(recs, payloads) {
				t.Fatalf("replayed %d records, want %d equal ones", len(recs), len(payloads))
			}
			if rep != (Report{Records: len(payloads), Bytes: int64(len(want))}) {
				t.Fatalf("report %+v", rep)
			}
		})
	}
}

func TestReopenAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	var all [][]byte
	for round := range 3 {
		l, rep, err := Open(path, testParams, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Records != len(all) {
			t.Fatalf("round %d: %d records, want %d", round, rep.Records, len(all))
		}
		for i := range 4 {
			p := payload(10*round+i, 20+i)
			all = append(all, p)
			if err := l.Append(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if recs, _ := readRecords(t, path, testParams); !equalRecords(recs, all) {
		t.Fatalf("records %q, want %q", recs, all)
	}
}

func TestHeaderErrors(t *testing.T) {
	dir := t.TempDir()
	good := refLog(testParams, payload(0, 5))
	hlen := len(refHeader("NDUPWAL\n", 1, testParams))
	bigParams := bytes.Repeat([]byte{'p'}, MaxParamsSize+1)
	cases := []struct {
		name   string
		data   []byte
		params []byte
		want   error
	}{
		{"other params", good, []byte("norm=1 shingle=5 K=64"), ErrParams},
		{"params longer", good, append(bytes.Clone(testParams), 0), ErrParams},
		{"no params", good, nil, ErrParams},
		{"snapshot as log", refSnapshot(testParams, []byte("body")), testParams, ErrMagic},
		{"text file", []byte("Le Monde, 3 mars\n"), testParams, ErrMagic},
		{"short text file", []byte("Le"), testParams, ErrMagic},
		{"empty file", nil, testParams, ErrCorrupt},
		{"magic only", []byte("NDUPWAL\n"), testParams, ErrCorrupt},
		{"version 2", append(refHeader("NDUPWAL\n", 2, testParams), refFrame(nil)...), testParams, ErrVersion},
		{"version 0", refHeader("NDUPWAL\n", 0, testParams), testParams, ErrVersion},
		{"header cut", good[:hlen-1], testParams, ErrCorrupt},
		{"params length huge", append([]byte("NDUPWAL\n\x01\x00"), le32(1<<31)...), testParams, ErrCorrupt},
		{"params too long", refHeader("NDUPWAL\n", 1, bigParams), bigParams[:MaxParamsSize], ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := openBytes(t, dir, c.data, c.params)
			if !errors.Is(got.err, c.want) {
				t.Fatalf("error %v, want %v", got.err, c.want)
			}
			if got.size != int64(len(c.data)) {
				t.Fatalf("failed Open changed the file size")
			}
		})
	}
	// Params the caller may not use at all.
	if _, _, err := Open(filepath.Join(dir, "new"), bigParams, Options{}, nil); !errors.Is(err, ErrParams) {
		t.Fatalf("params of %d bytes: %v, want ErrParams", len(bigParams), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a rejected Open created the log: %v", err)
	}
}

func TestBadOptions(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []Options{{Sync: -1}, {Sync: 3}, {Sync: SyncInterval, Interval: -time.Second}} {
		if _, _, err := Open(filepath.Join(dir, "log"), nil, o, nil); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: error %v, want ErrOptions", o, err)
		}
	}
	if got := SyncPolicy(7).String(); got != "SyncPolicy(7)" {
		t.Errorf("String = %q", got)
	}
}

// TestEveryTruncation cuts a valid log at every length: below the header it
// is ErrCorrupt, at a record boundary it is clean, inside a record the tail
// is torn and dropped, and the log accepts appends afterwards.
func TestEveryTruncation(t *testing.T) {
	dir := t.TempDir()
	payloads := testPayloads()
	full := refLog(testParams, payloads...)
	hlen := len(refHeader("NDUPWAL\n", 1, testParams))
	var bounds []int // offsets where records end
	off := hlen
	for _, p := range payloads {
		off += 8 + len(p)
		bounds = append(bounds, off)
	}
	for n := 0; n <= len(full); n++ {
		got := checkAgainstRef(t, dir, full[:n], testParams)
		if n < hlen {
			if !errors.Is(got.err, ErrCorrupt) {
				t.Fatalf("cut at %d in the header: %v, want ErrCorrupt", n, got.err)
			}
			continue
		}
		// Independent expectation: the records wholly inside the cut.
		k, end := 0, hlen
		for k < len(bounds) && bounds[k] <= n {
			end = bounds[k]
			k++
		}
		if got.err != nil || !equalRecords(got.recs, payloads[:k]) || got.rep.TornBytes != int64(n-end) {
			t.Fatalf("cut at %d: %d records, report %+v, err %v; want %d records and %d torn bytes",
				n, len(got.recs), got.rep, got.err, k, n-end)
		}
		if n%5 != 0 && n != len(full) {
			continue // appending after recovery is checked on a sample of cuts
		}
		path := filepath.Join(dir, "log")
		l, _, err := Open(path, testParams, Options{Sync: SyncBatch}, nil)
		if err != nil {
			t.Fatal(err)
		}
		extra := payload(99, 33)
		if err := l.Append(extra); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		recs, rep := readRecords(t, path, testParams)
		if rep.TornBytes != 0 || !equalRecords(recs, append(payloads[:k:k], extra)) {
			t.Fatalf("cut at %d then append: %d records, report %+v", n, len(recs), rep)
		}
	}
}

// TestEveryByteCorrupted damages each byte of a log in turn: damage in the
// header is an error, damage in the last record is a torn tail that drops
// only that record, and damage anywhere else is ErrCorrupt.
func TestEveryByteCorrupted(t *testing.T) {
	dir := t.TempDir()
	payloads := testPayloads()
	full := refLog(testParams, payloads...)
	hlen := len(refHeader("NDUPWAL\n", 1, testParams))
	lastStart := len(full) - 8 - len(payloads[len(payloads)-1])
	for i := range full {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			data := bytes.Clone(full)
			data[i] ^= mask
			got := checkAgainstRef(t, dir, data, testParams)
			switch {
			case i < 8:
				if !errors.Is(got.err, ErrMagic) {
					t.Fatalf("byte %d ^ %02x: %v, want ErrMagic", i, mask, got.err)
				}
			case i < 10:
				if !errors.Is(got.err, ErrVersion) {
					t.Fatalf("byte %d ^ %02x: %v, want ErrVersion", i, mask, got.err)
				}
			case i < hlen:
				if !errors.Is(got.err, ErrCorrupt) {
					t.Fatalf("byte %d ^ %02x: %v, want ErrCorrupt", i, mask, got.err)
				}
			case i < lastStart:
				if !errors.Is(got.err, ErrCorrupt) {
					t.Fatalf("byte %d ^ %02x (record before the last): %v, want ErrCorrupt", i, mask, got.err)
				}
			default:
				if got.err != nil || !equalRecords(got.recs, payloads[:len(payloads)-1]) ||
					got.rep.TornBytes != int64(len(full)-lastStart) {
					t.Fatalf("byte %d ^ %02x (last record): report %+v, err %v; want a torn last record",
						i, mask, got.rep, got.err)
				}
			}
		}
	}
}

// TestDamageBeforeLongRecords puts records longer than the scan buffer
// after damage, so that the scan can only find them as long candidates.
func TestDamageBeforeLongRecords(t *testing.T) {
	dir := t.TempDir()
	lens := []int{10, scanWindow + scanLookahead, scanWindow + 1, scanLookahead + 1}
	var payloads [][]byte
	for i, n := range lens {
		payloads = append(payloads, payload(i, n))
	}
	full := refLog(testParams, payloads...)
	r0 := len(refHeader("NDUPWAL\n", 1, testParams))
	r1 := r0 + 8 + lens[0]
	r2 := r1 + 8 + lens[1]
	r3 := r2 + 8 + lens[2]
	for _, c := range []struct {
		at   int // damaged offset
		torn bool
	}{
		{r0 + 1, false}, // length of record 0
		{r1 + 2, false}, // length of record 1: framing lost
		{r1 + 5, false}, // CRC of record 1
		{r2 - 1, false}, // payload of record 1
		{r3 + 2, true},  // length of the last record
		{len(full) - 1, true},
	} {
		data := bytes.Clone(full)
		data[c.at] ^= 0x40
		got := openBytes(t, dir, data, testParams)
		if c.torn {
			if got.err != nil || !equalRecords(got.recs, payloads[:3]) || got.rep.TornBytes != int64(8+lens[3]) {
				t.Fatalf("damage at %d: report %+v, err %v; want the last record torn", c.at, got.rep, got.err)
			}
		} else if !errors.Is(got.err, ErrCorrupt) {
			t.Fatalf("damage at %d: %v, want ErrCorrupt", c.at, got.err)
		}
	}
}

// TestScanDifferential compares validFrameAfter with a direct scan on
// synthetic tails: zeros, noise, and frames hidden at odd offsets.
func TestScanDifferential(t *testing.T) {
	rng := uint64(1)
	next := func() uint64 {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return rng
	}
	for trial := range 300 {
		n := int(next() % 3000)
		data := make([]byte, n)
		switch trial % 3 {
		case 0: // zeros
		case 1:
			for i := range data {
				data[i] = byte(next())
			}
		case 2: // small lengths everywhere, rarely a matching CRC
			for i := 0; i+4 <= n; i += 4 {
				copy(data[i:], le32(uint32(next()%64)))
			}
		}
		if trial%5 == 0 && n > 40 {
			f := refFrame(payload(trial, int(next()%uint64(n-30))))
			at := int(next() % uint64(n-len(f)+1))
			copy(data[at:], f)
		}
		from := int64(next()%8) - 1
		want := false
		for i := int(from) + 1; i < n; i++ {
			if refValidAt(data, i) {
				want = true
				break
			}
		}
		got, err := validFrameAfter(bytes.NewReader(data), from, int64(n))
		if err != nil || got != want {
			t.Fatalf("trial %d: validFrameAfter = %v, %v; want %v", trial, got, err, want)
		}
	}
}

// TestZeroTail covers the tail a file system may leave after a power loss:
// the file extended with zeros that were never written.
func TestZeroTail(t *testing.T) {
	dir := t.TempDir()
	payloads := testPayloads()
	full := refLog(testParams, payloads...)
	data := append(bytes.Clone(full), make([]byte, 3*scanWindow/2)...)
	got := openBytes(t, dir, data, testParams)
	if got.err != nil || !equalRecords(got.recs, payloads) || got.rep.TornBytes != int64(3*scanWindow/2) {
		t.Fatalf("report %+v, err %v", got.rep, got.err)
	}
}

func TestReplayError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, refLog(testParams, testPayloads()...), 0o666); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("caller says no")
	calls := 0
	_, _, err := Open(path, testParams, Options{}, func([]byte) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("error %v after %d calls", err, calls)
	}
}

func TestClosed(t *testing.T) {
	l, _, err := Open(filepath.Join(t.TempDir(), "log"), testParams, Options{Sync: SyncInterval, Interval: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Append": l.Append([]byte("y")), "Sync": l.Sync(), "Rotate": l.Rotate(), "Close": l.Close(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
	if got := l.Size(); got != int64(len(refLog(testParams, []byte("x")))) {
		t.Errorf("Size after Close = %d", got)
	}
}

// TestFailureIsSticky breaks the file under the Log: the failed Append and
// everything after it report the failure, and the file reopens.
func TestFailureIsSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, _, err := Open(path, testParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append([]byte("kept")); err != nil {
		t.Fatal(err)
	}
	l.f.Close() // every later write and fsync fails
	first := l.Append([]byte("lost"))
	if first == nil || !errors.Is(first, os.ErrClosed) {
		t.Fatalf("Append on a closed file: %v", first)
	}
	for name, err := range map[string]error{"Append": l.Append(nil), "Sync": l.Sync(), "Rotate": l.Rotate()} {
		if err != first {
			t.Errorf("%s after a failure: %v, want the first failure", name, err)
		}
	}
	if err := l.Close(); err == nil {
		t.Error("Close after a failure returned nil")
	}
	recs, _ := readRecords(t, path, testParams)
	if len(recs) != 1 || string(recs[0]) != "kept" {
		t.Fatalf("records %q", recs)
	}
}

func TestConcurrentAppend(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncEach, SyncBatch} {
		t.Run(policy.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log")
			l, _, err := Open(path, testParams, Options{Sync: policy}, nil)
			if err != nil {
				t.Fatal(err)
			}
			const writers, each = 8, 150
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						if err := l.Append(fmt.Appendf(nil, "%d %d|%s", w, i, payload(i, i%50))); err != nil {
							t.Error(err)
							return
						}
						if policy == SyncBatch && i%20 == 0 {
							if err := l.Sync(); err != nil {
								t.Error(err)
							}
						}
					}
				})
			}
			wg.Wait()
			if l.synced != l.appended && policy == SyncEach {
				t.Errorf("SyncEach: %d of %d records synced", l.synced, l.appended)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			recs, _ := readRecords(t, path, testParams)
			next := make([]int, writers)
			for _, r := range recs {
				var w, i int
				if _, err := fmt.Sscanf(string(r), "%d %d|", &w, &i); err != nil || w < 0 || w >= writers {
					t.Fatalf("record %q: %v", r, err)
				}
				if i != next[w] {
					t.Fatalf("writer %d: record %d after %d", w, i, next[w]-1)
				}
				next[w]++
			}
			for w, n := range next {
				if n != each {
					t.Errorf("writer %d: %d records, want %d", w, n, each)
				}
			}
		})
	}
}

func TestSyncInterval(t *testing.T) {
	l, _, err := Open(filepath.Join(t.TempDir(), "log"), nil, Options{Sync: SyncInterval, Interval: 2 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append([]byte("a")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		done := l.synced == 1
		l.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background goroutine never synced")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSyncBatchLeavesSyncToCaller(t *testing.T) {
	l, _, err := Open(filepath.Join(t.TempDir(), "log"), nil, Options{Sync: SyncBatch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for range 3 {
		if err := l.Append([]byte("a")); err != nil {
			t.Fatal(err)
		}
	}
	if l.synced != 0 {
		t.Fatalf("SyncBatch synced %d records by itself", l.synced)
	}
	if err := l.Sync(); err != nil || l.synced != 3 {
		t.Fatalf("Sync: %v, %d records synced", err, l.synced)
	}
}

func TestAppendAllocs(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncEach, SyncBatch} {
		l, _, err := Open(filepath.Join(t.TempDir(), "log"), nil, Options{Sync: policy}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := payload(1, 2048)
		if err := l.Append(p); err != nil { // grows the buffer
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(50, func() {
			if err := l.Append(p); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%v: Append allocates %v times", policy, a)
		}
		if a := testing.AllocsPerRun(50, func() { _ = l.Sync() }); a != 0 {
			t.Errorf("%v: Sync allocates %v times", policy, a)
		}
		l.Close()
	}
}

func TestRotate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	l, _, err := Open(path, testParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := l.Append(payload(i, 50)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Rotate(); err != nil {
		t.Fatal(err)
	}
	if got, want := l.Size(), int64(len(refLog(testParams))); got != want {
		t.Fatalf("Size after Rotate = %d, want %d", got, want)
	}
	after := [][]byte{payload(10, 20), payload(11, 30)}
	for _, p := range after {
		if err := l.Append(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if recs, _ := readRecords(t, path, testParams); !equalRecords(recs, after) {
		t.Fatalf("records after Rotate: %q", recs)
	}
	if _, err := os.Stat(tempName(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary left behind: %v", err)
	}
}

// setHook installs testHook for the duration of a test.
func setHook(t *testing.T, h func(point string) error) {
	t.Cleanup(func() { testHook = nil })
	testHook = h
}

// copyDir copies the regular files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestRotateCrashStates copies the directory at every step of Rotate, as a
// crash there would leave it, and opens each copy: before the rename it holds
// the old records, after it the empty log; Open removes the temporary.
func TestRotateCrashStates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	l, _, err := Open(path, testParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := testPayloads()
	for _, p := range old {
		if err := l.Append(p); err != nil {
			t.Fatal(err)
		}
	}
	states := map[string]string{}
	setHook(t, func(point string) error {
		states[point] = copyDir(t, dir)
		return nil
	})
	if err := l.Rotate(); err != nil {
		t.Fatal(err)
	}
	states["done"] = copyDir(t, dir)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	testHook = nil
	for point, want := range map[string][][]byte{pointWritten: old, pointSynced: old, pointRenamed: nil, "done": nil} {
		d, ok := states[point]
		if !ok {
			t.Fatalf("no state captured at %q", point)
		}
		recs, rep := readRecords(t, filepath.Join(d, "log"), testParams)
		if !equalRecords(recs, want) || rep.TornBytes != 0 {
			t.Errorf("crash at %q: %d records, report %+v; want %d", point, len(recs), rep, len(want))
		}
		if _, err := os.Stat(filepath.Join(d, "log.tmp")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("crash at %q: Open left the temporary: %v", point, err)
		}
	}
}

// TestRotateFailures makes each step of Rotate fail: before the rename the
// Log keeps its old file and stays usable; after it, the Log uses the new one.
func TestRotateFailures(t *testing.T) {
	for _, point := range []string{pointWritten, pointSynced, pointRenamed} {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "log")
			l, _, err := Open(path, testParams, Options{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Append([]byte("before")); err != nil {
				t.Fatal(err)
			}
			injected := errors.New("injected")
			setHook(t, func(p string) error {
				if p == point {
					return injected
				}
				return nil
			})
			if err := l.Rotate(); !errors.Is(err, injected) {
				t.Fatalf("Rotate: %v, want the injected error", err)
			}
			testHook = nil
			if err := l.Append([]byte("after")); err != nil {
				t.Fatalf("Append after a failed Rotate: %v", err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			want := []string{"before", "after"}
			if point == pointRenamed {
				want = want[1:]
			}
			recs, _ := readRecords(t, path, testParams)
			if fmt.Sprintf("%q", recs) != fmt.Sprintf("%q", want) {
				t.Fatalf("records %q, want %q", recs, want)
			}
			if _, err := os.Stat(tempName(path)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("temporary left behind: %v", err)
			}
		})
	}
}

// TestCreateCrashStates crashes the creation of a new log at every step:
// each state opens as an empty log.
func TestCreateCrashStates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	states := map[string]string{}
	setHook(t, func(point string) error {
		states[point] = copyDir(t, dir)
		return nil
	})
	l, _, err := Open(path, testParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	testHook = nil
	l.Close()
	if len(states) != 3 {
		t.Fatalf("captured %d states", len(states))
	}
	for point, d := range states {
		recs, rep := readRecords(t, filepath.Join(d, "log"), testParams)
		if len(recs) != 0 || rep.Bytes != int64(len(refLog(testParams))) {
			t.Errorf("crash at %q: %d records, report %+v", point, len(recs), rep)
		}
	}
}

// TestCloseDuringAppends closes the log while goroutines append under each
// policy: every Append returns nil or ErrClosed, and every record whose
// Append returned nil is in the file.
func TestCloseDuringAppends(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncEach, SyncBatch, SyncInterval} {
		t.Run(policy.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log")
			l, _, err := Open(path, nil, Options{Sync: policy, Interval: time.Millisecond}, nil)
			if err != nil {
				t.Fatal(err)
			}
			const writers = 6
			acked := make([]int, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := 0; ; i++ {
						err := l.Append(fmt.Appendf(nil, "%d %d|", w, i))
						if errors.Is(err, ErrClosed) {
							return
						}
						if err != nil {
							t.Error(err)
							return
						}
						acked[w] = i + 1
					}
				})
			}
			time.Sleep(5 * time.Millisecond)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			recs, _ := readRecords(t, path, nil)
			count := make([]int, writers)
			for _, r := range recs {
				var w, i int
				if _, err := fmt.Sscanf(string(r), "%d %d|", &w, &i); err != nil || i != count[w] {
					t.Fatalf("record %q after %d of its writer: %v", r, count[w], err)
				}
				count[w]++
			}
			for w := range writers {
				if count[w] < acked[w] {
					t.Errorf("writer %d: %d records in the file, %d acknowledged", w, count[w], acked[w])
				}
			}
		})
	}
}

// TestRotateDuringAppends rotates while goroutines append: no deadlock, no
// race, and the final log holds a suffix of each writer's records.
func TestRotateDuringAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, _, err := Open(path, nil, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 100
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := l.Append(fmt.Appendf(nil, "%d %d|", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 5 {
		if err := l.Rotate(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	recs, _ := readRecords(t, path, nil)
	last := make([]int, writers)
	for _, r := range recs {
		var w, i int
		if _, err := fmt.Sscanf(string(r), "%d %d|", &w, &i); err != nil {
			t.Fatal(err)
		}
		if last[w] != 0 && i != last[w] {
			t.Fatalf("writer %d: record %d after %d", w, i, last[w]-1)
		}
		last[w] = i + 1
	}
	for w, n := range last {
		if n != 0 && n != each {
			t.Errorf("writer %d: log ends at record %d of %d", w, n, each)
		}
	}
}

// TestRotateParams checks that RotateParams gives the new file, and the
// later rotations, the new parameters: the log then opens with them only.
func TestRotateParams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, _, err := Open(path, testParams, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(payload(1, 40)); err != nil {
		t.Fatal(err)
	}
	newParams := []byte("other params")
	if err := l.RotateParams(make([]byte, MaxParamsSize+1)); !errors.Is(err, ErrParams) {
		t.Fatalf("oversize params: %v", err)
	}
	if err := l.RotateParams(newParams); err != nil {
		t.Fatal(err)
	}
	if got, want := l.Size(), int64(len(refLog(newParams))); got != want {
		t.Fatalf("Size after RotateParams = %d, want %d", got, want)
	}
	after := [][]byte{payload(2, 30)}
	if err := l.Append(after[0]); err != nil {
		t.Fatal(err)
	}
	if err := l.Rotate(); err != nil { // keeps the new parameters
		t.Fatal(err)
	}
	after = append(after[:0], payload(3, 20))
	if err := l.Append(after[0]); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if recs, _ := readRecords(t, path, newParams); !equalRecords(recs, after) {
		t.Fatalf("records after RotateParams: %q", recs)
	}
	if _, _, err := Open(path, testParams, Options{}, nil); !errors.Is(err, ErrParams) {
		t.Fatalf("opened with the old parameters: %v", err)
	}
}
