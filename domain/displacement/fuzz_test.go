package displacement

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// FuzzWDQ: for any six numbers, the WDQ either refuses them with a
// BAD_INPUT error (negative, NaN, infinite) or returns a result with no NaN
// or infinity whose category agrees with its quotient.
func FuzzWDQ(f *testing.F) {
	f.Add(207.0, 110.0, 178.0, 157.0, 308.0, 318.0, false) // Guerette (2009), appendix D
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, true)
	f.Add(100.0, 50.0, 100.0, 160.0, 100.0, 100.0, false)
	f.Add(1e308, 0.0, 1e308, 0.0, 1e-308, 1e308, true)
	f.Add(5e-324, 1.0, 0.0, 2.0, 5e-324, 3.0, false)
	f.Fuzz(func(t *testing.T, rb, ra, db, da, cb, ca float64, up bool) {
		dir := domain.DirectionDown
		if up {
			dir = domain.DirectionUp
		}
		c := WDQCounts{TargetBefore: rb, TargetAfter: ra, BufferBefore: db, BufferAfter: da, ControlBefore: cb, ControlAfter: ca}
		w, err := WeightedDisplacementQuotient(c, dir)
		if err != nil {
			if domain.ErrorCode(err) != domain.BadInput {
				t.Fatalf("%+v: %v is not BAD_INPUT", c, err)
			}
			for _, v := range []float64{rb, ra, db, da, cb, ca} {
				if !finite(v) || v < 0 {
					return
				}
			}
			t.Fatalf("%+v refused: %v", c, err)
		}
		assertFinite(t, w)
		checkCategory(t, w)
	})
}

// FuzzWDD: for any counts and weights, the WDD either refuses them with a
// BAD_INPUT error or returns a finite, internally consistent test.
func FuzzWDD(f *testing.F) {
	f.Add(207.0, 110.0, 308.0, 318.0, 178.0, 157.0, 150.0, 140.0, 1.0, 1.0, false) // Wheeler & Ratcliffe (2018)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, true)
	f.Add(80.0, 20.0, 100.0, 50.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.5, false)
	f.Add(1e308, 1e308, 1e308, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-300, 1e-300, true)
	f.Fuzz(func(t *testing.T, t0, t1, c0, c1, d0, d1, dc0, dc1, wBefore, wControl float64, shared bool) {
		in := WDDInput{
			Counts:        WDDCounts{t0, t1, c0, c1, d0, d1, dc0, dc1},
			Weights:       WDDWeights{Before: wBefore, Control: wControl},
			SharedControl: shared,
			Direction:     domain.DirectionDown,
		}
		w, err := WeightedDisplacementDifference(in)
		if err != nil {
			if domain.ErrorCode(err) != domain.BadInput {
				t.Fatalf("%+v: %v is not BAD_INPUT", in, err)
			}
			return
		}
		assertFinite(t, w)
		if !(w.SE > 0) || w.P < 0 || w.P > 1 || w.Low > w.High {
			t.Fatalf("%+v: inconsistent %+v", in, w)
		}
	})
}
