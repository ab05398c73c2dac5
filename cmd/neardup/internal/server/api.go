package server

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/neardup/neardup"
)

// MaxIDBytes is the longest document ID accepted.
const MaxIDBytes = 1024

// tokenCookie is the cookie that carries the token for the pages.
const tokenCookie = "neardup_token"

func (s *Server) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		s.apiRoutes = append(s.apiRoutes, pattern)
		m.Handle(pattern, s.metrics.wrap(pattern, h))
	}
	api := func(pattern string, h http.HandlerFunc) {
		s.apiRoutes = append(s.apiRoutes, pattern)
		m.Handle(pattern, s.metrics.wrap(pattern, s.guard(h)))
	}
	open("GET /healthz", s.healthz)
	open("GET /readyz", s.readyz)
	api("GET /metrics", s.metrics.serve)
	api("GET /v1/openapi.json", s.openapi)
	api("POST /v1/documents", s.postDocuments)
	api("GET /v1/documents", s.listDocuments)
	api("GET /v1/documents/{id}", s.getDocument)
	api("GET /v1/documents/{id}/matches", s.getMatches)
	api("DELETE /v1/documents/{id}", s.deleteDocument)
	api("GET /v1/clusters", s.getClusters)
	api("GET /v1/stats", s.getStats)
	s.pageRoutes(func(pattern string, h http.HandlerFunc) {
		m.Handle(pattern, s.metrics.wrap(pattern, s.guard(h)))
	})
	s.mux = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := m.Handler(r)
		if pattern != "" {
			m.ServeHTTP(w, r)
			return
		}
		// No route: the mux's own answer (404, or 405 with Allow), as JSON.
		c := &codeOnly{header: w.Header()}
		h.ServeHTTP(c, r)
		w.Header().Del("Content-Type")
		writeError(w, c.code, "%s %s: %s", r.Method, r.URL.Path, strings.ToLower(http.StatusText(c.code)))
	})
}

// codeOnly is a ResponseWriter that keeps the status and drops the body.
type codeOnly struct {
	header http.Header
	code   int
}

func (c *codeOnly) Header() http.Header { return c.header }
func (c *codeOnly) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return len(b), nil
}
func (c *codeOnly) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
}

