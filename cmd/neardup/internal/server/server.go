// Package server is the HTTP service of "neardup serve": a persistent
// detector behind a JSON API that decides, for each document posted, "new"
// or "duplicate of X" and reports the passages it shares with the documents
// held, a Prometheus endpoint, and pages for reviewing what was copied.
//
// The service keeps two things in its directory: the detector's index
// (written by package neardup) and the article log (ArticlesFile), an
// append-only log of every document's text, time and verdict. A document
// is acknowledged (its POST answered) only once both are synced, so a
// crash of the process or of the machine loses no acknowledged document;
// the texts are read back from the log on demand, so memory holds the
// index and about 250 bytes per document besides its ID.
//
// A Server is safe for concurrent use: its Handler serves requests in
// parallel, and adding documents runs concurrently with queries and pages.
package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/neardup/neardup"
)

// DefaultMaxBytes is the default limit of a request body.
const DefaultMaxBytes = 16 << 20

// DefaultMaxInFlight is the default number of requests served at once.
const DefaultMaxInFlight = 64

// Config configures a Server. The zero value is valid: no token, the
// default limits, and the detector's own thresholds.
type Config struct {
	// Token, when not empty, is required on every request but /healthz
	// and /readyz: as "Authorization: Bearer TOKEN", or as the cookie that
	// a page URL with ?token=TOKEN sets.
	Token string
	// MaxBytes is the largest request body; 0 means DefaultMaxBytes.
	// A larger body is refused with 413.
	MaxBytes int64
	// MaxInFlight is the number of requests served at once; 0 means
	// DefaultMaxInFlight. Requests beyond it get 503 with Retry-After.
	MaxInFlight int
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Server is the service. Create it with New, attach its storage with
// Attach, serve Handler, and Close it at the end.
type Server struct {
	cfg Config
	sem chan struct{}
	mux http.Handler
	// apiRoutes are the patterns of the API (not of the pages), which
	// openapi.json describes.
	apiRoutes []string
	metrics   *metrics

	mu    sync.RWMutex // guards det and arts against Attach and Close
	det   *neardup.Detector
	arts  *articles
	opt   neardup.Options
	dir   string
	ready atomic.Bool

	startDocs int          // documents in the index when attached
	added     atomic.Int64 // documents added since
	removed   atomic.Int64 // documents deleted since
}

// ErrNotReady reports a request made before the index is loaded.
var ErrNotReady = errors.New("server: index not loaded yet")

// New returns a Server with cfg, not yet ready: requests other than
// /healthz and /readyz get 503 until Attach.
func New(cfg Config) *Server {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, sem: make(chan struct{}, cfg.MaxInFlight)}
	s.metrics = newMetrics(s)
	s.routes()
	return s
}

// Attach makes the server serve det, a detector opened on dir, and the
// article log in dir. Documents of the article log that the index lacks
// (the machine stopped after the article log was synced and before the
// index's log was) are added to the index again. The caller keeps det
// and closes it after Close.
func (s *Server) Attach(det *neardup.Detector, dir string) error {
	arts, err := openArticles(filepath.Join(dir, ArticlesFile))
	if err != nil {
		return err
	}
	for _, ar := range arts.all() {
		if det.Contains(ar.ID) {
			continue
		}
		text, err := arts.text(ar)
		if err != nil {
			arts.close()
			return err
		}
		if _, err := det.AddAt(ar.ID, text, ar.Time); err != nil {
			arts.close()
			return fmt.Errorf("re-adding %q to the index: %w", ar.ID, err)
		}
	}
	if err := det.Sync(); err != nil {
		arts.close()
		return err
	}
	s.mu.Lock()
	s.det, s.arts, s.opt, s.dir = det, arts, det.Options(), dir
	s.startDocs = det.Len()
	s.mu.Unlock()
	s.ready.Store(true)
	return nil
}

