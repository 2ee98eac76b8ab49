package graphql_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestPiecewiseITSThroughTheAPI fits the Sicily series with the smoking ban
// and a second intervention from 2006-01 through the API, first named in
// its.interruptions, then found on the region's timeline, and compares
// the estimates with R 4.2.2 (lm + sandwich 3.0.2 NeweyWest, lag 3;
// domain/impact/testdata/piecewise_ref.R).
func TestPiecewiseITSThroughTheAPI(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	recordSicily(a)
	// The same counts as a violence indicator, which operations are
	// expected to affect, and an operation on the region from 2006-01.
	a.ok(`mutation {
	  v: defineIndicator(input: {code: "ACESV", name: "Events (violence family)", family: VIOLENCE, unit: "events", granularity: MONTH, desiredDirection: DOWN}) { position }
	  p: adoptPolicyChange(input: {id: "break2", title: "Second change", kind: OTHER, jurisdictions: ["ITG1"], adopted: "2005-10-01", effective: "2006-01-01"}) { position }
	  o: launchOperation(input: {id: "op-2006", title: "Operation from 2006", kind: OTHER, regions: ["ITG1"], start: "2006-01-01", targetTier: MIXED, classification: PUBLIC}) { position }
	}`, nil)
	h, rows := readCSV(t, "sicily_aces.csv")
	iy, im, ia := col(t, h, "year"), col(t, h, "month"), col(t, h, "aces")
	var batch []map[string]any
	for _, r := range rows {
		m, _ := strconv.Atoi(r[im])
		v, _ := strconv.ParseFloat(r[ia], 64)
		batch = append(batch, map[string]any{"region": "ITG1", "period": fmt.Sprintf("%s-%02d", r[iy], m), "value": v})
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "ACESV", source: "Lopez Bernal et al. 2017", rows: $rows}) { position } }`,
		map[string]any{"rows": batch})

	_, refRows := readCSV(t, "piecewise_ref.csv")
	ref := map[string]float64{}
	for _, r := range refRows {
		if r[0] == "gaussian_slope" {
			v, _ := strconv.ParseFloat(r[3], 64)
			ref[r[1]+"/"+r[2]] = v
		}
	}
	const q = `query($ind: ID!, $its: ItsOptions) { impact(intervention: "it-smoking-ban", indicator: $ind, method: ITS, its: $its) {
	  effect levelChange { estimate } explanation coefficients { name estimate { estimate } }
	  segments { intervention { id title } firstPeriod levelChange { estimate low high } slopeChange { estimate low high } effect { estimate } counterfactual { period expected low high } } } }`
	opts := func(list []string) map[string]any {
		o := map[string]any{"model": "GAUSSIAN", "harmonics": 2, "slopeChange": true, "hacLag": 3}
		if list != nil {
			o["interruptions"] = list
		}
		return o
	}
	check := func(est map[string]any, second string) {
		t.Helper()
		segs := est["segments"].([]any)
		if len(segs) != 2 {
			t.Fatalf("segments %v", segs)
		}
		names := map[string]string{"it-smoking-ban": "smokban", second: "lev2"}
		slopes := map[string]string{"it-smoking-ban": "slope", second: "slope2"}
		for _, s := range segs {
			s := s.(map[string]any)
			id := get(s, "intervention", "id").(string)
			if got, want := get(s, "levelChange", "estimate").(float64), ref["coef/"+names[id]]; math.Abs(got-want) > 1e-8*math.Abs(want) {
				t.Errorf("%s level change %.10g, R %.10g", id, got, want)
			}
			if got, want := get(s, "slopeChange", "estimate").(float64), ref["coef/"+slopes[id]]; math.Abs(got-want) > 1e-8*math.Abs(want) {
				t.Errorf("%s slope change %.10g, R %.10g", id, got, want)
			}
			cf := s["counterfactual"].([]any)
			key := map[string]string{"it-smoking-ban": "cf_ban", second: "cf_break2"}[id]
			for i, p := range cf {
				if got, want := p.(map[string]any)["expected"].(float64), ref[key+"/"+strconv.Itoa(i+1)]; math.Abs(got-want) > 1e-8*math.Abs(want) {
					t.Errorf("%s counterfactual %d: %.10g, R %.10g", id, i, got, want)
				}
			}
		}
		if get(segs[1], "firstPeriod") != "2006-01" || get(segs[0], "intervention", "title") == nil {
			t.Errorf("segments %v", segs)
		}
		if get(est, "levelChange", "estimate") != get(segs[0], "levelChange", "estimate") {
			t.Errorf("the headline is not the smoking ban's segment")
		}
	}
	// Named explicitly.
	est := a.ok(q, map[string]any{"ind": "ACES", "its": opts([]string{"break2"})})["impact"].(map[string]any)
	check(est, "break2")
	if !strings.Contains(est["explanation"].(string), "break2 from 2006-01") {
		t.Errorf("explanation does not name the other intervention: %s", est["explanation"])
	}
	// Found on the timeline: the operation (expected to affect violence);
	// the policy change records no expected effect on it.
	est = a.ok(q, map[string]any{"ind": "ACESV", "its": opts(nil)})["impact"].(map[string]any)
	check(est, "op-2006")
	if !strings.Contains(est["explanation"].(string), "op-2006 from 2006-01") || strings.Contains(est["explanation"].(string), "break2") {
		t.Errorf("explanation: %s", est["explanation"])
	}
	// AUTO, choosing an interrupted time series for the one region, also
	// fits the other intervention the timeline finds.
	auto := a.ok(`query { impact(intervention: "it-smoking-ban", indicator: "ACESV", method: AUTO) {
	  method explanation segments { intervention { __typename id start ... on Operation { targetTier } } firstPeriod levelChange { estimate } } } }`, nil)["impact"].(map[string]any)
	if auto["method"] != "ITS" {
		t.Fatalf("AUTO chose %v on one region without comparison regions", auto["method"])
	}
	if segs := auto["segments"].([]any); len(segs) != 2 || get(segs[1], "intervention", "id") != "op-2006" || get(segs[1], "firstPeriod") != "2006-01" {
		t.Errorf("AUTO's segments: %v", auto["segments"])
	} else if get(segs[1], "intervention", "__typename") != "Operation" || get(segs[1], "intervention", "targetTier") != "MIXED" || get(segs[0], "intervention", "start") != "2005-01-01" {
		t.Errorf("a segment's intervention is not the Intervention interface: %v", segs)
	}
	if !strings.Contains(auto["explanation"].(string), "op-2006 from 2006-01") {
		t.Errorf("AUTO's explanation does not name the other intervention: %s", auto["explanation"])
	}
	// [] fits the one intervention alone, as before.
	est = a.ok(q, map[string]any{"ind": "ACESV", "its": opts([]string{})})["impact"].(map[string]any)
	if len(est["segments"].([]any)) != 0 || len(est["coefficients"].([]any)) != 8 {
		t.Errorf("single interruption: %v segments, %d coefficients", est["segments"], len(est["coefficients"].([]any)))
	}
	// Bad lists name the field.
	a.failsAt(q, map[string]any{"ind": "ACES", "its": opts([]string{"nope"})}, "NOT_FOUND", "its.interruptions[0]")
	a.failsAt(q, map[string]any{"ind": "ACES", "its": opts([]string{"break2", "it-smoking-ban"})}, "BAD_INPUT", "its.interruptions[1]")
	a.failsAt(`query { impact(intervention: "it-smoking-ban", indicator: "ACES", method: BEFORE_AFTER, its: {interruptions: ["break2"]}) { effect } }`, nil, "BAD_INPUT", "its.interruptions")
}
