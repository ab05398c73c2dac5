// Package redisstore keeps a neardup index on a Redis server (Redis,
// Redis Cluster, Valkey, through go-redis's UniversalClient, so standalone,
// Sentinel and Cluster deployments all work), so that several dedup
// workers, in one process or on several machines, share one truth.
//
// A Store implements neardup.Store: wrap it in a neardup.Stage and call
// Stage.Add for each incoming document. Each Add signs the text in the
// worker, then runs one Lua script on the server that reads the document's
// LSH buckets and inserts it, atomically: of several workers receiving the
// same article at the same moment, exactly one is told "new". Retrying an
// ID after a timeout is idempotent: the retry finds the ID and returns the
// first attempt's candidates (Inserted.Existing).
//
// # Keys
//
// Every key of a Store begins with "nd:{Partition}:", so all keys of one
// partition (a language, a market) live in one Redis Cluster hash slot and
// one script may touch them all; different partitions spread over the
// cluster. Documents are grouped in time generations of Config.Generation
// by their time: a generation's keys ("g:<n>:id", "g:<n>:doc",
// "g:<n>:b") expire Window plus one generation after their last write, so
// old news leaves Redis without a sweep; the server holds about Window
// plus two generations of documents (1.5 windows by default). A document is checked
// against the generations from its time minus Window to one generation
// after its own. "seq" (document numbers), "capped" (the bucket-cap
// counter) and "params" never expire.
//
// A generation's buckets are held by one hash, several buckets per field
// (see script.go), so that one HMGET reads a document's buckets in a
// generation and one HSET writes them: Redis spends one to two
// microseconds per command inside a script, which makes the number of
// commands the cost that matters. A document costs under 1 KB in Redis
// (see the README for the measurement).
//
// # Failures
//
// Errors from the server or the network are returned wrapped in
// ErrUnavailable (test with errors.Is); the caller decides whether to retry
// (safe: Insert is idempotent per ID), fail open (treat the document as new)
// or fail closed. A script runs entirely or not at all, so a failed Insert
// never leaves a partial document; when a timeout hides whether it ran, the
// retry tells (Existing). Context cancellation is honoured through
// go-redis; a Store starts no goroutines.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/normalize"
	"github.com/neardup/neardup/shingle"
	"github.com/redis/go-redis/v9"
)

// Errors of this package, returned wrapped.
var (
	// ErrUnavailable reports that the server could not be reached or did
	// not answer in time, or answered with an error.
	ErrUnavailable = errors.New("redisstore: server unavailable")
	// ErrFull reports that a partition has used all 2^32 document numbers.
	ErrFull = errors.New("redisstore: partition full")
)

// Defaults of Config.
const (
	// DefaultPartition is the partition of a Config without one.
	DefaultPartition = "default"
	// DefaultExpectedDocs is the ExpectedDocs of a Config without one.
	DefaultExpectedDocs = 100_000
)

// Config configures a Store. The zero value, with a client, is a usable
// store with neardup's default options.
type Config struct {
	// Partition names the index; stores with the same partition on the
	// same server share it. Empty means DefaultPartition. It must not
	// contain '{' or '}'.
	Partition string

	// Options are the detection options. The ones that change the meaning
	// of stored data (normalization, shingle size, K, the LSH banding
	// derived from CandidateThreshold, K and MinRecall), Generation and
	// Shards are saved in the partition on first use; a Store with others
	// fails with neardup.ErrParams. Threshold (verification), Window (within
	// a generation), and BucketCap may differ between workers.
	Options neardup.Options

	// Generation is the time span of one key generation: a quarter of
	// Options.Window when zero. Without a Window all documents are in one
	// generation and nothing expires.
	Generation time.Duration

	// ExpectedDocs is the number of documents expected in one generation
	// (in the whole index without a Window): DefaultExpectedDocs when zero.
	// It sizes the buckets of the first generation only; later ones are
	// sized from the previous one. A wrong guess costs memory or lookup
	// time, never results.
	ExpectedDocs int
}

// Store is a neardup.Store on a Redis server. It is safe for concurrent
// use by multiple goroutines; it holds no state besides its
// configuration, so any number of Stores (in any number of processes) may
// use one partition.
type Store struct {
	c      redis.UniversalClient
	opt    neardup.Options
	bands  int
	prefix string
	gen    time.Duration
	shift0 int // shift of a generation without a predecessor
}

