package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/i18n"
)

// readmeBlock is one ```graphql block of the README.
type readmeBlock struct {
	line  int    // the README line of its opening fence
	query string // the request, as a user copies it
	skip  string // why it is not run (<!-- readme-test: skip (REASON) -->)
	world string // the world it runs in: "" for the demo world (<!-- readme-test: world NAME -->)
}

var readmeMarker = regexp.MustCompile(`^<!-- readme-test: (skip \((.+)\)|world ([a-z0-9-]+)) -->$`)

// readmeGraphQL returns every ```graphql block of the README in order, with
// the marker on the line before it, and the README's text. A marker that is
// not followed by a graphql block fails the test.
func readmeGraphQL(t *testing.T) ([]readmeBlock, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "<!-- readme-test") {
			m := readmeMarker.FindStringSubmatch(l)
			if m == nil || i+1 >= len(lines) || lines[i+1] != "```graphql" {
				t.Fatalf("README line %d: %q is not a marker (skip (REASON) or world NAME) right before a ```graphql block", i+1, l)
			}
			continue
		}
		if !strings.HasPrefix(l, "```") {
			continue
		}
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		if end == len(lines) {
			t.Fatalf("README line %d: a code block that is never closed", i+1)
		}
		if l == "```graphql" {
			blk := readmeBlock{line: i + 1, query: strings.Join(lines[i+1:end], "\n")}
			if i > 0 {
				if m := readmeMarker.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
					blk.skip, blk.world = m[2], m[3]
				}
			}
			blocks = append(blocks, blk)
		}
		i = end
	}
	return blocks, string(b)
}

// readmeClaim is a figure the README states beside a query.
type readmeClaim struct {
	text  string  // the README's words (whitespace as wrapped does not matter)
	after string  // a fragment of the README block it is about: it runs (or reads) after that block
	query string  // the request that answers it when the README gives none; "" reads the block's own answer
	above bool    // reads the answer of the nearest claim above with a query, instead of the block's
	path  string  // where in the answer's data: "power.inputs.comparison", "cohorts.0.estimate", "-1" for the last
	want  string  // as the README prints it; a number is compared at the precision it is printed with
	scale float64 // multiplies a number before printing (100 for a percentage)
	// contains: want is a part of the (string) answer, not all of it
	contains bool
}

