package neardup

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestGoldenSketches pins the sketches of the seed articles. They are what
// saved indexes hold: if this test fails, the pipeline's output changed and
// normalize.Version, shingle.Version or the minhash format must change with
// it. Regenerate with go test -run TestGoldenSketches -update only then.
func TestGoldenSketches(t *testing.T) {
	names, texts := readSeeds(t)
	s, err := NewSigner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintln(&buf, "# seed sketches: name tokens distinct-shingles simhash minhash(k=128, hex uint32)")
	for i, txt := range texts {
		sk := s.SignString(txt)
		fmt.Fprintf(&buf, "%s %d %d %016x", names[i], sk.Tokens, sk.MinHash.Size, sk.SimHash)
		for _, v := range sk.MinHash.Values {
			fmt.Fprintf(&buf, " %08x", v)
		}
		fmt.Fprintln(&buf)
	}
	const path = "testdata/golden/seed_sketches.txt"
	if *update {
		if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("seed sketches differ from %s:\n%s", path, firstDiff(buf.Bytes(), want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) && i < len(w); i++ {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d\n got: %.120s\nwant: %.120s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}
