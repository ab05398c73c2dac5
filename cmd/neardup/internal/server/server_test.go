package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neardup/neardup"
)

// seedDir holds the five seed articles of the project.
var seedDir = filepath.Join("..", "..", "..", "..", "testdata", "seeds")

// seeds returns the seed articles as documents "000" to "004".
func seeds(t testing.TB) []Document {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if err != nil || len(names) != 5 {
		t.Fatalf("seed articles: %v %v", names, err)
	}
	var docs []Document
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, Document{ID: filepath.Base(n)[:3], Text: string(b), Date: "2026-01-02T10:00:00Z"})
	}
	return docs
}

// testOptions are the options of "neardup serve"'s default index.
func testOptions() neardup.Options {
	return neardup.Options{KeepShingles: true, Passages: true, Durability: neardup.SyncBatch}
}

type testServer struct {
	t   testing.TB
	s   *Server
	det *neardup.Detector
	dir string
	h   http.Handler
	tok string
}

// newTestServer opens a server on dir (a new one when empty).
func newTestServer(t testing.TB, dir string, cfg Config) *testServer {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	det, err := neardup.Open(dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg)
	if err := s.Attach(det, dir); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, s: s, det: det, dir: dir, h: s.Handler(), tok: cfg.Token}
	t.Cleanup(ts.close)
	return ts
}

func (ts *testServer) close() {
	if ts.s == nil {
		return
	}
	if err := ts.s.Close(); err != nil {
		ts.t.Error(err)
	}
	if err := ts.det.Close(); err != nil {
		ts.t.Error(err)
	}
	ts.s = nil
}

