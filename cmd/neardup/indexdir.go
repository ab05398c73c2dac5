package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/passage"
)

// A persistent index (-dir DIR) is a neardup.Open directory plus two files
// of the command's own: cli.json, the flags that made it, so that later
// runs need not repeat them (and are told clearly when they contradict
// them), and cli.lock, locked while a command uses the directory, so that
// two processes never open one index.

const (
	cliFile  = "cli.json"
	lockFile = "cli.lock"
)

// indexFlags are the flags that shape a detector, shared by scan, dedup
// and index stats.
type indexFlags struct {
	Threshold   float64 `json:"threshold"`
	Exact       bool    `json:"exact"`
	K           int     `json:"k"`
	Shingle     int     `json:"shingle"`
	Containment float64 `json:"containment"`
	Passages    bool    `json:"passages"`
	MinWords    int     `json:"min_words"`
	MinIdentity float64 `json:"min_identity,omitempty"`
	Boilerplate int     `json:"boilerplate"`
	Window      string  `json:"window,omitempty"` // a time.Duration, "" for none
	MaxWords    int     `json:"-"`                // refuses documents, changes no saved data
}

// register defines the flags on fs, with the command's defaults in f.
func (f *indexFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&f.Threshold, "threshold", f.Threshold, "Jaccard similarity of word shingles at which two documents are near-duplicates")
	fs.BoolVar(&f.Exact, "exact", f.Exact, "verify candidates with exact Jaccard similarity (keeps shingle sets in memory); false uses MinHash estimates")
	fs.IntVar(&f.K, "k", f.K, "number of MinHash values (0: 128)")
	fs.IntVar(&f.Shingle, "shingle", f.Shingle, "words per shingle (0: 5)")
	fs.Float64Var(&f.Containment, "containment", f.Containment, "share of one document's shingles inside another at which it counts as contained (0: off)")
	fs.IntVar(&f.MinWords, "min-words", f.MinWords, "with passages: shortest passage, in words (0: 10)")
	fs.Float64Var(&f.MinIdentity, "min-identity", f.MinIdentity, "with passages: lowest word identity of a passage aligned through edits (0: 0.8; 1: exact passages only)")
	fs.IntVar(&f.MaxWords, "max-words", f.MaxWords, "longest document accepted, in words: longer ones are skipped as too large (0: 1048576; -1: no limit)")
	fs.IntVar(&f.Boilerplate, "boilerplate", f.Boilerplate, "with passages: passages in at least this many earlier documents are boilerplate (0: 10)")
	fs.Func("window", "evict documents older than this before the newest (e.g. 72h; 0: keep all)", func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("not a duration: %q", s)
		}
		f.Window = ""
		if d > 0 {
			f.Window = d.String()
		}
		return nil
	})
}

func (f indexFlags) window() time.Duration {
	d, _ := time.ParseDuration(f.Window)
	return d
}

func (f indexFlags) options() neardup.Options {
	return neardup.Options{
		Threshold:     f.Threshold,
		K:             f.K,
		ShingleSize:   f.Shingle,
		Containment:   f.Containment,
		KeepShingles:  f.Exact,
		Passages:      f.Passages,
		Passage:       passage.Params{MinWords: f.MinWords, MinIdentity: f.MinIdentity},
		BoilerplateDF: f.Boilerplate,
		MaxWords:      f.MaxWords,
		Window:        f.window(),
		Durability:    neardup.SyncBatch,
		SnapshotBytes: math.MaxInt64, // see indexDir.close
	}
}

// savedFlags names the flags of indexFlags, by flag name.
var savedFlags = map[string]func(dst, src *indexFlags){
	"threshold":    func(d, s *indexFlags) { d.Threshold = s.Threshold },
	"exact":        func(d, s *indexFlags) { d.Exact = s.Exact },
	"k":            func(d, s *indexFlags) { d.K = s.K },
	"shingle":      func(d, s *indexFlags) { d.Shingle = s.Shingle },
	"containment":  func(d, s *indexFlags) { d.Containment = s.Containment },
	"passages":     func(d, s *indexFlags) { d.Passages = s.Passages },
	"min-words":    func(d, s *indexFlags) { d.MinWords = s.MinWords },
	"min-identity": func(d, s *indexFlags) { d.MinIdentity = s.MinIdentity },
	"boilerplate":  func(d, s *indexFlags) { d.Boilerplate = s.Boilerplate },
	"window":       func(d, s *indexFlags) { d.Window = s.Window },
}

