package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench"
	"github.com/neardup/neardup/redisstore"
	"github.com/redis/go-redis/v9"
)

func corpus(b *testing.B) *bench.Corpus {
	b.Helper()
	seeds, err := bench.ReadSeeds("../testdata/seeds")
	if err != nil {
		b.Fatal(err)
	}
	c, err := bench.NewCorpus(seeds, bench.Params{})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// evalStats returns the calls and microseconds the server spent in
// EVALSHA and EVAL so far.
func evalStats(b *testing.B, c redis.UniversalClient) (calls, usec float64) {
	b.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\n") {
		if !strings.HasPrefix(line, "cmdstat_evalsha:") && !strings.HasPrefix(line, "cmdstat_eval:") {
			continue
		}
		for f := range strings.SplitSeq(strings.TrimSpace(line[strings.IndexByte(line, ':')+1:]), ",") {
			k, v, _ := strings.Cut(f, "=")
			x, _ := strconv.ParseFloat(v, 64)
			switch k {
			case "calls":
				calls += x
			case "usec":
				usec += x
			}
		}
	}
	return calls, usec
}

// BenchmarkStage measures Stage.Add of 4 KB articles (every
// tenth a near-duplicate of an earlier one) against the server, with 1, 4
// and 16 workers: documents per second, per-document latency percentiles
// (signing included) and the server time per document. The environment
// variable WINDOW sets Options.Window (a time.Duration, 72h for the
// README's table; no window when unset).
func BenchmarkStage(b *testing.B) {
	window, _ := time.ParseDuration(os.Getenv("WINDOW"))
	c := client(b, "NEARDUP_REDIS_ADDR")
	corp := corpus(b)
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s := open(b, c, redisstore.Config{Options: neardup.Options{Window: window}})
			st, err := neardup.NewStage(s)
			if err != nil {
				b.Fatal(err)
			}
			jobs := make(chan uint64, 64)
			lat := make([][]time.Duration, workers)
			var wg sync.WaitGroup
			now := time.Now()
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var text []byte
					for i := range jobs {
						text = corp.AppendDocument(text[:0], i, 4000)
						t := time.Now()
						if _, err := st.Add(context.Background(), "doc-"+strconv.FormatUint(i, 10), text, now); err != nil {
							b.Error(err)
							return
						}
						lat[w] = append(lat[w], time.Since(t))
					}
				}()
			}
			var sample []byte
			for i := range uint64(100) {
				sample = corp.AppendDocument(sample, i, 4000)
			}
			b.SetBytes(int64(len(sample) / 100))
			calls0, usec0 := evalStats(b, c)
			b.ReportAllocs()
			i := uint64(0)
			for b.Loop() {
				jobs <- i
				i++
			}
			close(jobs)
			wg.Wait()
			b.StopTimer()
			calls1, usec1 := evalStats(b, c)
			all := slices.Concat(lat...)
			slices.Sort(all)
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
			if calls1 > calls0 {
				b.ReportMetric((usec1-usec0)/(calls1-calls0), "server-µs/doc")
			}
		})
	}
}

// BenchmarkMemory inserts documents into an empty partition and reports
// the server memory per document (used_memory before and after). Set the
// number with -benchtime Nx (for example 100000x).
func BenchmarkMemory(b *testing.B) {
	c := client(b, "NEARDUP_REDIS_ADDR")
	corp := corpus(b)
	s := open(b, c, redisstore.Config{Options: neardup.Options{Window: 72 * time.Hour}})
	st, err := neardup.NewStage(s)
	if err != nil {
		b.Fatal(err)
	}
	used := func() float64 {
		info, err := c.Info(context.Background(), "memory").Result()
		if err != nil {
			b.Fatal(err)
		}
		for line := range strings.SplitSeq(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
				x, _ := strconv.ParseFloat(v, 64)
				return x
			}
		}
		b.Fatal("no used_memory")
		return 0
	}
	m0 := used()
	var text []byte
	now := time.Now()
	i := uint64(0)
	for b.Loop() {
		text = corp.AppendDocument(text[:0], i, 4000)
		if _, err := st.Add(context.Background(), "https://www.example.fr/actualites/"+strconv.FormatUint(i, 10), text, now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric((used()-m0)/float64(i), "B/doc")
}
