package normalize_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// seedFiles returns the seed articles, sorted by file name.
func seedFiles(tb testing.TB) map[string]string {
	tb.Helper()
	paths, err := filepath.Glob("../testdata/seeds/*.txt")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no seed articles: %v", err)
	}
	m := make(map[string]string)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		m[filepath.Base(p)] = string(b)
	}
	return m
}

// seed returns the seed article whose file name starts with prefix.
func seed(tb testing.TB, prefix string) string {
	tb.Helper()
	for name, text := range seedFiles(tb) {
		if strings.HasPrefix(name, prefix) {
			return text
		}
	}
	tb.Fatalf("no seed article %s", prefix)
	return ""
}

// allSeeds returns the seed articles concatenated in file name order.
func allSeeds(tb testing.TB) string {
	m := seedFiles(tb)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString(m[name])
	}
	return b.String()
}
