package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestAuditIsForAdminsAndFiltersTheLog(t *testing.T) {
	a := newAuthAPI(t)
	a.as("recorder", `mutation { reviseObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2018-03", value: 56, reason: "typo"}) { position } }`, nil).mustOK(t)
	a.as("admin", `mutation { retractObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2018-02", reason: "wrong"}) { position } }`, nil).mustOK(t)
	for _, tok := range []string{"recorder", "analyst-conf", "evaluator", "public"} {
		a.as(tok, `{ audit { scanned } }`, nil).mustFail(t, "FORBIDDEN")
	}
	entries := func(args string) []map[string]any {
		t.Helper()
		d := a.as("admin", fmt.Sprintf(`{ audit%s { next scanned entries { position stream type action principal command recordedAt } } }`, args), nil).mustOK(t)
		var out []map[string]any
		for _, e := range d["audit"].(map[string]any)["entries"].([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	all := entries("")
	if len(all) != int(a.node.Head()) {
		t.Fatalf("audit lists %d events, the log has %d", len(all), a.node.Head())
	}
	byRecorder := entries(`(principal: "recorder")`)
	if len(byRecorder) != 1 || byRecorder[0]["type"] != "ObservationRevised" || byRecorder[0]["action"] != "REVISED" ||
		byRecorder[0]["command"] != "reviseObservation" || byRecorder[0]["stream"] != "indicator-cocaine_price" {
		t.Errorf("recorder's entries: %v", byRecorder)
	}
	retracted := entries(`(type: "ObservationRetracted")`)
	if len(retracted) != 1 || retracted[0]["principal"] != "admin" || retracted[0]["action"] != "RETRACTED" {
		t.Errorf("retractions: %v", retracted)
	}
	if got := entries(`(from: "2999-01-01")`); len(got) != 0 {
		t.Errorf("entries recorded in the future: %v", got)
	}
	if got := entries(`(to: "2000-01-01")`); len(got) != 0 {
		t.Errorf("entries recorded before 2000: %v", got)
	}
	if got := entries(`(from: "2000-01-01")`); len(got) != len(all) {
		t.Errorf("from 2000: %d entries, want %d", len(got), len(all))
	}
	// Paging: limit and after.
	d := a.as("admin", `{ audit(limit: 2) { next entries { position } } }`, nil).mustOK(t)["audit"].(map[string]any)
	if next := d["next"]; next != "2" || len(d["entries"].([]any)) != 2 {
		t.Errorf("first page: %v", d)
	}
	if rest := entries(`(after: "2")`); len(rest) != len(all)-2 {
		t.Errorf("after 2: %d entries, want %d", len(rest), len(all)-2)
	}
	a.as("admin", `{ audit(limit: 0) { scanned } }`, nil).mustFail(t, "BAD_INPUT")
	a.as("admin", `{ audit(from: "yesterday") { scanned } }`, nil).mustFail(t, "BAD_INPUT")
}

func TestAuditLeavesOutOperationsAboveClearance(t *testing.T) {
	a := newAuthAPI(t)
	restrictedAdmin := `{ audit(stream: "operation-op-conf") { entries { type } } }`
	if got := a.as("admin", restrictedAdmin, nil).mustOK(t)["audit"].(map[string]any)["entries"].([]any); len(got) != 1 {
		t.Fatalf("admin sees %v", got)
	}
	d := a.as("admin-res", `{ audit { entries { stream } } }`, nil).mustOK(t)
	for _, e := range d["audit"].(map[string]any)["entries"].([]any) {
		if s := e.(map[string]any)["stream"].(string); strings.Contains(s, "op-conf") {
			t.Errorf("a RESTRICTED admin sees %s", s)
		}
	}
}
