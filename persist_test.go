package neardup

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/internal/wal"
	"github.com/neardup/neardup/normalize"
)

var crashLong = os.Getenv("NEARDUP_CRASH_RUNS") != ""

// persistOptions exercises every kind of data a detector keeps.
var persistOptions = Options{KeepShingles: true, Passages: true, MaxHamming: 3, Durability: SyncBatch}

// state is a canonical view of a detector: what it answers.
type state struct {
	Len      int
	Matches  [][]Match
	Passages [][]Passage
	Clusters []Cluster
}

func stateOf(t *testing.T, d *Detector, probes []string) state {
	t.Helper()
	s := state{Len: d.Len(), Clusters: d.Clusters()}
	for _, p := range probes {
		r := d.QueryString(p)
		s.Matches = append(s.Matches, r.Matches)
		s.Passages = append(s.Passages, r.Passages)
	}
	return s
}

// persistCorpus returns texts with near-duplicates, shared passages and
// repeats, from the seed articles and synthetic words.
func persistCorpus() []string {
	var texts []string
	files, _ := filepath.Glob("testdata/seeds/*.txt")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		texts = append(texts, string(b))
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 30; i++ {
		w := synthDoc(rng, 120)
		texts = append(texts, strings.Join(w, " "))
		texts = append(texts, strings.Join(mutate(rng, w, 0.01), " "))
	}
	return texts
}

