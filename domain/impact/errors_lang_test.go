package impact

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// langCases provoke errors of every method file; en is the error's text
// (err.Error(), the field included) as the package has always written it.
func langCases() []struct {
	name string
	err  func() error
	en   string
} {
	noisy := func(i int) float64 { return 10 + float64(i%3) + 0.1*float64(i) }
	long := ramp(24, noisy)
	counts := ramp(24, func(i int) float64 { return float64(20 + i%4) })
	donor := func(u string) SynthUnit {
		return SynthUnit{Unit: u, Outcome: ramp(12, noisy), Predictors: []float64{1}}
	}
	synth := func(j int) SynthInput {
		in := SynthInput{Periods: labels(12), Start: 8, PredictorNames: []string{"mean"}, Treated: donor("T")}
		for i := 0; i < j; i++ {
			in.Donors = append(in.Donors, donor("D"+strconv.Itoa(i)))
		}
		return in
	}
	errOf := func(_ any, err error) error { return err }
	return []struct {
		name string
		err  func() error
		en   string
	}{
		{"series: window", func() error { return errOf(WindowMean([]float64{1, 2}, 0, 5)) }, "window: window [0, 5] is outside the 2 periods of the series"},
		{"series: infinite", func() error {
			v := append([]float64(nil), long...)
			v[3] = math.Inf(1)
			return errOf(ITS(ITSInput{Series: series("A", v...), Start: 12}))
		}, "series: series \"A\" has an infinite value at period 2020-103"},
		{"series: too few before", func() error { return errOf(ITS(ITSInput{Series: series("A", long...), Start: 2})) }, "start: only 2 period(s) before the intervention at 2020-102; this method needs at least 3"},
		{"series: extreme", func() error {
			v := append([]float64(nil), long...)
			v[4] = 1e300
			return errOf(ITS(ITSInput{Series: series("A", v...), Start: 12}))
		}, "series: series \"A\" has the value 1e+300 at period 2020-104: the values are too extreme to compute with (above 1e+150 in size); rescale the indicator, for example to thousands or millions"},
		{"its: constant", func() error {
			return errOf(ITS(ITSInput{Series: series("A", ramp(24, func(int) float64 { return 7.5 })...), Start: 12}))
		}, "series: the outcome is constant (7.50 in every period); there is nothing to estimate"},
		{"its: exact fit", func() error {
			return errOf(ITS(ITSInput{Series: series("A", ramp(24, func(i int) float64 { return 3 + 2*float64(i) })...), Start: 12}))
		}, "series: the model fits the series exactly; there is no residual variation to estimate uncertainty from"},
		{"its: model", func() error { return errOf(ITS(ITSInput{Series: series("A", long...), Start: 12, Model: "BOGUS"})) }, "model: unknown model \"BOGUS\"; use GAUSSIAN or QUASI_POISSON"},
		{"its: zero counts after", func() error {
			v := append([]float64(nil), counts...)
			for i := 12; i < 24; i++ {
				v[i] = 0
			}
			return errOf(ITS(ITSInput{Series: series("A", v...), Start: 12, Model: QuasiPoisson}))
		}, "series: the quasi-Poisson model needs some non-zero counts both before and after 2020-112; the counts are all zero after"},
		{"its: zero counts before", func() error {
			v := append([]float64(nil), counts...)
			for i := 0; i < 12; i++ {
				v[i] = 0
			}
			return errOf(ITS(ITSInput{Series: series("A", v...), Start: 12, Model: QuasiPoisson}))
		}, "series: the quasi-Poisson model needs some non-zero counts both before and after 2020-112; the counts are all zero before"},
		{"its: offset", func() error {
			off := ramp(24, func(int) float64 { return 1000 })
			off[5] = -2.5
			return errOf(ITS(ITSInput{Series: series("A", counts...), Start: 12, Model: QuasiPoisson, Offset: off}))
		}, "offset: the offset (population) must be positive and finite in every period; period 2020-105 has -2.50"},
		{"beforeafter: constant", func() error {
			return errOf(BeforeAfter(BeforeAfterInput{Series: series("A", 5, 5, 5, 5), Start: 2}))
		}, "series: the series is constant on both sides of 2020-102; there is no variation to estimate uncertainty from"},
		{"did: no comparison", func() error {
			return errOf(DiD(DiDInput{Treated: []Series{series("T", long...)}, Start: 12}))
		}, "comparison: difference-in-differences needs at least one comparison unit; there are none"},
		{"did: twice", func() error {
			return errOf(DiD(DiDInput{Treated: []Series{series("T", long...)}, Comparison: []Series{series("T", long...)}, Start: 12}))
		}, "comparison: unit \"T\" appears twice"},
		{"synth: donors", func() error { return errOf(SyntheticControl(synth(1))) }, "donors: a synthetic control needs at least 2 comparison units (donors); there are 1"},
		{"synth: V", func() error {
			in := synth(3)
			in.V = []float64{0}
			return errOf(SyntheticControl(in))
		}, "v: V weights must not all be zero"},
		{"synth: constant predictor", func() error { return errOf(SyntheticControl(synth(3))) }, "predictors: predictor \"mean\" has the same value for every unit; it cannot discriminate between donors, remove it"},
		{"conformal: alpha", func() error {
			return errOf(Conformal(ConformalInput{Treated: long, Donors: [][]float64{long, long}, Start: 12, Alpha: 1.5}))
		}, "alpha: alpha must be between 0 and 1 (exclusive); it is 1.5"},
		{"conformal: level", func() error {
			return errOf(Conformal(ConformalInput{Treated: long, Donors: [][]float64{long, long}, Start: 12, Alpha: 0.01}))
		}, "periods: conformal inference at level 0.01 needs at least 100 periods; there are 24"},
		{"staggered: none", func() error { return errOf(Staggered(StaggeredInput{})) }, "regions: staggered adoption needs units; there are none"},
		{"staggered: control", func() error {
			return errOf(Staggered(StaggeredInput{Units: []string{"A"}, Y: [][]float64{long}, Cohort: []int{0}, Control: "SOMETIMES"}))
		}, "control: \"SOMETIMES\" is not NEVER_TREATED or NOT_YET_TREATED"},
		{"staggered: inference", func() error { return CheckInference("JACKKNIFE", 0) }, "inference: \"JACKKNIFE\" is not ANALYTIC or BOOTSTRAP"},
		{"staggered: draws", func() error { return CheckInference(InferenceBootstrap, 50) }, "draws: 50 bootstrap draws; ask for 99 to 9999"},
		{"piecewise: none", func() error { return errOf(PiecewiseITS(ITSInput{Series: series("A", long...)}, nil)) }, "interruptions: no interruption given"},
		{"piecewise: same period", func() error {
			return errOf(PiecewiseITS(ITSInput{Series: series("A", long...)}, []Interruption{{ID: "op1", Start: 12}, {ID: "op2", Start: 12}}))
		}, "interruptions: op1 and op2 start in the same period (2020-112); their effects cannot be told apart: leave one out"},
		{"piecewise: consecutive", func() error {
			return errOf(PiecewiseITS(ITSInput{Series: series("A", long...), SlopeChange: true}, []Interruption{{ID: "op1", Start: 12}, {ID: "op2", Start: 13}}))
		}, "interruptions: op1 and op2 start in consecutive periods, too close to tell a change in trend from a change in level (2020-113); their effects cannot be told apart: leave one out"},
		{"power: horizon", func() error { return errOf(Power(PowerInput{Series: series("A", long...)})) }, "horizon: the horizon must be at least 1 period; it is 0"},
		{"power: method", func() error {
			return errOf(Power(PowerInput{Series: series("A", long...), Horizon: 3, Method: "BOGUS"}))
		}, "method: power is simulated for ITS, BEFORE_AFTER, DID and SYNTHETIC_CONTROL; not for \"BOGUS\""},
		{"power: target", func() error {
			return errOf(Power(PowerInput{Series: series("A", long...), Horizon: 3, Target: 1.25}))
		}, "target: the target power must be between 0 and 1 (exclusive); it is 1.25"},
		{"power: synth donors", func() error {
			return errOf(Power(PowerInput{Series: series("A", long...), Horizon: 3, Method: MethodSyntheticControl,
				Treated: []Series{series("A", long...)}, Comparison: []Series{series("B", long...)}}))
		}, "comparison: a synthetic control needs at least 2 comparison units (donors); there are 1"},
		{"fdr: q", func() error { return errOf(BenjaminiHochberg([]float64{0.5}, 1.5)) }, "q: the false discovery rate must be between 0 and 1, not 1.5"},
		{"auto: no treated", func() error { return errOf(Choose(Availability{Periods: 24, Start: 12})) }, "treated: no treated unit: an impact needs the outcome of the units the intervention targeted"},
		{"auto: check", func() error {
			r := &Result{Model: Gaussian, Diagnostics: []Diagnostic{{Name: "ljung_box_p", Value: 0.00123}}}
			return CheckAuto(Choice{Method: MethodITS, Model: Gaussian}, r, AR1)
		}, "method: AUTO found no method whose interval can be trusted here: without enough comparison units only a Gaussian interrupted time series applies, and its innovations remain autocorrelated after allowing for AR(1) noise, so its intervals would be too narrow (Ljung-Box p = 0.0012); ask for ITS explicitly to see it with that caveat, or add comparison units"},
		{"auto: check Newey-West", func() error {
			r := &Result{Model: Gaussian, Diagnostics: []Diagnostic{{Name: "ljung_box_p", Value: 0.00123}}}
			return CheckAuto(Choice{Method: MethodITS, Model: Gaussian}, r, NeweyWest)
		}, "method: AUTO found no method whose interval can be trusted here: without enough comparison units only a Gaussian interrupted time series applies, and its residuals are autocorrelated, which makes its Newey-West intervals too narrow (Ljung-Box p = 0.0012); ask for ITS explicitly to see it with that caveat, or add comparison units"},
		{"result: non-finite", func() error {
			r := &Result{Method: MethodDiD, Effect: Estimate{Value: math.NaN()}}
			return r.checkFinite()
		}, "the data give a non-finite effect; the series is too extreme or degenerate for DID"},
		{"sensitivity: relative magnitudes", func() error { return errOf(newRM(eventCoefs{}, 1)) }, "relative magnitudes need at least one period before the reference period, one after it, and non-negative tail sums of the weights on the periods after it, the first positive"},
	}
}

