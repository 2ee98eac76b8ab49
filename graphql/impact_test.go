package graphql_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// The published data sets live in domain/impact/testdata, with their
// sources and licences in SOURCES.md there.
const impactTestdata = "../domain/impact/testdata/"

// readCSV returns the header and rows of a test data file.
func readCSV(tb testing.TB, name string) ([]string, [][]string) {
	tb.Helper()
	f, err := os.Open(impactTestdata + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows[0], rows[1:]
}

func col(tb testing.TB, header []string, name string) int {
	tb.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	tb.Fatalf("no column %q", name)
	return -1
}

// stateCode turns a state name into a region code ("New Hampshire" ->
// "New_Hampshire").
func stateCode(name string) string { return strings.ReplaceAll(name, " ", "_") }

// recordProp99 records the Proposition 99 data of Abadie, Diamond &
// Hainmueller (2010) through the API's own mutations: 39 states, five
// yearly indicators, and California's Proposition 99 effective 1989-01-01.
func recordProp99(a *api) {
	a.t.Helper()
	h, rows := readCSV(a.t, "prop99_smoking.csv")
	is, iy := col(a.t, h, "state"), col(a.t, h, "year")
	var b strings.Builder
	b.WriteString("mutation {\n")
	seen := map[string]bool{}
	for _, r := range rows {
		if st := r[is]; !seen[st] {
			seen[st] = true
			fmt.Fprintf(&b, "  r%d: defineRegion(input: {code: %q, name: %q, country: \"US\", level: OTHER}) { position }\n", len(seen), stateCode(st), st)
		}
	}
	units := map[string]string{"cigsale": "packs per capita", "lnincome": "log USD per capita", "beer": "gallons per capita",
		"age15to24": "share of population", "retprice": "US cents per pack"}
	for _, ind := range []string{"cigsale", "lnincome", "beer", "age15to24", "retprice"} {
		family := "CONTEXT"
		if ind == "cigsale" {
			family = "AVAILABILITY"
		}
		fmt.Fprintf(&b, "  %s: defineIndicator(input: {code: %q, name: %q, family: %s, unit: %q, granularity: YEAR, desiredDirection: NONE}) { position }\n",
			ind, ind, ind, family, units[ind])
	}
	b.WriteString(`  prop99: adoptPolicyChange(input: {id: "prop99", title: "California Proposition 99 (Tobacco Tax and Health Protection Act)",
	  kind: LEGISLATION, jurisdictions: ["California"], adopted: "1988-11-08", effective: "1989-01-01"}) { position }
}`)
	if len(seen) != 39 {
		a.t.Fatalf("%d states", len(seen))
	}
	a.ok(b.String(), nil)
	for _, ind := range []string{"cigsale", "lnincome", "beer", "age15to24", "retprice"} {
		c := col(a.t, h, ind)
		var batch []map[string]any
		for _, r := range rows {
			if r[c] == "" {
				continue
			}
			v, err := strconv.ParseFloat(r[c], 64)
			if err != nil {
				a.t.Fatal(err)
			}
			year, _ := strconv.ParseFloat(r[iy], 64)
			batch = append(batch, map[string]any{"region": stateCode(r[is]), "period": strconv.Itoa(int(year)), "value": v})
		}
		a.ok(`mutation($ind: ID!, $rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: $ind, source: "ADH 2010 via SyntheticControlMethods", rows: $rows}) { position } }`,
			map[string]any{"ind": ind, "rows": batch})
	}
}

// finite fails when any number in a decoded response is NaN or infinite,
// or when a number is missing where JSON has none (the encoder refuses
// NaN, so the check also catches a broken response).
func finite(tb testing.TB, path string, v any) {
	tb.Helper()
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			tb.Fatalf("%s = %v", path, x)
		}
	case map[string]any:
		for k, y := range x {
			finite(tb, path+"."+k, y)
		}
	case []any:
		for i, y := range x {
			finite(tb, path+"["+strconv.Itoa(i)+"]", y)
		}
	}
}

