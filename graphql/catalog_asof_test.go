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
	  i: defineIndicator(input: {code: "port_incidents", name: "Port incidents", family: VIOLENCE, unit: "incidents",
	     granularity: MONTH, desiredDirection: DOWN}) { position }
	}`, nil)
	q := `query($asOf: String) {
	  regions(asOf: $asOf) { code }
	  region(code: "NLRTM", asOf: $asOf) { neighbours { region { code } } }
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
	if count(at, "regions") != 4 || count(at["region"].(map[string]any), "neighbours") != 1 || at["ham"] != nil ||
		count(at, "indicators") != 1 || at["indicator"] != nil {
		t.Errorf("as of %s: %v", pin, at)
	}
	latest := a.ok(q, nil)
	if count(latest, "regions") != 5 || count(latest["region"].(map[string]any), "neighbours") != 2 || latest["ham"] == nil ||
		count(latest, "indicators") != 2 || latest["indicator"] == nil {
		t.Errorf("latest: %v", latest)
	}
	a.fails(`{ regions(asOf: "99999") { code } }`, nil, "BAD_INPUT", "beyond the end of the log")
}
