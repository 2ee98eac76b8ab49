package projections_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// monthlyRows returns one batch: one value per month for each region.
func monthlyRows(regions []string, from, months int) []domain.ObservationRow {
	rows := make([]domain.ObservationRow, 0, len(regions)*months)
	for _, r := range regions {
		for m := 0; m < months; m++ {
			p := domain.Period{G: domain.Month, Index: int32(from + m)}
			rows = append(rows, domain.ObservationRow{Region: r, Period: p.String(), Value: float64(m%97) + 0.25})
		}
	}
	return rows
}

func regionCodes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("R%04d", i)
	}
	return out
}

// BenchmarkSeriesApply measures how fast the series read model applies
// recorded observations (in memory, no store): observations/s.
func BenchmarkSeriesApply(b *testing.B) {
	regions := regionCodes(100)
	batches := make([]domain.ObservationsRecorded, 0, 30)
	for y := 0; y < 30; y++ {
		batches = append(batches, domain.ObservationsRecorded{Indicator: "ind", Source: "bench", Rows: monthlyRows(regions, (1990+y)*12, 12)})
	}
	perRound := 0
	for _, bt := range batches {
		perRound += len(bt.Rows)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := projections.NewSeries()
		pos := uint64(1)
		_ = s.Apply(domain.Recorded{Event: domain.IndicatorDefined{Code: "ind", Granularity: domain.Month}, Position: pos})
		for _, bt := range batches {
			pos++
			if err := s.Apply(domain.Recorded{Event: bt, Position: pos}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(perRound)*float64(b.N)/b.Elapsed().Seconds(), "obs/s")
}

// BenchmarkColdRebuild1M records one million observations (200 regions x
// 5 indicators x 1,000 months, in batches of 1,000 rows) into an embedded
// store, then measures rebuilding every read model from the log through
// the watermill router, as a cold start does.
func BenchmarkColdRebuild1M(b *testing.B) {
	dir := b.TempDir()
	n := projectionstest.Start(b, dir)
	regions := regionCodes(200)
	for _, r := range regions {
		n.Do(domain.DefineRegion{Code: r, Name: r, Country: "NL", Level: domain.RegionLevelNuts3})
	}
	total := 0
	for ind := 0; ind < 5; ind++ {
		code := fmt.Sprintf("ind%d", ind)
		n.Do(domain.DefineIndicator{Code: code, Name: code, Family: domain.FamilyAvailability, Unit: "u", Granularity: domain.Month, DesiredDirection: domain.DirectionNone})
		for r := 0; r < len(regions); r++ {
			rows := monthlyRows(regions[r:r+1], 1900*12, 1000)
			if _, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, domain.RecordObservations{Indicator: code, Source: "bench", Rows: rows}); err != nil {
				b.Fatal(err)
			}
			total += len(rows)
		}
	}
	head := n.Head()
	n.Wait(head)
	n.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rebuildDir := b.TempDir()
		copyDir(b, dir+"/events", rebuildDir+"/events")
		b.StartTimer()
		start := time.Now()
		m := projectionstest.Start(b, rebuildDir) // no snapshots: replays the log
		if got := m.Runner.Position(); got != head {
			b.Fatalf("rebuilt to %d, want %d", got, head)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/rebuild")
		b.StopTimer()
		m.Stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(total), "observations")
}

func copyDir(tb testing.TB, from, to string) {
	tb.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkSeriesFootprint builds the series read model of a panel of
// 200 regions x 30 monthly indicators x 360 months (2.16 M points, a tenth
// of the Council-of-Europe panel) by applying events, and reports the heap
// it holds per point, the size of its snapshot per point, and the time to
// write and to read that snapshot (a warm restart's cost).
func BenchmarkSeriesFootprint(b *testing.B) {
	regions := regionCodes(200)
	const indicators, months = 30, 360
	for i := 0; i < b.N; i++ {
		before := heapInUse()
		s := projections.NewSeries()
		pos := uint64(0)
		for ind := 0; ind < indicators; ind++ {
			code := fmt.Sprintf("IND%02d", ind)
			pos++
			_ = s.Apply(domain.Recorded{Event: domain.IndicatorDefined{Code: code, Granularity: domain.Month}, Position: pos})
			for r := 0; r < len(regions); r += 25 {
				pos++
				ev := domain.ObservationsRecorded{Indicator: code, Source: "bench", Rows: monthlyRows(regions[r:r+25], 1995*12, months)}
				if err := s.Apply(domain.Recorded{Event: ev, Position: pos}); err != nil {
					b.Fatal(err)
				}
			}
		}
		held := heapInUse() - before
		_, points := s.Len()
		var snap bytes.Buffer
		start := time.Now()
		if err := s.WriteSnapshot(&snap); err != nil {
			b.Fatal(err)
		}
		write := time.Since(start)
		start = time.Now()
		if err := projections.NewSeries().ReadSnapshot(bytes.NewReader(snap.Bytes())); err != nil {
			b.Fatal(err)
		}
		read := time.Since(start)
		b.ReportMetric(float64(held)/float64(points), "heapB/point")
		b.ReportMetric(float64(snap.Len())/float64(points), "snapB/point")
		b.ReportMetric(write.Seconds(), "s/snapWrite")
		b.ReportMetric(read.Seconds(), "s/snapRead")
		runtime.KeepAlive(s)
	}
}