const estimateFields = `method model choice effect low high se pValue relativeEffect ratio preRmspe
  levelChange { estimate low high se pValue } slopeChange { estimate low high se pValue }
  relativeInterval { estimate low high }
  weights { region weight } placebo { rank of pValue fits { region preRmspe postRmspe ratio treated } }
  predictors { name treated synthetic donorMean v }
  counterfactual { period observed expected low high gap post }
  coefficients { name estimate { estimate low high se pValue } }
  diagnostics { name value note } parameters { name value } assumptions explanation
  inputs { intervention indicator regions comparison periods firstPeriod prePeriods postPeriods aggregation asOf
    regionPeriods { region first last periods } excluded { region reason } }`

// TestImpactProp99ThroughTheAPI reproduces Abadie, Diamond & Hainmueller
// (2010) from data recorded through the API: the synthetic California's
// weights, the placebo rank and the gap in 2000.
func TestImpactProp99ThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordProp99(a)
	q := `query($preds: [PredictorInput!]) { impact(intervention: "prop99", indicator: "cigsale", method: SYNTHETIC_CONTROL, predictors: $preds) { ` + estimateFields + ` } }`
	preds := []map[string]any{
		{"indicator": "lnincome", "from": "1980", "to": "1988"}, {"indicator": "age15to24", "from": "1980", "to": "1988"},
		{"indicator": "retprice", "from": "1980", "to": "1988"}, {"indicator": "beer", "from": "1984", "to": "1988"},
		{"indicator": "cigsale", "from": "1988", "to": "1988"}, {"indicator": "cigsale", "from": "1980", "to": "1980"},
		{"indicator": "cigsale", "from": "1975", "to": "1975"},
	}
	data := a.ok(q, map[string]any{"preds": preds})
	finite(t, "data", data)
	est := data["impact"].(map[string]any)
	in := est["inputs"].(map[string]any)
	if est["method"] != "SYNTHETIC_CONTROL" || in["firstPeriod"] != "1989" || len(in["comparison"].([]any)) != 38 ||
		fmt.Sprint(in["regions"]) != "[California]" || len(in["periods"].([]any)) != 31 || in["asOf"] == "" {
		t.Fatalf("inputs %v", in)
	}
	published := map[string]float64{"Utah": 0.334, "Nevada": 0.234, "Montana": 0.199, "Colorado": 0.164, "Connecticut": 0.069}
	var maxDev float64
	for _, w := range est["weights"].([]any) {
		w := w.(map[string]any)
		region, weight := w["region"].(string), w["weight"].(float64)
		maxDev = math.Max(maxDev, math.Abs(weight-published[region]))
		if weight > 0.001 || published[region] > 0 {
			t.Logf("%-14s %.4f (published %.3f)", region, weight, published[region])
		}
	}
	// The tolerance of domain/impact's own test of the same fit.
	if maxDev > 0.02 {
		t.Errorf("weights deviate from ADH 2010 by up to %.4f", maxDev)
	}
	pl := est["placebo"].(map[string]any)
	if pl["rank"].(float64) != 1 || pl["of"].(float64) != 39 || math.Abs(pl["pValue"].(float64)-1.0/39) > 1e-12 {
		t.Errorf("placebo %v, want rank 1 of 39", pl)
	}
	cf := est["counterfactual"].([]any)
	last := cf[len(cf)-1].(map[string]any)
	if last["period"] != "2000" || math.Abs(last["gap"].(float64)-(-26)) > 3 {
		t.Errorf("gap in %v: %v, published about -26", last["period"], last["gap"])
	}
	// Conformal intervals (issue 15): the effect's interval and a band in
	// every year after 1988 (19 years before: a band needs 19), named in
	// the parameters. (With 31 years and 12 after, the constant-effect set
	// is wide, about -126 to 9: the effect grows over the years, and only
	// 31 shifts are available.)
	lo, okLo := est["low"].(float64)
	hi, okHi := est["high"].(float64)
	if !okLo || !okHi || !(lo < est["effect"].(float64) && est["effect"].(float64) < hi) {
		t.Errorf("conformal interval %v..%v around %v: want one around the effect", est["low"], est["high"], est["effect"])
	}
	named := false
	for _, p := range est["parameters"].([]any) {
		named = named || p.(map[string]any)["name"] == "interval_method" && strings.Contains(p.(map[string]any)["value"].(string), "conformal")
	}
	if !named {
		t.Error("no interval_method parameter naming conformal inference")
	}
	for _, c := range cf {
		c := c.(map[string]any)
		if _, band := c["low"].(float64); band != c["post"].(bool) {
			t.Errorf("period %v: post %v, band %v..%v", c["period"], c["post"], c["low"], c["high"])
		}
	}
	t.Logf("gap 2000 %.2f, effect %.2f (%v to %v), pre RMSPE %.3f, placebo rank %v of %v",
		last["gap"], est["effect"], est["low"], est["high"], est["preRmspe"], pl["rank"], pl["of"])
	t.Log(est["explanation"])

	// The same query at the estimate's position gives the same answer.
	again := a.ok(`query($preds: [PredictorInput!], $asOf: String) { impact(intervention: "prop99", indicator: "cigsale", method: SYNTHETIC_CONTROL, predictors: $preds, asOf: $asOf) { effect inputs { asOf } } }`,
		map[string]any{"preds": preds, "asOf": in["asOf"]})["impact"].(map[string]any)
	if again["effect"] != est["effect"] || again["inputs"].(map[string]any)["asOf"] != in["asOf"] {
		t.Errorf("as of %v: %v, first %v", in["asOf"], again, est["effect"])
	}
}

