package neardup

import (
	"fmt"
	"time"

	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// Default option values.
const (
	// DefaultThreshold is the default Jaccard similarity at or above which two
	// documents are near-duplicates.
	DefaultThreshold = 0.8
	// DefaultCandidateGap is how far below Threshold the LSH candidate stage
	// is tuned when CandidateThreshold is zero.
	DefaultCandidateGap = 0.1
	// DefaultMinRecall is the probability with which a pair at exactly
	// CandidateThreshold becomes a candidate.
	DefaultMinRecall = 0.95
	// DefaultBoilerplateDF is the default number of indexed documents a
	// passage must appear in to be flagged as boilerplate.
	DefaultBoilerplateDF = 10
	// DefaultSnapshotBytes is the default log size that triggers a snapshot.
	DefaultSnapshotBytes = 64 << 20
	// DefaultBucketCap is the default most documents one LSH bucket holds.
	DefaultBucketCap = 1000
	// DefaultMaxWords is the default most normalized words of one
	// document: about 8 MB of French text, a hundred times a long article.
	DefaultMaxWords = 1 << 20
	// bytesPerWord bounds the bytes of a text of MaxWords words that is
	// read at all: a longer text is refused without being tokenized.
	bytesPerWord = 64
)

// SyncPolicy says when a persistent detector's changes become durable.
type SyncPolicy int

// Durability policies (see Options.Durability).
const (
	// SyncEach makes every change durable (fsync) before the call that made
	// it returns; concurrent calls share fsyncs.
	SyncEach SyncPolicy = iota
	// SyncBatch makes changes durable when the caller calls Sync.
	SyncBatch
	// SyncInterval makes changes durable every Options.SyncInterval.
	SyncInterval
)

// Options configures a Detector or a Signer. It is a plain comparable value;
// the zero Options are the recommended setup for French news: French
// normalization, word 5-shingles, MinHash with 128 values, Jaccard threshold
// 0.8, candidates tuned for 0.7, estimates from signatures only.
type Options struct {
	// Normalize configures text normalization (zero: accents folded,
	// elided articles kept as tokens).
	Normalize normalize.Options

	// ShingleSize is the number of words per shingle; 0 means
	// shingle.DefaultSize (5).
	ShingleSize int

	// K is the number of MinHash values; 0 means minhash.DefaultK (128).
	K int

	// Threshold is the Jaccard similarity of word-shingle sets at or above
	// which a match is reported; 0 means DefaultThreshold (0.8). It must lie
	// in (0, 1].
	Threshold float64

	// CandidateThreshold is the similarity the LSH candidate stage is tuned
	// for: a pair at exactly this Jaccard similarity becomes a candidate with
	// probability MinRecall, so pairs near Threshold are almost never missed;
	// candidates are then verified. 0 means Threshold - DefaultCandidateGap
	// (at least 0.05). It must not exceed Threshold.
	CandidateThreshold float64

	// MinRecall is the candidate probability at CandidateThreshold; 0 means
	// DefaultMinRecall (0.95).
	MinRecall float64

	// Containment, when positive, also reports matches whose containment in
	// either direction (the share of one document's shingles found in the
	// other) is at least this value, even when their Jaccard similarity is
	// below Threshold: a teaser or an abridged reprint inside a long
	// article. Candidates for such matches are the documents sharing a
	// passage fingerprint (see Passage), so the detector then keeps the
	// fingerprint index (about 5 bytes per token).
	Containment float64

	// MaxHamming, when positive, also makes candidates of the indexed
	// documents whose SimHash is within this Hamming distance (at most 8;
	// 3 is the classic value for 64 bits), found with Manku-style block
	// tables. Candidates are verified like the others.
	MaxHamming int

	// MaxWords is the most normalized words of a document that a
	// Detector, a Stage or SignEntry accepts: the Add methods of both,
	// AddSigned, AddSignedIf, QuerySigned and SignEntry return ErrTooLarge
	// for a longer document and index nothing, and Query reports no match
	// for it. A text longer than 64 bytes per allowed word is refused
	// without being tokenized, and so is one that could hold more words
	// than the limit and does (words counted as the runs between spaces
	// that hold an ASCII letter or digit, one pass without allocation); a
	// text refused after tokenizing has at most a few tokens per allowed
	// word. So the memory one document takes is bounded by the limit, not
	// by the input. 0
	// means DefaultMaxWords; a negative value sets no limit. A Signer has
	// no limit.
	MaxWords int

	// Window, when positive, keeps only the documents whose time (see
	// Detector.AddAt) is within Window of the latest time seen: older ones
	// are evicted as newer ones arrive. Zero keeps every document until it
	// is removed.
	Window time.Duration

	// Durability says when a persistent detector (see Open) makes what Add,
	// Remove and evictions changed durable: SyncEach (the zero value) before
	// each call returns, SyncBatch when the caller calls Sync, SyncInterval
	// every SyncInterval. Under every policy a change that returned survives
	// a crash of the process; the policy decides what survives a crash of
	// the machine.
	Durability SyncPolicy

	// SyncInterval is the period of SyncInterval durability; 0 means 100 ms.
	SyncInterval time.Duration

	// SnapshotBytes is the size the log of a persistent detector may reach
	// before the detector writes a snapshot and starts a new log, which
	// bounds the time of the next Open; 0 means 64 MiB, a negative value
	// never (call Snapshot).
	SnapshotBytes int64

	// IgnoreBoilerplate leaves boilerplate out of near-duplicate scoring:
	// shingles covered by passage fingerprints already found in at least
	// BoilerplateDF indexed documents (site footers, menus, "Lire aussi"
	// blocks) are left out of the document's shingle set, so two different
	// articles from one site are not duplicates because they share a
	// footer. A document made only of boilerplate matches nothing.
	IgnoreBoilerplate bool

	// KeepShingles keeps every document's distinct shingle hashes (8 bytes
	// each) so that candidates are verified with their exact Jaccard
	// similarity instead of the signature estimate, whose standard error is
	// sqrt(J(1-J)/K) (0.035 at J = 0.8 with K = 128).
	KeepShingles bool

	// Passages turns on passage detection: Add and Query also report the
	// passages of at least Passage.MinWords words that the document shares
	// with indexed documents, and those repeated inside it, as byte ranges.
	// Each indexed document then keeps its 32-bit token hashes and token
	// offsets (about 6 bytes per token) and about one fingerprint posting
	// per 3.5 tokens (16 bytes each). Passage detection requires
	// ShingleSize to be passage.ShingleSize (5).
	Passages bool

	// Passage configures passage detection; the zero value finds every
	// shared run of at least 10 words and aligns copies through edits,
	// reporting passages of identity 0.8 or more (see package passage;
	// MinIdentity 1 gives exact passages only).
	Passage passage.Params

	// BoilerplateDF is the number of indexed documents that most of a
	// passage's fingerprints must already appear in for the passage to be
	// flagged as boilerplate (site footers, "Lire aussi" blocks); 0 means
	// DefaultBoilerplateDF. Fingerprints found in more than 4*BoilerplateDF
	// documents are not used to look for shared passages, so that a
	// ubiquitous footer costs nothing. The postings of fingerprints in at
	// most 64 documents carry context tags that rule out chance matches
	// without reading the other document, so values above 16 make frequent
	// phrases slower to rule out (see passage.Params.Context).
	BoilerplateDF int

	// BucketCap is the most documents one LSH bucket holds; 0 means
	// DefaultBucketCap, a negative value no cap. A document whose bucket in
	// some band is full is still checked against the bucket's members (its
	// near-duplicates among them are found) but is not added to that
	// bucket: a bucket shared by very many documents (empty-page stubs,
	// boilerplate-only texts) cannot make every insertion and query slower.
	// Documents left out are counted (Detector.CappedBuckets,
	// Inserted.Capped). The cap applies when a document is inserted and may
	// change between runs of a persistent detector.
	BucketCap int
}

// bucketCap returns the cap for index.LSH.AddKeysCapped (0: none).
func (o Options) bucketCap() uint64 {
	if o.BucketCap < 0 {
		return 0
	}
	return uint64(o.BucketCap)
}

// Resolve returns o with every zero field set to its default, or an error
// wrapping ErrOptions if o is invalid. Stores built outside this package
// (redisstore) use it to agree with a Stage on the options.
func (o Options) Resolve() (Options, error) {
	return o.withDefaults()
}

func (o Options) withDefaults() (Options, error) {
	if o.ShingleSize == 0 {
		o.ShingleSize = shingle.DefaultSize
	}
	if o.K == 0 {
		o.K = minhash.DefaultK
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.CandidateThreshold == 0 {
		o.CandidateThreshold = max(o.Threshold-DefaultCandidateGap, 0.05)
	}
	if o.MinRecall == 0 {
		o.MinRecall = DefaultMinRecall
	}
	if o.SnapshotBytes == 0 {
		o.SnapshotBytes = DefaultSnapshotBytes
	}
	if o.BoilerplateDF == 0 {
		o.BoilerplateDF = DefaultBoilerplateDF
	}
	if o.BucketCap == 0 {
		o.BucketCap = DefaultBucketCap
	}
	if o.MaxWords == 0 {
		o.MaxWords = DefaultMaxWords
	}
	switch {
	case (o.Passages || o.Containment > 0 || o.IgnoreBoilerplate) && o.ShingleSize != passage.ShingleSize:
		return o, fmt.Errorf("%w: passage fingerprints (Passages, Containment, IgnoreBoilerplate) need ShingleSize %d, not %d", ErrOptions, passage.ShingleSize, o.ShingleSize)
	case o.Durability < SyncEach || o.Durability > SyncInterval:
		return o, fmt.Errorf("%w: unknown Durability %d", ErrOptions, o.Durability)
	case o.SyncInterval < 0:
		return o, fmt.Errorf("%w: negative SyncInterval %v", ErrOptions, o.SyncInterval)
	case o.Window < 0:
		return o, fmt.Errorf("%w: negative Window %v", ErrOptions, o.Window)
	case o.MaxHamming < 0 || o.MaxHamming > 8:
		return o, fmt.Errorf("%w: MaxHamming %d outside [0, 8]", ErrOptions, o.MaxHamming)
	case o.BoilerplateDF < 0:
		return o, fmt.Errorf("%w: BoilerplateDF %d is negative", ErrOptions, o.BoilerplateDF)
	case o.ShingleSize < 1 || o.ShingleSize > 64:
		return o, fmt.Errorf("%w: ShingleSize %d outside [1, 64]", ErrOptions, o.ShingleSize)
	case o.Threshold <= 0 || o.Threshold > 1:
		return o, fmt.Errorf("%w: Threshold %v outside (0, 1]", ErrOptions, o.Threshold)
	case o.CandidateThreshold <= 0 || o.CandidateThreshold > o.Threshold:
		return o, fmt.Errorf("%w: CandidateThreshold %v outside (0, Threshold]", ErrOptions, o.CandidateThreshold)
	case o.MinRecall <= 0 || o.MinRecall >= 1:
		return o, fmt.Errorf("%w: MinRecall %v outside (0, 1)", ErrOptions, o.MinRecall)
	case o.Containment < 0 || o.Containment > 1:
		return o, fmt.Errorf("%w: Containment %v outside [0, 1]", ErrOptions, o.Containment)
	}
	if err := (minhash.Params{K: o.K}).Validate(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if err := o.Passage.Validate(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if err := o.Normalize.Validate(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return o, nil
}
