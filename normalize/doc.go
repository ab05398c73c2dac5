// Package normalize splits French news text into normalized word tokens that
// keep their byte offsets in the original text. It is the first stage of
// neardup: shingles, MinHash and SimHash signatures are all computed over
// these tokens, and passages found in the token stream are mapped back to
// the text through the offsets.
//
// # Definition (Version 1)
//
// The normalization is defined code point by code point, which makes it
// offset-preserving. For every code point c of the text:
//
//  1. if c is apostrophe-like (' U+2019 U+2018 U+201B U+02BC U+02BB U+02B9
//     U+0060 U+00B4 U+FF07 U+2032), it is a separator;
//  2. otherwise s = NFD(casefold(NFKC(c))), with full case folding;
//  3. each rune of s is then a separator if apostrophe-like, dropped if of
//     general category Mn, Me or Cf (combining marks, soft hyphen, zero-width
//     characters, bidi controls), "oe" for "œ", "ae" for "æ", kept if a
//     letter or digit (category L or N), and a separator otherwise.
//
// An invalid UTF-8 byte is a separator of one byte. Tokens are the maximal
// runs of kept letters and digits. Dropped code points join their
// neighbours: they neither extend nor break a token. This is the zero
// Options, and the reference normalization "ref-v1" of the neardup
// evaluation, whose Python implementation uses the Unicode database of its
// Python version: both give the same output for every code point assigned
// in both Unicode versions, and the same tokens with the same start offsets
// on the evaluation's development documents.
//
// Examples: "l’Arménie" gives "l" "armenie", "aujourd'hui" gives "aujourd"
// "hui", "cessez-le-feu" gives "cessez" "le" "feu", "13h30GMT" gives
// "13h30gmt", "Œuvre" gives "oeuvre", "ﬁn" gives "fin", "½" gives "1" "2".
// Precomposed and decomposed (NFD) input give the same tokens; NBSP
// (U+00A0), narrow NBSP (U+202F) and thin space (U+2009) are separators like
// a space; a soft hyphen (U+00AD) or a zero-width space inside a word joins
// it: "pro\u00ADfondément" gives "profondement".
//
// # Why accents and elisions are handled so
//
// French news copy of the same story differs in ways that carry no meaning
// for near-duplicate detection: typographic apostrophes and quotes, NBSP
// before ":" and "»", capitalized or unaccented capitals ("ETAT", "Etat",
// "État"), ligatures (œ, ﬁ), decomposed accents from some pipelines, soft
// hyphens left by layout tools. Folding all of these makes copies compare
// equal. Accent folding merges a few distinct words (a/à, ou/où), which
// costs little for shingle-based similarity; KeepAccents keeps them apart.
// Elided articles and pronouns (l’, d’, qu’) stay tokens by default, as in
// ref-v1, because they carry word-order information in shingles;
// DropElisions removes them for callers that prefer content words only.
//
// # Offsets
//
// Each Token carries the half-open byte range [Start, End) of the input it
// comes from, always on UTF-8 boundaries of the input (an invalid byte counts
// as a one-byte code point), with Start < End. Start is the first byte of the
// first code point contributing a letter or digit to the token; End is the
// end of the last contributing code point, extended over dropped code points
// (combining marks, format characters) that directly follow it while the
// token is open: an NFD "é" at the end of a word lies inside the token.
// Ranges of successive tokens are non-decreasing; when one code point yields
// several tokens ("½" gives "1" and "2"), they share its range.
//
// # Streaming
//
// NewTransformer returns a golang.org/x/text/transform.Transformer whose
// output is that of Append, for use with transform.Reader, transform.Writer
// or transform.String on text that does not fit in memory.
//
// # Implementation
//
// ASCII, the bulk of French text, is classified and copied eight bytes at a
// time with bit operations, and token boundaries are found in 64-byte
// windows with bit masks instead of byte-by-byte tests, in the manner of
// the structural index of simdjson (G. Langdale and D. Lemire, "Parsing
// gigabytes of JSON per second", VLDB Journal 28(6), 2019). Other code
// points are looked up in generated tables (tables.go, produced by gen.go
// from the direct implementation in internal/reference) covering every code
// point of Unicode UnicodeVersion, the version of
// golang.org/x/text/unicode/norm and of package unicode. golang.org/x/text
// is used at run time only to NFC-compose the rare tokens that need it under
// KeepAccents.
//
// NFKC, NFD and NFC are those of Unicode Standard Annex #15, "Unicode
// Normalization Forms"; case folding is the full case folding of the Unicode
// Standard, section 3.13 "Default Case Algorithms" (CaseFolding.txt, as
// Python's str.casefold), including for Cherokee, which
// golang.org/x/text/cases.Fold lowercases instead.
//
// # Concurrency and ownership
//
// All functions are safe for concurrent use. A Tokens value is not: it is a
// reusable buffer owned by its user, overwritten by each Tokenize call.
// Tokens never reference the input text.
package normalize