// recordSicily records the Sicilian acute coronary events of Lopez Bernal,
// Cummins & Gasparrini (2017) through the API: the monthly counts, the
// standard population as an indicator of its own, and the smoking ban
// recorded as effective 2005-01-01, so that January 2005 is the first month
// under it (time 37), as the paper codes it. (The ban took effect on 10
// January 2005; recorded so, the first month under it would be February.)
func recordSicily(a *api) {
	a.t.Helper()
	a.ok(`mutation {
	  r: defineRegion(input: {code: "ITG1", name: "Sicilia", country: "IT", level: NUTS2}) { position }
	  aces: defineIndicator(input: {code: "ACES", name: "Acute coronary events", family: CONTEXT, unit: "admissions", granularity: MONTH, desiredDirection: DOWN}) { position }
	  pop: defineIndicator(input: {code: "STDPOP", name: "Age-standardised population", family: CONTEXT, unit: "persons", granularity: MONTH, desiredDirection: NONE}) { position }
	  ban: adoptPolicyChange(input: {id: "it-smoking-ban", title: "Italian ban on smoking in public places (Law 3/2003, art. 51)", kind: LEGISLATION,
	    jurisdictions: ["ITG1"], adopted: "2003-01-16", effective: "2005-01-01"}) { position }
	}`, nil)
	h, rows := readCSV(a.t, "sicily_aces.csv")
	iy, im := col(a.t, h, "year"), col(a.t, h, "month")
	for ind, c := range map[string]int{"ACES": col(a.t, h, "aces"), "STDPOP": col(a.t, h, "stdpop")} {
		var batch []map[string]any
		for _, r := range rows {
			m, _ := strconv.Atoi(r[im])
			v, err := strconv.ParseFloat(r[c], 64)
			if err != nil {
				a.t.Fatal(err)
			}
			batch = append(batch, map[string]any{"region": "ITG1", "period": fmt.Sprintf("%s-%02d", r[iy], m), "value": v})
		}
		a.ok(`mutation($ind: ID!, $rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: $ind, source: "Lopez Bernal et al. 2017", rows: $rows}) { position } }`,
			map[string]any{"ind": ind, "rows": batch})
	}
}

