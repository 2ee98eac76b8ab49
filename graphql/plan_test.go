package graphql_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// planRows returns observations of plan_price in NLRTM for the months
// from..to (inclusive, "YYYY-MM"), a seasonal level with a step of +step
// from 2021-01.
func planRows(from, to int, step float64) string {
	var b strings.Builder
	for m := from; m <= to; m++ {
		y, mo := 2019+m/12, m%12+1
		v := 50 + 0.1*float64(m) + 2*math.Sin(float64(m)*1.3)
		if y >= 2021 {
			v += step
		}
		fmt.Fprintf(&b, `{region: "NLRTM", period: "%d-%02d", value: %.4f} `, y, mo, v)
	}
	return b.String()
}

// TestAnalysisPlans registers a plan before the post-period data, runs it
// with impact(plan:) (the same answer as the explicit query it stands
// for), refuses a second plan once the post-period data exist unless it
// is marked late, and keeps plans of a CONFIDENTIAL operation from a
// RESTRICTED reader exactly as the operation.
func TestAnalysisPlans(t *testing.T) {
	a := newAuthAPI(t)
	a.as("admin", `mutation {
	  i: defineIndicator(input: {code: "plan_price", name: "Price", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position }
	  o: launchOperation(input: {id: "op-plan", title: "Planned op", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2021-01-01",
	      targetTier: MID, classification: PUBLIC}) { position }
	  r: recordObservations(input: {indicator: "plan_price", source: "test", rows: [`+planRows(0, 23, 0)+`]}) { position }
	}`, nil).mustOK(t)
	const plan = `registerAnalysisPlan(input: {id: "%s", intervention: "%s", indicator: "plan_price", method: ITS, its: {model: GAUSSIAN, hacLag: 2, interruptions: []},
	    before: {from: "%s", to: "%s"}, after: {from: "%s", to: "%s"}, hypotheses: ["The price rises by 5 EUR/g or more"],
	    registeredBy: "evaluation unit"%s}) { position }`
	a.as("evaluator", "mutation { "+fmt.Sprintf(plan, "plan-1", "op-plan", "2019-01", "2020-12", "2021-01", "2021-12", "")+" }", nil).mustOK(t)

	a.as("admin", `mutation { r: recordObservations(input: {indicator: "plan_price", source: "test", rows: [`+planRows(24, 35, 6)+`]}) { position } }`, nil).mustOK(t)

	const fields = `method effect low high pValue levelChange { estimate low high } inputs { regions periods asOf firstPeriod }`
	planned := a.as("analyst-res", `{ impact(plan: "plan-1") { `+fields+` } }`, nil).mustOK(t)["impact"].(map[string]any)
	asOf := planned["inputs"].(map[string]any)["asOf"].(string)
	explicit := a.as("analyst-res", `{ impact(intervention: "op-plan", indicator: "plan_price", method: ITS, regions: ["NLRTM"], from: "2019-01", to: "2021-12",
	    its: {model: GAUSSIAN, hacLag: 2, interruptions: []}, asOf: "`+asOf+`") { `+fields+` } }`, nil).mustOK(t)["impact"].(map[string]any)
	if fmt.Sprint(planned) != fmt.Sprint(explicit) {
		t.Fatalf("impact(plan:) %v\nexplicit query %v", planned, explicit)
	}
	if lc := planned["levelChange"].(map[string]any)["estimate"].(float64); math.Abs(lc-6) > 1 {
		t.Fatalf("level change %v, the data have a step of 6", lc)
	}

	// After the post-period data: refused, naming the field, unless late.
	r := a.as("evaluator", "mutation { "+fmt.Sprintf(plan, "plan-2", "op-plan", "2019-01", "2020-12", "2021-01", "2021-12", "")+" }", nil)
	r.mustFail(t, "CONFLICT")
	if f := r.Errors[0].Extensions["field"]; f != "input.after.from" || !strings.Contains(r.Errors[0].Message, "NLRTM 2021-01") {
		t.Fatalf("refusal %+v", r.Errors[0])
	}
	a.as("evaluator", "mutation { "+fmt.Sprintf(plan, "plan-2", "op-plan", "2019-01", "2020-12", "2021-01", "2021-12", ", late: true")+" }", nil).mustOK(t)
	got := a.as("analyst-res", `{ analysisPlan(id: "plan-2") { method late postData regions comparison before { from to } its { model hacLag interruptions } hypotheses } }`, nil).mustOK(t)
	if fmt.Sprint(got["analysisPlan"]) != "map[before:map[from:2019-01 to:2020-12] comparison:[] hypotheses:[The price rises by 5 EUR/g or more] its:map[hacLag:2 interruptions:[] model:GAUSSIAN] late:true method:ITS postData:NLRTM 2021-01 regions:[NLRTM]]" {
		t.Fatalf("plan %v", got["analysisPlan"])
	}

	// impact takes either a plan or the explicit arguments.
	r = a.as("analyst-res", `{ impact(plan: "plan-1", method: DID) { effect } }`, nil)
	if r.mustFail(t, "BAD_INPUT"); r.Errors[0].Extensions["field"] != "method" {
		t.Fatalf("%+v", r.Errors)
	}
	r = a.as("analyst-res", `{ impact(intervention: "op-plan", method: ITS) { effect } }`, nil)
	if r.mustFail(t, "BAD_INPUT"); r.Errors[0].Extensions["field"] != "indicator" {
		t.Fatalf("%+v", r.Errors)
	}

	// A plan of the CONFIDENTIAL operation: invisible below its clearance,
	// answered exactly as a plan never registered.
	a.as("admin", "mutation { "+fmt.Sprintf(plan, "plan-conf", "op-conf", "2019-01", "2019-12", "2020-01", "2020-12", ", late: true")+" }", nil).mustOK(t)
	if got := a.as("analyst-conf", `{ analysisPlan(id: "plan-conf") { id } }`, nil).mustOK(t); got["analysisPlan"] == nil {
		t.Fatal("a CONFIDENTIAL reader does not see the plan")
	}
	if got := a.as("analyst-res", `{ analysisPlan(id: "plan-conf") { id } }`, nil).mustOK(t); got["analysisPlan"] != nil {
		t.Fatalf("a RESTRICTED reader sees %v", got)
	}
	_, hidden := a.raw("analyst-res", `{ impact(plan: "plan-conf") { effect } }`)
	_, unknown := a.raw("analyst-res", `{ impact(plan: "plan-none") { effect } }`)
	if hidden != strings.ReplaceAll(unknown, "plan-none", "plan-conf") || !strings.Contains(hidden, "NOT_FOUND") {
		t.Fatalf("hidden plan %s\nunknown plan %s", hidden, unknown)
	}
	// Its id cannot be taken, and the refusal says nothing else.
	_, reuse := a.raw("evaluator", "mutation { "+fmt.Sprintf(plan, "plan-conf", "op-plan", "2019-01", "2020-12", "2021-01", "2021-12", ", late: true")+" }")
	if !strings.Contains(reuse, `cannot be the id of a new analysis plan: choose another id`) || strings.Contains(reuse, "op-conf") {
		t.Fatalf("reusing the hidden plan's id: %s", reuse)
	}
}
