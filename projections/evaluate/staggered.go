package evaluate

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
)

// StaggeredQuery asks for the effect of interventions of one kind adopted
// at different dates in different regions.
type StaggeredQuery struct {
	Interventions []string
	Indicator     string
	// Comparison, when not nil, is the never-treated pool; nil for the
	// default (see [Evaluator.Staggered]).
	Comparison []string
	// Control is impact.NeverTreated (default) or impact.NotYetTreated.
	Control      string
	Anticipation int
	From, To     string
	AsOf         uint64
}

// StaggeredEstimate is the answer: the estimator's result with what went
// into it, in words.
type StaggeredEstimate struct {
	*impact.StaggeredResult
	// Periods is the panel's axis; cohorts and cells index into it.
	Periods []domain.Period
	// Regions are the treated regions used, by code; Comparison the
	// never-treated pool used.
	Regions, Comparison []string
	Explanation         string
	Assumptions         []string
	AsOf                uint64
}

// Staggered estimates, after Callaway & Sant'Anna (2021), the effect of
// the interventions on the indicator where they were adopted at
// different dates. Each region's adoption date is the first day the
// timeline (see projections.Interventions.Coverage) shows it covered by
// any of the interventions, as known at q.AsOf; a region without data
// stands for its descendants with data. The cohort is the period that
// contains that day. The default never-treated pool is the regions of
// the treated regions' levels with data that no listed intervention
// covers, nor neighbours any (activity may move there). Regions without a
// value in every period of the window are left out and named.
func (e *Evaluator) Staggered(ctx context.Context, q StaggeredQuery) (*StaggeredEstimate, error) {
	pos := q.AsOf
	if pos == 0 {
		pos = e.position()
	}
	if len(q.Interventions) == 0 {
		return nil, domain.Invalid("interventions", "name at least one intervention")
	}
	if q.Control == "" {
		q.Control = impact.NeverTreated
	}
	ind, err := e.Indicator("indicator", q.Indicator, pos)
	if err != nil {
		return nil, err
	}
	from, to, err := PeriodBounds(ind.Granularity, q.From, q.To)
	if err != nil {
		return nil, err
	}
	// Adoption date by region with data.
	withData := e.regionsWithData(ind.Code, pos)
	adopted := map[string]string{}
	by := map[string]string{} // region -> intervention that first covered it
	seen := map[string]bool{}
	for i, id := range q.Interventions {
		field := "interventions[" + strconv.Itoa(i) + "]"
		if seen[id] {
			return nil, domain.Invalid(field, "intervention %s is listed twice", id)
		}
		seen[id] = true
		if _, err := e.Intervention(field, id, pos); err != nil {
			return nil, err
		}
		cov, _ := e.Interventions.Coverage(id, pos)
		for region, spans := range cov {
			stands := []string{region}
			if !withData[region] {
				stands = e.ExpandWithData(ind.Code, stands, pos)
			}
			for _, x := range stands {
				if d, ok := adopted[x]; !ok || spans[0].From < d {
					adopted[x], by[x] = spans[0].From, id
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(adopted) == 0 {
		return nil, domain.Invalid("interventions", "no region covered by these interventions, nor any region below them, has data for %s", ind.Code)
	}
	treated := make([]string, 0, len(adopted))
	for r := range adopted {
		treated = append(treated, r)
	}
	sort.Strings(treated)
	var comparison []string
	if q.Comparison == nil {
		comparison = e.ComparisonPool(ind.Code, treated, nil, pos)
	} else {
		if comparison, err = e.expandArg("comparison", ind.Code, q.Comparison, pos); err != nil {
			return nil, err
		}
		for i, c := range q.Comparison {
			for _, x := range e.ExpandWithData(ind.Code, []string{c}, pos) {
				if _, ok := adopted[x]; ok {
					return nil, domain.Invalid("comparison["+strconv.Itoa(i)+"]", "region %s is covered by intervention %s from %s; a never-treated region must be covered by none of them", x, by[x], adopted[x])
				}
			}
		}
	}
	all := append(append([]string(nil), treated...), comparison...)
	p := e.Panel(ind.Code, ind.Granularity, all, from, to, pos)
	if len(p.Periods) < 2 {
		return nil, domain.Invalid("from", "the regions have fewer than two periods of %s in the window", ind.Code)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in := impact.StaggeredInput{Control: q.Control, Anticipation: q.Anticipation, EventWindow: 3 * max(seasonLength(ind.Granularity), 1), Seed: 14}
	var incomplete, before []string
	var used, usedComparison []string
	add := func(r string, g int) {
		row := p.Values[r]
		for _, v := range row {
			if math.IsNaN(v) {
				incomplete = append(incomplete, r)
				return
			}
		}
		in.Units, in.Y, in.Cohort = append(in.Units, r), append(in.Y, row), append(in.Cohort, g)
		if g >= 0 {
			used = append(used, r)
		} else {
			usedComparison = append(usedComparison, r)
		}
	}
	for _, r := range treated {
		date, _ := domain.ParseDate(adopted[r])
		g := int(domain.PeriodOf(ind.Granularity, date).Index - p.Periods[0].Index)
		if g < 0 {
			before = append(before, r)
			continue
		}
		add(r, g)
	}
	// Regions exposed to other interventions expected to affect the
	// indicator's family in the window: left out of a default pool, warned
	// about in one given.
	var exposedNote string
	if exposed := e.exposedRegions(comparison, seen, ind.Family, p.Periods[0], p.Periods[len(p.Periods)-1], pos); len(exposed) > 0 {
		out := map[string]bool{}
		for _, x := range exposed {
			out[x.region] = q.Comparison == nil
		}
		kept := comparison[:0:0]
		for _, c := range comparison {
			if !out[c] {
				kept = append(kept, c)
			}
		}
		comparison = kept
		if q.Comparison == nil {
			exposedNote = fmt.Sprintf("Left out of the default comparison pool as exposed in the window to other interventions expected to affect %s: %s. ", strings.ToLower(string(ind.Family)), exposureText(exposed))
		} else {
			exposedNote = fmt.Sprintf("Warning: comparison regions exposed in the window to other interventions expected to affect %s, which may bias the comparison: %s. ", strings.ToLower(string(ind.Family)), exposureText(exposed))
		}
	}
	for _, r := range comparison {
		add(r, -1)
	}
	res, err := impact.Staggered(in)
	if err != nil {
		return nil, err
	}
	out := &StaggeredEstimate{StaggeredResult: res, Periods: p.Periods, Regions: nonNil(used), Comparison: nonNil(usedComparison), AsOf: pos}
	out.Assumptions = []string{
		"Parallel trends: without the interventions, the average change of the outcome would have been the same in the regions adopting at each date as in the comparison regions (" + controlWords(q.Control) + "), with no covariates.",
		fmt.Sprintf("No anticipation beyond %d period(s): before that, adoption did not change the outcome.", q.Anticipation),
		"A region, once it adopts, stays treated (the first date it is covered counts; later scope changes are not modelled).",
		"Regions do not affect each other: the default comparison pool leaves out the treated regions' neighbours.",
	}
	out.Explanation = staggeredWords(out, ind.Code, q.Control, incomplete, before)
	if exposedNote != "" {
		out.Explanation += " " + strings.TrimSpace(exposedNote)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func controlWords(c string) string {
	if c == impact.NotYetTreated {
		return "regions not yet treated at the periods compared, and those never treated"
	}
	return "regions never treated in the window"
}

// staggeredWords explains the estimate for a ministry evaluator.
func staggeredWords(est *StaggeredEstimate, indicator, control string, incomplete, before []string) string {
	r := est.StaggeredResult
	var b strings.Builder
	period := func(i int) string { return est.Periods[i].String() }
	fmt.Fprintf(&b, "%d regions adopted at %d different dates and are compared with %s (%d never treated); %d periods from %s to %s. ",
		r.Treated, len(r.Cohorts), controlWords(control), r.NeverTreated, len(est.Periods), period(0), period(len(est.Periods)-1))
	fmt.Fprintf(&b, "Each cohort's change in %s since the period before it adopted is compared with the comparison regions' change over the same periods (Callaway & Sant'Anna 2021); ", indicator)
	fmt.Fprintf(&b, "averaged over every period after adoption, weighting cohorts by their number of regions, the effect is %.4g (95%% interval %.4g to %.4g). ",
		r.Overall.Estimate, r.Overall.Low, r.Overall.High)
	if r.Overall.Low > 0 || r.Overall.High < 0 {
		b.WriteString("The interval excludes zero. ")
	} else {
		b.WriteString("The interval includes zero: the data do not rule out no effect. ")
	}
	if !math.IsNaN(r.PreTrendP) {
		fmt.Fprintf(&b, "Before adoption, the cohorts moved like the comparison regions (pre-trend test p = %.3g over %d periods)", r.PreTrendP, r.PreTrendDF)
		if r.PreTrendP < 0.05 {
			b.WriteString(" is rejected: parallel trends are in doubt and the estimate should be read with care. ")
		} else {
			b.WriteString(" is not rejected. ")
		}
	}
	if math.IsNaN(r.PreTrendP) && r.PreTrendDF > 0 {
		fmt.Fprintf(&b, "The test that the cohorts moved like the comparison regions before adoption could not be computed: %d periods before adoption are too many for %d regions (narrow the window with from). ", r.PreTrendDF, r.Treated+r.NeverTreated)
	}
	tw := r.TWFE
	if !math.IsNaN(tw.Beta) {
		fmt.Fprintf(&b, "A naive two-way fixed-effects regression would say %.4g. ", tw.Beta)
		fmt.Fprintf(&b, "It differs because it averages all two-by-two comparisons, %.0f%% of its weight on comparisons that use regions already treated as controls (Goodman-Bacon 2021), so that changing effects there count against the effect", 100*tw.ForbiddenShare)
		if tw.NegativeCells > 0 {
			fmt.Fprintf(&b, ", and it gives negative weight to %d cohort-period effects (together %.3g; de Chaisemartin & D'Haultfoeuille 2020). ", tw.NegativeCells, tw.NegativeWeight)
		} else {
			b.WriteString(". ")
		}
	}
	if len(r.DroppedCohorts) > 0 {
		var ds []string
		for _, g := range r.DroppedCohorts {
			ds = append(ds, period(g))
		}
		fmt.Fprintf(&b, "Regions adopting in the first period (%s) are left out: there is no period before to compare with. ", strings.Join(ds, ", "))
	}
	if len(before) > 0 {
		fmt.Fprintf(&b, "Left out as adopting before the window: %s. ", listText(before))
	}
	if len(incomplete) > 0 {
		fmt.Fprintf(&b, "Left out for lacking a value in some period of the window: %s. ", listText(incomplete))
	}
	if r.Sensitivity != nil {
		b.WriteString(r.Sensitivity.Sentence + " ")
	}
	fmt.Fprintf(&b, "The event study shows up to %d periods either side of adoption, with a band that holds for all of them at once.", 3*max(seasonLength(est.Periods[0].G), 1))
	return b.String()
}