// readmeClaims are the figures of the README checked against the demo world
// (and the Sicily series for the piecewise interrupted time series).
var readmeClaims = []readmeClaim{
	// The three questions near the top.
	{text: "a rate ratio of 0.657 (95% interval 0.568 to 0.760), 34.3% fewer incidents", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.effect", want: "0.657"},
	{text: "(95% interval 0.568 to 0.760)", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.low", want: "0.568"},
	{text: "(95% interval 0.568 to 0.760)", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.high", want: "0.760"},
	{text: "34.3% fewer incidents", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.relativeEffect", want: "-34.3", scale: 100},
	{text: "(`ITS`, `QUASI_POISSON`", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.method", want: "ITS"},
	{text: "(`ITS`, `QUASI_POISSON`", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.model", want: "QUASI_POISSON"},
	{text: "one comparison port is too few", after: `indicator: "PORT_INCIDENTS", method: AUTO)`, path: "impact.choice", want: "The 1 comparison unit(s) are not used", contains: true},
	{text: "which answers `DISPLACEMENT`", after: "{ displacement(", path: "displacement.finding", want: "DISPLACEMENT"},
	{text: `"the buffer worsened by more than the target improved, so the net effect is adverse"`, after: "{ displacement(", path: "displacement.interpretation",
		want: "the buffer worsened by more than the target improved, so the net effect is adverse", contains: true},
	{text: "quotient (WDQ) of -1.01", after: "{ displacement(", path: "displacement.wdq", want: "-1.01"},
	{text: "a total net effect of -1.27", after: "{ displacement(", path: "displacement.totalNetEffect", want: "-1.27"},
	{text: "(WDD) of 30.8 incidents", after: "{ displacement(", path: "displacement.wdd.estimate", want: "30.8"},
	{text: "95% interval of -86.1 to 147.6", after: "{ displacement(", path: "displacement.wdd.low", want: "-86.1"},
	{text: "95% interval of -86.1 to 147.6", after: "{ displacement(", path: "displacement.wdd.high", want: "147.6"},
	{text: "for the target NLRTM, the buffer ports BEANR and DEHAM and the control ports ESALG, ESBCN, ESVLC and FRMRS", after: "{ displacement(",
		query: `{ displacement(intervention: "op-2018-rtm-container-control", indicator: "PORT_INCIDENTS") { inputs { target buffer control } } }`,
		path:  "displacement.inputs", want: `{"buffer":["BEANR","DEHAM"],"control":["ESALG","ESBCN","ESVLC","FRMRS"],"target":["NLRTM"]}`},
	{text: "five neighbouring countries (NL, BE, DE, FR, ES)", after: "  position\n",
		query: `{ regions(level: COUNTRY) { code } }`, path: "regions", want: `[{"code":"BE"},{"code":"DE"},{"code":"ES"},{"code":"FR"},{"code":"NL"}]`},
	{text: "the demo world ends at 545", after: "  position\n", path: "position", want: "545"},
	{text: "eleven monthly indicators from 2012 to 2024 (ten outcomes and the population)", after: "  position\n", path: "indicators.-1.granularity", want: "MONTH",
		query: `{ indicators { granularity } }`},
	{text: "eleven monthly indicators", after: "  position\n", path: "indicators", want: `[{"code":"COC_PRICE","family":"AVAILABILITY","granularity":"MONTH"},{"code":"COC_PURITY","family":"AVAILABILITY","granularity":"MONTH"},{"code":"COC_SEIZURES","family":"AVAILABILITY","granularity":"MONTH"},{"code":"COC_WASTEWATER","family":"AVAILABILITY","granularity":"MONTH"},{"code":"DRUG_VIOLENCE","family":"VIOLENCE","granularity":"MONTH"},{"code":"ENFORCEMENT_COST","family":"COST","granularity":"MONTH"},{"code":"OCG_ACTIVE","family":"DISPLACEMENT","granularity":"MONTH"},{"code":"POPULATION","family":"CONTEXT","granularity":"MONTH"},{"code":"PORT_CORRUPTION","family":"CORRUPTION","granularity":"MONTH"},{"code":"PORT_INCIDENTS","family":"DISPLACEMENT","granularity":"MONTH"},{"code":"outreach_contacts","family":"COST","granularity":"MONTH"}]`,
		query: `{ indicators { code family granularity } }`},
	{text: "container\ncontrol programme that started in January 2018", after: `intervention(id: "op-2018-rtm-container-control") {
    id title`, path: "intervention.start", want: "2018-01-01"},
	{text: "the price series as it was known at log position 400", after: `asOf: "400"`, path: "series.asOf", want: "400"},
	{text: "A `commandId` makes a retry harmless", after: `commandId: "nfp-2025-01"`, path: "recordObservations.duplicate", want: "false"},
	{text: "A `commandId` makes a retry harmless", after: `commandId: "nfp-2025-01"`, path: "recordObservations", want: `{"duplicate":true,"position":"546"}`,
		query: `mutation { recordObservations(input: {indicator: "COC_PRICE", source: "national focal point 2025",
		  commandId: "nfp-2025-01", rows: [{region: "NL33", period: "2025-01", value: 61.5}]}) { position duplicate } }`},

	// Issue 15: conformal intervals and power.
	{text: "answers an effect of -26.1 incidents a month", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, path: "impact.effect", want: "-26.1"},
	{text: "average-effect set of\n-17.5 to 41.3", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, path: "impact.low", want: "-17.5"},
	{text: "average-effect set of\n-17.5 to 41.3", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, path: "impact.high", want: "41.3"},
	{text: "with `interval_method` conformal inference", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, path: "impact.parameters.0", want: `"name":"interval_method","value":"conformal inference (Chernozhukov`, contains: true},
	{text: "(the synthetic control is 0.74 BEANR and 0.26 DEHAM)", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`,
		query: `{ impact(intervention: "op-2018-rtm-container-control", indicator: "PORT_INCIDENTS", method: SYNTHETIC_CONTROL, regions: ["NLRTM"], comparison: ["BEANR", "DEHAM", "FRLEH"]) {
		  weights { region weight } diagnostics { name value } rating { sms quality reasons } counterfactual { period observed expected low high } } }`,
		path: "impact.weights.0.weight", want: "0.74"},
	{text: "0.74 BEANR and 0.26 DEHAM", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, above: true, path: "impact.weights.1.weight", want: "0.26"},
	{text: "`conformal_p_value` 0.95", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, above: true, path: "impact.diagnostics.0", want: `{"name":"conformal_p_value","value":0.9487179487179487}`},
	{text: "the design rates Maryland level 3, quality 2 (`CONFORMAL_SHORT_HISTORY`", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, above: true, path: "impact.rating",
		want: `{"quality":2,"reasons":["COMPARISON_GROUP","CONFORMAL_SHORT_HISTORY","NOT_RANDOMISED"],"sms":3}`},
	{text: "-37.7 in 2024-12", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, above: true, path: "impact.diagnostics.7", want: `{"name":"gap_last","value":-37.74748646656509}`},
	{text: "below the band in 58 of the 84 months from 2018-01", after: `comparison: ["BEANR", "DEHAM", "FRLEH"]`, above: true, path: "impact.counterfactual", want: "58 of 84 below the band from 2018-01"},

	{text: "answers `mde` 3.92 (7.1% of the recent level, 55.0)", after: `regions: ["NL33", "NL32"]`, path: "power.mde", want: "3.92"},
	{text: "(7.1% of the recent level, 55.0)", after: `regions: ["NL33", "NL32"]`, path: "power.mdeRelative", want: "7.1", scale: 100},
	{text: "(7.1% of the recent level, 55.0)", after: `regions: ["NL33", "NL32"]`, path: "power.explanation", want: "of the recent level, 55.0)", contains: true},
	{text: "`size` 0,", after: `regions: ["NL33", "NL32"]`, path: "power.size", want: "0"},
	{text: "`power(effect: 2)` 0.43", after: `regions: ["NL33", "NL32"]`, path: "power.p", want: "0.43"},
	{text: "`comparison` BE10, ES51, ES52", after: `regions: ["NL33", "NL32"]`, path: "power.inputs.comparison", want: "BE10, ES51, ES52"},
	{text: "67 windows of 66 months before and 12 after", after: `regions: ["NL33", "NL32"]`, path: "power.inputs.windows", want: "67"},
	{text: "67 windows of 66 months before", after: `regions: ["NL33", "NL32"]`, path: "power.inputs.prePeriods", want: "66"},
	{text: "(17 are left out and named)", after: `regions: ["NL33", "NL32"]`, path: "power.explanation",
		want: "BE21, BE23, BE24, BE25, DE50, DE60, DE93, DEA1, DEA2, ES30, ES42, ES61, FR10, FRD2, FRE1, FRL0, NL42 (by", contains: true},
	{text: "The synthetic\ncontrol for Zuid-Holland alone from the same three donors needs 10.9 (19.8%)", after: `regions: ["NL33", "NL32"]`,
		query: `{ power(indicator: "COC_PRICE", regions: ["NL33"], start: "2024-01-01", horizon: 12, method: SYNTHETIC_CONTROL) { mde mdeRelative inputs { comparison } } }`,
		path:  "power.mde", want: "10.9"},
	{text: "needs 10.9 (19.8%)", after: `regions: ["NL33", "NL32"]`, above: true, path: "power.mdeRelative", want: "19.8", scale: 100},
	{text: "from the same three donors", after: `regions: ["NL33", "NL32"]`, above: true, path: "power.inputs.comparison", want: "BE10, ES51, ES52"},
	{text: "AUTO chooses the\ninterrupted time series there", after: `regions: ["NL33", "NL32"]`,
		query: `{ power(indicator: "COC_PRICE", regions: ["NL33"], start: "2024-01-01", horizon: 12, method: AUTO) { mde inputs { method } } }`,
		path:  "power.inputs.method", want: "ITS"},
	{text: "whose MDE is 2.83", after: `regions: ["NL33", "NL32"]`, above: true, path: "power.mde", want: "2.83"},
	{text: "an empty\nlist when nothing had been recorded in its regions by then, as in the demo world", after: `... on Operation { power {`, path: "intervention.power", want: "[]"},

	// Issue 14: timeline, staggered adoption, piecewise ITS.
	{text: "`pol-2019-nl-resourcing`, `PARENT`\nvia `NL`, from 2019-01-01 with no end", after: `timeline(region: "NL33"`, path: "timeline",
		want: `[{"from":"2019-01-01","intervention":{"id":"pol-2019-nl-resourcing","title":"Additional resourcing against drug-related subversive crime"},"role":"PARENT","to":null,"via":["NL"]}]`},
	{text: "the Brabant laboratory operation in the\nneighbouring NL41 appears too, as `NEIGHBOUR` from 2015-09-07 to 2016-08-31", after: `timeline(region: "NL33"`,
		query: `{ timeline(region: "NL33", from: "2012-01-01") { intervention { id } role from to via } }`, path: "timeline.0",
		want: `{"from":"2015-09-07","intervention":{"id":"op-2015-brabant-labs"},"role":"NEIGHBOUR","to":"2016-08-31","via":["NL41"]}`},
	{text: "| overall (simple) | 8.230 | 5.778 to 10.682 |", after: "{ staggered(", path: "staggered.att.estimate", want: "8.230"},
	{text: "| overall (simple) | 8.230 | 5.778 to 10.682 |", after: "{ staggered(", path: "staggered.att.low", want: "5.778"},
	{text: "| overall (simple) | 8.230 | 5.778 to 10.682 |", after: "{ staggered(", path: "staggered.att.high", want: "10.682"},
	{text: "| cohort 2019-01 | 12.060 | 11.327 to 12.793 | 12 |", after: "{ staggered(", path: "staggered.cohorts.0", want: "2019-01 12.060 11.327 12.793"},
	{text: "| cohort 2020-01 | 8.067 | 7.056 to 9.077 | 8 |", after: "{ staggered(", path: "staggered.cohorts.1", want: "2020-01 8.067 7.056 9.077"},
	{text: "| cohort 2021-01 | 2.688 | 1.824 to 3.553 | 4 |", after: "{ staggered(", path: "staggered.cohorts.2", want: "2021-01 2.688 1.824 3.553"},
	{text: "| two-way fixed effects | 8.339 | | |", after: "{ staggered(", path: "staggered.twfe.estimate", want: "8.339"},
	{text: "5% of its weight on comparisons that use regions already treated", after: "{ staggered(", path: "staggered.twfe.alreadyTreatedShare", want: "5", scale: 100},
	{text: "more than 0.17 times the largest pre-period one", after: "{ staggered(", path: "staggered.sensitivity.breakdown", want: "0.17"},
	{text: "(event study, up to 3 years either side", after: "{ staggered(", path: "staggered.eventStudy.0.relativePeriod", want: "-36"},
	{text: "(event study, up to 3 years either side", after: "{ staggered(", path: "staggered.eventStudy.-1.relativePeriod", want: "36"},
	{text: `"9 regions adopted at 3 different dates and are compared with regions
never treated in the window (7 never treated); 156 periods from 2012-01 to 2024-12.`, after: "{ staggered(", path: "staggered.explanation",
		want: "9 regions adopted at 3 different dates and are compared with regions never treated in the window (7 never treated); 156 periods from 2012-01 to 2024-12. ", contains: true},
	{text: "the effect is 8.23 (95% interval 5.778 to 10.68). The interval excludes zero.", after: "{ staggered(", path: "staggered.explanation",
		want: "the effect is 8.23 (95% interval 5.778 to 10.68). The interval excludes zero. Standard errors and 95% intervals are analytic, from each estimate's influence function, clustered by region; the event study's band comes from a multiplier bootstrap of 999 draws. The test that the cohorts moved like the comparison regions before adoption could not be computed: 36 periods before adoption are too many for 16 regions (narrow the window with from). A naive two-way fixed-effects regression would say 8.339. It differs because it averages all two-by-two comparisons, 5% of its weight on comparisons that use regions already treated as controls (Goodman-Bacon 2021)", contains: true},
	{text: "The conclusion holds unless post-period violations of\nparallel trends are more than 0.17 times the largest pre-period one", after: "{ staggered(", path: "staggered.explanation",
		want: "The conclusion holds unless post-period violations of parallel trends are more than 0.17 times the largest pre-period one", contains: true},
	{text: "Left out of the\ndefault comparison pool as neighbours of adopting regions, where activity may move: BE10, DE50,\nDE60.", after: "{ staggered(", path: "staggered.explanation",
		want: "Left out of the default comparison pool as neighbours of adopting regions, where activity may move: BE10, DE50, DE60.", contains: true},
	{text: `Left out of
the default comparison pool as exposed in the window to other interventions expected to affect
cost: NL32, NL33, NL34, NL41, NL42 (by pol-2019-nl-resourcing)."`, after: "{ staggered(", path: "staggered.explanation",
		want: "Left out of the default comparison pool as exposed in the window to other interventions expected to affect cost: NL32, NL33, NL34, NL41, NL42 (by pol-2019-nl-resourcing).", contains: true},
	{text: "+12 contacts a month from\n2019-01 (ES30, ES42, ES51), +8 from 2020-01 (ES52, ES61, FR10) and +4 from 2021-01 (FRD2,\nFRL0, DE93)", after: "{ staggered(",
		query: `{ w1: intervention(id: "pol-outreach-1") { start regions } w2: intervention(id: "pol-outreach-2") { start regions }
		  w3: intervention(id: "pol-outreach-3") { start regions } nuts2: regions(level: NUTS2) { code }
		  pool: staggered(interventions: ["pol-outreach-1", "pol-outreach-2", "pol-outreach-3"], indicator: "outreach_contacts") { inputs { comparison } } }`,
		path: "", want: `{"w1":{"regions":["ES30","ES42","ES51"],"start":"2019-01-01"},"w2":{"regions":["ES52","ES61","FR10"],"start":"2020-01-01"},"w3":{"regions":["FRD2","FRL0","DE93"],"start":"2021-01-01"}}`},
	{text: "the fifteen other NUTS 2 regions never adopt", after: "{ staggered(", above: true, path: "nuts2", want: "24 NUTS 2 regions"},
	{text: "the other seven: BE21, BE23, BE24, BE25, DEA1, DEA2 and\nFRE1", after: "{ staggered(", above: true, path: "pool.inputs.comparison", want: "BE21, BE23, BE24, BE25, DEA1, DEA2, FRE1"},
	{text: "(BE10, by rail to FR10; DE50 and DE60, bordering DE93)", after: "{ staggered(",
		query: `{ be10: region(code: "BE10") { neighbours { kind region { code } } } de93: region(code: "DE93") { neighbours { kind region { code } } } }`,
		path:  "", want: `{"be10":{"neighbours":[{"kind":"LAND_BORDER","region":{"code":"BE24"}},{"kind":"RAIL_ROAD","region":{"code":"FR10"}}]},"de93":{"neighbours":[{"kind":"LAND_BORDER","region":{"code":"DE50"}},{"kind":"LAND_BORDER","region":{"code":"DE60"}}]}}`},
	{text: "`inputs { inference draws }` and the explanation say\nwhich was used", after: "inference: BOOTSTRAP, draws: 1999", path: "staggered.inputs", want: `{"draws":1999,"inference":"BOOTSTRAP"}`},
	{text: "In the demo world's three-region waves the bootstrap standard errors (999 draws) are 4-15%\nabove the analytic ones for the aggregates", after: "inference: BOOTSTRAP, draws: 1999",
		query: `{ b: staggered(interventions: ["pol-outreach-1", "pol-outreach-2", "pol-outreach-3"], indicator: "outreach_contacts", inference: BOOTSTRAP) {
		  att { se } attByCohort { se } cohorts { se } eventAverage { se } eventStudy { se } }
		  a: staggered(interventions: ["pol-outreach-1", "pol-outreach-2", "pol-outreach-3"], indicator: "outreach_contacts") {
		  att { se } attByCohort { se } cohorts { se } eventAverage { se } eventStudy { se } } }`, path: "se ratio aggregates", want: "4-15%"},
	{text: "`att`: 1.43 against 1.25", after: "inference: BOOTSTRAP, draws: 1999", above: true, path: "b.att.se", want: "1.43"},
	{text: "`att`: 1.43 against 1.25", after: "inference: BOOTSTRAP, draws: 1999", above: true, path: "a.att.se", want: "1.25"},
	{text: "from 3% below to 18% above them for the event-study effects", after: "inference: BOOTSTRAP, draws: 1999", above: true, path: "se ratio eventStudy", want: "-3-18%"},
	{text: "(here the first, from 2005-01; `break2` is the second, from 2006-01)", after: `impact(intervention: "it-smoking-ban"`, path: "impact.segments.0.firstPeriod", want: "2005-01"},
	{text: "`break2` is the second, from 2006-01", after: `impact(intervention: "it-smoking-ban"`, path: "impact.segments.1.intervention.id", want: "break2"},
	{text: "`break2` is the second, from 2006-01", after: `impact(intervention: "it-smoking-ban"`, path: "impact.segments.1.firstPeriod", want: "2006-01"},
	{text: "The headline numbers (`effect`, `levelChange`, `counterfactual`) are the queried\nintervention's segment", after: `impact(intervention: "it-smoking-ban"`,
		path: "impact.levelChange", want: "= impact.segments.0.levelChange"},

	// Cycles, analysis plans, ratings, revision sensitivity.
	{text: "the report (a labelled preview until evidence is pinned)", after: `{ cycle(id: "nl-be-2024") { status pinned`, path: "cycle.report",
		want: "**Preview.** The cycle has no pinned evidence.", contains: true},
	{text: "Once an observation of a target or comparison region on or after the first period\nunder the intervention is recorded, the plan is refused (`CONFLICT` on `input.after.from`", after: `registerAnalysisPlan(`,
		query: `mutation { registerAnalysisPlan(input: {id: "plan-rtm-on-time", intervention: "op-2018-rtm-container-control",
		  indicator: "PORT_INCIDENTS", method: ITS, before: {from: "2015-01", to: "2017-12"}, after: {from: "2018-01", to: "2019-12"},
		  hypotheses: ["Incidents at Rotterdam fall by a fifth"], registeredBy: "evaluation unit"}) { position } }`,
		path: "", want: "error CONFLICT at input.after.from: input.after.from: post-period data already exist (NLRTM 2018-01 of PORT_INCIDENTS", contains: true},
	{text: "here a rate ratio of 0.66, -34%, 95% interval -47% to\n-19%", after: `registerAnalysisPlan(`,
		query: `{ impact(plan: "plan-rtm") { effect relativeInterval { estimate low high } } }`, path: "impact.effect", want: "0.66"},
	{text: "here a rate ratio of 0.66, -34%", after: `registerAnalysisPlan(`, above: true, path: "impact.relativeInterval.estimate", want: "-34", scale: 100},
	{text: "95% interval -47% to\n-19%", after: `registerAnalysisPlan(`, above: true, path: "impact.relativeInterval.low", want: "-47", scale: 100},
	{text: "95% interval -47% to\n-19%", after: `registerAnalysisPlan(`, above: true, path: "impact.relativeInterval.high", want: "-19", scale: 100},
	{text: "`impact(plan: \"plan-rtm\")` runs the plan exactly as registered (the same answer as the\nexplicit `impact` query it stands for", after: `registerAnalysisPlan(`,
		query: `{ impact(intervention: "op-2018-rtm-container-control", indicator: "PORT_INCIDENTS", method: ITS, its: {model: QUASI_POISSON}, from: "2015-01", to: "2019-12") {
		  effect relativeInterval { estimate low high } } }`, path: "impact.effect", want: "0.66"},
	{text: "(549 on a fresh demo world, after every mutation above)", after: `findingId: "f-rtm"`, path: "recordFinding.position", want: "549"},
	{text: "one treated port against ESBCN\nand FRMRS, whose pre-trend test rejects parallel trends (p = 0.0034)", after: `findingId: "f-rtm"`,
		query: `{ impact(intervention: "op-2018-rtm-container-control", indicator: "PORT_INCIDENTS", method: DID, to: "2023-12") {
		  inputs { comparison } rating { sms quality reasons design { method treatedUnits comparisonUnits preTrendP } } } }`,
		path: "impact.rating.design", want: `{"comparisonUnits":2,"method":"DID","preTrendP":0.0033605330628379273,"treatedUnits":1}`},
	{text: "against ESBCN\nand FRMRS", after: `findingId: "f-rtm"`, above: true, path: "impact.inputs.comparison", want: "ESBCN, FRMRS"},
	{text: "That is Maryland level 3\n(`COMPARISON_GROUP`, `PRE_TREND_FAILED`, `NOT_RANDOMISED`)", after: `findingId: "f-rtm"`, above: true, path: "impact.rating",
		want: `"quality":2,"reasons":["COMPARISON_GROUP","PRE_TREND_FAILED","NOT_RANDOMISED"],"sms":3`, contains: true},
	{text: "so `f-rtm` is recorded with\n`evidenceQuality` 2", after: `findingId: "f-rtm"`,
		query: `{ cycle(id: "nl-be-2024") { findings { findingId evidenceQuality qualityOverride rating { sms quality } } } }`,
		path:  "cycle.findings", want: `[{"evidenceQuality":2,"findingId":"f-rtm","qualityOverride":null,"rating":{"quality":2,"sms":3}}]`},
	{text: "the one cause is\nthe revision of NLRTM 2018-02 at position 551", after: `fix: reviseObservation(`, path: "fix.position", want: "551"},
	{text: "`f-rtm` rests on a difference-in-differences (its evidence's method)", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.method", want: "DID"},
	{text: "-7.93 incidents a month at the pin (95% interval -16.40 to 0.54, not\nsignificant)", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.pinned", want: "-7.93 -16.40 0.54 false"},
	{text: "-5.68 now (-14.15 to 2.79)", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.latest", want: "-5.68 -14.15 2.79 false"},
	{text: "the difference, 2.25, is the 162 incidents added", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.difference", want: "2.25"},
	{text: "the conclusion is unchanged", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.conclusionChanged", want: "false"},
	{text: "the one cause is\nthe revision of NLRTM 2018-02 at position 551", after: "revisionSensitivity {", path: "cycle.revisionSensitivity.0.causes",
		want: `[{"kind":"REVISED","period":"2018-02","position":"551","reason":"a digit was lost","region":"NLRTM","source":"NL focal point"}]`},
}

// TestREADMEQueries runs every ```graphql block of the README, in order, on
// the demo world of `make run` (one node, seeded once, in single-user mode:
// the local user is ADMIN with CONFIDENTIAL clearance, so it may run every
// query and mutation), or on the world its marker names; a GraphQL error
// fails the test naming the README line. Then it checks the figures the
// README states beside the queries (readmeClaims) at the precision printed.
func TestREADMEQueries(t *testing.T) {
	blocks, readme := readmeGraphQL(t)
	worlds := map[string]string{"": demoWorldURL(t)}
	answers := make([]map[string]any, len(blocks))
	extra := map[string]map[string]any{} // a claim's own query -> its answer
	ran := map[int]bool{}
	for i, b := range blocks {
		if b.skip != "" {
			t.Logf("README line %d: not run: %s", b.line, b.skip)
			continue
		}
		url, ok := worlds[b.world]
		if !ok {
			url = readmeWorld(t, b.world)
			worlds[b.world] = url
		}
		data, errs := readmeRequest(t, url, b.query)
		if errs != "" {
			t.Fatalf("README line %d: %s\n%s", b.line, errs, b.query)
		}
		answers[i] = data
		ran[i] = true
		// Claims that need a request of their own run right after their block.
		for _, c := range readmeClaims {
			if c.query == "" || extra[c.query] != nil || !strings.Contains(b.query, c.after) {
				continue
			}
			d, errs := readmeRequest(t, url, c.query)
			switch {
			case strings.HasPrefix(c.want, "error "):
				// The claim is a refusal: its printed form is its code and field.
				d = map[string]any{"error": errs}
				if errs == "" {
					d["error"] = "no error"
				}
			case errs != "":
				t.Fatalf("the claim %q (after README line %d): %s\n%s", c.text, b.line, errs, c.query)
			}
			extra[c.query] = d
		}
	}
	for _, b := range blocks {
		if b.skip != "" && !strings.Contains(b.skip, "Test") {
			t.Errorf("README line %d: skipped without naming the test that runs it instead: %s", b.line, b.skip)
		}
	}

	flat, lineOf := readmeFlat(readme)
	for _, c := range readmeClaims {
		k := strings.Index(flat, strings.Join(strings.Fields(c.text), " "))
		if k < 0 {
			t.Errorf("the README no longer says %q: update readmeClaims", c.text)
			continue
		}
		line := lineOf[k]
		var data map[string]any
		for i, b := range blocks {
			if ran[i] && strings.Contains(b.query, c.after) {
				data = answers[i]
				break
			}
		}
		if data == nil {
			t.Errorf("README line %d: no block that was run holds %q", line, c.after)
			continue
		}
		if c.query != "" {
			data = extra[c.query]
		} else if c.above {
			data = extra[queryAbove(c)]
		}
		got, err := readmeValue(data, c)
		if err != nil {
			t.Errorf("README line %d (%q): %v", line, c.text, err)
			continue
		}
		if c.contains && !strings.Contains(got, c.want) || !c.contains && got != c.want {
			t.Errorf("README line %d says %q: the product answers %s, not %s", line, c.text, got, c.want)
		}
	}
}

// queryAbove returns the query of the nearest claim above c that has one.
func queryAbove(c readmeClaim) string {
	q := ""
	for _, o := range readmeClaims {
		if o.text == c.text && o.path == c.path && o.want == c.want {
			return q
		}
		if o.query != "" {
			q = o.query
		}
	}
	return ""
}

// readmeFlat returns the README with every run of white space made one
// space, and the README line of each of its bytes.
func readmeFlat(s string) (string, []int) {
	var b strings.Builder
	var lines []int
	line, space := 1, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\n' || c == '\t' {
			space = true
			if c == '\n' {
				line++
			}
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			lines = append(lines, line)
		}
		space = false
		b.WriteByte(c)
		lines = append(lines, line)
	}
	return b.String(), lines
}

// readmeValue prints the value at c.path as the README would: a number at
// the precision of c.want, strings joined by ", ", anything else as JSON; a
// few paths have a printed form of their own (a cohort's row, an estimate).
func readmeValue(data map[string]any, c readmeClaim) (string, error) {
	if which, ok := strings.CutPrefix(c.path, "se ratio "); ok {
		return seRatios(data, which)
	}
	v, err := readmePath(data, c.path)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(c.want, "error ") {
		return data["error"].(string), nil
	}
	if ref, ok := strings.CutPrefix(c.want, "= "); ok {
		w, err := readmePath(data, ref)
		if err != nil {
			return "", err
		}
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(w)
		if bytes.Equal(a, b) {
			return c.want, nil
		}
		return fmt.Sprintf("%s against %s", a, b), nil
	}
	switch {
	case c.path == "nuts2":
		return fmt.Sprintf("%d NUTS 2 regions", len(v.([]any))), nil
	case c.path == "" && data["nuts2"] != nil:
		m := map[string]any{}
		for k, x := range data {
			if k != "nuts2" && k != "pool" {
				m[k] = x
			}
		}
		b, err := json.Marshal(m)
		return string(b), err
	case strings.HasPrefix(c.path, "staggered.cohorts."):
		m := v.(map[string]any)
		return fmt.Sprintf("%s %.3f %.3f %.3f", m["cohort"], m["estimate"], m["low"], m["high"]), nil
	case strings.HasSuffix(c.path, ".pinned") || strings.HasSuffix(c.path, ".latest"):
		m := v.(map[string]any)
		return fmt.Sprintf("%.2f %.2f %.2f %v", m["effect"], m["low"], m["high"], m["significant"]), nil
	case c.path == "impact.counterfactual":
		n, below, first := 0, 0, ""
		for _, p := range v.([]any) {
			m := p.(map[string]any)
			if m["low"] == nil {
				continue
			}
			if first == "" {
				first = m["period"].(string)
			}
			n++
			if m["observed"].(float64) < m["low"].(float64) {
				below++
			}
		}
		return fmt.Sprintf("%d of %d below the band from %s", below, n, first), nil
	}
	switch x := v.(type) {
	case float64:
		if c.scale != 0 {
			x *= c.scale
		}
		dec := 0
		if i := strings.IndexByte(c.want, '.'); i >= 0 {
			dec = len(c.want) - i - 1
		}
		return strconv.FormatFloat(x, 'f', dec, 64), nil
	case string:
		return x, nil
	case []any:
		var s []string
		for _, e := range x {
			str, ok := e.(string)
			if !ok {
				s = nil
				break
			}
			s = append(s, str)
		}
		if s != nil {
			return strings.Join(s, ", "), nil
		}
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// seRatios prints the range of the bootstrap standard errors (data.b)
// against the analytic ones (data.a), in whole percent above them, over
// the aggregates (att, attByCohort, each cohort, eventAverage) or over the
// event-study effects.
func seRatios(data map[string]any, which string) (string, error) {
	var paths []string
	if which == "eventStudy" {
		n := len(data["a"].(map[string]any)["eventStudy"].([]any))
		for i := range n {
			paths = append(paths, "eventStudy."+strconv.Itoa(i))
		}
	} else {
		paths = []string{"att", "attByCohort", "cohorts.0", "cohorts.1", "cohorts.2", "eventAverage"}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range paths {
		a, err := readmePath(data, "a."+p+".se")
		if err != nil {
			return "", err
		}
		b, err := readmePath(data, "b."+p+".se")
		if err != nil {
			return "", err
		}
		if a == nil || b == nil || a.(float64) == 0 {
			continue // the reference period has no standard error
		}
		r := 100 * (b.(float64)/a.(float64) - 1)
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	return fmt.Sprintf("%.0f-%.0f%%", lo, hi), nil
}

// readmePath follows a dotted path through decoded JSON; a number indexes
// a list, counting from its end when negative.
func readmePath(v any, path string) (any, error) {
	if path == "" {
		return v, nil
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, fmt.Errorf("%s: no %q in the answer", path, k)
			}
		case []any:
			i, err := strconv.Atoi(k)
			if i < 0 {
				i += len(x)
			}
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("%s: %q is not an index of a list of %d", path, k, len(x))
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("%s: %q of %v", path, k, v)
		}
	}
	return v, nil
}

// readmeRequest posts one GraphQL request and returns its data, and its
// errors as one line ("error CODE at FIELD: message; ..."), "" when none.
func readmeRequest(t *testing.T, url, query string) (map[string]any, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Message    string
			Extensions struct{ Code, Field string }
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("HTTP %d: %q: %v", resp.StatusCode, raw, err)
	}
	var errs []string
	for _, e := range r.Errors {
		errs = append(errs, fmt.Sprintf("error %s at %s: %s", e.Extensions.Code, e.Extensions.Field, e.Message))
	}
	if len(errs) == 0 && resp.StatusCode != http.StatusOK {
		errs = append(errs, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, raw))
	}
	return r.Data, strings.Join(errs, "; ")
}

// demoWorldURL starts a node on the demo world, as `make run` does, and
// returns its GraphQL address.
func demoWorldURL(t *testing.T) string {
	t.Helper()
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if _, err := seed(context.Background(), n, i18n.EN); err != nil {
		t.Fatal(err)
	}
	return "http://" + n.Addr() + "/graphql"
}

// readmeWorld starts a node on the world a README marker names and returns
// its GraphQL address: "sicily" is the Sicily series imported with its
// shipped mapping, as the README's import command does.
func readmeWorld(t *testing.T, name string) string {
	t.Helper()
	data := t.TempDir()
	switch name {
	case "sicily":
		args := []string{"import", "--data", data, "--mapping", filepath.Join("importdata", "sicily.json"), filepath.Join("testdata", "datasets", "sicily_aces.csv")}
		if code, out, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	default:
		t.Fatalf("the README names a world %q that the test does not know", name)
	}
	n, err := Open(context.Background(), Config{DataDir: data, Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return "http://" + n.Addr() + "/graphql"
}