// guard checks the token and the cap on requests in flight.
func (s *Server) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token != "" && !s.authorized(w, r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="neardup"`)
			writeError(w, http.StatusUnauthorized, "missing or invalid token")
			return
		}
		select {
		case s.sem <- struct{}{}:
			defer func() { <-s.sem }()
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "too many requests in flight (-max-inflight %d)", s.cfg.MaxInFlight)
			return
		}
		h(w, r)
	}
}

// authorized tells whether r carries the token, as a bearer token, as the
// cookie, or as ?token= on a page (which then sets the cookie).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	eq := func(got string) bool { return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1 }
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		return ok && eq(tok)
	}
	if c, err := r.Cookie(tokenCookie); err == nil && eq(c.Value) {
		return true
	}
	if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && eq(q) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: q, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

// errorJSON is the body of every error answer.
type errorJSON struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, errorJSON{Error: fmt.Sprintf(format, args...), Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed","status":500}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// stateOr503 returns the detector and article log, or answers 503.
func (s *Server) stateOr503(w http.ResponseWriter) (*neardup.Detector, *articles, bool) {
	det, arts, err := s.state()
	if err != nil {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "%v", err)
		return nil, nil, false
	}
	return det, arts, true
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeError(w, http.StatusServiceUnavailable, "loading the index")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// readDocuments decodes a body holding one document, a JSON array of
// them, or JSON Lines.
func readDocuments(body []byte) ([]Document, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty body: send a document, a JSON array of documents, or JSON Lines")
	}
	if !utf8.Valid(body) {
		return nil, errors.New("the body is not valid UTF-8")
	}
	var docs []Document
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &docs); err != nil {
			return nil, fmt.Errorf("malformed JSON array: %w", err)
		}
		return docs, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	for {
		var d Document
		err := dec.Decode(&d)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed JSON in document %d: %w", len(docs)+1, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// itemError is the answer for a document of a batch that failed.
type itemError struct {
	ID     string `json:"id"`
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// batchJSON is the answer of POST /v1/documents.
type batchJSON struct {
	// Results holds a Verdict, or an itemError, per document in order.
	Results []any `json:"results"`
}

func (s *Server) postDocuments(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.stateOr503(w)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, "request body over %d bytes (-max-bytes)", tooBig.Limit)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body: %v", err)
		return
	}
	docs, err := readDocuments(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if len(docs) == 0 {
		writeError(w, http.StatusBadRequest, "no document in the body")
		return
	}
	dry := r.URL.Query().Get("dry_run")
	isDry := dry == "1" || dry == "true"
	now := s.cfg.Now()
	times := make([]time.Time, len(docs))
	seen := make(map[string]int, len(docs))
	for i, d := range docs {
		switch {
		case d.ID == "":
			writeError(w, http.StatusBadRequest, "document %d has no id", i+1)
			return
		case len(d.ID) > MaxIDBytes:
			writeError(w, http.StatusBadRequest, "document %d: id longer than %d bytes", i+1, MaxIDBytes)
			return
		}
		if j, dup := seen[d.ID]; dup && !isDry {
			writeError(w, http.StatusBadRequest, "documents %d and %d have the same id %q", j+1, i+1, d.ID)
			return
		}
		seen[d.ID] = i
		times[i] = now
		if d.Date != "" {
			t, err := time.Parse(time.RFC3339, d.Date)
			if err != nil {
				writeError(w, http.StatusBadRequest, "document %q: date %q is not RFC 3339 (2006-01-02T15:04:05Z)", d.ID, d.Date)
				return
			}
			times[i] = t
		}
	}
	out := batchJSON{Results: make([]any, 0, len(docs))}
	status := http.StatusOK
	for i := range docs {
		v, code, err := s.add(r.Context(), det, arts, &docs[i], times[i], isDry)
		if err != nil {
			out.Results = append(out.Results, itemError{ID: docs[i].ID, Error: err.Error(), Status: code})
			if status == http.StatusOK {
				status = code
			}
			continue
		}
		out.Results = append(out.Results, v)
	}
	if !isDry {
		if err := syncAll(det, arts); err != nil {
			writeError(w, http.StatusInternalServerError, "making the documents durable: %v", err)
			return
		}
	}
	writeJSON(w, status, out)
}

// documentJSON is the answer of GET /v1/documents/{id}.
type documentJSON struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Added       time.Time `json:"added"`
	Verdict     string    `json:"verdict"`
	DuplicateOf string    `json:"duplicate_of,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Jaccard     float64   `json:"jaccard,omitempty"`
	Containment float64   `json:"containment,omitempty"`
	// Indexed is false once the document has left the index's window: it
	// is still shown, but no longer matched.
	Indexed bool   `json:"indexed"`
	Bytes   int    `json:"bytes"`
	Text    string `json:"text,omitempty"`
}

func docJSON(ar *article, det *neardup.Detector) documentJSON {
	j := documentJSON{ID: ar.ID, Time: ar.Time, Added: ar.Added, Verdict: "new", Indexed: det.Contains(ar.ID), Bytes: ar.n}
	if ar.Verdict.Duplicate {
		j.Verdict, j.DuplicateOf, j.Reason = "duplicate", ar.Verdict.Of, ar.Verdict.Reason
		j.Jaccard, j.Containment = round(ar.Verdict.Jaccard), round(ar.Verdict.Containment)
	}
	return j
}

// lookup returns the article named by the path's {id}, or answers 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*neardup.Detector, *articles, *article, bool) {
	det, arts, ok := s.stateOr503(w)
	if !ok {
		return nil, nil, nil, false
	}
	id := r.PathValue("id")
	ar := arts.get(id)
	if ar == nil {
		writeError(w, http.StatusNotFound, "unknown document %q", id)
		return nil, nil, nil, false
	}
	return det, arts, ar, true
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	det, arts, ar, ok := s.lookup(w, r)
	if !ok {
		return
	}
	j := docJSON(ar, det)
	text, err := arts.text(ar)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	j.Text = string(text)
	writeJSON(w, http.StatusOK, j)
}

