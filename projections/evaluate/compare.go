package evaluate

import (
	"math"
	"strconv"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// Normalisation says how [Evaluator.CompareRegions] scales each series.
type Normalisation string

// The normalisations of a comparison.
const (
	// NormaliseNone leaves values as recorded.
	NormaliseNone Normalisation = "NONE"
	// NormaliseIndex divides each region's values by its value at the
	// first period every region has a value for, times 100.
	NormaliseIndex Normalisation = "INDEX"
	// NormalisePer100k divides each value by the region's population for
	// the same period, times 100,000.
	NormalisePer100k Normalisation = "PER_100K"
)

// Normalisations lists every Normalisation.
var Normalisations = []Normalisation{NormaliseNone, NormaliseIndex, NormalisePer100k}

// Comparison is several regions' series of one indicator, normalised alike.
type Comparison struct {
	// Series are in the order of the regions asked for; series without a
	// breakdown only.
	Series []projections.SeriesData
	// Unit is the unit of the values after normalisation.
	Unit string
	// Normalised says how values were normalised; empty for NONE.
	Normalised string
	// UnitMsg and NormalisedMsg are Unit and Normalised as messages of the
	// catalogue when the normalisation wrote them (zero for NONE: Unit is
	// then the indicator's own, recorded unit).
	UnitMsg, NormalisedMsg i18n.Msg `json:"-"`
	// Withheld holds, for each series, the periods (by index) whose values
	// are withheld (see [Suppressed]; nil when nothing is). A withheld
	// value is left as recorded, not normalised, and must not be shown.
	Withheld []map[int32]bool
}

// CompareRegions reads indicator in each of regions between from and to
// (inclusive period indexes; nil for open ends) as of asOf (0: latest),
// normalised by norm (empty means NONE):
//
//   - INDEX: each value divided by the region's value at the base period
//     and multiplied by 100, the base being the first period, within the
//     range, at which every region has a value.
//   - PER_100K: each value divided by the region's population for the same
//     period and multiplied by 100,000; the population is the value of
//     the indicator's population ([Evaluator.PopulationOf]) at the period of its own granularity
//     that contains the start of the value's period. Only counts (see
//     [ScaleOf]) can be expressed per inhabitant.
//
// It returns a *domain.Error: NOT_FOUND naming "indicator" or
// "regions[i]"; BAD_INPUT naming "regions" when there are none, or no
// common period for INDEX; "regions[i]" for a region given twice, a base
// value that is not positive, or a missing or non-positive population;
// "normalise" for an unknown normalisation, PER_100K without a population
// indicator (the message says what to define) or of a level.
func (e *Evaluator) CompareRegions(indicator string, regions []string, from, to *int32, norm Normalisation, asOf uint64) (*Comparison, error) {
	ind, err := e.Indicator("indicator", indicator, asOf)
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, domain.Invalidm("regions", "evaluate.err.regions.none")
	}
	if err := e.CheckRegions("regions", regions, asOf); err != nil {
		return nil, err
	}
	seen := make(map[string]int, len(regions))
	for i, r := range regions {
		if j, dup := seen[r]; dup {
			return nil, domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.region.twice.at", r, j)
		}
		seen[r] = i
	}
	var (
		pop     projections.Indicator
		popNote i18n.Msg
	)
	switch norm {
	case "", NormaliseNone, NormaliseIndex:
	case NormalisePer100k:
		if ScaleOf(ind) != displacement.Count {
			return nil, domain.Invalidm("normalise", "evaluate.err.per100k.notcount", ind.Code, scaleMsg(ind.Scale), ind.Unit)
		}
		var ok bool
		if pop, popNote, ok = e.populationOf(ind, asOf); !ok {
			if ind.Population != "" {
				return nil, domain.Invalidm("normalise", "evaluate.err.per100k.popundefined", ind.Code, ind.Population)
			}
			return nil, domain.Invalidm("normalise", "evaluate.err.per100k.nopop", ind.Code)
		}
	default:
		return nil, domain.Invalidm("normalise", "evaluate.err.normalise", norm)
	}

	out := &Comparison{Series: make([]projections.SeriesData, len(regions)), Unit: ind.Unit}
	for i, r := range regions {
		d, _ := e.Series.Get(projections.Query{Indicator: ind.Code, Region: r, From: from, To: to, AsOf: asOf})
		d.Indicator, d.Region, d.Granularity = ind.Code, r, ind.Granularity
		if d.Points == nil {
			d.Points = []projections.Point{}
		}
		out.Series[i] = d
	}
	if e.SuppressBelow > 0 {
		// Decided on the values as recorded, before anything is derived.
		out.Withheld = make([]map[int32]bool, len(regions))
		for i, r := range regions {
			out.Withheld[i] = Suppressed(e.Series, projections.Query{Indicator: ind.Code, Region: r, From: from, To: to, AsOf: asOf}, e.SuppressBelow)
		}
	}
	switch norm {
	case NormaliseIndex:
		return out, index(out, ind)
	case NormalisePer100k:
		if err := e.per100k(out, ind, pop, asOf); err != nil {
			return nil, err
		}
		if !popNote.IsZero() {
			out.setNormalised(i18n.M("evalnote.norm.withpop", out.NormalisedMsg, popNote))
		}
		return out, nil
	}
	return out, nil
}

