package impact

import (
	"fmt"

	"github.com/supplyeval/supplyeval/i18n"
)

// Method names an impact method. The values are those of the GraphQL enum
// ImpactMethod (DESIGN.md section 5).
type Method string

// The impact methods.
const (
	// MethodBeforeAfter compares the mean before with the mean after.
	MethodBeforeAfter Method = "BEFORE_AFTER"
	// MethodITS is interrupted time series (segmented regression).
	MethodITS Method = "ITS"
	// MethodDiD is difference-in-differences with unit and period effects.
	MethodDiD Method = "DID"
	// MethodSyntheticControl is the synthetic control method.
	MethodSyntheticControl Method = "SYNTHETIC_CONTROL"
	// MethodAuto lets [Choose] pick one of the others from the data at hand.
	MethodAuto Method = "AUTO"
)

// Model names the error model of an interrupted time series. The values are
// those of the GraphQL enum in ItsOptions.
type Model string

// The interrupted time series models.
const (
	// Gaussian is ordinary least squares with Newey-West (HAC) standard errors.
	Gaussian Model = "GAUSSIAN"
	// QuasiPoisson is a log-link GLM for counts with estimated overdispersion;
	// its estimates are rate ratios.
	QuasiPoisson Model = "QUASI_POISSON"
)

// Estimate is one estimated quantity with its uncertainty.
//
// When the result it belongs to has Ratio set, Value, Low and High are rate
// ratios (exp of the log-scale coefficient) and SE is the standard error of
// the log rate ratio.
type Estimate struct {
	// Value is the point estimate.
	Value float64
	// SE is the standard error (on the log scale for ratios); zero when the
	// method gives none (synthetic control).
	SE float64
	// Low and High bound the 95% interval; meaningful only when HasInterval.
	Low, High float64
	// HasInterval reports whether Low and High are set. When false they equal
	// Value.
	HasInterval bool
	// PValue is the two-sided p-value of "no effect"; meaningful only when
	// HasPValue.
	PValue float64
	// HasPValue reports whether PValue is set.
	HasPValue bool
}

// Coefficient is one row of a regression table.
type Coefficient struct {
	// Name is the term: "intercept", "trend", "level", "slope", "sin1",
	// "cos1", ... for ITS.
	Name string
	// Estimate is the coefficient on the model's scale (the log scale for
	// quasi-Poisson; Value is not exponentiated here).
	Estimate Estimate
}

// UnitWeight is a donor's weight in a synthetic control.
type UnitWeight struct {
	// Unit is the donor's code.
	Unit string
	// Weight is in [0, 1]; the weights of a synthetic control sum to 1.
	Weight float64
}

// PredictorBalance compares the treated unit with its synthetic control on
// one predictor.
type PredictorBalance struct {
	// Name is the predictor's name as given by the caller.
	Name string
	// Treated is the treated unit's value.
	Treated float64
	// Synthetic is the weighted donor value.
	Synthetic float64
	// DonorMean is the unweighted mean over all donors.
	DonorMean float64
	// V is the predictor's weight in the distance (the diagonal of V; sums
	// to 1 over predictors). It applies to the predictor divided by its
	// standard deviation across units, as Synth's solution.v does.
	V float64
}

// PlaceboFit is the fit of one unit in the placebo-in-space test.
type PlaceboFit struct {
	// Unit is the unit treated as if it had received the intervention.
	Unit string
	// PreRMSPE and PostRMSPE are the root mean squared gaps between the unit
	// and its synthetic control before and after the intervention.
	PreRMSPE, PostRMSPE float64
	// Ratio is PostRMSPE / PreRMSPE.
	Ratio float64
	// Treated marks the unit that really was treated.
	Treated bool
}

// Placebo is the result of the placebo-in-space test of a synthetic control.
type Placebo struct {
	// Rank is the treated unit's rank (1 = largest) of the post/pre RMSPE
	// ratio among all Of units; ties count against the treated unit.
	Rank int
	// Of is the number of units ranked: the treated unit and its J donors.
	Of int
	// PValue is Rank / Of.
	PValue float64
	// Fits lists every unit's fit, the treated unit first.
	Fits []PlaceboFit
}

// CounterfactualPoint is one period of the counterfactual series: what was
// observed and what the method expects would have happened without the
// intervention.
type CounterfactualPoint struct {
	// Period is the period's label.
	Period string
	// Index is the period's position on the input axis.
	Index int
	// Observed is the observed value (the treated mean for difference-in-
	// differences).
	Observed float64
	// Expected is the counterfactual value.
	Expected float64
	// Low and High bound a 95% band around Expected; meaningful only when
	// HasBand (otherwise they equal Expected).
	Low, High float64
	// Post marks periods at or after the intervention.
	Post bool
	// HasBand reports whether Low and High are set.
	HasBand bool
}

