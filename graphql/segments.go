package graphql

import (
	"fmt"

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
func (s *Server) segmentType(t *types, interval, counterfactual gql.Output) *gql.Object {
	sg := func(f func(segment) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(segment)), nil }
	}
	return gql.NewObject(gql.ObjectConfig{Name: "ItsSegment",
		Description: "One intervention of a piecewise interrupted time series: its own level and slope change, and the series expected without it (the others kept).",
		Fields: gql.Fields{
			"intervention": &gql.Field{Type: nonNull(t.intervention), Description: "The intervention, as known at the estimate's position.",
				Resolve: func(p gql.ResolveParams) (any, error) {
					// The estimate fitted only interventions the reader may
					// see, as known at its position.
					x := p.Source.(segment)
					iv, ok := s.cfg.Interventions.Get(x.ID, x.asOf)
					if !ok {
						return nil, fmt.Errorf("intervention %q of a segment is not recorded at position %d", x.ID, x.asOf)
					}
					return iv, nil
				}},
			"firstPeriod": &gql.Field{Type: nonNull(gql.String), Description: "The first period under it.", Resolve: sg(func(x segment) any { return x.StartPeriod })},
			"levelChange": &gql.Field{Type: nonNull(interval), Description: "The step at its first period (a rate ratio when ratio is true).", Resolve: sg(func(x segment) any { return &x.LevelChange })},
			"slopeChange": &gql.Field{Type: interval, Description: "The change in trend from its first period on; null unless slopeChange was asked for.",
				Resolve: sg(func(x segment) any { return estOrNil(x.SlopeChange) })},
			"effect": &gql.Field{Type: nonNull(interval), Description: "Its average effect from its first period to the end of the series.", Resolve: sg(func(x segment) any { return &x.Effect })},
			"counterfactual": &gql.Field{Type: listOf(counterfactual), Description: "The series expected without this intervention, every other one kept, with a 95% band.",
				Resolve: sg(func(x segment) any { return x.Counterfactual })},
		}})
}