// do serves one request and returns the status and body.
func (ts *testServer) do(method, target, body string) (int, []byte) {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if ts.tok != "" {
		r.Header.Set("Authorization", "Bearer "+ts.tok)
	}
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// post posts docs as a JSON array and decodes the results.
func (ts *testServer) post(target string, docs ...Document) (int, []json.RawMessage) {
	ts.t.Helper()
	b, _ := json.Marshal(docs)
	code, body := ts.do("POST", target, string(b))
	var out struct{ Results []json.RawMessage }
	if err := json.Unmarshal(body, &out); err != nil {
		ts.t.Fatalf("POST %s: %d %s", target, code, body)
	}
	return code, out.Results
}

func verdictOf(t testing.TB, raw json.RawMessage) Verdict {
	t.Helper()
	var v Verdict
	if err := json.Unmarshal(raw, &v); err != nil || v.Verdict == "" {
		t.Fatalf("not a verdict: %s", raw)
	}
	return v
}

func wantError(t testing.TB, code int, body []byte, status int, substr string) {
	t.Helper()
	var e errorJSON
	if err := json.Unmarshal(body, &e); err != nil || code != status || e.Status != status || !strings.Contains(e.Error, substr) {
		t.Errorf("got %d %s, want %d with a JSON error containing %q", code, body, status, substr)
	}
}

// findPassage returns the passage of v at [start, end), if any.
func findPassage(v Verdict, start, end int) (PassageJSON, bool) {
	for _, p := range v.Passages {
		if p.Start == start && p.End == end {
			return p, true
		}
	}
	return PassageJSON{}, false
}

// TestSeeds posts the seed articles: all are new; article 001 repeats its
// body (bytes 182–4888 again at 4902–9589, with 3 words dropped) and
// shares the Blinken quote with 000 (its bytes 200–282 at 9569–9651).
func TestSeeds(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	code, res := ts.post("/v1/documents", seeds(t)...)
	if code != 200 || len(res) != 5 {
		t.Fatalf("%d %d results", code, len(res))
	}
	for _, r := range res {
		if v := verdictOf(t, r); v.Verdict != "new" || len(v.Matches) != 0 {
			t.Errorf("%s: %s", v.ID, r)
		}
	}
	v := verdictOf(t, res[1])
	body, ok := findPassage(v, 4902, 9589)
	if !ok || !body.Repeat || body.OtherID != "001" || body.OtherStart != 182 || body.OtherEnd != 4888 || body.Words != 737 ||
		body.Deleted != 3 || body.Inserted != 0 || body.Substituted != 0 || body.Identity != round(734.0/737) {
		t.Errorf("doubled body of 001: %+v (found %v)", body, ok)
	}
	quote, ok := findPassage(v, 9569, 9651)
	if !ok || quote.Repeat || quote.OtherID != "000" || quote.OtherStart != 200 || quote.OtherEnd != 282 || quote.Words != 11 || quote.Identity != 1 {
		t.Errorf("Blinken quote of 000 in 001: %+v (found %v)", quote, ok)
	}
	seed := seeds(t)
	if got := seed[1].Text[9569:9651]; !strings.HasPrefix(got, "Les États-Unis sont profondément préoccupés") {
		t.Errorf("001[9569:9651] = %q", got)
	}
	for _, r := range res {
		v := verdictOf(t, r)
		for _, p := range v.Passages {
			checkPassage(t, seed, v.ID, p)
		}
	}

	// A reprint of 000 with a changed last sentence is its duplicate.
	edited := seed[0]
	edited.ID, edited.Text = "000-reprint", strings.TrimSpace(edited.Text)+" Selon l'AFP, les combats ont repris dimanche."
	code, res = ts.post("/v1/documents", edited)
	v = verdictOf(t, res[0])
	if code != 200 || v.Verdict != "duplicate" || v.DuplicateOf != "000" || v.Reason != "duplicate" || v.Jaccard < 0.9 || v.Matches[0].ID != "000" {
		t.Fatalf("reprint: %d %s", code, res[0])
	}
}

// checkPassage checks that a passage's ranges are in bounds, on UTF-8
// boundaries, and its counts consistent.
func checkPassage(t *testing.T, docs []Document, id string, p PassageJSON) {
	t.Helper()
	text := func(id string) string {
		for _, d := range docs {
			if d.ID == id {
				return d.Text
			}
		}
		t.Fatalf("no document %q", id)
		return ""
	}
	a, b := text(id), text(p.OtherID)
	if p.Start < 0 || p.Start >= p.End || p.End > len(a) || p.OtherStart < 0 || p.OtherStart >= p.OtherEnd || p.OtherEnd > len(b) {
		t.Fatalf("%s: passage out of bounds: %+v", id, p)
	}
	if p.Identity < 0 || p.Identity > 1 {
		t.Errorf("%s: identity %v", id, p.Identity)
	}
	if p.Repeat && p.OtherEnd > p.Start {
		t.Errorf("%s: repeat whose first copy does not come first: %+v", id, p)
	}
}

func TestRetryAndConflict(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	docs := seeds(t)
	ts.post("/v1/documents", docs[:2]...)
	// The same document again: its stored verdict, nothing added.
	code, res := ts.post("/v1/documents", docs[1])
	if v := verdictOf(t, res[0]); code != 200 || !v.Existing || v.Verdict != "new" || len(v.Passages) == 0 {
		t.Errorf("retry: %d %s", code, res[0])
	}
	if n := ts.det.Len(); n != 2 {
		t.Errorf("%d documents after a retry, want 2", n)
	}
	// The same ID with another text: a 409 item; the others are added.
	other := Document{ID: "001", Text: "Un tout autre texte."}
	code, res = ts.post("/v1/documents", docs[2], other)
	if code != http.StatusConflict || len(res) != 2 {
		t.Fatalf("conflict: %d %s", code, res)
	}
	verdictOf(t, res[0])
	var e itemError
	if json.Unmarshal(res[1], &e); e.ID != "001" || e.Status != 409 || !strings.Contains(e.Error, "another text") {
		t.Errorf("conflict item: %s", res[1])
	}
	// Two copies of one ID in a batch: 400, nothing added.
	b, _ := json.Marshal([]Document{docs[3], docs[3]})
	code, body := ts.do("POST", "/v1/documents", string(b))
	wantError(t, code, body, 400, "same id")
	if ts.det.Len() != 3 || ts.s.arts.len() != 3 {
		t.Errorf("%d indexed, %d held, want 3", ts.det.Len(), ts.s.arts.len())
	}
}

// TestConcurrentSameID: of many requests adding one ID at once, every
// answer is the one verdict, and the document is added once.
func TestConcurrentSameID(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	d := seeds(t)[0]
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Go(func() { codes[i], _ = ts.post("/v1/documents", d) })
	}
	wg.Wait()
	for _, c := range codes {
		if c != 200 && c != 409 {
			t.Errorf("status %d", c)
		}
	}
	if ts.det.Len() != 1 || ts.s.arts.len() != 1 || ts.s.added.Load() != 1 {
		t.Errorf("%d indexed, %d held, %d added", ts.det.Len(), ts.s.arts.len(), ts.s.added.Load())
	}
}

