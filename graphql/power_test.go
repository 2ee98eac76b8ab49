package graphql_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// recordPowerWorld records ten years of a monthly price in one region
// (50 plus iid normal noise of sd 2, simulated) and an operation launched
// after them, starting in January 2020.
func recordPowerWorld(a *api) {
	a.t.Helper()
	a.ok(`mutation {
	  r: defineRegion(input: {code: "NL33", name: "Zuid-Holland", country: "NL", level: NUTS2}) { position }
	  i: defineIndicator(input: {code: "PRICE", name: "Retail price", family: COST, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position }
	}`, nil)
	rng := rand.New(rand.NewPCG(15, 2))
	var rows []map[string]any
	for y := 2010; y < 2020; y++ {
		for m := 1; m <= 12; m++ {
			rows = append(rows, map[string]any{"region": "NL33", "period": fmt.Sprintf("%d-%02d", y, m), "value": 50 + 2*rng.NormFloat64()})
		}
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "PRICE", source: "sim", rows: $rows}) { position } }`, map[string]any{"rows": rows})
	a.ok(`mutation { launchOperation(input: {id: "op-p", title: "Port controls", kind: PORT_CONTROL, regions: ["NL33"], start: "2020-01-01", targetTier: MID, classification: PUBLIC}) { position } }`, nil)
}

// TestPowerThroughTheAPI: the power query answers the MDE of a 12-month
// ITS from the recorded history, power(effect:) grows with the effect,
// and Operation.power, read as of the launch, does not change when later
// data are recorded or old data revised.
func TestPowerThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordPowerWorld(a)
	p := a.ok(`{ power(indicator: "PRICE", regions: ["NL33"], start: "2020-01-01", horizon: 12) {
	  mde mdeRelative baseline size alpha p0: power(effect: 0) p1: power(effect: 1) p5: power(effect: 5) explanation
	  inputs { indicator regions method firstPeriod horizon prePeriods windows asOf } } }`, nil)["power"].(map[string]any)
	finite(t, "power", p)
	mde, rel, base := p["mde"].(float64), p["mdeRelative"].(float64), p["baseline"].(float64)
	in := p["inputs"].(map[string]any)
	t.Logf("mde %.3f (%.2f%% of %.2f), size %.3f, power at 0/1/5: %v %v %v; %v", mde, 100*rel, base, p["size"], p["p0"], p["p1"], p["p5"], in)
	// The normal approximation for 12 months after and 54 before, sd 2:
	// (1.96 + 0.84) * 2 * sqrt(1/54 + 1/12) is about 1.8 (ITS adds a trend: more).
	if !(mde > 1 && mde < 5) || math.Abs(rel-mde/base) > 1e-9 {
		t.Errorf("mde %v, relative %v, baseline %v", mde, rel, base)
	}
	if !(p["p5"].(float64) >= 0.8 && p["p5"].(float64) >= p["p1"].(float64)) {
		t.Errorf("power not increasing: %v %v %v", p["p0"], p["p1"], p["p5"])
	}
	if in["method"] != "ITS" || in["firstPeriod"] != "2020-01" || in["horizon"].(float64) != 12 || in["windows"].(float64) < 20 {
		t.Errorf("inputs %v", in)
	}

	// In French: the simulation's own words too, with decimal commas.
	fr := a.ok(`{ power(indicator: "PRICE", regions: ["NL33"], start: "2020-01-01", horizon: 12) { explanation(lang: FR) } }`, nil)["power"].(map[string]any)["explanation"].(string)
	for _, english := range []string{"Pretending", "earlier dates", "injecting", "With nothing injected", "of the windows"} {
		if strings.Contains(fr, english) {
			t.Errorf("French explanation holds %q: %s", english, fr)
		}
	}
	if !strings.Contains(fr, "En faisant comme si l'intervention avait commencé") || !strings.Contains(fr, "au seuil de 5,00") || strings.Contains(fr, "%!") {
		t.Errorf("French explanation: %s", fr)
	}
	if en := p["explanation"].(string); !strings.HasPrefix(en, "Pretending the intervention had started at ") {
		t.Errorf("English explanation: %s", en)
	}

	opq := `{ intervention(id: "op-p") { ... on Operation { power { indicator error power { mde mdeRelative inputs { asOf periods } } } } } }`
	first := a.ok(opq, nil)
	ops := first["intervention"].(map[string]any)["power"].([]any)
	if len(ops) != 1 || ops[0].(map[string]any)["power"] == nil {
		t.Fatalf("Operation.power %v", ops)
	}
	// Later data and a revision of the history leave it as it was.
	var rows []map[string]any
	for m := 1; m <= 12; m++ {
		rows = append(rows, map[string]any{"region": "NL33", "period": fmt.Sprintf("2020-%02d", m), "value": 70})
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "PRICE", source: "sim", rows: $rows}) { position } }`, map[string]any{"rows": rows})
	a.ok(`mutation { reviseObservation(input: {indicator: "PRICE", region: "NL33", period: "2015-03", value: 500, reason: "typo", source: "sim"}) { position } }`, nil)
	if again := a.ok(opq, nil); !reflect.DeepEqual(again, first) {
		t.Errorf("Operation.power changed after the launch:\n%v\n%v", first, again)
	}
	// The query at the latest position sees the revision.
	if now := a.ok(`{ power(indicator: "PRICE", regions: ["NL33"], start: "2020-01-01", horizon: 12) { mde } }`, nil)["power"].(map[string]any); now["mde"] == mde {
		t.Errorf("power at the latest position ignores the revision")
	}
}

