package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/redisstore"
	"github.com/neardup/neardup/storetest"
	"github.com/redis/go-redis/v9"
)

// The tests need a server: NEARDUP_REDIS_ADDR (host:port of a standalone
// server) and, for the cluster tests, NEARDUP_REDIS_CLUSTER (comma-separated
// addresses of cluster nodes). Without them they skip. The tests create
// partitions of their own and drop them; they never flush the server.

func client(t testing.TB, env string) redis.UniversalClient {
	t.Helper()
	addrs := os.Getenv(env)
	if addrs == "" {
		t.Skipf("%s not set: no Redis server to test against", env)
	}
	c := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 strings.Split(addrs, ","),
		IsClusterMode:         env == "NEARDUP_REDIS_CLUSTER",
		PoolSize:              32,
		ReadTimeout:           5 * time.Second,
		WriteTimeout:          5 * time.Second,
		MaxRetries:            -1,   // an Insert is retried by the caller, not by go-redis
		ContextTimeoutEnabled: true, // deadlines of contexts bound each call
		ConnMaxIdleTime:       time.Minute,
	})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("%s=%s: %v", env, addrs, err)
	}
	return c
}

func partition(t testing.TB) string {
	var b [6]byte
	rand.Read(b[:])
	name := strings.NewReplacer("/", "-", " ", "_", "{", "", "}", "").Replace(t.Name())
	return name + "-" + hex.EncodeToString(b[:])
}

func open(t testing.TB, c redis.UniversalClient, cfg redisstore.Config) *redisstore.Store {
	t.Helper()
	if cfg.Partition == "" {
		cfg.Partition = partition(t)
	}
	s, err := redisstore.New(context.Background(), c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Drop(context.Background()); err != nil {
			t.Errorf("drop: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
		return open(t, c, redisstore.Config{Options: opt})
	})
}

func TestConformanceCluster(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_CLUSTER")
	storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
		return open(t, c, redisstore.Config{Options: opt})
	})
}

