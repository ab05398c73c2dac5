package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// doc is one input document.
type doc struct {
	ID    string
	Text  string
	Where string // file or file:line, for messages
}

// inputError is a bad input line or file, reported and skipped.
type inputError struct {
	Where string // file:line
	Err   error
}

func (e inputError) Error() string { return e.Where + ": " + e.Err.Error() }

// maxLine bounds one JSON Lines record (a document of up to 256 MiB).
const maxLine = 256 << 20

// readInputs calls fn for each document of the named inputs, in order, and
// bad for each input problem. A file that cannot be opened is reported as a
// problem too.
func readInputs(names []string, stdin io.Reader, fn func(doc) error, bad func(inputError)) error {
	for _, name := range names {
		if name == "-" {
			if err := readJSONL("<stdin>", stdin, fn, bad); err != nil {
				return err
			}
			continue
		}
		info, err := os.Stat(name)
		if err != nil {
			bad(inputError{Where: name, Err: err})
			continue
		}
		if info.IsDir() {
			var files []string
			err := filepath.WalkDir(name, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					bad(inputError{Where: p, Err: err})
					return nil
				}
				if !e.IsDir() && strings.HasSuffix(e.Name(), ".txt") {
					files = append(files, p)
				}
				return nil
			})
			if err != nil {
				return err
			}
			sort.Strings(files)
			for _, f := range files {
				if err := readText(f, fn, bad); err != nil {
					return err
				}
			}
			continue
		}
		if strings.HasSuffix(name, ".txt") {
			if err := readText(name, fn, bad); err != nil {
				return err
			}
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			bad(inputError{Where: name, Err: err})
			continue
		}
		err = readJSONL(name, f, fn, bad)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func readText(path string, fn func(doc) error, bad func(inputError)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		bad(inputError{Where: path, Err: err})
		return nil
	}
	return fn(doc{ID: filepath.Base(path), Text: string(b), Where: path})
}

func readJSONL(name string, r io.Reader, fn func(doc) error, bad func(inputError)) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	for {
		b, err := br.ReadSlice('\n')
		var long []byte
		for err == bufio.ErrBufferFull {
			long = append(long, b...)
			if len(long) > maxLine {
				return fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)
			}
			b, err = br.ReadSlice('\n')
		}
		if long != nil {
			b = append(long, b...)
		}
		if len(b) > 0 {
			line++
			if t := bytes.TrimSpace(b); len(t) > 0 {
				var o struct {
					ID   *json.RawMessage `json:"id"`
					Text *string          `json:"text"`
				}
				where := fmt.Sprintf("%s:%d", name, line)
				if jerr := json.Unmarshal(t, &o); jerr != nil {
					bad(inputError{Where: where, Err: fmt.Errorf("invalid JSON: %w", jerr)})
				} else if id, ok := parseID(o.ID); !ok {
					bad(inputError{Where: where, Err: fmt.Errorf("missing or empty \"id\" (a string or a number)")})
				} else if o.Text == nil {
					bad(inputError{Where: where, Err: fmt.Errorf("missing \"text\"")})
				} else if ferr := fn(doc{ID: id, Text: *o.Text, Where: where}); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}

// parseID accepts a JSON string or number as a document ID.
func parseID(raw *json.RawMessage) (string, bool) {
	if raw == nil {
		return "", false
	}
	var s string
	if err := json.Unmarshal(*raw, &s); err == nil {
		return s, s != ""
	}
	var n json.Number
	if err := json.Unmarshal(*raw, &n); err == nil {
		return n.String(), true
	}
	return "", false
}