// sicilyRef reads domain/impact/testdata/sicily_ref.csv (R's glm) into
// model -> term -> column -> value.
func sicilyRef(tb testing.TB) map[string]map[string]map[string]float64 {
	tb.Helper()
	h, rows := readCSV(tb, "sicily_ref.csv")
	out := map[string]map[string]map[string]float64{}
	for _, r := range rows {
		if out[r[0]] == nil {
			out[r[0]] = map[string]map[string]float64{}
		}
		m := map[string]float64{}
		for j := 2; j < len(h); j++ {
			if r[j] != "" {
				v, err := strconv.ParseFloat(r[j], 64)
				if err != nil {
					tb.Fatal(err)
				}
				m[h[j]] = v
			}
		}
		out[r[0]][r[1]] = m
	}
	return out
}

func relClose(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(math.Abs(b), 1e-300) }

// TestImpactSicilyThroughTheAPI fits the quasi-Poisson models of the
// Lopez Bernal et al. tutorial through the API and compares them with R
// (domain/impact/testdata/sicily_ref.R).
func TestImpactSicilyThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	ref := sicilyRef(t)
	rTerm := map[string]string{"intercept": "(Intercept)", "trend": "time", "level": "smokban", "slope": "slope",
		"sin1": "s1", "sin2": "s2", "cos1": "c1", "cos2": "c2"}
	for _, c := range []struct {
		name      string
		harmonics int
		slope     bool
	}{{"level", 0, false}, {"level_harmonics", 2, false}, {"slope_harmonics", 2, true}} {
		t.Run(c.name, func(t *testing.T) {
			data := a.ok(`query($its: ItsOptions) { impact(intervention: "it-smoking-ban", indicator: "ACES", method: ITS, its: $its) { `+estimateFields+` } }`,
				map[string]any{"its": map[string]any{"model": "QUASI_POISSON", "offset": "STDPOP", "harmonics": c.harmonics, "slopeChange": c.slope}})
			finite(t, "data", data)
			est := data["impact"].(map[string]any)
			in := est["inputs"].(map[string]any)
			if in["firstPeriod"] != "2005-01" {
				t.Fatalf("first period %v", in["firstPeriod"])
			}
			if in["prePeriods"].(float64) != 36 || in["postPeriods"].(float64) != 23 || est["ratio"] != true || est["model"] != "QUASI_POISSON" {
				t.Fatalf("inputs %v, ratio %v, model %v", in, est["ratio"], est["model"])
			}
			want := ref[c.name]
			coefs := est["coefficients"].([]any)
			if len(coefs) != len(want)-9 {
				t.Fatalf("%d coefficients, R has %d", len(coefs), len(want)-9)
			}
			for _, co := range coefs {
				co := co.(map[string]any)
				e := co["estimate"].(map[string]any)
				w := want[rTerm[co["name"].(string)]]
				if !relClose(e["estimate"].(float64), w["estimate"], 1e-6) || !relClose(e["se"].(float64), w["se"], 1e-6) || !relClose(e["pValue"].(float64), w["p"], 1e-5) {
					t.Errorf("%s: %v, R %v", co["name"], e, w)
				}
			}
			lv, rl := est["levelChange"].(map[string]any), want["smokban"]
			if !relClose(lv["estimate"].(float64), rl["rr"], 1e-6) || !relClose(lv["low"].(float64), rl["rr_low_t"], 1e-6) || !relClose(lv["high"].(float64), rl["rr_high_t"], 1e-6) {
				t.Errorf("level change %v, R %.6f (%.6f-%.6f)", lv, rl["rr"], rl["rr_low_t"], rl["rr_high_t"])
			}
			diag := map[string]float64{}
			for _, d := range est["diagnostics"].([]any) {
				d := d.(map[string]any)
				diag[d["name"].(string)] = d["value"].(float64)
			}
			for _, name := range []string{"dispersion", "deviance", "null_deviance"} {
				if !relClose(diag[name], want[name]["estimate"], 1e-6) {
					t.Errorf("%s %v, R %v", name, diag[name], want[name]["estimate"])
				}
			}
			cf := est["counterfactual"].([]any)
			for _, i := range []int{0, 35, 36, 47, 58} {
				w := want["cf_"+strconv.Itoa(i)]
				p := cf[i].(map[string]any)
				if !relClose(p["expected"].(float64), w["estimate"], 1e-6) || !relClose(p["low"].(float64), w["rr_low_t"], 1e-6) || !relClose(p["high"].(float64), w["rr_high_t"], 1e-6) {
					t.Errorf("counterfactual %v: %v, R %v", p["period"], p, w)
				}
			}
			t.Logf("level change RR %.4f (%.4f-%.4f), dispersion %.3f", lv["estimate"], lv["low"], lv["high"], diag["dispersion"])
		})
	}
}

