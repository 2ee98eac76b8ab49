package graphql

import (
	"strconv"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// lookupPlan returns analysis plan id as of asOf if the principal of p
// may see its intervention and every intervention it names; a plan of a
// hidden operation, or one whose interruptions name one, is answered as
// one never registered (evaluate.Evaluator.PlanVisible).
func (s *Server) lookupPlan(p gql.ResolveParams, id string, asOf uint64) (projections.Plan, bool) {
	pl, iv, ok := s.cfg.Interventions.Plan(id, asOf)
	if !ok || !s.visible(AccessFromContext(p.Context), iv) || !s.evaluator(p.Context).PlanVisible(pl, asOf) {
		return projections.Plan{}, false
	}
	return pl, true
}

// resolvePlannedImpact answers impact(plan:): the plan run exactly.
func (s *Server) resolvePlannedImpact(p gql.ResolveParams, id string, asOf uint64) (any, error) {
	for _, name := range []string{"intervention", "indicator", "method", "regions", "comparison", "from", "to", "predictors", "its"} {
		if _, given := p.Args[name]; given {
			return nil, domain.Invalidm(name, "gql.err.plan.given")
		}
	}
	if asOf == 0 {
		asOf = s.cfg.Positions.Position()
	}
	pl, ok := s.lookupPlan(p, id, asOf)
	if !ok {
		return nil, domain.Errorf(domain.NotFound, "plan", "analysis plan %q is not registered", id)
	}
	return s.evaluator(p.Context).RunPlan(p.Context, pl, asOf)
}

// addPlanFields adds the query analysisPlan.
func (s *Server) addPlanFields(t *types, fields gql.Fields) {
	im := s.impactInputs(t)
	window := gql.NewObject(gql.ObjectConfig{Name: "PlanWindow", Description: "An inclusive run of periods.", Fields: gql.Fields{
		"from": field(nonNull(gql.String), ""), "to": field(nonNull(gql.String), "")}})
	predictor := gql.NewObject(gql.ObjectConfig{Name: "PlanPredictor", Description: "A synthetic control predictor: the mean of an indicator over a window.", Fields: gql.Fields{
		"indicator": field(nonNull(gql.ID), ""), "from": field(nonNull(gql.String), ""), "to": field(nonNull(gql.String), "")}})
	its := gql.NewObject(gql.ObjectConfig{Name: "PlanIts", Description: "The interrupted time series options a plan fixes.", Fields: gql.Fields{
		"model": field(im.model, ""), "offset": field(gql.ID, ""), "harmonics": field(nonNull(gql.Int), ""),
		"slopeChange": field(nonNull(gql.Boolean), ""), "errors": field(im.itsErrors, ""), "hacLag": field(gql.Int, ""),
		"interruptions": field(gql.NewList(gql.NewNonNull(gql.ID)), "Other interventions fitted in the same series; null: the default, read from the timeline where the plan is run; empty: none.")}})
	plan := gql.NewObject(gql.ObjectConfig{Name: "AnalysisPlan",
		Description: "How an intervention is to be evaluated on one indicator, registered before its post-period data (impact(plan:) runs it).",
		Fields: gql.Fields{
			"id": field(nonNull(gql.ID), ""), "intervention": field(nonNull(gql.ID), ""), "indicator": field(nonNull(gql.ID), ""),
			"method": field(nonNull(im.method), ""), "regions": field(listOf(gql.ID), "The target regions, resolved when registered."),
			"comparison": field(listOf(gql.ID), "Empty: the default comparison pool."),
			"predictors": field(listOf(predictor), ""), "its": field(its, ""),
			"before": field(nonNull(window), ""), "after": field(nonNull(window), ""),
			"hypotheses": field(listOf(gql.String), ""), "registeredBy": field(nonNull(gql.String), ""),
			"late":         field(nonNull(gql.Boolean), "True when registered with late: true (post-period data may have been seen)."),
			"postData":     field(gql.String, "The first post-period observation recorded when the plan was registered (region and period); null when none."),
			"position":     field(nonNull(gql.String), "Where the plan was registered: the log proves it came before the data that follow."),
			"registeredAt": field(nonNull(gql.String), "When it was recorded (RFC 3339)."),
		}})
	fields["analysisPlan"] = &gql.Field{Type: plan, Description: "A registered analysis plan; null when unknown (or about an operation the reader may not see).",
		Args: gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}, "asOf": {Type: gql.String}},
		Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
			asOf, err := s.asOf(p.Context, p.Args)
			if err != nil {
				return nil, err
			}
			id, _ := p.Args["id"].(string)
			pl, ok := s.lookupPlan(p, id, asOf)
			if !ok {
				return nil, nil
			}
			return planOut(pl), nil
		})}
}

func planOut(pl projections.Plan) map[string]any {
	preds := make([]map[string]any, len(pl.Predictors))
	for i, x := range pl.Predictors {
		preds[i] = map[string]any{"indicator": x.Indicator, "from": x.From, "to": x.To}
	}
	var its any
	if o := pl.ITS; o != nil {
		m := map[string]any{"model": nilIfEmpty(string(o.Model)), "offset": nilIfEmpty(o.Offset), "harmonics": o.Harmonics,
			"slopeChange": o.SlopeChange, "errors": nilIfEmpty(string(o.Errors)), "hacLag": nil}
		if o.HACLag != nil {
			m["hacLag"] = *o.HACLag
		}
		m["interruptions"] = nil
		if o.Interruptions != nil {
			m["interruptions"] = nonNilStrings(*o.Interruptions)
		}
		its = m
	}
	return map[string]any{"id": pl.ID, "intervention": pl.Intervention, "indicator": pl.Indicator, "method": string(pl.Method),
		"regions": nonNilStrings(pl.Regions), "comparison": nonNilStrings(pl.Comparison), "predictors": preds, "its": its,
		"before": map[string]any{"from": pl.Before.From, "to": pl.Before.To}, "after": map[string]any{"from": pl.After.From, "to": pl.After.To},
		"hypotheses": nonNilStrings(pl.Hypotheses), "registeredBy": pl.RegisteredBy, "late": pl.Late, "postData": nilIfEmpty(pl.PostData),
		"position": strconv.FormatUint(pl.Position, 10), "registeredAt": pl.RecordedAt.UTC().Format(time.RFC3339)}
}
