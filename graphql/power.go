package graphql

import (
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// powerTypes builds the Power object (issue 15): the minimum detectable
// effect of a planned evaluation, and OperationPower, one indicator's
// power in Operation.power.
func powerTypes(t *types) (power, opPower *gql.Object) {
	pw := func(f func(*evaluate.PowerEstimate) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(*evaluate.PowerEstimate)), nil }
	}
	inputs := gql.NewObject(gql.ObjectConfig{Name: "PowerInputs", Description: "The history a power analysis was simulated from.",
		Fields: gql.Fields{
			"indicator":   &gql.Field{Type: nonNull(gql.ID), Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Indicator.Code })},
			"regions":     &gql.Field{Type: listOf(gql.ID), Description: "Target regions whose history was used.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Regions })},
			"comparison":  &gql.Field{Type: listOf(gql.ID), Description: "Comparison regions whose history was used (DID, SYNTHETIC_CONTROL; empty otherwise).", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Comparison })},
			"method":      &gql.Field{Type: nonNull(gql.String), Description: "The method simulated.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return string(x.Method) })},
			"periods":     &gql.Field{Type: listOf(gql.String), Description: "The history's periods, in order.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Periods })},
			"firstPeriod": &gql.Field{Type: nonNull(gql.String), Description: "The first period under the planned intervention.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.FirstPeriod })},
			"horizon":     &gql.Field{Type: nonNull(gql.Int), Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Horizon })},
			"prePeriods":  &gql.Field{Type: nonNull(gql.Int), Description: "Periods before each pretended start.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.PrePeriods })},
			"windows":     &gql.Field{Type: nonNull(gql.Int), Description: "Pretended starts (placebo windows) simulated.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Windows })},
			"aggregation": &gql.Field{Type: gql.String, Description: "sum or mean when several regions were combined.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return nilIfEmpty(x.Aggregation) })},
			"asOf":        &gql.Field{Type: nonNull(gql.String), Resolve: pw(func(x *evaluate.PowerEstimate) any { return strconv.FormatUint(x.AsOf, 10) })},
		}})
	power = gql.NewObject(gql.ObjectConfig{Name: "Power",
		Description: "How large a change an evaluation could detect, simulated from the recorded history (placebo in time: earlier pretended starts, injected effects, re-estimated).",
		Fields: gql.Fields{
			"mde": &gql.Field{Type: gql.Float, Description: "Minimum detectable effect: the smallest change (in the indicator's units, positive) detected with 80% power; null when none up to the search's limit is.",
				Resolve: pw(func(x *evaluate.PowerEstimate) any { return ifTrue(x.Detectable, x.MDE) })},
			"mdeRelative": &gql.Field{Type: gql.Float, Description: "mde as a proportion of the recent level (0.18 is 18%).",
				Resolve: pw(func(x *evaluate.PowerEstimate) any { return ifTrue(x.Detectable && x.Baseline != 0, x.MDERelative) })},
			"baseline": &gql.Field{Type: nonNull(gql.Float), Description: "The recent level: the mean of the last prePeriods periods.", Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Baseline })},
			"size": &gql.Field{Type: nonNull(gql.Float), Description: "Share of placebo windows with a significant change when nothing was injected (alpha when the method is calibrated).",
				Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Size })},
			"alpha": &gql.Field{Type: nonNull(gql.Float), Resolve: pw(func(x *evaluate.PowerEstimate) any { return x.Alpha })},
			"power": &gql.Field{Type: nonNull(gql.Float), Description: "Share of placebo windows in which a change of effect (indicator units; negative for a decrease) is detected.",
				Args: gql.FieldConfigArgument{"effect": {Type: nonNull(gql.Float)}},
				Resolve: func(p gql.ResolveParams) (any, error) {
					e, _ := p.Args["effect"].(float64)
					return p.Source.(*evaluate.PowerEstimate).PowerAtContext(p.Context, e)
				}},
			"explanation": &gql.Field{Type: nonNull(gql.String), Description: "What the numbers mean, in words.", Args: t.langArgs(),
				Resolve: textIn(func(x *evaluate.PowerEstimate, l i18n.Lang) any {
					if l == i18n.EN {
						return x.Explanation
					}
					return x.ExplanationIn(l)
				})},
			"inputs": &gql.Field{Type: nonNull(inputs), Resolve: pw(func(x *evaluate.PowerEstimate) any { return x })},
		}})
	op := func(f func(evaluate.OperationPower) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(evaluate.OperationPower)), nil }
	}
	opPower = gql.NewObject(gql.ObjectConfig{Name: "OperationPower", Description: "The power of an operation's evaluation on one indicator, from what was recorded when it was launched.",
		Fields: gql.Fields{
			"indicator": &gql.Field{Type: nonNull(gql.ID), Resolve: op(func(x evaluate.OperationPower) any { return x.Indicator })},
			"power": &gql.Field{Type: power, Description: "null when the history does not allow it (see error).", Resolve: op(func(x evaluate.OperationPower) any {
				if x.Estimate == nil {
					return nil
				}
				return x.Estimate
			})},
			"error": &gql.Field{Type: gql.String, Description: "Why there is no power analysis.", Resolve: op(func(x evaluate.OperationPower) any { return nilIfEmpty(x.Error) })},
		}})
	return power, opPower
}

