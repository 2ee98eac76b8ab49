package graphql_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
)

// TestNewerQueriesAsOfAPinAreStableThroughTheAPI asks, on the demo world,
// the queries added after asOf was first checked (timeline of every
// region with its interventions as they were, staggered, power and
// Operation.power, piecewise and AUTO ITS, DID with its sensitivity,
// analysisPlan, impact(plan:), the evidence ratings, and a closed
// cycle's revisionSensitivity on its pinned side and its report) as of a
// pin, records events of every kind that could move them (operations and
// policy changes dated before the data, scope changes, conclusions,
// amendments, repeals, regions, links, plans, revisions and
// retractions), and asks again: the answers must be byte-identical.
// projections/report's TestNewerAnswersAsOfAPinAreStable checks the
// same estimates with random events; this one checks the resolvers.
func TestNewerQueriesAsOfAPinAreStableThroughTheAPI(t *testing.T) {
	if raceDetector {
		t.Skip("some forty estimates asked twice, ten times slower under the race detector; the run without it checks them (see race_on_test.go)")
	}
	if testing.Short() {
		t.Skip("records the demo world")
	}
	a := newCycleAPI(t)
	recordDemo(t, a)
	do := func(cmds ...domain.Command) {
		t.Helper()
		for _, c := range cmds {
			res, err := a.node.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, c)
			if err != nil {
				t.Fatalf("%s: %v", c.CommandName(), err)
			}
			a.node.Wait(res.Position)
		}
	}
	do(domain.LaunchOperation{ID: "op-standing", Title: "Standing terminal controls", Kind: domain.OperationKindPortControl,
		Regions: []string{"BEANR"}, Start: "2020-02-03", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationPublic},
		domain.RegisterAnalysisPlan{ID: "plan-rtm", Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Method: domain.AnalysisITS,
			Before: domain.PlanWindow{From: "2014-01", To: "2017-12"}, After: domain.PlanWindow{From: "2018-01", To: "2020-12"},
			Hypotheses: []string{"Incidents fall"}, RegisteredBy: "unit", Late: true},
		domain.OpenCycle{ID: "c-pin", Title: "Pinned", From: "2015-01-01", To: "2021-12-31",
			Interventions: []string{demo.RotterdamPortControl, demo.GermanPrecursors}})
	pin := a.node.Head()
	q := func(v int) *int { return &v }
	do(domain.PinCycleEvidence{ID: "c-pin", Position: pin},
		domain.RecordFinding{ID: "c-pin", FindingID: "f-its", Intervention: demo.RotterdamPortControl, Family: domain.FamilyViolence,
			Statement: "Incidents fell.", EffectRating: domain.EffectDesired, EvidenceQuality: q(2),
			Evidence: &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: "ITS"}},
		domain.RecordFinding{ID: "c-pin", FindingID: "f-did", Intervention: demo.GermanPrecursors, Family: domain.FamilyAvailability,
			Statement: "Prices rose.", EffectRating: domain.EffectUnclear, EvidenceQuality: q(2),
			Evidence: &domain.FindingEvidence{Indicator: demo.CocainePrice, Method: "DID"}},
		domain.CloseCycle{ID: "c-pin", Summary: "Closed."})

	// One request per answer (the API refuses answers of over 100,000
	// values), each named.
	queries := map[string]string{}
	add := func(name, format string, args ...any) {
		body := fmt.Sprintf(format, args...)
		if strings.Contains(body, "$pin") {
			queries[name] = "query($pin: String) { " + body + " }"
		} else {
			queries[name] = "{ " + body + " }"
		}
	}
	const iv = `intervention { __typename id title regions start end ... on Operation { classification summary scopeChanges { added removed effective } }
		... on PolicyChange { effective jurisdictions expectedEffects { family direction } amendments { effective reason } repealReason } }`
	for _, r := range a.ok(`query($pin: String) { regions(asOf: $pin) { code } }`, map[string]any{"pin": strconv.FormatUint(pin, 10)})["regions"].([]any) {
		code := r.(map[string]any)["code"].(string)
		add("timeline "+code, `all: timeline(region: %q, asOf: $pin) { role from to via %s }
			window: timeline(region: %q, from: "2016-01-01", to: "2020-12-31", asOf: $pin) { role from to via intervention { id } }`, code, iv, code)
	}
	est := `method effect low high pValue explanation assumptions inputs { regions comparison periods asOf }
		rating { sms quality reasons explanation design { method comparisonUnits preTrendP placeboUnits preFitRank treatedUnits conformal } }`
	add("Operation.power", `intervention(id: "op-standing") { ... on Operation { power { indicator error power { mde mdeRelative baseline size explanation
	    inputs { indicator regions comparison method periods firstPeriod horizon asOf } } } } }`)
	add("staggered", `st1: staggered(interventions: [%[1]q, %[2]q, %[3]q], indicator: %[4]q, asOf: $pin) {
	    att { estimate se low high } twfe { estimate } explanation assumptions inputs { regions comparison periods asOf } }
	  st2: staggered(interventions: [%[1]q, %[2]q, %[3]q], indicator: %[4]q, control: NOT_YET_TREATED, comparison: ["NL32", "NL33", "BE21", "DEA1"], asOf: $pin) {
	    att { estimate se low high } explanation inputs { regions comparison } }`, demo.OutreachWave1, demo.OutreachWave2, demo.OutreachWave3, demo.OutreachContacts)
	for _, m := range []string{"ITS", "BEFORE_AFTER", "DID", "SYNTHETIC_CONTROL", "AUTO"} {
		add("power "+m, `power(indicator: %q, regions: ["NLRTM"], start: "2018-01-01", horizon: 12, method: %s, asOf: $pin) {
		  mde baseline size explanation inputs { method regions comparison periods } }`, demo.PortIncidents, m)
	}
	for _, c := range []struct{ iv, ind, method string }{
		{demo.RotterdamPortControl, demo.PortIncidents, "ITS"}, {demo.RotterdamPortControl, demo.PortIncidents, "AUTO"},
		{demo.DutchResourcing, demo.DrugViolence, "ITS"}, {demo.GermanPrecursors, demo.CocainePrice, "DID"},
		{demo.AntwerpHighValue, demo.DrugViolence, "SYNTHETIC_CONTROL"}, {demo.OutreachWave1, demo.OutreachContacts, "DID"},
	} {
		add("impact "+c.iv+" "+c.ind+" "+c.method, `impact(intervention: %q, indicator: %q, method: %s, asOf: $pin) { %s sensitivity { breakdown maxPre intervals { mbar low high } sentence } }`,
			c.iv, c.ind, c.method, est)
	}
	add("analysisPlan", `plan: analysisPlan(id: "plan-rtm", asOf: $pin) { id method regions comparison its { interruptions } before { from to } after { from to } late position }
	  later: analysisPlan(id: "plan-later", asOf: $pin) { id }`)
	add("impact(plan:)", `impact(plan: "plan-rtm", asOf: $pin) { %s }`, est)
	add("cycle", `cycle(id: "c-pin") { revisionSensitivity { findingId intervention indicator method pinnedAt pinned { method effect low high pValue ratio significant error } }
	    report(format: MARKDOWN) }`)
	ask := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		for name, doc := range queries {
			var vars map[string]any
			if strings.HasPrefix(doc, "query(") {
				vars = map[string]any{"pin": strconv.FormatUint(pin, 10)}
			}
			r := a.post(doc, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: errors: %+v", name, r.Errors)
			}
			b, err := json.Marshal(r.Data)
			if err != nil {
				t.Fatal(err)
			}
			out[name] = string(b)
		}
		return out
	}
	before := ask()

	// Later events, each of a kind that could move an answer as of the pin.
	do(domain.LaunchOperation{ID: "op-late", Title: "Late-recorded operation", Kind: domain.OperationKindSeizureOperation,
		Regions: []string{"NL33", "BE21"}, Start: "2015-03-02", TargetTier: domain.TargetTierHighValue, Classification: domain.ClassificationPublic},
		domain.AdoptPolicyChange{ID: "pol-late", Title: "Late-recorded policy", Kind: domain.PolicyKindStrategy, Jurisdictions: []string{"NL", "ES"},
			Adopted: "2014-01-01", Effective: "2016-07-01", ExpectedEffects: []domain.ExpectedEffect{
				{Family: domain.FamilyViolence, Direction: domain.DirectionDown}, {Family: domain.FamilyAvailability, Direction: domain.DirectionDown},
				{Family: domain.FamilyCost, Direction: domain.DirectionUp}}},
		domain.ChangeOperationScope{ID: "op-standing", Added: []string{"BE21", "NL33"}, Removed: []string{"BEANR"}, Effective: "2020-03-01", Reason: "widened"},
		domain.ConcludeOperation{ID: "op-late", End: "2019-12-31", Summary: "done"},
		domain.AmendPolicyChange{ID: demo.DutchResourcing, Effective: "2016-01-01", Jurisdictions: []string{"NL", "BE"}, Reason: "backdated",
			ExpectedEffects: []domain.ExpectedEffect{{Family: domain.FamilyViolence, Direction: domain.DirectionDown}}},
		domain.AmendPolicyChange{ID: demo.OutreachWave2, Effective: "2019-06-01", Jurisdictions: []string{"ES52", "DEA1"}, Reason: "moved"},
		domain.RepealPolicyChange{ID: demo.GermanPrecursors, Effective: "2020-12-31", Reason: "repealed"},
		domain.RepealPolicyChange{ID: demo.OutreachWave3, Effective: "2021-06-30", Reason: "repealed"},
		domain.DefineRegion{Code: "NL33X", Name: "Sub-region of Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts3, Parent: "NL33"},
		domain.LinkRegions{A: "NL33", B: "ES52", Kind: domain.LinkKindAirRoute},
		domain.LinkRegions{A: "BEANR", B: "ESVLC", Kind: domain.LinkKindSeaRoute},
		domain.RegisterAnalysisPlan{ID: "plan-later", Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents, Method: domain.AnalysisDiD,
			Before: domain.PlanWindow{From: "2014-01", To: "2017-12"}, After: domain.PlanWindow{From: "2018-01", To: "2020-12"},
			Hypotheses: []string{"later"}, RegisteredBy: "unit", Late: true},
		domain.ReviseObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: "2016-05", Value: 999, Reason: "corrected"},
		domain.RetractObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: "2017-02", Reason: "withdrawn"},
		domain.ReviseObservation{Indicator: demo.OutreachContacts, Region: "ES52", Period: "2019-03", Value: 500, Reason: "corrected"},
		domain.ReviseObservation{Indicator: demo.CocainePrice, Region: "DEA1", Period: "2019-03", Value: 500, Reason: "corrected"},
	)
	var rows []domain.ObservationRow
	for m := range 120 {
		rows = append(rows, domain.ObservationRow{Region: "NL33X", Period: domain.Period{G: domain.Month, Index: int32(2013*12 + m)}.String(), Value: float64(40 + m%7)})
	}
	do(domain.RecordObservations{Indicator: demo.DrugViolence, Source: "later", Rows: rows})

	after := ask()
	names := make([]string, 0, len(before))
	for k := range before {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if after[k] != before[k] {
			t.Errorf("%s as of %d changed after later events:\nbefore: %.1500s\nafter:  %.1500s", k, pin, before[k], after[k])
		}
	}
}
