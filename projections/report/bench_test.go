package report_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
)

// fixedTimes answers every position with one time.
type fixedTimes struct{}

func (fixedTimes) RecordedAt(context.Context, uint64) (time.Time, error) {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), nil
}

// syntheticWorld builds the read models of a world with regions NUTS 2
// regions on a ring (each linked to the next), one monthly count
// indicator per report family, 2015-01 to 2020-12, and interventions
// operations, each covering two neighbouring regions from 2018-01, with
// monthly outputs; then a cycle "bench" over every operation, pinned at
// the end. Events are applied to the read models directly (no store): the
// benchmark measures the report, not ingestion.
func syntheticWorld(tb testing.TB, regions, interventions int) *report.Generator {
	tb.Helper()
	cat, ser, ivs := projections.NewCatalog(), projections.NewSeries(), projections.NewInterventions()
	cyc, prov := projections.NewCycles(), projections.NewProvenance()
	models := []projections.Projection{cat, ser, ivs, cyc, prov}
	var pos uint64
	apply := func(e domain.Event) {
		pos++
		r := domain.Recorded{Event: e, Position: pos, Meta: domain.Metadata{RecordedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
		for _, m := range models {
			if m.Handles(e.EventType()) {
				if err := m.Apply(r); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	code := func(i int) string { return fmt.Sprintf("XX%03d", i%regions) }
	apply(domain.RegionDefined{Code: "XX", Name: "Country", Country: "NL", Level: domain.RegionLevelCountry})
	for i := 0; i < regions; i++ {
		apply(domain.RegionDefined{Code: code(i), Name: "Region " + code(i), Country: "NL", Level: domain.RegionLevelNuts2, Parent: "XX"})
	}
	for i := 0; i < regions; i++ {
		a, b := code(i), code(i+1)
		if b < a {
			a, b = b, a
		}
		apply(domain.RegionsLinked{A: a, B: b, Kind: domain.LinkKindLandBorder})
	}
	var indicators []string
	for _, fam := range report.Families {
		c := "IND_" + string(fam)
		indicators = append(indicators, c)
		apply(domain.IndicatorDefined{Code: c, Name: string(fam) + " incidents", Family: fam, Unit: "incidents",
			Granularity: domain.Month, DesiredDirection: domain.DirectionDown})
	}
	for k, ind := range indicators {
		var rows []domain.ObservationRow
		for i := 0; i < regions; i++ {
			for m := 0; m < 72; m++ {
				period := fmt.Sprintf("%04d-%02d", 2015+m/12, m%12+1)
				base := 40 + float64((i*7+k*3)%25) + 5*math.Sin(float64(m)*math.Pi/6+float64(i))
				if m >= 36 && i < 2*interventions && (i/2)%2 == 0 {
					base *= 0.8 // the operation works
				}
				noise := float64((i*31+m*17+k*13)%9) - 4
				rows = append(rows, domain.ObservationRow{Region: code(i), Period: period, Value: math.Round(base + noise)})
			}
		}
		apply(domain.ObservationsRecorded{Indicator: ind, Source: "synthetic", Rows: rows})
	}
	var ids []string
	for j := 0; j < interventions; j++ {
		id := fmt.Sprintf("op-%03d", j)
		ids = append(ids, id)
		apply(domain.OperationLaunched{ID: id, Title: "Operation " + id, Kind: domain.OperationKind("SEIZURE_OPERATION"),
			Regions: []string{code(2 * j), code(2*j + 1)}, Start: "2018-01-01", TargetTier: domain.TargetTier("MIXED"),
			Budget: 1e6, Classification: domain.Classification("PUBLIC")})
		for m := 0; m < 12; m++ {
			apply(domain.OperationOutputsReported{ID: id, Period: fmt.Sprintf("2018-%02d", m+1), Arrests: 3,
				Seizures: []domain.Seizure{{Substance: "cocaine", Kg: 12}}, Cost: 80_000})
		}
	}
	apply(domain.CycleOpened{ID: "bench", Title: "Benchmark cycle", From: "2018-01-01", To: "2020-12-31",
		Scope: domain.CycleScope{Interventions: ids}})
	apply(domain.CycleEvidencePinned{ID: "bench", Position: pos})
	g, err := report.New(report.Config{Evaluator: &evaluate.Evaluator{Catalog: cat, Series: ser, Interventions: ivs},
		Cycles: cyc, Provenance: prov, Times: fixedTimes{}, Position: func() uint64 { return pos }})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// BenchmarkCycleReport measures a cycle report of 100 interventions x 5
// indicator families (DESIGN.md section 8: <= 2 s), built and rendered as
// HTML: 500 impact estimates (method AUTO) and 500 displacement analyses.
func BenchmarkCycleReport(b *testing.B) {
	g := syntheticWorld(b, 240, 100)
	ctx := context.Background()
	r, err := g.Build(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	estimates, failed := 0, 0
	methods := map[string]int{}
	for _, iv := range r.Interventions {
		for _, im := range iv.Impacts {
			if im.Error != "" {
				failed++
				continue
			}
			estimates++
			methods[im.Method+" "+im.Model]++
		}
	}
	if estimates != 500 {
		b.Fatalf("%d estimates (%d failed; methods %v), want 500", estimates, failed, methods)
	}
	b.ReportMetric(float64(estimates), "estimates")
	b.Logf("methods chosen by AUTO: %v", methods)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := g.Generate(ctx, "bench", report.HTML); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per report: on a shared machine the wall time measures the
	// neighbours too; with two cores free the wall time is about half of it.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