func fill(t *testing.T, d *Detector, texts []string) {
	t.Helper()
	for i, txt := range texts {
		if _, err := d.AddStringAt(fmt.Sprint("doc", i), txt, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"doc0", "doc7", "doc12", "doc40"} {
		if err := d.Remove(id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPersistRoundTrip(t *testing.T) {
	texts := persistCorpus()
	probes := append(slices.Clone(texts[:8]), texts[40], texts[41])
	mem, _ := New(persistOptions)
	fill(t, mem, texts)
	want := stateOf(t, mem, probes)
	if len(want.Clusters) == 0 || want.Len != len(texts)-4 {
		t.Fatalf("test corpus: %d clusters, Len %d", len(want.Clusters), want.Len)
	}

	dir := t.TempDir()
	d, err := Open(dir, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, d, texts)
	if got := stateOf(t, d, probes); !reflect.DeepEqual(got, want) {
		t.Fatalf("persistent detector differs from the in-memory one")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddString("x", "y"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close: %v", err)
	}

	// Reopen: replayed from the log alone.
	d, err = Open(dir, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Recovery(); r.SnapshotDocs != 0 || r.LogRecords != len(texts)+4 || r.TornBytes != 0 {
		t.Fatalf("recovery %+v", r)
	}
	if got := stateOf(t, d, probes); !reflect.DeepEqual(got, want) {
		t.Fatalf("state after replay differs:\n got %+v\nwant %+v", got.Clusters, want.Clusters)
	}
	// Snapshot, change more, reopen: snapshot plus log.
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddString("extra", texts[5]); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove("doc3"); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.AddString("extra", texts[5]); err != nil {
		t.Fatal(err)
	}
	mem.Remove("doc3")
	want = stateOf(t, mem, probes)
	d.Close()
	d, err = Open(dir, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Recovery(); r.SnapshotDocs != len(texts)-4 || r.LogRecords != 2 {
		t.Fatalf("recovery %+v", r)
	}
	if got := stateOf(t, d, probes); !reflect.DeepEqual(got, want) {
		t.Fatalf("state after snapshot and replay differs")
	}
	// A snapshot next to an old log it covers (a crash between writing the
	// snapshot and starting the new log) replays nothing twice.
	logBytes, err := os.ReadFile(filepath.Join(dir, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := os.WriteFile(filepath.Join(dir, LogFile), logBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err = Open(dir, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, d, probes); !reflect.DeepEqual(got, want) {
		t.Fatalf("state with a stale log differs")
	}
	d.Close()
}

func TestPersistParams(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.AddString("a", "un deux trois quatre cinq six")
	d.Close()
	for _, o := range []Options{{K: 64}, {ShingleSize: 4}, {Threshold: 0.5}, {KeepShingles: true}, {Passages: true}, {Containment: 0.9},
		{Normalize: normalizeOptions(true)}} {
		if _, err := Open(dir, o); !errors.Is(err, ErrParams) {
			t.Errorf("%+v: %v, want ErrParams", o, err)
		}
	}
	// Options that do not change the data may change.
	d, err = Open(dir, Options{Threshold: 0.85, CandidateThreshold: 0.7, MaxHamming: 2, Window: time.Hour * 24 * 365 * 100, Durability: SyncInterval})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Contains("a") {
		t.Fatal("document lost")
	}
	d.Close()
}

// TestPersistDamage truncates and corrupts the files of a detector: Open
// either reports a torn tail and keeps every record before it, or fails
// with ErrCorrupt; it never panics.
func TestPersistDamage(t *testing.T) {
	src := t.TempDir()
	d, err := Open(src, Options{KeepShingles: true, Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	texts := persistCorpus()[:6]
	for i, txt := range texts {
		d.AddString(fmt.Sprint(i), txt)
	}
	d.Snapshot()
	d.AddString("after", texts[2])
	d.Close()
	for _, name := range []string{LogFile, SnapshotFile} {
		orig, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		step := max(1, len(orig)/300)
		for cut := 0; cut < len(orig); cut += step {
			checkDamaged(t, src, name, orig[:cut], fmt.Sprintf("%s cut at %d", name, cut))
		}
		for pos := 0; pos < len(orig); pos += step {
			bad := slices.Clone(orig)
			bad[pos] ^= 0x41
			checkDamaged(t, src, name, bad, fmt.Sprintf("%s byte %d flipped", name, pos))
		}
	}
}

func checkDamaged(t *testing.T, src, name string, data []byte, what string) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{LogFile, SnapshotFile} {
		b, _ := os.ReadFile(filepath.Join(src, f))
		if f == name {
			b = data
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	d, err := Open(dir, Options{KeepShingles: true, Passages: true})
	if err != nil {
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrParams) {
			t.Fatalf("%s: %v", what, err)
		}
		return
	}
	defer d.Close()
	// Opened: the snapshot was intact, so its 6 documents are there, and
	// the detector works.
	if d.Len() < 6 || !d.Contains("5") {
		t.Fatalf("%s: opened with Len %d", what, d.Len())
	}
	if _, err := d.AddString("new", "encore un texte de plus de cinq mots"); err != nil {
		t.Fatalf("%s: Add after recovery: %v", what, err)
	}
}

// Golden files with a version 1 snapshot body: they must open forever.
// They were written by a release whose Snapshot wrote version 1 (documents
// g0 to g5 one hour apart, g-copy a copy of g1, a snapshot, then g6 and the
// removal of g0 logged) and cannot be written again: Snapshot now writes
// version 2 (TestPersistGoldenV2).
func TestPersistGoldenV1(t *testing.T) {
	dir := filepath.Join("testdata", "store_v1")
	opt := Options{KeepShingles: true, Passages: true}
	work := t.TempDir()
	for _, f := range []string{LogFile, SnapshotFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("golden file missing: %v", err)
		}
		os.WriteFile(filepath.Join(work, f), b, 0o644)
	}
	if snapshotIsV2(t, dir) {
		t.Fatal("testdata/store_v1 holds a version 2 snapshot")
	}
	d, err := Open(work, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if r := d.Recovery(); d.Len() != 7 || r.SnapshotDocs != 7 || r.LogRecords != 2 {
		t.Fatalf("Len %d, recovery %+v", d.Len(), r)
	}
	cl := d.Clusters()
	if len(cl) != 2 || cl[0].Representative != "g1" || strings.Join(cl[0].Members, ",") != "g1,g-copy" ||
		strings.Join(cl[1].Members, ",") != "g5,g6" {
		t.Fatalf("clusters %+v", cl)
	}
	texts := persistCorpus()
	res := d.QueryString(texts[1])
	if len(res.Matches) != 2 || res.Matches[0].Jaccard != 1 {
		t.Fatalf("matches %+v", res.Matches)
	}
	// The golden files hold the fingerprints in position order (the order
	// does not matter to the format): passages against loaded documents
	// are found whole all the same.
	var body bool
	for _, p := range res.Passages {
		if p.OtherID == "g1" && p.Start == 0 && p.End == len(texts[1]) && p.OtherEnd == len(texts[1]) {
			body = true
		}
	}
	if !body {
		t.Fatalf("article 001 not found whole as a passage of g1: %+v", res.Passages)
	}
	// The next snapshot is of version 2 and holds the same state.
	want := stateOf(t, d, texts[:8])
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if !snapshotIsV2(t, work) {
		t.Fatal("the snapshot written after loading version 1 is not of version 2")
	}
	d, err = Open(work, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := stateOf(t, d, texts[:8]); !reflect.DeepEqual(got, want) {
		t.Fatalf("state differs after a version 2 snapshot of a version 1 load")
	}
}

// TestPersistCrash kills a child process adding documents with SIGKILL at a
// random moment, many times, and checks after each that reopening keeps
// every document the child was told was added.
func TestPersistCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	if os.Getenv("NEARDUP_CRASH_CHILD") != "" {
		t.Skip("in the child")
	}
	runs := 8
	if crashLong {
		runs, _ = strconv.Atoi(os.Getenv("NEARDUP_CRASH_RUNS"))
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(11, 11))
	acked := map[string]bool{}   // added and acknowledged: must be there
	removed := map[string]bool{} // removed and acknowledged: must not be there
	torn := 0
	note := func(l string) {
		if id, ok := strings.CutPrefix(l, "added "); ok {
			acked[id] = true
		}
		if id, ok := strings.CutPrefix(l, "removing "); ok {
			delete(acked, id) // either way after a crash
		}
		if id, ok := strings.CutPrefix(l, "removed "); ok {
			removed[id] = true
		}
	}
	for run := 0; run < runs; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPersistCrashChild$")
		cmd.Env = append(os.Environ(), "NEARDUP_CRASH_CHILD="+dir, fmt.Sprint("NEARDUP_CRASH_RUN=", run))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		deadline := time.After(time.Duration(20+rng.IntN(200)) * time.Millisecond)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				note(l)
			case <-deadline:
				cmd.Process.Kill() // SIGKILL
				for l := range lines {
					note(l)
				}
				break read
			}
		}
		cmd.Wait()
		d, err := Open(dir, persistOptions)
		if err != nil {
			t.Fatalf("run %d: reopening after SIGKILL: %v", run, err)
		}
		if d.Recovery().TornBytes > 0 {
			torn++
		}
		for id := range acked {
			if !d.Contains(id) {
				t.Fatalf("run %d: acknowledged document %s lost", run, id)
			}
		}
		for id := range removed {
			if d.Contains(id) {
				t.Fatalf("run %d: acknowledged removal of %s lost", run, id)
			}
		}
		d.Close()
	}
	if len(acked) == 0 {
		t.Fatal("the child acknowledged nothing")
	}
	t.Logf("%d runs, %d documents and %d removals acknowledged, %d torn tails dropped", runs, len(acked), len(removed), torn)
}

// TestPersistCrashChild is the child of TestPersistCrash: it adds documents
// as fast as it can and prints each one's ID once Add has returned.
func TestPersistCrashChild(t *testing.T) {
	dir := os.Getenv("NEARDUP_CRASH_CHILD")
	if dir == "" {
		t.Skip("run by TestPersistCrash")
	}
	run := os.Getenv("NEARDUP_CRASH_RUN")
	opt := persistOptions
	opt.Durability = SyncEach
	opt.SnapshotBytes = 256 << 10 // snapshots happen during the run too
	d, err := Open(dir, opt)
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(1)
	}
	rng := rand.New(rand.NewPCG(uint64(len(run)), 7))
	for i := 0; ; i++ {
		id := fmt.Sprintf("r%s-%d", run, i)
		if _, err := d.AddString(id, strings.Join(synthDoc(rng, 80), " ")); err != nil {
			fmt.Println("add failed:", err)
			os.Exit(1)
		}
		fmt.Println("added", id)
		if i%7 == 6 {
			victim := fmt.Sprintf("r%s-%d", run, i-1)
			fmt.Println("removing", victim)
			if err := d.Remove(victim); err != nil {
				fmt.Println("remove failed:", err)
				os.Exit(1)
			}
			fmt.Println("removed", victim)
		}
	}
}

func FuzzReplayRecord(f *testing.F) {
	d, _ := New(persistOptions)
	texts := persistCorpus()
	ws := d.pool.Get().(*workspace)
	ws.signer.tokenizeString(texts[1])
	d.sign(ws)
	rec := docRecord{seq: 1, id: "x", size: int32(ws.signer.sketch.MinHash.Size), sig8: ws.sig8, keys: ws.keys,
		set: encodeSet(ws.signer.set), fpKeys: ws.fpKeys, pass: d.keepPassages(ws)}
	f.Add(d.appendDoc([]byte{recAdd}, &rec, true))
	f.Add([]byte{recRemove, 2, 1, 'x'})
	f.Add([]byte{})
	fresh, _ := New(persistOptions) // empty; accepted records are undone
	legacy, _ := New(persistOptions)
	legacy.legacyPass = true // records of passage format 1
	probe := texts[0][:400]
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*Detector{fresh, legacy} {
			replayOne(t, d, b, probe)
		}
	})
}

// replayOne replays one record into the empty detector d and checks that
// it is refused with ErrCorrupt, changing nothing, or that the detector
// works on it; accepted records are then undone.
func replayOne(t *testing.T, d *Detector, b []byte, probe string) {
	t.Helper()
	{
		if _, err := d.replay(b, 0); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			if d.Len() != 0 {
				t.Fatalf("a refused record changed the detector")
			}
			return
		}
		// Accepted: the detector still works on it.
		d.QueryString(probe)
		d.Clusters()
		for id := range d.byID {
			if err := d.Remove(id); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// FuzzLoadSnapshot feeds every input to the readers of both snapshot body
// versions: each refuses it with ErrCorrupt or loads a detector that
// works (queries, Add, removing every document).
func FuzzLoadSnapshot(f *testing.F) {
	dir := f.TempDir()
	d, _ := Open(dir, persistOptions)
	texts := persistCorpus()
	short := []string{texts[8][:300], texts[9][:300], texts[10][:300]}
	for i, txt := range short {
		d.AddString(fmt.Sprint(i), txt)
	}
	d.AddString("copy", short[1])
	d.AddString("empty", "")
	d.AddString("copy2", short[1])
	var v1, v2 bytes.Buffer
	d.mu.Lock()
	d.writeSnapshot(&v1)
	d.mu.Unlock()
	// Version 2 with a removal at the front, a hole and a removed
	// representative.
	d.Remove("0")
	d.Remove("2")
	d.Remove("1")
	d.mu.Lock()
	d.writeSnapshotV2(&v2)
	d.mu.Unlock()
	d.Close()
	f.Add(v1.Bytes())
	f.Add(v2.Bytes())
	for _, b := range v2Bodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for v := 1; v <= 2; v++ {
			d, _ := New(persistOptions)
			var seq uint64
			var rec Recovery
			load := d.loadSnapshot
			if v == 2 {
				load = func(_ io.Reader, seq *uint64, rec *Recovery) error {
					return d.loadSnapshotData(b, true, seq, rec) // as Open does: sets alias the body
				}
			}
			if err := load(bytes.NewReader(b), &seq, &rec); err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("version %d: error %v is not ErrCorrupt", v, err)
				}
				continue
			}
			if rec.SnapshotDocs != d.Len() {
				t.Fatalf("version %d: %d documents loaded, Recovery says %d", v, d.Len(), rec.SnapshotDocs)
			}
			d.QueryString(short[1])
			d.Clusters()
			if _, err := d.AddString("fuzz-new", short[1]); err != nil && !errors.Is(err, ErrFull) && !errors.Is(err, ErrDuplicateID) {
				t.Fatalf("version %d: Add: %v", v, err)
			}
			for id := range maps.Clone(d.byID) {
				if err := d.Remove(id); err != nil {
					t.Fatalf("version %d: Remove: %v", v, err)
				}
			}
			d.Clusters()
		}
	})
}

func normalizeOptions(dropElisions bool) normalize.Options {
	return normalize.Options{DropElisions: dropElisions}
}

// snapshotIsV2 reports whether the snapshot file in dir has a version 2
// body.
func snapshotIsV2(t testing.TB, dir string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	head, _ := splitSnapshot(t, b)
	return bytes.HasSuffix(head[:len(head)-4], []byte(snapshotBodyV2))
}

// splitSnapshot splits a snapshot file (see package internal/wal) into its
// header and its body, without the body's CRC.
func splitSnapshot(t testing.TB, b []byte) (head, body []byte) {
	t.Helper()
	if len(b) < 14 {
		t.Fatalf("snapshot of %d bytes", len(b))
	}
	n := 14 + int(binary.LittleEndian.Uint32(b[10:])) + 4
	if len(b) < n+4 {
		t.Fatalf("snapshot of %d bytes", len(b))
	}
	return b[:n], b[n : len(b)-4]
}

// joinSnapshot returns the snapshot file of header head and body body,
// with the body's CRC: a damaged body that the CRC does not catch.
func joinSnapshot(head, body []byte) []byte {
	out := append(slices.Clip(head), body...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
}

// v2Corpus holds the texts of TestSnapshotV2Equivalence: random fillers,
// two families of near-duplicates (A and B: a shared core plus 40 words of
// their own, so that members of a family match each other (J ≈ 0.99) and
// not those of the other (J ≈ 0.71), while the core alone matches both
// (J ≈ 0.83) and merges their clusters), and two seed articles for the
// passages, article 001 holding its body twice.
type v2Corpus struct {
	filler                       []string
	core, a, a2, a3, b, b2, seq2 string
	seeds                        []string
	quote                        string // a passage of seeds[0] among random words
}

func newV2Corpus() v2Corpus {
	rng := rand.New(rand.NewPCG(21, 21))
	words := func(n int) []string { return synthDoc(rng, n) }
	join := func(parts ...[]string) string { return strings.Join(slices.Concat(parts...), " ") }
	var c v2Corpus
	for range 8 {
		c.filler = append(c.filler, join(words(80)))
	}
	core, ownA, ownB := words(204), words(40), words(40)
	c.core = join(core)
	c.a, c.a2, c.a3 = join(core, ownA), join(core, ownA, words(2)), join(core, ownA, words(3))
	c.b, c.b2 = join(core, ownB), join(core, ownB, words(2))
	c.seq2 = join(ownA, ownB)
	all := persistCorpus()
	c.seeds = all[:2]
	c.quote = join(words(30)) + " " + c.seeds[0][200:1400] + " " + join(words(30))
	return c
}

// v2Step is one change of TestSnapshotV2Equivalence: an Add of text under
// id at hour h (after t0), or the removal of id.
type v2Step struct {
	id, text string
	h        int
	remove   bool
}

// v2Outcome is what a step returned, and the clusters after it.
type v2Outcome struct {
	Res      Result
	Err      string
	Clusters []Cluster
}

func runSteps(d *Detector, steps []v2Step) []v2Outcome {
	var out []v2Outcome
	for _, s := range steps {
		var o v2Outcome
		var err error
		if s.remove {
			err = d.Remove(s.id)
		} else {
			o.Res, err = d.AddStringAt(s.id, s.text, t0.Add(time.Duration(s.h)*time.Hour))
		}
		if err != nil {
			o.Err = err.Error()
		}
		o.Clusters = d.Clusters()
		out = append(out, o)
	}
	return out
}

// TestSnapshotV2Equivalence runs the same changes on a detector made by New
// and on a persistent one that is snapshotted, closed and reopened midway:
// after reopening, every query, cluster and later Add answers the same, and
// every document has kept its number. Removals at the front (so that the
// snapshot starts after document 0) and in the middle (holes), clusters
// whose representative and link ends are removed, a merge of clusters
// after reopening, a document without tokens, MaxHamming, Passages,
// Containment, a bucket cap and a time window are covered.
func TestSnapshotV2Equivalence(t *testing.T) {
	c := newV2Corpus()
	f := c.filler
	phase1 := []v2Step{
		{id: "f0", text: f[0], h: 0}, {id: "f1", text: f[1], h: 1},
		{id: "A", text: c.a, h: 2}, {id: "A2", text: c.a2, h: 3}, {id: "A3", text: c.a3, h: 4},
		{id: "mid", text: f[2], h: 5}, {id: "seed0", text: c.seeds[0], h: 6}, {id: "empty", text: "", h: 6},
		{id: "B", text: c.b, h: 7}, {id: "B2", text: c.b2, h: 8}, {id: "seed1", text: c.seeds[1], h: 9},
		{id: "f3", text: f[3], h: 10}, {id: "f3-copy", text: f[3], h: 10},
		{id: "f0", remove: true}, {id: "f1", remove: true}, {id: "A3", remove: true}, {id: "A", remove: true},
		{id: "mid", remove: true},
		// Logged after the first snapshot:
		{id: "f4", text: f[4], h: 11}, {id: "f3-copy2", text: f[3], h: 11}, {id: "f3-copy", remove: true},
	}
	const snapAt = 18 // steps before the first snapshot
	phase2 := []v2Step{
		{id: "core", text: c.core, h: 12}, // merges the clusters of A2 and B
		{id: "f5", text: f[5], h: 12}, {id: "quote", text: c.quote, h: 13},
		{id: "A2", remove: true}, // the representative of the merged cluster
		{id: "A-again", text: c.a, h: 13}, {id: "B-again", text: c.b2, h: 14},
		{id: "f3-copy3", text: f[3], h: 14}, {id: "seed1-again", text: c.seeds[1], h: 15},
		{id: "empty", remove: true}, {id: "seq2", text: c.seq2, h: 16},
	}
	probes := []string{c.core, c.a, c.b2, c.seeds[0], c.seeds[1], c.quote, f[3], f[0], c.seq2}
	for _, cfg := range []struct {
		name  string
		opt   Options
		merge bool // the clusters of A2 and B merge
	}{
		{"all", persistOptions, true},
		{"capped", Options{BucketCap: 2, Durability: SyncBatch}, false},
		{"window", Options{Window: 9 * time.Hour, Containment: 0.9, KeepShingles: true, MaxHamming: 2, Durability: SyncBatch}, false},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			mem, err := New(cfg.opt)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			d, err := Open(dir, cfg.opt)
			if err != nil {
				t.Fatal(err)
			}
			want := runSteps(mem, phase1)
			got := runSteps(d, phase1[:snapAt])
			if err := d.Snapshot(); err != nil {
				t.Fatal(err)
			}
			got = append(got, runSteps(d, phase1[snapAt:])...)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("persistent detector answered differently before reopening")
			}
			d.Close()
			check := func(what string, wantRec Recovery) {
				t.Helper()
				d, err = Open(dir, cfg.opt)
				if err != nil {
					t.Fatal(err)
				}
				if !snapshotIsV2(t, dir) {
					t.Fatalf("%s: snapshot is not of version 2", what)
				}
				if r := d.Recovery(); r != wantRec {
					t.Fatalf("%s: recovery %+v, want %+v", what, r, wantRec)
				}
				if !maps.Equal(d.byID, mem.byID) {
					t.Fatalf("%s: document numbers differ:\n got %v\nwant %v", what, d.byID, mem.byID)
				}
				if g, w := stateOf(t, d, probes), stateOf(t, mem, probes); !reflect.DeepEqual(g, w) {
					t.Fatalf("%s: state differs:\n got %+v\nwant %+v", what, g, w)
				}
			}
			// Snapshot and log, then snapshot alone.
			check("snapshot and log", Recovery{SnapshotDocs: d0Live(t, phase1[:snapAt], cfg.opt), LogRecords: len(phase1) - snapAt})
			if err := d.Snapshot(); err != nil {
				t.Fatal(err)
			}
			d.Close()
			check("snapshot", Recovery{SnapshotDocs: mem.Len()})
			hole := false
			for i := range d.docs.len() {
				hole = hole || !d.docs.entry(i).alive
			}
			if d.docs.base == 0 || !hole {
				t.Fatalf("snapshot starts at %d with no hole: the test misses its point", d.docs.base)
			}
			want = runSteps(mem, phase2)
			got = runSteps(d, phase2)
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("step %+v after reopening:\n got %+v\nwant %+v", phase2[i], got[i], want[i])
				}
			}
			for _, at := range []int{13, 15} {
				n1, err1 := mem.EvictBefore(t0.Add(time.Duration(at) * time.Hour))
				n2, err2 := d.EvictBefore(t0.Add(time.Duration(at) * time.Hour))
				if n1 != n2 || err1 != nil || err2 != nil {
					t.Fatalf("EvictBefore %dh: %d, %v; want %d", at, n2, err2, n1)
				}
			}
			if g, w := stateOf(t, d, probes), stateOf(t, mem, probes); !reflect.DeepEqual(g, w) || !maps.Equal(d.byID, mem.byID) {
				t.Fatalf("state differs after the changes that followed reopening")
			}
			d.Close()
			if cfg.merge {
				// The scenario did what it is meant to: a merge after
				// reopening, of clusters whose links have removed ends.
				cl := want[0].Res.Matches
				if len(cl) != 3 {
					t.Fatalf("core matched %+v, want A2, B and B2", cl)
				}
			}
			if cfg.opt.BucketCap > 0 && mem.CappedBuckets() == 0 {
				t.Fatal("no bucket was capped: the test misses its point")
			}
		})
	}
}

