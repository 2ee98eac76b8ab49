package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// TestOpenReportsATornWALTail: a cut or a flipped byte at the end of the
// write-ahead log makes the storage engine drop the last event without a
// word (issue 12); the store now says so when it opens, naming the file,
// where the readable part ends and how much was dropped. A clean end (the
// trailer a close writes, even cut) is not reported.
func TestOpenReportsATornWALTail(t *testing.T) {
	for _, c := range []struct {
		name     string
		damage   func(path string, size int64) error
		torn     bool
		wantHead eventstore.Position
	}{
		{"clean", func(string, int64) error { return nil }, false, 10},
		// The 11-byte trailer a clean close writes, cut: no record lost.
		{"trailer cut", func(p string, size int64) error { return os.Truncate(p, size-5) }, false, 10},
		// Into the last record: the last event is lost.
		{"last record cut", func(p string, size int64) error { return os.Truncate(p, size-11-8) }, true, 9},
		{"byte flipped in the last record", func(p string, size int64) error {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			var b [1]byte
			if _, err := f.ReadAt(b[:], size-11-6); err != nil {
				return err
			}
			b[0] ^= 0x10
			_, err = f.WriteAt(b[:], size-11-6)
			return err
		}, true, 9},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(Config{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 10 {
				if _, err := s.Append(context.Background(), fmt.Sprint("s-", i), eventstore.NoStream, events(1, "E")); err != nil {
					t.Fatal(err)
				}
			}
			mustClose(t, s)
			logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
			if len(logs) == 0 {
				t.Fatal("no write-ahead log in the store directory")
			}
			newest := logs[len(logs)-1]
			st, err := os.Stat(newest)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.damage(newest, st.Size()); err != nil {
				t.Fatal(err)
			}
			var logged bytes.Buffer
			s, err = Open(Config{Dir: dir, Logger: slog.New(slog.NewJSONHandler(&logged, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer mustClose(t, s)
			if head, _ := s.Head(context.Background()); head != c.wantHead {
				t.Errorf("head %d after the damage, want %d", head, c.wantHead)
			}
			tail, torn := s.TornTail()
			warned := strings.Contains(logged.String(), "write-ahead log could not be read")
			if torn != c.torn || warned != c.torn {
				t.Fatalf("torn tail %v (%+v), warned %v; want %v\n%s", torn, tail, warned, c.torn, logged.String())
			}
			if torn && (tail.File != newest || tail.Valid <= 0 || tail.Dropped <= 0 || !strings.Contains(logged.String(), `"dropped_bytes":`)) {
				t.Errorf("torn tail %+v, log %s", tail, logged.String())
			}
		})
	}
}
