package embedded

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

// TestOpenRefusesALogWithoutItsManifestMarker: deleting the 0-byte
// marker.manifest.* file used to make the next Open start a new, empty
// store and delete the old tables and blob files. Open refuses instead,
// naming what is missing, and leaves every file where it was.
func TestOpenRefusesALogWithoutItsManifestMarker(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, Config{Dir: dir})
	mustAppend(t, s, "region-DE11", eventstore.NoStream, events(5, "RegionDefined"))
	mustClose(t, s)
	markers, _ := filepath.Glob(filepath.Join(dir, "marker.manifest.*"))
	if len(markers) != 1 {
		t.Fatalf("want one manifest marker, found %v", markers)
	}
	if err := os.Remove(markers[0]); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(dir)
	s2, err := Open(Config{Dir: dir})
	if err == nil {
		s2.Close()
		t.Fatal("Open started on a directory whose manifest marker was deleted")
	}
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("error %v; want ErrIncomplete", err)
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("Open changed the directory: %d entries before, %d after", len(before), len(after))
	}
	for i := range min(len(before), len(after)) {
		if before[i].Name() != after[i].Name() {
			t.Errorf("entry %d was %s, is %s", i, before[i].Name(), after[i].Name())
		}
	}
}

// TestOpenMessageForADirectoryHeldByAnother: a second Open of a directory
// in use says so with ErrLocked.
func TestOpenMessageForADirectoryHeldByAnother(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, Config{Dir: dir})
	defer mustClose(t, s)
	s2, err := Open(Config{Dir: dir})
	if err == nil {
		s2.Close()
		t.Fatal("a second Open succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("error %v; want ErrLocked", err)
	}
}
