package demo

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
)

// Indicator codes of the demo world.
const (
	CocainePrice      = "COC_PRICE"
	CocainePurity     = "COC_PURITY"
	CocaineWastewater = "COC_WASTEWATER"
	CocaineSeizures   = "COC_SEIZURES"
	PortIncidents     = "PORT_INCIDENTS"
	ActiveGroups      = "OCG_ACTIVE"
	DrugViolence      = "DRUG_VIOLENCE"
	PortCorruption    = "PORT_CORRUPTION"
	EnforcementCost   = "ENFORCEMENT_COST"
	Population        = "POPULATION"
)

// Source is the source named on every observation batch of the demo world.
const Source = "supplyeval demo world (synthetic data)"

// modelKind is how a series is generated.
type modelKind int

const (
	// additive: y = level + trend*t + amp*cos(2*pi*(month-peak)/12) + u_t,
	// u_t = rho*u_{t-1} + e_t, e_t ~ N(0, sd^2), u stationary from the start.
	additive modelKind = iota
	// count: y ~ NegBin(mu, shape) (Poisson when shape is 0) with
	// log mu = log(base) + trend*t + amp*cos(2*pi*(month-peak)/12), base
	// growing with the population for per-capita rates.
	count
	// population: pop_2012 * (1+growth)^(t/12), rounded, no noise.
	population
)

// model holds an indicator's data-generating parameters; t counts months
// from 2012-01 (t = 0), whatever the configured range.
type model struct {
	kind     modelKind
	trend    float64 // per month: units (additive) or log units (count)
	amp      float64 // seasonal amplitude: units (additive) or log units (count)
	peak     int     // month of the seasonal peak, 1-12
	rho      float64 // AR(1) coefficient (additive)
	sd       float64 // innovation standard deviation, absolute (additive)
	sdRel    float64 // innovation standard deviation, fraction of the 2012 level (additive)
	shape    float64 // negative binomial shape (count); 0: Poisson
	decimals int     // values are rounded to this many decimals
}

// scope is the set of region levels an indicator has series for.
type scope int

const (
	onNUTS2 scope = 1 << iota
	onPorts
	onCountries
)

// indicatorSpec is an indicator of the demo world and how its series are
// made. base returns a region's level in 2012-01 (additive), its expected
// monthly count before trend and season (count; perCapita: per 100,000
// inhabitants, scaled by the population at t), or its 2012 population.
type indicatorSpec struct {
	def       domain.DefineIndicator
	scope     scope
	model     model
	perCapita bool
	base      func(a *atlas, code string) float64
}

