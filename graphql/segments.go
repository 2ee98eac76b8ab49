package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain/impact"
)

// segment is one interruption of a piecewise interrupted time series,
// with the log position its estimate was read at.
type segment struct {
	impact.Segment
	asOf uint64
}

// segmentType builds ItsSegment, one intervention of a piecewise
// interrupted time series.
func (s *Server) segmentType(interval, counterfactual gql.Output) *gql.Object {
	sg := func(f func(segment) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(segment)), nil }
	}
	ref := gql.NewObject(gql.ObjectConfig{Name: "SegmentIntervention", Description: "The intervention of a segment.",
		Fields: gql.Fields{
			"id": &gql.Field{Type: nonNull(gql.ID), Resolve: sg(func(x segment) any { return x.ID })},
			"title": &gql.Field{Type: gql.String, Resolve: sg(func(x segment) any {
				if iv, ok := s.cfg.Interventions.Get(x.ID, x.asOf); ok {
					return iv.Title
				}
				return nil
			})},
		}})
	return gql.NewObject(gql.ObjectConfig{Name: "ItsSegment",
		Description: "One intervention of a piecewise interrupted time series: its own level and slope change, and the series expected without it (the others kept).",
		Fields: gql.Fields{
			"intervention": &gql.Field{Type: nonNull(ref), Resolve: sg(func(x segment) any { return x })},
			"firstPeriod":  &gql.Field{Type: nonNull(gql.String), Description: "The first period under it.", Resolve: sg(func(x segment) any { return x.StartPeriod })},
			"levelChange":  &gql.Field{Type: nonNull(interval), Description: "The step at its first period (a rate ratio when ratio is true).", Resolve: sg(func(x segment) any { return &x.LevelChange })},
			"slopeChange": &gql.Field{Type: interval, Description: "The change in trend from its first period on; null unless slopeChange was asked for.",
				Resolve: sg(func(x segment) any { return estOrNil(x.SlopeChange) })},
			"effect": &gql.Field{Type: nonNull(interval), Description: "Its average effect from its first period to the end of the series.", Resolve: sg(func(x segment) any { return &x.Effect })},
			"counterfactual": &gql.Field{Type: listOf(counterfactual), Description: "The series expected without this intervention, every other one kept, with a 95% band.",
				Resolve: sg(func(x segment) any { return x.Counterfactual })},
		}})
}
