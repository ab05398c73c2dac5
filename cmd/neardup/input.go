package main

import (
	"bufio"
	"bytes"
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
)

// item is one unit of input: a JSON Lines record, the text of a .txt file,
// a problem with one input (reported and skipped), or a failure that ends
// the run.
type item struct {
	name  string // the input file, or <stdin>
	line  int    // the line of a record (1-based); 0 for a whole file
	raw   []byte // the record, trimmed of white space, or the file's text
	text  bool   // raw is a .txt file's text, whose ID is the file's name
	err   error  // a problem with this input: reported, then skipped
	fatal error  // the run stops here
}

// where names the item in messages: FILE:LINE or FILE.
func (it *item) where() string {
	if it.line > 0 {
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

// maxLine bounds one JSON Lines record (a document of up to 256 MiB); a
// variable for tests.
var maxLine = 256 << 20

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
		b.items[i].raw = nil
	}
}

// batches yields the items of the named inputs, in order, grouped in
// batches of about batchBytes bytes of input (a longer record is a batch of
// its own). Each batch owns the memory of its items. "-" is JSON Lines on
// stdin; a directory is its .txt files, in lexical order; a .txt file is
// one document; any other file is JSON Lines.
func batches(names []string, stdin io.Reader) iter.Seq[*batch] {
	return func(yield func(*batch) bool) {
		b := batcher{yield: yield}
		for _, name := range names {
			if !b.input(name, stdin) {
				return
			}
		}
		b.flush()
	}
}

// batcher groups items into batches; its methods report false once the
// consumer has stopped or the run must end.
type batcher struct {
	yield   func(*batch) bool
	cur     batch
	arena   *[]byte // the arena being filled, also in cur.arenas
	size    int
	stopped bool
}

func (b *batcher) add(it item) bool {
	b.cur.items = append(b.cur.items, it)
	b.size += len(it.raw) + 64
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
	if name == "-" {
		return b.jsonl("<stdin>", stdin)
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
	return b.jsonl(name, f)
}

func (b *batcher) textFile(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return b.add(item{name: path, err: err})
	}
	return b.add(item{name: path, raw: data, text: true})
}

// jsonl reads the records of one JSON Lines input. Records are copied
// into the batch's arena, so the reader's buffer is reused at once.
func (b *batcher) jsonl(name string, r io.Reader) bool {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	for {
		s, err := br.ReadSlice('\n')
		var long []byte
		for err == bufio.ErrBufferFull {
			long = append(long, s...)
			if len(long) > maxLine {
				return b.add(item{name: name, line: line + 1,
					fatal: fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)})
			}
			s, err = br.ReadSlice('\n')
		}
		if long != nil {
			s = append(long, s...)
		}
		if len(s) > maxLine {
			return b.add(item{name: name, line: line + 1,
				fatal: fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)})
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
				if !b.add(item{name: name, line: line, raw: rec}) {
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
