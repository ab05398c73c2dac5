package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/ordered"
)

func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ixf := indexFlags{Threshold: neardup.DefaultThreshold, Exact: true}
	ixf.register(fs)
	fs.BoolVar(&ixf.Passages, "passages", false, "also write passage lines: passages shared between documents or repeated inside one")
	clusters := fs.Bool("clusters", true, "write cluster lines after the pairs")
	dir := fs.String("dir", "", "keep the index in this directory: later runs find pairs with every document of earlier ones")
	maxBytes := fs.Int("max-bytes", defaultMaxBytes, "skip (and report) records and text files larger than this many bytes")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines reading and signing documents (the output does not depend on it)")
	progress := fs.Bool("progress", isTerminal(stderr), "print progress on standard error (default: when it is a terminal)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: neardup scan [flags] FILE...\n\n"+
			"FILE is a JSON Lines file of {\"id\",\"text\"} objects, a .txt file (ID = file name),\n"+
			"a directory of .txt files, or - for JSON Lines on standard input.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var det *neardup.Detector
	var err error
	if *dir != "" {
		ix, err := openIndexDir(*dir, &ixf, set)
		if err != nil {
			fmt.Fprintln(stderr, "neardup scan:", err)
			return 2
		}
		defer func() {
			if err := ix.closeSnap(code < 2); err != nil {
				fmt.Fprintln(stderr, "neardup scan:", err)
				code = 2
			}
		}()
		det = ix.det
	} else if det, err = neardup.New(ixf.options()); err != nil {
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	if *workers < 1 {
		fmt.Fprintln(stderr, "neardup scan: -workers must be at least 1")
		return 2
	}
	out := bufio.NewWriterSize(stdout, 1<<16)
	var line []byte
	skipped := 0
	bad := func(e inputError) {
		skipped++
		fmt.Fprintf(stderr, "neardup scan: %v (skipped)\n", e)
	}
	n, start, last := 0, time.Now(), time.Now()
	var werr error // the first write error
	known := 0     // documents of earlier runs (-dir), not added again
	seen := map[string]struct{}{}
	emit := func(it *item, id string, s *neardup.Signed) {
		if *dir != "" {
			if _, dup := seen[id]; !dup && det.Contains(id) {
				known++
				return
			}
			seen[id] = struct{}{}
		}
		res, err := det.AddSigned(id, s, time.Now())
		if err != nil {
			bad(inputError{Where: it.where(), Err: err})
			return
		}
		line = line[:0]
		for i := range res.Matches {
			line = appendPair(line, res.Matches[i].ID, id, &res.Matches[i])
		}
		for i := range res.Passages {
			line = appendPassage(line, id, &res.Passages[i])
		}
		if _, err := out.Write(line); err != nil && werr == nil {
			werr = err
		}
		n++
		if *progress && time.Since(last) > time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "\r%d documents, %.0f/s", n, float64(n)/time.Since(start).Seconds())
		}
	}
	err = signInputs(det, *workers, fs.Args(), stdin, readConfig{maxBytes: *maxBytes}, func(it *item, id string, s *neardup.Signed, err error) bool {
		if err != nil {
			bad(inputError{Where: it.where(), Err: err})
		} else {
			emit(it, id, s)
		}
		return werr == nil
	})
	if err == nil {
		err = werr
	}
	if *progress {
		fmt.Fprintf(stderr, "\r%d documents in %v\n", n, time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		out.Flush()
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	if *clusters {
		for _, c := range det.Clusters() {
			line = appendCluster(line[:0], &c)
			if _, err := out.Write(line); err != nil {
				fmt.Fprintln(stderr, "neardup scan:", err)
				return 2
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(stderr, "neardup scan:", err)
		return 2
	}
	if known > 0 {
		fmt.Fprintf(stderr, "neardup scan: %d documents already in %s, not added again\n", known, *dir)
	}
	if skipped > 0 {
		fmt.Fprintf(stderr, "neardup scan: %d input problem(s); see above\n", skipped)
		return 1
	}
	return 0
}

// signed is an item decoded and signed by a worker.
type signed struct {
	it  *item
	id  string
	s   *neardup.Signed
	err error // the item's problem: bad JSON, a missing field, an unreadable file
}

// signInputs reads the named inputs in one goroutine, decodes and signs
// their documents on workers goroutines, and calls fn for each item in
// input order with its ID and Signed, or with the problem that makes it
// skipped. It stops when fn returns false and returns the failure that
// ended the input early, if any.
func signInputs(det *neardup.Detector, workers int, names []string, stdin io.Reader, cfg readConfig,
	fn func(it *item, id string, s *neardup.Signed, err error) bool) error {
	total := inputSize(names)
	decoders := make([]*recordDecoder, workers)
	for i := range decoders {
		decoders[i] = newRecordDecoder(fields{})
	}
	var fatal error
	ordered.Run(workers, 2*workers+2, batches(names, stdin, cfg), func(w int, b *batch) []signed {
		items := b.items
		out := make([]signed, len(items))
		for i := range items {
			it := &items[i]
			o := &out[i]
			o.it = it
			switch {
			case it.fatal != nil || it.err != nil:
				o.err = it.err
			case it.text:
				o.id, o.s = filepath.Base(it.name), det.Sign(it.raw)
			default:
				var r record
				if r, o.err = decoders[w].decode(it.raw); o.err == nil {
					o.id, o.s = r.id, det.Sign(r.text)
				}
			}
		}
		if b.items[0].seq == 0 {
			// The first batch tells the size of a record: room in the
			// index for all of them saves rebuilding its tables as it
			// grows. (Run by the worker of the first batch, which is
			// emitted, so added, only after this returns.)
			words := 0
			for i := range out {
				if out[i].s != nil {
					words += out[i].s.Tokens()
				}
			}
			det.Reserve(expected(total, b, words))
		}
		b.release() // a Signed keeps no text
		return out
	}, func(out []signed) bool {
		for i := range out {
			o := &out[i]
			if o.it.fatal != nil {
				fatal = o.it.fatal
				return false
			}
			if !fn(o.it, o.id, o.s, o.err) {
				return false
			}
		}
		return true
	})
	return fatal
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
