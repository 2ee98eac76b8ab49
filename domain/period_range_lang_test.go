package domain

import (
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestPeriodRangeErrorsInFrench: ParsePeriodRange's refusals are
// messages of the catalogue: English as before, French in French.
func TestPeriodRangeErrorsInFrench(t *testing.T) {
	for _, c := range []struct {
		in, en, fr string
	}{
		{"abc", `period range "abc": expected two years as FROM:TO, for example 1900:2100`,
			`intervalle de périodes "abc" : deux années sont attendues sous la forme DÉBUT:FIN, par exemple 1900:2100`},
		{"2100:1900", "period range 2100:1900: the first year is after the last",
			"intervalle de périodes 2100:1900 : la première année est postérieure à la dernière"},
		{"1000:3000", "period range 1000:3000: the years must lie between 1800 and 2200",
			"intervalle de périodes 1000:3000 : les années doivent être comprises entre 1800 et 2200"},
	} {
		_, err := ParsePeriodRange(c.in)
		if err == nil || err.Error() != c.en {
			t.Errorf("ParsePeriodRange(%q): %v, want %q", c.in, err, c.en)
			continue
		}
		if got := MessageIn(err, i18n.FR); got != c.fr {
			t.Errorf("ParsePeriodRange(%q) in French: %q, want %q", c.in, got, c.fr)
		}
		if ErrorCode(err) != BadInput {
			t.Errorf("ParsePeriodRange(%q): code %s", c.in, ErrorCode(err))
		}
	}
}
