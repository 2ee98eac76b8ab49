package graphql

import (
	"math"
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// addStaggeredField adds staggered: the effect of interventions adopted
// at different dates (projections/evaluate.Evaluator.Staggered).
func (s *Server) addStaggeredField(t *types, fields gql.Fields) {
	control := gql.NewEnum(gql.EnumConfig{Name: "StaggeredControl", Description: "Which regions each adopting cohort is compared with.",
		Values: gql.EnumValueConfigMap{
			impact.NeverTreated:  {Value: impact.NeverTreated, Description: "Regions never treated in the window."},
			impact.NotYetTreated: {Value: impact.NotYetTreated, Description: "Regions not yet treated at the periods compared, and those never treated."},
		}})
	inference := gql.NewEnum(gql.EnumConfig{Name: "StaggeredInference", Description: "How the standard errors of the aggregated effects are computed; clustered by region either way.",
		Values: gql.EnumValueConfigMap{
			impact.InferenceAnalytic:  {Value: impact.InferenceAnalytic, Description: "From the sample variance of each estimate's influence function."},
			impact.InferenceBootstrap: {Value: impact.InferenceBootstrap, Description: "From a multiplier bootstrap of the influence functions, as R's did package computes them by default: Rademacher weights by region shared by every estimate, standard error = interquartile range of the draws / 1.349."},
		}})
	f := func(t gql.Output, desc string) *gql.Field { return &gql.Field{Type: t, Description: desc} }
	interval := gql.NewObject(gql.ObjectConfig{Name: "StaggeredInterval", Description: "An estimate with its standard error and 95% interval.",
		Fields: gql.Fields{"estimate": f(nonNull(gql.Float), ""), "se": f(nonNull(gql.Float), "Standard error, clustered by region, analytic or bootstrapped (inputs.inference)."),
			"low": f(nonNull(gql.Float), ""), "high": f(nonNull(gql.Float), "")}})
	cohort := gql.NewObject(gql.ObjectConfig{Name: "CohortEffect", Description: "The average effect on the regions adopting in one period, over the periods after.",
		Fields: gql.Fields{"cohort": f(nonNull(gql.String), "The period of adoption."), "regions": f(nonNull(gql.Int), ""),
			"estimate": f(nonNull(gql.Float), ""), "se": f(nonNull(gql.Float), ""), "low": f(nonNull(gql.Float), ""), "high": f(nonNull(gql.Float), "")}})
	event := gql.NewObject(gql.ObjectConfig{Name: "EventEffect", Description: "The average effect a number of periods after adoption (negative: before), over the cohorts observed then.",
		Fields: gql.Fields{"relativePeriod": f(nonNull(gql.Int), "0 is the period of adoption."), "cohorts": f(nonNull(gql.Int), ""),
			"estimate": f(nonNull(gql.Float), ""), "se": f(nonNull(gql.Float), ""), "low": f(nonNull(gql.Float), "Pointwise 95%."), "high": f(nonNull(gql.Float), ""),
			"bandLow": f(nonNull(gql.Float), "Simultaneous 95% band (sup-t, multiplier bootstrap): holds for every relative period at once."), "bandHigh": f(nonNull(gql.Float), "")}})
	preTrend := gql.NewObject(gql.ObjectConfig{Name: "PreTrendTest", Description: "Wald test that every effect before adoption is zero.",
		Fields: gql.Fields{"statistic": f(gql.Float, ""), "pValue": f(gql.Float, ""), "periods": f(nonNull(gql.Int), "")}})
	twfe := gql.NewObject(gql.ObjectConfig{Name: "TwoWayFixedEffects", Description: "What a naive two-way fixed-effects regression says, and why it differs.",
		Fields: gql.Fields{"estimate": f(gql.Float, "The regression's coefficient on treated-after-adoption."),
			"negativeWeights":     f(nonNull(gql.Int), "Cohort-period effects it weighs negatively (de Chaisemartin & D'Haultfoeuille 2020)."),
			"negativeWeightSum":   f(nonNull(gql.Float), ""),
			"alreadyTreatedShare": f(nonNull(gql.Float), "Share of its weight on comparisons with already-treated regions as controls (Goodman-Bacon 2021).")}})
	inputs := gql.NewObject(gql.ObjectConfig{Name: "StaggeredInputs", Description: "What went into the estimate.",
		Fields: gql.Fields{"regions": f(listOf(gql.ID), "Treated regions used."), "comparison": f(listOf(gql.ID), "Never-treated regions used."),
			"periods": f(listOf(gql.String), "The periods used, in order."), "asOf": f(nonNull(gql.String), "The log position the data were read at."),
			"inference": f(nonNull(inference), "How the standard errors were computed."),
			"draws":     f(nonNull(gql.Int), "Multiplier-bootstrap draws: for the event study's band, and with BOOTSTRAP for every standard error; seeded from the question, so the same question as of the same position gets the same answer.")}})
	sensitivity := s.sensitivityType(t)
	result := gql.NewObject(gql.ObjectConfig{Name: "StaggeredEstimate", Description: "Effects of interventions adopted at different dates (Callaway & Sant'Anna 2021).",
		Fields: gql.Fields{
			"att":          f(nonNull(interval), "Overall: the average effect over every period after adoption, cohorts weighted by their number of regions (did::aggte type \"simple\")."),
			"attByCohort":  f(nonNull(interval), "Overall, each treated region counted once: the average of the cohorts' effects weighted by their number of regions (did::aggte type \"group\", Callaway & Sant'Anna's recommended summary; -0.031 on their minimum-wage example)."),
			"cohorts":      f(listOf(cohort), ""),
			"eventStudy":   f(listOf(event), ""),
			"preTrend":     f(nonNull(preTrend), ""),
			"eventAverage": f(nonNull(interval), "The average of the event-study effects from adoption on (did::aggte type \"dynamic\")."),
			"sensitivity":  f(sensitivity, "Null without periods both before and after adoption in the event study."),
			"twfe":         f(nonNull(twfe), ""),
			"explanation": staggeredText(t, nonNull(gql.String), "A paragraph for a briefing, in the language asked (English by default).",
				func(e *evaluate.StaggeredEstimate, l i18n.Lang) any { return e.ExplanationIn(l) }),
			"assumptions": staggeredText(t, listOf(gql.String), "What the estimate rests on, one sentence each.",
				func(e *evaluate.StaggeredEstimate, l i18n.Lang) any { return e.AssumptionsIn(l) }),
			"inputs": f(nonNull(inputs), ""),
		}})
	fields["staggered"] = &gql.Field{Type: result,
		Description: "The effect of interventions of one kind adopted at different dates in different regions: each region's adoption is read from the timeline (the first day any of them covers it); group-time effects after Callaway & Sant'Anna (2021) aggregated overall, by cohort and by time since adoption, with what a two-way fixed-effects regression would say.",
		Args: gql.FieldConfigArgument{
			"interventions": {Type: nonNull(gql.NewList(gql.NewNonNull(gql.ID)))},
			"indicator":     {Type: nonNull(gql.ID)},
			"comparison":    {Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: "Never-treated regions (default: regions of the treated regions' levels with data that none of the interventions covers, nor neighbours)."},
			"control":       {Type: control, DefaultValue: impact.NeverTreated},
			"anticipation":  {Type: gql.Int, Description: "Periods before adoption in which regions may already react (default 0)."},
			"inference":     {Type: inference, DefaultValue: impact.InferenceAnalytic, Description: "Analytic standard errors (default) or a multiplier bootstrap's."},
			"draws":         {Type: gql.Int, Description: "Multiplier-bootstrap draws, 99 to 9,999 (default 999)."},
			"from":          {Type: gql.String}, "to": {Type: gql.String},
			"asOf": {Type: gql.String},
		},
		Resolve: s.wrap(s.resolveStaggered)}
}

func (s *Server) resolveStaggered(p gql.ResolveParams) (any, error) {
	asOf, err := s.asOf(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	q := evaluate.StaggeredQuery{AsOf: asOf, Interventions: idList(p.Args["interventions"]), Comparison: idList(p.Args["comparison"])}
	q.Indicator, _ = p.Args["indicator"].(string)
	q.Control, _ = p.Args["control"].(string)
	q.Anticipation, _ = p.Args["anticipation"].(int)
	q.From, _ = p.Args["from"].(string)
	q.To, _ = p.Args["to"].(string)
	q.Inference, _ = p.Args["inference"].(string)
	if d, ok := p.Args["draws"].(int); ok {
		if d == 0 {
			return nil, domain.Invalidm("draws", "impact.err.stag.draws", d, impact.MinDraws, impact.MaxDraws)
		}
		q.Draws = d
	}
	if q.Anticipation < 0 {
		return nil, domain.Invalidm("anticipation", "gql.err.staggered.anticipation", q.Anticipation)
	}
	r, err := s.evaluator(p.Context).Staggered(p.Context, q)
	if err != nil {
		return nil, err
	}
	return staggeredMap(r), nil
}

func nanNil(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// staggeredMap is the answer as the API shows it.
func staggeredMap(r *evaluate.StaggeredEstimate) map[string]any {
	agg := func(a impact.Aggregate) map[string]any {
		return map[string]any{"estimate": a.Estimate, "se": a.SE, "low": a.Low, "high": a.High}
	}
	cohorts := []any{}
	for _, c := range r.Cohorts {
		m := agg(c.Aggregate)
		m["cohort"], m["regions"] = r.Periods[c.Cohort].String(), c.Units
		cohorts = append(cohorts, m)
	}
	events := []any{}
	for _, e := range r.Event {
		m := agg(e.Aggregate)
		m["relativePeriod"], m["cohorts"], m["bandLow"], m["bandHigh"] = e.Relative, e.Cohorts, e.BandLow, e.BandHigh
		events = append(events, m)
	}
	periods := make([]string, len(r.Periods))
	for i, p := range r.Periods {
		periods[i] = p.String()
	}
	sens := sensitivityValue(r.Sensitivity)
	return map[string]any{
		"eventAverage": agg(r.EventAverage), "sensitivity": sens,
		"att": agg(r.Overall), "attByCohort": agg(r.ByCohort), "cohorts": cohorts, "eventStudy": events,
		"preTrend": map[string]any{"statistic": nanNil(r.PreTrendStat), "pValue": nanNil(r.PreTrendP), "periods": r.PreTrendDF},
		"twfe": map[string]any{"estimate": nanNil(r.TWFE.Beta), "negativeWeights": r.TWFE.NegativeCells,
			"negativeWeightSum": r.TWFE.NegativeWeight, "alreadyTreatedShare": r.TWFE.ForbiddenShare},
		"explanation": r.Explanation, "assumptions": r.Assumptions, srcKey: r,
		"inputs": map[string]any{"regions": r.Regions, "comparison": r.Comparison, "periods": periods,
			"asOf": strconv.FormatUint(r.AsOf, 10), "inference": r.Inference, "draws": r.Draws},
	}
}

// sensitivityType is the Sensitivity object shared by ImpactEstimate and
// StaggeredEstimate, built once per server.
func (s *Server) sensitivityType(t *types) *gql.Object {
	if s.sensT != nil {
		return s.sensT
	}
	f := func(t gql.Output, desc string) *gql.Field { return &gql.Field{Type: t, Description: desc} }
	iv := gql.NewObject(gql.ObjectConfig{Name: "SensitivityInterval", Description: "The 95% confidence set when post-period violations of parallel trends may move by up to mbar times the largest pre-period move; low and high are null when no effect is compatible with the data under that restriction.",
		Fields: gql.Fields{"mbar": f(nonNull(gql.Float), ""), "low": f(gql.Float, ""), "high": f(gql.Float, "")}})
	s.sensT = gql.NewObject(gql.ObjectConfig{Name: "Sensitivity", Description: "Sensitivity of the average effect after the intervention (the event-study average) to violations of parallel trends: 95% confidence sets under the relative-magnitudes restriction of Rambachan & Roth (2023), by the conditional-least-favourable hybrid test of Andrews, Roth & Pakes (which accounts for the sampling error of the pre-period moves).",
		Fields: gql.Fields{
			"breakdown": f(gql.Float, "The largest mbar at which the confidence set still excludes zero (to 0.005); 0 when it does not at mbar 0; null when it does at every mbar up to 1,000."),
			"intervals": f(listOf(iv), ""),
			"sentence": &gql.Field{Type: nonNull(gql.String), Description: "The conclusion in one sentence.",
				Args: gql.FieldConfigArgument{"lang": {Type: s.cycleTypes(t).lang, DefaultValue: string(i18n.EN)}},
				Resolve: func(p gql.ResolveParams) (any, error) {
					raw, _ := p.Args["lang"].(string)
					l, err := i18n.ParseLang(raw)
					if err != nil {
						return nil, err
					}
					return p.Source.(map[string]any)["_s"].(*impact.Sensitivity).SentenceIn(l), nil
				}},
			"maxPre": f(nonNull(gql.Float), "The largest estimated move between consecutive periods before the intervention."),
		}})
	return s.sensT
}

// sensitivityValue is the GraphQL value of a sensitivity analysis; nil for
// none.
func sensitivityValue(s *impact.Sensitivity) any {
	if s == nil {
		return nil
	}
	ivs := []any{}
	for _, iv := range s.Intervals {
		ivs = append(ivs, map[string]any{"mbar": iv.Mbar, "low": nanNil(iv.Low), "high": nanNil(iv.High)})
	}
	return map[string]any{"breakdown": nanNil(s.Breakdown), "intervals": ivs, "_s": s, "maxPre": s.MaxPre}
}

// staggeredText is a text field of a staggered estimate with the argument
// lang: English is the value answered so far, another language is written
// from the estimate's messages.
func staggeredText(t *types, typ gql.Output, desc string, in func(e *evaluate.StaggeredEstimate, l i18n.Lang) any) *gql.Field {
	return &gql.Field{Type: typ, Description: desc, Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
		m, _ := p.Source.(map[string]any)
		e, ok := m[srcKey].(*evaluate.StaggeredEstimate)
		if l := argLang(p); ok && l != i18n.EN {
			return in(e, l), nil
		}
		return m[p.Info.FieldName], nil
	}}
}