// TestErrorsInFrench: the errors of the methods are messages of the
// catalogue: in English exactly the text they have always had, in French
// a French text with no English phrase of it left.
func TestErrorsInFrench(t *testing.T) {
	for _, c := range langCases() {
		err := c.err()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.en == "" {
			t.Logf("%s: %q", c.name, err.Error())
			continue
		}
		if err.Error() != c.en {
			t.Errorf("%s: English\n got %q\nwant %q", c.name, err.Error(), c.en)
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Errorf("%s: %T is not a domain error", c.name, err)
			continue
		}
		en, fr := domain.MessageIn(err, i18n.EN), domain.MessageIn(err, i18n.FR)
		if en != de.Message {
			t.Errorf("%s: MessageIn(EN) = %q, Message %q", c.name, en, de.Message)
		}
		if de.Msg.IsZero() || !strings.HasPrefix(de.Msg.Key, "impact.err.") {
			t.Errorf("%s: message %q has no key of the catalogue (%q)", c.name, en, de.Msg.Key)
		}
		if fr == en || strings.Contains(fr, "[impact.") {
			t.Errorf("%s: French %q", c.name, fr)
		}
		for _, p := range englishPhrases(en) {
			if strings.Contains(fr, p) {
				t.Errorf("%s: French %q keeps the English %q", c.name, fr, p)
			}
		}
	}
}

