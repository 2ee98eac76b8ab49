package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

// withRegions opens a data directory and defines regions in it.
func withRegions(t *testing.T, data string, codes ...string) {
	t.Helper()
	n, err := Open(context.Background(), Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for _, c := range codes {
		cmd := domain.DefineRegion{Code: c, Name: c, Country: c[:2], Level: domain.RegionLevelNuts2}
		if _, err := n.Bus.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd); err != nil {
			t.Fatal(err)
		}
	}
}

func boundaryOf(t *testing.T, data, code string) (domain.RegionBoundaryDefined, bool) {
	t.Helper()
	n, err := Open(context.Background(), Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	r, _ := n.Catalog.Region(code)
	b, ok := r.Boundary()
	return domain.RegionBoundaryDefined{Region: code, Polygons: b.Polygons, Source: b.Source}, ok
}

// TestImportBoundaries: a GISCO-style GeoJSON file with a feature that
// names an unknown region is refused whole, naming the feature; with
// --skip-invalid the others are recorded, once however often it is run;
// a TopoJSON file is read too.
func TestImportBoundaries(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	withRegions(t, data, "NL33", "BE21")
	geo := filepath.Join(dir, "NUTS_RG_20M_2021_4326.geojson")
	os.WriteFile(geo, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","id":"NL33","properties":{"NUTS_ID":"NL33","NAME_LATN":"Zuid-Holland"},"geometry":{"type":"Polygon","coordinates":[[[4,51.8],[4.3,51.8],[4.6,51.8],[4.6,52.2],[4,52.2],[4,51.8]]]}},
{"type":"Feature","id":"DE60","properties":{"NUTS_ID":"DE60","NAME_LATN":"Hamburg"},"geometry":{"type":"Polygon","coordinates":[[[9.7,53.4],[10.3,53.4],[10.3,53.7],[9.7,53.4]]]}}]}`), 0o644)
	code, out, errOut := runCLI(t, "import", "--data", data, geo)
	if code != 1 || !strings.Contains(errOut, `feature 1 (DE60): no region with code "DE60" is defined (feature named "Hamburg")`) ||
		!strings.Contains(errOut, "nothing was recorded") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if _, ok := boundaryOf(t, data, "NL33"); ok {
		t.Fatal("a boundary was recorded from a refused file")
	}
	for range 2 {
		code, out, errOut = runCLI(t, "import", "--data", data, "--skip-invalid", geo)
		if code != 0 || !strings.Contains(out, "1 region boundaries recorded (6 points simplified to 5), 1 skipped") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	}
	b, ok := boundaryOf(t, data, "NL33")
	if !ok || b.Source != filepath.Base(geo) || len(b.Polygons[0][0]) != 5 {
		t.Fatalf("NL33 boundary %+v", b)
	}

	topo := filepath.Join(dir, "nuts.json")
	os.WriteFile(topo, []byte(`{"type":"Topology","transform":{"scale":[0.5,0.25],"translate":[4,51]},
"arcs":[[[0,0],[2,0],[0,4]],[[2,4],[-2,0],[0,-4]]],
"objects":{"nuts":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0,1]],"properties":{"NUTS_ID":"BE21"}}]}}}`), 0o644)
	code, out, errOut = runCLI(t, "import", "--data", data, "--simplify", "0", "--source", "GISCO test", topo)
	if code != 0 || !strings.Contains(out, "1 region boundaries recorded") {
		t.Fatalf("topojson: exit %d\n%s%s", code, out, errOut)
	}
	if b, ok := boundaryOf(t, data, "BE21"); !ok || b.Source != "GISCO test" || b.Polygons[0][0][2][0] != 5 || b.Polygons[0][0][2][1] != 52 {
		t.Fatalf("BE21 boundary %+v", b)
	}
	if code, _, errOut := runCLI(t, "import", "--data", data, "--simplify", "-1", topo); code != 2 || !strings.Contains(errOut, "--simplify") {
		t.Fatalf("--simplify -1: exit %d %s", code, errOut)
	}
}
