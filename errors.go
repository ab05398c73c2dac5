package neardup

import "errors"

// Errors returned by the detector. They are returned wrapped; test them with
// errors.Is.
var (
	// ErrOptions reports an invalid Options value.
	ErrOptions = errors.New("neardup: invalid options")
	// ErrDuplicateID reports an Add with an ID that is already indexed.
	ErrDuplicateID = errors.New("neardup: duplicate document ID")
	// ErrUnknownID reports a Remove or lookup of an ID that is not indexed.
	ErrUnknownID = errors.New("neardup: unknown document ID")
	// ErrEmptyID reports an Add with an empty ID.
	ErrEmptyID = errors.New("neardup: empty document ID")
	// ErrClosed reports a call on a closed detector.
	ErrClosed = errors.New("neardup: detector closed")
	// ErrParams reports a persistent detector opened with options that
	// change the meaning of its saved data (normalization, shingle size, K,
	// LSH bands and rows, what is kept per document).
	ErrParams = errors.New("neardup: saved index has other parameters")
	// ErrCorrupt reports saved data that is damaged, truncated in its middle
	// or of an unknown format version.
	ErrCorrupt = errors.New("neardup: saved index is corrupt")
	// ErrFull reports that the detector has assigned all 2^32 internal
	// document numbers.
	ErrFull = errors.New("neardup: too many documents")
	// ErrEntry reports a malformed Entry passed to a Store: an empty ID,
	// or band keys or a signature whose length does not match the store's
	// options.
	ErrEntry = errors.New("neardup: malformed entry")
	// ErrTooLarge reports a document with more normalized words than
	// Options.MaxWords, which a Detector, a Stage and SignEntry refuse
	// without indexing anything.
	ErrTooLarge = errors.New("neardup: document too large")
	// ErrUnsupported reports a Store operation that the store's options
	// rule out (Detector.Insert on a detector that keeps passages or
	// shingle sets, which an Entry does not carry).
	ErrUnsupported = errors.New("neardup: not supported with these options")
)
