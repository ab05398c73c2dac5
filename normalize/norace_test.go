//go:build !race

package normalize_test

// raceEnabled reports whether the race detector is on; it makes sync.Pool
// drop items at random.
const raceEnabled = false
