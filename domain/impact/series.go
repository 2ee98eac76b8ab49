package impact

import (
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Series is one indicator's values for one unit over an ordered period axis.
// Periods holds the labels in time order (for example "2024-05"); a period's
// integer index is its position in Periods. Values[i] belongs to
// Periods[i]. Where a method accepts missing values it says so; a missing
// value is NaN.
type Series struct {
	// Unit is the region code (or any unit code) the series belongs to.
	Unit string
	// Periods are the period labels in time order.
	Periods []string
	// Values are the observations, one per period.
	Values []float64
}

// WindowMean returns the mean of values[from..to] (both inclusive), skipping
// NaN (missing) values, as the synthetic control predictors of Abadie,
// Diamond & Hainmueller are built ("the mean of an indicator over a window";
// with from == to, a lagged outcome). It returns a BadInput error when the
// window is outside the series or holds no value.
func WindowMean(values []float64, from, to int) (float64, error) {
	if from < 0 || to >= len(values) || from > to {
		return 0, badInputm("window", "impact.err.window.outside", from, to, len(values))
	}
	var sum float64
	var n int
	for _, v := range values[from : to+1] {
		if math.IsNaN(v) {
			continue
		}
		if math.IsInf(v, 0) {
			return 0, badInputm("window", "impact.err.window.infinite", from, to)
		}
		sum += v
		n++
	}
	if n == 0 {
		return 0, badInputm("window", "impact.err.window.empty", from, to)
	}
	return sum / float64(n), nil
}

// badInputm returns a *domain.Error with code BadInput about field whose
// message is the catalogue's message key with args (i18n/messages_impact_errors.go),
// so that a page or a report can give it in its reader's language.
func badInputm(field, key string, args ...any) error {
	return domain.Invalidm(field, key, args...)
}

// fixed2 writes v as fmt's %.2f does.
func fixed2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// checkSeries checks that s has as many values as periods, at least one
// period, and (unless allowMissing) no NaN; it never accepts infinities.
func checkSeries(field string, s Series, allowMissing bool) error {
	if len(s.Periods) == 0 {
		return badInputm(field, "impact.err.series.noperiods", s.Unit)
	}
	if len(s.Values) != len(s.Periods) {
		return badInputm(field, "impact.err.series.length", s.Unit, len(s.Values), len(s.Periods))
	}
	for i, v := range s.Values {
		if math.IsInf(v, 0) {
			return badInputm(field, "impact.err.series.infinite", s.Unit, s.Periods[i])
		}
		if math.IsNaN(v) && !allowMissing {
			return badInputm(field, "impact.err.series.missing", s.Unit, s.Periods[i])
		}
	}
	return nil
}

// maxMagnitude is the largest absolute value the methods compute with: its
// square times a million observations stays below the float64 maximum
// (1.8e308), so sums of squares cannot overflow.
const maxMagnitude = 1e150

// checkMagnitude refuses values whose squares would overflow: with them a
// sum of squares becomes infinite and a fit would be misread as exact or
// singular. NaN (missing) values are skipped.
func checkMagnitude(field string, s Series) error {
	for i, v := range s.Values {
		if math.Abs(v) > maxMagnitude {
			return badInputm(field, "impact.err.series.extreme", s.Unit, n(v), s.Periods[i], i18n.G(maxMagnitude, -1))
		}
	}
	return nil
}

// checkStart checks that start splits n periods into at least minPre
// periods before and minPost from start.
func checkStart(periods []string, start, minPre, minPost int) error {
	n := len(periods)
	if start <= 0 || start >= n {
		return badInputm("start", "impact.err.start.outside", start, n, periods[0], periods[n-1])
	}
	if start < minPre {
		return badInputm("start", "impact.err.start.fewpre", start, periods[start], minPre)
	}
	if n-start < minPost {
		return badInputm("start", "impact.err.start.fewpost", n-start, periods[start], minPost)
	}
	return nil
}

// sameAxis reports whether two period axes are identical.
func sameAxis(a, b []string) bool { return slices.Equal(a, b) }

// zCrit is the 97.5% quantile of the standard normal.
var zCrit = distuv.UnitNormal.Quantile(0.975)

// normalP is the two-sided p-value of a z statistic, erfc(|z|/sqrt 2),
// accurate in the far tail (1 - CDF rounds to exactly 0 below about 1e-16).
func normalP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// tCrit is the 97.5% quantile of Student's t with df degrees of freedom.
func tCrit(df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
}

// tP is the two-sided p-value of a t statistic with df degrees of freedom
// (gonum's survival function, the regularised incomplete beta
// I_{df/(df+t^2)}(df/2, 1/2), accurate in the far tail).
func tP(t, df float64) float64 {
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
}

// interval builds an Estimate from a value, its standard error, a critical
// value and the p-value.
func interval(v, se, crit, p float64) Estimate {
	return Estimate{Value: v, SE: se, Low: v - crit*se, High: v + crit*se, HasInterval: true, PValue: p, HasPValue: true}
}

// expEstimate maps a log-scale estimate to a ratio: Value, Low and High are
// exponentiated, SE and PValue are kept.
func expEstimate(e Estimate) Estimate {
	e.Value = math.Exp(e.Value)
	e.Low = math.Exp(e.Low)
	e.High = math.Exp(e.High)
	return e
}

// pointOnly is an Estimate without interval or p-value.
func pointOnly(v float64) Estimate { return Estimate{Value: v, Low: v, High: v} }

// mean returns the mean of xs (0 for none).
func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
