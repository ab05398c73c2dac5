package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
)

// item is one unit of input: a JSON Lines record, the text of a .txt file,
// a problem with one input (reported and skipped), or a failure that ends
// the run.
type item struct {
	name  string        // the input file, or <stdin>
	line  int           // the line of a record or the row of a Parquet file (1-based); 0 for a whole file
	seq   int           // the item's number in the whole input, from 0
	raw   []byte        // the record, trimmed of white space, or the file's text
	text  bool          // raw is a .txt file's text, whose ID is the file's name
	row   parquet.Row   // a Parquet row (raw is nil)
	pq    *parquetInput // the file of row
	size  int           // the input bytes the item stands for
	err   error         // a problem with this input: reported, then skipped
	fatal error         // the run stops here
}

// where names the item in messages: FILE:LINE, FILE:row N or FILE.
func (it *item) where() string {
	switch {
	case it.pq != nil:
		return it.name + ":row " + strconv.Itoa(it.line)
	case it.line > 0:
		return it.name + ":" + strconv.Itoa(it.line)
	}
	return it.name
}

// inputError is a bad input line or file, reported and skipped.
type inputError struct {
	Where string // file:line
	Err   error
}

func (e inputError) Error() string { return e.Where + ": " + e.Err.Error() }

// defaultMaxBytes bounds one record (-max-bytes): a news article is a few
// kilobytes, a long report a few hundred; a record of more is a mistake
// (a whole file on one line) whose processing would take memory many times
// its size.
const defaultMaxBytes = 32 << 20

// errTooLarge reports a record over the limit.
var errTooLarge = errors.New("too large")

// batchBytes is about the input held by one batch: large enough that
// handing a batch to a worker costs nothing next to its work (about 20
// news articles), small enough that the documents in flight, each holding
// its signing buffers until it is added, stay a few megabytes.
const batchBytes = 64 << 10

// batch is a group of consecutive items and the arenas holding their
// records.
type batch struct {
	items  []item
	arenas []*[]byte
}

// arenas recycles the record arenas of batches: memory already touched
// costs no page faults.
var arenas = sync.Pool{New: func() any { b := make([]byte, 0, batchBytes); return &b }}

// release returns the batch's arenas for reuse; the records of its items
// are gone.
func (b *batch) release() {
	for _, a := range b.arenas {
		*a = (*a)[:0]
		arenas.Put(a)
	}
	b.arenas = nil
	for i := range b.items {
		b.items[i].raw, b.items[i].row = nil, nil
	}
}

// batches yields the items of the named inputs, in order, grouped in
// batches of about batchBytes bytes of input (a longer record is a batch of
// its own). Each batch owns the memory of its items. "-" is JSON Lines on
// stdin; a directory is its .txt files, in lexical order; a .txt file is
// one document; any other file is JSON Lines.
func batches(names []string, stdin io.Reader, cfg readConfig) iter.Seq[*batch] {
	return func(yield func(*batch) bool) {
		b := batcher{yield: yield, cfg: cfg}
		for _, name := range names {
			if !b.input(name, stdin) {
				return
			}
		}
		b.flush()
	}
}

// readConfig is how inputs are read.
type readConfig struct {
	fields fields
	// read counts the input bytes read (compressed bytes for a compressed
	// input), for progress.
	read *atomic.Int64
	// spill, if not nil, receives a copy of standard input, for a second
	// pass over it.
	spill io.Writer
	// stdinFile, if set, is read for "-" (still named <stdin>): the spill
	// of a first pass.
	stdinFile string
	// maxBytes bounds a record or a text file (0: defaultMaxBytes).
	maxBytes int
}

// batcher groups items into batches; its methods report false once the
// consumer has stopped or the run must end.
type batcher struct {
	yield   func(*batch) bool
	cfg     readConfig
	seq     int
	cur     batch
	arena   *[]byte // the arena being filled, also in cur.arenas
	size    int
	stopped bool
}

func (b *batcher) add(it item) bool {
	if it.fatal == nil {
		it.seq = b.seq
		b.seq++
	}
	if it.size == 0 {
		it.size = len(it.raw)
	}
	b.cur.items = append(b.cur.items, it)
	b.size += it.size + 64
	if b.size >= batchBytes || it.fatal != nil {
		return b.flush()
	}
	return true
}

func (b *batcher) flush() bool {
	if b.stopped {
		return false
	}
	if len(b.cur.items) > 0 {
		full := b.cur
		b.cur, b.arena, b.size = batch{}, nil, 0
		if !b.yield(&full) || full.items[len(full.items)-1].fatal != nil {
			b.stopped = true
			return false
		}
	}
	return true
}

