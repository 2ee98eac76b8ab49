package demo

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/supplyeval/supplyeval/domain"
)

// displacements computes the displacement truth from the expected counts.
func (b *builder) displacements(effects []resolved, series []Series) ([]InjectedDisplacement, error) {
	var out []InjectedDisplacement
	for _, d := range displacementSpecs() {
		ind := b.indicator(d.indicator)
		if ind == nil || ind.model.kind != count || ind.def.DesiredDirection != domain.DirectionDown {
			return nil, fmt.Errorf("demo: displacement truth of %s needs a count indicator whose desired direction is DOWN, not %s", d.intervention, d.indicator)
		}
		level := b.level[d.target[0]]
		var buffer []string
		for _, t := range d.target {
			for _, nb := range b.neighbours[t] {
				if b.level[nb] == level && b.atlas.covers(ind.scope, nb) && !slices.Contains(d.target, nb) && !slices.Contains(buffer, nb) {
					buffer = append(buffer, nb)
				}
			}
		}
		sort.Strings(buffer)
		for _, r := range d.displaced {
			if !slices.Contains(buffer, r) {
				return nil, fmt.Errorf("demo: displacement truth of %s: %s is not a neighbour of the target", d.intervention, r)
			}
		}
		from := b.firstIndex(d.intervention)
		until, err := b.cleanUntil(effects, d.indicator, append(slices.Clone(d.target), buffer...), from, d.intervention)
		if err != nil {
			return nil, err
		}
		before := [2]int{max(0, from-12), from - 1}
		after := [2]int{from, min(until, from+11)}
		x := InjectedDisplacement{
			Intervention: d.intervention, Indicator: d.indicator,
			Target: sorted(d.target), Buffer: buffer, Displaced: sorted(d.displaced),
			Control:     b.unaffected(effects, d.indicator, level, append(slices.Clone(d.target), buffer...), after[1]),
			TargetRatio: 1, BufferRatio: 1,
			Before: Window{b.periods[before[0]], b.periods[before[1]]},
			After:  Window{b.periods[after[0]], b.periods[after[1]]},
		}
		for _, e := range effects {
			if e.null() || e.intervention != d.intervention || e.indicator != d.indicator {
				continue
			}
			if overlaps(e.regions, d.target) {
				x.TargetRatio = e.value
			} else if overlaps(e.regions, d.displaced) {
				x.BufferRatio = e.value
			}
		}
		m := measures(series, d.indicator, x.Target, x.Buffer, x.Control, before, after)
		if x.TargetRatio >= 1 {
			m.WDQ, m.WDQReadable = 0, false
		}
		x.Expected = m
		x.Reading = reading(x)
		out = append(out, x)
	}
	return out, nil
}

// reading says in words what a correct displacement analysis concludes.
func reading(x InjectedDisplacement) string {
	m := x.Expected
	switch {
	case m.WDQReadable:
		var cat string
		switch {
		case m.WDQ > 1:
			cat = "diffusion of benefits exceeding the direct effect (WDQ > 1)"
		case m.WDQ > 0:
			cat = "diffusion of benefits (0 < WDQ <= 1)"
		case m.WDQ == 0:
			cat = "neither displacement nor diffusion (WDQ = 0)"
		case m.WDQ >= -1:
			cat = "displacement smaller than the direct effect (-1 <= WDQ < 0)"
		default:
			cat = "displacement exceeding the direct effect (WDQ < -1)"
		}
		return fmt.Sprintf("The target fell (rate ratio %.2f) and the displaced buffer regions rose (rate ratio %.2f): %s, expected WDQ %.2f; total net effect %.1f (positive: a net benefit).",
			x.TargetRatio, x.BufferRatio, cat, m.WDQ, m.TotalNetEffect)
	case x.TargetRatio > 1:
		return fmt.Sprintf("No success to read a WDQ against: the indicator rose in the target (rate ratio %.2f) and in its buffer (rate ratio %.2f), a fragmentation pattern (Guideline 18). The WDQ is not read; total net effect %.1f (negative: a net harm).",
			x.TargetRatio, x.BufferRatio, m.TotalNetEffect)
	default:
		return "No effect and no displacement: the success and buffer measures are zero up to population drift, and the WDQ is not read."
	}
}

// measures computes the displacement measures from the expected counts
// (Series.Mean) of indicator summed over each role's regions and the
// windows' period indexes.
func measures(series []Series, indicator string, target, buffer, control []string, before, after [2]int) DisplacementMeasures {
	sum := func(regions []string, w [2]int) float64 {
		total := 0.0
		for _, s := range series {
			if s.Indicator == indicator && slices.Contains(regions, s.Region) {
				for i := w[0]; i <= w[1]; i++ {
					total += s.Mean[i]
				}
			}
		}
		return total
	}
	rb, ra := sum(target, before), sum(target, after)
	db, da := sum(buffer, before), sum(buffer, after)
	cb, ca := sum(control, before), sum(control, after)
	m := DisplacementMeasures{
		Success:        ra/ca - rb/cb,
		Buffer:         da/ca - db/cb,
		TotalNetEffect: (rb*(ca/cb) - ra) + (db*(ca/cb) - da),
		WDD:            (ra - rb) - (ca - cb) + (da - db) - (ca - cb),
	}
	if m.Success < 0 {
		m.WDQ, m.WDQReadable = m.Buffer/m.Success, true
	}
	return m
}

// ExpectedDisplacement returns the displacement measures that the
// expected (noise-free) counts of indicator give for the chosen regions
// and windows, with control also the buffer's control: the value an
// estimate from the generated counts should lie near. WDQReadable here
// only says that Success is negative. It returns an error (BadInput) for
// an unknown indicator or region, a window outside the data, or a role
// whose expected count is zero.
func (w World) ExpectedDisplacement(indicator string, target, buffer, control []string, before, after Window) (DisplacementMeasures, error) {
	var series []Series
	for _, s := range w.Series {
		if s.Indicator == indicator {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return DisplacementMeasures{}, domain.Invalid("indicator", "the demo world has no series of %q", indicator)
	}
	periods := series[0].Periods
	for _, role := range []struct {
		field   string
		regions []string
	}{{"target", target}, {"buffer", buffer}, {"control", control}} {
		if len(role.regions) == 0 {
			return DisplacementMeasures{}, domain.Invalid(role.field, "needs at least one region")
		}
		for _, r := range role.regions {
			if _, ok := w.SeriesOf(indicator, r); !ok {
				return DisplacementMeasures{}, domain.Invalid(role.field, "region %q has no %s series", r, indicator)
			}
		}
	}
	var idx [2][2]int
	for k, win := range []struct {
		field string
		w     Window
	}{{"before", before}, {"after", after}} {
		from, to := slices.Index(periods, win.w.From), slices.Index(periods, win.w.To)
		if from < 0 || to < 0 || to < from {
			return DisplacementMeasures{}, domain.Invalid(win.field, "%s..%s is not a window of the data (%s..%s)", win.w.From, win.w.To, periods[0], periods[len(periods)-1])
		}
		idx[k] = [2]int{from, to}
	}
	m := measures(series, indicator, target, buffer, control, idx[0], idx[1])
	for _, v := range []float64{m.Success, m.Buffer, m.WDQ, m.TotalNetEffect, m.WDD} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return DisplacementMeasures{}, domain.Invalid("control", "the control's expected count is zero in a window")
		}
	}
	return m, nil
}
