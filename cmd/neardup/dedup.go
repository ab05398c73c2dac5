package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neardup/neardup"
)

const dedupUsage = `usage: neardup dedup [flags] FILE... > kept.jsonl

Writes the documents of FILE... that duplicate no document kept before them,
in the input's format with every field as it was. FILE is a JSON Lines file
(plain, gzip or zstd), a Parquet file, a .txt file (ID = file name), a
directory of .txt files, or - for JSON Lines on standard input.

flags:
`

// errInterrupted ends a run stopped by SIGINT or SIGTERM.
var errInterrupted = errors.New("interrupted: the documents decided so far are written (and, with -dir, indexed); run again to finish")

// dedupConfig is the parsed command line of dedup.
type dedupConfig struct {
	ix           indexFlags
	set          map[string]bool // flags given on the command line
	fields       fields
	keep         string // first, longest, newest
	out          string
	format       string
	removed      string
	stats        string
	dir          string
	stripRep     bool
	stripBP      bool
	stripMin     int
	workers      int
	maxBytes     int
	indexDropped bool
	progress     bool
	names        []string
}

func runDedup(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dedup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := dedupConfig{ix: indexFlags{Threshold: neardup.DefaultThreshold, Exact: true}}
	c.ix.register(fs)
	fs.StringVar(&c.fields.ID, "id-field", "id", "the field (or Parquet column) holding each document's ID: a string or a number")
	fs.StringVar(&c.fields.Text, "text-field", "text", "the field holding each document's text")
	fs.StringVar(&c.fields.Date, "date-field", "", "the field holding each document's date, for -window and -keep newest (RFC 3339, 2006-01-02, or Unix seconds)")
	fs.StringVar(&c.keep, "keep", "first", "which member of a group of near-duplicates stays: first, longest or newest (the last two read the input twice)")
	fs.StringVar(&c.out, "o", "", "write the kept documents to this file (.jsonl, .jsonl.gz, .jsonl.zst or .parquet; written whole, then renamed into place) instead of standard output")
	fs.StringVar(&c.format, "format", "", "output format: jsonl, jsonl.gz, jsonl.zst or parquet (default: from -o's name, else the first input's)")
	fs.StringVar(&c.removed, "removed", "", "write one JSON line per dropped document (and per stripped one) to this file")
	fs.StringVar(&c.stats, "stats", "", "write the summary as JSON to this file")
	fs.StringVar(&c.dir, "dir", "", "keep the index in this directory: later runs dedup against every document kept by earlier ones")
	fs.BoolVar(&c.indexDropped, "index-dropped", false, "with -dir: index the dropped documents too (decisions still count only kept ones), so that later scans of DIR see them")
	fs.BoolVar(&c.stripRep, "strip-repeats", false, "remove the later copies of passages repeated inside a document")
	fs.BoolVar(&c.stripBP, "strip-boilerplate", false, "remove passages found in at least -boilerplate earlier documents (turns passages on)")
	fs.IntVar(&c.stripMin, "strip-min-words", 30, "with -strip-repeats: strip only repeats of at least this many words (shorter ones are phrases a text may well reuse)")
	fs.IntVar(&c.maxBytes, "max-bytes", defaultMaxBytes, "skip (and report) records and text files larger than this many bytes")
	fs.IntVar(&c.workers, "workers", runtime.GOMAXPROCS(0), "goroutines reading and signing documents (the output does not depend on it)")
	fs.BoolVar(&c.progress, "progress", isTerminal(stderr), "print progress on standard error (default: when it is a terminal)")
	fs.Usage = func() {
		fmt.Fprint(stderr, dedupUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	c.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	c.names = fs.Args()
	if err := c.check(); err != nil {
		fmt.Fprintln(stderr, "neardup dedup:", err)
		return 2
	}
	if c.stripBP {
		c.ix.Passages, c.set["passages"] = true, true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := dedup(ctx, &c, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "neardup dedup:", err)
	}
	return code
}

func (c *dedupConfig) check() error {
	switch {
	case len(c.names) == 0:
		return errors.New("no input (run neardup dedup -h)")
	case c.keep != "first" && c.keep != "longest" && c.keep != "newest":
		return fmt.Errorf("-keep %q: first, longest or newest", c.keep)
	case c.keep == "newest" && c.fields.Date == "":
		return errors.New("-keep newest needs -date-field")
	case c.workers < 1:
		return errors.New("-workers must be at least 1")
	case c.stripMin < 1:
		return errors.New("-strip-min-words must be at least 1")
	case c.indexDropped && c.dir == "":
		return errors.New("-index-dropped needs -dir")
	case c.indexDropped && c.keep != "first":
		return errors.New("-index-dropped goes with -keep first")
	}
	if c.format != "" {
		if _, err := parseFormat(c.format); err != nil {
			return err
		}
	}
	return c.fields.check()
}

// outFormat is the format of the output.
func (c *dedupConfig) outFormat() format {
	switch {
	case c.format != "":
		f, _ := parseFormat(c.format)
		return f
	case c.out != "":
		return formatOfName(c.out)
	}
	return sniffFile(c.names[0])
}

// summary is what dedup reports at the end (and writes with -stats).
type summary struct {
	DocumentsIn      int            `json:"documents_in"`
	Kept             int            `json:"kept"`
	AlreadyIndexed   int            `json:"already_indexed"`
	Dropped          int            `json:"dropped"`
	DroppedBy        map[string]int `json:"dropped_by"`
	DuplicateIDs     int            `json:"duplicate_ids"` // skipped: an ID seen earlier in the run
	Skipped          int            `json:"skipped"`       // input problems, duplicate IDs included
	BytesIn          int64          `json:"bytes_in"`
	BytesOut         int64          `json:"bytes_out"`
	Clusters         int            `json:"clusters"`
	PassagesStripped int            `json:"passages_stripped"`
	BytesStripped    int64          `json:"bytes_stripped"`
	IndexDocuments   int            `json:"index_documents,omitempty"`
	IndexOpen        float64        `json:"index_open_seconds,omitempty"`  // opening -dir
	IndexClose       float64        `json:"index_close_seconds,omitempty"` // syncing, the snapshot if due, closing
	Seconds          float64        `json:"seconds"`
	DocsPerSecond    float64        `json:"docs_per_second"`
	Interrupted      bool           `json:"interrupted,omitempty"`
}

// removedLine is a line of -removed.
type removedLine struct {
	ID          string  `json:"id"`
	Where       string  `json:"where"`
	Reason      string  `json:"reason"`
	DuplicateOf string  `json:"duplicate_of,omitempty"`
	Jaccard     float64 `json:"jaccard,omitempty"`
	Containment float64 `json:"containment,omitempty"`
	Stripped    []span  `json:"stripped,omitempty"`
}

// Reasons of removedLine.
const (
	reasonDuplicate   = "near-duplicate" // Jaccard at or above -threshold with a kept document
	reasonContained   = "contained"      // its shingles inside a kept document, at or above -containment
	reasonCluster     = "not-chosen"     // -keep longest or newest chose another member of its group
	reasonDuplicateID = "duplicate-id"   // an ID seen earlier in this run
	reasonStripped    = "stripped"       // kept, with passages removed
)

// dedupRun is the state of one dedup run.
type dedupRun struct {
	c        *dedupConfig
	det      *neardup.Detector
	ix       *indexDir
	sink     *sink
	removed  *bufio.Writer
	sum      summary
	seen     map[string]struct{} // IDs of this run
	read     atomic.Int64
	prog     *progress
	stderr   io.Writer
	line     []byte
	stripBuf []byte
	strips   []span
	decoders []*recordDecoder
	finders  []neardup.RepeatFinder
	// -keep longest/newest: the choice made by the first pass, by item
	// sequence number.
	chosen    []bool
	groupOf   map[int]groupInfo
	dropped   droppedLog          // dropped documents indexed by -index-dropped, of every run
	groups    int                 // groups of near-duplicates found by the first pass
	keptDups  map[string]struct{} // kept documents that others duplicate
	stdinFile string              // standard input, spilled by the first pass
}

// groupInfo tells, for a document left out by -keep, the member kept.
type groupInfo struct {
	kept        string
	jaccard     float64
	containment float64
	reason      string
}

func dedup(ctx context.Context, c *dedupConfig, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	start := time.Now()
	r := &dedupRun{c: c, stderr: stderr, seen: map[string]struct{}{}, keptDups: map[string]struct{}{},
		sum: summary{DroppedBy: map[string]int{}}}
	var err error
	if c.dir != "" {
		t := time.Now()
		if r.ix, err = openIndexDir(c.dir, &c.ix, c.set); err != nil {
			return 2, err
		}
		r.det = r.ix.det
		if err := r.dropped.open(c.dir); err != nil {
			r.ix.close()
			return 2, err
		}
		defer r.dropped.close()
		r.sum.IndexOpen = time.Since(t).Seconds()
	} else if r.det, err = neardup.New(c.ix.options()); err != nil {
		return 2, err
	}
	r.decoders = newDecoders(c.workers, c.fields)
	r.finders = make([]neardup.RepeatFinder, c.workers)
	for i := range r.finders {
		if err := r.finders[i].Reset(r.det.Options()); err != nil {
			return 2, err
		}
	}
	if c.removed != "" {
		f, err := os.Create(c.removed)
		if err != nil {
			return 2, err
		}
		defer f.Close()
		r.removed = bufio.NewWriterSize(f, 1<<16)
	}
	names := c.names
	if c.keep != "first" {
		// The first pass reads the input; standard input is kept in a
		// temporary file for the second.
		var cleanup func()
		if names, cleanup, err = r.choose(ctx, stdin); err != nil {
			return 2, err
		}
		defer cleanup()
		if ctx.Err() != nil {
			return r.finish(start, 130, stdout, errInterrupted)
		}
	}
	if r.sink, err = newSink(c.out, stdout, c.outFormat()); err != nil {
		return 2, err
	}
	r.prog = startProgress(stderr, c.progress, inputSize(names), &r.read)
	cfg := readConfig{fields: c.fields, read: &r.read, stdinFile: r.stdinFile, maxBytes: c.maxBytes}
	fatal := r.pass(ctx, names, stdin, cfg, []*neardup.Detector{r.det}, r.commit)
	r.prog.finish()
	code := 0
	if r.sum.Skipped > 0 {
		code = 1
	}
	if fatal != nil {
		code = 2
	}
	if ctx.Err() != nil && fatal == nil {
		code, fatal = 130, errInterrupted
	}
	return r.finish(start, code, stdout, fatal)
}

// pass reads the inputs once: workers decode the documents and sign them
// with each detector of dets (nil ones skipped), and commit is called for
// each document in input order. It returns what ended it early, if
// anything.
func (r *dedupRun) pass(ctx context.Context, names []string, stdin io.Reader, cfg readConfig,
	dets []*neardup.Detector, commit func(*doc) error) error {
	return runPipeline(ctx, names, stdin, cfg, r.c.workers, func(w int, b *batch, docs []doc) {
		for i := range b.items {
			r.prepare(w, &b.items[i], &docs[i], dets)
		}
		if len(dets) > 0 && dets[0] != nil {
			adding := 0
			if r.chosen != nil { // the second pass of -keep adds the chosen only
				for _, c := range r.chosen {
					if c {
						adding++
					}
				}
			}
			reserveFor(dets[0], names, b, docs, adding)
		}
	}, commit)
}

// prepare decodes an item on worker w and signs it with dets[0] (and
// dets[1]).
func (r *dedupRun) prepare(w int, it *item, d *doc, dets []*neardup.Detector) {
	decode(r.decoders[w], it, d)
	if d.err != nil {
		return
	}
	if r.chosen != nil && (it.seq >= len(r.chosen) || !r.chosen[it.seq]) {
		d.rec.text = nil
		return // the second pass of -keep: only the chosen are added
	}
	if r.chosen != nil || r.c.keep == "first" {
		// The pass that writes: what stripping needs.
		if r.c.stripRep || r.c.stripBP {
			d.text = append([]byte(nil), d.rec.text...)
		}
		if r.c.stripRep {
			for _, p := range r.finders[w].Find(nil, d.rec.text) {
				if p.Words >= r.c.stripMin {
					d.repeats = append(d.repeats, span{p.Start, extendPunct(d.rec.text, p.End, p.OtherEnd)})
				}
			}
		}
	}
	if len(dets) > 0 && dets[0] != nil {
		d.s = dets[0].Sign(d.rec.text)
	}
	if len(dets) > 1 && dets[1] != nil {
		d.s2 = dets[1].Sign(d.rec.text)
	}
	d.rec.text = nil // may alias the decoder's buffer
}

// parseDate reads a date field: an RFC 3339 time, a date, or Unix seconds.
func parseDate(raw []byte) (time.Time, error) {
	if len(raw) > 0 && raw[0] != '"' {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("not a date: %s", raw)
		}
		return time.Unix(0, int64(f*1e9)).UTC(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, fmt.Errorf("not a date: %s", raw)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q (RFC 3339, 2006-01-02 or Unix seconds)", s)
}

// bad reports an input problem, which is skipped.
func (r *dedupRun) bad(d *doc, err error) {
	r.sum.Skipped++
	fmt.Fprintf(r.stderr, "\rneardup dedup: %s: %v (skipped)\n", d.it.where(), err)
}

// commit decides on one document of the (last) pass and writes it out.
func (r *dedupRun) commit(d *doc) error {
	r.prog.docs.Add(1)
	if d.err != nil {
		r.bad(d, d.err)
		return nil
	}
	r.sum.DocumentsIn++
	r.sum.BytesIn += int64(d.it.size)
	id := d.rec.id
	if _, dup := r.seen[id]; dup {
		r.sum.DuplicateIDs++
		r.bad(d, fmt.Errorf("%w: %q", neardup.ErrDuplicateID, id))
		return r.writeRemoved(removedLine{ID: id, Where: d.it.where(), Reason: reasonDuplicateID})
	}
	r.seen[id] = struct{}{}
	if r.chosen != nil && (d.it.seq >= len(r.chosen) || !r.chosen[d.it.seq]) {
		g := r.groupOf[d.it.seq]
		r.drop(g.reason)
		return r.writeRemoved(removedLine{ID: id, Where: d.it.where(), Reason: g.reason, DuplicateOf: g.kept,
			Jaccard: g.jaccard, Containment: g.containment})
	}
	if r.det.Contains(id) {
		if l, ok := r.dropped.lines[id]; ok {
			// Dropped by an earlier run and indexed (-index-dropped):
			// dropped again, as then.
			r.sum.AlreadyIndexed++
			r.drop(l.Reason)
			l.Where = d.it.where()
			return r.writeRemoved(l)
		}
		// Kept by an earlier run (-dir): kept again, not added again, so
		// that a rerun writes the same documents.
		r.sum.AlreadyIndexed++
		r.sum.Kept++
		return r.write(d, nil)
	}
	t := time.Now()
	if d.dated {
		t = d.date
	}
	var why removedLine
	var recErr error
	dup := false
	res, _, err := r.det.AddSignedIf(id, d.s, t, func(res *neardup.Result) bool {
		if dup = r.duplicate(res, &why); !dup {
			return true
		}
		why.ID, why.Where = id, d.it.where()
		if !r.c.indexDropped {
			return false
		}
		// Recorded before the index is written: after a crash the index
		// never holds a dropped document unrecorded.
		recErr = r.dropped.record(why)
		return recErr == nil
	})
	d.s = nil
	if err == nil {
		err = recErr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.it.where(), err)
	}
	if dup { // not added, or added with -index-dropped
		r.drop(why.Reason)
		r.keptDups[why.DuplicateOf] = struct{}{}
		return r.writeRemoved(why)
	}
	r.sum.Kept++
	var strips []span
	if r.c.stripBP {
		for _, p := range res.Passages {
			if p.Boilerplate && !p.Repeat(id) {
				strips = append(strips, span{p.Start, p.End})
			}
		}
	}
	return r.write(d, strips)
}

// duplicate tells whether a document with these matches is a duplicate of
// a kept one, and why.
func (r *dedupRun) duplicate(res *neardup.Result, why *removedLine) bool {
	for _, m := range res.Matches { // most similar first
		if _, dropped := r.dropped.lines[m.ID]; dropped {
			continue // indexed with -index-dropped: not a kept document
		}
		if m.Jaccard >= r.c.ix.Threshold {
			*why = removedLine{Reason: reasonDuplicate, DuplicateOf: m.ID, Jaccard: m.Jaccard, Containment: m.Contained}
			return true
		}
	}
	if c := r.c.ix.Containment; c > 0 {
		for _, m := range res.Matches {
			if _, dropped := r.dropped.lines[m.ID]; dropped {
				continue
			}
			if m.Contained >= c {
				*why = removedLine{Reason: reasonContained, DuplicateOf: m.ID, Jaccard: m.Jaccard, Containment: m.Contained}
				return true
			}
		}
	}
	return false
}

func (r *dedupRun) drop(reason string) {
	r.sum.Dropped++
	r.sum.DroppedBy[reason]++
}

func (r *dedupRun) writeRemoved(l removedLine) error {
	if r.removed == nil {
		return nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	r.removed.Write(b)
	return r.removed.WriteByte('\n')
}

// write writes a kept document, without its stripped passages (repeats
// found by the worker, plus extra).
func (r *dedupRun) write(d *doc, extra []span) error {
	it := d.it
	strips := append(append(r.strips[:0], d.repeats...), extra...)
	r.strips = strips
	var text []byte
	if len(strips) > 0 {
		strips = mergeSpans(strips)
		r.stripBuf = cut(r.stripBuf[:0], d.text, strips)
		text = r.stripBuf
		r.sum.PassagesStripped += len(strips)
		r.sum.BytesStripped += int64(len(d.text) - len(text))
		if err := r.writeRemoved(removedLine{ID: d.rec.id, Where: it.where(), Reason: reasonStripped,
			Stripped: append([]span(nil), strips...)}); err != nil {
			return err
		}
	}
	var err error
	before := r.sink.bytes
	switch {
	case it.pq != nil:
		row := it.row
		if text != nil {
			row = withText(row, it.pq.text, text)
		}
		err = r.sink.writeRow(it.pq, row, it.size)
	case it.text:
		r.line = append(r.line[:0], `{"id":`...)
		r.line = appendString(r.line, d.rec.id)
		r.line = append(r.line, `,"text":`...)
		if text == nil {
			text = it.raw
		}
		r.line = appendString(r.line, string(text))
		err = r.sink.writeLine(append(r.line, "}\n"...))
	case text != nil && d.rec.span != [2]int{}:
		sp := d.rec.span
		r.line = append(r.line[:0], it.raw[:sp[0]]...)
		r.line = appendString(r.line, string(text))
		r.line = append(append(r.line, it.raw[sp[1]:]...), '\n')
		err = r.sink.writeLine(r.line)
	case text != nil:
		r.line, err = rewriteText(r.line[:0], it.raw, r.c.fields, text)
		if err == nil {
			err = r.sink.writeLine(append(r.line, '\n'))
		}
	default:
		if err = r.sink.writeLine(it.raw); err == nil {
			err = r.sink.writeLine(newline)
		}
	}
	r.sum.BytesOut += r.sink.bytes - before
	if err != nil {
		return fmt.Errorf("%s: %w", it.where(), err)
	}
	return nil
}

var newline = []byte{'\n'}

// rewriteText replaces the text field of a record that encoding/json
// decoded (its keys needed it): the object's members are kept in order,
// each value byte for byte, the keys written as encoding/json writes them.
func rewriteText(dst, line []byte, fl fields, text []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return dst, fmt.Errorf("rewriting the text: not an object")
	}
	type member struct {
		key string
		val json.RawMessage
	}
	var ms []member
	textAt, name := -1, fl.withDefaults().Text
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return dst, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return dst, err
		}
		ms = append(ms, member{key, v})
		if strings.EqualFold(key, name) {
			textAt = len(ms) - 1 // the last match, whose value encoding/json keeps
		}
	}
	dst = append(dst, '{')
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, m.key)
		dst = append(dst, ':')
		if i == textAt {
			dst = appendString(dst, string(text))
		} else {
			dst = append(dst, m.val...)
		}
	}
	return append(dst, '}'), nil
}

