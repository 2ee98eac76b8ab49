package projections

import (
	"os"
	"path/filepath"
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