// Close makes the server refuse further requests and closes the article
// log; call it after http.Server.Shutdown has finished the requests in
// flight, then close the detector.
func (s *Server) Close() error {
	s.ready.Store(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.arts == nil {
		return nil
	}
	err := s.arts.close()
	s.arts = nil
	return err
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// state returns the detector and article log, or ErrNotReady.
func (s *Server) state() (*neardup.Detector, *articles, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.ready.Load() || s.arts == nil {
		return nil, nil, ErrNotReady
	}
	return s.det, s.arts, nil
}

// Document is a document posted to the service.
type Document struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Date is the document's time, RFC 3339; empty means when it arrived.
	// The index's window (if any) is measured on it.
	Date string `json:"date,omitempty"`
}

// Verdict is the answer for one posted document.
type Verdict struct {
	ID string `json:"id"`
	// Verdict is "new" or "duplicate".
	Verdict string `json:"verdict"`
	// DuplicateOf is the held document it duplicates, when a duplicate.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Reason is "duplicate" (Jaccard at the threshold) or "contained"
	// (its containment in DuplicateOf at the containment threshold).
	Reason      string  `json:"reason,omitempty"`
	Jaccard     float64 `json:"jaccard,omitempty"`
	Containment float64 `json:"containment,omitempty"`
	// Existing is set when the ID was already held with the same text:
	// the stored verdict is returned and nothing is added (a retry).
	Existing bool `json:"existing,omitempty"`
	// DryRun is set for ?dry_run=1: nothing was added.
	DryRun   bool          `json:"dry_run,omitempty"`
	Matches  []MatchJSON   `json:"matches"`
	Passages []PassageJSON `json:"passages"`
	Time     time.Time     `json:"time"`
}

// MatchJSON is one near-duplicate or containing document.
type MatchJSON struct {
	ID        string  `json:"id"`
	Jaccard   float64 `json:"jaccard"`
	Contained float64 `json:"contained"`
	Contains  float64 `json:"contains"`
	Exact     bool    `json:"exact"`
}

// PassageJSON is one passage the document shares with another held
// document (Repeat false) or repeats inside itself (Repeat true, the other
// copy before it). Offsets are bytes of the UTF-8 texts.
type PassageJSON struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	OtherID    string `json:"other_id"`
	OtherStart int    `json:"other_start"`
	OtherEnd   int    `json:"other_end"`
	Words      int    `json:"words"`
	Repeat     bool   `json:"repeat,omitempty"`
	// Identity is the share of matched words in the word alignment of the
	// two copies; Substituted, Inserted and Deleted count its edits (words
	// of the other copy replaced, added in this copy, missing from it).
	Identity    float64 `json:"identity"`
	Substituted int     `json:"substituted"`
	Inserted    int     `json:"inserted"`
	Deleted     int     `json:"deleted"`
	Boilerplate bool    `json:"boilerplate,omitempty"`
}

// decide turns a detector result into a verdict, as "neardup dedup" does:
// the most similar match at the Jaccard threshold, otherwise the first
// containing match at the containment threshold.
func decide(res *neardup.Result, opt neardup.Options) verdict {
	if m, ok := res.Duplicate(opt.Threshold); ok {
		return verdict{Duplicate: true, Of: m.ID, Jaccard: m.Jaccard, Containment: m.Contained, Reason: "duplicate"}
	}
	if c := opt.Containment; c > 0 {
		for _, m := range res.Matches {
			if m.Contained >= c {
				return verdict{Duplicate: true, Of: m.ID, Jaccard: m.Jaccard, Containment: m.Contained, Reason: "contained"}
			}
		}
	}
	return verdict{}
}