// TestSnapshotV1ToV2 loads a version 1 snapshot, whose removed link ends
// have lost their numbers, writes it again as version 2 and reopens that:
// the detector answers as the one that loaded version 1, before and after
// more changes (a merge of clusters with removed link ends among them).
func TestSnapshotV1ToV2(t *testing.T) {
	c := newV2Corpus()
	steps := []v2Step{
		{id: "f0", text: c.filler[0], h: 0}, {id: "A", text: c.a, h: 1}, {id: "A2", text: c.a2, h: 2},
		{id: "A3", text: c.a3, h: 3}, {id: "mid", text: c.filler[1], h: 4}, {id: "B", text: c.b, h: 5},
		{id: "B2", text: c.b2, h: 6}, {id: "seed0", text: c.seeds[0], h: 7},
		{id: "f0", remove: true}, {id: "A3", remove: true}, {id: "A", remove: true}, {id: "mid", remove: true},
	}
	later := []v2Step{
		{id: "core", text: c.core, h: 8}, {id: "A2", remove: true}, {id: "A-again", text: c.a, h: 9},
		{id: "quote", text: c.quote, h: 9},
	}
	src := t.TempDir()
	d, err := Open(src, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	runSteps(d, steps)
	d.mu.Lock()
	err = wal.WriteSnapshot(filepath.Join(src, SnapshotFile), d.store.params, d.writeSnapshot)
	d.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	// The log is not rotated: its records are covered by the snapshot.
	d.Close()
	v1, v2 := t.TempDir(), t.TempDir()
	for _, dir := range []string{v1, v2} {
		for _, f := range []string{LogFile, SnapshotFile} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
	}
	ref, err := Open(v1, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	if snapshotIsV2(t, v1) || ref.Recovery().SnapshotDocs != 4 {
		t.Fatalf("version 1 snapshot: recovery %+v", ref.Recovery())
	}
	dead := false
	for _, cs := range ref.clusters {
		for _, l := range cs.links {
			dead = dead || l.a == deadNum || l.b == deadNum
		}
	}
	if !dead {
		t.Fatal("no link with a removed end: the test misses its point")
	}
	d, err = Open(v2, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if d, err = Open(v2, persistOptions); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	probes := []string{c.core, c.a, c.b, c.seeds[0]}
	if !snapshotIsV2(t, v2) || !maps.Equal(d.byID, ref.byID) || !reflect.DeepEqual(stateOf(t, d, probes), stateOf(t, ref, probes)) {
		t.Fatal("state differs after writing a version 1 load as version 2")
	}
	if got, want := runSteps(d, later), runSteps(ref, later); !reflect.DeepEqual(got, want) {
		t.Fatalf("changes after the migration answer differently:\n got %+v\nwant %+v", got, want)
	}
}

// d0Live returns the number of documents steps leave in a detector with
// options opt.
func d0Live(t *testing.T, steps []v2Step, opt Options) int {
	t.Helper()
	d, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	runSteps(d, steps)
	return d.Len()
}

var updateStoreV2 = flag.Bool("update-store-v2", false,
	"rewrite testdata/store_v2, the golden files of snapshot body version 2 (only when that format changes version)")

// TestPersistGoldenV2 opens golden files with a version 2 snapshot body
// (written by -update-store-v2) and checks what they hold exactly; they
// must open forever. The snapshot starts at document 1 (g0 was removed),
// has holes (g3 and g5 were removed), a document without tokens (g4) and a
// cluster whose representative was removed; the log after it adds a copy
// of g2 and removes g1.
func TestPersistGoldenV2(t *testing.T) {
	dir := filepath.Join("testdata", "store_v2")
	opt := Options{KeepShingles: true, Passages: true}
	texts := persistCorpus()
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	if *updateStoreV2 {
		os.RemoveAll(dir)
		d, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range []struct{ id, text string }{
			{"g0", texts[0]}, {"g1", texts[1]}, {"g2", texts[2]}, {"g-copy", texts[1]}, {"g3", texts[3]},
			{"g4", ""}, {"g5", texts[5]}, {"g5b", texts[6]}, {"g5c", texts[5]}, {"g7", texts[7]},
		} {
			if _, err := d.AddStringAt(s.id, s.text, at(i)); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []string{"g0", "g3", "g5"} {
			if err := d.Remove(id); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Snapshot(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.AddStringAt("after", texts[2], at(10)); err != nil {
			t.Fatal(err)
		}
		if err := d.Remove("g1"); err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
	work, snapOnly := t.TempDir(), t.TempDir()
	for _, f := range []string{LogFile, SnapshotFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("golden file missing: %v", err)
		}
		os.WriteFile(filepath.Join(work, f), b, 0o644)
		if f == SnapshotFile {
			os.WriteFile(filepath.Join(snapOnly, f), b, 0o644)
		}
	}
	if !snapshotIsV2(t, dir) {
		t.Fatal("testdata/store_v2 does not hold a version 2 snapshot")
	}
	d, err := Open(work, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if r := d.Recovery(); r != (Recovery{SnapshotDocs: 7, LogRecords: 2}) || d.Len() != 7 {
		t.Fatalf("Len %d, recovery %+v", d.Len(), r)
	}
	wantNums := map[string]uint32{"g2": 2, "g-copy": 3, "g4": 5, "g5b": 7, "g5c": 8, "g7": 9, "after": 10}
	if d.docs.base != 1 || !maps.Equal(d.byID, wantNums) {
		t.Fatalf("base %d, document numbers %v, want 1, %v", d.docs.base, d.byID, wantNums)
	}
	j56 := float64(float32(exactJaccard(t, texts[5], texts[6])))
	if j56 < opt.Threshold || j56 > 0.99 {
		t.Fatalf("J(texts[5], texts[6]) = %v: the golden corpus changed", j56)
	}
	wantClusters := []Cluster{
		{Representative: "g2", Members: []string{"g2", "after"}, Links: []Link{{A: "g2", B: "after", Jaccard: 1}}},
		{Representative: "g5b", Members: []string{"g5b", "g5c"}, Links: []Link{
			{A: "g5", B: "g5b", Jaccard: j56, Removed: true},
			{A: "g5", B: "g5c", Jaccard: 1, Removed: true},
			{A: "g5b", B: "g5c", Jaccard: j56},
		}},
	}
	if got := d.Clusters(); !reflect.DeepEqual(got, wantClusters) {
		t.Fatalf("clusters\n got %+v\nwant %+v", got, wantClusters)
	}
	ids := func(ms []Match) string {
		var s []string
		for _, m := range ms {
			s = append(s, fmt.Sprintf("%s:%.4f", m.ID, m.Jaccard))
		}
		return strings.Join(s, ",")
	}
	for _, q := range []struct {
		text, want string
	}{
		{texts[0], ""}, {texts[3], ""}, {texts[1], "g-copy:1.0000"}, {texts[2], "g2:1.0000,after:1.0000"},
		{texts[5], fmt.Sprintf("g5c:1.0000,g5b:%.4f", j56)}, {texts[7], "g7:1.0000"},
	} {
		if got := ids(d.QueryString(q.text).Matches); got != q.want {
			t.Errorf("query: matches %s, want %s", got, q.want)
		}
	}
	var whole bool
	for _, p := range d.QueryString(texts[1]).Passages {
		whole = whole || p.OtherID == "g-copy" && p.Start == 0 && p.End == len(texts[1]) && p.OtherEnd == len(texts[1])
	}
	if !whole {
		t.Error("article 001 not found whole as a passage of g-copy")
	}
	// Numbering goes on after the last number of the files.
	if _, err := d.AddStringAt("new", texts[3], at(11)); err != nil || d.byID["new"] != 11 {
		t.Fatalf("new document numbered %d (%v), want 11", d.byID["new"], err)
	}
	// The snapshot alone, opened, is rewritten in passage format 2 (the
	// golden files are of format 1): smaller, since shingles and
	// fingerprints are no longer saved, and stable: writing that snapshot
	// again gives it back byte for byte.
	rewrite := func(dir string) []byte {
		s, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var body bytes.Buffer
		s.mu.Lock()
		err = s.writeSnapshotV2(&body)
		s.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		return body.Bytes()
	}
	orig, _ := os.ReadFile(filepath.Join(dir, SnapshotFile))
	_, want := splitSnapshot(t, orig)
	body := rewrite(snapOnly)
	if len(body) >= len(want) {
		t.Fatalf("snapshot body in passage format 2: %d bytes, format 1 %d", len(body), len(want))
	}
	upgraded, _ := os.ReadFile(filepath.Join(snapOnly, SnapshotFile))
	head, ubody := splitSnapshot(t, upgraded)
	if !bytes.Equal(ubody, body) {
		t.Fatalf("the snapshot Open rewrote differs from one written again")
	}
	again := t.TempDir()
	if err := os.WriteFile(filepath.Join(again, SnapshotFile), joinSnapshot(head, body), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := rewrite(again); !bytes.Equal(got, body) {
		t.Fatalf("snapshot written a second time differs: %d bytes, want %d", len(got), len(body))
	}
}

// v2Bodies returns detectors of persistOptions and their version 2
// snapshot bodies: three documents, then the same with the third removed,
// then with the first removed, then with only the first two.
func v2Bodies(t testing.TB) [][]byte {
	texts := persistCorpus()
	var out [][]byte
	for _, remove := range []string{"", "2", "0", "only2"} {
		d, err := Open(t.TempDir(), persistOptions)
		if err != nil {
			t.Fatal(err)
		}
		n := 3
		if remove == "only2" {
			n = 2
		}
		for i := range n {
			d.AddString(fmt.Sprint(i), texts[5+2*i]) // unrelated texts: no cluster
		}
		if remove == "0" || remove == "2" {
			d.Remove(remove)
		}
		var b bytes.Buffer
		d.mu.Lock()
		err = d.writeSnapshotV2(&b)
		d.mu.Unlock()
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	return out
}

// lshStart returns where the LSH tables begin in a version 2 body.
func lshStart(t testing.TB, body []byte) int {
	i := bytes.LastIndex(body, []byte("NDLSH"))
	if i < 0 {
		t.Fatal("no LSH tables in the body")
	}
	return i
}

// TestSnapshotV2Tampered loads version 2 bodies whose LSH tables are valid
// but do not fit the documents (a damage the CRC would not catch if made
// before it was computed), or that have bytes after them: ErrCorrupt.
func TestSnapshotV2Tampered(t *testing.T) {
	b := v2Bodies(t)
	full, without2, without0, only2 := b[0], b[1], b[2], b[3]
	tables := full[lshStart(t, full):]
	graft := func(body []byte) []byte { return slices.Concat(body[:lshStart(t, body)], tables) }
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"tables name a document past the last", graft(only2)},
		{"tables name a removed document", graft(without2)},
		{"tables name a document before the first", graft(without0)},
		{"bytes after the tables", slices.Concat(full, []byte{0})},
		{"no tables", full[:lshStart(t, full)]},
		{"tables cut short", full[:len(full)-1]},
	} {
		d, _ := New(persistOptions)
		var seq uint64
		var rec Recovery
		err := d.loadSnapshotData(c.body, true, &seq, &rec)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", c.name, err)
		}
	}
	// The untampered bodies load.
	for i, body := range b {
		d, _ := New(persistOptions)
		var seq uint64
		var rec Recovery
		if err := d.loadSnapshotData(body, true, &seq, &rec); err != nil || d.Len() != []int{3, 2, 2, 2}[i] {
			t.Errorf("body %d: %v, Len %d", i, err, d.Len())
		}
	}
}

// TestSnapshotV2Damage flips bytes of a version 2 snapshot body and cuts
// it short, fixing up its CRC so that the damage reaches the decoder: Open
// fails with ErrCorrupt or, when the damage left a valid state (a changed
// time or score), opens a detector that works; it never panics. Every cut
// fails.
func TestSnapshotV2Damage(t *testing.T) {
	src := t.TempDir()
	d, err := Open(src, persistOptions)
	if err != nil {
		t.Fatal(err)
	}
	c := newV2Corpus()
	steps := []v2Step{
		{id: "f0", text: c.filler[0]}, {id: "A", text: c.a}, {id: "A2", text: c.a2}, {id: "mid", text: c.filler[1]},
		{id: "B", text: c.b}, {id: "empty"}, {id: "core", text: c.core}, {id: "A3", text: c.a3},
		{id: "f0", remove: true}, {id: "mid", remove: true}, {id: "A", remove: true},
	}
	runSteps(d, steps)
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	orig, err := os.ReadFile(filepath.Join(src, SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	head, body := splitSnapshot(t, orig)
	opened, failed := 0, 0
	try := func(b []byte, what string, mustFail bool) {
		t.Helper()
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, SnapshotFile), joinSnapshot(head, b), 0o644)
		d, err := Open(dir, persistOptions)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: %v, want ErrCorrupt", what, err)
			}
			failed++
			return
		}
		defer d.Close()
		opened++
		if mustFail {
			t.Fatalf("%s: opened", what)
		}
		d.QueryString(c.a)
		d.Clusters()
		if _, err := d.AddString("new", c.b2); err != nil {
			t.Fatalf("%s: Add: %v", what, err)
		}
		for id := range maps.Clone(d.byID) {
			if err := d.Remove(id); err != nil {
				t.Fatalf("%s: Remove: %v", what, err)
			}
		}
	}
	try(body, "intact", false)
	step := max(1, len(body)/150)
	for cut := 0; cut < len(body); cut += step {
		try(body[:cut], fmt.Sprintf("cut at %d", cut), true)
	}
	for pos := 0; pos < len(body); pos += step {
		for _, x := range []byte{0x01, 0xff} {
			bad := slices.Clone(body)
			bad[pos] ^= x
			try(bad, fmt.Sprintf("byte %d ^ %#x", pos, x), false)
		}
	}
	// More densely in the header fields and the tables.
	start := lshStart(t, body)
	for _, r := range [][2]int{{0, 16}, {start, len(body)}} {
		for pos := r[0]; pos < r[1]; pos += max(1, (r[1]-r[0])/100) {
			for _, x := range []byte{0x01, 0x10} {
				bad := slices.Clone(body)
				bad[pos] ^= x
				try(bad, fmt.Sprintf("byte %d ^ %#x", pos, x), false)
			}
		}
	}
	t.Logf("%d-byte body (tables from byte %d): %d damaged bodies refused, %d opened", len(body), lshStart(t, body), failed, opened)
}

// BenchmarkSnapshotBody compares the snapshot body versions on a persistent
// detector holding n synthetic documents (default options): writing the
// snapshot, with its size per document, and opening a directory holding
// it, which rebuilds the LSH band tables from the band keys (version 1) or
// loads them (version 2). The detector written from is released before
// the directories are opened.
//
//	go test -run XXX -bench SnapshotBody/1000000 -benchtime 3x .
func BenchmarkSnapshotBody(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			d, err := Open(b.TempDir(), Options{Durability: SyncBatch, SnapshotBytes: -1})
			if err != nil {
				b.Fatal(err)
			}
			fillSynthetic(b, d, n)
			versions := []struct {
				name   string
				params []byte
				write  func(io.Writer) error
				dir    string
			}{
				{"v1", d.store.params, d.writeSnapshot, b.TempDir()},
				{"v2", d.store.snapP, d.writeSnapshotV2, b.TempDir()},
			}
			for _, v := range versions {
				path := filepath.Join(v.dir, SnapshotFile)
				write := func() {
					d.mu.Lock()
					defer d.mu.Unlock()
					if err := wal.WriteSnapshot(path, v.params, v.write); err != nil {
						b.Fatal(err)
					}
				}
				write()
				b.Run(v.name+"/Write", func(b *testing.B) {
					for b.Loop() {
						write()
					}
					info, err := os.Stat(path)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(info.Size())/float64(n), "file-B/doc")
				})
			}
			d.Close()
			d, versions[0].write, versions[1].write = nil, nil, nil
			runtime.GC()
			for _, v := range versions {
				b.Run(v.name+"/Reopen", func(b *testing.B) {
					for b.Loop() {
						r, err := Open(v.dir, Options{})
						if err != nil {
							b.Fatal(err)
						}
						if r.Len() != n {
							b.Fatalf("reopened with %d documents", r.Len())
						}
						r.Close()
					}
				})
			}
		})
	}
}