// TestImpactUnsupportedDataGetsCodedErrors: every case the data cannot
// support is refused with BAD_INPUT (unknown names with NOT_FOUND), the
// argument at fault in extensions.field and what is missing in the
// message; no response holds NaN or an infinity.
func TestImpactUnsupportedDataGetsCodedErrors(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	// ITF6 has no events at all; ITG2 has events but a gap in its
	// population.
	a.ok(`mutation {
	  a: defineRegion(input: {code: "ITF6", name: "Calabria", country: "IT", level: NUTS2}) { position }
	  b: defineRegion(input: {code: "ITG2", name: "Sardegna", country: "IT", level: NUTS2}) { position }
	}`, nil)
	var zeros, sard, pop []map[string]any
	for y := 2002; y <= 2006; y++ {
		for m := 1; m <= 12; m++ {
			if y == 2006 && m > 11 {
				break
			}
			per := fmt.Sprintf("%d-%02d", y, m)
			zeros = append(zeros, map[string]any{"region": "ITF6", "period": per, "value": 0})
			sard = append(sard, map[string]any{"region": "ITG2", "period": per, "value": 300 + 10*(m%3)})
			if per != "2004-06" {
				pop = append(pop, map[string]any{"region": "ITG2", "period": per, "value": 1.6e6})
			}
		}
	}
	rec := `mutation($ind: ID!, $rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: $ind, source: "test", rows: $rows}) { position } }`
	a.ok(rec, map[string]any{"ind": "ACES", "rows": append(zeros, sard...)})
	a.ok(rec, map[string]any{"ind": "STDPOP", "rows": pop})

	q := `query($m: ImpactMethod!, $iv: ID!, $ind: ID!, $regions: [ID!], $comparison: [ID!], $from: String, $to: String,
	  $preds: [PredictorInput!], $its: ItsOptions, $asOf: String) {
	  impact(intervention: $iv, indicator: $ind, method: $m, regions: $regions, comparison: $comparison, from: $from, to: $to,
	    predictors: $preds, its: $its, asOf: $asOf) { ` + estimateFields + ` } }`
	vars := func(kv ...any) map[string]any {
		v := map[string]any{"iv": "it-smoking-ban", "ind": "ACES", "m": "ITS"}
		for i := 0; i < len(kv); i += 2 {
			v[kv[i].(string)] = kv[i+1]
		}
		return v
	}
	for _, c := range []struct {
		name        string
		vars        map[string]any
		code, field string
		mention     string
	}{
		{"unknown intervention", vars("iv", "nope"), "NOT_FOUND", "intervention", "not recorded"},
		{"unknown indicator", vars("ind", "nope"), "NOT_FOUND", "indicator", "not defined"},
		{"unknown comparison region", vars("m", "DID", "comparison", []string{"ITG2", "XX9"}), "NOT_FOUND", "comparison[1]", "not defined"},
		{"comparison is a target", vars("m", "DID", "comparison", []string{"ITG1"}), "BAD_INPUT", "comparison[0]", "also a target"},
		{"region listed twice", vars("regions", []string{"ITG1", "ITG1"}), "BAD_INPUT", "regions[1]", "twice"},
		{"period in the wrong granularity", vars("from", "2004"), "BAD_INPUT", "from", "MONTH"},
		{"too few periods before", vars("from", "2004-11"), "BAD_INPUT", "intervention", "before the intervention"},
		{"intervention after the data", vars("to", "2004-12"), "BAD_INPUT", "intervention", "after the last period"},
		{"intervention before the data", vars("from", "2005-03"), "BAD_INPUT", "intervention", "no period before it"},
		{"no donors", vars("m", "SYNTHETIC_CONTROL", "comparison", []string{}), "BAD_INPUT", "comparison", "there are 0"},
		{"no comparison regions", vars("m", "DID", "comparison", []string{}), "BAD_INPUT", "comparison", "there are none"},
		{"all-zero counts", vars("regions", []string{"ITF6"}, "its", map[string]any{"model": "QUASI_POISSON"}), "BAD_INPUT", "regions", "all zero"},
		{"constant series", vars("regions", []string{"ITF6"}, "its", map[string]any{"model": "GAUSSIAN"}), "BAD_INPUT", "regions", "constant"},
		{"missing offset", vars("regions", []string{"ITG2"}, "its", map[string]any{"offset": "STDPOP"}), "BAD_INPUT", "its.offset", "missing offset: STDPOP has no value for ITG2 in 2004-06"},
		{"unknown offset", vars("its", map[string]any{"offset": "POP"}), "NOT_FOUND", "its.offset", "not defined"},
		{"offset with the Gaussian model", vars("its", map[string]any{"model": "GAUSSIAN", "offset": "STDPOP"}), "BAD_INPUT", "its.offset", "QUASI_POISSON"},
		{"too many harmonics", vars("its", map[string]any{"harmonics": 6}), "BAD_INPUT", "its.harmonics", "season"},
		{"synthetic control of two regions", vars("m", "SYNTHETIC_CONTROL", "regions", []string{"ITG1", "ITG2"}, "comparison", []string{"ITF6"}), "BAD_INPUT", "regions", "one treated region"},
		{"predictor after the intervention", vars("m", "SYNTHETIC_CONTROL", "comparison", []string{"ITF6", "ITG2"},
			"preds", []map[string]any{{"indicator": "ACES", "from": "2004-01", "to": "2005-06"}}), "BAD_INPUT", "predictors[0].to", "must end before"},
		{"predictor not recorded for a donor", vars("m", "SYNTHETIC_CONTROL", "comparison", []string{"ITF6", "ITG2"},
			"preds", []map[string]any{{"indicator": "STDPOP", "from": "2004-01", "to": "2004-03"}}), "BAD_INPUT", "comparison[0]", "no value of predictor STDPOP"},
		{"as of before the intervention was recorded", vars("asOf", "1"), "NOT_FOUND", "intervention", "not recorded"},
		{"unknown method", vars("m", "MAGIC"), "BAD_INPUT", "", "MAGIC"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := a.fails(q, c.vars, c.code, c.mention)
			t.Log(e.Message)
			if c.field != "" && e.Extensions["field"] != c.field {
				t.Errorf("field %v, want %s (%s)", e.Extensions["field"], c.field, e.Message)
			}
		})
	}

	// Every method on these data answers with finite numbers or a coded
	// error.
	for _, m := range []string{"BEFORE_AFTER", "ITS", "DID", "SYNTHETIC_CONTROL", "AUTO"} {
		for _, regions := range [][]string{nil, {"ITG2"}, {"ITG1", "ITG2"}} {
			for _, comparison := range [][]string{nil, {"ITF6"}, {"ITF6", "ITG2"}} {
				v := vars("m", m, "regions", regions, "comparison", comparison)
				r := a.post(q, v)
				if len(r.Errors) > 0 {
					if code := r.Errors[0].Extensions["code"]; code != "BAD_INPUT" && code != "NOT_FOUND" {
						t.Errorf("%s %v %v: %+v", m, regions, comparison, r.Errors[0])
					}
					continue
				}
				finite(t, fmt.Sprintf("%s %v %v", m, regions, comparison), r.Data)
			}
		}
	}
}

