package impact

import (
	"math"

	"gonum.org/v1/gonum/optimize"
)

// nelderMead minimises f from x0 with gonum's optimize.NelderMead: the
// simplex method with the dimension-adaptive coefficients of Gao & Han
// (2012), Comput Optim Appl 51:259-277 (reflection 1, expansion 1+2/n,
// contraction 3/4-1/(2n), shrink 1-1/n), the initial simplex x0 plus step
// along each axis. It stops after maxEval evaluations of f, or when the best
// value has not fallen by more than relTol |f| in stall consecutive
// iterations (optimize.FunctionConverge). A NaN from f counts as +Inf. It
// returns the best point, its value, the number of evaluations and whether
// the run converged (false when it stopped at maxEval).
//
// gonum runs the method in its own goroutine and hands every evaluation
// over a channel, which costs a few microseconds per evaluation; for the
// synthetic control's nested search (some 1,500 evaluations of a
// quadratic programme each) that doubles the time of one fit to about
// 20 ms for 100 donors, well within the 50 ms target, for the same or
// lower losses at fewer evaluations than the hand-written search this
// replaced (stopping on the simplex's spread of values, as R's optim).
func nelderMead(f func([]float64) float64, x0 []float64, step float64, maxEval, stall int, relTol float64) ([]float64, float64, int, bool) {
	if len(x0) == 0 {
		return nil, f(x0), 1, true
	}
	p := optimize.Problem{Func: func(x []float64) float64 {
		if v := f(x); !math.IsNaN(v) {
			return v
		}
		return math.Inf(1)
	}}
	settings := &optimize.Settings{
		FuncEvaluations: maxEval,
		Converger:       &optimize.FunctionConverge{Relative: relTol, Iterations: stall},
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.NelderMead{SimplexSize: step})
	if res == nil {
		// Only a failure to start (x0 of the wrong size) gives no result;
		// x0 is then the best known point.
		_ = err
		return append([]float64(nil), x0...), p.Func(x0), 1, false
	}
	return res.X, res.F, res.Stats.FuncEvaluations, res.Status == optimize.FunctionConvergence
}
