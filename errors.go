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
)
