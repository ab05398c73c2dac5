package server

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/neardup/neardup"
)

// The pages are rendered on the server with html/template, which escapes
// every text and ID for its context; the embedded script only scrolls
// between copies, so the pages work without it.
//
//go:embed ui
var uiFiles embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"pct":  func(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + " %" },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
	"esc":  url.PathEscape,
}).ParseFS(uiFiles, "ui/*.html"))

func (s *Server) pageRoutes(handle func(string, http.HandlerFunc)) {
	static, _ := fs.Sub(uiFiles, "ui")
	files := http.FileServerFS(static)
	handle("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		http.StripPrefix("/static/", files).ServeHTTP(w, r)
	})
	handle("GET /{$}", s.pageIndex)
	handle("GET /doc", s.pageSearch)
	handle("GET /doc/{id}", s.pageDoc)
	handle("GET /pair/{a}/{b}", s.pagePair)
	handle("GET /clusters", s.pageClusters)
}

// render writes a page; errors while writing are the client's.
func render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		fmt.Fprintf(w, "<p>rendering failed: %s</p>", template.HTMLEscapeString(err.Error()))
	}
}

func pageError(w http.ResponseWriter, status int, format string, args ...any) {
	render(w, status, "error.html", map[string]any{"Title": http.StatusText(status), "Message": fmt.Sprintf(format, args...)})
}

// pageState is stateOr503 for pages.
func (s *Server) pageState(w http.ResponseWriter) (*neardup.Detector, *articles, bool) {
	det, arts, err := s.state()
	if err != nil {
		w.Header().Set("Retry-After", "1")
		pageError(w, http.StatusServiceUnavailable, "%v", err)
		return nil, nil, false
	}
	return det, arts, true
}

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.pageState(w)
	if !ok {
		return
	}
	before, limit, err := pageParams(r)
	if err != nil {
		pageError(w, http.StatusBadRequest, "%v", err)
		return
	}
	render(w, http.StatusOK, "index.html", map[string]any{"Title": "Recent articles", "List": s.list(det, arts, before, limit), "Limit": limit})
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/doc/"+url.PathEscape(id), http.StatusSeeOther)
}

// segment is a piece of text with the marks that cover it.
type segment struct {
	Text    string
	Class   string   // space-separated classes, "" for plain text
	Anchors []string // IDs of the marks starting here
	Target  string   // the other copy of the first passage covering it
	Title   string
}

// mark is a highlighted range of a text.
type mark struct {
	Span
	Class, ID, Target, Title string
}

// segments cuts text at the edges of the marks.
func segments(text []byte, marks []mark) []segment {
	cuts := []int{0, len(text)}
	for _, m := range marks {
		cuts = append(cuts, m.Start, m.End)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		seg := segment{Text: string(text[a:b])}
		var classes []string
		for _, m := range marks {
			if m.Start <= a && b <= m.End && m.Start < m.End {
				if !slices.Contains(classes, m.Class) {
					classes = append(classes, m.Class)
				}
				if m.Start == a && m.ID != "" {
					seg.Anchors = append(seg.Anchors, m.ID)
				}
				if seg.Target == "" && m.Target != "" {
					seg.Target, seg.Title = m.Target, m.Title
				}
			}
		}
		slices.Sort(classes)
		for j, c := range classes {
			if j > 0 {
				seg.Class += " "
			}
			seg.Class += c
		}
		out = append(out, seg)
	}
	return out
}

// repeatMarks marks the passages repeated inside text, each copy linked to
// the other.
func repeatMarks(text []byte, opt neardup.Options, side string) ([]mark, int) {
	reps, err := neardup.Repeats(text, opt)
	if err != nil {
		return nil, 0
	}
	var marks []mark
	for i, p := range reps {
		id := fmt.Sprintf("%s-r%d", side, i+1)
		title := fmt.Sprintf("repeat %d: %d words, also at bytes %d–%d", i+1, p.Words, p.OtherStart, p.OtherEnd)
		marks = append(marks,
			mark{Span{p.Start, p.End}, "repeat", id, id + "o", title},
			mark{Span{p.OtherStart, p.OtherEnd}, "repeat", id + "o", id, fmt.Sprintf("repeat %d: first copy", i+1)})
	}
	return marks, len(reps)
}

