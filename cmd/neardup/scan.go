package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup"
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
			"FILE is a JSON Lines file of {\"id\",\"text\"} objects (plain, gzip or zstd), a Parquet\n"+
			"file with id and text columns, a .txt file (ID = file name), a directory of .txt\n"+
			"files, or - for JSON Lines on standard input.\n\nflags:\n")
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
	if *workers < 1 {
		fmt.Fprintln(stderr, "neardup scan: -workers must be at least 1")
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
	out := bufio.NewWriterSize(stdout, 1<<16)
	var line []byte
	skipped := 0
	bad := func(e inputError) {
		skipped++
		fmt.Fprintf(stderr, "neardup scan: %v (skipped)\n", e)
	}
	var read atomic.Int64
	start := time.Now()
	prog := startProgress(stderr, *progress, inputSize(fs.Args()), &read)
	known := 0 // documents of earlier runs (-dir), not added again
	seen := map[string]struct{}{}
	decoders := newDecoders(*workers, fields{})
	cfg := readConfig{maxBytes: *maxBytes, read: &read}
	err = runPipeline(context.Background(), fs.Args(), stdin, cfg, *workers, func(w int, b *batch, docs []doc) {
		for i := range b.items {
			d := &docs[i]
			if decode(decoders[w], &b.items[i], d); d.err == nil {
				d.s = det.Sign(d.rec.text)
				d.rec.text = nil // may alias the decoder's buffer
			}
		}
		reserveFor(det, fs.Args(), b, docs, 0)
	}, func(d *doc) error {
		prog.docs.Add(1)
		if d.err != nil {
			bad(inputError{Where: d.it.where(), Err: d.err})
			return nil
		}
		id := d.rec.id
		if *dir != "" {
			if _, dup := seen[id]; !dup && det.Contains(id) {
				known++
				return nil
			}
			seen[id] = struct{}{}
		}
		res, err := det.AddSigned(id, d.s, time.Now())
		if err != nil {
			bad(inputError{Where: d.it.where(), Err: err})
			return nil
		}
		line = line[:0]
		for i := range res.Matches {
			line = appendPair(line, res.Matches[i].ID, id, &res.Matches[i])
		}
		for i := range res.Passages {
			line = appendPassage(line, id, &res.Passages[i])
		}
		_, err = out.Write(line)
		return err
	})
	prog.finish()
	if *progress {
		fmt.Fprintf(stderr, "%d documents in %v\n", prog.docs.Load(), time.Since(start).Round(time.Millisecond))
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

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
