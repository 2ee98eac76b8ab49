package embedded

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

// TestNearlyFullDiskRefusesAppendsAndRecovers: when the disk's free space
// falls under the reserve, appends are refused with ErrUnavailable and
// record nothing, the reserve file is given back, reads go on; once space
// returns, appends are accepted again and the reserve is taken back, with
// nothing acknowledged lost across a reopen.
func TestNearlyFullDiskRefusesAppendsAndRecovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var free atomic.Uint64
	free.Store(1 << 30)
	cfg := Config{Dir: dir, MinFreeBytes: 8 << 20, ReserveBytes: 1 << 20,
		FreeSpace: func(string) (uint64, error) { return free.Load(), nil }}
	s := openTemp(t, cfg)
	reserve := filepath.Join(dir, reserveFile)
	if info, err := os.Stat(reserve); err != nil || info.Size() != 1<<20 {
		t.Fatalf("reserve file after Open: %v, %v; want 1 MiB", info, err)
	}
	mustAppend(t, s, "region-A", eventstore.NoStream, events(3, "RegionDefined"))

	free.Store(4 << 20) // under the 8 MiB kept free
	_, err := s.Append(ctx, "region-A", eventstore.ExactVersion(2), events(1, "RegionsLinked"))
	if !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("append on a nearly full disk: %v; want ErrUnavailable", err)
	}
	if _, err := os.Stat(reserve); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the reserve file was not given back: %v", err)
	}
	if head, _ := s.Head(ctx); head != 3 {
		t.Errorf("head %d after a refused append, want 3", head)
	}
	if evs, err := s.ReadAll(ctx, 0, 10); err != nil || len(evs) != 3 {
		t.Errorf("reads on a nearly full disk: %d events, %v; want 3", len(evs), err)
	}

	free.Store(1 << 30) // space is back
	mustAppend(t, s, "region-A", eventstore.ExactVersion(2), events(1, "RegionsLinked"))
	if info, err := os.Stat(reserve); err != nil || info.Size() != 1<<20 {
		t.Errorf("reserve file once space is back: %v, %v; want 1 MiB", info, err)
	}
	mustClose(t, s)
	s = openTemp(t, cfg)
	defer mustClose(t, s)
	if head, _ := s.Head(ctx); head != 4 {
		t.Errorf("head %d after reopening, want 4 (every acknowledged append)", head)
	}
}