// englishPhrases are the runs of three or more lower-case English words
// of en, which a French text must not contain.
func englishPhrases(en string) []string {
	var out, run []string
	flush := func() {
		if len(run) >= 3 {
			out = append(out, strings.Join(run, " "))
		}
		run = nil
	}
	for _, w := range strings.Fields(en) {
		if w == strings.ToLower(w) && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz-'") == "" && len(w) > 1 {
			run = append(run, w)
			continue
		}
		flush()
	}
	flush()
	return out
}

// TestNoInlineErrorText: no error of the package is written inline in
// English; each is a key of the catalogue (badInputm, domain.Invalidm,
// domain.Errorm).
func TestNoInlineErrorText(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch x := call.Fun.(type) {
			case *ast.Ident:
				fn = x.Name
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					fn = id.Name + "." + x.Sel.Name
				}
			}
			switch fn {
			case "badInput", "domain.Invalid", "domain.Errorf", "errors.New":
				t.Errorf("%s: %s with an inline English text; use a key of the catalogue", fset.Position(call.Pos()), fn)
			case "fmt.Errorf":
				// Wrapping another error ("...: %w") keeps its message.
				if len(call.Args) > 0 {
					if lit, ok := call.Args[0].(*ast.BasicLit); !ok || !strings.Contains(lit.Value, "%w") {
						t.Errorf("%s: fmt.Errorf without %%w; use a key of the catalogue", fset.Position(call.Pos()))
					}
				}
			}
			return true
		})
	}
}