func (b *batcher) input(name string, stdin io.Reader) bool {
	if name == "-" && b.cfg.stdinFile != "" {
		f, err := os.Open(b.cfg.stdinFile)
		if err != nil {
			return b.add(item{name: "<stdin>", fatal: err})
		}
		defer f.Close()
		return b.compressed("<stdin>", counting{f, b.cfg.read})
	}
	if name == "-" {
		var r io.Reader = counting{stdin, b.cfg.read}
		if b.cfg.spill != nil {
			r = io.TeeReader(r, b.cfg.spill)
		}
		return b.compressed("<stdin>", r)
	}
	info, err := os.Stat(name)
	if err != nil {
		return b.add(item{name: name, err: err})
	}
	if info.IsDir() {
		var files []string
		err := filepath.WalkDir(name, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if !b.add(item{name: p, err: err}) {
					return fs.SkipAll
				}
				return nil
			}
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".txt") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return b.add(item{name: name, fatal: err})
		}
		if b.stopped {
			return false
		}
		sort.Strings(files)
		for _, f := range files {
			if !b.textFile(f) {
				return false
			}
		}
		return true
	}
	if strings.HasSuffix(name, ".txt") {
		return b.textFile(name)
	}
	f, err := os.Open(name)
	if err != nil {
		return b.add(item{name: name, err: err})
	}
	defer f.Close()
	if sniffAt(f) == formatParquet {
		return b.parquet(name, f)
	}
	return b.compressed(name, counting{f, b.cfg.read})
}

// compressed reads JSON Lines, gzip- or zstd-compressed or not.
func (b *batcher) compressed(name string, r io.Reader) bool {
	jr, done, _, err := decompress(r)
	if err != nil {
		return b.add(item{name: name, fatal: fmt.Errorf("%s: %w", name, err)})
	}
	defer done()
	return b.jsonl(name, jr)
}

// parquet reads the rows of a Parquet file.
func (b *batcher) parquet(name string, f *os.File) bool {
	pf, in, err := openParquet(name, f, b.cfg.fields)
	if err != nil {
		return b.add(item{name: name, fatal: fmt.Errorf("%s: %w", name, err)})
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	total := pf.NumRows()
	per := int(pf.Size() / max(total, 1)) // bytes per row, for progress
	rows := make([]parquet.Row, 64)
	line := 0
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			line++
			if b.cfg.read != nil {
				b.cfg.read.Add(int64(per))
			}
			if !b.add(item{name: name, line: line, row: row.Clone(), pq: in, size: per}) {
				return false
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return b.add(item{name: name, fatal: fmt.Errorf("%s: row %d: %w", name, line+1, err)})
		}
	}
}

func (b *batcher) textFile(path string) bool {
	limit := b.cfg.maxBytes
	if limit <= 0 {
		limit = defaultMaxBytes
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > int64(limit) {
		return b.add(item{name: path, size: int(fi.Size()),
			err: fmt.Errorf("%w: a file of %d bytes (the limit is %d: -max-bytes)", errTooLarge, fi.Size(), limit)})
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return b.add(item{name: path, err: err})
	}
	if b.cfg.read != nil {
		b.cfg.read.Add(int64(len(data)))
	}
	return b.add(item{name: path, raw: data, text: true})
}

// jsonl reads the records of one JSON Lines input. Records are copied
// into the batch's arena, so the reader's buffer is reused at once.
func (b *batcher) jsonl(name string, r io.Reader) bool {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	limit := b.cfg.maxBytes
	if limit <= 0 {
		limit = defaultMaxBytes
	}
	for {
		s, err := br.ReadSlice('\n')
		var long []byte
		n := len(s) // the line's length, read in pieces past the buffer
		for err == bufio.ErrBufferFull {
			if n <= limit {
				long = append(long, s...)
			}
			s, err = br.ReadSlice('\n')
			n += len(s)
		}
		if n > limit {
			// Skipped without holding it: memory stays bounded.
			line++
			if !b.add(item{name: name, line: line, size: n,
				err: fmt.Errorf("%w: a record of %d bytes (the limit is %d: -max-bytes)", errTooLarge, n, limit)}) {
				return false
			}
			s, long = nil, nil
		}
		if long != nil {
			s = append(long, s...)
		}
		if len(s) > 0 {
			line++
			if t := bytes.TrimSpace(s); len(t) > 0 {
				var rec []byte
				if long != nil {
					rec = t // already a copy
				} else {
					if b.arena == nil || len(*b.arena)+len(t) > cap(*b.arena) {
						b.arena = arenas.Get().(*[]byte)
						if cap(*b.arena) < len(t) {
							*b.arena = make([]byte, 0, len(t))
						}
						b.cur.arenas = append(b.cur.arenas, b.arena)
					}
					a := b.arena
					n := len(*a)
					*a = append(*a, t...)
					rec = (*a)[n:len(*a):len(*a)]
				}
				if !b.add(item{name: name, line: line, raw: rec, size: len(s)}) {
					return false
				}
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return b.add(item{name: name, fatal: fmt.Errorf("%s: %w", name, err)})
		}
	}
}

// expected estimates the number of documents, and of their words, of an
// input of total bytes from its first batch, whose documents hold words
// words (0 when it cannot tell).
func expected(total int64, b *batch, words int) (docs, allWords int) {
	if total <= 0 || len(b.items) == 0 {
		return 0, 0
	}
	size := 0
	for i := range b.items {
		size += b.items[i].size + 1 // with its newline
	}
	size = max(size, 1)
	return int(total * int64(len(b.items)) / int64(size)), int(total * int64(words) / int64(size))
}