// indexDir is an open persistent index.
type indexDir struct {
	dir  string
	lock *os.File
	det  *neardup.Detector
	// A goroutine syncs the log every syncEvery while a command runs, so
	// that the disk writes the log as it grows (a crash of the machine
	// loses at most that much), rather than all at the end.
	stopSync chan struct{}
	synced   chan error
}

// syncEvery is how often a running command syncs its index's log.
const syncEvery = 250 * time.Millisecond

// startSync starts the syncing goroutine.
func (ix *indexDir) startSync() {
	ix.stopSync, ix.synced = make(chan struct{}), make(chan error, 1)
	go func() {
		t := time.NewTicker(syncEvery)
		defer t.Stop()
		for {
			select {
			case <-ix.stopSync:
				ix.synced <- nil
				return
			case <-t.C:
				if err := ix.det.Sync(); err != nil {
					ix.synced <- err
					return
				}
			}
		}
	}()
}

// openIndexDir locks dir, fills the flags not given on the command line
// (set) from the ones saved there, opens the detector, saves the flags and
// starts syncing its log in the background.
func openIndexDir(dir string, f *indexFlags, set map[string]bool) (*indexDir, error) {
	return openIndexDirSave(dir, f, set, true)
}

// openIndexDirSave is openIndexDir that saves the flags only if save is
// set (index stats changes nothing).
func openIndexDirSave(dir string, f *indexFlags, set map[string]bool, save bool) (*indexDir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockExclusive(lock); err != nil {
		lock.Close()
		return nil, fmt.Errorf("%s is in use by another neardup process", dir)
	}
	ix := &indexDir{dir: dir, lock: lock}
	saved, found, err := readSaved(dir)
	if err != nil {
		ix.close()
		return nil, err
	}
	if found {
		for name, copyFlag := range savedFlags {
			if !set[name] {
				copyFlag(f, &saved)
			}
		}
	}
	ix.det, err = neardup.Open(dir, f.options())
	if errors.Is(err, neardup.ErrParams) {
		ix.close()
		return nil, fmt.Errorf("%w\n%s holds an index made with other parameters; its flags are in %s: %s\n(use them, or a new directory)",
			err, dir, filepath.Join(dir, cliFile), savedJSON(saved))
	}
	if err != nil {
		ix.close()
		return nil, err
	}
	if save {
		if err := writeSaved(dir, *f); err != nil {
			ix.close()
			return nil, err
		}
		ix.startSync() // a command that saves its flags is one that adds
	}
	return ix, nil
}

func savedJSON(f indexFlags) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func readSaved(dir string) (indexFlags, bool, error) {
	var f indexFlags
	b, err := os.ReadFile(filepath.Join(dir, cliFile))
	if errors.Is(err, os.ErrNotExist) {
		return f, false, nil
	}
	if err != nil {
		return f, false, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, false, fmt.Errorf("%s: %w", filepath.Join(dir, cliFile), err)
	}
	return f, true, nil
}

// writeSaved replaces cli.json atomically.
func writeSaved(dir string, f indexFlags) error {
	b, _ := json.MarshalIndent(f, "", "  ")
	tmp := filepath.Join(dir, cliFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, cliFile))
}

// minSnapshotLog is the log size below which a run ends without a
// snapshot.
const minSnapshotLog = 32 << 20

// close syncs and closes the index and releases the lock. A command never
// writes a snapshot in the middle of a run (a snapshot rewrites the whole
// index); a run that ends cleanly writes one when the log has grown past
// twice the snapshot, so that each document is rewritten a bounded number
// of times on average and opening mostly maps a snapshot rather than
// replaying a log.
func (ix *indexDir) close() error { return ix.closeSnap(false) }

// closeSnap is close, with the snapshot policy when snap is set.
func (ix *indexDir) closeSnap(snap bool) error {
	var err error
	if ix.stopSync != nil {
		close(ix.stopSync)
		err = <-ix.synced
		ix.stopSync = nil
	}
	if ix.det != nil {
		if snap {
			err = errors.Join(err, ix.snapshotIfGrown())
		}
		if cerr := ix.det.Close(); err == nil {
			err = cerr
		}
	}
	ix.lock.Close() // releases the lock
	return err
}

