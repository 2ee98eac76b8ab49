package embedded

import (
	"context"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestCheckProblemsInFrench: every problem Check reports carries its
// message of the catalogue, whose English is Problem and whose French
// holds no English: a flipped byte, a missing position, a stream index
// entry and a last-version entry that are gone.
func TestCheckProblemsInFrench(t *testing.T) {
	s := openTemp(t, Config{Dir: t.TempDir()})
	defer mustClose(t, s)
	mustAppend(t, s, "region-DE11", eventstore.NoStream, events(4, "RegionDefined"))
	mustAppend(t, s, "indicator-X", eventstore.NoStream, events(4, "IndicatorDefined"))
	v, closer, err := s.db.Get(eventKey(3))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), v...)
	closer.Close()
	flipped[len(flipped)-1] ^= 0x40
	for _, err := range []error{
		s.db.Set(eventKey(3), flipped, pebble.Sync),
		s.db.Delete(eventKey(6), pebble.Sync),
		s.db.Delete(streamKey("indicator-X", 3), pebble.Sync),
		s.db.Delete(versionKey("region-DE11"), pebble.Sync),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	sum, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Damage) < 4 {
		t.Fatalf("damage %+v, want at least 4 problems", sum.Damage)
	}
	var fr []string
	for _, d := range sum.Damage {
		if d.Msg.IsZero() || i18n.EN.Render(d.Msg) != d.Problem {
			t.Errorf("problem %q: message %+v renders %q in English", d.Problem, d.Msg, i18n.EN.Render(d.Msg))
		}
		fr = append(fr, i18n.FR.Render(d.Msg))
	}
	all := strings.Join(fr, "\n")
	for _, want := range []string{"somme de contrôle discordante", "la position 6 manque", "index des flux", "aucune entrée de dernière version (introuvable)"} {
		if !strings.Contains(all, want) {
			t.Errorf("French problems lack %q:\n%s", want, all)
		}
	}
	for _, english := range []string{" the ", " is ", "missing", "checksum", "not found"} {
		if strings.Contains(all, english) {
			t.Errorf("English %q in the French problems:\n%s", english, all)
		}
	}
}
