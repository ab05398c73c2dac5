package neardup_test

import (
	"path/filepath"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/storetest"
)

func TestStoreConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
		d, err := neardup.New(opt)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

func TestStoreConformancePersistent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opt neardup.Options) neardup.Store {
		d, err := neardup.Open(filepath.Join(t.TempDir(), "store"), opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	})
}
