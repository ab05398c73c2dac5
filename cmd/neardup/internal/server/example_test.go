package server_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/cmd/neardup/internal/server"
)

// A server on a fresh directory: the second article, a reprint of the
// first with one more sentence, is its duplicate (32 of its 36 shingles
// are the first's 32: Jaccard 0.8889), and all of the first is a passage
// of it.
func Example() {
	dir, _ := os.MkdirTemp("", "neardup-serve")
	defer os.RemoveAll(dir)
	det, err := neardup.Open(dir, neardup.Options{Passages: true, KeepShingles: true, Durability: neardup.SyncBatch})
	if err != nil {
		panic(err)
	}
	defer det.Close()
	s := server.New(server.Config{})
	if err := s.Attach(det, dir); err != nil {
		panic(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	text := "La Russie a affirmé avoir négocié un cessez-le-feu entre l’Arménie et l’Azerbaïdjan après que des combats ont éclaté à la frontière entre les deux pays cette semaine, faisant des dizaines de morts."
	body := fmt.Sprintf(`[{"id":"a","text":%q},{"id":"b","text":%q}]`, text, text+" Moscou appelle au calme.")
	resp, err := srv.Client().Post(srv.URL+"/v1/documents", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	var out struct {
		Results []server.Verdict
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		panic(err)
	}
	resp.Body.Close()
	for _, v := range out.Results {
		fmt.Println(v.ID, v.Verdict, v.DuplicateOf, v.Jaccard)
		for _, p := range v.Passages {
			fmt.Printf("  bytes %d-%d = %s %d-%d, %d words, identity %v\n", p.Start, p.End, p.OtherID, p.OtherStart, p.OtherEnd, p.Words, p.Identity)
		}
	}
	// Output:
	// a new  0
	// b duplicate a 0.8889
	//   bytes 0-210 = a 0-210, 36 words, identity 1
}