// TestFailedLogWriteChangesNothing checks that an Add whose log write fails
// leaves the index as it was, the fingerprints indexed during the passage
// lookup included.
func TestFailedLogWriteChangesNothing(t *testing.T) {
	d, err := Open(t.TempDir(), Options{Passages: true})
	if err != nil {
		t.Fatal(err)
	}
	_, texts := readSeeds(t)
	if _, err := d.AddString("000", texts[0]); err != nil {
		t.Fatal(err)
	}
	keys, live := d.fpIndex.Len(), d.Len()
	d.store.log.Close() // every later write fails
	if _, err := d.AddString("001", texts[1]); err == nil {
		t.Fatal("Add with a closed log succeeded")
	}
	if d.fpIndex.Len() != keys || d.Len() != live || d.Contains("001") {
		t.Fatalf("failed Add changed the index: %d keys (was %d), %d documents (was %d)", d.fpIndex.Len(), keys, d.Len(), live)
	}
	// The fingerprints of 001 were taken out: a query sharing passages with
	// it finds them in 000 only.
	res := d.QueryString(texts[1])
	for _, p := range res.Passages {
		if p.OtherID != "000" && p.OtherID != "" {
			t.Fatalf("passage with %q", p.OtherID)
		}
	}
}

// TestOpenMapsShingleSets checks that a detector opened from a snapshot
// keeps its shingle sets in the mapped file (its heap grows by far less
// than their size), answers as the detector that wrote it, and copies the
// sets when a new snapshot replaces the mapped one.
func TestOpenMapsShingleSets(t *testing.T) {
	dir := t.TempDir()
	opt := Options{KeepShingles: true, Threshold: 0.5, Durability: SyncBatch}
	d, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	g := newNewsLike(t, 21)
	var texts []string
	setBytes := 0
	for i := range 3000 {
		texts = append(texts, g.next(400))
		res, err := d.AddString(fmt.Sprint("d", i), texts[i])
		if err != nil {
			t.Fatal(err)
		}
		_ = res
	}
	s, _ := NewSigner(opt)
	for _, txt := range texts {
		s.SignString(txt)
		setBytes += 8 * len(s.Set())
	}
	probes := []string{texts[7], texts[2999] + " fin", g.next(400)}
	want := make([]Result, len(probes))
	for i, p := range probes {
		want[i] = d.QueryString(p)
	}
	if err := d.Snapshot(); err != nil {
		t.Fatal(err)
	}
	d.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d2, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int(after.HeapAlloc) - int(before.HeapAlloc)
	if !raceEnabled && grown > setBytes/2 {
		t.Errorf("opening grew the heap by %d bytes for %d bytes of shingle sets: the sets were copied", grown, setBytes)
	}
	t.Logf("heap +%d bytes for %d bytes of sets", grown, setBytes)
	check := func(d *Detector, when string) {
		t.Helper()
		for i, p := range probes {
			if got := d.QueryString(p); !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("%s: probe %d: %+v, want %+v", when, i, got, want[i])
			}
		}
	}
	check(d2, "reopened")
	// A new snapshot unmaps the old one: the sets must have been copied.
	if _, err := d2.AddString("extra", g.next(400)); err != nil {
		t.Fatal(err)
	}
	if err := d2.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if len(d2.store.mapped) != 0 {
		t.Fatal("the old snapshot is still mapped")
	}
	check(d2, "after a new snapshot")
	d2.Close()
	check(d2, "closed") // a closed detector still answers from its sets
	d3, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d3.Close()
	check(d3, "reopened twice")
	if d3.Len() != 3001 {
		t.Fatalf("Len %d", d3.Len())
	}
}
