package impact

import (
	"context"
	"math"
	"runtime"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// PowerInput is the input of [Power]: the recorded history of an outcome
// before a planned intervention, and the evaluation that will follow it.
type PowerInput struct {
	// Series is the history: complete (no missing value), in time order,
	// ending before the intervention.
	Series Series
	// Horizon is the number of periods the evaluation will cover from the
	// start of the intervention.
	Horizon int
	// Method is the method of the planned evaluation: MethodITS,
	// MethodBeforeAfter, MethodDiD or MethodSyntheticControl.
	Method Method
	// Treated are, for MethodDiD, the treated units' histories on the
	// periods of Series (missing values allowed); nil means Series is the
	// one treated unit. The synthetic control's treated unit is Series.
	Treated []Series
	// Comparison are the comparison units' histories on the periods of
	// Series: for MethodDiD (missing values allowed) and the donors of
	// MethodSyntheticControl (complete).
	Comparison []Series
	// Model and Errors are the interrupted time series' model and error
	// treatment (see [ITSInput]); empty for their defaults.
	Model  Model
	Errors ITSErrors
	// Alpha is the significance level of the evaluation; zero means 0.05.
	Alpha float64
	// Increase injects increases; by default the effects injected are
	// decreases.
	Increase bool
	// Target is the power the minimum detectable effect must reach; zero
	// means 0.8.
	Target float64
}

// PowerResult is the answer of [Power].
type PowerResult struct {
	// MDE is the minimum detectable effect: the smallest change, in the
	// series' units and positive whatever its direction, that the
	// evaluation detects (significant at Alpha, in the right direction)
	// in at least Target of the placebo windows. Meaningful only when
	// Detectable.
	MDE float64
	// MDERelative is MDE divided by Baseline; meaningful only when
	// Detectable and Baseline is not zero.
	MDERelative float64
	// Detectable is false when no change up to the search's limit (all of
	// the baseline, for a decrease of counts) reaches Target.
	Detectable bool
	// Baseline is the mean of the last PrePeriods periods of the history:
	// the level the change is measured against.
	Baseline float64
	// Size is the share of placebo windows in which the evaluation finds a
	// significant change with nothing injected: the false alarm rate of
	// the method on this history (Alpha when the method is calibrated).
	Size float64
	// Windows is the number of placebo windows; PrePeriods and Horizon
	// their periods before and from the pretended start.
	Windows, PrePeriods, Horizon int
	// Alpha and Target are the level and power used.
	Alpha, Target float64
	// Multiplicative is true when effects are injected as proportions of
	// the series (counts, quasi-Poisson), false when added.
	Multiplicative bool
	// Explanation says in words what the numbers mean, in English;
	// ExplanationMsgs in the catalogue's messages, for any language.
	Explanation     string
	ExplanationMsgs i18n.Text `json:"-"`

	// ComparisonUnits is the number of comparison units (DiD, synthetic
	// control).
	ComparisonUnits int
	// PlaceboInterval is true when the synthetic control's significance is
	// its placebo-test interval (windows too short for conformal
	// inference), false when it is the conformal interval.
	PlaceboInterval bool

	in    PowerInput
	model Model
	panel *panelPower // DiD and synthetic control: the windows' thresholds
}

// minPowerWindows is the fewest placebo windows a power estimate is
// computed from: with 20, power is resolved to 5%.
const minPowerWindows = 20

// Power estimates the power of a planned evaluation from the history of
// the outcome by placebo in time: it pretends the intervention started at
// earlier dates (every window of PrePeriods + Horizon consecutive periods
// of the history, PrePeriods = max(8, half the periods not in the
// horizon)), injects an effect into the Horizon periods after each
// pretended start, runs the method, and counts the windows where the
// estimate is significant at Alpha in the injected direction. The minimum
// detectable effect (MDE) is the smallest effect detected in at least
// Target (80%) of the windows, found by doubling and then bisection on the
// effect's size.
//
// Effects are added to the series (before/after, Gaussian interrupted time
// series) or, for the quasi-Poisson model (counts), multiply it by 1 -/+
// effect/Baseline, so that MDE is in the series' units either way.
//
// Difference-in-differences and the synthetic control use the same
// windows of the treated and the comparison units' histories (Treated,
// Comparison): the effect is added to the treated units only, and the
// detection is what the evaluation reports: the DiD's clustered t test at
// Alpha, and the synthetic control's interval (conformal inference at
// Alpha, or with windows shorter than 1/Alpha periods the placebo-test
// inversion, which needs 1/Alpha units) excluding no change. Each window
// is evaluated once (see power_panel.go: both methods move by exactly the
// injected effect).
//
// Because the windows are real stretches of the history, the estimate
// carries its trends, seasonality, autocorrelation and noise, and also the
// method's miscalibration on them (reported as Size).
//
// It returns a BadInput error for a Horizon below 1, a method other than
// ITS, BEFORE_AFTER, DID or SYNTHETIC_CONTROL, Alpha or Target outside
// (0, 1), a missing or infinite value, a history too short for 20 windows
// (field "series"), or comparison units missing, too few or on other
// periods (field "comparison"). It is safe for concurrent use; the windows are estimated in
// parallel on GOMAXPROCS goroutines.
func Power(in PowerInput) (*PowerResult, error) {
	return PowerContext(context.Background(), in)
}

// PowerContext is [Power] that stops once ctx is done: every placebo
// window checks ctx before it is estimated, so a cancelled request stops
// within one window's estimate (per goroutine); it then returns ctx's
// error.
func PowerContext(ctx context.Context, in PowerInput) (*PowerResult, error) {
	if in.Horizon < 1 {
		return nil, badInputm("horizon", "impact.err.power.horizon", in.Horizon)
	}
	alpha, target := in.Alpha, in.Target
	if alpha == 0 {
		alpha = 0.05
	}
	if target == 0 {
		target = 0.8
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, badInputm("alpha", "impact.err.alpha", i18n.G(alpha, -1))
	}
	if !(target > 0 && target < 1) {
		return nil, badInputm("target", "impact.err.power.target", i18n.G(target, -1))
	}
	switch in.Method {
	case MethodITS, MethodBeforeAfter:
	case MethodDiD, MethodSyntheticControl:
		if err := checkPanelInput(in); err != nil {
			return nil, err
		}
	default:
		return nil, badInputm("method", "impact.err.power.method", in.Method)
	}
	if err := checkSeries("series", in.Series, in.Method == MethodDiD && len(in.Treated) > 0); err != nil {
		return nil, err
	}
	if err := checkMagnitude("series", in.Series); err != nil {
		return nil, err
	}
	n, h := len(in.Series.Values), in.Horizon
	pre := max(8, (n-h)/2)
	windows := n - h - pre + 1
	if windows < minPowerWindows {
		need := h + 1
		for need-h-max(8, (need-h)/2)+1 < minPowerWindows {
			need++
		}
		return nil, badInputm("series", "impact.err.power.history",
			n, h, need, minPowerWindows)
	}
	r := &PowerResult{Windows: windows, PrePeriods: pre, Horizon: h, Alpha: alpha, Target: target, in: in}
	r.in.Alpha = alpha
	r.Baseline = mean(in.Series.Values[n-pre:])
	if in.Method == MethodDiD && len(in.Treated) > 0 {
		r.Baseline = treatedLevel(in.Treated, n-pre)
	}
	r.model = in.Model
	if in.Method == MethodITS && r.model == "" {
		r.model = Gaussian
	}
	r.Multiplicative = in.Method == MethodITS && r.model == QuasiPoisson
	if r.Multiplicative && !(r.Baseline > 0) {
		return nil, badInputm("series", "impact.err.power.baseline", i18n.Num(num, r.Baseline), pre)
	}
	if in.Method == MethodDiD || in.Method == MethodSyntheticControl {
		r.ComparisonUnits = len(in.Comparison)
		if err := r.preparePanel(ctx); err != nil {
			return nil, err
		}
		r.PlaceboInterval = r.panel.placebo
	}
	size, err := r.power(ctx, 0)
	if err != nil {
		return nil, err
	}
	r.Size = size
	if err := r.searchMDE(ctx); err != nil {
		return nil, err
	}
	if r.Detectable && r.Baseline != 0 {
		r.MDERelative = r.MDE / math.Abs(r.Baseline)
	}
	r.ExplanationMsgs = r.explain()
	r.Explanation = r.ExplanationMsgs.In(i18n.EN)
	return r, nil
}

// PowerAt returns the share of placebo windows in which the evaluation
// detects an effect of the given size, in the series' units (negative for
// a decrease, positive for an increase). It returns a BadInput error
// (field "effect") when the effect is not finite or would make counts
// negative.
func (r *PowerResult) PowerAt(effect float64) (float64, error) {
	return r.PowerAtContext(context.Background(), effect)
}

// PowerAtContext is [PowerResult.PowerAt] that stops once ctx is done,
// returning ctx's error.
func (r *PowerResult) PowerAtContext(ctx context.Context, effect float64) (float64, error) {
	if !finite(effect) {
		return 0, badInputm("effect", "impact.err.power.effect")
	}
	if r.Multiplicative && 1+effect/r.Baseline <= 0 {
		return 0, badInputm("effect", "impact.err.power.decrease", n(-effect), n(r.Baseline))
	}
	return r.powerSigned(ctx, effect)
}

// power is the detection rate of an effect of size x in the default
// direction.
func (r *PowerResult) power(ctx context.Context, x float64) (float64, error) {
	if r.in.Increase {
		return r.powerSigned(ctx, x)
	}
	return r.powerSigned(ctx, -x)
}

// powerSigned runs the method on every window with effect e injected (in
// the series' units; its sign is the direction) and returns the share of
// windows where it is significant in that direction (for e = 0, in either).
func (r *PowerResult) powerSigned(ctx context.Context, e float64) (float64, error) {
	if r.panel != nil {
		return r.panel.rate(e), ctx.Err()
	}
	vals := r.in.Series.Values
	pre, h := r.PrePeriods, r.Horizon
	hits := make([]bool, r.Windows)
	errs := make([]error, r.Windows)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), r.Windows) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := make([]float64, pre+h)
			for w := range next {
				if errs[w] = ctx.Err(); errs[w] != nil {
					continue
				}
				copy(v, vals[w:w+pre+h])
				for i := pre; i < pre+h; i++ {
					if r.Multiplicative {
						v[i] *= 1 + e/r.Baseline
					} else {
						v[i] += e
					}
				}
				hits[w], errs[w] = r.detects(v, e)
			}
		}()
	}
	for w := 0; w < r.Windows; w++ {
		next <- w
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	k := 0
	for w, hit := range hits {
		if errs[w] != nil {
			return 0, domain.Wrapm(errs[w], "wrapm.placebo.window", r.in.Series.Periods[w])
		}
		if hit {
			k++
		}
	}
	return float64(k) / float64(r.Windows), nil
}

