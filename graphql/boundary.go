package graphql

import (
	"encoding/json"
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/projections"
)

// regionBoundaryType is RegionBoundary: a region's outline for maps.
var regionBoundaryType = gql.NewObject(gql.ObjectConfig{Name: "RegionBoundary",
	Description: "A region's outline (defineRegionBoundary), as known at the position the region was read at.",
	Fields: gql.Fields{
		"geojson": &gql.Field{Type: gql.NewNonNull(gql.String),
			Description: `The outline as a GeoJSON MultiPolygon geometry ({"type":"MultiPolygon","coordinates":...}, [longitude, latitude] in WGS 84 degrees).`,
			Resolve: func(p gql.ResolveParams) (any, error) {
				b, err := json.Marshal(struct {
					Type        string          `json:"type"`
					Coordinates [][][][]float64 `json:"coordinates"`
				}{"MultiPolygon", p.Source.(projections.Boundary).Polygons})
				return string(b), err
			}},
		"source": &gql.Field{Type: gql.String, Description: "Where the shape comes from (e.g. GISCO NUTS 2021 1:20M).",
			Resolve: func(p gql.ResolveParams) (any, error) {
				if s := p.Source.(projections.Boundary).Source; s != "" {
					return s, nil
				}
				return nil, nil
			}},
		"position": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The log position the outline was recorded at.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return strconv.FormatUint(p.Source.(projections.Boundary).Position, 10), nil
			}},
	}})

// regionBoundaryField is Region.boundary: null when no outline is recorded
// (a map then draws the region graph instead).
func regionBoundaryField() *gql.Field {
	return &gql.Field{Type: regionBoundaryType, Description: "The region's outline for maps; null when none is recorded.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			if b, ok := p.Source.(projections.Region).Boundary(); ok {
				return b, nil
			}
			return nil, nil
		}}
}
