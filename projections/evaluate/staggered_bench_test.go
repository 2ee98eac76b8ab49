package evaluate_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// BenchmarkStaggered measures staggered over 500 policy changes adopted
// at random months, each in 2 of 2,000 NUTS 2 regions, on one monthly
// indicator of 360 months (issue 14: <= 2 s): adoption dates from the
// timeline, the default pool, the panel read and the estimate, with
// analytic and with bootstrap standard errors (999 draws).
func BenchmarkStaggered(b *testing.B) {
	cat, ser, ivs := projections.NewCatalog(), projections.NewSeries(), projections.NewInterventions()
	pos := uint64(0)
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	apply := func(p projections.Projection, e domain.Event) {
		pos++
		if err := p.Apply(domain.Recorded{Event: e, Position: pos, Meta: domain.Metadata{RecordedAt: at}}); err != nil {
			b.Fatal(err)
		}
	}
	ind := domain.IndicatorDefined{Code: "ind", Name: "Indicator", Family: domain.FamilyAvailability, Unit: "kg", Granularity: domain.Month, DesiredDirection: domain.DirectionUp}
	apply(cat, ind)
	apply(ser, ind)
	apply(cat, domain.RegionDefined{Code: "FR", Name: "France", Country: "FR", Level: domain.RegionLevelCountry})
	rng := rand.New(rand.NewPCG(500, 2000))
	const n, T, first = 2000, 360, 1990 * 12
	codes := make([]string, n)
	for i := range codes {
		codes[i] = fmt.Sprintf("FR%04d", i)
		apply(cat, domain.RegionDefined{Code: codes[i], Name: "region", Country: "FR", Level: domain.RegionLevelNuts2, Parent: "FR"})
	}
	adopt := make([]int, n)
	var ids []string
	for k := 0; k < n; k++ {
		adopt[k] = -1
	}
	for k := 0; k < 500; k++ {
		g := 12 + rng.IntN(T-24)
		adopt[2*k], adopt[2*k+1] = g, g
		id := fmt.Sprintf("POL-%03d", k)
		ids = append(ids, id)
		eff := domain.Period{G: domain.Month, Index: int32(first + g)}.Start().Format("2006-01-02")
		apply(ivs, domain.PolicyChangeAdopted{ID: id, Title: "programme", Kind: domain.PolicyKind("OTHER"),
			Jurisdictions: []string{codes[2*k], codes[2*k+1]}, Adopted: eff, Effective: eff})
	}
	for i, c := range codes {
		rows := make([]domain.ObservationRow, T)
		a := rng.NormFloat64()
		for t := range rows {
			y := 100 + a + 0.01*float64(t) + rng.NormFloat64()
			if adopt[i] >= 0 && t >= adopt[i] {
				y++
			}
			rows[t] = domain.ObservationRow{Region: c, Period: domain.Period{G: domain.Month, Index: int32(first + t)}.String(), Value: y}
		}
		apply(ser, domain.ObservationsRecorded{Indicator: "ind", Source: "bench", Rows: rows})
	}
	cat.Advance(pos)
	ser.Advance(pos)
	ivs.Advance(pos)
	e := &evaluate.Evaluator{Catalog: cat, Series: ser, Interventions: ivs}
	for _, control := range []string{impact.NeverTreated, impact.NotYetTreated} {
		for _, inference := range []string{impact.InferenceAnalytic, impact.InferenceBootstrap} {
			b.Run(control+"/"+inference, func(b *testing.B) {
				for b.Loop() {
					r, err := e.Staggered(context.Background(), evaluate.StaggeredQuery{Interventions: ids, Indicator: "ind", Control: control, Inference: inference})
					if err != nil {
						b.Fatal(err)
					}
					if len(r.Regions) != 1000 || r.Inference != inference {
						b.Fatalf("%d treated regions, want 1000; inference %s", len(r.Regions), r.Inference)
					}
				}
			})
		}
	}
}
