package bench

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Default parameter values.
const (
	// DefaultSubstitution is the default share of the words of an ordinary
	// document replaced by words drawn from the seeds' running text.
	DefaultSubstitution = 0.25
	// DefaultDuplicateEvery is the default period of near-duplicates in a
	// collection: documents 9, 19, 29, ... are near-duplicates.
	DefaultDuplicateEvery = 10
	// DefaultTopicSize is the default average number of documents per
	// topic in a collection.
	DefaultTopicSize = 10
	// DefaultDuplicateEdit is the default largest edit rate of a
	// near-duplicate: about 0.04 of its words are substituted, deleted or
	// preceded by an inserted word, giving word 5-shingle Jaccard
	// similarities to the source from 1 down to about 0.65 (0.84 on
	// average for 600-word articles).
	DefaultDuplicateEdit = 0.04
)

// Errors returned by this package. Returned errors wrap one of them and can
// be tested with errors.Is.
var (
	// ErrParams reports a Params field outside its documented range.
	ErrParams = errors.New("bench: invalid parameters")
	// ErrSeeds reports seed texts that cannot be used: no seed file, no word
	// at all, or more text than 32-bit offsets can address.
	ErrSeeds = errors.New("bench: unusable seed texts")
)

// Params configures a Corpus. It is a plain comparable value whose zero value
// means the defaults.
type Params struct {
	// Seed selects the pseudo-random streams; every value, 0 included, gives
	// a different but fixed corpus.
	Seed uint64
	// Substitution is the share of words of an ordinary document replaced by
	// a word drawn from the seeds' running text. 0 means
	// DefaultSubstitution; a negative value means no substitution, so that
	// documents are verbatim runs of seed paragraphs. It must not exceed 1.
	Substitution float64
	// DuplicateEvery makes every DuplicateEvery-th document of a collection
	// (numbers DuplicateEvery-1, 2·DuplicateEvery-1, ...) a near-duplicate
	// of an earlier ordinary document. 0 means DefaultDuplicateEvery; a
	// negative value means no near-duplicates. It must not be 1.
	DuplicateEvery int
	// DuplicateEdit is the largest edit rate of a near-duplicate; each one
	// draws its rate uniformly in [0, DuplicateEdit). 0 means
	// DefaultDuplicateEdit; a negative value makes near-duplicates exact
	// copies. It must not exceed 1.
	DuplicateEdit float64
	// TopicSize is the average number of documents per topic. Each topic
	// has its own spelling of the seed words: in every word with at least
	// three lowercase ASCII letters after its first byte, one of them is
	// replaced by another letter, chosen from the word and the topic. Two
	// documents of different topics thus share little more than runs of
	// short words, as unrelated articles do, while documents of one topic
	// share phrases (and some passages), like articles on one story.
	// Ordinary document i belongs to a topic drawn uniformly among
	// 0 to i/TopicSize, so that topics keep getting new documents as a
	// collection grows; a near-duplicate belongs to its source's topic.
	// 0 means DefaultTopicSize; a negative value means a single topic with
	// the seed words spelled as they are.
	TopicSize int
}

// withDefaults returns p with defaults filled in and the "none" values
// turned into zeros, or an error wrapping ErrParams.
func (p Params) withDefaults() (Params, error) {
	switch {
	case math.IsNaN(p.Substitution) || p.Substitution > 1:
		return p, fmt.Errorf("%w: Substitution %v above 1", ErrParams, p.Substitution)
	case math.IsNaN(p.DuplicateEdit) || p.DuplicateEdit > 1:
		return p, fmt.Errorf("%w: DuplicateEdit %v above 1", ErrParams, p.DuplicateEdit)
	case p.DuplicateEvery == 1:
		return p, fmt.Errorf("%w: DuplicateEvery 1 leaves no ordinary document", ErrParams)
	}
	switch {
	case p.TopicSize == 0:
		p.TopicSize = DefaultTopicSize
	case p.TopicSize < 0:
		p.TopicSize = 0
	}
	switch {
	case p.Substitution == 0:
		p.Substitution = DefaultSubstitution
	case p.Substitution < 0:
		p.Substitution = 0
	}
	switch {
	case p.DuplicateEvery == 0:
		p.DuplicateEvery = DefaultDuplicateEvery
	case p.DuplicateEvery < 0:
		p.DuplicateEvery = 0
	}
	switch {
	case p.DuplicateEdit == 0:
		p.DuplicateEdit = DefaultDuplicateEdit
	case p.DuplicateEdit < 0:
		p.DuplicateEdit = 0
	}
	return p, nil
}

// Validate reports whether p is usable; the error wraps ErrParams.
func (p Params) Validate() error {
	_, err := p.withDefaults()
	return err
}

// word is one word occurrence of the seeds' running text.
type word struct {
	h          uint64 // FNV-1a hash of the word's bytes
	start, end uint32 // in Corpus.text
	last       bool   // last word of its paragraph
}