func TestBadRequests(t *testing.T) {
	ts := newTestServer(t, "", Config{MaxBytes: 2000})
	for _, c := range []struct{ body, want string }{
		{``, "empty body"},
		{`{"id":"a","text":`, "malformed JSON"},
		{`[{"id":"a","text":"x"},]`, "malformed JSON array"},
		{`{"id":"a","text":5}`, "malformed JSON"},
		{`{"text":"no id"}`, "has no id"},
		{`{"id":"a","text":"x","date":"yesterday"}`, "RFC 3339"},
		{`[]`, "no document"},
		{"{\"id\":\"a\",\"text\":\"\xff\"}", "UTF-8"},
		{`{"id":"` + strings.Repeat("i", MaxIDBytes+1) + `","text":"x"}`, "id longer"},
	} {
		code, body := ts.do("POST", "/v1/documents", c.body)
		wantError(t, code, body, 400, c.want)
	}
	code, body := ts.do("POST", "/v1/documents", `{"id":"big","text":"`+strings.Repeat("mot ", 600)+`"}`)
	wantError(t, code, body, 413, "over 2000 bytes")
	for _, target := range []string{"/v1/documents/nope", "/v1/documents/nope/matches"} {
		code, body = ts.do("GET", target, "")
		wantError(t, code, body, 404, `unknown document "nope"`)
	}
	code, body = ts.do("DELETE", "/v1/documents/nope", "")
	wantError(t, code, body, 404, "unknown document")
	code, body = ts.do("GET", "/v1/nothing", "")
	wantError(t, code, body, 404, "not found")
	code, body = ts.do("PUT", "/v1/documents", "")
	wantError(t, code, body, 405, "method not allowed")
	for _, q := range []string{"/v1/documents?limit=0", "/v1/documents?before=x", "/v1/clusters?since=later", "/v1/clusters?limit=5000"} {
		code, body = ts.do("GET", q, "")
		wantError(t, code, body, 400, "")
	}
	if ts.det.Len() != 0 || ts.s.arts.len() != 0 {
		t.Errorf("bad requests added documents")
	}
}

