package neardup

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// Golden files of format v1, written once by -update: they must open
// forever.
func TestPersistGoldenV1(t *testing.T) {
	dir := filepath.Join("testdata", "store_v1")
	opt := Options{KeepShingles: true, Passages: true}
	if *update {
		os.RemoveAll(dir)
		d, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		texts := persistCorpus()[:8]
		for i, txt := range texts[:6] {
			d.AddStringAt(fmt.Sprint("g", i), txt, t0.Add(time.Duration(i)*time.Hour))
		}
		d.AddStringAt("g-copy", texts[1], t0.Add(7*time.Hour))
		d.Snapshot()
		d.AddStringAt("g6", texts[6], t0.Add(8*time.Hour))
		d.Remove("g0")
		d.Close()
	}
	work := t.TempDir()
	for _, f := range []string{LogFile, SnapshotFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		os.WriteFile(filepath.Join(work, f), b, 0o644)
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
		set: ws.signer.set, fpKeys: ws.fpKeys, pass: d.keepPassages(ws)}
	f.Add(d.appendDoc([]byte{recAdd}, &rec, true))
	f.Add([]byte{recRemove, 2, 1, 'x'})
	f.Add([]byte{})
	fresh, _ := New(persistOptions) // empty; accepted records are undone
	probe := texts[0][:400]
	f.Fuzz(func(t *testing.T, b []byte) {
		d := fresh
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
	})
}

func FuzzLoadSnapshot(f *testing.F) {
	dir := f.TempDir()
	d, _ := Open(dir, persistOptions)
	texts := persistCorpus()
	short := []string{texts[8][:300], texts[9][:300], texts[10][:300]}
	for i, txt := range short {
		d.AddString(fmt.Sprint(i), txt)
	}
	d.AddString("copy", short[1])
	var body strings.Builder
	d.mu.Lock()
	d.writeSnapshot(&body)
	d.mu.Unlock()
	d.Close()
	f.Add([]byte(body.String()))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _ := New(persistOptions)
		var seq uint64
		var rec Recovery
		if err := d.loadSnapshot(strings.NewReader(string(b)), &seq, &rec); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		d.QueryString(short[1])
		d.Clusters()
	})
}

func normalizeOptions(dropElisions bool) normalize.Options {
	return normalize.Options{DropElisions: dropElisions}
}
