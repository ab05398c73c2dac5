package wal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

var fuzzParams = []byte("fz")

// FuzzOpen opens arbitrary bytes as a log: Open must never panic, and must
// agree with the reference parser on the error, the records, the report and
// the truncation of a torn tail.
func FuzzOpen(f *testing.F) {
	recs := [][]byte{[]byte("a"), {}, payload(2, 40), []byte("add 12 doc")}
	full := refLog(fuzzParams, recs...)
	f.Add(full)
	f.Add(full[:len(full)-3])
	f.Add(refLog(fuzzParams))
	f.Add(refLog([]byte("other"), recs...))
	f.Add(append(refLog(fuzzParams, recs...), make([]byte, 20)...))
	f.Add(append(refLog(fuzzParams, recs[:1]...), refFrame(recs[2])[:5]...))
	damaged := bytes.Clone(full)
	damaged[len(refLog(fuzzParams))+1] ^= 0x10
	f.Add(damaged)
	f.Add(refHeader("NDUPWAL\n", 2, fuzzParams))
	f.Add([]byte("NDUPW"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		got := checkAgainstRef(t, t.TempDir(), data, fuzzParams)
		if got.err == nil {
			// What Open left behind is a clean log.
			again := checkAgainstRef(t, t.TempDir(), data[:got.rep.Bytes], fuzzParams)
			if again.err != nil || again.rep.TornBytes != 0 || !equalRecords(again.recs, got.recs) {
				t.Fatalf("recovered log reopens as %+v, %v", again.rep, again.err)
			}
		}
	})
}

// FuzzReadSnapshot reads arbitrary bytes as a snapshot: ReadSnapshot must
// never panic, and must agree with the reference parser.
func FuzzReadSnapshot(f *testing.F) {
	f.Add(refSnapshot(fuzzParams, []byte("body of the snapshot")))
	f.Add(refSnapshot(fuzzParams, nil))
	f.Add(refSnapshot([]byte("other"), []byte("x")))
	f.Add(refLog(fuzzParams, []byte("record")))
	f.Add(refHeader("NDUPSNP\n", 1, fuzzParams))
	f.Add(refHeader("NDUPSNP\n", 3, fuzzParams))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "snap")
		if err := os.WriteFile(path, data, 0o666); err != nil {
			t.Fatal(err)
		}
		want, wantErr := refParseSnapshot(data, fuzzParams)
		body, err := readAll(path, fuzzParams)
		if sentinelOf(err) != wantErr {
			t.Fatalf("error %v, want %v", err, wantErr)
		}
		if err == nil && !bytes.Equal(body, want) {
			t.Fatalf("body %q, want %q", body, want)
		}
	})
}
