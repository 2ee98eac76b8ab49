package impact

import (
	"fmt"
	"math"
)

// SensitivityInterval is the interval for the effect when post-adoption
// violations of parallel trends may be up to Mbar times the largest
// pre-adoption one.
type SensitivityInterval struct {
	Mbar, Low, High float64
}

// Sensitivity is a sensitivity analysis of an event study to violations of
// parallel trends under the relative-magnitudes restriction of Rambachan
// & Roth (2023): between consecutive periods after adoption, the
// violation moves by at most Mbar times the largest move between
// consecutive periods before adoption.
type Sensitivity struct {
	// Target names what is bounded: the average of the event-study effects
	// from adoption on.
	Target string
	// Estimate and SE are the target's estimate and standard error.
	Estimate, SE float64
	// MaxPre is the largest pre-adoption move (the event-study estimates
	// before adoption with the varying base period are such moves).
	MaxPre float64
	// Breakdown is the largest Mbar at which the 95% interval still
	// excludes zero: 0 if it does not at Mbar = 0, +Inf when nothing moved
	// before adoption.
	Breakdown float64
	Intervals []SensitivityInterval
	// Sentence says it in words.
	Sentence string
}

// MbarGrid are the Mbar values reported.
var MbarGrid = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2}

// relativeMagnitudes bounds the average of the event-study effects at
// relative periods 0..K-1 (estimate avg with standard error se). With
// the reference period r = -anticipation-1 where the violation is zero,
// the violation at relative period e is at most (e-r) Mbar MaxPre, so the
// bias of the average is at most Mbar MaxPre mean(e-r); the interval is
// the estimate -+ (that bound + 1.96 se).
//
// This is the plug-in version: MaxPre is the estimated largest
// pre-adoption move, taken as known. Rambachan & Roth's own intervals
// also account for its sampling error (and are optimal for the
// restriction), so theirs are wider when pre-periods are noisy; the
// breakdown value here is an upper bound on theirs.
func relativeMagnitudes(ev []EventEffect, anticipation int, avg, se float64) *Sensitivity {
	z := 1.959963984540054
	maxPre, nPre, dist, k := 0.0, 0, 0.0, 0
	for _, e := range ev {
		switch {
		case e.Relative < -anticipation:
			maxPre = math.Max(maxPre, math.Abs(e.Estimate))
			nPre++
		case e.Relative >= 0:
			dist += float64(e.Relative + anticipation + 1)
			k++
		}
	}
	if nPre == 0 || k == 0 {
		return nil
	}
	dist /= float64(k)
	s := &Sensitivity{Target: "the average effect from adoption on (event-study average)", Estimate: avg, SE: se, MaxPre: maxPre}
	for _, m := range MbarGrid {
		b := m*maxPre*dist + z*se
		s.Intervals = append(s.Intervals, SensitivityInterval{Mbar: m, Low: avg - b, High: avg + b})
	}
	switch {
	case math.Abs(avg) <= z*se:
		s.Breakdown = 0
		s.Sentence = "The effect is not significant even if parallel trends hold exactly, so there is no conclusion for violations to overturn."
	case maxPre == 0:
		s.Breakdown = math.Inf(1)
		s.Sentence = "Before adoption the regions moved exactly alike, so relative violations after adoption cannot overturn the conclusion."
	default:
		s.Breakdown = (math.Abs(avg) - z*se) / (maxPre * dist)
		s.Sentence = fmt.Sprintf("The conclusion holds unless post-adoption violations of parallel trends are more than %.2f times the largest pre-adoption one (relative magnitudes, Rambachan & Roth 2023; pre-adoption violation estimated, not bounded).", s.Breakdown)
	}
	return s
}
