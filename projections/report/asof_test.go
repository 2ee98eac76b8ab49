package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// pinnedAnswers answers every query and renders every report of cycle as
// of pos, each as one string (the JSON of the answer, or the error).
func pinnedAnswers(t *testing.T, e *evaluate.Evaluator, g *report.Generator, cycle string, pos uint64) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	dump := func(name string, v any, err error) {
		if err != nil {
			out[name] = "error: " + err.Error()
			return
		}
		b, jerr := json.Marshal(v)
		if jerr != nil {
			t.Fatalf("%s: %v", name, jerr)
		}
		out[name] = string(b)
	}
	cases := []struct{ iv, ind string }{
		{demo.RotterdamPortControl, demo.PortIncidents},
		{demo.GermanPrecursors, demo.CocainePrice},
		{demo.AntwerpHighValue, demo.DrugViolence},
		{demo.DutchResourcing, demo.EnforcementCost},
	}
	methods := []impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto}
	for _, c := range cases {
		for _, m := range methods {
			est, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: c.iv, Indicator: c.ind, Method: m, AsOf: pos})
			dump(fmt.Sprintf("impact %s %s %s", c.iv, c.ind, m), est, err)
		}
		d, err := e.Displacement(evaluate.DisplacementRequest{Intervention: c.iv, Indicator: c.ind, AsOf: pos})
		dump(fmt.Sprintf("displacement %s %s", c.iv, c.ind), d, err)
		sc, err := e.Scan(c.iv, pos, 0)
		dump("scan "+c.iv, sc, err)
		fr, err := e.Fragmentation(c.iv, pos, 0)
		dump("fragmentation "+c.iv, fr, err)
	}
	for _, norm := range evaluate.Normalisations {
		for _, ind := range []string{demo.CocainePrice, demo.DrugViolence, demo.PortIncidents} {
			cmp, err := e.CompareRegions(ind, []string{"NL33", "BE21", "DE60", "NLRTM"}, nil, nil, norm, pos)
			dump(fmt.Sprintf("compareRegions %s %s", ind, norm), cmp, err)
		}
	}
	for _, k := range []projections.Query{{Indicator: demo.CocainePrice, Region: "NL33"}, {Indicator: demo.PortIncidents, Region: "NLRTM"}, {Indicator: demo.Population, Region: "BE21"}} {
		k.AsOf = pos
		d, ok := e.Series.Get(k)
		dump("series "+k.Indicator+" "+k.Region, d, map[bool]error{true: nil, false: fmt.Errorf("no series")}[ok])
	}
	regions := e.Catalog.RegionsAt("", "", pos)
	dump("regions", regions, nil)
	dump("indicators", e.Catalog.IndicatorsAt("", pos), nil)
	for _, f := range []report.Format{report.JSON, report.Markdown, report.HTML} {
		b, err := g.Generate(ctx, cycle, f)
		dump("report "+string(f), string(b), err)
	}
	return out
}