// Corpus generates deterministic French news documents from seed articles.
// It is immutable once built and safe for concurrent use. The Append methods
// append to the caller's slice and allocate only when it must grow.
type Corpus struct {
	p         Params // with defaults applied
	text      []byte
	words     []word   // running text: the distinct paragraphs in seed order
	paraStart []uint32 // index in words of each paragraph's first word
}

// Stream salts, so that the base text, the edits, the collection plan and
// the topic of one document number use unrelated streams.
const (
	saltEdit  = 0x9e3779b97f4a7c15
	saltPlan  = 0xc2b2ae3d27d4eb4f
	saltTopic = 0x165667b19e3779f9
)

// NewCorpus returns a Corpus over the given seed texts (UTF-8 articles, one
// paragraph per line). Paragraphs are the non-empty lines; a paragraph equal
// to an earlier one (after trimming spaces) is used once, so that a seed
// holding its body twice does not make documents repeat themselves. Words are
// separated by ASCII spaces and tabs only, so that no-break spaces stay inside
// the words they join, as in French typography (« citation »). The seeds are
// copied. The error wraps ErrParams or ErrSeeds.
func NewCorpus(seeds [][]byte, p Params) (*Corpus, error) {
	p, err := p.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Corpus{p: p}
	seen := make(map[string]bool)
	for _, s := range seeds {
		for line := range strings.SplitSeq(string(s), "\n") {
			line = strings.Trim(line, " \t\r\v\f")
			if line == "" || seen[line] {
				continue
			}
			seen[line] = true
			first := len(c.words)
			for w := range strings.FieldsFuncSeq(line, isSpace) {
				if len(c.text)+len(w)+1 > math.MaxUint32 {
					return nil, fmt.Errorf("%w: more than 4 GB of text", ErrSeeds)
				}
				start := uint32(len(c.text))
				c.text = append(c.text, w...)
				c.words = append(c.words, word{h: fnv1a(w), start: start, end: uint32(len(c.text))})
				c.text = append(c.text, ' ')
			}
			if len(c.words) > first {
				c.words[len(c.words)-1].last = true
				c.paraStart = append(c.paraStart, uint32(first))
			}
		}
	}
	if len(c.words) == 0 {
		return nil, fmt.Errorf("%w: no words", ErrSeeds)
	}
	return c, nil
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
}

// ReadSeeds reads the seed articles of dir: its regular files whose names end
// in ".txt", in name order. The error wraps ErrSeeds when there is none.
func ReadSeeds(dir string) ([][]byte, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSeeds, err)
	}
	var out [][]byte
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSeeds, err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no .txt file in %s", ErrSeeds, dir)
	}
	return out, nil
}

// Params returns the corpus parameters with defaults filled in (and the
// negative "none" values as 0).
func (c *Corpus) Params() Params { return c.p }

// Paragraphs returns the number of distinct seed paragraphs.
func (c *Corpus) Paragraphs() int { return len(c.paraStart) }

// Words returns the number of words of the seeds' running text (the distinct
// paragraphs).
func (c *Corpus) Words() int { return len(c.words) }

// Source reports whether document i of a collection is a near-duplicate, and
// if so of which earlier ordinary document and at which edit rate: document i
// is then AppendVariant(dst, src, size, edit, i).
func (c *Corpus) Source(i uint64) (src uint64, edit float64, ok bool) {
	every := uint64(c.p.DuplicateEvery)
	if every == 0 || i%every != every-1 {
		return 0, 0, false
	}
	var r rng
	r.p.Seed(c.p.Seed^saltPlan, i)
	// Ordinary documents before i: every-1 per block, blocks 0 to i/every.
	n := (i/every + 1) * (every - 1)
	t := r.uintn(n)
	src = t/(every-1)*every + t%(every-1)
	edit = c.p.DuplicateEdit * r.float()
	return src, edit, true
}

// AppendDocument appends document i of the corpus's collection, of at most
// size bytes, to dst: an ordinary document, or a near-duplicate as Source
// reports. Documents are cut at word boundaries, so they are shorter than
// size by less than one word; a size below the first word's length gives an
// empty document.
func (c *Corpus) AppendDocument(dst []byte, i uint64, size int) []byte {
	if src, edit, ok := c.Source(i); ok {
		return c.gen(dst, src, edit, i, size, math.MaxInt)
	}
	return c.gen(dst, i, 0, 0, size, math.MaxInt)
}

// AppendArticle is AppendDocument for a document of exactly words words
// (counting space-separated words, so punctuation standing alone, such as
// a dash, counts as a word).
func (c *Corpus) AppendArticle(dst []byte, i uint64, words int) []byte {
	if src, edit, ok := c.Source(i); ok {
		return c.gen(dst, src, edit, i, math.MaxInt, words)
	}
	return c.gen(dst, i, 0, 0, math.MaxInt, words)
}

