package domain

import (
	"context"
	"math"

	"github.com/supplyeval/supplyeval/i18n"
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
		return Invalidm(field, "domain.err.boundary.empty")
	}
	if len(polys) > MaxBoundaryPolygons {
		return Invalidm(field, "domain.err.boundary.polygons", len(polys), MaxBoundaryPolygons)
	}
	points := 0
	for i, poly := range polys {
		pf := field + "[" + itoa(i) + "]"
		if len(poly) == 0 {
			return Invalidm(pf, "domain.err.boundary.noring")
		}
		for j, ring := range poly {
			rf := pf + "[" + itoa(j) + "]"
			if len(ring) < 4 {
				return Invalidm(rf, "domain.err.boundary.ring", len(ring))
			}
			points += len(ring)
			if points > MaxBoundaryPoints {
				return Invalidm(field, "domain.err.boundary.points", MaxBoundaryPoints)
			}
			for k, p := range ring {
				if err := checkLonLat(rf+"["+itoa(k)+"]", p); err != nil {
					return err
				}
			}
			first, last := ring[0], ring[len(ring)-1]
			if first[0] != last[0] || first[1] != last[1] {
				return Invalidm(rf, "domain.err.boundary.open", i18n.Num(gfmt, last[0]), i18n.Num(gfmt, last[1]), i18n.Num(gfmt, first[0]), i18n.Num(gfmt, first[1]))
			}
		}
	}
	return nil
}

func checkLonLat(field string, p []float64) error {
	if len(p) != 2 {
		return Invalidm(field, "domain.err.boundary.point", len(p))
	}
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		return Invalidm(field, "domain.err.boundary.lon", i18n.Num(gfmt, lon))
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		return Invalidm(field, "domain.err.boundary.lat", i18n.Num(gfmt, lat))
	}
	return nil
}

func (s *Service) defineRegionBoundary(ctx context.Context, env Envelope, c DefineRegionBoundary) (Result, error) {
	return update(ctx, s, env, c, RegionStream(c.Region), newRegion, func(r *region) ([]Event, error) {
		if !r.exists {
			return nil, Errorm(NotFound, "region", "domain.err.region.undefined", c.Region)
		}
		return []Event{RegionBoundaryDefined(c)}, nil
	})
}
