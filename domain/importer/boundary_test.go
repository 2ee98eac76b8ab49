package importer

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// A FeatureCollection as GISCO publishes NUTS (EPSG:4326): the region
// code in NUTS_ID (and as the feature's id), Polygon and MultiPolygon.
const gisco = `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4326"}},"features":[
{"type":"Feature","id":"NL33","properties":{"NUTS_ID":"NL33","LEVL_CODE":2,"CNTR_CODE":"NL","NAME_LATN":"Zuid-Holland"},
 "geometry":{"type":"Polygon","coordinates":[[[4,51.8,0],[4.6,51.8,0],[4.6,52.2,0],[4,52.2,0],[4,51.8,0]]]}},
{"type":"Feature","id":"BE21","properties":{"NAME_LATN":"Antwerpen"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[4.2,51],[5,51],[5,51.4],[4.2,51.4],[4.2,51]]],[[[4,51.2],[4.1,51.2],[4.1,51.3],[4,51.2]]]]}},
{"type":"Feature","properties":{"NUTS_ID":"FR10","NAME_LATN":"Ile-de-France"},
 "geometry":{"type":"Polygon","coordinates":[[[2,48.5],[3,48.5],[3,49],[2,48.5]]]}},
{"type":"Feature","properties":{"NUTS_ID":"ES21"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
{"type":"Feature","properties":{"name":"nameless"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}
]}`

func TestGeoJSONBoundaries(t *testing.T) {
	res, err := DecodeBoundaries([]byte(gisco), testCatalog(), BoundaryOptions{File: "nuts.geojson"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Features != 5 || len(res.Commands) != 2 {
		t.Fatalf("%d features, commands %+v", res.Features, res.Commands)
	}
	nl := res.Commands[0]
	want := [][][][]float64{{{{4, 51.8}, {4.6, 51.8}, {4.6, 52.2}, {4, 52.2}, {4, 51.8}}}}
	if nl.Region != "NL33" || !reflect.DeepEqual(nl.Polygons, want) {
		t.Fatalf("NL33 = %+v (the altitude must be dropped)", nl)
	}
	if be := res.Commands[1]; be.Region != "BE21" || len(be.Polygons) != 2 {
		t.Fatalf("BE21 (named by the feature id) = %+v", be)
	}
	got := map[int]string{}
	for _, r := range res.Rejects {
		if r.Reason == "" || r.Code == "" {
			t.Fatalf("reject without reason or code: %+v", r)
		}
		got[r.Index] = fmt.Sprintf("%s %s", r.Code, r.Error())
	}
	for i, want := range map[int]string{
		2: `NOT_FOUND nuts.geojson: feature 2 (FR10): no region with code "FR10" is defined (feature named "Ile-de-France")`,
		3: `BAD_INPUT nuts.geojson: feature 3 (ES21): geometry: type "LineString": only Polygon and MultiPolygon outline a region`,
		4: `BAD_INPUT nuts.geojson: feature 4: names no region`,
	} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("feature %d: %q, want it to start with %q", i, got[i], want)
		}
	}
	// A property chosen by name.
	res, err = DecodeBoundaries([]byte(gisco), testCatalog(), BoundaryOptions{IDProperty: "CNTR_CODE"})
	if err != nil || len(res.Commands) != 0 || !strings.Contains(res.Rejects[0].Error(), `"NL"`) {
		t.Fatalf("IDProperty CNTR_CODE: %v %+v", err, res.Rejects)
	}
}

