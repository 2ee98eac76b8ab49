package graphql_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestRegionBoundaryMutationAndQuery: defineRegionBoundary records an
// outline that Region.boundary answers as GeoJSON, as of positions too; a
// bad ring is refused naming the element.
func TestRegionBoundaryMutationAndQuery(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	poly := [][][][]float64{{{{4, 51.8}, {4.6, 51.8}, {4.6, 52.2}, {4, 51.8}}}}
	const mut = `mutation($p: [[[[Float!]!]!]!]!) { defineRegionBoundary(input: {region: "NL33", polygons: $p, source: "test shapes"}) { position } }`
	data := a.ok(mut, map[string]any{"p": poly})
	pos := data["defineRegionBoundary"].(map[string]any)["position"].(string)

	later := [][][][]float64{{{{4, 51.8}, {4.5, 51.8}, {4.5, 52.1}, {4, 51.8}}}}
	a.ok(mut, map[string]any{"p": later})
	data = a.ok(`query($pos: String) { then: region(code: "NL33", asOf: $pos) { boundary { geojson source position } }
		now: regions(level: NUTS2) { code boundary { geojson } }
		none: region(code: "NL") { boundary { geojson } } }`, map[string]any{"pos": pos})
	if now := data["now"].([]any)[0].(map[string]any)["boundary"].(map[string]any)["geojson"]; now != `{"type":"MultiPolygon","coordinates":[[[[4,51.8],[4.5,51.8],[4.5,52.1],[4,51.8]]]]}` {
		t.Fatalf("latest boundary %v", now)
	}
	b := data["then"].(map[string]any)["boundary"].(map[string]any)
	var g struct {
		Type        string
		Coordinates [][][][]float64
	}
	if err := json.Unmarshal([]byte(b["geojson"].(string)), &g); err != nil {
		t.Fatal(err)
	}
	if g.Type != "MultiPolygon" || !reflect.DeepEqual(g.Coordinates, poly) || b["source"] != "test shapes" || b["position"] != pos {
		t.Fatalf("boundary = %v", b)
	}
	if data["none"].(map[string]any)["boundary"] != nil {
		t.Fatalf("NL has a boundary: %v", data["none"])
	}

	bad := [][][][]float64{{{{4, 51.8}, {4.6, 51.8}, {4.6, 52.2}, {4, 51.9}}}}
	e := a.fails(mut, map[string]any{"p": bad}, "BAD_INPUT", "not closed")
	if e.Extensions["field"] != "input.polygons[0][0]" {
		t.Fatalf("field = %v", e.Extensions["field"])
	}
	a.fails(`mutation { defineRegionBoundary(input: {region: "XX1", polygons: [[[[0,0],[1,0],[1,1],[0,0]]]]}) { position } }`, nil, "NOT_FOUND", "XX1")
}
