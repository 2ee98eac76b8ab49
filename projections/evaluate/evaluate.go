// Package evaluate runs the domain's evaluation methods (domain/impact,
// domain/displacement) on the read models: it resolves an intervention as
// known at a position, expands its jurisdictions to the regions that hold
// data, proposes comparison regions, and reads aligned series as of a
// position. It holds no state of its own; results are as reproducible as
// the positions they are asked at.
package evaluate

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// Evaluator reads the three read models. It is safe for concurrent use.
type Evaluator struct {
	Catalog       *projections.Catalog
	Series        *projections.Series
	Interventions *projections.Interventions
	// Visible, when set, says whether an intervention exists for whoever
	// asks (an operation classified above their clearance does not): one it
	// rejects is answered exactly as one never recorded (NotFound). The
	// GraphQL server sets it per request from the principal's clearance;
	// nil sees everything.
	Visible func(projections.Intervention) bool
	// SuppressBelow, when positive, withholds small values from whoever
	// asks (the public), as [Suppressed] says, from what the evaluations
	// open to them derive (CompareRegions).
	SuppressBelow float64

	// shared, when set (see AtPosition), keeps what the questions asked
	// at one position read alike.
	shared *atPosition
}

// Withheld splits intervention IDs into those that exist for whoever asks
// (in the order given) and the number withheld from them (recorded but
// above their clearance); IDs never recorded are in neither. Reports use
// it to say how many interventions they leave out.
func (e *Evaluator) Withheld(ids []string, asOf uint64) (visible []string, withheld int) {
	for _, id := range ids {
		iv, ok := e.Interventions.Get(id, asOf)
		switch {
		case !ok:
		case e.Visible != nil && !e.Visible(iv):
			withheld++
		default:
			visible = append(visible, id)
		}
	}
	return visible, withheld
}

// Intervention is an intervention resolved for evaluation.
type Intervention struct {
	projections.Intervention
	// Date is when its effect can start: an operation's start or a policy
	// change's effective date.
	Date time.Time
}

// Intervention returns intervention id as known at asOf (0: latest), or a
// NotFound error naming field.
func (e *Evaluator) Intervention(field, id string, asOf uint64) (Intervention, error) {
	iv, ok := e.Interventions.Get(id, asOf)
	if !ok || (e.Visible != nil && !e.Visible(iv)) {
		return Intervention{}, domain.Errorm(domain.NotFound, field, "evaluate.err.intervention.notrecorded", id)
	}
	date, err := domain.ParseDate(iv.Start)
	if err != nil {
		return Intervention{}, domain.Errorf(domain.Internal, field, "intervention %q has an unreadable date %q", id, iv.Start)
	}
	return Intervention{Intervention: iv, Date: date}, nil
}

// Indicator returns an indicator's definition as of log position asOf (0:
// the latest), or a NotFound error naming field when it was not defined
// by then.
func (e *Evaluator) Indicator(field, code string, asOf uint64) (projections.Indicator, error) {
	ind, ok := e.Catalog.IndicatorAt(code, asOf)
	if !ok {
		return projections.Indicator{}, domain.Errorm(domain.NotFound, field, "evaluate.err.indicator.undefined", code)
	}
	return ind, nil
}

// CheckRegions returns a NotFound error naming field[i] for the first code
// that is not a region defined as of log position asOf (0: the latest).
func (e *Evaluator) CheckRegions(field string, codes []string, asOf uint64) error {
	for i, c := range codes {
		if _, ok := e.Catalog.RegionAt(c, asOf); !ok {
			return domain.Errorm(domain.NotFound, field+"["+strconv.Itoa(i)+"]", "evaluate.err.region.undefined", c)
		}
	}
	return nil
}

// ExpandWithData returns the regions an intervention's regions stand for
// when evaluating indicator: each region that has a series of the
// indicator stands for itself; one that has none (a country whose data is
// kept by NUTS-2 region, say) stands for its descendants that do, level by
// level. Regions, their hierarchy and their data are those known at log
// position asOf (0: the latest). The result is sorted and has no
// duplicates.
func (e *Evaluator) ExpandWithData(indicator string, regions []string, asOf uint64) []string {
	withData := e.regionsWithData(indicator, asOf)
	children := e.children(asOf)
	seen := map[string]bool{}
	var out []string
	var visit func(code string, depth int)
	visit = func(code string, depth int) {
		if seen[code] || depth > 8 {
			return
		}
		seen[code] = true
		if withData[code] {
			out = append(out, code)
			return
		}
		for _, c := range children[code] {
			visit(c, depth+1)
		}
	}
	for _, r := range regions {
		visit(r, 0)
	}
	sort.Strings(out)
	return out
}

