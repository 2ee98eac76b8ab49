package i18ntest

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestCheckerFindsEnglish: an English sentence of the catalogue, English
// written outside it and a missing key are found in French text; the
// French catalogue text, the demo world's recorded English names and the
// API's quoted argument names are not.
func TestCheckerFindsEnglish(t *testing.T) {
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	if c.Fragments() < 200 {
		t.Fatalf("%d fragments", c.Fragments())
	}
	fr := i18n.FR.T("report.sensitivity.skipped.scope") + " Rotterdam container terminal control programme. resserrez from et to."
	if got := c.English(fr); len(got) > 0 {
		t.Errorf("French text reported: %q", got)
	}
	en := i18n.EN.T("report.sensitivity.skipped.scope")
	for _, c := range []struct{ text, want string }{
		{en, "English of report.sensitivity.skipped.scope"},
		{"Résultat : the effect was small.", "English written outside the catalogue"},
		{"Titre [web.nothing.here]", "a catalogue key is missing"},
	} {
		got := strings.Join(mustChecker(t).English(c.text), "\n")
		if !strings.Contains(got, c.want) {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
}

// mustChecker is NewChecker for a test.
func mustChecker(t *testing.T) *Checker {
	t.Helper()
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
