package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// Input and output formats.
//
// JSON Lines files may be compressed with gzip or zstd: the compression is
// recognized by its magic bytes, whatever the file is called (standard
// input included). Parquet files are recognized by their magic bytes too
// and read row by row; a kept row is written back unchanged (or with its
// text column replaced), so every column passes through.

// format is a kind of input or output.
type format int

const (
	formatJSONL format = iota
	formatGzip
	formatZstd
	formatParquet
)

func (f format) String() string {
	return [...]string{"jsonl", "jsonl.gz", "jsonl.zst", "parquet"}[f]
}

// parseFormat reads a -format value.
func parseFormat(s string) (format, error) {
	for f := formatJSONL; f <= formatParquet; f++ {
		if s == f.String() {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (jsonl, jsonl.gz, jsonl.zst or parquet)", s)
}

// formatOfName is the output format a file name asks for.
func formatOfName(name string) format {
	switch {
	case strings.HasSuffix(name, ".parquet"):
		return formatParquet
	case strings.HasSuffix(name, ".gz"):
		return formatGzip
	case strings.HasSuffix(name, ".zst"):
		return formatZstd
	}
	return formatJSONL
}

var (
	magicGzip    = []byte{0x1f, 0x8b}
	magicZstd    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicParquet = []byte("PAR1")
)

// sniff tells the format of an input from its first bytes.
func sniff(head []byte) format {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return formatGzip
	case bytes.HasPrefix(head, magicZstd):
		return formatZstd
	case bytes.HasPrefix(head, magicParquet):
		return formatParquet
	}
	return formatJSONL
}

// sniffFile tells the format of a file (JSON Lines for a .txt file or one
// too short to tell).
func sniffFile(name string) format {
	if name == "-" || strings.HasSuffix(name, ".txt") {
		return formatJSONL
	}
	f, err := os.Open(name)
	if err != nil {
		return formatJSONL
	}
	defer f.Close()
	return sniffAt(f)
}

// sniffAt tells the format of an open file from its first bytes, without
// moving its offset.
func sniffAt(f io.ReaderAt) format {
	head := make([]byte, 4)
	n, _ := f.ReadAt(head, 0)
	return sniff(head[:n])
}

// counting counts the bytes read through it into n, for progress.
type counting struct {
	r io.Reader
	n *atomic.Int64
}

func (c counting) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n != nil {
		c.n.Add(int64(k))
	}
	return k, err
}

// decompress returns a reader of the JSON Lines text of r, decompressing
// gzip or zstd, and the format found. Parquet is an error here: it needs a
// file (standard input cannot be read at random).
func decompress(r io.Reader) (io.Reader, func(), format, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	switch f := sniff(head); f {
	case formatGzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, f, err
		}
		return zr, func() { zr.Close() }, f, nil
	case formatZstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, f, err
		}
		return zr, zr.Close, f, nil
	case formatParquet:
		return nil, nil, f, errors.New("a Parquet input must be a file, not standard input")
	}
	return br, func() {}, formatJSONL, nil
}

// parquetInput is an open Parquet input: its schema and the columns of the
// fields.
type parquetInput struct {
	name           string
	schema         *parquet.Schema
	id, text, date int // leaf column indexes; date -1 if none
}

// openParquet checks the schema of a Parquet file for the fields.
func openParquet(name string, f *os.File, fl fields) (*parquet.File, *parquetInput, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("not a readable Parquet file: %w", err)
	}
	in := &parquetInput{name: name, schema: pf.Schema(), date: -1}
	col := func(field string) (int, error) {
		leaf, ok := in.schema.Lookup(field)
		if !ok {
			return 0, fmt.Errorf("no top-level column %q (use -id-field, -text-field)", field)
		}
		if leaf.MaxRepetitionLevel > 0 {
			return 0, fmt.Errorf("column %q is repeated", field)
		}
		return leaf.ColumnIndex, nil
	}
	fl = fl.withDefaults()
	if in.id, err = col(fl.ID); err != nil {
		return nil, nil, err
	}
	if in.text, err = col(fl.Text); err != nil {
		return nil, nil, err
	}
	if fl.Date != "" {
		if in.date, err = col(fl.Date); err != nil {
			return nil, nil, err
		}
	}
	return pf, in, nil
}

// value returns the value of column c in row, and whether it is present.
func value(row parquet.Row, c int) (parquet.Value, bool) {
	for _, v := range row {
		if v.Column() == c {
			return v, !v.IsNull()
		}
	}
	return parquet.Value{}, false
}