func TestPowerBadArguments(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordPowerWorld(a)
	q := `query($r: [ID!]!, $s: String!, $h: Int!, $m: ImpactMethod, $a: Float) { power(indicator: "PRICE", regions: $r, start: $s, horizon: $h, method: $m, alpha: $a) { mde } }`
	vars := func(kv ...any) map[string]any {
		v := map[string]any{"r": []string{"NL33"}, "s": "2020-01-01", "h": 12}
		for i := 0; i < len(kv); i += 2 {
			v[kv[i].(string)] = kv[i+1]
		}
		return v
	}
	for _, c := range []struct {
		name  string
		vars  map[string]any
		field string
	}{
		{"horizon zero", vars("h", 0), "horizon"},
		{"alpha above 1", vars("a", 1.5), "alpha"},
		{"alpha zero", vars("a", 0.0), "alpha"},
		{"unknown region", vars("r", []string{"XX99"}), "regions[0]"},
		{"no region", vars("r", []string{}), "regions"},
		{"start not a date", vars("s", "2020-13-01"), "start"},
		{"start before the data", vars("s", "2009-06-01"), "start"},
		{"start with too little history", vars("s", "2012-01-01"), "start"},
		{"synthetic control without comparison regions", vars("m", "SYNTHETIC_CONTROL"), "comparison"},
		{"DID without comparison regions", vars("m", "DID"), "comparison"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a.t = t
			a.failsAt(q, c.vars, "BAD_INPUT", c.field)
		})
	}
}

// TestOperationPowerKeepsTheLaunchScope: Operation.power lists the
// indicators with data in the regions the operation covered at its launch.
// It listed those of its latest scope: a region added later with data of
// another indicator (recorded before the launch) added that indicator,
// with an error, and removing the launch region took PRICE out.
func TestOperationPowerKeepsTheLaunchScope(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(`mutation {
	  r: defineRegion(input: {code: "NL34", name: "Zeeland", country: "NL", level: NUTS2}) { position }
	  i: defineIndicator(input: {code: "SEIZURES", name: "Seizures", family: AVAILABILITY, unit: "seizures", granularity: MONTH, desiredDirection: UP}) { position }
	  o: recordObservations(input: {indicator: "SEIZURES", source: "sim", rows: [{region: "NL34", period: "2019-01", value: 4}, {region: "NL34", period: "2019-02", value: 5}]}) { position }
	}`, nil)
	recordPowerWorld(a)
	opq := `{ intervention(id: "op-p") { ... on Operation { power { indicator error power { mde inputs { asOf regions } } } } } }`
	first := a.ok(opq, nil)
	ops := first["intervention"].(map[string]any)["power"].([]any)
	if len(ops) != 1 || ops[0].(map[string]any)["indicator"] != "PRICE" || ops[0].(map[string]any)["power"] == nil {
		t.Fatalf("Operation.power at the launch: %v", ops)
	}
	a.ok(`mutation { changeOperationScope(input: {id: "op-p", added: ["NL34"], removed: ["NL33"], effective: "2020-06-01", reason: "moved"}) { position } }`, nil)
	if again := a.ok(opq, nil); !reflect.DeepEqual(again, first) {
		t.Errorf("Operation.power changed with a later scope change:\nbefore: %v\nafter:  %v", first, again)
	}
}
