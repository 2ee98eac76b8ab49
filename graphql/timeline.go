package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// addTimelineField adds timeline: the interventions a region was exposed
// to, derived from the log (see projections.Interventions.Timeline).
func (s *Server) addTimelineField(t *types, fields gql.Fields) {
	role := gql.NewEnum(gql.EnumConfig{Name: "ExposureRole", Description: "How a region is exposed to an intervention.",
		Values: gql.EnumValueConfigMap{
			projections.RoleTarget:    {Value: projections.RoleTarget, Description: "The intervention covers the region itself."},
			projections.RoleNeighbour: {Value: projections.RoleNeighbour, Description: "The intervention covers a region linked to it (border, route)."},
			projections.RoleParent:    {Value: projections.RoleParent, Description: "The intervention covers a region above it (its country, for instance)."},
		}})
	ex := func(f func(projections.Exposure) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Exposure)), nil }
	}
	exposure := gql.NewObject(gql.ObjectConfig{Name: "Exposure",
		Description: "A stretch of time during which a region was exposed to an intervention, in one role.",
		Fields: gql.Fields{
			"intervention": &gql.Field{Type: nonNull(t.intervention), Resolve: ex(func(e projections.Exposure) any { return e.Intervention })},
			"role":         &gql.Field{Type: nonNull(role), Resolve: ex(func(e projections.Exposure) any { return e.Role })},
			"from":         &gql.Field{Type: nonNull(gql.String), Description: "First day exposed (YYYY-MM-DD).", Resolve: ex(func(e projections.Exposure) any { return e.From })},
			"to": &gql.Field{Type: gql.String, Description: "First day no longer exposed (YYYY-MM-DD); null while it lasts.",
				Resolve: ex(func(e projections.Exposure) any { return nilIfEmpty(e.To) })},
			"via": &gql.Field{Type: listOf(gql.ID), Description: "The regions actually covered: the region itself, the region above it, or its neighbours.",
				Resolve: ex(func(e projections.Exposure) any { return e.Via })},
		}})
	fields["timeline"] = &gql.Field{Type: listOf(exposure),
		Description: "Every operation and policy change a region was exposed to, with when: those covering it, those covering a region above it, and those covering a neighbour, from their launches, scope changes, conclusions, adoptions, amendments and repeals as recorded; from and to keep the stretches that overlap [from, to]; asOf answers as of a log position (hierarchy and links read there too). Operations above the reader's clearance are left out.",
		Args: gql.FieldConfigArgument{
			"region": {Type: nonNull(gql.ID)},
			"from":   {Type: gql.String, Description: "YYYY-MM-DD."},
			"to":     {Type: gql.String, Description: "YYYY-MM-DD."},
			"asOf":   {Type: gql.String},
		},
		Resolve: s.wrap(s.resolveTimeline)}
}

func (s *Server) resolveTimeline(p gql.ResolveParams) (any, error) {
	q := projections.TimelineQuery{}
	q.Region, _ = p.Args["region"].(string)
	var err error
	if q.From, q.To, err = dateRange(p.Args); err != nil {
		return nil, err
	}
	if q.AsOf, err = s.asOf(p.Context, p.Args); err != nil {
		return nil, err
	}
	q.Visible = s.visibleFilter(AccessFromContext(p.Context))
	out, ok := s.cfg.Interventions.Timeline(s.cfg.Catalog, q)
	if !ok {
		return nil, domain.Errorm(domain.NotFound, "region", "gql.err.region.undefined", q.Region)
	}
	return out, nil
}