func ifTrue(ok bool, v float64) any {
	if !ok {
		return nil
	}
	return v
}

// addPowerField adds the query power and the field Operation.power.
func (s *Server) addPowerField(t *types, fields gql.Fields) {
	fields["power"] = &gql.Field{Type: t.power,
		Description: "The smallest change in an indicator an evaluation over horizon periods from start could detect with 80% power, from the regions' recorded history (issue 15).",
		Args: gql.FieldConfigArgument{
			"indicator":  {Type: nonNull(gql.ID)},
			"regions":    {Type: nonNull(gql.NewList(gql.NewNonNull(gql.ID)))},
			"start":      {Type: nonNull(gql.String), Description: "Planned start, YYYY-MM-DD."},
			"horizon":    {Type: nonNull(gql.Int), Description: "Periods the evaluation will cover from the start."},
			"method":     {Type: t.impactMethod, Description: "ITS (default), BEFORE_AFTER, DID, SYNTHETIC_CONTROL, or AUTO (the method the impact query's AUTO would choose on this history and comparison pool)."},
			"comparison": {Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: "Comparison regions of DID and SYNTHETIC_CONTROL; default the pool impact would use (regions of the targets' level with data, neither targets nor their neighbours, less those exposed to other interventions expected to affect the indicator's family)."},
			"alpha":      {Type: gql.Float, Description: "Significance level, default 0.05."},
			"asOf":       {Type: gql.String},
		},
		Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
			asOf, err := s.asOf(p.Context, p.Args)
			if err != nil {
				return nil, err
			}
			q := evaluate.PowerQuery{AsOf: asOf, Regions: idList(p.Args["regions"])}
			if c, ok := p.Args["comparison"]; ok && c != nil {
				q.Comparison = idList(c)
			}
			q.Indicator, _ = p.Args["indicator"].(string)
			q.Start, _ = p.Args["start"].(string)
			q.Horizon, _ = p.Args["horizon"].(int)
			m, _ := p.Args["method"].(string)
			q.Method = impact.Method(m)
			if a, ok := p.Args["alpha"].(float64); ok {
				q.Alpha = &a
			}
			return s.evaluator(p.Context).Power(p.Context, q)
		})}
}

// operationPowerField is Operation.power.
func (s *Server) operationPowerField(t *types) *gql.Field {
	return &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(t.operationPower))),
		Description: "The power of its evaluation on each indicator with data in its regions (over a year of periods from its start, by the method the impact query's AUTO would choose then: synthetic control, difference-in-differences or interrupted time series, with the default comparison pool of its launch), computed from what was recorded when it was launched: it never changes afterwards.",
		Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
			iv := p.Source.(projections.Intervention)
			out, err := s.evaluator(p.Context).OperationPower(p.Context, iv.ID)
			if out == nil && err == nil {
				out = []evaluate.OperationPower{}
			}
			return out, err
		})}
}
