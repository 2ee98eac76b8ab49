package graphql_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/graphql"
)

// recordDemo records the default demo world through the command service
// and waits for the read models; it returns the last position.
func recordDemo(t testing.TB, a *api) uint64 {
	t.Helper()
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, s := range w.Steps {
		res, err := a.node.Service.Handle(context.Background(), domain.Envelope{CommandID: s.CommandID, Principal: domain.System("test")}, s.Command)
		if err != nil {
			t.Fatalf("%s: %v", s.CommandID, err)
		}
		last = res.Position
	}
	a.node.Wait(last)
	return last
}

// failsAt runs a query that must fail with one error of code naming field,
// return no data for the field and leave the log unchanged.
func (a *api) failsAt(query string, vars map[string]any, code, field string) gqlError {
	a.t.Helper()
	before := a.node.Head()
	r := a.post(query, vars)
	if len(r.Errors) != 1 {
		a.t.Fatalf("%s\n-> %d errors %+v, want one %s", query, len(r.Errors), r.Errors, code)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != code || e.Extensions["field"] != field || !strings.HasPrefix(e.Message, field+": ") {
		a.t.Fatalf("%s\n-> %+v, want code %s at field %q", query, e, code, field)
	}
	for k, v := range r.Data {
		if v != nil {
			a.t.Fatalf("failed request answered %s = %v", k, v)
		}
	}
	if a.node.Head() != before {
		a.t.Fatal("failed request changed the log")
	}
	return e
}

func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

const displacementQuery = `query($iv: ID!, $ind: ID!, $target: [ID!], $buffer: [ID!], $control: [ID!], $before: PeriodRange, $after: PeriodRange, $asOf: String) {
  displacement(intervention: $iv, indicator: $ind, target: $target, buffer: $buffer, control: $control, before: $before, after: $after, asOf: $asOf) {
    intervention { id } indicator { code }
    wdq successMeasure bufferMeasure totalNetEffect category interpretation reason finding findingNote crossBorder pValue scale
    wdd { estimate se low high z pValue displacement { estimate se } }
    bufferTest { z pValue }
    regions { region name country role before after change crossBorder }
    countries { role country regions change crossBorder }
    inputs { target buffer control bufferControl derived sharedControl before { from to periods } after { from to periods } asOf dropped { region } }
    assumptions diagnostics explanation
  }
}`

func TestDisplacementOnTheDemoWorld(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	last := recordDemo(t, a)
	pos := fmt.Sprint(last)

	t.Run("rotterdam", func(t *testing.T) {
		d := a.ok(displacementQuery, map[string]any{"iv": demo.RotterdamPortControl, "ind": demo.PortIncidents})["displacement"].(map[string]any)
		if wdq, _ := d["wdq"].(float64); wdq >= 0 || d["finding"] != "DISPLACEMENT" || !strings.HasPrefix(d["category"].(string), "DISPLACEMENT_") {
			t.Fatalf("wdq %v finding %v category %v", d["wdq"], d["finding"], d["category"])
		}
		if d["crossBorder"] != true || get(d, "inputs", "asOf") != pos || get(d, "inputs", "before", "periods") != 12.0 {
			t.Fatalf("crossBorder %v inputs %v", d["crossBorder"], d["inputs"])
		}
		var anr map[string]any
		for _, r := range d["regions"].([]any) {
			if r.(map[string]any)["region"] == "BEANR" {
				anr = r.(map[string]any)
			}
		}
		if anr["role"] != "BUFFER" || anr["change"].(float64) <= 0 || anr["crossBorder"] != true || anr["country"] != "BE" {
			t.Fatalf("BEANR = %v", anr)
		}
		if z := get(d, "bufferTest", "z").(float64); z < 2.33 {
			t.Fatalf("buffer test z = %g", z)
		}
		for _, k := range []string{"explanation", "findingNote"} {
			if d[k].(string) == "" {
				t.Fatalf("%s is empty", k)
			}
		}
		if len(d["assumptions"].([]any)) < 4 {
			t.Fatalf("assumptions %v", d["assumptions"])
		}
		// The same analysis in French; English stays the default.
		fr := a.ok(`query($iv: ID!, $ind: ID!) { displacement(intervention: $iv, indicator: $ind) {
		  explanation en: explanation(lang: EN) fr: explanation(lang: FR) findingNote frNote: findingNote(lang: FR)
		  interpretation frInterpretation: interpretation(lang: FR) assumptions frAssumptions: assumptions(lang: FR) } }`,
			map[string]any{"iv": demo.RotterdamPortControl, "ind": demo.PortIncidents})["displacement"].(map[string]any)
		if fr["explanation"] != d["explanation"] || fr["en"] != d["explanation"] || fr["findingNote"] != d["findingNote"] {
			t.Errorf("the English answer changed:\n%v\n%v", fr["explanation"], d["explanation"])
		}
		for k, want := range map[string]string{"fr": "Après l'opération «", "frNote": "le WDQ se lit comme un déplacement", "frInterpretation": "un déplacement supérieur à l'effet direct"} {
			if s, _ := fr[k].(string); !strings.Contains(s, want) {
				t.Errorf("%s lacks %q: %s", k, want, s)
			}
		}
		if s := fr["fr"].(string); strings.Contains(s, "Finding:") || strings.Contains(s, "weighted displacement quotient is") || strings.Contains(s, "95% interval") {
			t.Errorf("English in the French explanation: %s", s)
		}
		if fa := fr["frAssumptions"].([]any); len(fa) != len(d["assumptions"].([]any)) || !strings.HasPrefix(fa[0].(string), "Les régions témoins montrent") {
			t.Errorf("French assumptions %v", fa)
		}

		// With the port that truly received the displaced trade as buffer,
		// the reading is the truth's: displacement smaller than the effect.
		d = a.ok(displacementQuery, map[string]any{"iv": demo.RotterdamPortControl, "ind": demo.PortIncidents,
			"buffer": []string{"BEANR"}, "asOf": pos})["displacement"].(map[string]any)
		if d["category"] != "DISPLACEMENT_SMALLER_THAN_EFFECT" || !strings.HasPrefix(d["interpretation"].(string), "displacement smaller than the direct effect") || d["reason"] != nil {
			t.Fatalf("category %v interpretation %v", d["category"], d["interpretation"])
		}
		if derived := get(d, "inputs", "derived").([]any); len(derived) != 1 || derived[0] != "CONTROL" {
			t.Fatalf("derived %v", derived)
		}
	})

	t.Run("brabant null case", func(t *testing.T) {
		d := a.ok(displacementQuery, map[string]any{"iv": demo.BrabantLabs, "ind": demo.DrugViolence})["displacement"].(map[string]any)
		if d["finding"] == "DISPLACEMENT" || get(d, "bufferTest", "pValue").(float64) < 0.05 {
			t.Fatalf("null case: finding %v, buffer test %v", d["finding"], d["bufferTest"])
		}
	})

	t.Run("not interpretable has nulls and a reason", func(t *testing.T) {
		d := a.ok(displacementQuery, map[string]any{"iv": demo.AntwerpHighValue, "ind": demo.DrugViolence})["displacement"].(map[string]any)
		if d["wdq"] != nil || d["category"] != "NOT_INTERPRETABLE" || d["reason"] == nil || d["finding"] != "NOT_INTERPRETABLE" {
			t.Fatalf("wdq %v category %v reason %v", d["wdq"], d["category"], d["reason"])
		}
	})

	t.Run("scan", func(t *testing.T) {
		s := a.ok(`{ displacementScan(intervention: "`+demo.RotterdamPortControl+`", q: 0.05) {
		  q discoveries rows { rank indicator z pValue adjusted discovery category finding } skipped { indicator reason } explanation asOf } }`, nil)["displacementScan"]
		if get(s, "rows", 0, "indicator") != demo.PortIncidents || get(s, "rows", 0, "discovery") != true || get(s, "discoveries") != 1.0 {
			t.Fatalf("scan %v", s)
		}
		if get(s, "rows", 0, "finding") != "DISPLACEMENT" || len(get(s, "skipped").([]any)) == 0 {
			t.Fatalf("scan %v", s)
		}
	})

	t.Run("fragmentation", func(t *testing.T) {
		f := a.ok(`{ fragmentation(intervention: "`+demo.AntwerpHighValue+`") {
		  flagged indicators { code } rows { indicator region role expected excess ratio adjusted flag } totals { role region adjusted }
		  inputs { target buffer } explanation } }`, nil)["fragmentation"]
		flagged := map[string]bool{}
		for _, r := range get(f, "rows").([]any) {
			if get(r, "flag") == true {
				flagged[fmt.Sprint(get(r, "indicator"), "@", get(r, "region"))] = true
			}
		}
		if !flagged[demo.ActiveGroups+"@BE21"] || get(f, "totals", 0, "region") != nil || get(f, "totals", 0, "adjusted") != nil {
			t.Fatalf("fragmentation %v", f)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		v := func(kv ...any) map[string]any {
			m := map[string]any{"iv": demo.RotterdamPortControl, "ind": demo.PortIncidents}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		rng := func(from, to string) map[string]any { return map[string]any{"from": from, "to": to} }
		a.failsAt(displacementQuery, v("target", []string{}), "BAD_INPUT", "target")
		a.failsAt(displacementQuery, v("buffer", []string{"BEANR", "XX99"}), "NOT_FOUND", "buffer[1]")
		a.failsAt(displacementQuery, v("buffer", []string{"BEANR"}, "control", []string{"FRLEH", "BEANR"}), "BAD_INPUT", "control[1]")
		a.failsAt(displacementQuery, v("target", []string{"NLRTM"}, "buffer", []string{"NLRTM"}), "BAD_INPUT", "buffer[0]")
		a.failsAt(displacementQuery, v("before", rng("1990-01", "1990-12")), "BAD_INPUT", "before")
		a.failsAt(displacementQuery, v("before", rng("2017-13", "2017-12")), "BAD_INPUT", "before.from")
		a.failsAt(displacementQuery, v("after", rng("2018-Q1", "2018-Q4")), "BAD_INPUT", "after.from")
		a.failsAt(displacementQuery, v("before", rng("2017-12", "2017-01")), "BAD_INPUT", "before.to")
		a.failsAt(displacementQuery, v("iv", "op-nope"), "NOT_FOUND", "intervention")
		a.failsAt(displacementQuery, v("ind", demo.CocaineSeizures), "BAD_INPUT", "indicator")
		a.failsAt(displacementQuery, v("asOf", "abc"), "BAD_INPUT", "asOf")
		a.failsAt(`{ displacementScan(intervention: "`+demo.RotterdamPortControl+`", q: 2) { discoveries } }`, nil, "BAD_INPUT", "q")
		a.failsAt(`{ fragmentation(intervention: "`+demo.RotterdamPortControl+`") { flagged } }`, nil, "BAD_INPUT", "intervention")
		// A range without its end is refused by the schema itself.
		a.fails(displacementQuery, v("before", map[string]any{"from": "2017-01"}), "BAD_INPUT", "to")
	})
}

func TestCompareRegionsHandChecked(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(`mutation {
	  a: defineRegion(input: {code: "AA1", name: "Alpha", country: "NL", level: NUTS2}) { position }
	  b: defineRegion(input: {code: "BB1", name: "Beta", country: "BE", level: NUTS2}) { position }
	  i: defineIndicator(input: {code: "THEFTS", name: "Thefts", family: VIOLENCE, unit: "incidents", granularity: MONTH, desiredDirection: DOWN}) { position }
	  o: recordObservations(input: {indicator: "THEFTS", source: "t", rows: [
	    {region: "AA1", period: "2020-01", value: 10}, {region: "AA1", period: "2020-02", value: 20}, {region: "AA1", period: "2020-03", value: 30},
	    {region: "BB1", period: "2020-02", value: 40}, {region: "BB1", period: "2020-03", value: 20}]}) { position }
	}`, nil)
	const q = `query($norm: Normalisation, $from: String) { compareRegions(indicator: "THEFTS", regions: ["AA1", "BB1"], normalise: $norm, from: $from) {
	  region unit normalised points { period value } } }`
	values := func(data map[string]any) map[string]float64 {
		out := map[string]float64{}
		for _, s := range data["compareRegions"].([]any) {
			for _, p := range get(s, "points").([]any) {
				out[fmt.Sprint(get(s, "region"), " ", get(p, "period"))] = get(p, "value").(float64)
			}
		}
		return out
	}
	check := func(got, want map[string]float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for k, w := range want {
			if math.Abs(got[k]-w) > 1e-9 {
				t.Fatalf("%s = %v, want %v (all: %v)", k, got[k], w, got)
			}
		}
	}

	data := a.ok(q, map[string]any{"norm": "NONE"})
	check(values(data), map[string]float64{"AA1 2020-01": 10, "AA1 2020-02": 20, "AA1 2020-03": 30, "BB1 2020-02": 40, "BB1 2020-03": 20})
	if get(data, "compareRegions", 0, "normalised") != nil || get(data, "compareRegions", 1, "region") != "BB1" {
		t.Fatalf("NONE: %v", data)
	}

	// The first period both regions have is 2020-02: AA1 20 and BB1 40 become 100.
	data = a.ok(q, map[string]any{"norm": "INDEX"})
	check(values(data), map[string]float64{"AA1 2020-01": 50, "AA1 2020-02": 100, "AA1 2020-03": 150, "BB1 2020-02": 100, "BB1 2020-03": 50})
	if n := get(data, "compareRegions", 0, "normalised").(string); !strings.Contains(n, "2020-02") {
		t.Fatalf("INDEX normalised = %q", n)
	}

	e := a.failsAt(q, map[string]any{"norm": "PER_100K"}, "BAD_INPUT", "normalise")
	if !strings.Contains(e.Message, "population") {
		t.Fatalf("missing population indicator: %q", e.Message)
	}
	a.ok(`mutation {
	  p: defineIndicator(input: {code: "POP", name: "Resident population", family: CONTEXT, unit: "persons", granularity: YEAR, desiredDirection: NONE}) { position }
	  o: recordObservations(input: {indicator: "POP", source: "t", rows: [{region: "AA1", period: "2020", value: 200000}, {region: "BB1", period: "2020", value: 50000}]}) { position }
	}`, nil)
	// A yearly population serves the months of its year: 10 / 200,000 x 100,000 = 5.
	data = a.ok(q, map[string]any{"norm": "PER_100K"})
	check(values(data), map[string]float64{"AA1 2020-01": 5, "AA1 2020-02": 10, "AA1 2020-03": 15, "BB1 2020-02": 80, "BB1 2020-03": 40})
	if u := get(data, "compareRegions", 0, "unit"); u != "incidents per 100,000 inhabitants" {
		t.Fatalf("unit %v", u)
	}
	data = a.ok(q, map[string]any{"norm": "INDEX", "from": "2020-03"})
	check(values(data), map[string]float64{"AA1 2020-03": 100, "BB1 2020-03": 100})

	a.failsAt(`{ compareRegions(indicator: "THEFTS", regions: ["AA1", "ZZ9"]) { region } }`, nil, "NOT_FOUND", "regions[1]")
	a.failsAt(`{ compareRegions(indicator: "THEFTS", regions: []) { region } }`, nil, "BAD_INPUT", "regions")
	a.failsAt(`{ compareRegions(indicator: "NOPE", regions: ["AA1"]) { region } }`, nil, "NOT_FOUND", "indicator")
	a.failsAt(`{ compareRegions(indicator: "THEFTS", regions: ["AA1"], from: "2020-05", to: "2020-01") { region } }`, nil, "BAD_INPUT", "to")
	a.failsAt(`{ compareRegions(indicator: "THEFTS", regions: ["AA1"], from: "2020") { region } }`, nil, "BAD_INPUT", "from")
}
