package normalize

// Token is one normalized word of a text.
//
// Start and End are the half-open byte range [Start, End) of the token in the
// original input, always on UTF-8 boundaries of that input. The range starts
// at the first code point that contributes to the token and ends after the
// last one, extended over code points that are dropped (combining marks,
// format characters such as the soft hyphen) directly following it, so that
// a decomposed "é" ending a word lies inside the token. (No extension
// happens after a code point whose own output ends with a separator, such
// as "⒜", which gives " a ".)
// Successive tokens have non-decreasing ranges; when one code point expands
// to several tokens (for example "½" gives "1" and "2"), they share its range.
//
// NormStart and NormEnd locate the token's normalized bytes in Tokens.Norm.
type Token struct {
	Start, End         int
	NormStart, NormEnd int
}

// Tokens holds the tokens of one text. It is a reusable buffer: Tokenize
// resets it and grows its slices only when they are too small, so a Tokens
// reused across documents makes tokenization allocation-free once warm.
//
// Norm holds the normalized text of all tokens, each followed by one space,
// so that Norm[t.NormStart:t.NormEnd] is the text of token t. List holds the
// tokens in order. Both slices are owned by the Tokens value and are
// overwritten by the next Tokenize call; copy what must outlive it.
//
// A Tokens value is not safe for concurrent use.
type Tokens struct {
	Norm []byte
	List []Token
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.List) }

// Text returns the normalized bytes of token i. The result aliases t.Norm.
func (t *Tokens) Text(i int) []byte {
	tok := t.List[i]
	return t.Norm[tok.NormStart:tok.NormEnd:tok.NormEnd]
}

// Span returns the byte range in the original input covered by tokens
// i through j-1. It returns (0, 0) when the range is empty or out of bounds.
func (t *Tokens) Span(i, j int) (start, end int) {
	if i < 0 || j > len(t.List) || i >= j {
		return 0, 0
	}
	return t.List[i].Start, t.List[j-1].End
}

// Reset empties t, keeping its capacity.
func (t *Tokens) Reset() {
	t.Norm = t.Norm[:0]
	t.List = t.List[:0]
}