// matchesJSON is the answer of GET /v1/documents/{id}/matches.
type matchesJSON struct {
	ID       string        `json:"id"`
	Matches  []MatchJSON   `json:"matches"`
	Passages []PassageJSON `json:"passages"`
}

// matchesOf queries the index with a held article's text: the documents
// held now (added before or after it) that it matches or shares passages
// with, and its repeats.
func (s *Server) matchesOf(det *neardup.Detector, arts *articles, ar *article) (matchesJSON, []byte, error) {
	text, err := arts.text(ar)
	if err != nil {
		return matchesJSON{}, nil, err
	}
	res := det.Query(text)
	v := s.verdictJSON(arts, ar.ID, text, &res, verdict{}, ar.Time, ar.ID, true, false)
	return matchesJSON{ID: ar.ID, Matches: v.Matches, Passages: v.Passages}, text, nil
}

func (s *Server) getMatches(w http.ResponseWriter, r *http.Request) {
	det, arts, ar, ok := s.lookup(w, r)
	if !ok {
		return
	}
	m, _, err := s.matchesOf(det, arts, ar)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) {
	det, arts, ar, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if err := det.Remove(ar.ID); err != nil && !errors.Is(err, neardup.ErrUnknownID) {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	if found, err := arts.delete(ar.ID); err != nil {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	} else if !found {
		writeError(w, http.StatusNotFound, "unknown document %q", ar.ID)
		return
	}
	if err := syncAll(det, arts); err != nil {
		writeError(w, http.StatusInternalServerError, "making the deletion durable: %v", err)
		return
	}
	s.removed.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

// listJSON is the answer of GET /v1/documents: a page of the documents
// held, newest first.
type listJSON struct {
	Documents []documentJSON `json:"documents"`
	// Next is the "before" of the next page, absent on the last one.
	Next *int `json:"next,omitempty"`
	// Total is the number of documents held.
	Total int `json:"total"`
}

// pageParams reads ?before= and ?limit= (default 50, at most 1000).
func pageParams(r *http.Request) (before, limit int, err error) {
	before, limit = -1, 50
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.Atoi(v); err != nil || before < 0 {
			return 0, 0, fmt.Errorf("before=%q is not a position", v)
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, fmt.Errorf("limit=%q is not in 1..1000", v)
		}
	}
	return before, limit, nil
}

func (s *Server) list(det *neardup.Detector, arts *articles, before, limit int) listJSON {
	page, next := arts.recent(before, limit)
	out := listJSON{Documents: make([]documentJSON, len(page)), Total: arts.len()}
	for i, ar := range page {
		out.Documents[i] = docJSON(ar, det)
	}
	if next >= 0 {
		out.Next = &next
	}
	return out
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.stateOr503(w)
	if !ok {
		return
	}
	before, limit, err := pageParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, s.list(det, arts, before, limit))
}

// clusterJSON is one cluster of near-duplicates.
type clusterJSON struct {
	Representative string     `json:"representative"`
	Members        []string   `json:"members"`
	Links          []linkJSON `json:"links"`
	// Latest is the time of its newest member.
	Latest time.Time `json:"latest"`
}

type linkJSON struct {
	A       string  `json:"a"`
	B       string  `json:"b"`
	Jaccard float64 `json:"jaccard"`
	Removed bool    `json:"removed,omitempty"`
}

// clustersJSON is the answer of GET /v1/clusters.
type clustersJSON struct {
	Clusters []clusterJSON `json:"clusters"`
	// Next is the "offset" of the next page, absent on the last one.
	Next  *int `json:"next,omitempty"`
	Total int  `json:"total"`
}