// readRegionsWithData reads the regions with a series of indicator
// (without a breakdown) that held a value at asOf (0: the latest).
func (e *Evaluator) readRegionsWithData(indicator string, asOf uint64) map[string]bool {
	out := map[string]bool{}
	for _, k := range e.Series.KeysAt(indicator, asOf) {
		if len(k.Dimensions) == 0 {
			out[k.Region] = true
		}
	}
	return out
}

// Neighbours returns the regions linked to any of regions (by any kind of
// link, across borders too) as of log position asOf (0: the latest),
// excluding regions themselves, sorted.
func (e *Evaluator) Neighbours(regions []string, asOf uint64) []string {
	in := setOf(regions)
	seen := map[string]bool{}
	var out []string
	for _, r := range regions {
		reg, ok := e.Catalog.RegionAt(r, asOf)
		if !ok {
			continue
		}
		for _, l := range reg.Links {
			if !in[l.Region] && !seen[l.Region] {
				seen[l.Region] = true
				out = append(out, l.Region)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ComparisonPool returns the default comparison regions (DESIGN.md
// section 4): regions of the targets' levels that have data for indicator
// and are neither targets, nor covered by the intervention (covered: its
// regions expanded to regions with data; a policy's other jurisdictions,
// say), nor neighbours of either (neighbours may receive displaced
// activity), all as known at log position asOf (0: the latest). It is
// sorted.
func (e *Evaluator) ComparisonPool(indicator string, targets, covered []string, asOf uint64) []string {
	touched := append(slices.Clone(targets), covered...)
	levels := map[domain.RegionLevel]bool{}
	for _, t := range targets {
		if r, ok := e.Catalog.RegionAt(t, asOf); ok {
			levels[r.Level] = true
		}
	}
	excluded := setOf(touched)
	for _, n := range e.Neighbours(touched, asOf) {
		excluded[n] = true
	}
	withData := e.regionsWithData(indicator, asOf)
	var out []string
	for _, r := range e.regions(asOf) { // sorted by code
		if levels[r.Level] && !excluded[r.Code] && withData[r.Code] {
			out = append(out, r.Code)
		}
	}
	return out
}

// Panel is several regions' series of one indicator on one period axis.
type Panel struct {
	Indicator   string
	Granularity domain.Granularity
	// Periods are consecutive, from the earliest to the latest period any
	// region has (within the requested range).
	Periods []domain.Period
	// Values by region, aligned with Periods; NaN where a region has no
	// value for a period.
	Values map[string][]float64
	// AsOf is the position the panel was read at (0: latest).
	AsOf uint64
}

// Panel reads indicator for regions between from and to (inclusive; nil
// for open ends) as of asOf. Regions without any data get all-NaN rows.
func (e *Evaluator) Panel(indicator string, g domain.Granularity, regions []string, from, to *int32, asOf uint64) Panel {
	p := Panel{Indicator: indicator, Granularity: g, Values: map[string][]float64{}, AsOf: asOf}
	data := make(map[string][]projections.Point, len(regions))
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, r := range regions {
		pts := e.points(indicator, r, from, to, asOf)
		data[r] = pts
		for _, pt := range pts {
			lo, hi = min(lo, pt.Index), max(hi, pt.Index)
		}
	}
	if lo > hi {
		for _, r := range regions {
			p.Values[r] = nil
		}
		return p
	}
	for i := lo; i <= hi; i++ {
		p.Periods = append(p.Periods, domain.Period{G: g, Index: i})
	}
	for _, r := range regions {
		row := make([]float64, len(p.Periods))
		for i := range row {
			row[i] = math.NaN()
		}
		for _, pt := range data[r] {
			row[pt.Index-lo] = pt.Value
		}
		p.Values[r] = row
	}
	return p
}

// Index returns the position of period in p.Periods, or -1.
func (p Panel) Index(period domain.Period) int {
	if len(p.Periods) == 0 {
		return -1
	}
	i := int(period.Index - p.Periods[0].Index)
	if i < 0 || i >= len(p.Periods) {
		return -1
	}
	return i
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, x := range list {
		m[x] = true
	}
	return m
}
