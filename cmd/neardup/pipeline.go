package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/ordered"
)

// doc is an input document as a worker prepared it: decoded, and signed
// by the detectors of the pass.
type doc struct {
	it      *item
	rec     record
	size    int // bytes of text
	date    time.Time
	dated   bool
	s       *neardup.Signed // signed by the detector of the pass
	s2      *neardup.Signed // signed by the persistent index too (first pass of dedup -keep with -dir)
	text    []byte          // dedup: an owned copy, when stripping needs it at commit time
	repeats []span          // dedup: later copies of repeats, with -strip-repeats
	err     error           // the item's problem: bad JSON, a missing field, an unreadable file
}

// decode fills d with the ID, text and date of it, whatever its kind (a
// JSON Lines record, a Parquet row, a text file). d.rec.text may alias the
// decoder's buffer: it is valid until dec decodes again.
func decode(dec *recordDecoder, it *item, d *doc) {
	d.it = it
	if it.fatal != nil || it.err != nil {
		d.err = it.err
		return
	}
	switch {
	case it.pq != nil:
		d.rec.id, d.rec.text, d.rec.date, d.err = it.pq.extract(it.row, dec.f)
	case it.text:
		d.rec = record{id: filepath.Base(it.name), text: it.raw}
	default:
		d.rec, d.err = dec.decode(it.raw)
	}
	if d.err != nil {
		return
	}
	d.size = len(d.rec.text)
	if dec.f.Date != "" && d.rec.date != nil {
		if d.date, d.err = parseDate(d.rec.date); d.err != nil {
			d.err = fmt.Errorf("%q: %w", dec.f.Date, d.err)
			return
		}
		d.dated = true
	}
}

// runPipeline reads the named inputs in one goroutine and hands each batch
// to work on one of workers goroutines (w is the worker's number, for its
// decoder), then calls commit for each document in input order. A batch's
// records stay valid until its documents are committed. It stops at the
// first failure of the input or of commit, which it returns, and when ctx
// is done.
func runPipeline(ctx context.Context, names []string, stdin io.Reader, cfg readConfig, workers int,
	work func(w int, b *batch, docs []doc), commit func(*doc) error) error {
	type prepared struct {
		b    *batch
		docs []doc
	}
	var fatal error
	ordered.Run(workers, 2*workers+2, batches(names, stdin, cfg),
		func(w int, b *batch) prepared {
			docs := make([]doc, len(b.items))
			work(w, b, docs)
			return prepared{b, docs}
		},
		func(p prepared) bool {
			defer p.b.release() // committed: the arenas can be reused
			for i := range p.docs {
				if p.docs[i].it.fatal != nil {
					fatal = p.docs[i].it.fatal
					return false
				}
				if err := commit(&p.docs[i]); err != nil {
					fatal = err
					return false
				}
			}
			return ctx.Err() == nil
		})
	return fatal
}

// reserveFor makes room in det for the documents of the named inputs,
// estimated from their size and the first batch b, whose documents docs
// are signed. With adding > 0, only that many documents will be added.
// It is called by the worker of the first batch, whose documents are
// committed, so added, only after it returns.
func reserveFor(det *neardup.Detector, names []string, b *batch, docs []doc, adding int) {
	if b.items[0].seq != 0 {
		return
	}
	words := 0
	for i := range docs {
		if docs[i].s != nil {
			words += docs[i].s.Tokens()
		}
	}
	n, allWords := expected(inputSize(names), b, words)
	if adding > 0 {
		allWords = allWords * adding / max(n, 1)
		n = adding
	}
	det.Reserve(n, allWords)
}

// newDecoders returns a record decoder per worker.
func newDecoders(workers int, f fields) []*recordDecoder {
	decs := make([]*recordDecoder, workers)
	for i := range decs {
		decs[i] = newRecordDecoder(f)
	}
	return decs
}
