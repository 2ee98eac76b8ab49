package embedded

import (
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/eventstoretest"
)

// openTemp opens a store in a temporary directory removed when tb ends.
// The caller closes it.
func openTemp(tb testing.TB, cfg Config) *Store {
	tb.Helper()
	if cfg.Dir == "" {
		cfg.Dir = tb.TempDir()
	}
	s, err := Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	eventstoretest.Run(t, func(tb testing.TB) eventstore.Store {
		return openTemp(tb, Config{})
	}, eventstoretest.Features{GapFreePositions: true})
}
