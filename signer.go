package neardup

import (
	"fmt"

	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/simhash"
)

// Sketch is the compact summary of one document that near-duplicate
// detection works on.
type Sketch struct {
	// MinHash is the MinHash signature of the document's distinct word
	// shingles; MinHash.Size is their number.
	MinHash minhash.Signature
	// SimHash is the 64-bit SimHash of the distinct word shingles.
	SimHash uint64
	// Tokens is the number of normalized tokens.
	Tokens int
}

// Signer runs the signing pipeline: normalize and tokenize, hash word
// shingles, then MinHash and SimHash. It owns reusable buffers, so signing
// allocates nothing once they have grown to the size of the documents seen.
//
// A Signer is not safe for concurrent use; use one per goroutine. The Sketch
// and slices it returns are owned by the Signer and overwritten by the next
// call to Sign or SignString.
type Signer struct {
	opt       Options
	mh        minhash.Params
	toks      normalize.Tokens
	tokHashes []uint64 // per token
	shingles  []uint64 // positional word shingles
	kept      []uint64 // shingles left after skipping boilerplate
	set       []uint64 // distinct word shingles, first-occurrence order
	dedup     shingle.Deduper
	sketch    Sketch
	maxWords  int // when positive, longer texts are refused (see tooLarge)
	tooLarge  int // words (or tokens) of the last text when over maxWords, -1 when refused by its length
}

// NewSigner returns a Signer for the given options (the zero Options are
// the defaults).
func NewSigner(opt Options) (*Signer, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	return newSigner(opt), nil
}

func newSigner(opt Options) *Signer {
	return &Signer{opt: opt, mh: minhash.Params{K: opt.K}}
}

// newLimitedSigner is newSigner refusing texts over opt.MaxWords, for
// the Detector and the Stage.
func newLimitedSigner(opt Options) *Signer {
	s := newSigner(opt)
	s.maxWords = opt.MaxWords
	return s
}

// Sign computes the sketch of text. Invalid UTF-8 is tolerated (each invalid
// byte separates tokens).
func (s *Signer) Sign(text []byte) *Sketch {
	s.tokenize(text)
	s.summarize(nil)
	return &s.sketch
}

// SignString is Sign for a string, without copying it.
func (s *Signer) SignString(text string) *Sketch {
	s.tokenizeString(text)
	s.summarize(nil)
	return &s.sketch
}

// tokenize normalizes text and computes its token hashes and positional
// word shingles.
func (s *Signer) tokenize(text []byte) {
	if refuse(s, text) {
		return
	}
	normalize.Tokenize(&s.toks, text, s.opt.Normalize)
	s.shingle()
}

func (s *Signer) tokenizeString(text string) {
	if refuse(s, text) {
		return
	}
	normalize.TokenizeString(&s.toks, text, s.opt.Normalize)
	s.shingle()
}

// refuse resets s to an empty text and reports true when text is too
// large to be tokenized under s.maxWords: longer than bytesPerWord bytes
// per allowed word, or holding more than maxWords words (runs of bytes
// between spaces with an ASCII letter or digit, fewer than its tokens).
// Counting them is one pass without allocation, made only for a text long
// enough to hold more than maxWords words, so that a text refused after
// tokenizing has at most a few tokens per allowed word.
func refuse[T ~string | ~[]byte](s *Signer, text T) bool {
	s.tooLarge = 0
	n := len(text)
	if s.maxWords <= 0 || n/2 < s.maxWords {
		return false
	}
	if uint64(n) > bytesPerWord*uint64(s.maxWords) {
		s.tooLarge = -1
	} else if w := words(text); w > s.maxWords {
		s.tooLarge = w
	} else {
		return false
	}
	normalize.Tokenize(&s.toks, nil, s.opt.Normalize)
	s.shingle()
	return true
}

// words counts the space-separated runs of text that hold an ASCII letter
// or digit.
func words[T ~string | ~[]byte](text T) int {
	n, in, alnum := 0, false, false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			if in && alnum {
				n++
			}
			in, alnum = false, false
		default:
			in = true
			alnum = alnum || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9')
		}
	}
	if in && alnum {
		n++
	}
	return n
}

// sizeErr returns ErrTooLarge, wrapped with the size, when the last text
// was over maxWords, and nil otherwise.
func (s *Signer) sizeErr() error {
	switch {
	case s.tooLarge < 0:
		return fmt.Errorf("%w: over %d bytes, more than %d words could take", ErrTooLarge, bytesPerWord*s.maxWords, s.maxWords)
	case s.tooLarge > 0:
		return fmt.Errorf("%w: %d words, more than %d", ErrTooLarge, s.tooLarge, s.maxWords)
	}
	return nil
}

func (s *Signer) shingle() {
	if s.maxWords > 0 && s.toks.Len() > s.maxWords {
		s.tooLarge = s.toks.Len()
		normalize.Tokenize(&s.toks, nil, s.opt.Normalize)
	}
	s.tokHashes = shingle.AppendTokenHashes(s.tokHashes[:0], &s.toks)
	s.shingles = shingle.AppendWordsFromTokens(s.shingles[:0], s.tokHashes, s.opt.ShingleSize)
}

// summarize computes the distinct shingle set and the sketch, leaving out
// the shingle positions marked in skip (when skip is not nil).
func (s *Signer) summarize(skip []bool) {
	src := s.shingles
	if skip != nil {
		s.kept = s.kept[:0]
		for i, h := range src {
			if !skip[i] {
				s.kept = append(s.kept, h)
			}
		}
		src = s.kept
	}
	s.set = s.dedup.AppendDistinct(s.set[:0], src)
	s.mh.Sign(&s.sketch.MinHash, s.set)
	s.sketch.SimHash = simhash.Sum(s.set)
	s.sketch.Tokens = s.toks.Len()
}

// Tokens returns the tokens of the last signed text.
func (s *Signer) Tokens() *normalize.Tokens { return &s.toks }

// Shingles returns the positional word-shingle hashes of the last signed
// text: element i covers tokens i through i+ShingleSize-1.
func (s *Signer) Shingles() []uint64 { return s.shingles }

// Set returns the distinct word-shingle hashes of the last signed text, in
// order of first occurrence.
func (s *Signer) Set() []uint64 { return s.set }

// contains reports whether h is in Set (valid until the next Sign).
func (s *Signer) contains(h uint64) bool { return s.dedup.Contains(h) }

// String returns the normalized form of text under opt: its tokens joined by
// single spaces. Two texts with equal String hold the same words for
// neardup.
func String(text string, opt Options) string {
	var toks normalize.Tokens
	normalize.TokenizeString(&toks, text, opt.Normalize)
	return string(charText(&toks))
}

func charText(toks *normalize.Tokens) []byte {
	if len(toks.List) == 0 {
		return nil
	}
	return toks.Norm[:toks.List[len(toks.List)-1].NormEnd]
}
