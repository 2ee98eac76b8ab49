package projections

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInterruptedSnapshotWritesAreRemoved: the temporary files of snapshot
// writes a crash interrupted are deleted at start; finished snapshots stay.
func TestInterruptedSnapshotWritesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	write("series.snap", 10)
	write("series.snap.tmp123456", 1000)
	write("catalog.snap.tmp9", 24)
	write("notes.txt", 5)
	s, err := NewSnapshotStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, size, err := s.RemoveInterruptedWrites()
	if err != nil || files != 2 || size != 1024 {
		t.Fatalf("removed %d files of %d bytes (%v); want 2 files of 1024 bytes", files, size, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 2 {
		t.Errorf("left %v; want series.snap and notes.txt", left)
	}
}

// TestSnapshotAheadOfTheLogIsReported: a snapshot taken at a position the
// log no longer reaches (its tail was lost) is deleted and reported with
// ErrSnapshotAhead, saying how many events are gone, never silently.
func TestSnapshotAheadOfTheLogIsReported(t *testing.T) {
	s, err := NewSnapshotStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalog()
	c.checkpoint = 10
	if err := s.Save(c); err != nil {
		t.Fatal(err)
	}
	ok, err := s.Load(NewCatalog(), 7)
	if ok || !errors.Is(err, ErrSnapshotAhead) || !strings.Contains(err.Error(), "last 3 event(s)") {
		t.Fatalf("Load of a snapshot at 10 over a log ending at 7: %v, %v; want ErrSnapshotAhead naming 3 lost events", ok, err)
	}
	if exists, _, _ := s.Verify(NewCatalog(), 7); exists {
		t.Error("the snapshot ahead of the log is still there")
	}
}