// TestImpactITSErrorsThroughTheAPI: the Gaussian model with AR(1) errors
// answers through the API as domain/impact's nlme-checked fit does.
func TestImpactITSErrorsThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	// The rate per 100,000 as an indicator of its own.
	h, rows := readCSV(t, "sicily_aces.csv")
	iy, im, ia, ip := col(t, h, "year"), col(t, h, "month"), col(t, h, "aces"), col(t, h, "stdpop")
	var batch []map[string]any
	for _, r := range rows {
		m, _ := strconv.Atoi(r[im])
		aces, _ := strconv.ParseFloat(r[ia], 64)
		pop, _ := strconv.ParseFloat(r[ip], 64)
		batch = append(batch, map[string]any{"region": "ITG1", "period": fmt.Sprintf("%s-%02d", r[iy], m), "value": aces / pop * 1e5})
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) {
	  d: defineIndicator(input: {code: "ACE_RATE", name: "Acute coronary events per 100,000", family: CONTEXT, unit: "per 100,000", granularity: MONTH, desiredDirection: DOWN}) { position }
	  r: recordObservations(input: {indicator: "ACE_RATE", source: "Lopez Bernal et al. 2017", rows: $rows}) { position } }`, map[string]any{"rows": batch})
	data := a.ok(`{ impact(intervention: "it-smoking-ban", indicator: "ACE_RATE", method: ITS, its: {model: GAUSSIAN, errors: AR1}) {
	  model levelChange { estimate se } diagnostics { name value } parameters { name value } } }`, nil)
	finite(t, "data", data)
	est := data["impact"].(map[string]any)
	lv := est["levelChange"].(map[string]any)
	// nlme::gls(corAR1, REML): -23.5450268074052 (SE 8.8157336163599052),
	// domain/impact/testdata/its_ar1_ref.csv.
	if !relClose(lv["estimate"].(float64), -23.5450268074052, 1e-6) || !relClose(lv["se"].(float64), 8.8157336163599052, 1e-6) {
		t.Errorf("level change %v", lv)
	}
	a.fails(`{ impact(intervention: "it-smoking-ban", indicator: "ACES", method: ITS, its: {model: QUASI_POISSON, errors: AR1}) { effect } }`, nil, "BAD_INPUT", "AR(1)")
}

// TestImpactHACLagThroughTheAPI: ItsOptions sets the Newey-West lag. The
// quasi-Poisson ITS of the Sicily data with errors NEWEY_WEST and hacLag 6
// gives the level coefficient's standard error of R 4.2.2 with sandwich
// 3.0.2, NeweyWest(glm(aces ~ t + smokban + offset(log(stdpop)), family =
// poisson), lag = 6, prewhite = FALSE, adjust = FALSE): 0.030919080858.
// A negative lag is refused on its field.
func TestImpactHACLagThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	q := `query($its: ItsOptions) { impact(intervention: "it-smoking-ban", indicator: "ACES", method: ITS, its: $its) { ` + estimateFields + ` } }`
	data := a.ok(q, map[string]any{"its": map[string]any{"model": "QUASI_POISSON", "offset": "STDPOP", "errors": "NEWEY_WEST", "hacLag": 6}})
	for _, co := range data["impact"].(map[string]any)["coefficients"].([]any) {
		co := co.(map[string]any)
		if co["name"] == "level" {
			if se := co["estimate"].(map[string]any)["se"].(float64); !relClose(se, 0.030919080858, 1e-6) {
				t.Errorf("level SE %.10f, R 0.030919080858", se)
			}
		}
	}
	a.failsAt(q, map[string]any{"its": map[string]any{"hacLag": -2}}, "BAD_INPUT", "its.hacLag")
}

// TestImpactDiDCoverageThroughTheAPI: a difference-in-differences on an
// unbalanced panel reports the periods each region contributed, and a
// region observed only once is listed as excluded with the reason.
func TestImpactDiDCoverageThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	a.ok(`mutation {
	  a: defineRegion(input: {code: "ITF3", name: "Campania", country: "IT", level: NUTS2}) { position }
	  b: defineRegion(input: {code: "ITG2", name: "Sardegna", country: "IT", level: NUTS2}) { position }
	  c: defineRegion(input: {code: "ITF6", name: "Calabria", country: "IT", level: NUTS2}) { position }
	}`, nil)
	var rows []map[string]any
	for y := 2002; y <= 2006; y++ {
		for m := 1; m <= 12; m++ {
			if y == 2006 && m > 11 {
				break
			}
			per := fmt.Sprintf("%d-%02d", y, m)
			rows = append(rows, map[string]any{"region": "ITF3", "period": per, "value": 900 + 7*(m%5) + y - 2002})
			if y >= 2003 {
				rows = append(rows, map[string]any{"region": "ITG2", "period": per, "value": 300 + 10*(m%3)})
			}
		}
	}
	rows = append(rows, map[string]any{"region": "ITF6", "period": "2004-03", "value": 500})
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "ACES", source: "test", rows: $rows}) { position } }`, map[string]any{"rows": rows})
	data := a.ok(`{ impact(intervention: "it-smoking-ban", indicator: "ACES", method: DID, comparison: ["ITF3", "ITG2", "ITF6"]) {
	  effect explanation inputs { regionPeriods { region first last periods } excluded { region reason } } } }`, nil)
	est := data["impact"].(map[string]any)
	in := est["inputs"].(map[string]any)
	got := map[string]map[string]any{}
	for _, c := range in["regionPeriods"].([]any) {
		c := c.(map[string]any)
		got[c["region"].(string)] = c
	}
	if g := got["ITG2"]; g == nil || g["first"] != "2003-01" || g["periods"].(float64) != 47 {
		t.Errorf("ITG2 periods %v", g)
	}
	if g := got["ITG1"]; g == nil || g["first"] != "2002-01" || g["periods"].(float64) != 59 {
		t.Errorf("ITG1 periods %v", g)
	}
	ex := in["excluded"].([]any)
	if len(ex) != 1 || ex[0].(map[string]any)["region"] != "ITF6" {
		t.Errorf("excluded %v", ex)
	}
	if !strings.Contains(est["explanation"].(string), "ITF6") {
		t.Errorf("explanation does not name ITF6: %s", est["explanation"])
	}

	// The same estimate in French: explanation, assumptions, the reason a
	// region was left out; English stays the default.
	data = a.ok(`{ impact(intervention: "it-smoking-ban", indicator: "ACES", method: DID, comparison: ["ITF3", "ITG2", "ITF6"]) {
	  explanation en: explanation(lang: EN) fr: explanation(lang: FR) assumptions frAssumptions: assumptions(lang: FR)
	  inputs { excluded { reason fr: reason(lang: FR) } } } }`, nil)
	est = data["impact"].(map[string]any)
	if est["en"] != est["explanation"] || !strings.HasPrefix(est["explanation"].(string), "Aces") && !strings.Contains(est["explanation"].(string), "Comparing how the outcome changed") {
		t.Errorf("English explanation changed: %s", est["en"])
	}
	fr := est["fr"].(string)
	for _, want := range []string{"En comparant l'évolution de l'indicateur", "ITF6", "intervalle de confiance à 95 %"} {
		if !strings.Contains(fr, want) {
			t.Errorf("French explanation lacks %q: %s", want, fr)
		}
	}
	for _, en := range []string{"Comparing how", "95% interval", "Left out", "The estimate assumes"} {
		if strings.Contains(fr, en) {
			t.Errorf("French explanation holds English %q: %s", en, fr)
		}
	}
	if as, fas := est["assumptions"].([]any), est["frAssumptions"].([]any); len(as) != len(fas) || len(fas) == 0 || !strings.HasPrefix(fas[0].(string), "Tendances parallèles") {
		t.Errorf("assumptions %v in French %v", as, fas)
	}
	ex = est["inputs"].(map[string]any)["excluded"].([]any)
	if r := ex[0].(map[string]any); !strings.HasPrefix(r["reason"].(string), "observed in one period only") || !strings.HasPrefix(r["fr"].(string), "observée sur une seule période") {
		t.Errorf("excluded reason %v", r)
	}
}