func indicatorSpecs() []indicatorSpec {
	m := domain.Month
	return []indicatorSpec{
		{
			def: domain.DefineIndicator{
				Code: CocainePrice, Name: "Cocaine retail price", Family: domain.FamilyAvailability,
				Unit: "EUR/g", Granularity: m, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleLevel,
				Description: "Typical price of one gram of cocaine at retail level (test purchases and intelligence reports). " +
					"A higher price signals lower availability. Demo model: additive level + common trend + 12-month season + AR(1) noise.",
			},
			scope: onNUTS2,
			model: model{kind: additive, trend: 0.015, amp: 0.8, peak: 12, rho: 0.6, sd: 1.0, decimals: 2},
			base:  func(a *atlas, c string) float64 { return a.nuts[c].price },
		},
		{
			def: domain.DefineIndicator{
				Code: CocainePurity, Name: "Cocaine retail purity", Family: domain.FamilyAvailability,
				Unit: "%", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleShare,
				Description: "Mean cocaine hydrochloride content of retail samples analysed by forensic laboratories. " +
					"Lower purity signals lower availability. Demo model: additive, AR(1) noise.",
			},
			scope: onNUTS2,
			model: model{kind: additive, trend: 0.06, amp: 0.5, peak: 6, rho: 0.5, sd: 1.4, decimals: 1},
			base:  func(a *atlas, c string) float64 { return a.nuts[c].purity },
		},
		{
			def: domain.DefineIndicator{
				Code: CocaineWastewater, Name: "Cocaine residues in wastewater", Family: domain.FamilyAvailability,
				Unit: "mg benzoylecgonine/1000 inhabitants/day", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleRate,
				Description: "Population-weighted mean load of benzoylecgonine measured at the region's treatment plants, a proxy for consumption. " +
					"Demo model: additive, AR(1) noise proportional to the region's level.",
			},
			scope: onNUTS2,
			model: model{kind: additive, trend: 1.5, amp: 20, peak: 7, rho: 0.7, sdRel: 0.04, decimals: 1},
			base:  func(a *atlas, c string) float64 { return a.nuts[c].wastewater },
		},
		{
			def: domain.DefineIndicator{
				Code: CocaineSeizures, Name: "Cocaine seizure incidents", Family: domain.FamilyAvailability,
				Unit: "seizures", Granularity: m, DesiredDirection: domain.DirectionNone, Scale: domain.ScaleCount, Population: Population,
				Description: "Number of cocaine seizures recorded by police and customs: inland seizures for NUTS 2 regions, seizures at the terminal for ports. " +
					"An activity measure with no desired direction: more seizures may mean more enforcement or more supply, so read it beside price, purity and incidents. " +
					"Demo model: negative binomial counts, per-capita rate for NUTS 2 regions.",
			},
			scope:     onNUTS2 | onPorts,
			model:     model{kind: count, trend: 0.005, amp: 0.06, peak: 10, shape: 30},
			perCapita: true,
			base: func(a *atlas, c string) float64 {
				if p, ok := a.ports[c]; ok {
					return p.seizures
				}
				return a.nuts[c].seizures
			},
		},
		{
			def: domain.DefineIndicator{
				Code: PortIncidents, Name: "Trafficking incidents detected at ports", Family: domain.FamilyDisplacement,
				Unit: "incidents", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleCount, Population: Population,
				Description: "Trafficking attempts detected at the port: contaminated containers (rip-on/rip-off), intercepted extraction teams, " +
					"unauthorised persons on terminals. Tracks how much traffickers use the port, so it shows displacement between ports. " +
					"Demo model: negative binomial counts.",
			},
			scope: onPorts,
			model: model{kind: count, trend: 0.005, amp: 0.10, peak: 10, shape: 40},
			base:  func(a *atlas, c string) float64 { return a.ports[c].incidents },
		},
		{
			def: domain.DefineIndicator{
				Code: ActiveGroups, Name: "Active drug-trafficking groups", Family: domain.FamilyDisplacement,
				Unit: "groups", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleCount, Population: Population,
				Description: "Organised crime groups assessed as active in drug trafficking in the month (intelligence picture). " +
					"A rise after operations against high-value targets signals fragmentation (Guideline 18). Demo model: negative binomial counts, per-capita rate.",
			},
			scope:     onNUTS2,
			model:     model{kind: count, trend: 0.002, shape: 60},
			perCapita: true,
			base:      func(a *atlas, c string) float64 { return a.nuts[c].groups },
		},
		{
			def: domain.DefineIndicator{
				Code: DrugViolence, Name: "Drug-related violent incidents", Family: domain.FamilyViolence,
				Unit: "incidents", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleCount, Population: Population,
				Description: "Homicides, shootings, explosions, arson, kidnappings and threats linked by the police to drug markets. " +
					"Demo model: negative binomial counts, per-capita rate, summer peak.",
			},
			scope:     onNUTS2,
			model:     model{kind: count, trend: 0.003, amp: 0.08, peak: 7, shape: 25},
			perCapita: true,
			base:      func(a *atlas, c string) float64 { return a.nuts[c].violence },
		},
		{
			def: domain.DefineIndicator{
				Code: PortCorruption, Name: "Corruption cases involving port and customs staff", Family: domain.FamilyCorruption,
				Unit: "cases", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleCount, Population: Population,
				Description: "Criminal cases opened for bribery or abuse of access by port, terminal, logistics or customs staff. " +
					"Demo model: Poisson counts (small numbers, many zero months).",
			},
			scope: onPorts,
			model: model{kind: count, trend: 0.004},
			base:  func(a *atlas, c string) float64 { return a.ports[c].corruption },
		},
		{
			def: domain.DefineIndicator{
				Code: EnforcementCost, Name: "Drug-law enforcement expenditure", Family: domain.FamilyCost,
				Unit: "EUR thousand", Granularity: m, DesiredDirection: domain.DirectionDown, Scale: domain.ScaleLevel,
				Description: "Regular spending of police, customs and prosecution on drug-law enforcement in the region. " +
					"The operations recorded in the demo report their own costs as outputs; they are not in this series. Demo model: additive, AR(1) noise proportional to the level.",
			},
			scope: onNUTS2,
			model: model{kind: additive, trend: 5, amp: 60, peak: 12, rho: 0.5, sdRel: 0.03, decimals: 1},
			base:  func(a *atlas, c string) float64 { return a.costLevel(c) },
		},
		{
			def: domain.DefineIndicator{
				Code: Population, Name: "Population", Family: domain.FamilyContext,
				Unit: "persons", Granularity: m, DesiredDirection: domain.DirectionNone, Scale: domain.ScaleCount,
				Description: "Resident population on the first day of the month (annual estimates interpolated at a constant growth rate). " +
					"Monthly so that it can serve directly as the offset of per-capita rates (per 100k, quasi-Poisson models).",
			},
			scope: onNUTS2 | onCountries,
			model: model{kind: population},
			base: func(a *atlas, c string) float64 {
				if k, ok := a.countries[c]; ok {
					return k.pop
				}
				return a.nuts[c].pop
			},
		},
	}
}

