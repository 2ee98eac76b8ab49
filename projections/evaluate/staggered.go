package evaluate

import (
	"context"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
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
	// Inference is impact.InferenceAnalytic (default) or
	// impact.InferenceBootstrap; Draws the number of multiplier-bootstrap
	// draws (0 for impact.DefaultDraws, else impact.MinDraws to
	// impact.MaxDraws). The draws' seed is derived from the query (see
	// [Evaluator.Staggered]).
	Inference string
	Draws     int
	AsOf      uint64
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
	// Explanation and Assumptions are the English of ExplanationMsgs and
	// AssumptionMsgs, the messages of the catalogue they are written from.
	Explanation     string
	Assumptions     []string
	ExplanationMsgs i18n.Text  `json:"-"`
	AssumptionMsgs  []i18n.Msg `json:"-"`
	AsOf            uint64
}

// ExplanationIn writes the explanation in l.
func (e *StaggeredEstimate) ExplanationIn(l i18n.Lang) string {
	return e.ExplanationMsgs.InOr(l, e.Explanation)
}

// AssumptionsIn writes the assumptions in l.
func (e *StaggeredEstimate) AssumptionsIn(l i18n.Lang) []string {
	return l.RenderAllOr(e.AssumptionMsgs, e.Assumptions)
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
//
// The multiplier bootstrap's seed is a hash of the question (see
// staggeredSeed), not of the position: the same question gets the same
// draws, so its answer as of a position is always the same, and the
// answers at two positions differ only where the data do.
func (e *Evaluator) Staggered(ctx context.Context, q StaggeredQuery) (*StaggeredEstimate, error) {
	pos := q.AsOf
	if pos == 0 {
		pos = e.position()
	}
	if len(q.Interventions) == 0 {
		return nil, domain.Invalidm("interventions", "evaluate.err.staggered.none")
	}
	if q.Control == "" {
		q.Control = impact.NeverTreated
	}
	if err := impact.CheckInference(q.Inference, q.Draws); err != nil {
		return nil, err
	}
	if q.Inference == "" {
		q.Inference = impact.InferenceAnalytic
	}
	if q.Draws == 0 {
		q.Draws = impact.DefaultDraws
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
			return nil, domain.Invalidm(field, "evaluate.err.staggered.twice", id)
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
		return nil, domain.Invalidm("interventions", "evaluate.err.staggered.nodata", ind.Code)
	}
	treated := make([]string, 0, len(adopted))
	for r := range adopted {
		treated = append(treated, r)
	}
	sort.Strings(treated)
	var comparison []string
	var neighbourNote i18n.Msg
	if q.Comparison == nil {
		comparison = e.ComparisonPool(ind.Code, treated, nil, pos)
		if left := e.neighboursLeftOut(ind.Code, treated, pos); len(left) > 0 {
			neighbourNote = i18n.M("evaluate.staggered.neighbours.out", strings.Join(left, ", "))
		}
	} else {
		if comparison, err = e.expandArg("comparison", ind.Code, q.Comparison, pos); err != nil {
			return nil, err
		}
		for i, c := range q.Comparison {
			for _, x := range e.ExpandWithData(ind.Code, []string{c}, pos) {
				if _, ok := adopted[x]; ok {
					return nil, domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.err.staggered.covered", x, by[x], adopted[x])
				}
			}
		}
	}
	all := append(append([]string(nil), treated...), comparison...)
	p := e.Panel(ind.Code, ind.Granularity, all, from, to, pos)
	if len(p.Periods) < 2 {
		return nil, domain.Invalidm("from", "evaluate.err.staggered.periods", ind.Code)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in := impact.StaggeredInput{Control: q.Control, Anticipation: q.Anticipation, EventWindow: 3 * max(seasonLength(ind.Granularity), 1),
		Inference: q.Inference, Draws: q.Draws, Seed: staggeredSeed(q)}
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
	var exposedNote i18n.Msg
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
			exposedNote = i18n.M("evaluate.staggered.exposed.out", familyWord(ind.Family), exposureMsg(exposed))
		} else {
			exposedNote = i18n.M("evaluate.staggered.exposed.kept", familyWord(ind.Family), exposureMsg(exposed))
		}
	}
	for _, r := range comparison {
		add(r, -1)
	}
	res, err := impact.StaggeredContext(ctx, in)
	if err != nil {
		return nil, err
	}
	out := &StaggeredEstimate{StaggeredResult: res, Periods: p.Periods, Regions: nonNil(used), Comparison: nonNil(usedComparison), AsOf: pos}
	out.AssumptionMsgs = []i18n.Msg{
		i18n.M("evaluate.staggered.assume.parallel", controlMsg(q.Control)),
		i18n.M("evaluate.staggered.assume.anticipation", q.Anticipation),
		i18n.M("evaluate.staggered.assume.absorbing"),
		i18n.M("evaluate.staggered.assume.spillover"),
	}
	out.Assumptions = i18n.EN.RenderAll(out.AssumptionMsgs)
	out.ExplanationMsgs = staggeredWords(out, ind.Code, q.Control, incomplete, before)
	if !neighbourNote.IsZero() {
		out.ExplanationMsgs = append(out.ExplanationMsgs, neighbourNote)
	}
	if !exposedNote.IsZero() {
		out.ExplanationMsgs = append(out.ExplanationMsgs, exposedNote)
	}
	out.Explanation = out.ExplanationMsgs.In(i18n.EN)
	return out, nil
}