func TestGeoJSONBadFeatures(t *testing.T) {
	for _, c := range []struct{ name, geom, want string }{
		{"not closed", `{"type":"Polygon","coordinates":[[[4,51],[5,51],[5,52],[4,52]]]}`, "polygons[0][0]: is not closed"},
		{"three points", `{"type":"Polygon","coordinates":[[[4,51],[5,51],[4,51]]]}`, "needs at least 4"},
		{"projected", `{"type":"Polygon","coordinates":[[[3900000,3100000],[3950000,3100000],[3950000,3150000],[3900000,3100000]]]}`, "use the EPSG:4326 file"},
		{"one number", `{"type":"Polygon","coordinates":[[[4],[5,51],[5,52],[4]]]}`, "a position is [longitude, latitude]"},
		{"no geometry", `null`, "has no geometry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := `{"type":"Feature","properties":{"NUTS_ID":"NL33"},"geometry":` + c.geom + `}`
			res, err := DecodeBoundaries([]byte(doc), testCatalog(), BoundaryOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Commands) != 0 || len(res.Rejects) != 1 || !strings.Contains(res.Rejects[0].Error(), c.want) || res.Rejects[0].Code != domain.BadInput {
				t.Fatalf("commands %v, rejects %v; want one BAD_INPUT mentioning %q", res.Commands, res.Rejects, c.want)
			}
		})
	}
	for _, doc := range []string{`[]`, `{"type":"Point","coordinates":[0,0]}`, `{"type":"FeatureCollection","features":7}`, `{`} {
		if _, err := DecodeBoundaries([]byte(doc), testCatalog(), BoundaryOptions{}); err == nil {
			t.Errorf("%s: decoded", doc)
		}
	}
	if _, err := DecodeBoundaries([]byte(gisco), testCatalog(), BoundaryOptions{Tolerance: math.NaN()}); err == nil {
		t.Error("a NaN tolerance was taken")
	}
}

// topo: two quantized, delta-encoded arcs forming a unit square in the
// transform's units; NL33 uses them forwards, BE21 reversed.
const topo = `{"type":"Topology","transform":{"scale":[0.5,0.25],"translate":[4,51]},
"arcs":[[[0,0],[2,0],[0,4]],[[2,4],[-2,0],[0,-4]]],
"objects":{"nuts":{"type":"GeometryCollection","geometries":[
 {"type":"Polygon","arcs":[[0,1]],"properties":{"NUTS_ID":"NL33"}},
 {"type":"MultiPolygon","arcs":[[[-2,-1]]],"id":"BE21"},
 {"type":"Polygon","arcs":[[0,7]],"id":"ES21"},
 {"type":"Polygon","arcs":[[0,1]],"id":"XX99"}]}}}`