// finish closes the outputs, prints the summary and returns the exit code.
func (r *dedupRun) finish(start time.Time, code int, stdout io.Writer, fatal error) (int, error) {
	if code == 130 {
		r.sum.Interrupted = true
	}
	if r.sink != nil {
		if err := r.sink.close(fatal == nil); err != nil && fatal == nil {
			fatal, code = err, 2
		}
	}
	if r.removed != nil {
		if err := r.removed.Flush(); err != nil && fatal == nil {
			fatal, code = err, 2
		}
	}
	if r.ix != nil {
		r.sum.IndexDocuments = r.det.Len()
		t := time.Now()
		if err := r.ix.closeSnap(fatal == nil || fatal == errInterrupted); err != nil && fatal == nil {
			fatal, code = err, 2
		}
		r.sum.IndexClose = time.Since(t).Seconds()
	}
	r.sum.Clusters = max(r.groups, len(r.keptDups))
	el := time.Since(start).Seconds()
	r.sum.Seconds = el
	r.sum.DocsPerSecond = float64(r.sum.DocumentsIn) / max(el, 1e-9)
	s := &r.sum
	fmt.Fprintf(r.stderr, "neardup dedup: %d documents in, %d kept (%d already indexed), %d dropped, %d skipped; %.1f MB in, %.1f MB out",
		s.DocumentsIn, s.Kept, s.AlreadyIndexed, s.Dropped, s.Skipped, float64(s.BytesIn)/1e6, float64(s.BytesOut)/1e6)
	if s.PassagesStripped > 0 {
		fmt.Fprintf(r.stderr, "; %d passages stripped (%.1f KB)", s.PassagesStripped, float64(s.BytesStripped)/1e3)
	}
	fmt.Fprintf(r.stderr, "; %.2f s, %.0f documents/s\n", el, s.DocsPerSecond)
	if r.c.stats != "" {
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(r.c.stats, append(b, '\n'), 0o644); err != nil && fatal == nil {
			fatal, code = err, 2
		}
	}
	_ = stdout
	return code, fatal
}