// detects runs the method on one window and reports whether it finds a
// significant change in the direction of e.
func (r *PowerResult) detects(v []float64, e float64) (bool, error) {
	s := Series{Unit: r.in.Series.Unit, Periods: r.in.Series.Periods[:len(v)], Values: v}
	var (
		res *Result
		err error
	)
	if r.in.Method == MethodBeforeAfter {
		res, err = BeforeAfter(BeforeAfterInput{Series: s, Start: r.PrePeriods})
	} else {
		res, err = ITS(ITSInput{Series: s, Start: r.PrePeriods, Model: r.model, Errors: r.in.Errors, NoCounterfactual: true})
	}
	if err != nil {
		return false, err
	}
	est := res.Effect
	if !est.HasPValue || !(est.PValue < r.Alpha) {
		return false, nil
	}
	d := est.Value
	if res.Ratio {
		d = est.Value - 1
	}
	return e == 0 || d*e > 0, nil
}

// searchMDE finds the smallest effect with power at least Target: doubling
// from the history's spread until it is reached, then bisection.
func (r *PowerResult) searchMDE(ctx context.Context) error {
	vals := r.in.Series.Values
	if r.in.Method == MethodDiD && len(r.in.Treated) > 0 {
		vals = observedValues(r.in.Treated)
	}
	var sd float64
	m := mean(vals)
	for _, v := range vals {
		sd += (v - m) * (v - m)
	}
	sd = math.Sqrt(sd / float64(len(vals)))
	if !(sd > 0) {
		sd = math.Max(math.Abs(m), 1) * 1e-3
	}
	limit := math.Inf(1)
	if r.Multiplicative && !r.in.Increase {
		limit = 0.999 * r.Baseline
	}
	lo, hi := 0.0, math.Min(sd/4, limit)
	for k := 0; ; k++ {
		p, err := r.power(ctx, hi)
		if err != nil {
			return err
		}
		if p >= r.Target {
			break
		}
		if hi >= limit || k == 60 {
			r.MDE = hi
			return nil // not detectable up to the limit
		}
		lo, hi = hi, math.Min(2*hi, limit)
	}
	for k := 0; k < 30 && hi-lo > 1e-4*hi; k++ {
		mid := (lo + hi) / 2
		p, err := r.power(ctx, mid)
		if err != nil {
			return err
		}
		if p >= r.Target {
			hi = mid
		} else {
			lo = mid
		}
	}
	r.MDE, r.Detectable = hi, true
	return nil
}