// Gap returns Observed - Expected: the estimated effect in that period (the
// gap series of a synthetic control).
func (c CounterfactualPoint) Gap() float64 { return c.Observed - c.Expected }

// Diagnostic is a named number that helps judge a fit.
type Diagnostic struct {
	// Name is a stable snake_case key, for example "durbin_watson".
	Name string
	// Value is the number.
	Value float64
	// Note says in words what the value means.
	Note string
	// NoteMsg, when set, is Note as a message of the catalogue (Note is
	// its English rendering).
	NoteMsg i18n.Msg `json:"-"`
}

// NoteIn writes the note in l (English, and a note without a message,
// give Note).
func (d Diagnostic) NoteIn(l i18n.Lang) string { return l.RenderOr(d.NoteMsg, d.Note) }

// Param is one parameter of a method, formatted for display.
type Param struct {
	// Name is a stable snake_case key, for example "hac_lag".
	Name string
	// Value is the parameter's value in words or digits.
	Value string
	// Msg, when set, is Value as a message of the catalogue (Value is its
	// English rendering); digits and codes have none.
	Msg i18n.Msg `json:"-"`
}

// ValueIn writes the value in l (English, and a value without a message,
// give Value).
func (p Param) ValueIn(l i18n.Lang) string { return l.RenderOr(p.Msg, p.Value) }

// MsgParam returns the parameter name whose value is the catalogue's
// message key with args.
func MsgParam(name, key string, args ...any) Param {
	m := i18n.M(key, args...)
	return Param{Name: name, Value: i18n.EN.Render(m), Msg: m}
}

// Inputs records the data a method actually used.
type Inputs struct {
	// Units are the treated units' codes.
	Units []string
	// Comparison are the comparison units' (donors') codes that entered the
	// estimate.
	Comparison []string
	// Periods are the labels of the periods used, in order. The slice is
	// shared with the caller's input, not copied.
	Periods []string
	// First and Last are the indices on the input axis of the first and last
	// period used.
	First, Last int
	// Start is the index of the first period under the intervention.
	Start int
	// StartPeriod is the label of the period at Start.
	StartPeriod string
	// PrePeriods and PostPeriods count the periods before and from Start.
	PrePeriods, PostPeriods int
	// Observations counts the data points that entered the estimate.
	Observations int
	// Excluded lists the units given to the method that did not enter the
	// estimate, each with the reason (difference-in-differences: a unit
	// with no data, or observed only once); nil when none was left out.
	Excluded []ExcludedUnit
	// Coverage gives, per unit that entered the estimate, the periods it
	// was observed in (difference-in-differences, whose panels may be
	// unbalanced); nil for the other methods.
	Coverage []UnitCoverage
}

// ExcludedUnit is a unit left out of an estimate and why.
type ExcludedUnit struct {
	// Unit is the unit's code.
	Unit string
	// Reason says in words why it was left out (in English; ReasonMsg
	// in the catalogue).
	Reason string
	// ReasonMsg is Reason as a message of the catalogue.
	ReasonMsg i18n.Msg `json:"-"`
}

// UnitCoverage is the span of periods one unit contributed.
type UnitCoverage struct {
	// Unit is the unit's code.
	Unit string
	// First and Last are the labels of its first and last observed period.
	First, Last string
	// Periods counts its observed periods (fewer than the span when it has
	// gaps).
	Periods int
}

