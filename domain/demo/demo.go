package demo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/supplyeval/supplyeval/domain"
)

// Defaults and limits of Config.
const (
	// DefaultFrom and DefaultTo are the months the demo world covers by
	// default: 13 years, 156 monthly periods.
	DefaultFrom = "2012-01"
	DefaultTo   = "2024-12"
	// EarliestFrom and LatestTo bound the range the models are calibrated
	// for (every value stays positive and plausible inside it).
	EarliestFrom = "2008-01"
	LatestTo     = "2030-12"
	// MinPrePeriods and MinPostPeriods are the periods of data every
	// intervention must have before its first affected period and from it
	// (that period included); they bound Config.From and Config.To.
	MinPrePeriods  = 24
	MinPostPeriods = 6
	// MaxBatchRows is the most rows one RecordObservations step holds.
	MaxBatchRows = 5000
	// CoverageSeed is the seed of the first of CoverageConfigs.
	CoverageSeed = 1_000_001
)

// Config says which demo world to generate. The zero Config is the
// default world: seed 0, DefaultFrom to DefaultTo.
type Config struct {
	// Seed drives every random draw; the same Config always gives the same
	// World, whatever the Go release.
	Seed int64
	// From and To are the first and last months of the data (YYYY-MM);
	// empty means DefaultFrom and DefaultTo. The interventions keep their
	// dates, so From must leave MinPrePeriods before the first one and To
	// MinPostPeriods after the last one.
	From, To string
}

func (c Config) withDefaults() Config {
	if c.From == "" {
		c.From = DefaultFrom
	}
	if c.To == "" {
		c.To = DefaultTo
	}
	return c
}

// Validate reports everything wrong with c (after defaults), joined; each
// error is a *domain.Error with code BadInput naming the field.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	from, errFrom := domain.ParsePeriod(domain.Month, c.From)
	to, errTo := domain.ParsePeriod(domain.Month, c.To)
	if errFrom != nil {
		errs = append(errs, domain.Invalid("from", "%s", errFrom))
	}
	if errTo != nil {
		errs = append(errs, domain.Invalid("to", "%s", errTo))
	}
	if errFrom != nil || errTo != nil {
		return errors.Join(errs...)
	}
	earliest, _ := domain.ParsePeriod(domain.Month, EarliestFrom)
	latest, _ := domain.ParsePeriod(domain.Month, LatestTo)
	firstEffect, lastEffect := interventionPeriods()
	if from.Index < earliest.Index {
		errs = append(errs, domain.Invalid("from", "%s is before %s, the earliest month the demo models are calibrated for", c.From, EarliestFrom))
	}
	if limit := firstEffect.Add(-MinPrePeriods); from.Index > limit.Index {
		errs = append(errs, domain.Invalid("from", "%s leaves fewer than %d months before the first intervention (%s): use %s or earlier", c.From, MinPrePeriods, firstEffect, limit))
	}
	if to.Index > latest.Index {
		errs = append(errs, domain.Invalid("to", "%s is after %s, the latest month the demo models are calibrated for", c.To, LatestTo))
	}
	if limit := lastEffect.Add(MinPostPeriods - 1); to.Index < limit.Index {
		errs = append(errs, domain.Invalid("to", "%s leaves fewer than %d months from the last intervention (%s): use %s or later", c.To, MinPostPeriods, lastEffect, limit))
	}
	return errors.Join(errs...)
}

// interventionPeriods returns the earliest and latest first affected
// period of the demo interventions.
func interventionPeriods() (first, last domain.Period) {
	var dates []string
	for _, o := range operationSpecs() {
		dates = append(dates, o.launch.Start)
	}
	for _, p := range policySpecs() {
		dates = append(dates, p.Effective)
	}
	for i, d := range dates {
		t, _ := domain.ParseDate(d)
		p := domain.FirstPeriodFrom(domain.Month, t)
		if i == 0 || p.Index < first.Index {
			first = p
		}
		if i == 0 || p.Index > last.Index {
			last = p
		}
	}
	return first, last
}

// CoverageConfigs returns n configurations of the default range with
// seeds CoverageSeed, CoverageSeed+1, ...: worlds of identical structure
// and truth whose noise differs, for checking that an estimator's 95%
// interval holds the truth in about 95% of them. Generate each in turn
// rather than holding them all (a world holds about 35,000 observations).
func CoverageConfigs(n int) []Config {
	out := make([]Config, n)
	for i := range out {
		out[i] = Config{Seed: CoverageSeed + int64(i)}
	}
	return out
}

// Step is one command of the demo world with its stable command ID
// ("demo-..."): handling the steps again with the same IDs records
// nothing new. A different Config gives some IDs different commands, which
// the command service refuses as conflicts: a log holds one demo world.
type Step struct {
	CommandID string
	Command   domain.Command
}

// World is a generated demo world: the commands that record it, in an
// order that respects their dependencies (regions, parents before
// children, links, indicators, interventions in date order with their
// outputs, then observations), and the ground truth of what was injected.
// A World is a plain value; it is safe to read concurrently.
type World struct {
	// Config is the configuration it was generated from, defaults applied.
	Config Config
	// Steps are the commands, to be handled in order.
	Steps []Step
	// Truth lists the injected effects, null ones included.
	Truth []InjectedEffect
	// Displacements lists the displacement ground truth.
	Displacements []InjectedDisplacement
	// Series holds every observed series with its expected values, in the
	// order they are recorded.
	Series []Series
	// Staggered is the truth of the staggered programme (one entry per
	// wave; see OutreachContacts).
	Staggered []StaggeredCohort
}

// Counts returns how many regions, indicators, observations and
// interventions (operations and policy changes) the world records.
func (w World) Counts() (regions, indicators, observations, interventions int) {
	for _, s := range w.Steps {
		switch c := s.Command.(type) {
		case domain.DefineRegion:
			regions++
		case domain.DefineIndicator:
			indicators++
		case domain.RecordObservations:
			observations += len(c.Rows)
		case domain.LaunchOperation, domain.AdoptPolicyChange:
			interventions++
		}
	}
	return regions, indicators, observations, interventions
}

// SeriesOf returns the series of indicator for region, and whether the
// world has it.
func (w World) SeriesOf(indicator, region string) (Series, bool) {
	for _, s := range w.Series {
		if s.Indicator == indicator && s.Region == region {
			return s, true
		}
	}
	return Series{}, false
}

// Effects returns the truth entries of intervention on indicator.
func (w World) Effects(intervention, indicator string) []InjectedEffect {
	var out []InjectedEffect
	for _, e := range w.Truth {
		if e.Intervention == intervention && e.Indicator == indicator {
			out = append(out, e)
		}
	}
	return out
}

// Generate builds the demo world of cfg. It is pure and deterministic (no
// clock, no I/O, no shared state: the same cfg gives the same World) and
// safe for concurrent use. An invalid cfg gives the joined *domain.Error
// values of Config.Validate (BadInput). Any other error means the demo's
// own tables contradict each other, which the package's tests rule out.
func Generate(cfg Config) (World, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return World{}, err
	}
	b := newBuilder(cfg)
	w := World{Config: cfg}
	w.Steps = append(w.Steps, b.regionSteps()...)
	w.Steps = append(w.Steps, b.linkSteps()...)
	w.Steps = append(w.Steps, b.indicatorSteps()...)
	w.Steps = append(w.Steps, b.interventionSteps()...)
	effects, err := b.resolveEffects()
	if err != nil {
		return World{}, err
	}
	w.Series = b.series(effects)
	w.Steps = append(w.Steps, observationSteps(w.Series)...)
	w.Truth = b.truth(effects)
	if w.Displacements, err = b.displacements(effects, w.Series); err != nil {
		return World{}, err
	}
	steps, series, cohorts := b.staggeredProgramme()
	w.Steps = append(w.Steps, steps...)
	w.Series = append(w.Series, series...)
	w.Staggered = cohorts
	w.Steps = append(w.Steps, b.boundarySteps()...)
	return w, nil
}

// builder holds what the generation steps share.
type builder struct {
	cfg         Config
	atlas       *atlas
	indicators  []indicatorSpec
	first, last domain.Period
	origin      domain.Period // 2012-01, t = 0 of the models
	periods     []string
	regions     []domain.DefineRegion
	level       map[string]domain.RegionLevel
	neighbours  map[string][]string
	dates       map[string]string // intervention ID -> start or effective date
}

func newBuilder(cfg Config) *builder {
	b := &builder{cfg: cfg, atlas: newAtlas(), indicators: indicatorSpecs(), level: map[string]domain.RegionLevel{}, neighbours: map[string][]string{}, dates: map[string]string{}}
	b.first, _ = domain.ParsePeriod(domain.Month, cfg.From)
	b.last, _ = domain.ParsePeriod(domain.Month, cfg.To)
	b.origin, _ = domain.ParsePeriod(domain.Month, "2012-01")
	for p := b.first; p.Index <= b.last.Index; p = p.Add(1) {
		b.periods = append(b.periods, p.String())
	}
	for _, c := range countries {
		b.regions = append(b.regions, domain.DefineRegion{Code: c.code, Name: c.name, Country: c.code, Level: domain.RegionLevelCountry})
	}
	for _, n := range nuts2Regions {
		b.regions = append(b.regions, domain.DefineRegion{Code: n.code, Name: n.name, Country: n.country, Level: domain.RegionLevelNuts2, Parent: n.country})
	}
	for _, p := range ports {
		b.regions = append(b.regions, domain.DefineRegion{Code: p.code, Name: p.name, Country: b.atlas.nuts[p.parent].country, Level: domain.RegionLevelPort, Parent: p.parent})
	}
	for _, r := range b.regions {
		b.level[r.Code] = r.Level
	}
	for _, l := range links {
		b.neighbours[l.a] = append(b.neighbours[l.a], l.b)
		b.neighbours[l.b] = append(b.neighbours[l.b], l.a)
	}
	for _, o := range operationSpecs() {
		b.dates[o.launch.ID] = o.launch.Start
	}
	for _, p := range policySpecs() {
		b.dates[p.ID] = p.Effective
	}
	return b
}

func (b *builder) regionSteps() []Step {
	out := make([]Step, len(b.regions))
	for i, r := range b.regions {
		out[i] = Step{CommandID: "demo-region-" + r.Code, Command: r}
	}
	return out
}

func (b *builder) linkSteps() []Step {
	out := make([]Step, len(links))
	for i, l := range links {
		out[i] = Step{
			CommandID: fmt.Sprintf("demo-link-%s-%s-%s", l.a, l.b, l.kind),
			Command:   domain.LinkRegions{A: l.a, B: l.b, Kind: l.kind},
		}
	}
	return out
}

// indicatorSteps defines the indicators, those that others name as their
// population first.
func (b *builder) indicatorSteps() []Step {
	named := map[string]bool{}
	for _, s := range b.indicators {
		named[s.def.Population] = true
	}
	var first, rest []Step
	for _, s := range b.indicators {
		step := Step{CommandID: "demo-indicator-" + s.def.Code, Command: s.def}
		if named[s.def.Code] {
			first = append(first, step)
		} else {
			rest = append(rest, step)
		}
	}
	return append(first, rest...)
}

// interventionSteps returns every intervention's steps, interventions in
// the order of their start or adoption date: an operation's launch, its
// monthly outputs and its conclusion; a policy change's adoption.
func (b *builder) interventionSteps() []Step {
	type dated struct {
		date, id string
		steps    []Step
	}
	var all []dated
	for _, o := range operationSpecs() {
		all = append(all, dated{o.launch.Start, o.launch.ID, b.operationSteps(o)})
	}
	for _, p := range policySpecs() {
		all = append(all, dated{p.Adopted, p.ID, []Step{{CommandID: "demo-" + p.ID + "-adopt", Command: p}}})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].date != all[j].date {
			return all[i].date < all[j].date
		}
		return all[i].id < all[j].id
	})
	var out []Step
	for _, d := range all {
		out = append(out, d.steps...)
	}
	return out
}

func (b *builder) operationSteps(o operationSpec) []Step {
	id := o.launch.ID
	steps := []Step{{CommandID: "demo-" + id + "-launch", Command: o.launch}}
	start, _ := domain.ParseDate(o.launch.Start)
	firstMonth := domain.PeriodOf(domain.Month, start)
	lastMonth := b.last
	if o.end != "" {
		end, _ := domain.ParseDate(o.end)
		lastMonth = domain.PeriodOf(domain.Month, end)
	}
	months := int(lastMonth.Index-firstMonth.Index) + 1
	src := newSource(b.cfg.Seed, "outputs/"+id)
	m := o.outputs
	for p := firstMonth; p.Index <= lastMonth.Index; p = p.Add(1) {
		out := domain.ReportOperationOutputs{ID: id, Period: p.String(), Arrests: src.poisson(m.arrests)}
		if m.cocaineProb > 0 && src.uniform() < m.cocaineProb {
			out.Seizures = append(out.Seizures, domain.Seizure{Substance: "cocaine", Kg: round(src.logNormal(m.cocaineKg, 0.8), 1)})
		}
		if m.otherProb > 0 && src.uniform() < m.otherProb {
			out.Seizures = append(out.Seizures, domain.Seizure{Substance: m.other, Kg: round(src.logNormal(m.otherKg, 0.8), 1)})
		}
		if m.frozen > 0 {
			out.AssetsFrozen = round(-m.frozen*math.Log(src.uniform()), -2)
		}
		if m.confiscated > 0 {
			out.AssetsConfiscated = round(-m.confiscated*math.Log(src.uniform()), -2)
		}
		out.LabsDismantled = src.poisson(m.labsPerMonth)
		out.Cost = math.Max(0, round(o.launch.Budget/float64(months)*(1+0.1*src.normal()), 0))
		steps = append(steps, Step{CommandID: "demo-" + id + "-outputs-" + out.Period, Command: out})
	}
	if o.end != "" {
		steps = append(steps, Step{CommandID: "demo-" + id + "-conclude", Command: domain.ConcludeOperation{ID: id, End: o.end, Summary: o.summary}})
	}
	return steps
}

// resolved is an effect spec placed on the periods of the world: from and
// until are indexes into builder.periods (inclusive).
type resolved struct {
	effectSpec
	from, until int
}

func (r resolved) null() bool {
	if r.scale == RateRatio {
		return r.value == 1
	}
	return r.value == 0 && r.slope == 0
}

// firstIndex returns the index of the first period under intervention id.
func (b *builder) firstIndex(id string) int {
	t, _ := domain.ParseDate(b.dates[id])
	return int(domain.FirstPeriodFrom(domain.Month, t).Index - b.first.Index)
}

// resolveEffects places the effect specs on the periods, adds the
// per-region cost steps of DutchResourcing, and checks that the truth is
// well defined: every effect on an existing series, at most one non-null
// effect per series, and null windows free of other effects.
func (b *builder) resolveEffects() ([]resolved, error) {
	specs := effectSpecs()
	costModel := b.indicator(EnforcementCost).model
	t0, _ := domain.ParseDate(b.dates[DutchResourcing])
	tFrom := int(domain.FirstPeriodFrom(domain.Month, t0).Index - b.origin.Index)
	var cost []effectSpec
	for _, r := range dutchNUTS2 {
		level := b.atlas.costLevel(r) + costModel.trend*float64(tFrom)
		v := round(level*resourcingCostPercent/100, -1)
		cost = append(cost, effectSpec{DutchResourcing, EnforcementCost, RoleTarget, []string{r}, Additive, v, 0, 0,
			fmt.Sprintf("Enforcement spending up by EUR %.0f thousand a month (%d%% of the region's level when the budget took effect).", v, resourcingCostPercent)})
	}
	// The cost steps go first among the policy's entries.
	at := slices.IndexFunc(specs, func(s effectSpec) bool { return s.intervention == DutchResourcing })
	if at < 0 {
		at = len(specs)
	}
	specs = slices.Insert(specs, at, cost...)
	last := len(b.periods) - 1
	out := make([]resolved, len(specs))
	owner := map[string]int{} // series key -> index of its non-null effect
	for i, s := range specs {
		if _, ok := b.dates[s.intervention]; !ok {
			return nil, fmt.Errorf("demo: effect on %s names unknown intervention %q", s.indicator, s.intervention)
		}
		ind := b.indicator(s.indicator)
		if ind == nil {
			return nil, fmt.Errorf("demo: effect of %s names unknown indicator %q", s.intervention, s.indicator)
		}
		if s.scale == RateRatio && (ind.model.kind != count || s.slope != 0) {
			return nil, fmt.Errorf("demo: rate-ratio effect of %s on %s needs a count indicator and no slope", s.intervention, s.indicator)
		}
		if s.scale == Additive && ind.model.kind != additive {
			return nil, fmt.Errorf("demo: additive effect of %s on %s needs an additive indicator", s.intervention, s.indicator)
		}
		r := resolved{effectSpec: s, from: b.firstIndex(s.intervention), until: last}
		if s.months > 0 {
			r.until = min(last, r.from+s.months-1)
		}
		for _, code := range s.regions {
			if !b.atlas.covers(ind.scope, code) {
				return nil, fmt.Errorf("demo: effect of %s names region %s, which has no %s series", s.intervention, code, s.indicator)
			}
			if b.level[code] != b.level[s.regions[0]] {
				return nil, fmt.Errorf("demo: effect of %s on %s mixes region levels", s.intervention, s.indicator)
			}
			if !r.null() {
				key := s.indicator + "|" + code
				if j, dup := owner[key]; dup {
					return nil, fmt.Errorf("demo: series %s has two injected effects (%s and %s)", key, specs[j].intervention, s.intervention)
				}
				owner[key] = i
			}
		}
		out[i] = r
	}
	// A null window ends before another effect reaches one of its series.
	for i := range out {
		if !out[i].null() {
			continue
		}
		end, err := b.cleanUntil(out, out[i].indicator, out[i].regions, out[i].from, out[i].intervention)
		if err != nil {
			return nil, err
		}
		out[i].until = end
	}
	return out, nil
}

// cleanUntil returns the last period index from which the series of
// indicator in regions carry no non-null effect of an intervention other
// than except, or an error if one starts at or before from.
func (b *builder) cleanUntil(effects []resolved, indicator string, regions []string, from int, except string) (int, error) {
	end := len(b.periods) - 1
	for _, e := range effects {
		if e.null() || e.indicator != indicator || e.intervention == except || !overlaps(e.regions, regions) {
			continue
		}
		if e.from <= from {
			return 0, fmt.Errorf("demo: %s on %s: the window from %s is not free of the effect of %s", except, indicator, b.periods[from], e.intervention)
		}
		end = min(end, e.from-1)
	}
	return end, nil
}

