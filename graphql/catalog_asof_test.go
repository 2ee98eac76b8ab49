package graphql_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestCatalogQueriesAsOf checks that regions, region, indicators and
// indicator answer as of a position: regions, links and indicators
// recorded after it are left out.
func TestCatalogQueriesAsOf(t *testing.T) {
	a := newAPI(t, graphql.Limits{WaitForPosition: 300 * time.Millisecond})
	a.ok(seedMutation, nil)
	pin := strconv.FormatUint(a.node.Head(), 10)
	a.ok(`mutation {
	  ham: defineRegion(input: {code: "DEHAM", name: "Port of Hamburg", country: "DE", level: PORT}) { position }
	  l: linkRegions(input: {a: "NLRTM", b: "DEHAM", kind: SEA_ROUTE}) { position }
	  l2: linkRegions(input: {a: "BEANR", b: "DEHAM", kind: SEA_ROUTE}) { position }
	  i: defineIndicator(input: {code: "port_incidents", name: "Port incidents", family: VIOLENCE, unit: "incidents",
	     granularity: MONTH, desiredDirection: DOWN}) { position }
	}`, nil)
	q := `query($asOf: String) {
	  regions(asOf: $asOf) { code }
	  region(code: "NLRTM", asOf: $asOf) { neighbours { region { code neighbours { region { code } } } } }
	  ham: region(code: "DEHAM", asOf: $asOf) { code }
	  indicators(asOf: $asOf) { code }
	  indicator(code: "port_incidents", asOf: $asOf) { code }
	}`
	count := func(d map[string]any, k string) int {
		if d[k] == nil {
			return 0
		}
		return len(d[k].([]any))
	}
	at := a.ok(q, map[string]any{"asOf": pin})
	// NLRTM's neighbour BEANR is read as of the pin too: its later link
	// to DEHAM is left out.
	if anr := at["region"].(map[string]any)["neighbours"].([]any)[0].(map[string]any)["region"].(map[string]any); count(anr, "neighbours") != 1 {
		t.Errorf("BEANR's neighbours as of %s: %v", pin, anr)
	}
	if count(at, "regions") != 4 || count(at["region"].(map[string]any), "neighbours") != 1 || at["ham"] != nil ||
		count(at, "indicators") != 1 || at["indicator"] != nil {
		t.Errorf("as of %s: %v", pin, at)
	}
	latest := a.ok(q, nil)
	if anr := latest["region"].(map[string]any)["neighbours"].([]any)[0].(map[string]any)["region"].(map[string]any); count(anr, "neighbours") != 2 {
		t.Errorf("BEANR's neighbours at the latest: %v", anr)
	}
	if count(latest, "regions") != 5 || count(latest["region"].(map[string]any), "neighbours") != 2 || latest["ham"] == nil ||
		count(latest, "indicators") != 2 || latest["indicator"] == nil {
		t.Errorf("latest: %v", latest)
	}
	a.fails(`{ regions(asOf: "99999") { code } }`, nil, "BAD_INPUT", "beyond the end of the log")
}

// TestIndicatorScaleAndPopulation defines an indicator with a scale and a
// population through the API and reads them back; one defined without a
// scale says its scale is inferred.
func TestIndicatorScaleAndPopulation(t *testing.T) {
	a := newAPI(t, graphql.Limits{WaitForPosition: 300 * time.Millisecond})
	a.ok(`mutation {
	  p: defineIndicator(input: {code: "residents", name: "Residents", family: CONTEXT, unit: "persons", granularity: YEAR,
	     desiredDirection: NONE, scale: COUNT}) { position }
	  s: defineIndicator(input: {code: "seizures", name: "Seizures", family: AVAILABILITY, unit: "seizures", granularity: MONTH,
	     desiredDirection: UP, scale: COUNT, population: "residents"}) { position }
	  o: defineIndicator(input: {code: "old", name: "Old", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH,
	     desiredDirection: UP}) { position }
	}`, nil)
	d := a.ok(`{ s: indicator(code: "seizures") { scale scaleInferred population } o: indicator(code: "old") { scale scaleInferred population } }`, nil)
	s, o := d["s"].(map[string]any), d["o"].(map[string]any)
	if s["scale"] != "COUNT" || s["scaleInferred"] != false || s["population"] != "residents" {
		t.Errorf("seizures: %v", s)
	}
	if o["scale"] != "LEVEL" || o["scaleInferred"] != true || o["population"] != nil {
		t.Errorf("old: %v", o)
	}
	a.fails(`mutation { defineIndicator(input: {code: "x", name: "X", family: AVAILABILITY, unit: "u", granularity: MONTH,
	  desiredDirection: UP, scale: COUNT, population: "nope"}) { position } }`, nil, "NOT_FOUND", "population")
}