// Result is what every impact method returns: the estimate and everything
// needed to understand, reproduce and question it (DESIGN.md section 4). No
// float field of a Result is ever NaN or infinite.
type Result struct {
	// Method is the method that produced the result.
	Method Method
	// Model is the ITS error model; empty for the other methods.
	Model Model
	// Params lists the method's parameters.
	Params []Param
	// Effect is the headline estimate: the difference in means (before/
	// after), the average effect over the post-intervention periods (ITS,
	// difference-in-differences, synthetic control).
	Effect Estimate
	// Ratio is true when Effect, LevelChange and SlopeChange are rate ratios
	// (quasi-Poisson ITS).
	Ratio bool
	// RelativeEffect is the effect relative to the counterfactual (a
	// proportion: -0.1 means 10% lower than expected); nil when the
	// counterfactual is zero.
	RelativeEffect *Estimate
	// LevelChange and SlopeChange are the ITS step and trend changes; nil for
	// other methods (SlopeChange also when the model has none).
	LevelChange, SlopeChange *Estimate
	// Coefficients is the full regression table (ITS).
	Coefficients []Coefficient
	// Weights are the donor weights (synthetic control), in input order.
	Weights []UnitWeight
	// Predictors compares treated and synthetic units (synthetic control).
	Predictors []PredictorBalance
	// Placebo is the placebo-in-space test (synthetic control), nil when it
	// was not run.
	Placebo *Placebo
	// PreRMSPE is the root mean squared prediction error before the
	// intervention (synthetic control; also set for ITS and difference-in-
	// differences as the fit of the counterfactual before the start).
	PreRMSPE float64
	// Counterfactual is the observed and expected series, one point per
	// period used.
	Counterfactual []CounterfactualPoint
	// Diagnostics are named numbers about the fit.
	Diagnostics []Diagnostic
	// Assumptions are the assumptions the estimate rests on, one plain
	// sentence each: the English rendering of AssumptionMsgs.
	Assumptions []string
	// AssumptionMsgs are the assumptions as messages of the catalogue, to
	// be written in any language ([Result.AssumptionsIn]).
	AssumptionMsgs []i18n.Msg `json:"-"`
	// Explanation is a plain-language paragraph for a briefing: the
	// English rendering of ExplanationMsgs.
	Explanation string
	// ExplanationMsgs is the explanation as messages of the catalogue, to
	// be written in any language ([Result.ExplanationIn]).
	ExplanationMsgs i18n.Text `json:"-"`
	// Inputs records the data used.
	Inputs Inputs
	// Choice is, for a result of [Auto], why the method was chosen; empty
	// otherwise. It is the English rendering of ChoiceMsgs.
	Choice string
	// ChoiceMsgs is Choice as messages of the catalogue.
	ChoiceMsgs i18n.Text `json:"-"`
	// Segments are the interruptions of a piecewise interrupted time
	// series ([PiecewiseITS]), in order of start; nil for other results.
	Segments []Segment
	// Sensitivity is, for a difference-in-differences, the sensitivity of
	// the average effect after the start to violations of parallel trends
	// (relative magnitudes, Rambachan & Roth 2023); nil for other methods
	// and where it does not apply, with the reason in NoSensitivity.
	Sensitivity *Sensitivity
	// NoSensitivity says, in English, why a difference-in-differences has
	// no Sensitivity; empty otherwise.
	NoSensitivity string
}

// SetExplanation sets the explanation to t (ExplanationMsgs) and its
// English rendering (Explanation).
func (r *Result) SetExplanation(t i18n.Text) {
	r.ExplanationMsgs, r.Explanation = t, t.In(i18n.EN)
}

// SetAssumptions sets the assumptions to ms (AssumptionMsgs) and their
// English rendering (Assumptions).
func (r *Result) SetAssumptions(ms ...i18n.Msg) {
	r.AssumptionMsgs, r.Assumptions = ms, i18n.EN.RenderAll(ms)
}

// SetChoice sets why AUTO chose the method to t (ChoiceMsgs) and its
// English rendering (Choice).
func (r *Result) SetChoice(t i18n.Text) {
	r.ChoiceMsgs, r.Choice = t, t.In(i18n.EN)
}

// ExplanationIn writes the explanation in l. English is Explanation
// itself; a result whose explanation has no messages (built by hand)
// gives Explanation in every language.
func (r *Result) ExplanationIn(l i18n.Lang) string {
	return r.ExplanationMsgs.InOr(l, r.Explanation)
}

// AssumptionsIn writes the assumptions in l (see [Result.ExplanationIn]).
func (r *Result) AssumptionsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.AssumptionMsgs, r.Assumptions)
}

// ChoiceIn writes why AUTO chose the method in l (see
// [Result.ExplanationIn]).
func (r *Result) ChoiceIn(l i18n.Lang) string {
	return r.ChoiceMsgs.InOr(l, r.Choice)
}

// Diagnostic returns the diagnostic with the given name and whether it
// exists.
func (r *Result) Diagnostic(name string) (Diagnostic, bool) {
	for _, d := range r.Diagnostics {
		if d.Name == name {
			return d, true
		}
	}
	return Diagnostic{}, false
}