// setUnit sets the unit to m and its English rendering.
func (c *Comparison) setUnit(m i18n.Msg) { c.UnitMsg, c.Unit = m, i18n.EN.Render(m) }

// setNormalised sets the normalisation note to m and its English
// rendering.
func (c *Comparison) setNormalised(m i18n.Msg) {
	c.NormalisedMsg, c.Normalised = m, i18n.EN.Render(m)
}

// UnitIn writes the unit in l (English: Unit; the indicator's own unit,
// for NONE, as recorded).
func (c *Comparison) UnitIn(l i18n.Lang) string { return l.RenderOr(c.UnitMsg, c.Unit) }

// NormalisedIn writes how the values were normalised in l ("" for NONE).
func (c *Comparison) NormalisedIn(l i18n.Lang) string {
	return l.RenderOr(c.NormalisedMsg, c.Normalised)
}

// withheld reports whether the value of series i at period idx is withheld.
func (c *Comparison) withheld(i int, idx int32) bool {
	return c.Withheld != nil && c.Withheld[i][idx]
}

// index rescales every series to 100 at the first period every series
// has a value shown for.
func index(c *Comparison, ind projections.Indicator) error {
	count := map[int32]int{}
	for i, s := range c.Series {
		for _, p := range s.Points {
			if !c.withheld(i, p.Index) {
				count[p.Index]++
			}
		}
	}
	base, found := int32(0), false
	for idx, n := range count {
		if n == len(c.Series) && (!found || idx < base) {
			base, found = idx, true
		}
	}
	if !found {
		if c.Withheld != nil {
			return domain.Invalidm("regions", "evaluate.err.index.nobase.withheld", ind.Code)
		}
		return domain.Invalidm("regions", "evaluate.err.index.nobase", ind.Code)
	}
	period := domain.Period{G: ind.Granularity, Index: base}
	for i := range c.Series {
		s := &c.Series[i]
		var b float64
		for _, p := range s.Points {
			if p.Index == base {
				b = p.Value
			}
		}
		if !(b > 0) {
			return domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.index.base", s.Region, ind.Code, i18n.G(b, -1), period)
		}
		for j, p := range s.Points {
			if c.withheld(i, p.Index) {
				continue
			}
			v := p.Value / b * 100
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.index.overflow", s.Region, ind.Code, i18n.G(p.Value, -1), p.Period, i18n.G(b, -1), period, i18n.G(p.Value, -1), i18n.G(b, -1))
			}
			s.Points[j].Value = v
		}
	}
	c.setUnit(i18n.M("evalnote.unit.index", period.String()))
	c.setNormalised(i18n.M("evalnote.norm.index", period.String()))
	return nil
}

// per100k divides every value by the region's population in its period.
func (e *Evaluator) per100k(c *Comparison, ind, pop projections.Indicator, asOf uint64) error {
	for i := range c.Series {
		s := &c.Series[i]
		if len(s.Points) == 0 {
			continue
		}
		at := func(p projections.Point) domain.Period {
			q := domain.Period{G: ind.Granularity, Index: p.Index}
			if pop.Granularity != ind.Granularity {
				q = domain.PeriodOf(pop.Granularity, q.Start())
			}
			return q
		}
		lo, hi := at(s.Points[0]).Index, at(s.Points[len(s.Points)-1]).Index
		popQ := projections.Query{Indicator: pop.Code, Region: s.Region, From: &lo, To: &hi, AsOf: asOf}
		d, _ := e.Series.Get(popQ)
		// A value per inhabitant shown with the value it is computed from
		// gives the population away: a withheld population withholds it.
		popHeld := Suppressed(e.Series, popQ, e.SuppressBelow)
		byIndex := make(map[int32]float64, len(d.Points))
		for _, p := range d.Points {
			byIndex[p.Index] = p.Value
		}
		for j, p := range s.Points {
			q := at(p)
			if popHeld[q.Index] && c.Withheld != nil {
				if c.Withheld[i] == nil {
					c.Withheld[i] = map[int32]bool{}
				}
				c.Withheld[i][p.Index] = true
			}
			if c.withheld(i, p.Index) {
				continue
			}
			v, ok := byIndex[q.Index]
			if !ok {
				return domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.per100k.popmissing", s.Region, pop.Code, q, ind.Code, p.Period)
			}
			if !(v > 0) {
				return domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.per100k.popnotpositive", s.Region, pop.Code, i18n.G(v, -1), q)
			}
			x := p.Value / v * 100_000
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return domain.Invalidm("regions["+strconv.Itoa(i)+"]", "evaluate.err.per100k.overflow", s.Region, ind.Code, i18n.G(p.Value, -1), p.Period, pop.Code, i18n.G(v, -1), q)
			}
			s.Points[j].Value = x
		}
	}
	if ind.Unit != "" {
		c.setUnit(i18n.M("evalnote.unit.per100k.of", ind.Unit))
	} else {
		c.setUnit(i18n.M("evalnote.unit.per100k"))
	}
	c.setNormalised(i18n.M("evalnote.norm.per100k", pop.Code))
	return nil
}
