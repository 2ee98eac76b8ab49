package impact

import (
	"math"
	"testing"
)

// TestRelativeMagnitudes checks the bounds by hand: pre-adoption moves
// 0.1 and -0.3 (MaxPre 0.3), post effects at 0, 1, 2 (distances 1, 2, 3
// from the reference period -1, mean 2), average 2 with se 0.5: the
// bound at Mbar is 2 -+ (0.6 Mbar + 0.98); the breakdown is
// (2 - 0.98)/0.6 = 1.70, where the lower end reaches zero.
func TestRelativeMagnitudes(t *testing.T) {
	ev := []EventEffect{{Relative: -3, Aggregate: Aggregate{Estimate: 0.1}}, {Relative: -2, Aggregate: Aggregate{Estimate: -0.3}},
		{Relative: 0, Aggregate: Aggregate{Estimate: 1}}, {Relative: 1, Aggregate: Aggregate{Estimate: 2}}, {Relative: 2, Aggregate: Aggregate{Estimate: 3}}}
	s := relativeMagnitudes(ev, 0, 2, 0.5)
	z := 1.959963984540054
	want := (2 - z*0.5) / 0.6
	if math.Abs(s.Breakdown-want) > 1e-12 || math.Abs(s.MaxPre-0.3) > 1e-12 {
		t.Fatalf("breakdown %v (MaxPre %v), want %v (0.3)", s.Breakdown, s.MaxPre, want)
	}
	for _, iv := range s.Intervals {
		b := 0.6*iv.Mbar + z*0.5
		if math.Abs(iv.Low-(2-b)) > 1e-12 || math.Abs(iv.High-(2+b)) > 1e-12 {
			t.Errorf("Mbar %v: [%v, %v], want [%v, %v]", iv.Mbar, iv.Low, iv.High, 2-b, 2+b)
		}
		if (iv.Mbar < s.Breakdown) != (iv.Low > 0) {
			t.Errorf("Mbar %v below the breakdown %v but the interval [%v, %v] includes zero (or the reverse)", iv.Mbar, s.Breakdown, iv.Low, iv.High)
		}
	}
	// With anticipation 1, the reference is -2 (distances 2, 3, 4, mean 3).
	s = relativeMagnitudes(ev, 1, 2, 0.5)
	if math.Abs(s.Breakdown-(2-z*0.5)/(0.3*3)) > 1e-12 {
		t.Errorf("anticipation 1: MaxPre %v, breakdown %v", s.MaxPre, s.Breakdown)
	}
	if s := relativeMagnitudes(ev, 0, 0.5, 0.5); s.Breakdown != 0 {
		t.Errorf("insignificant effect: breakdown %v, want 0", s.Breakdown)
	}
	if s := relativeMagnitudes(ev[2:], 0, 2, 0.5); s != nil {
		t.Errorf("no pre-adoption period: %+v, want none", s)
	}
}