// New returns a Store on client c. It checks that the partition's saved
// parameters, if any, are c's (saving them otherwise), which needs the
// server: a server error is returned wrapped in ErrUnavailable.
func New(ctx context.Context, c redis.UniversalClient, cfg Config) (*Store, error) {
	opt, err := cfg.Options.Resolve()
	if err != nil {
		return nil, err
	}
	lshp, err := index.ChooseLSH(opt.CandidateThreshold, opt.K, opt.MinRecall)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", neardup.ErrOptions, err)
	}
	p := cfg.Partition
	if p == "" {
		p = DefaultPartition
	}
	for _, r := range p {
		if r == '{' || r == '}' {
			return nil, fmt.Errorf("%w: partition %q contains a brace", neardup.ErrOptions, p)
		}
	}
	if cfg.Generation < 0 || cfg.ExpectedDocs < 0 {
		return nil, fmt.Errorf("%w: negative Generation or ExpectedDocs", neardup.ErrOptions)
	}
	if cfg.ExpectedDocs == 0 {
		cfg.ExpectedDocs = DefaultExpectedDocs
	}
	s := &Store{c: c, opt: opt, bands: lshp.Bands, prefix: "nd:{" + p + "}:", gen: cfg.Generation,
		shift0: firstShift(cfg.ExpectedDocs, lshp.Bands)}
	if opt.Window > 0 && s.gen == 0 {
		s.gen = max(opt.Window/4, time.Millisecond)
	}
	if opt.Window == 0 {
		s.gen = 0
	}
	params := fmt.Sprintf("neardup redisstore 1; normalize %d %t %t; shingle %d %d; minhash oph %d; bits 8; lsh %dx%d; generation %d",
		normalize.Version, opt.Normalize.DropElisions, opt.Normalize.KeepAccents, shingle.Version, opt.ShingleSize,
		opt.K, lshp.Bands, lshp.Rows, s.gen.Nanoseconds())
	key := s.prefix + "params"
	if _, err := c.SetNX(ctx, key, params, 0).Result(); err != nil {
		return nil, unavailable(err)
	}
	got, err := c.Get(ctx, key).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	if got != params {
		return nil, fmt.Errorf("%w: partition %q holds %q, this store uses %q", neardup.ErrParams, p, got, params)
	}
	return s, nil
}

// unavailable wraps a server or network error; context errors stay
// recognizable too.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Options returns the store's options, defaults filled in.
func (s *Store) Options() neardup.Options { return s.opt }

// generation returns the generation number of time t.
func (s *Store) generation(t time.Time) int64 {
	if s.gen == 0 {
		return 0
	}
	ns := t.UnixNano()
	g := ns / int64(s.gen)
	if ns < 0 && ns%int64(s.gen) != 0 {
		g--
	}
	return g
}

// ttl returns the lifetime of a generation's keys after their last write.
func (s *Store) ttl() time.Duration {
	if s.gen == 0 {
		return 0
	}
	return s.opt.Window + s.gen
}

func (s *Store) genKey(g int64, kind string) string {
	return s.prefix + "g:" + strconv.FormatInt(g, 10) + ":" + kind
}

// fieldMembers is the number of bucket members a hash field should hold
// (see script.go): enough to spread the ~50 bytes of a field over several
// 8-byte members, few enough that a lookup scans little.
const fieldMembers = 8

// firstShift returns the shift of a generation without a predecessor, for
// about docs documents of bands bands.
func firstShift(docs, bands int) int {
	fields := max(float64(docs)*float64(bands)/fieldMembers, 1024)
	return max(0, 32-int(math.Ceil(math.Log2(fields))))
}

// generations returns the generations an entry of time t is checked
// against, oldest first, and the position of its own.
func (s *Store) generations(t time.Time) ([]int64, int) {
	own := s.generation(t)
	if s.gen == 0 {
		return []int64{0}, 0
	}
	lo := s.generation(t.Add(-s.opt.Window))
	gens := make([]int64, 0, own-lo+2)
	for g := lo; g <= own+1; g++ {
		gens = append(gens, g)
	}
	return gens, int(own - lo)
}