// atlas indexes the geography tables.
type atlas struct {
	countries map[string]country
	nuts      map[string]nuts2
	ports     map[string]port
}

func newAtlas() *atlas {
	a := &atlas{countries: map[string]country{}, nuts: map[string]nuts2{}, ports: map[string]port{}}
	for _, c := range countries {
		a.countries[c.code] = c
	}
	for _, n := range nuts2Regions {
		a.nuts[n.code] = n
	}
	for _, p := range ports {
		a.ports[p.code] = p
	}
	return a
}

// pop returns the population of a NUTS 2 region or country t months after
// 2012-01 (0 for ports).
func (a *atlas) pop(code string, t int) float64 {
	var p, g float64
	if k, ok := a.countries[code]; ok {
		p, g = k.pop, k.growth
	} else if n, ok := a.nuts[code]; ok {
		p, g = n.pop, n.growth
	} else {
		return 0
	}
	return p * math.Pow(1+g, float64(t)/12)
}

// costLevel returns a NUTS 2 region's monthly enforcement spending in
// 2012-01, EUR thousand: EUR 2.5 million per million inhabitants, scaled by
// the country's spending factor.
func (a *atlas) costLevel(code string) float64 {
	n := a.nuts[code]
	return math.Round(n.pop / 1e6 * 2500 * a.countries[n.country].costFactor)
}

// covers reports whether an indicator of scope s has a series for region
// code.
func (a *atlas) covers(s scope, code string) bool {
	if _, ok := a.nuts[code]; ok {
		return s&onNUTS2 != 0
	}
	if _, ok := a.ports[code]; ok {
		return s&onPorts != 0
	}
	if _, ok := a.countries[code]; ok {
		return s&onCountries != 0
	}
	return false
}

// seasonal returns cos(2*pi*(month-peak)/12) for the month of period
// index t (t = 0 is January).
func seasonal(t, peak int) float64 {
	month := ((t%12)+12)%12 + 1
	return math.Cos(2 * math.Pi * float64(month-peak) / 12)
}