// Param returns the value of the named parameter and whether it exists.
func (r *Result) Param(name string) (string, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

func (r *Result) addParam(name string, format string, args ...any) {
	r.Params = append(r.Params, Param{Name: name, Value: fmt.Sprintf(format, args...)})
}

// setParam appends a parameter whose value needs no formatting.
func (r *Result) setParam(name, value string) {
	r.Params = append(r.Params, Param{Name: name, Value: value})
}

// addParamm appends a parameter whose value is the catalogue's message
// key with args.
func (r *Result) addParamm(name, key string, args ...any) {
	r.Params = append(r.Params, MsgParam(name, key, args...))
}

// addDiagm appends a diagnostic whose note is the catalogue's message key
// with args.
func (r *Result) addDiagm(name string, v float64, key string, args ...any) {
	m := i18n.M(key, args...)
	r.Diagnostics = append(r.Diagnostics, Diagnostic{Name: name, Value: v, Note: i18n.EN.Render(m), NoteMsg: m})
}

// diagm returns the diagnostic name whose note is the catalogue's message
// key with args.
func diagm(name string, v float64, key string, args ...any) Diagnostic {
	m := i18n.M(key, args...)
	return Diagnostic{Name: name, Value: v, Note: i18n.EN.Render(m), NoteMsg: m}
}

// msgOr is m as an argument of a message, or english when m is zero.
func msgOr(m i18n.Msg, english string) any {
	if m.IsZero() {
		return english
	}
	return m
}

// checkFinite reports the first float field of r that is NaN or infinite, so
// that no such value ever leaves the package.
func (r *Result) checkFinite() error {
	fail := func(what i18n.Msg) error {
		return badInputm("", "impact.err.nonfinite", what, methodArg(r.Method))
	}
	est := func(e *Estimate) bool {
		return e == nil || finite(e.Value) && finite(e.SE) && finite(e.Low) && finite(e.High) && finite(e.PValue)
	}
	if !est(&r.Effect) {
		return fail(i18n.M("impact.err.nonfinite.effect"))
	}
	if !est(r.RelativeEffect) || !est(r.LevelChange) || !est(r.SlopeChange) {
		return fail(i18n.M("impact.err.nonfinite.change"))
	}
	for i := range r.Coefficients {
		if !est(&r.Coefficients[i].Estimate) {
			return fail(i18n.M("impact.err.nonfinite.coefficient", r.Coefficients[i].Name))
		}
	}
	for _, w := range r.Weights {
		if !finite(w.Weight) {
			return fail(i18n.M("impact.err.nonfinite.weight"))
		}
	}
	for _, p := range r.Predictors {
		if !finite(p.Treated) || !finite(p.Synthetic) || !finite(p.DonorMean) || !finite(p.V) {
			return fail(i18n.M("impact.err.nonfinite.balance"))
		}
	}
	if r.Placebo != nil {
		if !finite(r.Placebo.PValue) {
			return fail(i18n.M("impact.err.nonfinite.placebo.p"))
		}
		for _, f := range r.Placebo.Fits {
			if !finite(f.PreRMSPE) || !finite(f.PostRMSPE) || !finite(f.Ratio) {
				return fail(i18n.M("impact.err.nonfinite.placebo.fit"))
			}
		}
	}
	if !finite(r.PreRMSPE) {
		return fail(i18n.M("impact.err.nonfinite.rmspe"))
	}
	for i := range r.Counterfactual {
		c := &r.Counterfactual[i]
		if !finite(c.Observed) || !finite(c.Expected) || !finite(c.Low) || !finite(c.High) {
			return fail(i18n.M("impact.err.nonfinite.counterfactual"))
		}
	}
	for i := range r.Segments {
		sg := &r.Segments[i]
		if !est(&sg.LevelChange) || !est(sg.SlopeChange) || !est(&sg.Effect) {
			return fail(i18n.M("impact.err.nonfinite.segment", sg.ID))
		}
		for _, c := range sg.Counterfactual {
			if !finite(c.Expected) || !finite(c.Low) || !finite(c.High) {
				return fail(i18n.M("impact.err.nonfinite.without", sg.ID))
			}
		}
	}
	for _, d := range r.Diagnostics {
		if !finite(d.Value) {
			return fail(i18n.M("impact.err.nonfinite.diagnostic", d.Name))
		}
	}
	return nil
}

// methodArg is m as the argument of an error message: its code in
// English (the text the API has always returned), the method in words in
// French; a method the catalogue does not name stays its code.
func methodArg(m Method) any {
	if key := "impact.err.for." + string(m); i18n.EN.Has(key) {
		return i18n.M(key)
	}
	return string(m)
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return x-x == 0 }
