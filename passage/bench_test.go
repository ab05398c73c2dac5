package passage_test

import (
	"strings"
	"testing"

	"github.com/neardup/neardup/passage"
)

// benchPair returns two texts of about 600 tokens sharing a 300-token block.
func benchPair(b *testing.B) (string, string) {
	seeds := readSeeds(b)
	words := func(k string, from, n int) string {
		return strings.Join(strings.Fields(seeds[k])[from:from+n], " ")
	}
	shared := words("003", 300, 300)
	return words("000", 0, 200) + " " + shared + " " + words("002", 0, 100),
		words("004", 0, 50) + " " + shared + " " + words("002", 200, 250)
}

func BenchmarkFingerprints(b *testing.B) {
	text := readSeeds(b)["001"]
	d, _ := newDoc(text)
	p := passage.Params{MinIdentity: 1}
	dst := p.AppendFingerprints(nil, d)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		dst = p.AppendFingerprints(dst[:0], d)
	}
}

func BenchmarkRepeats(b *testing.B) {
	text := readSeeds(b)["001"]
	d, _ := newDoc(text)
	var f passage.Finder
	dst := f.Repeats(nil, d)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		dst = f.Repeats(dst[:0], d)
	}
}

// BenchmarkAlign measures Align alone, from the seeds of two 600-token
// documents sharing 300 tokens.
func BenchmarkAlign(b *testing.B) {
	ta, tb := benchPair(b)
	da, _ := newDoc(ta)
	db, _ := newDoc(tb)
	var f passage.Finder
	fa := f.Params.AppendFingerprints(nil, da)
	fb := f.Params.AppendFingerprints(nil, db)
	seeds := f.AppendSeeds(nil, fa, fb)
	dst := f.Align(nil, da, db, seeds)
	if len(dst) != 1 || dst[0].A.Len() < 250 {
		b.Fatalf("unexpected %+v", dst)
	}
	b.SetBytes(int64(len(ta) + len(tb)))
	b.ReportAllocs()
	for b.Loop() {
		dst = f.Align(dst[:0], da, db, seeds)
	}
}

// BenchmarkAlignPipeline measures fingerprints, seeds and alignment of the
// same pair.
func BenchmarkAlignPipeline(b *testing.B) {
	ta, tb := benchPair(b)
	da, _ := newDoc(ta)
	db, _ := newDoc(tb)
	var f passage.Finder
	var fa, fb []passage.Fingerprint
	var seeds []passage.Seed
	var dst []passage.Passage
	b.SetBytes(int64(len(ta) + len(tb)))
	b.ReportAllocs()
	for b.Loop() {
		fa = f.Params.AppendFingerprints(fa[:0], da)
		fb = f.Params.AppendFingerprints(fb[:0], db)
		seeds = f.AppendSeeds(seeds[:0], fa, fb)
		dst = f.Align(dst[:0], da, db, seeds)
	}
}

func BenchmarkAppendSeeds(b *testing.B) {
	ta, tb := benchPair(b)
	da, _ := newDoc(ta)
	db, _ := newDoc(tb)
	var f passage.Finder
	fa := f.Params.AppendFingerprints(nil, da)
	fb := f.Params.AppendFingerprints(nil, db)
	seeds := f.AppendSeeds(nil, fa, fb)
	b.ReportAllocs()
	for b.Loop() {
		seeds = f.AppendSeeds(seeds[:0], fa, fb)
	}
}
