package main

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// newArticleGen returns a generator of articles for one goroutine.
func newArticleGen(t testing.TB, seed uint64) func(i, words int) string {
	_, c := seedCorpus(t, seed)
	var buf []byte
	return func(i, words int) string {
		buf = c.AppendArticle(buf[:0], uint64(i), words)
		return string(buf)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// rss returns the resident and peak resident memory of a process, in MiB.
func rss(pid int) (cur, peak float64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "VmRSS:":
				cur = kb / 1024
			case "VmHWM:":
				peak = kb / 1024
			}
		}
	}
	return cur, peak
}

// TestServeLoad is the service's load test, run only with
// NEARDUP_LOADTEST=1: it fills a server with NEARDUP_LOADTEST_DOCS
// (100,000) articles of 600 words, then NEARDUP_LOADTEST_CLIENTS (16)
// clients post fresh 600-word articles one per request for
// NEARDUP_LOADTEST_SECONDS (60) seconds, on loopback; it prints the
// throughput, the latency percentiles and the server's memory, then kills
// the server with SIGKILL, restarts it and checks that every acknowledged
// document is there.
//
//	NEARDUP_LOADTEST=1 go test -run TestServeLoad -v -timeout 30m ./cmd/neardup
func TestServeLoad(t *testing.T) {
	if os.Getenv("NEARDUP_LOADTEST") != "1" {
		t.Skip("set NEARDUP_LOADTEST=1 to run the load test")
	}
	n := envInt("NEARDUP_LOADTEST_DOCS", 100000)
	clients := envInt("NEARDUP_LOADTEST_CLIENTS", 16)
	seconds := envInt("NEARDUP_LOADTEST_SECONDS", 60)
	dir := t.TempDir()
	p := startServe(t, "-dir", dir)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	start := time.Now()
	fill := freshArticles(t, "fill", n, 600, 11)
	const batch = 250
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for w := range 2 {
		wg.Go(func() {
			for i := w * batch; i < n; i += 2 * batch {
				code, body, err := postJSON(client, p.url, fill[i:min(n, i+batch)])
				if err != nil || code != 200 {
					select {
					case errs <- fmt.Errorf("filling: %d %.200s %v", code, body, err):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	fill = nil
	fillTime := time.Since(start)
	r0, _ := rss(p.cmd.Process.Pid)
	t.Logf("filled %d articles in %.1fs (%.0f/s); RSS %.0f MiB", n, fillTime.Seconds(), float64(n)/fillTime.Seconds(), r0)

	var mu sync.Mutex
	var lat []time.Duration
	acked := map[string]bool{}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	failures := 0
	for c := range clients {
		gen := newArticleGen(t, uint64(100+c))
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				d := map[string]string{"id": fmt.Sprintf("load-%d-%d", c, i), "text": gen(i, 600)}
				t0 := time.Now()
				code, _, err := postJSON(client, p.url, d)
				el := time.Since(t0)
				mu.Lock()
				if err == nil && code == 200 {
					lat = append(lat, el)
					acked[d["id"]] = true
				} else {
					failures++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r1, peak := rss(p.cmd.Process.Pid)
	slices.Sort(lat)
	pct := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	t.Logf("%d clients, %ds: %d documents acknowledged (%.0f/s), %d failed; latency p50 %v, p90 %v, p99 %v, max %v; RSS %.0f MiB (peak %.0f MiB)",
		clients, seconds, len(lat), float64(len(lat))/float64(seconds), failures,
		pct(0.5).Round(10*time.Microsecond), pct(0.9).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), r1, peak)
	if failures > 0 {
		t.Errorf("%d requests failed", failures)
	}

	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait(t)
	start = time.Now()
	p = startServe(t, "-dir", dir)
	t.Logf("restarted after SIGKILL in %.1fs", time.Since(start).Seconds())
	st := serveStats(t, client, p.url)
	if st.Articles < n+len(acked) {
		t.Errorf("after restart %d articles, want at least %d", st.Articles, n+len(acked))
	}
	for id := range acked {
		resp, err := client.Get(p.url + "/v1/documents/" + id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("acknowledged %s lost: %d", id, resp.StatusCode)
		}
	}
	t.Logf("all %d acknowledged documents found after the restart", len(acked))
}
