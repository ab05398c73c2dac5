package storetest_test

import (
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/storetest"
)

// A Store implementation's test runs the suite on fresh stores; here the
// embedded store.
func ExampleRun() {
	conformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
			d, err := neardup.New(opt)
			if err != nil {
				t.Fatal(err)
			}
			return d
		})
	}
	_ = conformance // in a _test.go file: func TestConformance(t *testing.T) { ... }
}