// extract returns the ID, text and date (as JSON: a quoted string or a
// number, nil if absent) of a Parquet row.
func (in *parquetInput) extract(row parquet.Row, fl fields) (id string, text []byte, date []byte, err error) {
	v, ok := value(row, in.id)
	if ok {
		switch v.Kind() {
		case parquet.ByteArray, parquet.FixedLenByteArray:
			id = string(v.ByteArray())
		case parquet.Int32, parquet.Int64:
			id = strconv.FormatInt(v.Int64(), 10)
		default:
			return "", nil, nil, fmt.Errorf("column %q is not a string or an integer", fl.ID)
		}
	}
	if id == "" {
		return "", nil, nil, errMissingID(fl)
	}
	v, ok = value(row, in.text)
	if !ok {
		return "", nil, nil, errMissingText(fl)
	}
	if k := v.Kind(); k != parquet.ByteArray {
		return "", nil, nil, fmt.Errorf("column %q is not a string", fl.Text)
	}
	text = v.ByteArray()
	if in.date >= 0 {
		if v, ok := value(row, in.date); ok {
			switch v.Kind() {
			case parquet.ByteArray:
				date = strconv.AppendQuote(nil, string(v.ByteArray()))
			case parquet.Int32, parquet.Int64:
				date = strconv.AppendInt(nil, v.Int64(), 10)
			default:
				return "", nil, nil, fmt.Errorf("column %q is not a string or an integer", fl.Date)
			}
		}
	}
	return id, text, date, nil
}

// withText returns row with the value of column c replaced by text.
func withText(row parquet.Row, c int, text []byte) parquet.Row {
	out := row.Clone()
	for i, v := range out {
		if v.Column() == c {
			out[i] = parquet.ByteArrayValue(text).Level(v.RepetitionLevel(), v.DefinitionLevel(), c)
		}
	}
	return out
}

// sink writes the kept documents in one format. JSON Lines records pass
// through byte for byte; Parquet rows row for row.
type sink struct {
	format format
	name   string // the output file, or "" for standard output
	file   *os.File
	w      *bufio.Writer
	enc    io.WriteCloser // gzip or zstd, or nil
	pw     *parquet.GenericWriter[any]
	schema *parquet.Schema
	bytes  int64
}

// newSink opens the output: the named file (written as NAME.partial, then
// renamed by close) or standard output.
func newSink(name string, stdout io.Writer, f format) (*sink, error) {
	s := &sink{format: f, name: name}
	var w io.Writer = stdout
	if name != "" {
		if dir := filepath.Dir(name); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
		}
		file, err := os.Create(name + ".partial")
		if err != nil {
			return nil, err
		}
		s.file, w = file, file
	}
	s.w = bufio.NewWriterSize(w, 1<<16)
	switch f {
	case formatGzip:
		s.enc = gzip.NewWriter(s.w)
	case formatZstd:
		zw, err := zstd.NewWriter(s.w, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		s.enc = zw
	}
	return s, nil
}

// writeLine writes one JSON Lines record (with its newline).
func (s *sink) writeLine(line []byte) error {
	if s.format == formatParquet {
		return errors.New("a JSON Lines or text document cannot go into Parquet output: write JSON Lines (-format jsonl)")
	}
	s.bytes += int64(len(line))
	if s.enc != nil {
		_, err := s.enc.Write(line)
		return err
	}
	_, err := s.w.Write(line)
	return err
}

// writeRow writes one Parquet row of the given input's schema.
func (s *sink) writeRow(in *parquetInput, row parquet.Row, size int) error {
	if s.format != formatParquet {
		return fmt.Errorf("%s: Parquet rows need Parquet output (-o FILE.parquet, or -format parquet)", in.name)
	}
	if s.pw == nil {
		s.pw, s.schema = parquet.NewGenericWriter[any](s.w, in.schema), in.schema
	} else if in.schema != s.schema && !parquet.EqualNodes(in.schema, s.schema) {
		return fmt.Errorf("%s: its schema differs from the first Parquet input's", in.name)
	}
	s.bytes += int64(size)
	_, err := s.pw.WriteRows([]parquet.Row{row})
	return err
}

// close finishes the output; with a file, it is renamed into place only
// when everything was written (commit true).
func (s *sink) close(commit bool) error {
	var err error
	if s.pw != nil {
		err = s.pw.Close()
	} else if s.format == formatParquet && commit {
		err = errors.New("no Parquet row to write: the output would have no schema")
	}
	if s.enc != nil {
		if cerr := s.enc.Close(); err == nil {
			err = cerr
		}
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	if s.file != nil {
		if commit && err == nil {
			err = s.file.Sync()
		}
		if cerr := s.file.Close(); err == nil {
			err = cerr
		}
		if commit && err == nil {
			err = os.Rename(s.name+".partial", s.name)
		}
	}
	return err
}
