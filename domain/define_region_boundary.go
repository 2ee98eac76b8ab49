package domain

import (
	"context"
	"math"
)

// Boundary limits: a boundary is meant to draw a map, not to survey land.
// Import simplifies shapes (Douglas-Peucker) well below these, so events
// stay small (10,000 points are about 350 KB of JSON).
const (
	// MaxBoundaryPoints bounds the points of one region's boundary, all
	// rings together.
	MaxBoundaryPoints = 10_000
	// MaxBoundaryPolygons bounds the polygons of one region's boundary.
	MaxBoundaryPolygons = 500
)

// DefineRegionBoundary records the outline of a defined region, for maps.
// Polygons holds the coordinates of a GeoJSON MultiPolygon: polygons of
// rings (the outer ring first, then holes) of [longitude, latitude]
// points in degrees (WGS 84, as Eurostat GISCO publishes NUTS). A later
// boundary of the same region replaces the earlier one.
type DefineRegionBoundary struct {
	Region   string          `json:"region"`
	Polygons [][][][]float64 `json:"polygons"`
	// Source names where the shape comes from (e.g. "GISCO NUTS 2021 1:20M").
	Source string `json:"source,omitempty"`
}

// CommandName returns "defineRegionBoundary".
func (DefineRegionBoundary) CommandName() string { return "defineRegionBoundary" }

// Validate checks the region code, the source and every ring: at least 4
// points, closed (the last point equals the first), each point two finite
// numbers with the longitude in [-180, 180] and the latitude in [-90, 90],
// and the size limits.
func (c DefineRegionBoundary) Validate() error {
	if err := checkCode("region", c.Region); err != nil {
		return err
	}
	if err := checkText("source", c.Source, MaxNameLen, false); err != nil {
		return err
	}
	return CheckPolygons("polygons", c.Polygons)
}

// CheckPolygons validates MultiPolygon coordinates as DefineRegionBoundary
// does, naming the offending element (e.g. "polygons[0][1][3]").
func CheckPolygons(field string, polys [][][][]float64) error {
	if len(polys) == 0 {
		return Invalid(field, "is empty: a boundary needs at least one polygon")
	}
	if len(polys) > MaxBoundaryPolygons {
		return Invalid(field, "has %d polygons; at most %d are allowed (simplify the shape)", len(polys), MaxBoundaryPolygons)
	}
	points := 0
	for i, poly := range polys {
		pf := field + "[" + itoa(i) + "]"
		if len(poly) == 0 {
			return Invalid(pf, "has no ring: a polygon needs an outer ring")
		}
		for j, ring := range poly {
			rf := pf + "[" + itoa(j) + "]"
			if len(ring) < 4 {
				return Invalid(rf, "has %d points; a ring needs at least 4 (3 corners and the first point again)", len(ring))
			}
			points += len(ring)
			if points > MaxBoundaryPoints {
				return Invalid(field, "has more than %d points; simplify the shape (supplyeval import --simplify)", MaxBoundaryPoints)
			}
			for k, p := range ring {
				if err := checkLonLat(rf+"["+itoa(k)+"]", p); err != nil {
					return err
				}
			}
			first, last := ring[0], ring[len(ring)-1]
			if first[0] != last[0] || first[1] != last[1] {
				return Invalid(rf, "is not closed: its last point (%g, %g) differs from its first (%g, %g)", last[0], last[1], first[0], first[1])
			}
		}
	}
	return nil
}

func checkLonLat(field string, p []float64) error {
	if len(p) != 2 {
		return Invalid(field, "has %d numbers; a point is [longitude, latitude]", len(p))
	}
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		return Invalid(field, "longitude %g is not a number in [-180, 180]", lon)
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		return Invalid(field, "latitude %g is not a number in [-90, 90]", lat)
	}
	return nil
}

func (s *Service) defineRegionBoundary(ctx context.Context, env Envelope, c DefineRegionBoundary) (Result, error) {
	return update(ctx, s, env, c, RegionStream(c.Region), newRegion, func(r *region) ([]Event, error) {
		if !r.exists {
			return nil, Errorf(NotFound, "region", "region %q is not defined", c.Region)
		}
		return []Event{RegionBoundaryDefined(c)}, nil
	})
}
