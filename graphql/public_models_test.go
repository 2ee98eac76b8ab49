package graphql_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// publicRoots are the top-level queries open to the public (README, "Who
// may see and do what"): the catalogue, series and comparisons with small
// values withheld, interventions without details, and timelines (dates
// and roles, no values).
var publicRoots = []string{"position", "regions", "region", "indicators", "indicator", "series", "interventions", "intervention", "timeline", "compareRegions"}

// TestPublicRunsNoModel: every other top-level query (every model fitted
// on recorded values: impact and its plans, staggered, power,
// displacement, scans, fragmentation, cycles and their reports and
// revision sensitivity) is FORBIDDEN to the public. They are not computed
// on values with the small ones withheld: their outputs would give the
// withheld values back. Power's baseline, for one, is the mean of the
// last prePeriods values before the start: with the other values shown,
// it gives the sum of the withheld ones exactly, as the analyst's answer
// below does (the four months 1, 2, 3 and 4 the public sees withheld sum
// to 10).
func TestPublicRunsNoModel(t *testing.T) {
	a := reportAuthAPI(t) // with cycles
	a.as("admin", seedMutation, nil).mustOK(t)
	const ref = `kind name ofType { kind name ofType { kind name ofType { kind name } } }`
	d := a.as("admin", `{ __schema { queryType { fields { name args { name type { `+ref+` } } type { `+ref+` } } } } }`, nil).mustOK(t)
	checked := 0
	for _, f := range d["__schema"].(map[string]any)["queryType"].(map[string]any)["fields"].([]any) {
		fm := f.(map[string]any)
		name := fm["name"].(string)
		if slices.Contains(publicRoots, name) {
			continue
		}
		var args []string
		vars := map[string]any{}
		var decl []string
		for i, ar := range asList(fm["args"]) {
			am := ar.(map[string]any)
			tp := am["type"].(map[string]any)
			if tp["kind"] != "NON_NULL" {
				continue
			}
			v := fmt.Sprintf("v%d", i)
			decl = append(decl, "$"+v+": "+typeString(tp))
			args = append(args, am["name"].(string)+": $"+v)
			vars[v] = a.sampleValue(tp["ofType"].(map[string]any))
		}
		q := "query"
		if len(decl) > 0 {
			q += "(" + strings.Join(decl, ", ") + ")"
		}
		q += " { " + name
		if len(args) > 0 {
			q += "(" + strings.Join(args, ", ") + ")"
		}
		if k := namedKind(fm["type"].(map[string]any)); k == "OBJECT" || k == "INTERFACE" || k == "UNION" {
			q += " { __typename }"
		}
		q += " }"
		if r := a.as("public", q, vars); r.code() != "FORBIDDEN" {
			t.Errorf("%s as the public: %v %+v, want FORBIDDEN", name, r.Data, r.Errors)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d queries checked", checked)
	}

	// What the public would get back: a series whose last four months
	// before the start are 1, 2, 3 and 4.
	var rows strings.Builder
	values := map[string]float64{}
	for m := 0; m < 72; m++ {
		p := fmt.Sprintf("%d-%02d", 2010+m/12, m%12+1)
		v := math.Round(100 + 10*math.Sin(float64(m)))
		if m >= 68 {
			v = float64(m - 67)
		}
		values[p] = v
		fmt.Fprintf(&rows, `{region: "BEANR", period: "%s", value: %g} `, p, v)
	}
	a.as("admin", `mutation { r: recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [`+rows.String()+`]}) { position } }`, nil).mustOK(t)
	pub := a.as("public", `{ series(indicator: "cocaine_price", region: "BEANR", from: "2015-09") { points { period value suppressed } } }`, nil).mustOK(t)
	if got := publicPoints(t, pub["series"]); got != "2015-09 -, 2015-10 -, 2015-11 -, 2015-12 -" {
		t.Fatalf("the public's series: %s", got)
	}
	const power = `{ power(indicator: "cocaine_price", regions: ["BEANR"], start: "2016-01-01", horizon: 6) { baseline inputs { prePeriods periods } } }`
	a.as("public", power, nil).mustFail(t, "FORBIDDEN")
	a.as("public", `{ staggered(interventions: ["op-rtm"], indicator: "cocaine_price") { att { estimate } } }`, nil).mustFail(t, "FORBIDDEN")
	pw := a.as("analyst-res", power, nil).mustOK(t)["power"].(map[string]any)
	n := int(pw["inputs"].(map[string]any)["prePeriods"].(float64))
	var before []string // the history's periods before the start
	for _, p := range asList(pw["inputs"].(map[string]any)["periods"]) {
		if p.(string) < "2016-01" {
			before = append(before, p.(string))
		}
	}
	var shown float64 // what the public sees of the baseline's window
	for _, p := range before[len(before)-n : len(before)-4] {
		shown += values[p]
	}
	if withheld := pw["baseline"].(float64)*float64(n) - shown; math.Abs(withheld-10) > 1e-6 {
		t.Fatalf("baseline %v over %d periods, shown %v: the withheld sum %v, want 10", pw["baseline"], n, shown, withheld)
	}
}

// typeString writes an introspected type as GraphQL declares it.
func typeString(tp map[string]any) string {
	switch tp["kind"] {
	case "NON_NULL":
		return typeString(tp["ofType"].(map[string]any)) + "!"
	case "LIST":
		return "[" + typeString(tp["ofType"].(map[string]any)) + "]"
	}
	return tp["name"].(string)
}

// namedKind is the kind of the named type under lists and non-nulls.
func namedKind(tp map[string]any) string {
	for tp["kind"] == "NON_NULL" || tp["kind"] == "LIST" {
		tp = tp["ofType"].(map[string]any)
	}
	return tp["kind"].(string)
}