func TestTopoJSONBoundaries(t *testing.T) {
	res, err := DecodeBoundaries([]byte(topo), testCatalog(), BoundaryOptions{File: "nuts.topojson"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Commands) != 2 {
		t.Fatalf("commands %+v, rejects %v", res.Commands, res.Rejects)
	}
	fw := [][][][]float64{{{{4, 51}, {5, 51}, {5, 52}, {4, 52}, {4, 51}}}}
	rev := [][][][]float64{{{{4, 51}, {4, 52}, {5, 52}, {5, 51}, {4, 51}}}}
	if c := res.Commands[0]; c.Region != "NL33" || !reflect.DeepEqual(c.Polygons, fw) {
		t.Errorf("NL33 = %+v, want %v", c, fw)
	}
	if c := res.Commands[1]; c.Region != "BE21" || !reflect.DeepEqual(c.Polygons, rev) {
		t.Errorf("BE21 = %+v, want %v", c, rev)
	}
	if len(res.Rejects) != 2 || !strings.Contains(res.Rejects[0].Error(), "feature 2 (ES21): geometry: arc 7") ||
		res.Rejects[1].Code != domain.NotFound || res.Rejects[1].ID != "XX99" {
		t.Fatalf("rejects %v", res.Rejects)
	}
	// Without a transform, arcs are absolute.
	plain := `{"type":"Topology","arcs":[[[4,51],[5,51],[5,52],[4,51]]],"objects":{"a":{"type":"Polygon","arcs":[[0]],"id":"NL33"}}}`
	res, err = DecodeBoundaries([]byte(plain), testCatalog(), BoundaryOptions{Format: TopoJSON})
	if err != nil || len(res.Commands) != 1 || res.Commands[0].Polygons[0][0][2][1] != 52 {
		t.Fatalf("plain topology: %v %+v %v", err, res.Commands, res.Rejects)
	}
}

// circle is a closed ring of n points around (lon, lat).
func circle(lon, lat, r float64, n int) [][]float64 {
	out := make([][]float64, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		out = append(out, []float64{lon + r*math.Cos(a), lat + r*math.Sin(a)})
	}
	return append(out, out[0])
}

func TestSimplify(t *testing.T) {
	in := [][][][]float64{
		{circle(4, 52, 1, 1000), circle(4, 52, 0.5, 200), circle(4, 52, 0.001, 50)}, // outer, hole, tiny hole
		{circle(10, 52, 0.002, 30)}, // an islet smaller than the tolerance
	}
	out := Simplify(in, 0.01)
	if len(out) != 1 || len(out[0]) != 2 {
		t.Fatalf("kept %d polygons, %d rings; want the big one and its big hole", len(out), len(out[0]))
	}
	if err := domain.CheckPolygons("p", out); err != nil {
		t.Fatal(err)
	}
	n := countPoints(out)
	if n >= 600 || n < 20 {
		t.Fatalf("%d points after simplification", n)
	}
	// Every kept point lies on the input circle; no kept point is further
	// than the tolerance from the input (the circle's sagitta bound).
	for _, p := range out[0][0] {
		if d := math.Abs(math.Hypot(p[0]-4, p[1]-52) - 1); d > 1e-9 {
			t.Fatalf("point %v is off the circle by %g", p, d)
		}
	}
	if countPoints(in) != 1000+1+200+1+50+1+30+1 {
		t.Fatal("Simplify modified its input")
	}
	// An islet alone is kept whole, whatever the tolerance.
	if out := Simplify([][][][]float64{{circle(10, 52, 0.002, 30)}}, 1); countPoints(out) != 31 {
		t.Fatalf("the only polygon was simplified away: %v", out)
	}
	// Too many points for an event: simplified further until it fits.
	big := [][][][]float64{{circle(4, 52, 1, 3*domain.MaxBoundaryPoints)}}
	out = Simplify(big, 0)
	if n := countPoints(out); n > domain.MaxBoundaryPoints || n < 10 {
		t.Fatalf("%d points", n)
	}
	res, err := DecodeBoundaries([]byte(fmt.Sprintf(`{"type":"Feature","id":"NL33","geometry":{"type":"Polygon","coordinates":%s}}`, jsonRings(big[0]))),
		testCatalog(), BoundaryOptions{Tolerance: 0.001})
	if err != nil || len(res.Commands) != 1 || res.PointsIn != 3*domain.MaxBoundaryPoints+1 || res.PointsOut > domain.MaxBoundaryPoints {
		t.Fatalf("%v %v in %d out %d", err, res.Rejects, res.PointsIn, res.PointsOut)
	}
}

func jsonRings(rings [][][]float64) string {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rings {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("[")
		for j, p := range r {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "[%g,%g]", p[0], p[1])
		}
		b.WriteString("]")
	}
	b.WriteString("]")
	return b.String()
}

func TestBoundaryFormatFor(t *testing.T) {
	if f, ok := BoundaryFormatFor("NUTS_RG_20M_2021_4326.GeoJSON"); !ok || f != GeoJSON {
		t.Error("geojson")
	}
	if f, ok := BoundaryFormatFor("nuts.topojson"); !ok || f != TopoJSON {
		t.Error("topojson")
	}
	if _, ok := BoundaryFormatFor("x.csv"); ok {
		t.Error("csv")
	}
	if f, ok := SniffBoundaryFormat([]byte(topo)); !ok || f != TopoJSON {
		t.Error("sniff topojson")
	}
	if f, ok := SniffBoundaryFormat([]byte(gisco)); !ok || f != GeoJSON {
		t.Error("sniff geojson")
	}
}