// AppendVariant appends an edited copy of the ordinary document i, of at most
// size bytes, to dst: each word of the ordinary document is, with probability
// edit, replaced by another word (half of the edits), dropped (a quarter) or
// preceded by an inserted word (a quarter). variant selects the edits: the
// same (i, edit, variant) always gives the same text, and edit 0 gives the
// ordinary document i itself (whether or not collection document i is a
// near-duplicate). edit is clamped to [0, 1].
func (c *Corpus) AppendVariant(dst []byte, i uint64, size int, edit float64, variant uint64) []byte {
	if !(edit > 0) { // also NaN
		edit = 0
	}
	return c.gen(dst, i, min(edit, 1), variant, size, math.MaxInt)
}

// gen appends the ordinary document base, edited at rate edit with stream
// variant, stopping before maxBytes bytes or maxWords words would be
// exceeded.
func (c *Corpus) gen(dst []byte, base uint64, edit float64, variant uint64, maxBytes, maxWords int) []byte {
	if maxBytes <= 0 || maxWords <= 0 {
		return dst
	}
	var rb, re rng
	rb.p.Seed(c.p.Seed, base)
	respell := c.p.TopicSize > 0
	key := mix64(c.Topic(base) ^ c.p.Seed ^ saltTopic)
	re.p.Seed(c.p.Seed^saltEdit, variant)
	limit := len(dst) + min(maxBytes, math.MaxInt-len(dst))
	nw := 0
	brk := false // a paragraph break is pending
	emit := func(w word) bool {
		need := int(w.end - w.start)
		if nw > 0 {
			need++
		}
		if nw == maxWords || need > limit-len(dst) {
			return false
		}
		if nw > 0 {
			if brk {
				dst = append(dst, '\n')
			} else {
				dst = append(dst, ' ')
			}
		}
		brk = false
		at := len(dst)
		dst = append(dst, c.text[w.start:w.end]...)
		if respell {
			respellWord(dst[at:], mix64(w.h^key))
		}
		nw++
		return true
	}
	n := len(c.words)
	pos := int(c.paraStart[rb.intn(len(c.paraStart))])
	sub := c.p.Substitution
	for {
		w := c.words[pos]
		last := w.last
		if sub > 0 && rb.float() < sub {
			w = c.words[rb.intn(n)]
		}
		keep := true
		if edit > 0 && re.float() < edit {
			switch re.intn(4) {
			case 0, 1:
				w = c.words[re.intn(n)]
			case 2:
				keep = false
			case 3:
				if !emit(c.words[re.intn(n)]) {
					return dst
				}
			}
		}
		if keep && !emit(w) {
			return dst
		}
		brk = brk || last
		pos++
		if pos == n {
			pos = 0
		}
	}
}

// Topic returns the topic of the ordinary document i (0 for every document
// when Params.TopicSize is negative).
func (c *Corpus) Topic(i uint64) uint64 {
	if c.p.TopicSize == 0 {
		return 0
	}
	var r rng
	r.p.Seed(c.p.Seed^saltTopic, i)
	return r.uintn(i/uint64(c.p.TopicSize) + 1)
}

// respellLetters are the replacement letters of respellWord, frequent
// French letters.
const respellLetters = "eaisnrtoulcdmp"

// respellWord replaces in place, for a word with at least three lowercase
// ASCII letters after its first byte, one of those letters (chosen by x) by
// another letter of respellLetters. The length and UTF-8 validity of w are
// unchanged.
func respellWord(w []byte, x uint64) {
	n := 0
	for _, ch := range w[1:] {
		if 'a' <= ch && ch <= 'z' {
			n++
		}
	}
	if n < 3 {
		return
	}
	k := int(x % uint64(n))
	for j := 1; j < len(w); j++ {
		if ch := w[j]; 'a' <= ch && ch <= 'z' {
			if k > 0 {
				k--
				continue
			}
			r := respellLetters[(x>>32)%uint64(len(respellLetters))]
			if r == ch {
				r = respellLetters[((x>>32)+1)%uint64(len(respellLetters))]
			}
			w[j] = r
			return
		}
	}
}

// fnv1a is the 64-bit FNV-1a hash.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the splitmix64 finalizer.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

// rng is a PCG stream with the two draws the generator needs; it lives on
// the stack, so generating allocates nothing.
type rng struct{ p rand.PCG }

// float returns a uniform float64 in [0, 1).
func (r *rng) float() float64 { return float64(r.p.Uint64()>>11) * 0x1p-53 }

// intn returns a uniform int in [0, n) for n > 0 (multiply-shift; the bias
// of at most n/2^64 is irrelevant here).
func (r *rng) intn(n int) int { return int(r.uintn(uint64(n))) }

func (r *rng) uintn(n uint64) uint64 {
	hi, _ := bits.Mul64(r.p.Uint64(), n)
	return hi
}
