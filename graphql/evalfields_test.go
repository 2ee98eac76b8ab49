package graphql_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestEvaluationFieldsTakeTheirQuerysRoles: Operation.power runs the
// power analysis of the query power, so it takes that query's roles
// (ANALYST, STRATEGY, EVALUATOR, ADMIN): a RECORDER, who may read
// interventions but run no evaluation (README, "Who may see and do
// what"), is FORBIDDEN it, whichever top-level field reaches it. Before,
// the recorder read the operation's minimum detectable effect (3.0 EUR/g
// here) through interventions, intervention and timeline.
func TestEvaluationFieldsTakeTheirQuerysRoles(t *testing.T) {
	a := newAuthAPI(t)
	var rows strings.Builder
	for m := 0; m < 60; m++ {
		fmt.Fprintf(&rows, `{region: "NLRTM", period: "%d-%02d", value: %.3f} `, 2012+m/12, m%12+1, 60+0.1*float64(m)+3*math.Sin(float64(m)*1.7))
	}
	a.as("admin", `mutation { r: recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [`+rows.String()+`]}) { position } }`, nil).mustOK(t)
	launch := a.as("admin", `mutation { l: launchOperation(input: {id: "op-pw", title: "Power", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2017-01-01",
	    targetTier: MID, classification: PUBLIC}) { position } }`, nil).mustOK(t)["l"].(map[string]any)["position"].(string)

	// The query power, as of the launch, with the method Operation.power uses.
	root := a.as("analyst-res", `{ power(indicator: "cocaine_price", regions: ["NLRTM"], start: "2017-01-01", horizon: 12, method: AUTO, asOf: "`+launch+`") { mde } }`, nil).mustOK(t)
	mde, ok := root["power"].(map[string]any)["mde"].(float64)
	if !ok || mde <= 0 {
		t.Fatalf("power: %v", root)
	}
	sel := `... on Operation { id power { indicator power { mde } error } }`
	queries := map[string]string{
		"intervention":  `{ x: intervention(id: "op-pw") { ` + sel + ` } }`,
		"interventions": `{ x: interventions(region: "NLRTM") { ` + sel + ` } }`,
		"timeline":      `{ x: timeline(region: "NLRTM") { intervention { ` + sel + ` } } }`,
	}
	for name, q := range queries {
		for tok, may := range map[string]bool{"recorder": false, "public": false, "analyst-res": true, "evaluator": true} {
			r := a.as(tok, q, nil)
			if !may {
				if r.code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "Operation.power") {
					t.Errorf("%s as %s: %v %+v, want FORBIDDEN", name, tok, r.Data, r.Errors)
				}
				continue
			}
			if len(r.Errors) > 0 {
				t.Errorf("%s as %s: %+v", name, tok, r.Errors)
				continue
			}
			if got := fmt.Sprint(r.Data); !strings.Contains(got, fmt.Sprint("mde:", mde)) {
				t.Errorf("%s as %s: %s, want the power query's mde %v", name, tok, got, mde)
			}
		}
	}
	// Without power the recorder still reads the operation.
	if d := a.as("recorder", `{ intervention(id: "op-pw") { id title } }`, nil).mustOK(t); d["intervention"].(map[string]any)["title"] != "Power" {
		t.Errorf("recorder: %v", d)
	}
}