// snapshotIfGrown writes a snapshot when the log has outgrown twice the
// snapshot (and minSnapshotLog).
func (ix *indexDir) snapshotIfGrown() error {
	size := func(name string) int64 {
		fi, err := os.Stat(filepath.Join(ix.dir, name))
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	if l := size(neardup.LogFile); l > minSnapshotLog && l > 2*size(neardup.SnapshotFile) {
		return ix.det.Snapshot()
	}
	return nil
}

// runIndex is "neardup index stats -dir DIR".
func runIndex(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "stats" {
		fmt.Fprintln(stderr, "usage: neardup index stats -dir DIR [-json]")
		return 2
	}
	fs := flag.NewFlagSet("index stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the index directory (of dedup -dir or scan -dir)")
	asJSON := fs.Bool("json", false, "print the statistics as one JSON object")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "neardup index stats: -dir is required")
		return 2
	}
	if _, err := os.Stat(filepath.Join(*dir, cliFile)); err != nil {
		fmt.Fprintf(stderr, "neardup index stats: %s is not an index made by neardup dedup or scan: %v\n", *dir, err)
		return 2
	}
	f := indexFlags{}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// No window while reading: opening with one would evict, a change.
	saved, _, err := readSaved(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "neardup index stats:", err)
		return 2
	}
	window := saved.Window
	set := map[string]bool{"window": true}
	ix, err := openIndexDirSave(*dir, &f, set, false)
	if err != nil {
		fmt.Fprintln(stderr, "neardup index stats:", err)
		return 2
	}
	f.Window = window
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	rec := ix.det.Recovery()
	st := struct {
		Dir           string     `json:"dir"`
		Documents     int        `json:"documents"`
		Clusters      int        `json:"clusters"`
		Window        string     `json:"window,omitempty"`
		FormatVersion int        `json:"format_version"`
		MemoryBytes   uint64     `json:"memory_bytes"`
		FileBytes     int64      `json:"file_bytes"`
		SnapshotDocs  int        `json:"snapshot_documents"`
		LogRecords    int        `json:"log_records"`
		TornBytes     int64      `json:"torn_bytes"`
		Flags         indexFlags `json:"flags"`
	}{Dir: *dir, Documents: ix.det.Len(), Clusters: len(ix.det.Clusters()), Window: window,
		FormatVersion: neardup.FormatVersion, MemoryBytes: after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc),
		SnapshotDocs: rec.SnapshotDocs, LogRecords: rec.LogRecords, TornBytes: rec.TornBytes, Flags: f}
	for _, name := range []string{neardup.SnapshotFile, neardup.LogFile} {
		if fi, err := os.Stat(filepath.Join(*dir, name)); err == nil {
			st.FileBytes += fi.Size()
		}
	}
	if err := ix.close(); err != nil {
		fmt.Fprintln(stderr, "neardup index stats:", err)
		return 2
	}
	if *asJSON {
		b, _ := json.Marshal(st)
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	w := st.Window
	if w == "" {
		w = "none"
	}
	fmt.Fprintf(stdout, "index       %s\ndocuments   %d\nclusters    %d\nwindow      %s\nformat      version %d\nmemory      %.1f MB in memory, %.1f MB on disk\nlast open   %d documents from the snapshot, %d log records replayed, %d torn bytes dropped\nflags       %s\n",
		st.Dir, st.Documents, st.Clusters, w, st.FormatVersion, float64(st.MemoryBytes)/1e6, float64(st.FileBytes)/1e6,
		st.SnapshotDocs, st.LogRecords, st.TornBytes, savedJSON(f))
	return 0
}

// droppedFile lists, one removedLine per line, the dropped documents that
// -index-dropped put in the index: they are in the index but were not
// kept. A line is written before its document is indexed, so a crash can
// leave a line without its document (harmless: the document is decided
// again) but never the reverse.
const droppedFile = "dropped.jsonl"

// droppedLog is the dropped documents of an index directory.
type droppedLog struct {
	lines map[string]removedLine
	f     *os.File
}

// open reads the file of dir, if any (a torn last line is ignored), and
// opens it for appending.
func (l *droppedLog) open(dir string) error {
	l.lines = map[string]removedLine{}
	path := filepath.Join(dir, droppedFile)
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	b0 := b
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break // torn by a crash: its document was not indexed
		}
		var r removedLine
		if err := json.Unmarshal(b[:i], &r); err != nil || r.ID == "" {
			return fmt.Errorf("%s: a damaged line: %q", path, b[:i])
		}
		l.lines[r.ID] = r
		b = b[i+1:]
	}
	if len(b) > 0 {
		// Cut the torn line, so that the next line starts clean.
		if err := os.Truncate(path, int64(len(b0)-len(b))); err != nil {
			return err
		}
	}
	l.f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	return err
}

// record appends r, unbuffered, creating the file on first use.
func (l *droppedLog) record(r removedLine) error {
	if l.f == nil {
		return errors.New("no index directory")
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return err
	}
	l.lines[r.ID] = r
	return nil
}

func (l *droppedLog) close() {
	if l.f != nil {
		l.f.Sync()
		l.f.Close()
	}
}
