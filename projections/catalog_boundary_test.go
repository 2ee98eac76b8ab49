package projections_test

import (
	"bytes"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// TestCatalogBoundaryAsOf: a region's boundary is the latest recorded at
// or before the position asked, and a snapshot keeps the history.
func TestCatalogBoundaryAsOf(t *testing.T) {
	sq := func(d float64) [][][][]float64 {
		return [][][][]float64{{{{4, 52}, {4 + d, 52}, {4 + d, 52 + d}, {4, 52}}}}
	}
	events := []domain.Event{
		domain.RegionDefined{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2}, // 1
		domain.RegionBoundaryDefined{Region: "NL33", Polygons: sq(1), Source: "first"},                          // 2
		domain.RegionBoundaryDefined{Region: "NL99", Polygons: sq(1)},                                           // 3 (unknown region: ignored)
		domain.RegionBoundaryDefined{Region: "NL33", Polygons: sq(0.5), Source: "second"},                       // 4
	}
	c := projections.NewCatalog()
	if !c.Handles(domain.TypeRegionBoundaryDefined) {
		t.Fatal("the catalogue does not handle RegionBoundaryDefined")
	}
	for i, ev := range events {
		if err := c.Apply(domain.Recorded{Event: ev, Position: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(c *projections.Catalog) {
		t.Helper()
		for _, tc := range []struct {
			asOf   uint64
			source string
		}{{1, ""}, {2, "first"}, {3, "first"}, {4, "second"}, {0, "second"}} {
			r, _ := c.RegionAt("NL33", tc.asOf)
			b, ok := r.Boundary()
			if ok != (tc.source != "") || b.Source != tc.source {
				t.Errorf("as of %d: boundary %q (%v), want %q", tc.asOf, b.Source, ok, tc.source)
			}
		}
		if r, _ := c.Region("NL33"); r.Boundaries[1].Polygons[0][0][1][0] != 4.5 {
			t.Errorf("latest boundary %v", r.Boundaries[1].Polygons)
		}
	}
	check(c)
	var buf bytes.Buffer
	if err := c.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	c2 := projections.NewCatalog()
	if err := c2.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	check(c2)
}
