// Command neardup finds near-duplicate documents and repeated passages in
// French news text.
//
// Usage:
//
//	neardup scan [flags] FILE...
//
// scan reads documents from JSON Lines files (one {"id": ..., "text": ...}
// object per line), from .txt files (the ID is the file name) or from
// directories of .txt files; "-" reads JSON Lines from standard input. It
// writes JSON Lines to standard output: one "pair" object per pair of
// documents whose Jaccard similarity of word 5-shingles reaches -threshold,
// then one "cluster" object per near-duplicate cluster. Bad input lines are
// reported on standard error with their line number and skipped; the exit
// status is then 1. Run "neardup scan -h" for the flags.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: neardup <command> [flags] [arguments]

commands:
  scan         find near-duplicate pairs (and with -passages, shared passages) in documents
  dedup        write the documents that duplicate nothing kept before them
  index stats  print what a persistent index (-dir) holds
  repeats      print the passages repeated inside one text file
  serve        run the dedup stage as an HTTP service, with pages to review copies

Run "neardup <command> -h" for the flags of a command.
`

// run is the whole program, with its environment passed in for tests. It
// returns the exit status: 0 on success, 1 when input was skipped, 2 on
// usage errors or failures.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "scan":
		return runScan(args[1:], stdin, stdout, stderr)
	case "dedup":
		return runDedup(args[1:], stdin, stdout, stderr)
	case "index":
		return runIndex(args[1:], stdout, stderr)
	case "repeats":
		return runRepeats(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "neardup: unknown command %q\n%s", args[0], usage)
		return 2
	}
}