// staggeredSeed is the bootstrap's seed for q (its defaults filled in):
// an FNV-1a hash of what it asks, the interventions and the comparison
// regions as sets (their order changes nothing else in the answer), the
// position left out.
func staggeredSeed(q StaggeredQuery) uint64 {
	h := fnv.New64a()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	set := func(xs []string) {
		s := slices.Clone(xs)
		slices.Sort(s)
		field(strconv.Itoa(len(s)))
		for _, x := range s {
			field(x)
		}
	}
	set(q.Interventions)
	field(q.Indicator)
	if q.Comparison == nil {
		field("default pool")
	} else {
		set(q.Comparison)
	}
	for _, x := range []string{q.Control, strconv.Itoa(q.Anticipation), q.From, q.To, q.Inference, strconv.Itoa(q.Draws)} {
		field(x)
	}
	return h.Sum64()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func controlMsg(c string) i18n.Msg {
	if c == impact.NotYetTreated {
		return i18n.M("evaluate.staggered.control.notyet")
	}
	return i18n.M("evaluate.staggered.control.never")
}

// sentence is a sensitivity analysis's sentence, written in each language.
type sentence struct{ s *impact.Sensitivity }

// Localize writes the sentence in l.
func (x sentence) Localize(l i18n.Lang) string { return x.s.SentenceIn(l) }

func g4(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
func g3(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }

// staggeredWords explains the estimate for a ministry evaluator.
func staggeredWords(est *StaggeredEstimate, indicator, control string, incomplete, before []string) i18n.Text {
	r := est.StaggeredResult
	period := func(i int) string { return est.Periods[i].String() }
	t := i18n.Text{
		i18n.M("evaluate.staggered.opening",
			i18n.Count("evaluate.staggered.adopted", r.Treated, r.Treated, i18n.Count("evaluate.staggered.dates", len(r.Cohorts), len(r.Cohorts))),
			i18n.Count("evaluate.staggered.are", r.Treated), controlMsg(control), r.NeverTreated, len(est.Periods), period(0), period(len(est.Periods)-1)),
		i18n.M("evaluate.staggered.effect", indicator, i18n.Num(g4, r.Overall.Estimate), i18n.Num(g4, r.Overall.Low), i18n.Num(g4, r.Overall.High)),
	}
	if r.Overall.Low > 0 || r.Overall.High < 0 {
		t = append(t, i18n.M("evaluate.staggered.excludes"))
	} else {
		t = append(t, i18n.M("evaluate.staggered.includes"))
	}
	if r.Inference == impact.InferenceBootstrap {
		t = append(t, i18n.M("evaluate.staggered.inference.bootstrap", i18n.Int(r.Draws)))
		if r.AnalyticFallbacks > 0 {
			t = append(t, i18n.M("evaluate.staggered.inference.fallback", r.AnalyticFallbacks))
		}
	} else {
		t = append(t, i18n.M("evaluate.staggered.inference.analytic", i18n.Int(r.Draws)))
	}
	if !math.IsNaN(r.PreTrendP) {
		key := "evaluate.staggered.pretrend.ok"
		if r.PreTrendP < 0.05 {
			key = "evaluate.staggered.pretrend.rejected"
		}
		t = append(t, i18n.M(key, i18n.Num(g3, r.PreTrendP), r.PreTrendDF))
	}
	if math.IsNaN(r.PreTrendP) && r.PreTrendDF > 0 {
		t = append(t, i18n.M("evaluate.staggered.pretrend.none", r.PreTrendDF, r.Treated+r.NeverTreated))
	}
	tw := r.TWFE
	if !math.IsNaN(tw.Beta) {
		share := i18n.Num(func(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }, 100*tw.ForbiddenShare)
		if tw.NegativeCells > 0 {
			t = append(t, i18n.M("evaluate.staggered.twfe.negative", i18n.Num(g4, tw.Beta), share, tw.NegativeCells, i18n.Num(g3, tw.NegativeWeight)))
		} else {
			t = append(t, i18n.M("evaluate.staggered.twfe", i18n.Num(g4, tw.Beta), share))
		}
	}
	if len(r.DroppedCohorts) > 0 {
		var ds []string
		for _, g := range r.DroppedCohorts {
			ds = append(ds, period(g))
		}
		t = append(t, i18n.M("evaluate.staggered.dropped", i18n.Strings(ds)))
	}
	if len(before) > 0 {
		t = append(t, i18n.M("evaluate.staggered.before", listMsg(before)))
	}
	if len(incomplete) > 0 {
		t = append(t, i18n.M("evaluate.staggered.incomplete", listMsg(incomplete)))
	}
	if r.Sensitivity != nil {
		t = append(t, i18n.M("evaluate.staggered.sentence", sentence{r.Sensitivity}))
	}
	return append(t, i18n.M("evaluate.staggered.eventstudy", 3*max(seasonLength(est.Periods[0].G), 1)))
}

// neighboursLeftOut returns the regions the default comparison pool of
// targets leaves out only because they neighbour a target: of the
// targets' levels, with data for indicator, not targets themselves,
// sorted. The explanation names them, as it names the exposed ones.
func (e *Evaluator) neighboursLeftOut(indicator string, targets []string, asOf uint64) []string {
	levels := map[domain.RegionLevel]bool{}
	for _, t := range targets {
		if r, ok := e.Catalog.RegionAt(t, asOf); ok {
			levels[r.Level] = true
		}
	}
	isTarget := setOf(targets)
	withData := e.regionsWithData(indicator, asOf)
	var out []string
	for _, n := range e.Neighbours(targets, asOf) {
		if r, ok := e.Catalog.RegionAt(n, asOf); ok && levels[r.Level] && withData[n] && !isTarget[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
