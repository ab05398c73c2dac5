package server

import (
	_ "embed"
	"net/http"
)

// openapiJSON is the OpenAPI 3.1 description of the API.
//
//go:embed openapi.json
var openapiJSON []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiJSON)
}
