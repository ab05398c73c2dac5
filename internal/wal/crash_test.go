package wal

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var crashLong = flag.Bool("crash.long", false, "run the SIGKILL crash test 500 times instead of 20")

// crashEnv carries "path|run|writers" to the child process.
const crashEnv = "NEARDUP_WAL_CRASH_CHILD"

var crashParams = []byte("crash test v1")

// crashRecord is record seq of writer w in run: a 16-byte key, then bytes
// derived from it, so that a damaged record is noticed. Most records are up
// to 3000 bytes long and cross page boundaries; every 16th is longer than
// inlineMax, so that Append writes it with two system calls and a kill can
// fall between them or inside a long write.
func crashRecord(run, w, seq int) []byte {
	p := binary.LittleEndian.AppendUint32(nil, uint32(run))
	p = binary.LittleEndian.AppendUint32(p, uint32(w))
	p = binary.LittleEndian.AppendUint64(p, uint64(seq))
	n := (seq*7919 + w*13 + run) % 3000
	if seq%16 == 15 {
		n += 4 * inlineMax
	}
	for i := range n {
		p = append(p, byte(seq+i*31+w)^byte(run))
	}
	return p
}

// TestCrashChild is the child process of TestCrashKill: it appends records
// from several goroutines under SyncEach and prints "writer seq" for each
// acknowledged one, until it is killed.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashEnv)
	if spec == "" {
		t.Skip("runs only as the child process of TestCrashKill")
	}
	parts := strings.Split(spec, "|")
	run, _ := strconv.Atoi(parts[1])
	writers, _ := strconv.Atoi(parts[2])
	l, _, err := Open(parts[0], crashParams, Options{Sync: SyncEach}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(3)
	}
	for w := range writers {
		go func() {
			for seq := 0; ; seq++ {
				if err := l.Append(crashRecord(run, w, seq)); err != nil {
					fmt.Fprintln(os.Stderr, "child: append:", err)
					os.Exit(3)
				}
				// One write system call per line: lines never interleave.
				os.Stdout.WriteString(strconv.Itoa(w) + " " + strconv.Itoa(seq) + "\n")
			}
		}()
	}
	select {}
}

// TestCrashKill runs a child that appends under SyncEach, kills it with
// SIGKILL after a random delay while it writes, reopens the log and checks
// that every acknowledged record is there, in order and intact; runs follow
// each other on the same log, so each also appends after a recovery.
func TestCrashKill(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("child process")
	}
	runs := 20
	if *crashLong {
		runs = 500
	}
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	dir := t.TempDir()
	torn := 0
	var acked []map[int]int // per run, the highest acknowledged seq of each writer
	var path string
	for run := range runs {
		if run%25 == 0 { // a fresh log now and then keeps the checks fast
			path = filepath.Join(dir, fmt.Sprintf("log%d", run))
			acked = acked[:0]
		}
		writers := 1 + run%2*3
		got, err := runCrashChild(path, len(acked), writers, time.Duration(rng.IntN(15_000))*time.Microsecond)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		acked = append(acked, got)
		rep := checkCrashLog(t, path, acked)
		if rep.TornBytes > 0 {
			torn++
		}
	}
	t.Logf("%d runs, %d left a torn tail", runs, torn)
}

// runCrashChild starts a child appending as run with the given number of
// writers, kills it delay after its first acknowledgement and returns the
// highest acknowledged seq of each writer.
func runCrashChild(path string, run, writers int, delay time.Duration) (map[int]int, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", crashEnv, path, run, writers))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	first := make(chan struct{})
	done := make(chan map[int]int)
	go func() {
		got := map[int]int{}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var w, seq int
			if _, err := fmt.Sscanf(sc.Text(), "%d %d", &w, &seq); err != nil {
				continue // the test framework's own output
			}
			if len(got) == 0 {
				close(first)
			}
			got[w] = max(got[w], seq)
		}
		done <- got
	}()
	select {
	case <-first:
		time.Sleep(delay)
	case <-time.After(20 * time.Second):
	}
	killed := cmd.Process.Kill() == nil // SIGKILL on Unix
	got := <-done
	werr := cmd.Wait()
	if !killed || len(got) == 0 {
		return nil, fmt.Errorf("child ended on its own (%v) after %d acknowledgements: %s", werr, len(got), stderr.Bytes())
	}
	return got, nil
}

// checkCrashLog opens the log and checks it against the acknowledgements of
// every run since it was created: runs in order, each writer's records
// numbered 0, 1, 2, ... without gaps, every acknowledged one present, at most
// one unacknowledged one after them, and every payload intact.
func checkCrashLog(t *testing.T, path string, acked []map[int]int) Report {
	t.Helper()
	count := make([]map[int]int, len(acked))
	for i := range count {
		count[i] = map[int]int{}
	}
	lastRun := 0
	l, rep, err := Open(path, crashParams, Options{Sync: SyncBatch}, func(p []byte) error {
		if len(p) < 16 {
			return fmt.Errorf("%d-byte record", len(p))
		}
		run := int(binary.LittleEndian.Uint32(p))
		w := int(binary.LittleEndian.Uint32(p[4:]))
		seq := int(binary.LittleEndian.Uint64(p[8:]))
		if run < lastRun || run >= len(acked) {
			return fmt.Errorf("record of run %d after run %d", run, lastRun)
		}
		lastRun = run
		if seq != count[run][w] {
			return fmt.Errorf("run %d writer %d: record %d after %d", run, w, seq, count[run][w]-1)
		}
		if !bytes.Equal(p, crashRecord(run, w, seq)) {
			return fmt.Errorf("run %d writer %d record %d: payload differs", run, w, seq)
		}
		count[run][w]++
		return nil
	})
	if err != nil {
		t.Fatalf("reopen after a kill: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for run, a := range acked {
		for w, seq := range a {
			// Present: 0..seq acknowledged, seq+1 possibly written but not
			// yet printed.
			if n := count[run][w]; n < seq+1 || n > seq+2 {
				t.Fatalf("run %d writer %d: %d records, %d acknowledged", run, w, n, seq+1)
			}
		}
	}
	return rep
}
