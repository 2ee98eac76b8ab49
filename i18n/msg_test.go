package i18n

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestMessagesRenderPerLanguage(t *testing.T) {
	const key, nested, more = "test.msg.sample", "test.msg.nested", "test.msg.more"
	t.Cleanup(func() {
		for _, k := range []string{key, nested, more} {
			delete(en, k)
			delete(fr, k)
		}
	})
	register(map[string]string{key: "%s rose by %s over %d periods (%s); %s", nested: "about %s", more: "and %d more"},
		map[string]string{key: "%s a augmenté de %s sur %d périodes (%s) ; %s", nested: "environ %s", more: "et %d autres"})
	sig := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	m := M(key, "NL33", Num(sig, 12345.678), 14, M(nested, Num(nil, -0.5)),
		List{Items: []any{"A", "B", "C", M(nested, Int(12000))}, Show: 2, More: more})
	if got, want := EN.Render(m), "NL33 rose by 12345.68 over 14 periods (about -0.5); A, B and 2 more"; got != want {
		t.Errorf("EN: %q, want %q", got, want)
	}
	if got, want := FR.Render(m), "NL33 a augmenté de 12\u202f345,68 sur 14 périodes (environ -0,5) ; A, B et 2 autres"; got != want {
		t.Errorf("FR: %q, want %q", got, want)
	}
	if got, want := FR.Render(M(nested, Int(12000))), "environ 12\u202f000"; got != want {
		t.Errorf("FR Int: %q, want %q", got, want)
	}
	text := Text{M(nested, "x"), {}, M(nested, "y")}
	if got := text.In(FR); got != "environ x environ y" {
		t.Errorf("Text.In: %q", got)
	}
	if keys := (Text{m}).Keys(); len(keys) != 4 || keys[0] != key || keys[1] != nested || keys[2] != nested || keys[3] != more {
		t.Errorf("Keys: %v", keys)
	}
	// A sign and an exponent survive; text that is no number is left.
	for in, want := range map[string]string{"+1234.5": "+1234,5", "1.5e-05": "1,5e-05", "n/a": "n/a", "-1234567": "-1\u202f234\u202f567"} {
		if got := FR.Decimal(in); got != want {
			t.Errorf("FR.Decimal(%q) = %q, want %q", in, got, want)
		}
	}
	if b, err := json.Marshal(M(nested, Num(sig, 1.5))); err != nil || string(b) != `{"key":"test.msg.nested","args":[1.5]}` {
		t.Errorf("JSON %s, %v", b, err)
	}
}

// TestCountedAgrees: a counted argument takes the plural form of its
// count in the language it is written in, nested counts too, and lists
// both forms' keys.
func TestCountedAgrees(t *testing.T) {
	for _, c := range []struct {
		treated, dates int
		en, fr         string
	}{
		{1, 1, "1 region adopted at 1 date and is compared with", "1 région a adopté la mesure à 1 date et est comparée aux"},
		{3, 2, "3 regions adopted at 2 different dates and are compared with", "3 régions ont adopté la mesure à 2 dates différentes et sont comparées aux"},
	} {
		m := M("evaluate.staggered.opening",
			Count("evaluate.staggered.adopted", c.treated, c.treated, Count("evaluate.staggered.dates", c.dates, c.dates)),
			Count("evaluate.staggered.are", c.treated), "x", 0, 10, "a", "b")
		if got := EN.Render(m); !strings.HasPrefix(got, c.en) {
			t.Errorf("EN %q", got)
		}
		if got := FR.Render(m); !strings.HasPrefix(got, c.fr) {
			t.Errorf("FR %q", got)
		}
		keys := strings.Join(m.Keys(), " ")
		for _, k := range []string{"evaluate.staggered.adopted.one", "evaluate.staggered.adopted.other", "evaluate.staggered.dates.other", "evaluate.staggered.are.one"} {
			if !strings.Contains(keys, k) {
				t.Errorf("keys %q lack %s", keys, k)
			}
		}
	}
}