// clusters returns the clusters with a member whose time is at or after
// since, newest member first, from offset on.
func (s *Server) clusters(det *neardup.Detector, arts *articles, since time.Time, offset, limit int) clustersJSON {
	var all []clusterJSON
	for _, c := range det.Clusters() {
		var latest time.Time
		for _, id := range c.Members {
			if ar := arts.get(id); ar != nil && ar.Time.After(latest) {
				latest = ar.Time
			}
		}
		if latest.Before(since) {
			continue
		}
		cj := clusterJSON{Representative: c.Representative, Members: c.Members, Links: make([]linkJSON, len(c.Links)), Latest: latest}
		for i, l := range c.Links {
			cj.Links[i] = linkJSON{A: l.A, B: l.B, Jaccard: round(l.Jaccard), Removed: l.Removed}
		}
		all = append(all, cj)
	}
	slices.SortStableFunc(all, func(a, b clusterJSON) int { return b.Latest.Compare(a.Latest) })
	out := clustersJSON{Clusters: []clusterJSON{}, Total: len(all)}
	if offset < len(all) {
		out.Clusters = all[offset:min(len(all), offset+limit)]
	}
	if next := offset + limit; next < len(all) {
		out.Next = &next
	}
	return out
}

func (s *Server) getClusters(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.stateOr503(w)
	if !ok {
		return
	}
	q := r.URL.Query()
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if d, derr := time.ParseDuration(v); derr == nil && d >= 0 {
				t, err = s.cfg.Now().Add(-d), nil
			}
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "since=%q is neither an RFC 3339 time nor a duration such as 24h", v)
			return
		}
		since = t
	}
	offset, limit := 0, 100
	for name, p := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (name == "limit" && (n < 1 || n > 1000)) {
				writeError(w, http.StatusBadRequest, "%s=%q is out of range", name, v)
				return
			}
			*p = n
		}
	}
	writeJSON(w, http.StatusOK, s.clusters(det, arts, since, offset, limit))
}

// statsJSON is the answer of GET /v1/stats.
type statsJSON struct {
	Documents     int     `json:"documents"`
	Articles      int     `json:"articles"`
	Added         int64   `json:"added_since_start"`
	Deleted       int64   `json:"deleted_since_start"`
	Evicted       int64   `json:"evicted_since_start"`
	CappedBuckets uint64  `json:"capped_buckets"`
	Threshold     float64 `json:"threshold"`
	Containment   float64 `json:"containment"`
	Passages      bool    `json:"passages"`
	Window        string  `json:"window,omitempty"`
	IndexLogBytes int64   `json:"index_log_bytes"`
	SnapshotBytes int64   `json:"snapshot_bytes"`
	// SnapshotAge is the age of the index snapshot in seconds, -1 when
	// there is none.
	SnapshotAge float64      `json:"snapshot_age_seconds"`
	Recovery    recoveryJSON `json:"recovery"`
}

// recoveryJSON is what opening the index found.
type recoveryJSON struct {
	SnapshotDocs int   `json:"snapshot_docs"`
	LogRecords   int   `json:"log_records"`
	TornBytes    int64 `json:"torn_bytes"`
}

// evicted is the number of documents the window evicted since Attach.
func (s *Server) evicted(det *neardup.Detector) int64 {
	return int64(s.startDocs) + s.added.Load() - s.removed.Load() - int64(det.Len())
}

func fileInfo(dir, name string) (int64, time.Time, bool) {
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return 0, time.Time{}, false
	}
	return fi.Size(), fi.ModTime(), true
}

func (s *Server) snapshotAge() float64 {
	_, mt, ok := fileInfo(s.dir, neardup.SnapshotFile)
	if !ok {
		return -1
	}
	return s.cfg.Now().Sub(mt).Seconds()
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.stateOr503(w)
	if !ok {
		return
	}
	st := statsJSON{Documents: det.Len(), Articles: arts.len(), Added: s.added.Load(), Deleted: s.removed.Load(),
		Evicted: s.evicted(det), CappedBuckets: det.CappedBuckets(), Threshold: s.opt.Threshold,
		Containment: s.opt.Containment, Passages: s.opt.Passages, SnapshotAge: s.snapshotAge()}
	rec := det.Recovery()
	st.Recovery = recoveryJSON{rec.SnapshotDocs, rec.LogRecords, rec.TornBytes}
	if s.opt.Window > 0 {
		st.Window = s.opt.Window.String()
	}
	st.IndexLogBytes, _, _ = fileInfo(s.dir, neardup.LogFile)
	st.SnapshotBytes, _, _ = fileInfo(s.dir, neardup.SnapshotFile)
	writeJSON(w, http.StatusOK, st)
}
