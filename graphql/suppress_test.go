package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

// publicPoints returns "period value" of each point of a series answer,
// "period -" for a suppressed one.
func publicPoints(t *testing.T, series any) string {
	t.Helper()
	var out []string
	for _, p := range series.(map[string]any)["points"].([]any) {
		m := p.(map[string]any)
		if m["suppressed"] == true {
			if m["value"] != nil {
				t.Fatalf("suppressed point %v has a value", m)
			}
			out = append(out, fmt.Sprint(m["period"], " -"))
			continue
		}
		out = append(out, fmt.Sprint(m["period"], " ", m["value"]))
	}
	return strings.Join(out, ", ")
}

const suppressionSeed = `mutation {
  ar: defineIndicator(input: {code: "seizures", name: "Seizures", family: AVAILABILITY, unit: "seizures", granularity: MONTH, desiredDirection: DOWN}) { position }
  po: defineIndicator(input: {code: "population", name: "Population", family: CONTEXT, unit: "inhabitants", granularity: YEAR, desiredDirection: NONE}) { position }
  pop: recordObservations(input: {indicator: "population", source: "t", rows: [
    {region: "NLRTM", period: "2018", value: 1000}, {region: "BEANR", period: "2018", value: 100000}]}) { position }
  obs: recordObservations(input: {indicator: "seizures", source: "t", rows: [
    {region: "NLRTM", period: "2018-01", value: 10}, {region: "NLRTM", period: "2018-02", value: 12}, {region: "NLRTM", period: "2018-03", value: 4},
    {region: "BEANR", period: "2018-01", value: 3}, {region: "BEANR", period: "2018-02", value: 10}, {region: "BEANR", period: "2018-03", value: 20}]}) { position }
  br: recordObservations(input: {indicator: "seizures", source: "t", rows: [
    {region: "NL33", period: "2018-01", value: 20},
    {region: "NL33", period: "2018-01", value: 17, dimensions: [{key: "sex", value: "M"}]},
    {region: "NL33", period: "2018-01", value: 3, dimensions: [{key: "sex", value: "F"}]},
    {region: "NL33", period: "2018-02", value: 30},
    {region: "NL33", period: "2018-02", value: 17, dimensions: [{key: "sex", value: "M"}]},
    {region: "NL33", period: "2018-02", value: 3, dimensions: [{key: "sex", value: "F"}]},
    {region: "NL33", period: "2018-02", value: 10, dimensions: [{key: "sex", value: "X"}]},
    {region: "NL33", period: "2018-03", value: 4},
    {region: "NL33", period: "2018-03", value: 4, dimensions: [{key: "sex", value: "F"}]}]}) { position }
}`

// TestSuppressionCannotBeUndoneByNormalisingOrDifferencing reproduces the
// attacks of issue 11: the public recovered suppressed values from an
// index (10, suppressed, suppressed -> INDEX 100, 30, 40) and from a
// breakdown and its total (total 20, M 17 -> F 3).
func TestSuppressionCannotBeUndoneByNormalisingOrDifferencing(t *testing.T) {
	a := newAuthAPI(t)
	a.as("admin", suppressionSeed, nil).mustOK(t)
	compare := func(token, norm string) []string {
		d := a.as(token, `{ compareRegions(indicator: "seizures", regions: ["NLRTM", "BEANR"], normalise: `+norm+`) { region points { period value suppressed } } }`, nil).mustOK(t)
		var out []string
		for _, s := range d["compareRegions"].([]any) {
			out = append(out, publicPoints(t, s))
		}
		return out
	}
	// As recorded, the public sees NLRTM 10, 12, - and BEANR -, 10, 20.
	want := map[string][2]string{
		"NONE": {"2018-01 10, 2018-02 12, 2018-03 -", "2018-01 -, 2018-02 10, 2018-03 20"},
		// Suppressed as recorded, suppressed once indexed; the base is the
		// first period every region shows. Before: base 2018-01, where
		// BEANR's 3 is suppressed, and NLRTM 100, 120, 40 and BEANR 100,
		// 333.3, 666.7 gave away 4 and 3.
		"INDEX": {"2018-01 83.33333333333334, 2018-02 100, 2018-03 -", "2018-01 -, 2018-02 100, 2018-03 200"},
		// Before: NLRTM 2018-03 shown as 400 per 100,000 inhabitants of 1,000.
		"PER_100K": {"2018-01 1000, 2018-02 1200, 2018-03 -", "2018-01 -, 2018-02 10, 2018-03 20"},
	}
	for norm, w := range want {
		if got := compare("public", norm); got[0] != w[0] || got[1] != w[1] {
			t.Errorf("public %s: %q, want %q", norm, got, w)
		}
	}
	// Analysts still see everything, indexed on the first common period.
	if got := compare("analyst-res", "INDEX"); got[0] != "2018-01 100, 2018-02 120, 2018-03 40" {
		t.Errorf("analyst INDEX: %q", got)
	}

	// Breakdowns: no suppressed cell can be recovered from the ones shown.
	series := func(token, dims string) string {
		d := a.as(token, `{ series(indicator: "seizures", region: "NL33"`+dims+`) { points { period value suppressed } } }`, nil).mustOK(t)
		return publicPoints(t, d["series"])
	}
	total, m := series("public", ""), series("public", `, dimensions: [{key: "sex", value: "M"}]`)
	f, x := series("public", `, dimensions: [{key: "sex", value: "F"}]`), series("public", `, dimensions: [{key: "sex", value: "X"}]`)
	// 2018-01: total 20, M 17, F 3 -> M suppressed too (before: shown, so F = 20 - 17).
	// 2018-02: total 30, M 17, F 3, X 10 -> X, the next smallest, suppressed too.
	// 2018-03: total 4 and its only cell F 4, both small.
	if total != "2018-01 20, 2018-02 30, 2018-03 -" || m != "2018-01 -, 2018-02 17" || f != "2018-01 -, 2018-02 -, 2018-03 -" || x != "2018-02 -" {
		t.Fatalf("public breakdown: total %q, M %q, F %q, X %q", total, m, f, x)
	}
	if got := series("analyst-res", `, dimensions: [{key: "sex", value: "M"}]`); got != "2018-01 17, 2018-02 17" {
		t.Errorf("analyst M: %q", got)
	}
}
