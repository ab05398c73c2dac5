package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/redisstore"
	"github.com/redis/go-redis/v9"
)

// TestSeeds runs the program on the seed articles, each sent by four
// workers at once, then a second time with other IDs, against the server
// of NEARDUP_REDIS_ADDR (skipped without it).
func TestSeeds(t *testing.T) {
	addr := os.Getenv("NEARDUP_REDIS_ADDR")
	if addr == "" {
		t.Skip("NEARDUP_REDIS_ADDR not set")
	}
	var b [6]byte
	rand.Read(b[:])
	cfg := config{addrs: []string{addr}, partition: "example-" + hex.EncodeToString(b[:]), workers: 4, copies: 4,
		seeds: "../../testdata/seeds", window: time.Hour}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	defer func() {
		s, err := redisstore.New(context.Background(), c, redisstore.Config{Partition: cfg.partition, Options: optionsFor(cfg)})
		if err == nil {
			s.Drop(context.Background())
		}
	}()
	var out bytes.Buffer
	if err := run(context.Background(), cfg, nil, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want 20:\n%s", len(lines), out.String())
	}
	// Of the four copies of each seed, sent at once to four workers,
	// exactly one is new and the others are its duplicates.
	for i := range 5 {
		seed := "00" + string(rune('0'+i)) + "_"
		var first string
		dups := 0
		for _, l := range lines {
			id, verdict, _ := strings.Cut(l, ": ")
			if !strings.HasPrefix(id, seed) {
				continue
			}
			if strings.HasPrefix(verdict, "new ") {
				if first != "" {
					t.Fatalf("%s: two copies new:\n%s", seed, out.String())
				}
				first = id
			}
		}
		for _, l := range lines {
			id, verdict, _ := strings.Cut(l, ": ")
			if strings.HasPrefix(id, seed) && strings.HasPrefix(verdict, "duplicate of "+first+" (1.00)") {
				dups++
			}
		}
		if first == "" || dups != 3 {
			t.Fatalf("%s: new %q, %d duplicates of it:\n%s", seed, first, dups, out.String())
		}
	}
}
