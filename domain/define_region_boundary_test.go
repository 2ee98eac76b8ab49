package domain_test

import (
	"math"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

func square(lon, lat, d float64) [][]float64 {
	return [][]float64{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}
}

func TestRegionBoundaryRules(t *testing.T) {
	w := newWorld(t)
	w.basics()
	ok := [][][][]float64{{square(4, 51.8, 0.5), square(4.1, 51.9, 0.1)}, {square(3.5, 51.5, 0.2)}}
	w.do(domain.DefineRegionBoundary{Region: "NL33", Polygons: ok, Source: "test"})
	// A second boundary replaces the first: recorded too.
	w.do(domain.DefineRegionBoundary{Region: "NL33", Polygons: ok[:1]})
	w.refuse(domain.DefineRegionBoundary{Region: "NL99", Polygons: ok}, domain.NotFound, "region")
	w.refuse(domain.DefineRegionBoundary{Region: "", Polygons: ok}, domain.BadInput, "region")

	open := square(4, 52, 1)
	open[4] = []float64{4.1, 52}
	big := make([][]float64, 0, domain.MaxBoundaryPoints+1)
	for i := range domain.MaxBoundaryPoints {
		a := 2 * math.Pi * float64(i) / domain.MaxBoundaryPoints
		big = append(big, []float64{4 + math.Cos(a), 52 + math.Sin(a)})
	}
	big = append(big, big[0])
	many := make([][][][]float64, domain.MaxBoundaryPolygons+1)
	for i := range many {
		many[i] = [][][]float64{square(0, 0, 1)}
	}
	for _, c := range []struct {
		name  string
		polys [][][][]float64
		field string
	}{
		{"no polygon", nil, "polygons"},
		{"no ring", [][][][]float64{{}}, "polygons[0]"},
		{"three points", [][][][]float64{{{{0, 0}, {1, 0}, {0, 0}}}}, "polygons[0][0]"},
		{"not closed", [][][][]float64{{square(0, 0, 1)}, {open}}, "polygons[1][0]"},
		{"longitude", [][][][]float64{{{{0, 0}, {181, 0}, {1, 1}, {0, 0}}}}, "polygons[0][0][1]"},
		{"latitude", [][][][]float64{{{{0, 0}, {1, -91}, {1, 1}, {0, 0}}}}, "polygons[0][0][1]"},
		{"NaN", [][][][]float64{{{{0, 0}, {1, math.NaN()}, {1, 1}, {0, 0}}}}, "polygons[0][0][1]"},
		{"infinite", [][][][]float64{{{{0, 0}, {math.Inf(1), 1}, {1, 1}, {0, 0}}}}, "polygons[0][0][1]"},
		{"altitude", [][][][]float64{{{{0, 0, 5}, {1, 0}, {1, 1}, {0, 0}}}}, "polygons[0][0][0]"},
		{"too many points", [][][][]float64{{big}}, "polygons"},
		{"too many polygons", many, "polygons"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.refuse(domain.DefineRegionBoundary{Region: "NL33", Polygons: c.polys}, domain.BadInput, c.field)
		})
	}
}

func TestRegionBoundaryEventRoundTrips(t *testing.T) {
	e := domain.RegionBoundaryDefined{Region: "NL33", Polygons: [][][][]float64{{square(4, 52, 0.25)}}, Source: "GISCO"}
	b, err := domain.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := domain.Decode(domain.TypeRegionBoundaryDefined, domain.SchemaVersion(domain.TypeRegionBoundaryDefined), b)
	if err != nil {
		t.Fatal(err)
	}
	g := got.(domain.RegionBoundaryDefined)
	if g.Region != "NL33" || g.Source != "GISCO" || len(g.Polygons[0][0]) != 5 || g.Polygons[0][0][2][1] != 52.25 {
		t.Fatalf("decoded %+v", g)
	}
}
