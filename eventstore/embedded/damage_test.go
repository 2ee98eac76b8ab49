package embedded

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
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

// TestCheckFindsDamage: Check reports a flipped byte in a record (its
// checksum), a missing position, and a stream index entry that is gone,
// each with its position; an undamaged store has no damage.
func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, Config{Dir: t.TempDir()})
	defer mustClose(t, s)
	mustAppend(t, s, "region-DE11", eventstore.NoStream, events(4, "RegionDefined"))
	mustAppend(t, s, "indicator-X", eventstore.NoStream, events(4, "IndicatorDefined"))
	sum, err := s.Check(ctx)
	if err != nil || len(sum.Damage) != 0 || sum.Events != 8 || sum.Streams != 2 || sum.Head != 8 {
		t.Fatalf("undamaged store: %+v, %v; want 8 events in 2 streams and no damage", sum, err)
	}

	// Flip a byte of position 3's record, delete position 6, and drop the
	// stream index entry of indicator-X version 3 (position 8).
	v, closer, err := s.db.Get(eventKey(3))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), v...)
	closer.Close()
	flipped[len(flipped)-1] ^= 0x40
	if err := s.db.Set(eventKey(3), flipped, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Delete(eventKey(6), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Delete(streamKey("indicator-X", 3), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	sum, err = s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[eventstore.Position]string{}
	for _, d := range sum.Damage {
		found[d.Position] += d.Problem + "; "
	}
	for pos, want := range map[eventstore.Position]string{3: "checksum", 6: "missing", 8: "stream index"} {
		if !strings.Contains(found[pos], want) {
			t.Errorf("position %d: damage %q, want it to mention %q (all: %+v)", pos, found[pos], want, sum.Damage)
		}
	}
}