// furtherEvents records n random events of every kind after the pin: new
// regions, links, indicators, observations (new series and new periods of
// old ones, before and after the pin's periods), revisions, retractions,
// operations, scope changes, declassifications and policy changes. It
// returns how many of each kind were recorded.
func furtherEvents(t *testing.T, n *projectionstest.Node, rng *rand.Rand, count int) map[string]int {
	t.Helper()
	done := map[string]int{}
	var newRegions, newIndicators, newOps []string
	allRegions := func() []string {
		var out []string
		for _, r := range n.Catalog.Regions("", "") {
			out = append(out, r.Code)
		}
		return out
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	indicators := func() []string {
		var out []string
		for _, i := range n.Catalog.Indicators("") {
			out = append(out, i.Code)
		}
		return out
	}
	month := func() string {
		return domain.Period{G: domain.Month, Index: int32(2012*12 + rng.IntN(13*12))}.String()
	}
	period := func(code string) string {
		ind, _ := n.Catalog.Indicator(code)
		p := domain.PeriodOf(ind.Granularity, time.Date(2012+rng.IntN(13), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC))
		return p.String()
	}
	ops := []string{demo.RotterdamPortControl, demo.AntwerpHighValue, demo.BrabantLabs, demo.CostaProceeds, demo.ChannelJIT, demo.HamburgDelivery, demo.ValenciaScanners}
	kinds := []string{"defineRegion", "linkRegions", "defineIndicator", "recordObservations", "reviseObservation", "retractObservation",
		"launchOperation", "changeOperationScope", "declassifyOperation", "adoptPolicyChange", "amendPolicyChange"}
	for i := 0; len(done) < len(kinds) || i < count; i++ {
		if i > 50*count {
			t.Fatalf("only recorded %v after %d tries", done, i)
		}
		kind := kinds[i%len(kinds)]
		if i >= len(kinds) {
			kind = kinds[rng.IntN(len(kinds))]
		}
		var cmd domain.Command
		switch kind {
		case "defineRegion":
			country := pick([]string{"NL", "BE", "DE", "FR", "ES"})
			code := fmt.Sprintf("%sZ%d", country, len(newRegions))
			level := pick([]string{string(domain.RegionLevelNuts2), string(domain.RegionLevelPort), string(domain.RegionLevelNuts3)})
			cmd = domain.DefineRegion{Code: code, Name: "Region " + code, Country: country, Level: domain.RegionLevel(level), Parent: country}
			newRegions = append(newRegions, code)
		case "linkRegions":
			rs := allRegions()
			a := pick(append([]string{"NL33", "NLRTM", "BE21", "BEANR", "DE60", "NL41"}, newRegions...))
			cmd = domain.LinkRegions{A: a, B: pick(rs), Kind: domain.LinkKinds[rng.IntN(len(domain.LinkKinds))]}
		case "defineIndicator":
			code := fmt.Sprintf("X%d_IND", len(newIndicators))
			fam := domain.Families[rng.IntN(len(domain.Families))]
			name := "Indicator " + code
			if rng.IntN(2) == 0 {
				fam, name = domain.FamilyContext, "Adult population "+code
				code = "A" + code + "_POPULATION"
			}
			cmd = domain.DefineIndicator{Code: code, Name: name, Family: fam, Unit: pick([]string{"incidents", "EUR/g", "%", "persons"}),
				Granularity: domain.Month, DesiredDirection: domain.Directions[rng.IntN(len(domain.Directions))]}
			newIndicators = append(newIndicators, code)
		case "recordObservations":
			ind := pick(indicators())
			var rows []domain.ObservationRow
			region := pick(allRegions())
			for j := 0; j < 1+rng.IntN(30); j++ {
				rows = append(rows, domain.ObservationRow{Region: region, Period: period(ind), Value: float64(1 + rng.IntN(5000))})
			}
			cmd = domain.RecordObservations{Indicator: ind, Source: "later source", Rows: rows}
		case "reviseObservation", "retractObservation":
			ind := pick([]string{demo.CocainePrice, demo.PortIncidents, demo.DrugViolence, demo.Population, demo.EnforcementCost, demo.ActiveGroups})
			keys := n.Series.Keys(ind)
			k := keys[rng.IntN(len(keys))]
			d, _ := n.Series.Get(projections.Query{Indicator: ind, Region: k.Region, Dimensions: k.Dimensions})
			if len(d.Points) == 0 {
				continue
			}
			pt := d.Points[rng.IntN(len(d.Points))]
			if kind == "reviseObservation" {
				cmd = domain.ReviseObservation{Indicator: ind, Region: k.Region, Period: pt.Period, Dimensions: k.Dimensions, Value: pt.Value*1.7 + 3, Reason: "later revision"}
			} else {
				cmd = domain.RetractObservation{Indicator: ind, Region: k.Region, Period: pt.Period, Dimensions: k.Dimensions, Reason: "later retraction"}
			}
		case "launchOperation":
			id := fmt.Sprintf("op-later-%d", len(newOps))
			cmd = domain.LaunchOperation{ID: id, Title: "Later operation " + id, Kind: domain.OperationKindSeizureOperation,
				Regions: []string{pick(allRegions())}, Start: month() + "-15", TargetTier: domain.TargetTierMid,
				Classification: domain.Classifications[rng.IntN(len(domain.Classifications))]}
			newOps = append(newOps, id)
		case "changeOperationScope":
			cmd = domain.ChangeOperationScope{ID: pick(append(slices.Clone(ops), newOps...)), Added: []string{pick(allRegions())}, Reason: "later scope change"}
		case "declassifyOperation":
			cmd = domain.DeclassifyOperation{ID: pick(append(slices.Clone(ops), newOps...)), Classification: domain.ClassificationPublic}
		case "adoptPolicyChange":
			id := fmt.Sprintf("pol-later-%d", i)
			cmd = domain.AdoptPolicyChange{ID: id, Title: "Later policy " + id, Kind: domain.PolicyKindLegislation,
				Jurisdictions: []string{pick([]string{"NL", "BE", "DE", "FR", "ES"})}, Adopted: "2019-01-01", Effective: month() + "-01"}
		case "amendPolicyChange":
			cmd = domain.AmendPolicyChange{ID: pick([]string{demo.GermanPrecursors, demo.DutchResourcing, demo.FrenchFixedFine}),
				Jurisdictions: []string{pick([]string{"NL", "BE", "DE", "FR", "ES"}), pick(allRegions())}, Effective: month() + "-01", Reason: "later amendment"}
		}
		res, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd)
		if err != nil {
			if domain.ErrorCode(err) == "" || domain.ErrorCode(err) == domain.Internal {
				t.Fatalf("%s: %v", kind, err)
			}
			continue // a refused random command (a link recorded twice, say)
		}
		n.Wait(res.Position)
		done[kind]++
	}
	return done
}