func TestDocumentsEndpoints(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	docs := seeds(t)
	ts.post("/v1/documents", docs...)
	dup := Document{ID: "dup", Text: docs[2].Text + " Fin."}
	ts.post("/v1/documents", dup)

	code, body := ts.do("GET", "/v1/documents/001", "")
	var d documentJSON
	if json.Unmarshal(body, &d); code != 200 || d.ID != "001" || d.Text != docs[1].Text || d.Verdict != "new" || !d.Indexed || d.Bytes != len(docs[1].Text) {
		t.Errorf("GET 001: %d %.200s", code, body)
	}
	code, body = ts.do("GET", "/v1/documents/dup", "")
	if json.Unmarshal(body, &d); code != 200 || d.Verdict != "duplicate" || d.DuplicateOf != "002" {
		t.Errorf("GET dup: %d %.300s", code, body)
	}
	// Matches are those held now: 002 now matches dup, added after it.
	code, body = ts.do("GET", "/v1/documents/002/matches", "")
	var m matchesJSON
	if json.Unmarshal(body, &m); code != 200 || len(m.Matches) != 1 || m.Matches[0].ID != "dup" {
		t.Errorf("matches of 002: %d %s", code, body)
	}
	code, body = ts.do("GET", "/v1/documents/000/matches", "")
	if json.Unmarshal(body, &m); code != 200 || !slices.ContainsFunc(m.Passages, func(p PassageJSON) bool {
		return p.OtherID == "001" && p.Start == 200 && p.End == 282 && p.OtherStart == 9569
	}) {
		t.Errorf("matches of 000 lack the quote in 001: %s", body)
	}
	// Listing, newest first, paged.
	code, body = ts.do("GET", "/v1/documents?limit=4", "")
	var l listJSON
	if json.Unmarshal(body, &l); code != 200 || l.Total != 6 || len(l.Documents) != 4 || l.Documents[0].ID != "dup" || l.Next == nil {
		t.Fatalf("list: %s", body)
	}
	_, body = ts.do("GET", fmt.Sprintf("/v1/documents?limit=4&before=%d", *l.Next), "")
	l = listJSON{}
	if json.Unmarshal(body, &l); len(l.Documents) != 2 || l.Documents[1].ID != "000" || l.Next != nil {
		t.Errorf("second page: %s", body)
	}
	// Clusters.
	code, body = ts.do("GET", "/v1/clusters?since=2026-01-01T00:00:00Z", "")
	var c clustersJSON
	if json.Unmarshal(body, &c); code != 200 || c.Total != 1 || c.Clusters[0].Representative != "002" || !slices.Equal(c.Clusters[0].Members, []string{"002", "dup"}) {
		t.Errorf("clusters: %s", body)
	}
	_, body = ts.do("GET", "/v1/clusters?since=2030-01-01T00:00:00Z", "")
	if json.Unmarshal(body, &c); c.Total != 0 || c.Clusters == nil {
		t.Errorf("clusters since 2030: %s", body)
	}
	// Dry run: the verdict, nothing added.
	code, res := ts.post("/v1/documents?dry_run=1", Document{ID: "probe", Text: docs[2].Text})
	if v := verdictOf(t, res[0]); code != 200 || !v.DryRun || v.DuplicateOf != "002" || v.Jaccard != 1 || ts.s.arts.get("probe") != nil || ts.det.Contains("probe") {
		t.Errorf("dry run: %s", res[0])
	}
	// Delete.
	code, _ = ts.do("DELETE", "/v1/documents/dup", "")
	if code != 204 || ts.det.Contains("dup") || ts.s.arts.get("dup") != nil {
		t.Errorf("delete: %d", code)
	}
	code, body = ts.do("GET", "/v1/stats", "")
	var st statsJSON
	if json.Unmarshal(body, &st); code != 200 || st.Documents != 5 || st.Articles != 5 || st.Added != 6 || st.Deleted != 1 || st.Evicted != 0 || !st.Passages {
		t.Errorf("stats: %s", body)
	}
	code, body = ts.do("GET", "/metrics", "")
	for _, want := range []string{"neardup_index_documents 5", `neardup_documents_added_total{verdict="duplicate"} 1`,
		`neardup_http_requests_total{code="204",route="DELETE /v1/documents/{id}"} 1`, "neardup_http_request_duration_seconds_bucket", "neardup_snapshot_age_seconds -1", "go_goroutines"} {
		if code != 200 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestRestart: what was acknowledged is there after the server is closed
// and opened again, deletions included; a document of the article log that
// the index lost is added to it again.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	ts := newTestServer(t, dir, Config{})
	docs := seeds(t)
	ts.post("/v1/documents", docs...)
	ts.do("DELETE", "/v1/documents/003", "")
	ts.close()

	ts = newTestServer(t, dir, Config{})
	if ts.det.Len() != 4 || ts.s.arts.len() != 4 || ts.s.arts.get("003") != nil {
		t.Fatalf("after restart: %d indexed, %d held", ts.det.Len(), ts.s.arts.len())
	}
	code, body := ts.do("GET", "/v1/documents/004", "")
	var d documentJSON
	if json.Unmarshal(body, &d); code != 200 || d.Text != docs[4].Text || !d.Time.Equal(time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("004 after restart: %d %.200s", code, body)
	}
	ts.close()

	// The index loses everything (as a machine crash before its log was
	// synced could): the article log restores it.
	for _, f := range []string{neardup.LogFile, neardup.SnapshotFile} {
		os.Remove(filepath.Join(dir, f))
	}
	ts = newTestServer(t, dir, Config{})
	if ts.det.Len() != 4 {
		t.Fatalf("index rebuilt with %d documents, want 4", ts.det.Len())
	}
	code, res := ts.post("/v1/documents?dry_run=1", Document{ID: "q", Text: docs[1].Text})
	if v := verdictOf(t, res[0]); code != 200 || v.DuplicateOf != "001" {
		t.Errorf("rebuilt index: %s", res[0])
	}
}

// TestDamagedArticleLog: a torn tail is dropped, damage in the middle is
// an error that names the file, and a log of another format is refused.
func TestDamagedArticleLog(t *testing.T) {
	dir := t.TempDir()
	ts := newTestServer(t, dir, Config{})
	ts.post("/v1/documents", seeds(t)...)
	ts.close()
	path := filepath.Join(dir, ArticlesFile)
	data, _ := os.ReadFile(path)

	os.WriteFile(path, data[:len(data)-100], 0o644)
	ts = newTestServer(t, dir, Config{})
	if ts.s.arts.len() != 4 {
		t.Errorf("torn tail: %d articles, want 4", ts.s.arts.len())
	}
	ts.close()

	bad := slices.Clone(data)
	bad[len(bad)/2] ^= 0xff
	os.WriteFile(path, bad, 0o644)
	det, err := neardup.Open(dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer det.Close()
	if err := New(Config{}).Attach(det, dir); err == nil || !strings.Contains(err.Error(), ArticlesFile) || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("damaged log: %v", err)
	}
	os.WriteFile(path, []byte("not a log at all"), 0o644)
	if err := New(Config{}).Attach(det, dir); err == nil {
		t.Error("a file of another format was read")
	}
}

func TestToken(t *testing.T) {
	ts := newTestServer(t, "", Config{Token: "s3cret"})
	req := func(target, auth string, cookie *http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		ts.h.ServeHTTP(w, r)
		return w
	}
	for _, auth := range []string{"", "Bearer wrong", "s3cret", "Basic czNjcmV0"} {
		for _, target := range []string{"/v1/stats", "/", "/metrics", "/v1/openapi.json"} {
			w := req(target, auth, nil)
			wantError(t, w.Code, w.Body.Bytes(), 401, "token")
		}
	}
	if w := req("/v1/stats", "Bearer s3cret", nil); w.Code != 200 {
		t.Errorf("right token: %d", w.Code)
	}
	for _, open := range []string{"/healthz", "/readyz"} {
		if w := req(open, "", nil); w.Code != 200 {
			t.Errorf("%s without a token: %d", open, w.Code)
		}
	}
	// A page opened with ?token= sets the cookie, which then suffices.
	w := req("/?token=s3cret", "", nil)
	cookies := w.Result().Cookies()
	if w.Code != 200 || len(cookies) != 1 || cookies[0].Name != tokenCookie || !cookies[0].HttpOnly {
		t.Fatalf("?token=: %d %v", w.Code, cookies)
	}
	if w := req("/clusters", "", cookies[0]); w.Code != 200 {
		t.Errorf("with the cookie: %d", w.Code)
	}
	if w := req("/clusters", "", &http.Cookie{Name: tokenCookie, Value: "wrong"}); w.Code != 401 {
		t.Errorf("with a wrong cookie: %d", w.Code)
	}
}

func TestNotReady(t *testing.T) {
	s := New(Config{})
	h := s.Handler()
	for target, want := range map[string]int{"/healthz": 200, "/readyz": 503, "/v1/stats": 503, "/": 503, "/metrics": 200} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != want {
			t.Errorf("%s before Attach: %d, want %d", target, w.Code, want)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/v1/documents", strings.NewReader(`{"id":"a","text":"b"}`)))
	wantError(t, w.Code, w.Body.Bytes(), 503, "not loaded")
}

// TestInFlightCap: requests beyond the cap get 503 with Retry-After.
func TestInFlightCap(t *testing.T) {
	ts := newTestServer(t, "", Config{MaxInFlight: 1})
	ts.s.sem <- struct{}{} // one request in flight
	code, body := ts.do("GET", "/v1/stats", "")
	wantError(t, code, body, 503, "in flight")
	<-ts.s.sem
	if code, _ := ts.do("GET", "/v1/stats", ""); code != 200 {
		t.Errorf("after the request ended: %d", code)
	}
}

// hostile is text and an ID that break out of every HTML context.
const hostile = `<script>alert("x")</script>'"&</textarea><img src=x onerror=alert(1)>`

// TestPagesEscape: IDs and texts are escaped on every page.
func TestPagesEscape(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	docs := seeds(t)
	a := Document{ID: "a" + hostile, Text: docs[0].Text + "\n" + hostile}
	b := Document{ID: "b" + hostile, Text: hostile + "\n" + docs[0].Text}
	if code, res := ts.post("/v1/documents", a, b); code != 200 {
		t.Fatalf("%d %s", code, res)
	}
	for _, target := range []string{"/", "/clusters", "/doc/" + pathEscape(a.ID), "/pair/" + pathEscape(a.ID) + "/" + pathEscape(b.ID), "/doc/" + pathEscape("<script>nope")} {
		code, body := ts.do("GET", target, "")
		if code != 200 && code != 404 {
			t.Errorf("%s: %d", target, code)
		}
		for _, raw := range []string{"<script>", "<img", "</textarea>", `"x")`} {
			if bytes.Contains(body, []byte(raw)) {
				t.Errorf("%s holds %q unescaped", target, raw)
			}
		}
		if !bytes.Contains(body, []byte("&lt;script&gt;")) {
			t.Errorf("%s does not show the escaped text", target)
		}
	}
}

func pathEscape(s string) string { return url.PathEscape(s) }

// TestPairPage: the 000/001 view marks the shared quote in both columns,
// and 001's doubled body as a repeat.
func TestPairPage(t *testing.T) {
	ts := newTestServer(t, "", Config{})
	ts.post("/v1/documents", seeds(t)...)
	code, body := ts.do("GET", "/pair/000/001", "")
	if code != 200 {
		t.Fatalf("%d", code)
	}
	page := string(body)
	colA, colB, ok := strings.Cut(page[strings.Index(page, `id="col-a"`):], `id="col-b"`)
	if !ok {
		t.Fatal("no two columns")
	}
	if !strings.Contains(colA, `<a class="anchor" id="a-p1"></a><mark class="passage" data-target="b-p1"`) ||
		!strings.Contains(colA, "Les États-Unis sont profondément préoccupés par les informations faisant état</mark>") {
		t.Errorf("column of 000 lacks the marked quote")
	}
	if !strings.Contains(colB, `id="b-p1"`) || !strings.Contains(colB, `class="passage repeat" data-target="a-p1"`) {
		t.Errorf("column of 001 lacks the marked quote")
	}
	if !strings.Contains(colB, `<mark class="repeat" data-target="b-r3o" title="repeat 3: 737 words, also at bytes 182–4888">`) {
		t.Errorf("column of 001 lacks its doubled body")
	}
	if strings.Contains(colA, `class="repeat`) {
		t.Errorf("000 has no repeat")
	}
	// The page of 000 lists 001 among the articles it shares passages
	// with, by the quote's 11 words.
	_, body = ts.do("GET", "/doc/000", "")
	if !strings.Contains(string(body), `<li><a href="/pair/000/001">001</a>: 11 words</li>`) {
		t.Errorf("page of 000 lacks the passage shared with 001")
	}
}

func TestSegments(t *testing.T) {
	text := []byte("abcdefghij")
	got := segments(text, []mark{{Span{2, 6}, "passage", "p1", "q1", ""}, {Span{4, 8}, "repeat", "r1", "", ""}, {Span{5, 5}, "edit", "", "", ""}})
	var b strings.Builder
	for _, s := range got {
		fmt.Fprintf(&b, "[%s|%s|%v|%s]", s.Text, s.Class, s.Anchors, s.Target)
	}
	want := "[ab||[]|][cd|passage|[p1]|q1][e|passage repeat|[r1]|q1][f|passage repeat|[]|q1][gh|repeat|[]|][ij||[]|]"
	if b.String() != want {
		t.Errorf("segments:\n got %s\nwant %s", b.String(), want)
	}
}

// TestTooManyWords posts a document over the detector's MaxWords: a 413
// with a JSON error, for a dry run too, and nothing held.
func TestTooManyWords(t *testing.T) {
	dir := t.TempDir()
	opt := testOptions()
	opt.MaxWords = 50
	det, err := neardup.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{})
	if err := s.Attach(det, dir); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, s: s, det: det, dir: dir, h: s.Handler()}
	t.Cleanup(ts.close)
	body := `{"id":"long","text":"` + strings.Repeat("mot ", 60) + `"}`
	for _, target := range []string{"/v1/documents", "/v1/documents?dry_run=1"} {
		code, got := ts.do("POST", target, body)
		if code != 413 || !strings.Contains(string(got), `"error":"neardup: document too large: 60 words, more than 50","status":413`) {
			t.Errorf("%s: got %d %s", target, code, got)
		}
	}
	if det.Len() != 0 || s.arts.len() != 0 {
		t.Errorf("%d indexed, %d held after refusals", det.Len(), s.arts.len())
	}
	if code, got := ts.do("POST", "/v1/documents", `{"id":"long","text":"un texte court"}`); code != 200 {
		t.Errorf("the refused ID then: %d %s", code, got)
	}
}
