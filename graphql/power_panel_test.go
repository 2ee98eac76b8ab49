package graphql_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// recordPanelPowerWorld records ten years of a monthly availability index
// (operations are expected to affect availability) in NL33 and
// 20 other NUTS2 regions (a one-factor model: level, loading on a common
// AR(1) factor, iid noise of sd 1; NL33 the mean of two others), an
// operation in NL33 from January 2020, and an earlier operation covering
// CMP07 during the history, which leaves it out of the default pool.
func recordPanelPowerWorld(a *api) {
	a.t.Helper()
	rng := rand.New(rand.NewPCG(15, 3))
	regions := []string{"NL33"}
	for j := 1; j <= 20; j++ {
		regions = append(regions, fmt.Sprintf("CMP%02d", j))
	}
	for _, r := range regions {
		a.ok(fmt.Sprintf(`mutation { defineRegion(input: {code: %q, name: %q, country: "NL", level: NUTS2}) { position } }`, r, r), nil)
	}
	a.ok(`mutation { defineIndicator(input: {code: "PRICE", name: "Purity-adjusted availability index", family: AVAILABILITY, unit: "index", granularity: MONTH, desiredDirection: DOWN}) { position } }`, nil)
	lev, load := map[string]float64{}, map[string]float64{}
	for _, r := range regions[1:] {
		lev[r], load[r] = 50+5*rng.NormFloat64(), 1+0.5*rng.NormFloat64()
	}
	lev["NL33"], load["NL33"] = (lev["CMP03"]+lev["CMP11"])/2, (load["CMP03"]+load["CMP11"])/2
	var rows []map[string]any
	f := 0.0
	for y := 2010; y < 2020; y++ {
		for m := 1; m <= 12; m++ {
			f = 0.5*f + rng.NormFloat64()
			for _, r := range regions {
				rows = append(rows, map[string]any{"region": r, "period": fmt.Sprintf("%d-%02d", y, m), "value": lev[r] + load[r]*f + rng.NormFloat64()})
			}
		}
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "PRICE", source: "sim", rows: $rows}) { position } }`, map[string]any{"rows": rows})
	a.ok(`mutation { launchOperation(input: {id: "op-old", title: "Earlier controls", kind: PORT_CONTROL, regions: ["CMP07"], start: "2016-01-01", targetTier: MID, classification: PUBLIC}) { position } }`, nil)
	a.ok(`mutation { launchOperation(input: {id: "op-p", title: "Port controls", kind: PORT_CONTROL, regions: ["NL33"], start: "2020-01-01", targetTier: MID, classification: PUBLIC}) { position } }`, nil)
}

// TestPowerDiDAndSynthThroughTheAPI: power by DID and SYNTHETIC_CONTROL
// with the default pool (CMP07, exposed to op-old, left out and named)
// and with comparison regions given; AUTO picks the synthetic control for
// one region with 19 comparison regions, as the impact query would, and
// so does Operation.power.
func TestPowerDiDAndSynthThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordPanelPowerWorld(a)
	q := `query($m: ImpactMethod, $c: [ID!]) { power(indicator: "PRICE", regions: ["NL33"], start: "2020-01-01", horizon: 12, method: $m, comparison: $c) {
	  mde mdeRelative size p0: power(effect: 0) p2: power(effect: -2) explanation inputs { method comparison windows prePeriods } } }`
	mdes := map[string]float64{}
	for _, m := range []string{"DID", "SYNTHETIC_CONTROL", "AUTO", "ITS"} {
		p := a.ok(q, map[string]any{"m": m})["power"].(map[string]any)
		finite(t, m, p)
		in := p["inputs"].(map[string]any)
		comp := in["comparison"].([]any)
		mde, _ := p["mde"].(float64)
		t.Logf("%s: mde %.3f, size %v, power at -2 %v, %d comparison regions; %s", m, mde, p["size"], p["p2"], len(comp), p["explanation"])
		mdes[in["method"].(string)] = mde
		switch m {
		case "ITS":
			if len(comp) != 0 {
				t.Errorf("ITS with comparison regions %v", comp)
			}
			continue
		case "AUTO":
			if in["method"] != "SYNTHETIC_CONTROL" || !strings.Contains(p["explanation"].(string), "Method chosen automatically") {
				t.Errorf("AUTO: %v", in)
			}
		}
		if len(comp) != 19 || fmt.Sprint(comp) == "" || strings.Contains(fmt.Sprint(comp), "CMP07") {
			t.Errorf("%s: comparison %v, want the 19 regions other than CMP07", m, comp)
		}
		if !strings.Contains(p["explanation"].(string), "CMP07 (by op-old)") {
			t.Errorf("%s: the explanation does not name the exposed region: %s", m, p["explanation"])
		}
		if !(mde > 0 && mde < 10) || math.IsNaN(mde) {
			t.Errorf("%s: mde %v", m, mde)
		}
	}
	// Named comparison regions: only those, CMP07 kept with a warning.
	p := a.ok(q, map[string]any{"m": "DID", "c": []string{"CMP07", "CMP03", "CMP11", "CMP12"}})["power"].(map[string]any)
	if c := fmt.Sprint(p["inputs"].(map[string]any)["comparison"]); c != "[CMP03 CMP07 CMP11 CMP12]" && c != "[CMP07 CMP03 CMP11 CMP12]" {
		t.Errorf("comparison %s", c)
	}
	if !strings.Contains(p["explanation"].(string), "Warning: comparison regions exposed") {
		t.Errorf("no warning: %s", p["explanation"])
	}
	a.failsAt(q, map[string]any{"m": "DID", "c": []string{"NL33"}}, "BAD_INPUT", "comparison[0]")
	a.failsAt(q, map[string]any{"m": "SYNTHETIC_CONTROL", "c": []string{"CMP03"}}, "BAD_INPUT", "comparison")

	ops := a.ok(`{ intervention(id: "op-p") { ... on Operation { power { indicator error power { mde inputs { method comparison } } } } } }`, nil)["intervention"].(map[string]any)["power"].([]any)
	op := ops[0].(map[string]any)
	pw, _ := op["power"].(map[string]any)
	if pw == nil || pw["inputs"].(map[string]any)["method"] != "SYNTHETIC_CONTROL" || pw["mde"] != mdes["SYNTHETIC_CONTROL"] {
		t.Errorf("Operation.power %v, want the synthetic control's mde %v", op, mdes["SYNTHETIC_CONTROL"])
	}
}