// Insert implements neardup.Store with one script run on the server. A
// retry (same ID, already stored in a generation the entry's time reads)
// changes nothing and finds the candidates through the retried entry's
// band keys. Capped counts the full buckets of this call only (0 on a
// retry).
func (s *Store) Insert(ctx context.Context, e *neardup.Entry) (neardup.Inserted, error) {
	if err := ctx.Err(); err != nil {
		return neardup.Inserted{}, err
	}
	if err := e.Check(s.opt.K, s.bands); err != nil {
		return neardup.Inserted{}, err
	}
	// The band keys are not stored: the buckets hold them, and Delete takes
	// them from the caller.
	stored := *e
	stored.Keys = nil
	payload, err := stored.AppendBinary(nil)
	if err != nil {
		return neardup.Inserted{}, err
	}
	gens, own := s.generations(e.Time)
	keys := make([]string, 0, 4+2*len(gens))
	keys = append(keys, s.prefix+"seq", s.prefix+"capped", s.genKey(gens[own], "id"), s.genKey(gens[own], "doc"))
	for _, g := range gens {
		keys = append(keys, s.genKey(g, "doc"))
	}
	for _, g := range gens {
		keys = append(keys, s.genKey(g, "b"))
	}
	args := make([]any, 0, 8+len(e.Keys))
	args = append(args, e.ID, payload, max(s.opt.BucketCap, 0), len(gens), own+1, s.ttl().Milliseconds(), s.shift0, fieldMembers)
	for _, k := range e.Keys {
		args = append(args, k)
	}
	res, err := insertScript.Run(ctx, s.c, keys, args...).Slice()
	if err != nil {
		if err := ctxErr(ctx); err != nil {
			return neardup.Inserted{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		if isFull(err) {
			return neardup.Inserted{}, ErrFull
		}
		return neardup.Inserted{}, unavailable(err)
	}
	return decodeReply(res)
}

// ctxErr returns the context's error, counting a deadline that has passed
// (a network timeout set from it may fire before the context notices).
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func isFull(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && len(re.Error()) >= 12 && re.Error()[:12] == "NEARDUP_FULL"
}

// decodeReply turns the script's reply into an Inserted, candidates in
// number (insertion) order.
func decodeReply(res []any) (neardup.Inserted, error) {
	bad := func() (neardup.Inserted, error) {
		return neardup.Inserted{}, fmt.Errorf("%w: malformed script reply", ErrUnavailable)
	}
	if len(res) < 2 || len(res)%2 != 0 {
		return bad()
	}
	ex, ok1 := res[0].(int64)
	capped, ok2 := res[1].(int64)
	if !ok1 || !ok2 {
		return bad()
	}
	type numbered struct {
		n int64
		c neardup.Candidate
	}
	cs := make([]numbered, 0, (len(res)-2)/2)
	for i := 2; i < len(res); i += 2 {
		n, ok1 := res[i].(int64)
		p, ok2 := res[i+1].(string)
		if !ok1 || !ok2 {
			return bad()
		}
		var e neardup.Entry
		if err := e.UnmarshalBinary([]byte(p)); err != nil {
			return neardup.Inserted{}, fmt.Errorf("redisstore: stored entry %d: %w", n, err)
		}
		cs = append(cs, numbered{n, neardup.Candidate{ID: e.ID, Time: e.Time, Size: e.Size, SimHash: e.SimHash, Sig: e.Sig}})
	}
	slices.SortFunc(cs, func(a, b numbered) int { return int(a.n - b.n) })
	ins := neardup.Inserted{Existing: ex == 1, Capped: int(capped)}
	for _, c := range cs {
		ins.Candidates = append(ins.Candidates, c.c)
	}
	return ins, nil
}

// Delete removes the document of entry e (its ID, time and band keys, as
// SignEntry or a Stage computes them from its text) and reports whether
// it was stored. The time window does not need it: expiry removes old
// documents.
func (s *Store) Delete(ctx context.Context, e *neardup.Entry) (bool, error) {
	if err := e.Check(s.opt.K, s.bands); err != nil {
		return false, err
	}
	g := s.generation(e.Time)
	keys := []string{s.genKey(g, "id"), s.genKey(g, "doc"), s.genKey(g, "b")}
	args := []any{e.ID}
	for _, k := range e.Keys {
		args = append(args, k)
	}
	n, err := deleteScript.Run(ctx, s.c, keys, args...).Int()
	if err != nil {
		return false, unavailable(err)
	}
	return n == 1, nil
}

// CappedBuckets returns the number of times a document of the partition
// was left out of a full bucket (Options.BucketCap), over all workers.
func (s *Store) CappedBuckets(ctx context.Context) (int64, error) {
	n, err := s.c.Get(ctx, s.prefix+"capped").Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, unavailable(err)
	}
	return n, nil
}

// Drop deletes every key of the partition, the saved parameters included.
// It scans the server(s) for the partition's keys: use it for tests and
// maintenance, not while workers use the partition.
func (s *Store) Drop(ctx context.Context) error {
	pattern := s.prefix + "*"
	drop := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		var batch []string
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == 500 {
				if err := c.Del(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return c.Del(ctx, batch...).Err()
		}
		return nil
	}
	var err error
	if cc, ok := s.c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return drop(ctx, c) })
	} else {
		err = drop(ctx, s.c)
	}
	if err != nil {
		return unavailable(err)
	}
	return nil
}
