package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/cmd/neardup/internal/server"
)

const serveUsage = `usage: neardup serve -dir DIR [flags]

Serves the dedup stage over HTTP: POST documents to /v1/documents to learn,
for each, "new" or "duplicate of X" and the passages it shares with the
documents held; review them in a browser at /. Every document posted is
kept in DIR (its index and its text) and acknowledged only once durable.
The first run's index flags are saved in DIR and reused.

Flags:
`

// serveConfig is what "neardup serve" was asked.
type serveConfig struct {
	ix           indexFlags
	set          map[string]bool
	dir, addr    string
	tokenFile    string
	maxBytes     int64
	maxInFlight  int
	readTimeout  time.Duration
	writeTimeout time.Duration
	shutdown     time.Duration
	snapEvery    time.Duration
}

// serveMaxWords is serve's default -max-words: a hundred times a long
// article, and a few tenths of a second of work on the worst text.
const serveMaxWords = 100_000

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// A service bounds the work of one request: an article of more than
	// serveMaxWords words is refused (413), unless -max-words says otherwise.
	c := serveConfig{ix: indexFlags{Threshold: neardup.DefaultThreshold, Exact: true, Passages: true, MaxWords: serveMaxWords}}
	c.ix.register(fs)
	fs.BoolVar(&c.ix.Passages, "passages", true, "report the passages each document shares with the documents held")
	fs.StringVar(&c.dir, "dir", "", "directory of the index and the article texts (created if missing; required)")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (the default listens on loopback only)")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding a bearer token that every request but /healthz and /readyz must carry")
	fs.Int64Var(&c.maxBytes, "max-bytes", server.DefaultMaxBytes, "largest request body in bytes (larger: 413)")
	fs.IntVar(&c.maxInFlight, "max-inflight", server.DefaultMaxInFlight, "requests served at once (more: 503 with Retry-After)")
	fs.DurationVar(&c.readTimeout, "read-timeout", time.Minute, "time to read a whole request")
	fs.DurationVar(&c.writeTimeout, "write-timeout", time.Minute, "time to serve a request once read")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 30*time.Second, "on SIGTERM or SIGINT, time left to the requests in flight")
	fs.DurationVar(&c.snapEvery, "snapshot-every", 10*time.Minute, "how often to check whether the index log has outgrown twice its snapshot, and snapshot it then")
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	c.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	switch {
	case c.dir == "":
		fmt.Fprintln(stderr, "neardup serve: -dir is required")
		return 2
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "neardup serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	case c.maxBytes <= 0 || c.maxInFlight <= 0:
		fmt.Fprintln(stderr, "neardup serve: -max-bytes and -max-inflight must be positive")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, &c, stderr); err != nil {
		fmt.Fprintln(stderr, "neardup serve:", err)
		return 2
	}
	return 0
}

// readToken reads a token file: its first line, which must not be empty.
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok, _, _ := strings.Cut(string(b), "\n")
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", fmt.Errorf("%s holds no token", path)
	}
	return tok, nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serve runs the service until ctx is done.
func serve(ctx context.Context, c *serveConfig, stderr io.Writer) error {
	var cfg server.Config
	if c.tokenFile != "" {
		tok, err := readToken(c.tokenFile)
		if err != nil {
			return err
		}
		cfg.Token = tok
	}
	cfg.MaxBytes, cfg.MaxInFlight = c.maxBytes, c.maxInFlight
	if !isLoopback(c.addr) && cfg.Token == "" {
		fmt.Fprintf(stderr, "neardup serve: warning: listening on %s without -token-file: anyone who can reach it can add and delete documents\n", c.addr)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	s := server.New(cfg)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       c.readTimeout,
		WriteTimeout:      c.writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "neardup serve: listening on http://%s, loading %s\n", ln.Addr(), c.dir)

	start := time.Now()
	ix, err := openIndexDir(c.dir, &c.ix, c.set)
	if err == nil {
		if err = s.Attach(ix.det, c.dir); err != nil {
			ix.close()
		}
	}
	if err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stderr, "neardup serve: ready: %d documents in %.1fs\n", ix.det.Len(), time.Since(start).Seconds())

	snap := time.NewTicker(c.snapEvery)
	defer snap.Stop()
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-served:
			runErr = err
			break loop
		case <-snap.C:
			if err := ix.snapshotIfGrown(); err != nil {
				fmt.Fprintln(stderr, "neardup serve: snapshot:", err)
			}
		}
	}
	fmt.Fprintln(stderr, "neardup serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		runErr = errors.Join(runErr, fmt.Errorf("requests still in flight after -shutdown-timeout: %w", err))
	}
	runErr = errors.Join(runErr, s.Close(), ix.closeSnap(true))
	if runErr == nil {
		fmt.Fprintln(stderr, "neardup serve: stopped cleanly")
	}
	return runErr
}
