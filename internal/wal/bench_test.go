package wal

import (
	"path/filepath"
	"strconv"
	"testing"
)

// rotateAbove bounds the disk space a benchmark uses.
const rotateAbove = 64 << 20

func BenchmarkAppend(b *testing.B) {
	for _, policy := range []SyncPolicy{SyncEach, SyncBatch, SyncInterval} {
		for _, size := range []int{100, 2048} {
			b.Run(policy.String()+"/"+sizeName(size), func(b *testing.B) {
				l, _, err := Open(filepath.Join(b.TempDir(), "log"), nil, Options{Sync: policy}, nil)
				if err != nil {
					b.Fatal(err)
				}
				defer l.Close()
				p := payload(1, size)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					if err := l.Append(p); err != nil {
						b.Fatal(err)
					}
					n++
					if policy == SyncBatch && n%100 == 0 {
						if err := l.Sync(); err != nil {
							b.Fatal(err)
						}
					}
					if n%1024 == 0 && l.Size() > rotateAbove {
						if err := l.Rotate(); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

// BenchmarkAppendParallel measures group commit: 8 goroutines append under
// SyncEach and share fsyncs.
func BenchmarkAppendParallel(b *testing.B) {
	for _, size := range []int{100, 2048} {
		b.Run("SyncEach/"+sizeName(size), func(b *testing.B) {
			l, _, err := Open(filepath.Join(b.TempDir(), "log"), nil, Options{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				p := payload(2, size)
				for pb.Next() {
					if err := l.Append(p); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkReplay measures Open on a log of 2 KB records.
func BenchmarkReplay(b *testing.B) {
	path := filepath.Join(b.TempDir(), "log")
	l, _, err := Open(path, nil, Options{Sync: SyncBatch}, nil)
	if err != nil {
		b.Fatal(err)
	}
	const records = 4096
	p := payload(3, 2048)
	for range records {
		if err := l.Append(p); err != nil {
			b.Fatal(err)
		}
	}
	size := l.Size()
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		l, rep, err := Open(path, nil, Options{Sync: SyncBatch}, func([]byte) error { return nil })
		if err != nil || rep.Records != records {
			b.Fatal(rep, err)
		}
		l.Close()
	}
}

func sizeName(n int) string { return strconv.Itoa(n) + "B" }