func TestParams(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	s := open(t, c, redisstore.Config{})
	part := partitionOf(t, c, s)
	for _, cfg := range []redisstore.Config{
		{Partition: part, Options: neardup.Options{K: 64}},
		{Partition: part, Options: neardup.Options{ShingleSize: 4}},
		{Partition: part, Options: neardup.Options{Threshold: 0.5}},    // other banding
		{Partition: part, Options: neardup.Options{Window: time.Hour}}, // other generations
	} {
		if _, err := redisstore.New(ctx, c, cfg); !errors.Is(err, neardup.ErrParams) {
			t.Fatalf("%+v: %v, want ErrParams", cfg, err)
		}
	}
	// Threshold may differ as long as the banding is the same; so may BucketCap.
	if _, err := redisstore.New(ctx, c, redisstore.Config{Partition: part, Options: neardup.Options{Threshold: 0.85, CandidateThreshold: 0.7, BucketCap: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := redisstore.New(ctx, c, redisstore.Config{Partition: "a{b}"}); !errors.Is(err, neardup.ErrOptions) {
		t.Fatalf("brace in partition: %v", err)
	}
}

// partitionOf finds the partition of s from its keys.
func partitionOf(t *testing.T, c redis.UniversalClient, s *redisstore.Store) string {
	t.Helper()
	keys, err := c.Keys(context.Background(), "nd:{"+t.Name()+"-*}:params").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("partition keys: %v %v", keys, err)
	}
	k := keys[0]
	return k[strings.IndexByte(k, '{')+1 : strings.IndexByte(k, '}')]
}

func TestExpiry(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	// Generations of 200 ms, window 400 ms: keys live 600 ms after their
	// last write.
	s := open(t, c, redisstore.Config{Options: neardup.Options{Window: 400 * time.Millisecond}, Generation: 200 * time.Millisecond})
	st, err := neardup.NewStage(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("la dépêche de l'agence est reprise telle quelle par les journaux du soir ", 4)
	now := time.Now()
	for i := range 20 {
		if _, err := st.AddString(ctx, "doc"+string(rune('a'+i)), text+string(rune('a'+i)), now); err != nil {
			t.Fatal(err)
		}
	}
	pattern := "nd:{" + partitionOf(t, c, s) + "}:g:*"
	keys, err := c.Keys(ctx, pattern).Result()
	if err != nil || len(keys) < 3 {
		t.Fatalf("generation keys: %v %v", keys, err)
	}
	for _, k := range keys {
		ttl, err := c.PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 || ttl > 600*time.Millisecond {
			t.Fatalf("%s: TTL %v %v, want (0, 600ms]", k, ttl, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		keys, err = c.Keys(ctx, pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys left after expiry: %v", keys)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The counters and parameters stay; a new copy is new again.
	if n, err := c.Exists(ctx, "nd:{"+partitionOf(t, c, s)+"}:seq").Result(); err != nil || n != 1 {
		t.Fatalf("seq gone: %v %v", n, err)
	}
	d, err := st.AddString(ctx, "late", text+"a", time.Now())
	if err != nil || !d.New {
		t.Fatalf("after expiry: %+v %v", d, err)
	}
}

func TestDelete(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	s := open(t, c, redisstore.Config{})
	st, _ := neardup.NewStage(s)
	text := strings.Repeat("un communiqué du ministère repris mot pour mot par trois sites ", 5)
	t0 := time.Unix(1_700_000_000, 0)
	for _, id := range []string{"a", "b", "c"} {
		if _, err := st.AddString(ctx, id, text, t0); err != nil {
			t.Fatal(err)
		}
	}
	e, err := neardup.SignEntry(s.Options(), "a", []byte(text), t0)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Delete(ctx, e); err != nil || !ok {
		t.Fatalf("delete a: %v %v", ok, err)
	}
	if ok, err := s.Delete(ctx, e); err != nil || ok {
		t.Fatalf("delete a twice: %v %v", ok, err)
	}
	d, err := st.AddString(ctx, "d", text, t0)
	if err != nil || d.Of != "b" || len(d.Matches) != 2 {
		t.Fatalf("after deleting a: %+v %v", d, err)
	}
	// The deleted ID may be inserted again, as a new entry.
	d, err = st.AddString(ctx, "a", text, t0)
	if err != nil || d.Existing || d.Of != "b" {
		t.Fatalf("a again: %+v %v", d, err)
	}
}

func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	// Nothing listens on this port.
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	if _, err := redisstore.New(ctx, c, redisstore.Config{}); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Fatalf("New with no server: %v", err)
	}
}

func TestSlowServer(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	s := open(t, c, redisstore.Config{})
	st, _ := neardup.NewStage(s)
	text := strings.Repeat("le gouvernement annonce une réforme des retraites et les syndicats appellent à la grève ", 4)
	// The server stops answering for 600 ms: an Insert with a 100 ms
	// deadline fails with an error the caller can act on, and the retry
	// afterwards tells whether the first attempt ran.
	admin := redis.NewClient(&redis.Options{Addr: os.Getenv("NEARDUP_REDIS_ADDR")})
	defer admin.Close()
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "600", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err := st.AddString(tctx, "slow", text, time.Now())
	cancel()
	if !errors.Is(err, redisstore.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("paused server: %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	var d neardup.Decision
	for range 50 {
		d, err = st.AddString(ctx, "slow", text, time.Now())
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || !d.New {
		t.Fatalf("retry: %+v %v", d, err)
	}
	// Whether or not the first attempt ran, the document is stored once.
	d, err = st.AddString(ctx, "slow", text, time.Now())
	if err != nil || !d.Existing || !d.New {
		t.Fatalf("second retry: %+v %v", d, err)
	}
	d, err = st.AddString(ctx, "copy", text, time.Now())
	if err != nil || d.Of != "slow" || len(d.Matches) != 1 {
		t.Fatalf("copy: %+v %v", d, err)
	}
}

// TestGenerationSizing checks that buckets of a new generation are sized
// from the previous one, and that documents are found across generations
// of different sizings.
func TestGenerationSizing(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	s := open(t, c, redisstore.Config{Options: neardup.Options{Window: 4 * time.Hour}, Generation: time.Hour, ExpectedDocs: 10})
	st, _ := neardup.NewStage(s)
	part := partitionOf(t, c, s)
	g0 := time.Unix(1_700_000_000/3600*3600, 0) // start of a generation
	words := strings.Fields("le la les un une des du de et à en pour par sur dans avec sans sous entre vers chez")
	text := func(i int) string {
		var b strings.Builder
		for j := range 60 {
			b.WriteString(words[(i*7+j*j*13+j*i)%len(words)])
			b.WriteString(" ")
			b.WriteString(strconv.Itoa(i*1000 + j))
			b.WriteString(" ")
		}
		return b.String()
	}
	for i := range 2000 {
		if d, err := st.AddString(ctx, "a"+strconv.Itoa(i), text(i), g0); err != nil || !d.New {
			t.Fatalf("a%d: %+v %v", i, d, err)
		}
	}
	gen := g0.UnixNano() / int64(time.Hour)
	shift := func(g int64) string {
		v, err := c.HGet(ctx, "nd:{"+part+"}:g:"+strconv.FormatInt(g, 10)+":b", "").Result()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 10 documents expected: 1024 fields, shift 22. Then 2000 documents of
	// 17 bands at 8 per field: 4250 fields, shift 32 - 13 = 19.
	if got := shift(gen); got != "22" {
		t.Fatalf("first generation shift %s, want 22", got)
	}
	for i := range 2000 {
		d, err := st.AddString(ctx, "b"+strconv.Itoa(i), text(i), g0.Add(time.Hour))
		if err != nil || d.Of != "a"+strconv.Itoa(i) {
			t.Fatalf("b%d: %+v %v", i, d, err)
		}
	}
	if got := shift(gen + 1); got != "19" {
		t.Fatalf("second generation shift %s, want 19", got)
	}
}

// TestCappedCounter checks the partition's bucket-cap counter, shared by
// all workers.
func TestCappedCounter(t *testing.T) {
	c := client(t, "NEARDUP_REDIS_ADDR")
	ctx := context.Background()
	s := open(t, c, redisstore.Config{Options: neardup.Options{BucketCap: 2}})
	other, err := redisstore.New(ctx, c, redisstore.Config{Partition: partitionOf(t, c, s), Options: neardup.Options{BucketCap: 2}})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("page vide : contenu indisponible pour le moment, revenez plus tard ", 3)
	total := 0
	for i, store := range []*redisstore.Store{s, other, s, other, s} {
		st, _ := neardup.NewStage(store)
		d, err := st.AddString(ctx, "stub"+strconv.Itoa(i), text, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		total += d.Capped
	}
	bands := len(mustEntry(t, s, text).Keys)
	if total != 3*bands {
		t.Fatalf("capped %d bands in all, want %d", total, 3*bands)
	}
	for _, store := range []*redisstore.Store{s, other} {
		if n, err := store.CappedBuckets(ctx); err != nil || n != int64(3*bands) {
			t.Fatalf("CappedBuckets = %d, %v; want %d", n, err, 3*bands)
		}
	}
}

func mustEntry(t *testing.T, s *redisstore.Store, text string) *neardup.Entry {
	t.Helper()
	e, err := neardup.SignEntry(s.Options(), "x", []byte(text), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestNoGoroutineLeak checks that a Store starts no goroutine: after many
// inserts, failed ones included, and closing the client, the count is back.
func TestNoGoroutineLeak(t *testing.T) {
	addr := os.Getenv("NEARDUP_REDIS_ADDR")
	if addr == "" {
		t.Skip("NEARDUP_REDIS_ADDR not set")
	}
	before := runtime.NumGoroutine()
	func() {
		c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
		defer c.Close()
		s, err := redisstore.New(context.Background(), c, redisstore.Config{Partition: partition(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Drop(context.Background())
		st, _ := neardup.NewStage(s)
		for i := range 200 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%3)*time.Millisecond)
			st.AddString(ctx, strconv.Itoa(i), "une dépêche de l'agence reprise par les sites "+strconv.Itoa(i%20), time.Now())
			cancel()
		}
	}()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after, %d before", n, before)
	}
}