func (s *Server) pageDoc(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.pageState(w)
	if !ok {
		return
	}
	id := r.PathValue("id")
	ar := arts.get(id)
	if ar == nil {
		pageError(w, http.StatusNotFound, "No article has the ID %q.", id)
		return
	}
	text, err := arts.text(ar)
	if err != nil {
		pageError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	// The words shared with each other article, and the matches; the
	// passages are aligned only on the pair page.
	res := det.Query(text)
	var matches []MatchJSON
	for _, m := range res.Matches {
		if m.ID != id {
			matches = append(matches, matchJSON(m))
		}
	}
	shared := map[string]int{}
	for _, p := range res.Passages {
		if p.OtherID != "" && p.OtherID != id {
			shared[p.OtherID] += p.Words
		}
	}
	marks, nrep := repeatMarks(text, s.opt, "a")
	render(w, http.StatusOK, "doc.html", map[string]any{
		"Title": "Article " + id, "Doc": docJSON(ar, det), "Matches": matches, "Shared": shared,
		"Others": slices.Sorted(maps.Keys(shared)), "Repeats": nrep, "Segs": segments(text, marks),
	})
}

// pairPassage is one passage of the pair view.
type pairPassage struct {
	N int
	PassageJSON
}

func (s *Server) pagePair(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.pageState(w)
	if !ok {
		return
	}
	ida, idb := r.PathValue("a"), r.PathValue("b")
	a, b := arts.get(ida), arts.get(idb)
	for id, ar := range map[string]*article{ida: a, idb: b} {
		if ar == nil {
			pageError(w, http.StatusNotFound, "No article has the ID %q.", id)
			return
		}
	}
	ta, err := arts.text(a)
	if err == nil {
		var tb []byte
		if tb, err = arts.text(b); err == nil {
			s.renderPair(w, det, a, b, ta, tb)
			return
		}
	}
	pageError(w, http.StatusInternalServerError, "%v", err)
}

func (s *Server) renderPair(w http.ResponseWriter, det *neardup.Detector, a, b *article, ta, tb []byte) {
	res := det.Query(ta)
	var ps []pairPassage
	var ma, mb []mark
	for _, p := range res.Passages {
		if p.OtherID != b.ID || a.ID == b.ID {
			continue
		}
		n := len(ps) + 1
		// The word-level alignment marks the edited words on the page.
		al := Align(tb, Span{p.OtherStart, p.OtherEnd}, ta, Span{p.Start, p.End}, s.opt.Normalize)
		ps = append(ps, pairPassage{n, passageJSON(p)})
		title := fmt.Sprintf("passage %d: %d words, identity %.1f %%", n, p.Words, 100*p.Identity)
		ma = append(ma, mark{Span{p.Start, p.End}, "passage", fmt.Sprintf("a-p%d", n), fmt.Sprintf("b-p%d", n), title})
		mb = append(mb, mark{Span{p.OtherStart, p.OtherEnd}, "passage", fmt.Sprintf("b-p%d", n), fmt.Sprintf("a-p%d", n), title})
		for _, e := range al.EditsB {
			ma = append(ma, mark{Span: e, Class: "edit"})
		}
		for _, e := range al.EditsA {
			mb = append(mb, mark{Span: e, Class: "edit"})
		}
	}
	ra, nra := repeatMarks(ta, s.opt, "a")
	rb, nrb := repeatMarks(tb, s.opt, "b")
	var sim *MatchJSON
	for _, m := range res.Matches {
		if m.ID == b.ID {
			mj := matchJSON(m)
			sim = &mj
		}
	}
	render(w, http.StatusOK, "pair.html", map[string]any{
		"Title": a.ID + " and " + b.ID, "A": docJSON(a, det), "B": docJSON(b, det), "Match": sim, "Passages": ps,
		"RepeatsA": nra, "RepeatsB": nrb,
		"SegsA": segments(ta, append(ma, ra...)), "SegsB": segments(tb, append(mb, rb...)),
	})
}

func (s *Server) pageClusters(w http.ResponseWriter, r *http.Request) {
	det, arts, ok := s.pageState(w)
	if !ok {
		return
	}
	offset := 0
	if v := r.URL.Query().Get("offset"); v != "" {
		var err error
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			pageError(w, http.StatusBadRequest, "offset=%q is not a position", v)
			return
		}
	}
	render(w, http.StatusOK, "clusters.html", map[string]any{"Title": "Clusters", "C": s.clusters(det, arts, time.Time{}, offset, 50)})
}
