//go:build race

package neardup

// raceEnabled is set when the race detector is on: the largest inputs are
// then scaled down.
const raceEnabled = true
