package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// server is a "neardup serve" process started by a test.
type serveProc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (http://[^,]+),`)

// startServe starts "neardup serve" on a free loopback port and waits
// until it is ready.
func startServe(t testing.TB, args ...string) *serveProc {
	t.Helper()
	c := cli(append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	p := &serveProc{cmd: c, stderr: &syncBuffer{}, done: make(chan error, 1)}
	pr, pw := io.Pipe()
	c.Stderr = pw
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- c.Wait(); pw.Close() }()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				p.url = m[1]
			}
			if strings.Contains(line, "ready:") {
				ready <- p.url
			}
		}
	}()
	select {
	case <-ready:
	case err := <-p.done:
		t.Fatalf("serve exited: %v\n%s", err, p.stderr)
	case <-time.After(2 * time.Minute):
		c.Process.Kill()
		t.Fatalf("serve not ready:\n%s", p.stderr)
	}
	t.Cleanup(func() {
		c.Process.Kill()
		<-p.done
	})
	return p
}

func (p *serveProc) wait(t testing.TB) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(time.Minute):
		t.Fatalf("serve did not stop:\n%s", p.stderr)
		return nil
	}
}

// freshArticles returns n fresh articles of about words words, IDs
// prefix-i.
func freshArticles(t testing.TB, prefix string, n, words int, seed uint64) []map[string]string {
	t.Helper()
	gen := newArticleGen(t, seed)
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"id": fmt.Sprintf("%s-%d", prefix, i), "text": gen(i, words)}
	}
	return out
}

// serveStats fetches a server's /v1/stats.
func serveStats(t testing.TB, client *http.Client, url string) (st struct{ Documents, Articles int }) {
	t.Helper()
	resp, err := client.Get(url + "/v1/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != 200 {
		t.Fatalf("stats: %d %v", resp.StatusCode, err)
	}
	return st
}

func postJSON(client *http.Client, url string, v any) (int, []byte, error) {
	b, _ := json.Marshal(v)
	resp, err := client.Post(url+"/v1/documents", "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// TestServeKill: concurrent clients post documents; the server is killed
// with SIGKILL mid-run; after a restart every acknowledged document is
// there, with its text, and the service takes more.
func TestServeKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	p := startServe(t, "-dir", dir)
	docs := freshArticles(t, "k", 8000, 300, 3)
	var next atomic.Int64
	var mu sync.Mutex
	acked := map[string]string{}
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				code, _, err := postJSON(client, p.url, docs[i])
				if err != nil {
					return // the server is gone
				}
				if code == 200 {
					mu.Lock()
					acked[docs[i]["id"]] = docs[i]["text"]
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGKILL)
	wg.Wait()
	p.wait(t)
	if len(acked) < 50 || len(acked) == len(docs) {
		t.Fatalf("%d of %d documents acknowledged before the kill: the test proves nothing", len(acked), len(docs))
	}

	p = startServe(t, "-dir", dir)
	for id, text := range acked {
		resp, err := client.Get(p.url + "/v1/documents/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var d struct{ Text string }
		json.NewDecoder(resp.Body).Decode(&d)
		resp.Body.Close()
		if resp.StatusCode != 200 || d.Text != text {
			t.Fatalf("acknowledged document %s lost after SIGKILL: %d", id, resp.StatusCode)
		}
	}
	// A document that was being added when the server died is added now.
	for _, d := range docs[:200] {
		if code, body, err := postJSON(client, p.url, d); err != nil || code != 200 {
			t.Fatalf("re-posting %s after the restart: %d %s %v", d["id"], code, body, err)
		}
	}
	t.Logf("%d documents acknowledged before SIGKILL, all found after the restart", len(acked))
}

// TestServeSIGTERM: SIGTERM finishes the requests in flight, closes the
// index cleanly and exits 0; what was added is there on the next start.
func TestServeSIGTERM(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, "-dir", dir)
	docs := freshArticles(t, "s", 50, 300, 5)
	if code, body, err := postJSON(http.DefaultClient, p.url, docs); err != nil || code != 200 {
		t.Fatalf("%d %s %v", code, body, err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(t); err != nil || !strings.Contains(p.stderr.String(), "stopped cleanly") {
		t.Fatalf("exit %v:\n%s", err, p.stderr)
	}
	p = startServe(t, "-dir", dir)
	st := serveStats(t, http.DefaultClient, p.url)
	if st.Documents != 50 || st.Articles != 50 {
		t.Errorf("after restart: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(dir, "articles.log")); err != nil {
		t.Error(err)
	}
}

func TestServeFlags(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "token")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "-dir is required"},
		{[]string{"serve", "-dir", t.TempDir(), "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "-dir", t.TempDir(), "-max-bytes", "0"}, "must be positive"},
		{[]string{"serve", "-dir", t.TempDir(), "-token-file", empty}, "holds no token"},
		{[]string{"serve", "-dir", t.TempDir(), "-addr", "nowhere"}, "missing port"},
	} {
		code, _, errs := runCmd(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errs, c.want)
		}
	}
	// Serve's default word limit: one word more is a 413 that names it.
	p := startServe(t, "-dir", t.TempDir())
	code, body, err := postJSON(http.DefaultClient, p.url, map[string]string{"id": "long", "text": strings.Repeat("mot ", serveMaxWords+1)})
	if err != nil || code != 413 || !strings.Contains(string(body), "100001 words, more than 100000") {
		t.Errorf("an article over the default -max-words: %d %s %v", code, body, err)
	}
	// A directory in use by another process is refused.
	dir := t.TempDir()
	startServe(t, "-dir", dir)
	code, _, errs := runCmd(t, "", "serve", "-dir", dir, "-addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errs, "in use by another neardup process") {
		t.Errorf("second server on one directory: exit %d, %s", code, errs)
	}
}
