package graphql

import (
	"context"
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// seriesResult is a series with what the API adds to it.
type seriesResult struct {
	projections.SeriesData
	Unit       string
	Normalised string
	// UnitMsg and NormalisedMsg are Unit and Normalised as messages of
	// the catalogue, when compareRegions normalised the values.
	UnitMsg, NormalisedMsg i18n.Msg
	AsOf                   uint64
	// Latest is set when AsOf is the position the read models had
	// reached when the question was answered (no asOf asked): an answer
	// showing it depends on every event (see readsEverything).
	Latest bool
	// Withheld holds the periods (by index) whose values are withheld
	// from the principal (small values and what could give them away, for
	// the public; see Limits.SuppressBelow and evaluate.Suppressed).
	Withheld map[int32]bool
}

func (s *Server) queryType(t *types) *gql.Object {
	str := func(p gql.ResolveParams, name string) string {
		v, _ := p.Args[name].(string)
		return v
	}
	fields := gql.Fields{
		"position": &gql.Field{Type: nonNull(gql.String),
			Description: "The log position every read model has reached: what queries without asOf see.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return eventstore.Position(s.cfg.Positions.Position()).String(), nil
			}},
		"regions": &gql.Field{Type: listOf(t.region), Description: "Regions, by code; asOf answers as of a log position (regions and links recorded after it left out).",
			Args: gql.FieldConfigArgument{"country": {Type: gql.String}, "level": {Type: t.regionLevel}, "asOf": {Type: gql.String}},
			Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
				pos, err := s.asOf(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				return s.cfg.Catalog.RegionsAt(str(p, "country"), domain.RegionLevel(str(p, "level")), pos), nil
			})},
		"region": &gql.Field{Type: t.region, Description: "One region; asOf answers as of a log position (null if defined after it; links recorded after it left out).",
			Args: gql.FieldConfigArgument{"code": {Type: nonNull(gql.ID)}, "asOf": {Type: gql.String}},
			Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
				pos, err := s.asOf(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				if r, ok := s.cfg.Catalog.RegionAt(str(p, "code"), pos); ok {
					return r, nil
				}
				return nil, nil
			})},
		"indicators": &gql.Field{Type: listOf(t.indicator), Description: "Indicators, by code; asOf answers as of a log position (indicators defined after it left out).",
			Args: gql.FieldConfigArgument{"family": {Type: t.family}, "asOf": {Type: gql.String}},
			Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
				pos, err := s.asOf(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				return s.cfg.Catalog.IndicatorsAt(domain.Family(str(p, "family")), pos), nil
			})},
		"indicator": &gql.Field{Type: t.indicator, Description: "One indicator; asOf answers as of a log position (null if defined after it).",
			Args: gql.FieldConfigArgument{"code": {Type: nonNull(gql.ID)}, "asOf": {Type: gql.String}},
			Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
				pos, err := s.asOf(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				if i, ok := s.cfg.Catalog.IndicatorAt(str(p, "code"), pos); ok {
					return i, nil
				}
				return nil, nil
			})},
		"series": &gql.Field{Type: t.series,
			Description: "One series; asOf answers as of a log position (revisions and retractions after it ignored).",
			Args: gql.FieldConfigArgument{
				"indicator": {Type: nonNull(gql.ID)}, "region": {Type: nonNull(gql.ID)},
				"from": {Type: gql.String}, "to": {Type: gql.String},
				"dimensions": {Type: gql.NewList(gql.NewNonNull(t.dimensionInput))},
				"asOf":       {Type: gql.String},
			},
			Resolve: s.wrap(s.resolveSeries)},
		"interventions": &gql.Field{Type: listOf(t.intervention),
			Description: "Operations and policy changes, by start date; filtered by region, activity in [from, to] and kind.",
			Args: gql.FieldConfigArgument{"region": {Type: gql.ID}, "from": {Type: gql.String}, "to": {Type: gql.String},
				"kind": {Type: gql.String, Description: "OPERATION, POLICY_CHANGE, or an operation or policy kind."}},
			Resolve: s.wrap(s.resolveInterventions)},
		"intervention": &gql.Field{Type: t.intervention, Args: gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}},
			Resolve: func(p gql.ResolveParams) (any, error) {
				// One above the principal's clearance is answered as unknown.
				if iv, ok := s.cfg.Interventions.Get(str(p, "id"), 0); ok && s.visible(AccessFromContext(p.Context), iv) {
					return iv, nil
				}
				return nil, nil
			}},
		"impact": s.impactField(t),
	}
	s.addDisplacementFields(t, fields)
	s.addCycleFields(t, fields)
	s.addTimelineField(t, fields)
	s.addStaggeredField(t, fields)
	s.addPowerField(t, fields)
	s.addAuditField(fields)
	s.addPlanFields(t, fields)
	return gql.NewObject(gql.ObjectConfig{Name: "Query", Fields: fields})
}

