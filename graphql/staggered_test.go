package graphql_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// staggeredAPI is an API over TestStaggeredQuery's programme.
func staggeredAPI(t *testing.T) *api {
	t.Helper()
	a := newAPI(t, graphql.Limits{})
	var m strings.Builder
	m.WriteString(`mutation { c: defineRegion(input: {code: "LU", name: "Country", country: "LU", level: COUNTRY}) { position }
	  i: defineIndicator(input: {code: "seizures", name: "Seizures", family: AVAILABILITY, unit: "kg", granularity: MONTH, desiredDirection: UP}) { position }
	`)
	for r := 1; r <= 12; r++ {
		fmt.Fprintf(&m, "r%d: defineRegion(input: {code: \"LU%02d\", name: \"Region %d\", country: \"LU\", level: NUTS2, parent: \"LU\"}) { position }\n", r, r, r)
	}
	m.WriteString(`pa: adoptPolicyChange(input: {id: "pa", title: "Programme, wave 1", kind: OTHER, jurisdictions: ["LU01","LU02","LU03","LU04"], adopted: "2020-03-01", effective: "2020-04-01"}) { position }
	  pb: adoptPolicyChange(input: {id: "pb", title: "Programme, wave 2", kind: OTHER, jurisdictions: ["LU05","LU06","LU07","LU08"], adopted: "2020-07-01", effective: "2020-08-01"}) { position }
	}`)
	a.ok(m.String(), nil)
	var rows []map[string]any
	for r := 1; r <= 12; r++ {
		for k := 0; k < 36; k++ {
			y := 100 + 3*float64(r) + 0.5*float64(k) + 0.1*math.Sin(float64(r*37+k*11))
			if r <= 4 && k >= 15 {
				y += 5
			}
			if r >= 5 && r <= 8 && k >= 19 {
				y += 2
			}
			rows = append(rows, map[string]any{"region": fmt.Sprintf("LU%02d", r), "period": fmt.Sprintf("%d-%02d", 2019+k/12, 1+k%12), "value": y})
		}
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "seizures", source: "test", rows: $rows}) { position } }`,
		map[string]any{"rows": rows})
	return a
}

// TestStaggeredQuery records a programme adopted by two policies at
// different dates (R01-R04 from April 2020, +5; R05-R08 from August 2020,
// +2; R09-R12 never), with region and month effects and small noise, and
// checks the staggered answer: cohorts, overall effect (cohort-size
// weighted over post periods: (4*21*5 + 4*17*2)/(4*21 + 4*17) = 3.658),
// event study, inputs, words, and refusals naming the field.
func TestStaggeredQuery(t *testing.T) {
	a := staggeredAPI(t)
	q := `{ staggered(interventions: ["pa", "pb"], indicator: "seizures", control: %s) {
	  att { estimate se low high } attByCohort { estimate low high } cohorts { cohort regions estimate low high } eventStudy { relativePeriod estimate low high bandLow bandHigh }
	  preTrend { statistic pValue periods } eventAverage { estimate low high } sensitivity { breakdown maxPre sentence intervals { mbar low high } } twfe { estimate negativeWeights alreadyTreatedShare } explanation assumptions
	  fr: explanation(lang: FR) frAssumptions: assumptions(lang: FR) inputs { regions comparison periods asOf } } }`
	for _, control := range []string{"NEVER_TREATED", "NOT_YET_TREATED"} {
		d := a.ok(fmt.Sprintf(q, control), nil)["staggered"].(map[string]any)
		att := d["att"].(map[string]any)
		if est := att["estimate"].(float64); math.Abs(est-3.658) > 0.15 || att["low"].(float64) > 3.658 || att["high"].(float64) < 3.658 {
			t.Errorf("%s: att %v, want about 3.658 inside its interval", control, att)
		}
		// Two cohorts of four regions with effects 5 and 2: each region
		// counted once, the overall effect is 3.5.
		if bc := d["attByCohort"].(map[string]any); math.Abs(bc["estimate"].(float64)-3.5) > 0.15 || bc["low"].(float64) > 3.5 || bc["high"].(float64) < 3.5 {
			t.Errorf("%s: attByCohort %v, want about 3.5 inside its interval", control, bc)
		}
		cs := d["cohorts"].([]any)
		if len(cs) != 2 || cs[0].(map[string]any)["cohort"] != "2020-04" || cs[1].(map[string]any)["cohort"] != "2020-08" {
			t.Fatalf("%s: cohorts %v", control, cs)
		}
		for i, want := range []float64{5, 2} {
			if got := cs[i].(map[string]any)["estimate"].(float64); math.Abs(got-want) > 0.15 {
				t.Errorf("%s: cohort %d effect %.3f, want about %g", control, i, got, want)
			}
		}
		for _, x := range d["eventStudy"].([]any) {
			e := x.(map[string]any)
			if e["bandLow"].(float64) > e["low"].(float64) || e["bandHigh"].(float64) < e["high"].(float64) {
				t.Errorf("%s: the simultaneous band is narrower than the pointwise interval at %v", control, e)
			}
		}
		sens := d["sensitivity"].(map[string]any)
		if bd, ok := sens["breakdown"].(float64); !ok || bd <= 0 || len(sens["intervals"].([]any)) != 7 || !strings.Contains(d["explanation"].(string), "The conclusion holds unless") {
			t.Errorf("%s: sensitivity %v", control, sens)
		}
		in := d["inputs"].(map[string]any)
		if len(in["regions"].([]any)) != 8 || len(in["comparison"].([]any)) != 4 || len(in["periods"].([]any)) != 36 {
			t.Errorf("%s: inputs %v", control, in)
		}
		t.Logf("%s: %s", control, d["explanation"])
		if ex := d["explanation"].(string); !strings.Contains(ex, "two-way fixed-effects") || !strings.Contains(ex, "8 regions adopted at 2 different dates") {
			t.Errorf("%s: explanation %q", control, ex)
		}
		if fr := d["fr"].(string); !strings.Contains(fr, "8 régions ont adopté la mesure à 2 dates différentes") || strings.Contains(fr, "two-way fixed-effects") {
			t.Errorf("%s: French explanation %q", control, fr)
		}
		if fa := d["frAssumptions"].([]any); len(fa) != len(d["assumptions"].([]any)) || !strings.HasPrefix(fa[0].(string), "Tendances parallèles") {
			t.Errorf("%s: French assumptions %v", control, fa)
		}
	}
	a.fails(`{ staggered(interventions: ["pa", "nope"], indicator: "seizures") { att { estimate } } }`, nil, "NOT_FOUND", "nope")
	a.fails(`{ staggered(interventions: ["pa", "pa"], indicator: "seizures") { att { estimate } } }`, nil, "BAD_INPUT", "twice")
	a.fails(`{ staggered(interventions: ["pa", "pb"], indicator: "seizures", comparison: ["LU09", "LU01"]) { att { estimate } } }`, nil, "BAD_INPUT", "")
	a.fails(`{ staggered(interventions: ["pa", "pb"], indicator: "seizures", anticipation: -1) { att { estimate } } }`, nil, "BAD_INPUT", "anticipation")
}

// TestStaggeredClearance: an operation above the reader's clearance is
// answered exactly as one never recorded, and the public may not run the
// estimate.
func TestStaggeredClearance(t *testing.T) {
	a := newAuthAPI(t)
	q := `{ staggered(interventions: ["op-rtm", "%s"], indicator: "cocaine_price") { att { estimate } } }`
	h := a.as("analyst-res", fmt.Sprintf(q, "op-conf"), nil)
	u := a.as("analyst-res", fmt.Sprintf(q, "op-none"), nil)
	h.mustFail(t, "NOT_FOUND")
	u.mustFail(t, "NOT_FOUND")
	if strings.ReplaceAll(h.Errors[0].Message, "op-conf", "X") != strings.ReplaceAll(u.Errors[0].Message, "op-none", "X") {
		t.Errorf("hidden and unknown differ: %q vs %q", h.Errors[0].Message, u.Errors[0].Message)
	}
	a.as("public", fmt.Sprintf(q, "op-rtm"), nil).mustFail(t, "FORBIDDEN")
}

// TestStaggeredBootstrapQuery asks TestStaggeredQuery's programme with
// inference: BOOTSTRAP: the inputs and the explanation (English and
// French) say so, the estimates are the analytic answer's and the
// standard errors others, the same question gets the same answer (the
// draws are seeded from it), and a number of draws out of 99..9,999 is
// refused naming draws.
func TestStaggeredBootstrapQuery(t *testing.T) {
	a := staggeredAPI(t)
	q := `{ staggered(interventions: ["pa", "pb"], indicator: "seizures"%s) {
	  att { estimate se low high } attByCohort { estimate se } cohorts { estimate se } eventStudy { estimate se low high bandLow bandHigh } eventAverage { estimate se }
	  explanation fr: explanation(lang: FR) inputs { inference draws } } }`
	analytic := a.ok(fmt.Sprintf(q, ""), nil)["staggered"].(map[string]any)
	boot := a.ok(fmt.Sprintf(q, ", inference: BOOTSTRAP, draws: 1999"), nil)["staggered"].(map[string]any)
	if in := analytic["inputs"].(map[string]any); in["inference"] != "ANALYTIC" || in["draws"] != 999.0 {
		t.Errorf("default inputs %v", in)
	}
	if in := boot["inputs"].(map[string]any); in["inference"] != "BOOTSTRAP" || in["draws"] != 1999.0 {
		t.Errorf("bootstrap inputs %v", in)
	}
	for _, k := range []string{"att", "attByCohort", "eventAverage"} {
		b, an := boot[k].(map[string]any), analytic[k].(map[string]any)
		if b["estimate"] != an["estimate"] || b["se"] == an["se"] || b["se"].(float64) <= 0 {
			t.Errorf("%s: %v with the bootstrap, %v analytic", k, b, an)
		}
		t.Logf("%s: SE %.4f bootstrap, %.4f analytic", k, b["se"], an["se"])
	}
	att := boot["att"].(map[string]any)
	if z := (att["high"].(float64) - att["estimate"].(float64)) / att["se"].(float64); math.Abs(z-1.959963984540054) > 1e-9 {
		t.Errorf("att interval is the estimate +- %v SEs", z)
	}
	if ex := boot["explanation"].(string); !strings.Contains(ex, "one multiplier bootstrap of 1999 draws") {
		t.Errorf("explanation %q", ex)
	}
	if ex := analytic["explanation"].(string); !strings.Contains(ex, "Standard errors and 95% intervals are analytic") {
		t.Errorf("explanation %q", ex)
	}
	if fr := boot["fr"].(string); !strings.Contains(fr, "bootstrap multiplicateur de 1999 tirages") || strings.Contains(fr, "multiplier bootstrap") {
		t.Errorf("French explanation %q", fr)
	}
	again := a.ok(fmt.Sprintf(q, ", draws: 1999, inference: BOOTSTRAP"), nil)["staggered"].(map[string]any)
	if fmt.Sprint(again) != fmt.Sprint(boot) {
		t.Errorf("the same question, another answer:\n%v\n%v", again, boot)
	}
	for _, d := range []int{0, 98, 10000, -5} {
		a.failsAt(fmt.Sprintf(`{ staggered(interventions: ["pa", "pb"], indicator: "seizures", inference: BOOTSTRAP, draws: %d) { att { estimate } } }`, d), nil, "BAD_INPUT", "draws")
	}
}
