package main

import (
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
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

// TestReplicaFollowsKurrentDB: with --follow kurrentdb://..., a read
// replica follows the store's own catch-up subscription (here the test
// double's, not KurrentDB's), with no NATS and no second copy of the log:
// it sees what the primary recorded before and after it started, is
// ready, refuses writes saying where they go, and resumes from its
// snapshots after a restart.
func TestReplicaFollowsKurrentDB(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	double := kurrentdbtest.StartTB(t)
	primary := startServer(t, t.TempDir(), "--store", double.URL())
	seedCrashWorld(primary)
	before := writeDays(t, primary, "k", 0, 200, 100)
	replicaDir := t.TempDir()
	replica := startServer(t, replicaDir, "--follow", double.URL())
	if got := points(t, replica, "k", before); len(got) != 200 {
		t.Fatalf("replica at asOf %s: %d points, want 200", before, len(got))
	}
	after := writeDays(t, primary, "k", 200, 100, 50)
	want := points(t, primary, "k", after)
	if got := points(t, replica, "k", after); !reflect.DeepEqual(got, want) {
		t.Fatalf("replica at asOf %s: %d points, primary %d (or they differ)", after, len(got), len(want))
	}
	resp, err := http.Get(strings.TrimSuffix(replica.url, "/graphql") + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("replica /readyz: %d %s", resp.StatusCode, body)
	}
	_, err = replica.query(recordBatch, map[string]any{"id": "on-replica", "rows": []any{
		map[string]any{"region": "DE60", "period": "2030-01-01", "value": 1.0}}})
	if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") || !strings.Contains(err.Error(), "--store on the same KurrentDB") {
		t.Errorf("write on the replica: %v; want FORBIDDEN saying where writes go", err)
	}
	replica.stop()
	last := writeDays(t, primary, "k", 300, 50, 50)
	replica = startServer(t, replicaDir, "--follow", double.URL())
	if !strings.Contains(replica.log(), `"restored_from_snapshot":["`) {
		t.Errorf("restarted replica did not restore its snapshots; logs:\n%s", replica.log())
	}
	if got := points(t, replica, "k", last); len(got) != 350 {
		t.Errorf("restarted replica at asOf %s: %d points, want 350", last, len(got))
	}
}
