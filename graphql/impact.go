package graphql

import (
	"cmp"
	"slices"
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// impactInputTypes are the input types of impact that analysis plans
// share (registerAnalysisPlan takes them too), built once per schema.
type impactInputTypes struct {
	method, model  *gql.Enum
	itsErrors      *gql.Enum
	predictor, its *gql.InputObject
	periodRange    *gql.InputObject
	// ratings: the evidence rating's types (impact answers them, findings
	// take and answer them).
	ratings ratingTypes
}

func (s *Server) impactInputs(t *types) *impactInputTypes {
	if s.impactIn != nil {
		return s.impactIn
	}
	method := t.impactMethod
	model := enumOf("ItsModel", "Error model of an interrupted time series: GAUSSIAN (least squares, Newey-West errors) or QUASI_POISSON (counts, log link, rate ratios).",
		[]impact.Model{impact.Gaussian, impact.QuasiPoisson})
	itsErrors := enumOf("ItsErrors", "How the GAUSSIAN model treats noise that carries over between periods: NEWEY_WEST (least squares, Newey-West standard errors) or AR1 (generalised least squares with first-order autoregressive noise, coefficient by REML).",
		[]impact.ITSErrors{impact.NeweyWest, impact.AR1})
	predictorInput := gql.NewInputObject(gql.InputObjectConfig{Name: "PredictorInput",
		Description: "A synthetic control predictor: the mean of an indicator over a window of its periods, before the intervention; the outcome indicator with from = to is a lagged outcome.",
		Fields: gql.InputObjectConfigFieldMap{
			"indicator": {Type: nonNull(gql.ID)}, "from": {Type: nonNull(gql.String)}, "to": {Type: nonNull(gql.String)}}})
	itsOptions := gql.NewInputObject(gql.InputObjectConfig{Name: "ItsOptions", Description: "Options of the interrupted time series.",
		Fields: gql.InputObjectConfigFieldMap{
			"model":         {Type: model, Description: "Default: QUASI_POISSON when the outcome counts events or an offset is given, GAUSSIAN otherwise."},
			"offset":        {Type: gql.ID, Description: "An indicator (a population, say) whose logarithm is the offset of the quasi-Poisson model: estimates become ratios of rates."},
			"harmonics":     {Type: gql.Int, Description: "Sine/cosine pairs for seasonality (period 12 for months, 4 quarters, 52 weeks, 7 days). Default 0."},
			"slopeChange":   {Type: gql.Boolean, Description: "Add a change in trend at the intervention. Default false."},
			"errors":        {Type: itsErrors, Description: "GAUSSIAN: default NEWEY_WEST when the model is asked for; AUTO uses AR1, because Newey-West intervals are too narrow when the noise is persistent. QUASI_POISSON: NEWEY_WEST replaces the model-based standard errors by the Newey-West sandwich (AUTO does so when the residuals are autocorrelated); AR1 is not available."},
			"interruptions": {Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: "Method ITS: other interventions fitted in the same series, each with its own level (and slope) change (piecewise interrupted time series; see segments). Default: the interventions expected to affect the indicator's family that take effect on the target regions (or a region above them) inside the window, from the timeline, named in the explanation; [] fits the one intervention alone."},
			"hacLag":        {Type: gql.Int, Description: "Newey-West truncation lag (Bartlett kernel, no small-sample factor). Default floor(4 (n/100)^(2/9)) for n periods; 0 means no autocorrelation terms (White's heteroscedasticity-robust errors). Only with Newey-West errors."},
		}})

	s.impactIn = &impactInputTypes{method: method, model: model, itsErrors: itsErrors, predictor: predictorInput, its: itsOptions,
		periodRange: gql.NewInputObject(gql.InputObjectConfig{Name: "PeriodRange", Description: "An inclusive run of periods in the indicator's granularity.",
			Fields: gql.InputObjectConfigFieldMap{"from": {Type: nonNull(gql.String)}, "to": {Type: nonNull(gql.String)}}}),
		ratings: buildRatingTypes(method, t.langArgs())}
	return s.impactIn
}

// impactField builds the query field impact (DESIGN.md section 5) with
// the types it needs: what an intervention did to an indicator, by one of
// the evaluation methods of domain/impact run on the read models.
func (s *Server) impactField(t *types) *gql.Field {
	in0 := s.impactInputs(t)
	method, model, predictorInput, itsOptions := in0.method, in0.model, in0.predictor, in0.its

	interval := gql.NewObject(gql.ObjectConfig{Name: "EstimateInterval", Description: "An estimate with its 95% interval (null when the method gives none).",
		Fields: gql.Fields{
			"estimate": &gql.Field{Type: nonNull(gql.Float), Resolve: est(func(e *impact.Estimate) any { return e.Value })},
			"low":      &gql.Field{Type: gql.Float, Resolve: est(func(e *impact.Estimate) any { return ifInterval(e, e.Low) })},
			"high":     &gql.Field{Type: gql.Float, Resolve: est(func(e *impact.Estimate) any { return ifInterval(e, e.High) })},
			"se": &gql.Field{Type: gql.Float, Description: "Standard error (of the log ratio for ratios); null when the method gives none.",
				Resolve: est(func(e *impact.Estimate) any { return ifPositive(e.SE) })},
			"pValue": &gql.Field{Type: gql.Float, Resolve: est(func(e *impact.Estimate) any { return ifP(e) })},
		}})
	weight := gql.NewObject(gql.ObjectConfig{Name: "DonorWeight", Description: "A comparison region's weight in a synthetic control.",
		Fields: gql.Fields{
			"region": &gql.Field{Type: nonNull(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitWeight).Unit, nil }},
			"weight": &gql.Field{Type: nonNull(gql.Float), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitWeight).Weight, nil }},
		}})
	fit := func(f func(impact.PlaceboFit) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(impact.PlaceboFit)), nil }
	}
	placeboFit := gql.NewObject(gql.ObjectConfig{Name: "PlaceboFit", Description: "One region's fit in the placebo-in-space test.",
		Fields: gql.Fields{
			"region":    &gql.Field{Type: nonNull(gql.ID), Resolve: fit(func(f impact.PlaceboFit) any { return f.Unit })},
			"preRmspe":  &gql.Field{Type: nonNull(gql.Float), Resolve: fit(func(f impact.PlaceboFit) any { return f.PreRMSPE })},
			"postRmspe": &gql.Field{Type: nonNull(gql.Float), Resolve: fit(func(f impact.PlaceboFit) any { return f.PostRMSPE })},
			"ratio":     &gql.Field{Type: nonNull(gql.Float), Description: "Post/pre RMSPE ratio, the test statistic.", Resolve: fit(func(f impact.PlaceboFit) any { return f.Ratio })},
			"treated":   &gql.Field{Type: nonNull(gql.Boolean), Resolve: fit(func(f impact.PlaceboFit) any { return f.Treated })},
		}})
	pl := func(f func(*impact.Placebo) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(*impact.Placebo)), nil }
	}
	placebo := gql.NewObject(gql.ObjectConfig{Name: "Placebo", Description: "Placebo-in-space test of a synthetic control: every comparison region treated as if it had received the intervention.",
		Fields: gql.Fields{
			"rank":   &gql.Field{Type: nonNull(gql.Int), Description: "The target's rank (1 = largest) of the post/pre RMSPE ratio.", Resolve: pl(func(x *impact.Placebo) any { return x.Rank })},
			"of":     &gql.Field{Type: nonNull(gql.Int), Description: "The number of regions ranked.", Resolve: pl(func(x *impact.Placebo) any { return x.Of })},
			"pValue": &gql.Field{Type: nonNull(gql.Float), Description: "rank / of.", Resolve: pl(func(x *impact.Placebo) any { return x.PValue })},
			"fits":   &gql.Field{Type: listOf(placeboFit), Description: "Every region's fit, the target first.", Resolve: pl(func(x *impact.Placebo) any { return x.Fits })},
		}})
	cp := func(f func(impact.CounterfactualPoint) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(impact.CounterfactualPoint)), nil }
	}
	band := func(c impact.CounterfactualPoint, v float64) any {
		if !c.HasBand {
			return nil
		}
		return v
	}
	counterfactual := gql.NewObject(gql.ObjectConfig{Name: "CounterfactualPoint", Description: "One period: what was observed and what the method expects without the intervention, with a 95% band.",
		Fields: gql.Fields{
			"period":   &gql.Field{Type: nonNull(gql.String), Resolve: cp(func(c impact.CounterfactualPoint) any { return c.Period })},
			"observed": &gql.Field{Type: nonNull(gql.Float), Resolve: cp(func(c impact.CounterfactualPoint) any { return c.Observed })},
			"expected": &gql.Field{Type: nonNull(gql.Float), Resolve: cp(func(c impact.CounterfactualPoint) any { return c.Expected })},
			"low":      &gql.Field{Type: gql.Float, Resolve: cp(func(c impact.CounterfactualPoint) any { return band(c, c.Low) })},
			"high":     &gql.Field{Type: gql.Float, Resolve: cp(func(c impact.CounterfactualPoint) any { return band(c, c.High) })},
			"gap":      &gql.Field{Type: nonNull(gql.Float), Description: "observed - expected.", Resolve: cp(func(c impact.CounterfactualPoint) any { return c.Gap() })},
			"post":     &gql.Field{Type: nonNull(gql.Boolean), Description: "Whether the period is under the intervention.", Resolve: cp(func(c impact.CounterfactualPoint) any { return c.Post })},
		}})
	diagnostic := gql.NewObject(gql.ObjectConfig{Name: "Diagnostic", Description: "A named number that helps judge a fit.",
		Fields: gql.Fields{
			"name":  &gql.Field{Type: nonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Diagnostic).Name, nil }},
			"value": &gql.Field{Type: nonNull(gql.Float), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Diagnostic).Value, nil }},
			"note": &gql.Field{Type: nonNull(gql.String), Description: "What the value means, in the language asked (English by default).", Args: t.langArgs(),
				Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Diagnostic).NoteIn(argLang(p)), nil }},
		}})
	parameter := gql.NewObject(gql.ObjectConfig{Name: "Parameter", Description: "A parameter of the method.",
		Fields: gql.Fields{
			"name": &gql.Field{Type: nonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Param).Name, nil }},
			"value": &gql.Field{Type: nonNull(gql.String), Description: "The value in digits or, in words, in the language asked (English by default).", Args: t.langArgs(),
				Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Param).ValueIn(argLang(p)), nil }},
		}})
	coefficient := gql.NewObject(gql.ObjectConfig{Name: "Coefficient", Description: "One row of a regression table (on the model's scale: logs for quasi-Poisson).",
		Fields: gql.Fields{
			"name": &gql.Field{Type: nonNull(gql.String), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.Coefficient).Name, nil }},
			"estimate": &gql.Field{Type: nonNull(interval), Resolve: func(p gql.ResolveParams) (any, error) {
				e := p.Source.(impact.Coefficient).Estimate
				return &e, nil
			}},
		}})
	pb := func(f func(impact.PredictorBalance) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(impact.PredictorBalance)), nil }
	}
	balance := gql.NewObject(gql.ObjectConfig{Name: "PredictorBalance", Description: "A synthetic control predictor: the target, its synthetic control and the comparison regions' mean.",
		Fields: gql.Fields{
			"name":      &gql.Field{Type: nonNull(gql.String), Resolve: pb(func(x impact.PredictorBalance) any { return x.Name })},
			"treated":   &gql.Field{Type: nonNull(gql.Float), Resolve: pb(func(x impact.PredictorBalance) any { return x.Treated })},
			"synthetic": &gql.Field{Type: nonNull(gql.Float), Resolve: pb(func(x impact.PredictorBalance) any { return x.Synthetic })},
			"donorMean": &gql.Field{Type: nonNull(gql.Float), Resolve: pb(func(x impact.PredictorBalance) any { return x.DonorMean })},
			"v":         &gql.Field{Type: nonNull(gql.Float), Description: "The predictor's weight in the distance (sums to 1).", Resolve: pb(func(x impact.PredictorBalance) any { return x.V })},
		}})
	in := func(f func(*evaluate.ImpactEstimate) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(*evaluate.ImpactEstimate)), nil }
	}
	regionPeriods := gql.NewObject(gql.ObjectConfig{Name: "RegionPeriods", Description: "The periods one region contributed to a difference-in-differences (panels may be unbalanced).",
		Fields: gql.Fields{
			"region":  &gql.Field{Type: nonNull(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitCoverage).Unit, nil }},
			"first":   &gql.Field{Type: nonNull(gql.String), Description: "Its first observed period.", Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitCoverage).First, nil }},
			"last":    &gql.Field{Type: nonNull(gql.String), Description: "Its last observed period.", Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitCoverage).Last, nil }},
			"periods": &gql.Field{Type: nonNull(gql.Int), Description: "How many periods it is observed in (fewer than its span when it has gaps).", Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.UnitCoverage).Periods, nil }},
		}})
	excluded := gql.NewObject(gql.ObjectConfig{Name: "ExcludedRegion", Description: "A region given to the method that did not enter the estimate, and why.",
		Fields: gql.Fields{
			"region": &gql.Field{Type: nonNull(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(impact.ExcludedUnit).Unit, nil }},
			"reason": &gql.Field{Type: nonNull(gql.String), Args: t.langArgs(), Resolve: textIn(func(x impact.ExcludedUnit, l i18n.Lang) any {
				return l.RenderOr(x.ReasonMsg, x.Reason)
			})},
		}})
	inputs := gql.NewObject(gql.ObjectConfig{Name: "ImpactInputs", Description: "The data an estimate was computed from.",
		Fields: gql.Fields{
			"regionPeriods": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(regionPeriods))), Description: "Difference-in-differences: the periods each region contributed; empty for the other methods.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return orEmpty(x.Inputs.Coverage) })},
			"excluded": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(excluded))), Description: "Regions given to the method that did not enter the estimate (difference-in-differences: no data, or observed once), with the reason.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return orEmpty(x.Inputs.Excluded) })},
			"intervention": &gql.Field{Type: nonNull(gql.ID), Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Intervention.ID })},
			"indicator":    &gql.Field{Type: nonNull(gql.ID), Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Indicator.Code })},
			"regions":      &gql.Field{Type: listOf(gql.ID), Description: "Target regions whose data entered the estimate.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Regions })},
			"comparison":   &gql.Field{Type: listOf(gql.ID), Description: "Comparison regions whose data entered the estimate.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Comparison })},
			"periods":      &gql.Field{Type: listOf(gql.String), Description: "The periods used, in order.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Periods })},
			"firstPeriod": &gql.Field{Type: nonNull(gql.String), Description: "The first period under the intervention: the first that starts on or after its start or effective date.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.FirstPeriod })},
			"prePeriods":  &gql.Field{Type: nonNull(gql.Int), Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Inputs.PrePeriods })},
			"postPeriods": &gql.Field{Type: nonNull(gql.Int), Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Inputs.PostPeriods })},
			"aggregation": &gql.Field{Type: gql.String, Description: "How several target regions were combined into one series (sum for counts, mean for levels); null when they were not.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nilIfEmpty(x.Aggregation) })},
			"asOf": &gql.Field{Type: nonNull(gql.String), Description: "The log position the data were read at; pass it as asOf to reproduce the estimate.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return strconv.FormatUint(x.AsOf, 10) })},
		}})
	estimate := gql.NewObject(gql.ObjectConfig{Name: "ImpactEstimate",
		Description: "What an intervention did to an indicator, with its uncertainty, the data used, diagnostics, assumptions and a plain-language explanation (Guideline 25).",
		Fields: gql.Fields{
			"method": &gql.Field{Type: nonNull(method), Description: "The method that produced the estimate (for AUTO, the one chosen).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return string(x.Method) })},
			"model": &gql.Field{Type: model, Description: "The interrupted time series model; null for other methods.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nilIfEmpty(string(x.Model)) })},
			"choice": &gql.Field{Type: gql.String, Description: "For AUTO, why the method was chosen.", Args: t.langArgs(),
				Resolve: textIn(func(x *evaluate.ImpactEstimate, l i18n.Lang) any { return nilIfEmpty(x.ChoiceIn(l)) })},
			"effect": &gql.Field{Type: nonNull(gql.Float), Description: "The headline estimate: the average effect over the periods under the intervention (a rate ratio when ratio is true; the difference of means for BEFORE_AFTER).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Effect.Value })},
			"low":    &gql.Field{Type: gql.Float, Description: "Lower end of the 95% interval of effect; null when the method gives none.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return ifInterval(&x.Effect, x.Effect.Low) })},
			"high":   &gql.Field{Type: gql.Float, Description: "Upper end of the 95% interval of effect; null when the method gives none.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return ifInterval(&x.Effect, x.Effect.High) })},
			"se":     &gql.Field{Type: gql.Float, Description: "Standard error of effect (of its log for ratios); null when the method gives none.", Resolve: in(func(x *evaluate.ImpactEstimate) any { return ifPositive(x.Effect.SE) })},
			"pValue": &gql.Field{Type: gql.Float, Description: "Two-sided p-value of no effect (the placebo p-value for a synthetic control).", Resolve: in(func(x *evaluate.ImpactEstimate) any { return ifP(&x.Effect) })},
			"relativeEffect": &gql.Field{Type: gql.Float, Description: "The effect relative to the counterfactual: -0.1 is 10% lower than expected.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any {
					if x.RelativeEffect == nil {
						return nil
					}
					return x.RelativeEffect.Value
				})},
			"relativeInterval": &gql.Field{Type: interval, Description: "The relative effect with its interval, when the method gives one.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return estOrNil(x.RelativeEffect) })},
			"levelChange": &gql.Field{Type: interval, Description: "Interrupted time series: the step at the intervention (a rate ratio when ratio is true).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return estOrNil(x.LevelChange) })},
			"slopeChange": &gql.Field{Type: interval, Description: "Interrupted time series: the change in trend per period (a ratio per period when ratio is true).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return estOrNil(x.SlopeChange) })},
			"ratio": &gql.Field{Type: nonNull(gql.Boolean), Description: "True when effect, levelChange and slopeChange are rate ratios (log-link models).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.Ratio })},
			"weights": &gql.Field{Type: listOf(weight), Description: "Synthetic control: the comparison regions' weights, largest first.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any {
					w := slices.Clone(x.Weights)
					slices.SortStableFunc(w, func(a, b impact.UnitWeight) int { return cmp.Compare(b.Weight, a.Weight) })
					return w
				})},
			"placebo": &gql.Field{Type: placebo, Description: "Synthetic control: the placebo-in-space test.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any {
					if x.Placebo == nil {
						return nil
					}
					return x.Placebo
				})},
			"predictors": &gql.Field{Type: listOf(balance), Description: "Synthetic control: predictor balance.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nonNilSlice(x.Predictors) })},
			"preRmspe": &gql.Field{Type: nonNull(gql.Float), Description: "Root mean squared gap between observed and expected before the intervention: the pre-period fit.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return x.PreRMSPE })},
			"counterfactual": &gql.Field{Type: listOf(counterfactual), Description: "Observed and expected series, one point per period used.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nonNilSlice(x.Counterfactual) })},
			"coefficients": &gql.Field{Type: listOf(coefficient), Description: "Interrupted time series: the regression table.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nonNilSlice(x.Coefficients) })},
			"diagnostics": &gql.Field{Type: listOf(diagnostic), Description: "Fit diagnostics: pre-period fit, residual autocorrelation, pre-trend test and more.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nonNilSlice(x.Diagnostics) })},
			"parameters": &gql.Field{Type: listOf(parameter), Description: "The method's parameters.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return nonNilSlice(x.Params) })},
			"assumptions": &gql.Field{Type: listOf(gql.String), Description: "What the estimate rests on, one sentence each.", Args: t.langArgs(),
				Resolve: textIn(func(x *evaluate.ImpactEstimate, l i18n.Lang) any { return nonNilStrings(x.AssumptionsIn(l)) })},
			"explanation": &gql.Field{Type: nonNull(gql.String), Description: "A paragraph for a briefing, in the language asked (English by default).", Args: t.langArgs(),
				Resolve: textIn(func(x *evaluate.ImpactEstimate, l i18n.Lang) any { return x.ExplanationIn(l) })},
			"inputs": &gql.Field{Type: nonNull(inputs), Resolve: in(func(x *evaluate.ImpactEstimate) any { return x })},
			"segments": &gql.Field{Type: listOf(s.segmentType(t, interval, counterfactual)), Description: "Piecewise interrupted time series: each intervention fitted in the series, in order of start (the queried one gives effect, levelChange, slopeChange and counterfactual); empty otherwise.",
				Resolve: in(func(x *evaluate.ImpactEstimate) any {
					out := make([]segment, len(x.Segments))
					for i, sg := range x.Segments {
						out[i] = segment{sg, x.AsOf}
					}
					return out
				})},
			"sensitivity": &gql.Field{Type: s.sensitivityType(t), Description: "Method DID: the sensitivity of the average effect to violations of parallel trends (relative magnitudes, Rambachan & Roth 2023), from an event study; null for other methods, and for DID where it does not apply (the explanation says why: it needs two periods before the start and one after).",
				Resolve: in(func(x *evaluate.ImpactEstimate) any { return sensitivityValue(x.Sensitivity) })},
			"rating": &gql.Field{Type: in0.ratings.rating, Description: "The evidence rating the design supports (Maryland level, EMMIE quality) with the reasons.", Resolve: estimateRating},
		}})
	return &gql.Field{Type: estimate,
		Description: "What an intervention did to an indicator over time (Guideline 21), by before/after, interrupted time series, difference-in-differences or synthetic control; asOf answers as of a log position.",
		Args: gql.FieldConfigArgument{
			"intervention": {Type: gql.ID, Description: "Required unless plan is given."},
			"indicator":    {Type: gql.ID, Description: "Required unless plan is given."},
			"method":       {Type: method, Description: "Required unless plan is given."},
			"plan":         {Type: gql.ID, Description: "Run a registered analysis plan exactly (registerAnalysisPlan); then only asOf may be given besides."},
			"regions":      {Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: "Target regions; default the intervention's regions (a region without data stands for its sub-regions with data)."},
			"comparison":   {Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: "Comparison regions; default the regions of the targets' level that are neither targeted, nor covered by the intervention, nor neighbours of either."},
			"from":         {Type: gql.String, Description: "First period, in the indicator's granularity."},
			"to":           {Type: gql.String, Description: "Last period, in the indicator's granularity."},
			"predictors":   {Type: gql.NewList(gql.NewNonNull(predictorInput)), Description: "Synthetic control predictors; default the outcome in every period before the intervention, with equal weights."},
			"its":          {Type: itsOptions},
			"asOf":         {Type: gql.String},
		},
		Resolve: s.wrap(s.resolveImpact)}
}

func (s *Server) resolveImpact(p gql.ResolveParams) (any, error) {
	asOf, err := s.asOf(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	if id, ok := p.Args["plan"].(string); ok {
		return s.resolvePlannedImpact(p, id, asOf)
	}
	for _, name := range []string{"intervention", "indicator", "method"} {
		if _, ok := p.Args[name]; !ok {
			return nil, domain.Invalidm(name, "gql.err.impact.required")
		}
	}
	q := evaluate.ImpactQuery{AsOf: asOf}
	q.Intervention, _ = p.Args["intervention"].(string)
	q.Indicator, _ = p.Args["indicator"].(string)
	m, _ := p.Args["method"].(string)
	q.Method = impact.Method(m)
	q.Regions = idList(p.Args["regions"])
	q.Comparison = idList(p.Args["comparison"])
	q.From, _ = p.Args["from"].(string)
	q.To, _ = p.Args["to"].(string)
	if list, ok := p.Args["predictors"].([]any); ok {
		for _, item := range list {
			m, _ := item.(map[string]any)
			var pr evaluate.Predictor
			pr.Indicator, _ = m["indicator"].(string)
			pr.From, _ = m["from"].(string)
			pr.To, _ = m["to"].(string)
			q.Predictors = append(q.Predictors, pr)
		}
	}
	if o, ok := p.Args["its"].(map[string]any); ok {
		m, _ := o["model"].(string)
		q.ITS.Model = impact.Model(m)
		q.ITS.Offset, _ = o["offset"].(string)
		q.ITS.Harmonics, _ = o["harmonics"].(int)
		q.ITS.SlopeChange, _ = o["slopeChange"].(bool)
		e, _ := o["errors"].(string)
		q.ITS.Errors = impact.ITSErrors(e)
		if list, ok := o["interruptions"].([]any); ok {
			q.ITS.Interruptions = idList(list)
		}
		if lag, ok := o["hacLag"].(int); ok {
			switch {
			case lag < 0:
				return nil, domain.Invalidm("its.hacLag", "gql.err.impact.haclag", lag)
			case lag == 0:
				q.ITS.HACLag = impact.HACWhite
			default:
				q.ITS.HACLag = lag
			}
		}
	}
	return s.evaluator(p.Context).Impact(p.Context, q)
}

// impactMethodEnum is the enum ImpactMethod, one per schema (impact and
// power take it).
func impactMethodEnum() *gql.Enum {
	return enumOf("ImpactMethod", "An impact-over-time method (DESIGN.md section 4); AUTO picks one the data support and says why.",
		[]impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto})
}

// idList reads an optional [ID!] argument: nil when absent, a (possibly
// empty) list when given.
func idList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func est(f func(*impact.Estimate) any) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) { return f(p.Source.(*impact.Estimate)), nil }
}

func estOrNil(e *impact.Estimate) any {
	if e == nil {
		return nil
	}
	return e
}

func ifInterval(e *impact.Estimate, v float64) any {
	if !e.HasInterval {
		return nil
	}
	return v
}

func ifP(e *impact.Estimate) any {
	if !e.HasPValue {
		return nil
	}
	return e.PValue
}

func ifPositive(v float64) any {
	if v > 0 {
		return v
	}
	return nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// orEmpty returns xs, or an empty slice for nil, for non-null list fields.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