func (r *PowerResult) explain() i18n.Text {
	dir, inject := i18n.M("power.dir.decrease"), i18n.M("power.inject.decrease")
	if r.in.Increase {
		dir, inject = i18n.M("power.dir.increase"), i18n.M("power.inject.increase")
	}
	setup := i18n.M("power.explain.setup", i18n.Int(r.Windows), i18n.Int(r.PrePeriods), i18n.Int(r.Horizon), inject, r.methodMsg(), pctMsg(r.Alpha))
	var t i18n.Text
	if r.Detectable {
		var baseline i18n.Msg
		if r.Baseline != 0 {
			baseline = i18n.M("power.explain.baseline", pctMsg(r.MDERelative), i18n.Num(num, r.Baseline))
		}
		t = append(t, i18n.M("power.explain.detectable", setup, dir, pctMsg(r.Target), i18n.Num(num, r.MDE), baseline))
	} else {
		t = append(t, i18n.M("power.explain.undetectable", setup, dir, i18n.Num(num, r.MDE), pctMsg(r.Target)))
	}
	var over i18n.Msg
	if r.Size > 2*r.Alpha {
		over = i18n.M("power.explain.size.over", pctMsg(r.Alpha))
	}
	return append(t, i18n.M("power.explain.size", pctMsg(r.Size), over))
}
