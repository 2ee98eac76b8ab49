package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

// BenchmarkCommandPath sends batches of 1,000 observations through the
// node's command path (Node.Bus.Handle: the path of a GraphQL mutation,
// an import or the NATS ingest) to the domain service and the embedded
// store, fsync included: the cost of the in-process path is the
// difference from BenchmarkCommandPath/service, which calls the service
// directly.
func BenchmarkCommandPath(b *testing.B) {
	ctx := context.Background()
	n, err := Open(ctx, Config{DataDir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	env := domain.Envelope{Principal: domain.System("bench")}
	for _, c := range []domain.Command{
		domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry},
		domain.DefineIndicator{Code: "seized", Name: "Seized", Family: domain.FamilyAvailability, Unit: "kg", Granularity: domain.Day, DesiredDirection: domain.DirectionNone},
	} {
		if _, err := n.Bus.Handle(ctx, env, c); err != nil {
			b.Fatal(err)
		}
	}
	rows := make([]domain.ObservationRow, 1000)
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = domain.ObservationRow{Region: "NL", Period: day.AddDate(0, 0, i).Format("2006-01-02"), Value: float64(i)}
	}
	batch := 0
	next := func() domain.RecordObservations {
		batch++
		rs := make([]domain.ObservationRow, len(rows))
		copy(rs, rows)
		dims := []domain.Dimension{{Key: "batch", Value: strconv.Itoa(batch)}}
		for i := range rs {
			rs[i].Dimensions = dims
		}
		return domain.RecordObservations{Indicator: "seized", Source: "bench", Rows: rs}
	}
	for _, path := range []struct {
		name   string
		handle func(context.Context, domain.Envelope, domain.Command) (domain.Result, error)
	}{{"bus", n.Bus.Handle}, {"service", n.Service.Handle}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				cmd := next()
				b.StartTimer()
				if _, err := path.handle(ctx, env, cmd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
