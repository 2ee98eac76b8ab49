// Package demo generates the demo world of supplyeval: a plausible,
// entirely synthetic record of drug-supply interventions and outcome
// indicators in five neighbouring countries, as a list of domain commands,
// together with the ground truth of the effects injected into it. The
// evaluation methods (impact over time, displacement) are tested against
// that truth, and `supplyeval demo` seeds it.
//
// [Generate] is pure and deterministic: no clock, no I/O, and the same
// [Config] gives the same [World] on every machine and Go release (the
// generator draws only the PCG bit stream of math/rand/v2 and derives its
// own normal, gamma and Poisson variates). Every [Step] has a stable
// command ID ("demo-region-NL33", "demo-obs-COC_PRICE-NL33",
// "demo-op-2018-rtm-container-control-launch"), so handling the steps a
// second time records nothing. Steps come in dependency order: countries,
// NUTS 2 regions, ports (parents first), links, indicators, interventions
// in date order (launch, monthly outputs, conclusion; adoption), then one
// RecordObservations per series.
//
// # The world
//
// Regions (39): the COUNTRY regions NL, BE, DE, FR and ES; 24 NUTS 2
// regions (codes and names of the NUTS 2016 classification, 1 January 2012
// populations); ten seaports (UN/LOCODE) as PORT regions whose parent is
// their NUTS 2 region: Rotterdam NLRTM, Antwerp BEANR, Zeebrugge BEZEE,
// Hamburg DEHAM, Le Havre FRLEH, Dunkerque FRDKK, Marseille-Fos FRMRS,
// Algeciras ESALG, Valencia ESVLC, Barcelona ESBCN. Links: LAND_BORDER
// between touching NUTS 2 regions, across borders too (NL34-BE21,
// NL42-DEA1, BE25-FRE1, ...); SEA_ROUTE between ports one feeder hop apart
// (NLRTM-BEANR, NLRTM-DEHAM, BEANR-BEZEE, ..., ESALG-ESVLC); RAIL_ROAD
// from ports to their hinterland (Betuweroute NLRTM-DEA1, Montzen route
// BEANR-DEA2, ...) and Brussels-Paris. NUTS 2 regions are linked to one
// another by land borders only.
//
// Indicators (10, all monthly, 2012-01 to 2024-12 by default):
//
//	code              family        unit                  desired  regions        model
//	COC_PRICE         AVAILABILITY  EUR/g                 UP       NUTS 2         additive, AR(1)
//	COC_PURITY        AVAILABILITY  %                     DOWN     NUTS 2         additive, AR(1)
//	COC_WASTEWATER    AVAILABILITY  mg BE/1000 inh/day    DOWN     NUTS 2         additive, AR(1)
//	COC_SEIZURES      AVAILABILITY  seizures              NONE     NUTS 2, ports  NegBin, per capita
//	PORT_INCIDENTS    DISPLACEMENT  incidents             DOWN     ports          NegBin
//	OCG_ACTIVE        DISPLACEMENT  groups                DOWN     NUTS 2         NegBin, per capita
//	DRUG_VIOLENCE     VIOLENCE      incidents             DOWN     NUTS 2         NegBin, per capita
//	PORT_CORRUPTION   CORRUPTION    cases                 DOWN     ports          Poisson
//	ENFORCEMENT_COST  COST          EUR thousand          DOWN     NUTS 2         additive, AR(1)
//	POPULATION        CONTEXT       persons               NONE     NUTS 2, countries  deterministic
//
// Seizures are an activity measure: more seizures may mean more
// enforcement or more supply, so COC_SEIZURES has no desired direction and
// no injected effect; the port-control evaluation reads PORT_INCIDENTS
// (trafficking attempts detected at the port) instead. POPULATION is
// monthly so that it can be the offset of the per-capita count models.
//
// # Models
//
// Time t counts months from 2012-01 whatever the configured range, and
// s(t) = cos(2 pi (month - peak)/12) is a single 12-month harmonic.
//
//   - Additive series: y = L_r + b t + A s(t) + u_t, with
//     u_t = rho u_{t-1} + e_t, e_t ~ N(0, sd_r^2), started stationary. The
//     level L_r is the region's; the trend b, amplitude A and peak are
//     common to all regions of an indicator, so parallel trends hold by
//     construction (DiD and synthetic control are well specified).
//     Parameters (b per month, A, peak, rho, sd): price 0.015, 0.8, Dec,
//     0.6, 1.0 EUR/g; purity 0.06, 0.5, Jun, 0.5, 1.4 points; wastewater
//     1.5, 20, Jul, 0.7, 4% of L_r; enforcement cost 5, 60, Dec, 0.5, 3% of
//     L_r (L_r = EUR 2.5 million per million inhabitants a month times a
//     country factor).
//   - Counts: y ~ NegBin(mu, k) (variance mu + mu^2/k) with
//     log mu = log(rate_r pop_r(t)/1e5) + b t + A s(t) for per-capita
//     indicators and log mu = log(rate_r) + b t + A s(t) for ports. Trends
//     and seasons are common, so target/control ratios are stationary and
//     the offset log(population) is exact. (b, A, peak, k): seizures
//     0.005, 0.06, Oct, 30; port incidents 0.005, 0.10, Oct, 40; active
//     groups 0.002, 0, -, 60; violence 0.003, 0.08, Jul, 25; corruption
//     0.004, 0, -, Poisson.
//   - Population: pop_2012 (1 + g_r)^(t/12), rounded.
//   - Effects act on the expected value: Additive effects add
//     Value + SlopeChange (t - From) from From to Until; RateRatio effects
//     multiply mu by Value from From to Until. Each series carries at most
//     one non-null effect.
//
// [World.Series] keeps, for every series, the recorded values, the
// expected values with the effects (Mean) and without (Baseline, the true
// counterfactual).
//
// # Interventions and injected truth
//
// The operation titles are fictitious; the policy changes are modelled on
// real ones, but every effect below is synthetic. From is the first period
// that starts on or after the start or effective date (DESIGN.md section
// 5); Until is inclusive; "end" is the last month of the data.
//
//	intervention (kind, classification if not PUBLIC), start or effective date
//	    indicator        role   regions                  scale, value           From..Until
//	op-2018-rtm-container-control (PORT_CONTROL), 2018-01-01
//	    PORT_INCIDENTS          NLRTM                    RR 0.65                2018-01..end
//	    PORT_INCIDENTS   buffer BEANR                    RR 1.20                2018-01..end
//	    PORT_CORRUPTION         NLRTM                    RR 1 (null)            2018-01..end
//	op-2021-antwerp-hvt (HIGH_VALUE_TARGETING), 2021-03-09
//	    DRUG_VIOLENCE           BE21                     RR 1.30                2021-04..2022-03
//	    DRUG_VIOLENCE    buffer BE23 BE24 NL34 NL41      RR 1.15                2021-04..2022-03
//	    OCG_ACTIVE              BE21                     RR 1.40                2021-04..2022-03
//	pol-2020-de-precursors (PRECURSOR_CONTROL), 2020-07-01
//	    COC_PRICE               DE50 DE60 DE93 DEA1 DEA2 +5, slope +0.05        2020-07..end
//	    COC_PURITY              DE50 DE60 DE93 DEA1 DEA2 -4                     2020-07..end
//	pol-2019-nl-resourcing (RESOURCING), 2019-01-01
//	    ENFORCEMENT_COST        NL32                     +1390                  2019-01..end
//	    ENFORCEMENT_COST        NL33                     +1800                  2019-01..end
//	    ENFORCEMENT_COST        NL34                     +250                   2019-01..end
//	    ENFORCEMENT_COST        NL41                     +1270                  2019-01..end
//	    ENFORCEMENT_COST        NL42                     +610                   2019-01..end
//	    COC_PRICE               NL32 NL33 NL34 NL41 NL42 +0 (null)              2019-01..end
//	op-2015-brabant-labs (LAB_DISMANTLING), 2015-09-07: the null case
//	    COC_PRICE               NL41                     +0 (null)              2015-10..end
//	    COC_PURITY              NL41                     +0 (null)              2015-10..end
//	    DRUG_VIOLENCE           NL41                     RR 1 (null)            2015-10..2021-03
//	    OCG_ACTIVE              NL41                     RR 1 (null)            2015-10..end
//	op-2019-costa-proceeds (FINANCIAL_INVESTIGATION), 2019-02-11
//	    DRUG_VIOLENCE           ES30 ES61                RR 1 (null)            2019-03..end
//	    COC_PRICE               ES30 ES61                +0 (null)              2019-03..end
//	op-2017-jit-channel (JOINT_INVESTIGATION, RESTRICTED), 2017-04-03
//	    DRUG_VIOLENCE           BE25 FRE1                RR 1 (null)            2017-05..end
//	    PORT_INCIDENTS          BEZEE FRDKK              RR 1 (null)            2017-05..end
//	op-2022-hamburg-cd (CONTROLLED_DELIVERY, CONFIDENTIAL), 2022-09-05
//	    PORT_INCIDENTS          DEHAM                    RR 1 (null)            2022-10..end
//	    DRUG_VIOLENCE           DEA2                     RR 1 (null)            2022-10..end
//	op-2024-valencia-scanners (PORT_CONTROL, still running), 2024-06-03
//	    PORT_INCIDENTS          ESVLC                    RR 1 (null)            2024-07..end
//	pol-2020-fr-fixed-fine (LEGISLATION), 2020-09-01
//	    DRUG_VIOLENCE           FR10 FRD2 FRE1 FRL0      RR 1 (null)            2020-09..end
//	    COC_PRICE               FR10 FRD2 FRE1 FRL0      +0 (null)              2020-09..end
//
// RR is a rate ratio (RateRatio scale); + and - values are Additive, in
// the indicator's unit (EUR/g, percentage points, EUR thousand a month).
// The null window of the Brabant violence entry ends when the Antwerp
// spill-over reaches NL41.
// The resourcing steps are 15% of each Dutch region's expected spending in
// 2019-01, rounded to EUR 10 thousand. All operations are PUBLIC except the
// joint investigation (RESTRICTED) and the controlled delivery
// (CONFIDENTIAL). [InjectedEffect.Comparison] lists, for each entry, the
// regions of the same level that no effect touches up to Until; note that
// Hamburg DEHAM is a sea-route neighbour of Rotterdam yet truly unaffected.
//
// Displacement truth ([World.Displacements]), over the 12 months before
// and after From, with the target's neighbours of the same level as buffer
// and the remaining unaffected regions of that level as control:
//
//   - Rotterdam port control, PORT_INCIDENTS: target NLRTM, buffer BEANR
//     and DEHAM (only BEANR displaced), control BEZEE FRDKK FRLEH FRMRS
//     ESALG ESBCN ESVLC. Success < 0 and buffer > 0: displacement smaller
//     than the effect, expected WDQ = (1.20-1)*34 / ((0.65-1)*30) = -0.648
//     exactly (ports share trend and season), total net effect positive.
//   - Antwerp high-value targeting, DRUG_VIOLENCE: violence rises in the
//     target and in all four neighbours: success > 0, so the WDQ is not
//     read; total net effect negative (fragmentation, Guideline 18).
//   - Brabant laboratories, DRUG_VIOLENCE: no effect, no displacement
//     (success and buffer measures zero up to population drift).
//
// [World.ExpectedDisplacement] gives the expected measures for any other
// choice of regions and windows.
//
// # Coverage worlds
//
// [CoverageConfigs] returns seeded variants with the structure and truth of
// the default world and independent noise. A coverage test generates them
// one at a time, estimates each truth entry, and counts how often the 95%
// interval holds the true value. The mean structure above is exactly the
// one a segmented regression with one harmonic, or a two-way fixed-effects
// DiD, assumes, so point estimates are unbiased; whether intervals reach
// 95% depends on the inference:
//
//   - Count indicators have independent (negative binomial) noise, which a
//     quasi-Poisson ITS handles: the natural coverage cases.
//   - The additive indicators have AR(1) noise with rho 0.5-0.7, as monthly
//     price and spending series do. Newey-West errors with a few lags are
//     known to be too small for such persistence in 156 periods; an
//     estimator that models the autocorrelation (or a fixed-b correction)
//     is needed there.
//   - DiD with errors clustered by region needs several treated regions:
//     the policy entries with four or five regions qualify; single-region
//     entries do not (Conley & Taber 2011), and are the synthetic control's
//     case.
//
// Over ten such worlds the package's own tests check that every non-null
// effect is visible in the raw values and that the observed WDQ of the port
// control averages to the expected one.
//
// # Size
//
// The default world has 39 regions, 39 links, 10 indicators, 10
// interventions, 227 series and 35,412 observations; [World.Counts]
// reports them. It generates in a few milliseconds.
package demo
