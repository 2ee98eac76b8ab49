package main

import (
	"strconv"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore/kurrentdb/kurrentdbtest"
)

// TestServeOnKurrentDBTestDouble runs the built binary with --store
// pointing at the KurrentDB test double (a gRPC server in this process,
// backed by the embedded store; not KurrentDB): writes answer with
// KurrentDB-style positions (commit positions, not consecutive), reads
// with asOf work, and a restart rebuilds the same read models from the
// log in the double.
func TestServeOnKurrentDBTestDouble(t *testing.T) {
	double := kurrentdbtest.StartTB(t)
	s := startServer(t, t.TempDir(), "--store", double.URL())
	seedCrashWorld(s)
	pos := writeDays(t, s, "k", 0, 300, 100)
	// The double's commit positions are event numbers times Stride.
	if p, err := strconv.ParseUint(pos, 10, 64); err != nil || p%kurrentdbtest.Stride != 0 {
		t.Errorf("position %q is not a commit position of the double", pos)
	}
	want := points(t, s, "k", pos)
	if len(want) != 300 {
		t.Fatalf("%d points, want 300", len(want))
	}
	if head := s.must(`{ position }`, nil)["position"].(string); head != pos {
		t.Errorf("position %s after the last write at %s", head, pos)
	}
	s.stop()
	s = startServer(t, t.TempDir(), "--store", double.URL()) // no snapshots: rebuilt from the log
	if got := points(t, s, "k", pos); len(got) != 300 {
		t.Fatalf("rebuilt from KurrentDB: %d points, want 300", len(got))
	}
}