// TestEveryAnswerAsOfAPinIsStable is metamorphic: whatever is recorded
// after a position, every query and every report as of that position
// gives the same bytes. Before the catalogue kept its history, a link
// recorded after the pin moved displacement buffers and DiD comparison
// sets, an indicator named "population" defined after it changed the
// exposure, and regions given data after it joined comparison pools.
func TestEveryAnswerAsOfAPinIsStable(t *testing.T) {
	if raceDetector {
		t.Skip("a whole-report check, ten times slower under the race detector; the run without it checks it (see race_on_test.go)")
	}
	if testing.Short() {
		t.Skip("records the demo world")
	}
	n, g := demoNode(t)
	e := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	n.Do(domain.OpenCycle{ID: "cycle-pin", Title: "Pinned cycle", From: "2015-01-01", To: "2023-12-31",
		Regions: []string{"NL33", "BE21"}, Interventions: scope})
	pin := n.Head()
	n.Do(domain.PinCycleEvidence{ID: "cycle-pin", Position: pin})
	before := pinnedAnswers(t, e, g, "cycle-pin", pin)

	stableOverRounds(t, 3, 13, pin, before,
		func(rng *rand.Rand) any { return furtherEvents(t, n, rng, 40) },
		func() map[string]string { return pinnedAnswers(t, e, g, "cycle-pin", pin) })
}

// stableOverRounds records later events (record, with a random source
// seeded from the clock and stream) rounds times and fails on any answer
// (answer, as of pin) that differs from before, naming the seed.
func stableOverRounds(t *testing.T, rounds int, stream, pin uint64, before map[string]string, record func(*rand.Rand) any, answer func() map[string]string) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, stream))
	for round := 0; round < rounds; round++ {
		t.Logf("round %d recorded %v", round, record(rng))
		after := answer()
		for _, k := range sortedKeys(before) {
			if before[k] != after[k] {
				t.Errorf("round %d (seed %d): %s as of %d changed after later events:\nbefore: %.800s\nafter:  %.800s", round, seed, k, pin, before[k], after[k])
			}
		}
		if t.Failed() {
			return
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