// add adds (or with dry, queries) one validated document.
func (s *Server) add(ctx context.Context, det *neardup.Detector, arts *articles, d *Document, t time.Time, dry bool) (Verdict, int, error) {
	if err := ctx.Err(); err != nil {
		return Verdict{}, http.StatusServiceUnavailable, err
	}
	text := []byte(d.Text)
	h := xxhash.Sum64(text)
	if dry {
		res, err := det.QuerySigned(det.Sign(text))
		if err != nil {
			return Verdict{}, statusOf(err), err
		}
		v := decide(&res, s.opt)
		return s.verdictJSON(arts, d.ID, text, &res, v, t, "", false, true), 0, nil
	}
	stored, busy := arts.reserve(d.ID)
	switch {
	case busy:
		return Verdict{}, http.StatusConflict, fmt.Errorf("document %q is being added by another request", d.ID)
	case stored != nil && stored.hash != h:
		return Verdict{}, http.StatusConflict, fmt.Errorf("document %q is already held with another text (delete it first)", d.ID)
	case stored != nil:
		res := det.Query(text)
		out := s.verdictJSON(arts, d.ID, text, &res, stored.Verdict, stored.Time, d.ID, true, false)
		return out, 0, nil
	}
	res, err := det.AddAt(d.ID, text, t)
	if errors.Is(err, neardup.ErrDuplicateID) {
		// In the index but not in the article log: added by a request
		// that never completed. Its answer was never given, so it is
		// replaced.
		if err = det.Remove(d.ID); err == nil {
			res, err = det.AddAt(d.ID, text, t)
		}
	}
	if err != nil {
		arts.release(d.ID)
		return Verdict{}, statusOf(err), err
	}
	v := decide(&res, s.opt)
	ar := &article{ID: d.ID, Time: t.UTC(), Added: s.cfg.Now().UTC(), Verdict: v, hash: h}
	if err := arts.add(ar, text); err != nil {
		return Verdict{}, http.StatusInternalServerError, err
	}
	s.added.Add(1)
	s.metrics.verdict(v.Duplicate)
	return s.verdictJSON(arts, d.ID, text, &res, v, t, d.ID, false, false), 0, nil
}

// statusOf is the HTTP status of an error of the detector: 413 for a
// document over its word limit, 500 otherwise.
func statusOf(err error) int {
	if errors.Is(err, neardup.ErrTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// syncAll makes every document added so far durable, index first.
func syncAll(det *neardup.Detector, arts *articles) error {
	var wg sync.WaitGroup
	var derr error
	wg.Go(func() { derr = det.Sync() })
	aerr := arts.sync()
	wg.Wait()
	return errors.Join(derr, aerr)
}

// verdictJSON builds the answer for a document; self is its ID in the
// index ("" for a dry run), whose own matches are left out; added tells
// that res comes from adding it (its repeats then name it) rather than
// from a query.
func (s *Server) verdictJSON(arts *articles, id string, text []byte, res *neardup.Result, v verdict, t time.Time, self string, existing, dry bool) Verdict {
	out := Verdict{ID: id, Verdict: "new", Existing: existing, DryRun: dry, Time: t.UTC(),
		Matches: []MatchJSON{}, Passages: []PassageJSON{}}
	if v.Duplicate {
		out.Verdict, out.DuplicateOf, out.Reason = "duplicate", v.Of, v.Reason
		out.Jaccard, out.Containment = round(v.Jaccard), round(v.Containment)
	}
	for _, m := range res.Matches {
		if m.ID == self {
			continue
		}
		out.Matches = append(out.Matches, matchJSON(m))
	}
	out.Passages = passagesJSON(res.Passages, self, !existing && !dry)
	return out
}

// passagesJSON converts passages. With added, ps comes from the Add of
// self, whose repeats name self; otherwise from a Query, whose repeats
// name "", and a passage with self (the held copy of the text queried) is
// left out.
func passagesJSON(ps []neardup.Passage, self string, added bool) []PassageJSON {
	out := []PassageJSON{}
	for _, p := range ps {
		repeat := p.OtherID == "" || (added && p.OtherID == self)
		if !repeat && p.OtherID == self {
			continue
		}
		j := passageJSON(p)
		j.Repeat = repeat
		if repeat {
			j.OtherID = self
		}
		out = append(out, j)
	}
	return out
}

func matchJSON(m neardup.Match) MatchJSON {
	return MatchJSON{ID: m.ID, Jaccard: round(m.Jaccard), Contained: round(m.Contained), Contains: round(m.Contains), Exact: m.Exact}
}

// passageJSON converts p, with the identity and edit counts of the
// detector's alignment of the two copies.
func passageJSON(p neardup.Passage) PassageJSON {
	return PassageJSON{Start: p.Start, End: p.End, OtherID: p.OtherID, OtherStart: p.OtherStart, OtherEnd: p.OtherEnd,
		Words: p.Words, Boilerplate: p.Boilerplate, Identity: round(p.Identity),
		Substituted: p.Substituted, Inserted: p.Inserted, Deleted: p.Deleted}
}

func round(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }
