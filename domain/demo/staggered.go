package demo

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
)

// The staggered programme: one prevention strategy adopted in three waves
// by policy changes at different dates, with an injected effect per wave
// on an indicator of its own (so that no other series of the world
// changes), for the staggered-adoption estimate (issue 14).
const (
	// OutreachContacts is the programme's outcome: monthly contacts of
	// outreach workers with people who use drugs, per region.
	OutreachContacts = "outreach_contacts"
	// OutreachWave1, OutreachWave2 and OutreachWave3 are the programme's
	// three adoptions.
	OutreachWave1 = "pol-outreach-1"
	OutreachWave2 = "pol-outreach-2"
	OutreachWave3 = "pol-outreach-3"
)

// StaggeredCohort is the truth of one wave of the staggered programme: the
// regions adopting at From, and the additive effect on OutreachContacts
// in every month from From on.
type StaggeredCohort struct {
	Intervention string
	Regions      []string
	From         string // first affected month
	Effect       float64
}

// staggeredWaves are the programme's waves; the other NUTS 2 regions never adopt.
var staggeredWaves = []struct {
	id, title, effective string
	regions              []string
	effect               float64
}{
	{OutreachWave1, "Outreach programme, wave 1", "2019-01-01", []string{"ES30", "ES42", "ES51"}, 12},
	{OutreachWave2, "Outreach programme, wave 2", "2020-01-01", []string{"ES52", "ES61", "FR10"}, 8},
	{OutreachWave3, "Outreach programme, wave 3", "2021-01-01", []string{"FRD2", "FRL0", "DE93"}, 4},
}

// staggeredProgramme returns the programme's steps (the indicator, the
// three adoptions and the observations) and its truth. Each region's
// series is 60 + a region level + 0.1 per month + N(0, 1) noise from its
// own random stream, plus its wave's effect from the wave's first month.
func (b *builder) staggeredProgramme() ([]Step, []Series, []StaggeredCohort) {
	def := domain.DefineIndicator{Code: OutreachContacts, Name: "Outreach contacts", Family: domain.FamilyCost, Unit: "contacts",
		Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleCount,
		Description: "Monthly contacts of outreach workers with people who use drugs (demo world: staggered programme)."}
	steps := []Step{{CommandID: "demo-indicator-" + def.Code, Command: def}}
	wave := map[string]int{}
	var truth []StaggeredCohort
	for k, w := range staggeredWaves {
		steps = append(steps, Step{CommandID: "demo-" + w.id + "-adopt", Command: domain.AdoptPolicyChange{ID: w.id, Title: w.title,
			Kind: domain.PolicyKindStrategy, Jurisdictions: w.regions, Adopted: w.effective, Effective: w.effective,
			Description:     "Regional outreach to people who use drugs, adopted region by region.",
			ExpectedEffects: []domain.ExpectedEffect{{Family: domain.FamilyCost, Direction: domain.DirectionUp}}}})
		for _, r := range w.regions {
			wave[r] = k
		}
		t, _ := domain.ParseDate(w.effective)
		truth = append(truth, StaggeredCohort{Intervention: w.id, Regions: w.regions, From: domain.FirstPeriodFrom(domain.Month, t).String(), Effect: w.effect})
	}
	var series []Series
	for i, n := range nuts2Regions {
		src := newSource(b.cfg.Seed, "staggered/"+n.code)
		s := Series{Indicator: OutreachContacts, Region: n.code}
		level := 60 + 5*float64(i%7)
		k, adopts := wave[n.code]
		var from domain.Period
		if adopts {
			t, _ := domain.ParseDate(staggeredWaves[k].effective)
			from = domain.FirstPeriodFrom(domain.Month, t)
		}
		for p := b.first; p.Index <= b.last.Index; p = p.Add(1) {
			base := level + 0.1*float64(p.Index-b.origin.Index)
			mean := base
			if adopts && p.Index >= from.Index {
				mean += staggeredWaves[k].effect
			}
			s.Periods = append(s.Periods, p.String())
			s.Baseline = append(s.Baseline, base)
			s.Mean = append(s.Mean, mean)
			s.Values = append(s.Values, math.Round((mean+src.normal())*100)/100)
		}
		series = append(series, s)
	}
	steps = append(steps, observationSteps(series)...)
	return steps, series, truth
}