// wrap translates resolver errors into API errors once.
func (s *Server) wrap(fn gql.FieldResolveFn) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		v, err := fn(p)
		if err != nil {
			if domain.ErrorCode(err) == domain.Internal {
				s.logger(p.Context).Error().Err(err).Str("field", p.Info.FieldName).Msg("resolver failed")
			}
			return nil, toAPIError(err, "")
		}
		return v, nil
	}
}

func (s *Server) resolveNeighbourRegion(p gql.ResolveParams) (any, error) {
	l := p.Source.(projections.Link)
	// Read at the position the region holding the link was read at.
	if r, ok := s.cfg.Catalog.RegionAt(l.Region, l.AsOf); ok {
		return r, nil
	}
	return nil, toAPIError(domain.Errorm(domain.NotFound, "", "gql.err.region.unknown", l.Region), "")
}

// asOf parses the asOf argument and waits (boundedly) for the read models
// to reach it. 0 means "latest".
func (s *Server) asOf(ctx context.Context, args map[string]any) (uint64, error) {
	raw, ok := args["asOf"].(string)
	if !ok || raw == "" {
		return 0, nil
	}
	pos, err := eventstore.ParsePosition(raw)
	if err != nil {
		return 0, badInput("asOf", err)
	}
	if pos == 0 {
		return 0, domain.Invalidm("asOf", "gql.err.asof.zero")
	}
	if s.cfg.Head != nil {
		head, err := s.cfg.Head(ctx)
		if err != nil {
			return 0, err
		}
		if uint64(pos) > head {
			return 0, domain.Invalidm("asOf", "gql.err.asof.beyond", uint64(pos), head)
		}
	}
	if err := s.reach(ctx, uint64(pos)); err != nil {
		return 0, err
	}
	return uint64(pos), nil
}

// reach waits up to the configured bound for the read models to reach pos.
func (s *Server) reach(ctx context.Context, pos uint64) error {
	if s.cfg.Positions.Position() >= pos {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.Limits.WaitForPosition)
	defer cancel()
	if err := s.cfg.Positions.WaitFor(wctx, pos); err != nil {
		// The log has the position (or this replica cannot tell); this node
		// has not caught up with it. Another replica, or a retry, may answer.
		return domain.Errorf(domain.Unavailable, "asOf", "position %d not reached: this server's read models are at %d; retry, or ask another replica",
			pos, s.cfg.Positions.Position())
	}
	return nil
}

