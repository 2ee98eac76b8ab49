package graphql_test

import (
	"fmt"
	"testing"
)

// TestRevisionSensitivityQuery: Cycle.revisionSensitivity answers the
// finding's estimate at the pin and now, and the revision between them.
func TestRevisionSensitivityQuery(t *testing.T) {
	a := newCycleAPI(t)
	a.ok(seedMutation, nil)
	a.ok(`mutation {
	  i: defineIndicator(input: {code: "plan_price", name: "Price", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position }
	  o: launchOperation(input: {id: "op-plan", title: "Planned op", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2021-01-01",
	      targetTier: MID, classification: PUBLIC}) { position }
	  r: recordObservations(input: {indicator: "plan_price", source: "test", rows: [`+planRows(0, 35, 6)+`]}) { position }
	  c: openCycle(input: {id: "cy-s", title: "Sensitivity", from: "2021-01-01", to: "2021-12-31", interventions: ["op-plan"]}) { position }
	  f: recordFinding(input: {id: "cy-s", findingId: "f1", intervention: "op-plan", family: AVAILABILITY, statement: "Prices rose.",
	      effectRating: DESIRED, evidenceQuality: 1, evidence: {indicator: "plan_price", method: "BEFORE_AFTER"}}) { position }
	}`, nil)
	pin := a.ok(`{ position }`, nil)["position"].(string)
	a.ok(`mutation { p: pinCycleEvidence(input: {id: "cy-s", position: "`+pin+`"}) { position } }`, nil)
	a.ok(`mutation { r: reviseObservation(input: {indicator: "plan_price", region: "NLRTM", period: "2021-03", value: 20, reason: "typo", source: "focal point"}) { position } }`, nil)
	got := a.ok(`{ cycle(id: "cy-s") { revisionSensitivity { findingId method pinnedAt pinned { effect } latest { effect } difference
	    conclusionChanged causes { kind region period reason source } } } }`, nil)["cycle"].(map[string]any)["revisionSensitivity"].([]any)
	s := got[0].(map[string]any)
	d := s["latest"].(map[string]any)["effect"].(float64) - s["pinned"].(map[string]any)["effect"].(float64)
	if s["pinnedAt"] != pin || s["method"] != "BEFORE_AFTER" || fmt.Sprintf("%.9f", s["difference"]) != fmt.Sprintf("%.9f", d) ||
		fmt.Sprint(s["causes"]) != "[map[kind:REVISED period:2021-03 reason:typo region:NLRTM source:focal point]]" {
		t.Fatalf("sensitivity %v", s)
	}
	// One month of twelve fell by about 36: the mean after fell by about 3.
	if d > -2.5 || d < -3.5 {
		t.Fatalf("difference %v", d)
	}
}
