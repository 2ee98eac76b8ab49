package impact

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestSynthParamsInFrench: the synthetic control's parameters and
// diagnostics in words are messages of the catalogue; Value and Note are
// their English rendering, the French has no key left and differs.
func TestSynthParamsInFrench(t *testing.T) {
	for _, conformal := range []bool{false, true} {
		in := SynthInput{Periods: labels(16), Start: 10, PredictorNames: []string{"a", "b"}, Placebo: true, Conformal: conformal}
		unit := func(u string, k int) SynthUnit {
			y := ramp(16, func(i int) float64 { return 10 + float64(k) + math.Sin(float64(i*(k+1))) })
			return SynthUnit{Unit: u, Outcome: y, Predictors: []float64{y[0] + y[1], y[2] * float64(k+1)}}
		}
		in.Treated = unit("T", 2)
		for j := 0; j < 6; j++ {
			in.Donors = append(in.Donors, unit("D"+strconv.Itoa(j), j))
		}
		r, err := SyntheticControl(in)
		if err != nil {
			t.Fatal(err)
		}
		words := 0
		for _, p := range r.Params {
			if p.Msg.IsZero() {
				continue
			}
			words++
			if p.ValueIn(i18n.EN) != p.Value || i18n.EN.Render(p.Msg) != p.Value {
				t.Errorf("%s: English %q", p.Name, p.Value)
			}
			if fr := p.ValueIn(i18n.FR); fr == p.Value && p.Value != "V" || strings.Contains(fr, "[imp") {
				t.Errorf("%s: French %q", p.Name, fr)
			}
		}
		for _, d := range r.Diagnostics {
			if d.NoteMsg.IsZero() {
				continue
			}
			words++
			if fr := d.NoteIn(i18n.FR); fr == d.Note || strings.Contains(fr, "[imp") || d.NoteIn(i18n.EN) != d.Note {
				t.Errorf("%s: %q / %q", d.Name, d.Note, fr)
			}
		}
		if words < 10 {
			t.Errorf("conformal %v: %d texts in words from the catalogue", conformal, words)
		}
		if v, _ := r.Param("predictor_scaling"); v != "divided by the standard deviation across the treated unit and the donors" {
			t.Errorf("predictor_scaling %q", v)
		}
	}
}