// sorted returns a sorted copy of codes.
func sorted(codes []string) []string {
	out := slices.Clone(codes)
	sort.Strings(out)
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func (b *builder) indicator(code string) *indicatorSpec {
	for i := range b.indicators {
		if b.indicators[i].def.Code == code {
			return &b.indicators[i]
		}
	}
	return nil
}

// unaffected returns the regions of level with a series of indicator,
// outside exclude, that no non-null effect touches up to period index
// until.
func (b *builder) unaffected(effects []resolved, indicator string, level domain.RegionLevel, exclude []string, until int) []string {
	ind := b.indicator(indicator)
	var out []string
	for _, r := range b.regions {
		if r.Level != level || !b.atlas.covers(ind.scope, r.Code) || slices.Contains(exclude, r.Code) {
			continue
		}
		touched := false
		for _, e := range effects {
			if !e.null() && e.indicator == indicator && e.from <= until && slices.Contains(e.regions, r.Code) {
				touched = true
				break
			}
		}
		if !touched {
			out = append(out, r.Code)
		}
	}
	sort.Strings(out)
	return out
}

func (b *builder) truth(effects []resolved) []InjectedEffect {
	out := make([]InjectedEffect, len(effects))
	for i, e := range effects {
		out[i] = InjectedEffect{
			Intervention: e.intervention,
			Indicator:    e.indicator,
			Role:         e.role,
			Regions:      sorted(e.regions),
			Comparison:   b.unaffected(effects, e.indicator, b.level[e.regions[0]], e.regions, e.until),
			Scale:        e.scale,
			Value:        e.value,
			SlopeChange:  e.slope,
			From:         b.periods[e.from],
			Until:        b.periods[e.until],
			Note:         e.note,
		}
	}
	return out
}

// series generates every series: expected values from the model, the
// injected effects on top, then the noise.
func (b *builder) series(effects []resolved) []Series {
	var out []Series
	n := len(b.periods)
	for _, ind := range b.indicators {
		m := ind.model
		for _, r := range b.regions {
			if !b.atlas.covers(ind.scope, r.Code) {
				continue
			}
			s := Series{Indicator: ind.def.Code, Region: r.Code, Periods: b.periods,
				Values: make([]float64, n), Mean: make([]float64, n), Baseline: make([]float64, n)}
			base := ind.base(b.atlas, r.Code)
			for i := range n {
				t := int(b.first.Index-b.origin.Index) + i
				switch m.kind {
				case additive:
					s.Baseline[i] = base + m.trend*float64(t) + m.amp*seasonal(t, m.peak)
				case count:
					mu := base * math.Exp(m.trend*float64(t)+m.amp*seasonal(t, m.peak))
					if ind.perCapita && b.level[r.Code] != domain.RegionLevelPort {
						mu *= b.atlas.pop(r.Code, t) / 1e5
					}
					s.Baseline[i] = mu
				case population:
					s.Baseline[i] = b.atlas.pop(r.Code, t)
				}
			}
			copy(s.Mean, s.Baseline)
			for _, e := range effects {
				if e.null() || e.indicator != ind.def.Code || !slices.Contains(e.regions, r.Code) {
					continue
				}
				for i := e.from; i <= e.until; i++ {
					if e.scale == RateRatio {
						s.Mean[i] *= e.value
					} else {
						s.Mean[i] += e.value + e.slope*float64(i-e.from)
					}
				}
			}
			src := newSource(b.cfg.Seed, "series/"+ind.def.Code+"/"+r.Code)
			switch m.kind {
			case additive:
				sd := m.sd + m.sdRel*base
				u := sd / math.Sqrt(1-m.rho*m.rho) * src.normal()
				for i := range n {
					if i > 0 {
						u = m.rho*u + sd*src.normal()
					}
					s.Values[i] = round(s.Mean[i]+u, m.decimals)
				}
			case count:
				for i := range n {
					s.Values[i] = float64(src.negBin(s.Mean[i], m.shape))
				}
			case population:
				for i := range n {
					s.Values[i] = math.Round(s.Mean[i])
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// observationSteps records every series, one step per series (split into
// batches of at most MaxBatchRows rows).
func observationSteps(series []Series) []Step {
	var out []Step
	for _, s := range series {
		rows := make([]domain.ObservationRow, len(s.Values))
		for i, v := range s.Values {
			rows[i] = domain.ObservationRow{Region: s.Region, Period: s.Periods[i], Value: v}
		}
		id := "demo-obs-" + s.Indicator + "-" + s.Region
		if len(rows) <= MaxBatchRows {
			out = append(out, Step{CommandID: id, Command: domain.RecordObservations{Indicator: s.Indicator, Source: Source, Rows: rows}})
			continue
		}
		for k := 0; k*MaxBatchRows < len(rows); k++ {
			part := rows[k*MaxBatchRows : min(len(rows), (k+1)*MaxBatchRows)]
			out = append(out, Step{CommandID: fmt.Sprintf("%s-%d", id, k+1), Command: domain.RecordObservations{Indicator: s.Indicator, Source: Source, Rows: part}})
		}
	}
	return out
}
