package evaluate

import (
	"context"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections"
)

// PlanQuery returns the impact query that runs analysis plan p exactly,
// read at asOf: its method, its resolved target regions, its comparison
// regions (the default pool when it names none), its windows (from the
// first period before to the last after), its predictors and model
// options.
func PlanQuery(p projections.Plan, asOf uint64) ImpactQuery {
	q := ImpactQuery{Intervention: p.Intervention, Indicator: p.Indicator, Method: impact.Method(p.Method),
		Regions: append([]string(nil), p.Regions...), From: p.Before.From, To: p.After.To, AsOf: asOf}
	if len(p.Comparison) > 0 {
		q.Comparison = append([]string(nil), p.Comparison...)
	}
	for _, pr := range p.Predictors {
		q.Predictors = append(q.Predictors, Predictor{Indicator: pr.Indicator, From: pr.From, To: pr.To})
	}
	if o := p.ITS; o != nil {
		q.ITS = ITSOptions{Model: impact.Model(o.Model), Offset: o.Offset, Harmonics: o.Harmonics, SlopeChange: o.SlopeChange,
			Errors: impact.ITSErrors(o.Errors)}
		if o.Interruptions != nil {
			q.ITS.Interruptions = append([]string{}, (*o.Interruptions)...)
		}
		if o.HACLag != nil {
			q.ITS.HACLag = *o.HACLag
			if *o.HACLag == 0 {
				q.ITS.HACLag = impact.HACWhite
			}
		}
	}
	return q
}

// RunPlan runs analysis plan p at asOf. The estimate's first period must
// be the plan's after.from: when the intervention's start has been
// amended since the plan was registered, the plan can no longer be run as
// registered and RunPlan says so (Conflict on "plan").
func (e *Evaluator) RunPlan(ctx context.Context, p projections.Plan, asOf uint64) (*ImpactEstimate, error) {
	est, err := e.Impact(ctx, PlanQuery(p, asOf))
	if err != nil {
		return nil, err
	}
	if est.FirstPeriod != p.After.From {
		return nil, domain.Errorm(domain.Conflict, "plan", "evaluate.err.plan.moved",
			p.ID, p.After.From, est.FirstPeriod)
	}
	return est, nil
}

// DesignOf returns the design facts of an estimate, which
// domain.RateDesign rates: the method, the comparison regions that
// entered, the pre-trend test's p-value (difference-in-differences) and
// the placebo test's size, the treated unit's pre-period fit rank and
// whether a conformal interval was computed (synthetic control), and the
// number of treated regions (difference-in-differences).
func DesignOf(est *ImpactEstimate) domain.DesignFacts {
	f := domain.DesignFacts{Method: domain.AnalysisMethod(est.Method), ComparisonUnits: len(est.Comparison)}
	if est.Method == impact.MethodDiD {
		f.TreatedUnits = len(est.Inputs.Units)
	}
	if _, ok := est.Param("interval_method"); ok && est.Effect.HasInterval {
		f.Conformal = true
		for _, p := range est.Counterfactual {
			if p.Post {
				f.PostPeriods++
			} else {
				f.PrePeriods++
			}
		}
	}
	for _, d := range est.Diagnostics {
		if d.Name == "pre_trend_p" {
			p := d.Value
			f.PreTrendP = &p
		}
	}
	if pl := est.Placebo; pl != nil && len(pl.Fits) > 0 {
		f.PlaceboUnits = len(pl.Fits)
		var treated float64
		for _, x := range pl.Fits {
			if x.Treated {
				treated = x.PreRMSPE
			}
		}
		f.PreFitRank = 1
		for _, x := range pl.Fits {
			if !x.Treated && x.PreRMSPE < treated {
				f.PreFitRank++
			}
		}
	}
	return f
}

// PlanVisible reports whether analysis plan p, about an intervention
// whoever asks may see, exists for them: a plan whose interrupted time
// series names other interventions (its.interruptions) exists only for
// those who may see each of them. A plan that named an operation above
// the reader's clearance would name it, and could not be run as
// registered without it, so it is answered as a plan never registered
// (graphql's analysisPlan and impact(plan:), the cycle report's plans).
// IDs are judged as known at asOf, or now when recorded after it.
func (e *Evaluator) PlanVisible(p projections.Plan, asOf uint64) bool {
	if e.Visible == nil || p.ITS == nil || p.ITS.Interruptions == nil {
		return true
	}
	for _, id := range *p.ITS.Interruptions {
		iv, ok := e.Interventions.Get(id, asOf)
		if !ok {
			iv, ok = e.Interventions.Get(id, 0)
		}
		if ok && !e.Visible(iv) {
			return false
		}
	}
	return true
}
