// Command workers runs several dedup workers that share one index on a
// Redis server: each worker is a goroutine with its own neardup.Stage on a
// redisstore.Store, and any number of copies of this program (on any
// number of machines) may point at the same server and partition.
//
// Articles come as JSON Lines on standard input ({"id", "text", "time"},
// time optional, RFC 3339), or, with -seeds DIR, from the .txt files of a
// directory, each sent -copies times under IDs of its own (001.txt#1,
// 001.txt#2, ...) to different workers at once, as when several sites
// publish the same wire story. For every article the
// program prints its ID, the worker and "new" or "duplicate of ID
// (score)"; of identical articles arriving together exactly one is new.
//
//	redis-server --port 6379 --save '' &
//	cd examples/workers && go run . -redis 127.0.0.1:6379 -seeds ../../testdata/seeds
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/redisstore"
	"github.com/redis/go-redis/v9"
)

type config struct {
	addrs     []string
	partition string
	workers   int
	copies    int
	seeds     string
	window    time.Duration
}

func main() {
	var cfg config
	addrs := flag.String("redis", "127.0.0.1:6379", "Redis address(es), comma-separated (several: a cluster)")
	flag.StringVar(&cfg.partition, "partition", "news-fr", "index partition")
	flag.IntVar(&cfg.workers, "workers", 4, "worker goroutines")
	flag.IntVar(&cfg.copies, "copies", 2, "with -seeds: how many times each article is sent")
	flag.StringVar(&cfg.seeds, "seeds", "", "read the .txt articles of this directory instead of JSON Lines on stdin")
	flag.DurationVar(&cfg.window, "window", 72*time.Hour, "time window of the index")
	flag.Parse()
	cfg.addrs = strings.Split(*addrs, ",")
	if err := run(context.Background(), cfg, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "workers:", err)
		os.Exit(1)
	}
}

type article struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	Time time.Time `json:"time"`
}

func optionsFor(cfg config) neardup.Options {
	return neardup.Options{Window: cfg.window}
}

func run(ctx context.Context, cfg config, in io.Reader, out io.Writer) error {
	arts, err := load(cfg, in)
	if err != nil {
		return err
	}
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 cfg.addrs,
		ContextTimeoutEnabled: true, // the per-article deadline below bounds each call
		MaxRetries:            -1,   // retried here, where it is known to be safe
	})
	defer client.Close()
	store, err := redisstore.New(ctx, client, redisstore.Config{Partition: cfg.partition, Options: optionsFor(cfg)})
	if err != nil {
		return err
	}
	stage, err := neardup.NewStage(store)
	if err != nil {
		return err
	}
	jobs := make(chan article)
	var mu sync.Mutex
	var lines []string
	var firstErr error
	var wg sync.WaitGroup
	for w := range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				d, err := check(ctx, stage, a)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", a.ID, err)
				}
				if err == nil {
					lines = append(lines, describe(a.ID, w, d))
				}
				mu.Unlock()
			}
		}()
	}
	for _, a := range arts {
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	// Sorted by article ID so that the output does not depend on which
	// worker got which copy (the worker number is at the end).
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return firstErr
}

// check adds one article, retrying on server errors: a retry of an
// article whose first attempt did reach the server is answered from the
// stored copy (Decision.Existing), so retrying is always safe.
func check(ctx context.Context, stage *neardup.Stage, a article) (neardup.Decision, error) {
	var err error
	for attempt := range 5 {
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		var d neardup.Decision
		d, err = stage.AddString(actx, a.ID, a.Text, a.Time)
		cancel()
		if !errors.Is(err, redisstore.ErrUnavailable) {
			return d, err
		}
		time.Sleep(time.Duration(50<<attempt) * time.Millisecond)
	}
	return neardup.Decision{}, err // give up: the caller fails open or closed
}

func describe(id string, worker int, d neardup.Decision) string {
	verdict := "new"
	if !d.New {
		verdict = fmt.Sprintf("duplicate of %s (%.2f)", d.Of, d.Score)
	}
	if d.Existing {
		verdict += ", already stored"
	}
	return fmt.Sprintf("%s: %s [worker %d]", id, verdict, worker)
}

// load reads the articles: the seeds, each cfg.copies times under the same
// ID, or JSON Lines.
func load(cfg config, in io.Reader) ([]article, error) {
	if cfg.seeds != "" {
		files, err := filepath.Glob(filepath.Join(cfg.seeds, "*.txt"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no .txt files in %s", cfg.seeds)
		}
		now := time.Now()
		var arts []article
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			for c := range cfg.copies {
				// Each copy under an ID of its own, as when two sites
				// publish the same wire story.
				arts = append(arts, article{ID: fmt.Sprintf("%s#%d", filepath.Base(f), c+1), Text: string(b), Time: now})
			}
		}
		return arts, nil
	}
	var arts []article
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 64<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if a.Time.IsZero() {
			a.Time = time.Now()
		}
		arts = append(arts, a)
	}
	return arts, sc.Err()
}
