package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type openAPI struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas   map[string]*schema `json:"schemas"`
		Responses map[string]struct {
			Content map[string]struct{ Schema *schema } `json:"content"`
		} `json:"responses"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Ref     string                              `json:"$ref"`
		Content map[string]struct{ Schema *schema } `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Required   []string           `json:"required"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	OneOf      []*schema          `json:"oneOf"`
	Enum       []string           `json:"enum"`
}

func loadSpec(t *testing.T) *openAPI {
	t.Helper()
	var spec openAPI
	if err := json.Unmarshal(openapiJSON, &spec); err != nil {
		t.Fatal(err)
	}
	return &spec
}

// check reports how v differs from sc ("" when it conforms): types,
// required properties, enums, recursively.
func (spec *openAPI) check(sc *schema, v any, at string) string {
	if sc.Ref != "" {
		return spec.check(spec.Components.Schemas[strings.TrimPrefix(sc.Ref, "#/components/schemas/")], v, at)
	}
	if len(sc.OneOf) > 0 {
		for _, alt := range sc.OneOf {
			if spec.check(alt, v, at) == "" {
				return ""
			}
		}
		return at + ": matches no alternative"
	}
	switch sc.Type {
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			return at + ": not an object"
		}
		for _, r := range sc.Required {
			if _, ok := o[r]; !ok {
				return at + ": lacks " + r
			}
		}
		for k, x := range o {
			if p := sc.Properties[k]; p != nil {
				if e := spec.check(p, x, at+"."+k); e != "" {
					return e
				}
			} else if sc.Properties != nil {
				return at + ": undocumented property " + k
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return at + ": not an array"
		}
		for i, x := range a {
			if e := spec.check(sc.Items, x, fmt.Sprintf("%s[%d]", at, i)); e != "" {
				return e
			}
		}
	case "string":
		s, ok := v.(string)
		if !ok || (sc.Enum != nil && !slices.Contains(sc.Enum, s)) {
			return at + ": not one of the strings allowed"
		}
	case "integer", "number":
		f, ok := v.(float64)
		if !ok || (sc.Type == "integer" && f != float64(int64(f))) {
			return at + ": not a " + sc.Type
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return at + ": not a boolean"
		}
	}
	return ""
}

// TestOpenAPI: the description names exactly the API's routes, and what
// each handler answers (status and JSON body) is what it describes.
func TestOpenAPI(t *testing.T) {
	spec := loadSpec(t)
	ts := newTestServer(t, "", Config{Token: "tok", MaxBytes: 20000})
	var routes []string
	for _, p := range ts.s.apiRoutes {
		method, path, _ := strings.Cut(p, " ")
		routes = append(routes, method+" "+path)
		if _, ok := spec.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
	for path, ops := range spec.Paths {
		for method := range ops {
			if !slices.Contains(routes, strings.ToUpper(method)+" "+path) {
				t.Errorf("openapi.json describes %s %s, which no handler serves", method, path)
			}
		}
	}

	// The checker itself catches a missing field and an undocumented one.
	if spec.check(&schema{Ref: "#/components/schemas/Error"}, map[string]any{"error": "x"}, "e") == "" ||
		spec.check(&schema{Ref: "#/components/schemas/Error"}, map[string]any{"error": "x", "status": 1.0, "more": 1.0}, "e") == "" {
		t.Fatal("the schema check accepts a wrong body")
	}

	docs := seeds(t)
	ts.post("/v1/documents", docs[0], docs[1])
	body := func(d ...Document) string { b, _ := json.Marshal(d); return string(b) }
	cases := []struct{ method, path, target, body string }{
		{"GET", "/healthz", "/healthz", ""},
		{"GET", "/readyz", "/readyz", ""},
		{"GET", "/v1/openapi.json", "/v1/openapi.json", ""},
		{"GET", "/metrics", "/metrics", ""},
		{"POST", "/v1/documents", "/v1/documents", body(docs[2])},
		{"POST", "/v1/documents", "/v1/documents?dry_run=1", body(docs[1])},
		{"POST", "/v1/documents", "/v1/documents", body(docs[3], Document{ID: "000", Text: "autre"})},
		{"POST", "/v1/documents", "/v1/documents", "{"},
		{"POST", "/v1/documents", "/v1/documents", body(Document{ID: "big", Text: strings.Repeat("x", 30000)})},
		{"GET", "/v1/documents", "/v1/documents?limit=2", ""},
		{"GET", "/v1/documents", "/v1/documents?limit=-1", ""},
		{"GET", "/v1/documents/{id}", "/v1/documents/001", ""},
		{"GET", "/v1/documents/{id}", "/v1/documents/nope", ""},
		{"GET", "/v1/documents/{id}/matches", "/v1/documents/000/matches", ""},
		{"GET", "/v1/documents/{id}/matches", "/v1/documents/nope/matches", ""},
		{"GET", "/v1/clusters", "/v1/clusters?since=24h", ""},
		{"GET", "/v1/clusters", "/v1/clusters?since=x", ""},
		{"GET", "/v1/stats", "/v1/stats", ""},
		{"DELETE", "/v1/documents/{id}", "/v1/documents/002", ""},
		{"DELETE", "/v1/documents/{id}", "/v1/documents/002", ""},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.method+" "+c.path] = true
		code, got := ts.do(c.method, c.target, c.body)
		op := spec.Paths[c.path][strings.ToLower(c.method)]
		resp, ok := op.Responses[strconv.Itoa(code)]
		if !ok {
			t.Errorf("%s %s answered %d, which openapi.json does not list", c.method, c.target, code)
			continue
		}
		content := resp.Content
		if resp.Ref != "" {
			content = spec.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")].Content
		}
		sc := content["application/json"].Schema
		if sc == nil {
			continue
		}
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Errorf("%s %s: %d, not JSON: %.100s", c.method, c.target, code, got)
			continue
		}
		if e := spec.check(sc, v, "body"); e != "" {
			t.Errorf("%s %s: %d: %s: %.300s", c.method, c.target, code, e, got)
		}
	}
	for _, r := range routes {
		if !seen[r] {
			t.Errorf("route %s is not exercised", r)
		}
	}
	// Every route refuses a missing token with the documented 401.
	ts.tok = ""
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		code, _ := ts.do(method, strings.ReplaceAll(path, "{id}", "001"), "")
		if _, listed := spec.Paths[path][strings.ToLower(method)].Responses[strconv.Itoa(code)]; !listed || (code != http.StatusUnauthorized && path != "/healthz" && path != "/readyz") {
			t.Errorf("%s without a token: %d", r, code)
		}
	}
}