func (s *Server) resolveSeries(p gql.ResolveParams) (any, error) {
	indCode, _ := p.Args["indicator"].(string)
	region, _ := p.Args["region"].(string)
	asOf, err := s.asOf(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	ind, ok := s.cfg.Catalog.IndicatorAt(indCode, asOf)
	if !ok {
		return nil, domain.Errorm(domain.NotFound, "indicator", "gql.err.indicator.undefined", indCode)
	}
	if _, ok := s.cfg.Catalog.RegionAt(region, asOf); !ok {
		return nil, domain.Errorm(domain.NotFound, "region", "gql.err.region.undefined", region)
	}
	q := projections.Query{Indicator: indCode, Region: region, AsOf: asOf}
	if q.From, q.To, err = periodRange(ind.Granularity, p.Args); err != nil {
		return nil, err
	}
	if q.Dimensions, err = dimensionsArg(p.Args["dimensions"]); err != nil {
		return nil, err
	}
	readsSeries(p.Context, indCode, region) // before the values are read
	data, _ := s.cfg.Series.Get(q)
	data.Indicator, data.Region, data.Granularity = indCode, region, ind.Granularity
	if data.Points == nil {
		data.Points = []projections.Point{}
	}
	if data.Dimensions == nil {
		data.Dimensions = q.Dimensions
	}
	answered := asOf
	if answered == 0 {
		answered = s.cfg.Positions.Position()
	}
	return seriesResult{SeriesData: data, Unit: ind.Unit, AsOf: answered, Latest: asOf == 0, Withheld: s.withheld(p.Context, q)}, nil
}

// periodRange parses the from and to arguments in granularity g.
func periodRange(g domain.Granularity, args map[string]any) (from, to *int32, err error) {
	f, _ := args["from"].(string)
	t, _ := args["to"].(string)
	return evaluate.PeriodBounds(g, f, t)
}

// dimensionsArg reads a [DimensionInput!] argument into canonical form.
func dimensionsArg(v any) ([]domain.Dimension, error) {
	list, _ := v.([]any)
	dims := make([]domain.Dimension, 0, len(list))
	for _, item := range list {
		m, _ := item.(map[string]any)
		k, _ := m["key"].(string)
		val, _ := m["value"].(string)
		dims = append(dims, domain.Dimension{Key: k, Value: val})
	}
	return domain.CheckDimensions("dimensions", dims)
}

// dateRange reads the optional from and to date arguments (YYYY-MM-DD),
// refusing a malformed date or a to before from, naming the argument.
func dateRange(args map[string]any) (from, to string, err error) {
	from, _ = args["from"].(string)
	to, _ = args["to"].(string)
	for _, a := range [2]struct{ name, raw string }{{"from", from}, {"to", to}} {
		name, raw := a.name, a.raw
		if raw == "" {
			continue
		}
		if _, err := domain.ParseDate(raw); err != nil {
			return "", "", badInput(name, err)
		}
	}
	if from != "" && to != "" && to < from {
		return "", "", domain.Invalidm("to", "gql.err.range.order", to, from)
	}
	return from, to, nil
}

func (s *Server) resolveInterventions(p gql.ResolveParams) (any, error) {
	f := projections.Filter{}
	f.Region, _ = p.Args["region"].(string)
	f.Kind, _ = p.Args["kind"].(string)
	if f.Region != "" {
		if _, ok := s.cfg.Catalog.Region(f.Region); !ok {
			return nil, domain.Errorm(domain.NotFound, "region", "gql.err.region.undefined", f.Region)
		}
	}
	var err error
	if f.From, f.To, err = dateRange(p.Args); err != nil {
		return nil, err
	}
	if f.Kind != "" && !validInterventionKind(f.Kind) {
		return nil, domain.Invalidm("kind", "gql.err.interventions.kind", f.Kind, joinEnum(domain.OperationKinds), joinEnum(domain.PolicyKinds))
	}
	all := s.cfg.Interventions.List(f)
	pr := AccessFromContext(p.Context)
	out := all[:0]
	for _, iv := range all {
		if s.visible(pr, iv) {
			out = append(out, iv)
		}
	}
	return out, nil
}

func validInterventionKind(k string) bool {
	return k == projections.KindOperation || k == projections.KindPolicyChange ||
		domain.OperationKind(k).Valid() || domain.PolicyKind(k).Valid()
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
