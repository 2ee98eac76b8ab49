package projections_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// spanAttack is the batch of issue 11: 600 DAY rows in 300 series (one
// dimension value each), every series holding 1800-01-01 and 2200-12-31.
func spanAttack() domain.RecordObservations {
	rows := make([]domain.ObservationRow, 0, 600)
	for i := 0; i < 300; i++ {
		dims := []domain.Dimension{{Key: "k", Value: fmt.Sprintf("v%d", i)}}
		rows = append(rows,
			domain.ObservationRow{Region: "NL33", Period: "1800-01-01", Value: 1, Dimensions: dims},
			domain.ObservationRow{Region: "NL33", Period: "2200-12-31", Value: 2, Dimensions: dims})
	}
	return domain.RecordObservations{Indicator: "daily", Source: "attack", Rows: rows}
}

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestSpanAttackRefusedByDefault: with the default period range the
// batch is refused, naming its first row outside the range, and the log
// and the read model are unchanged.
func TestSpanAttackRefusedByDefault(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	defer n.Stop()
	defineDaily(n)
	head := n.Head()
	_, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.Principal{Name: "recorder", Roles: []domain.Role{domain.RoleRecorder}, Clearance: domain.ClassificationRestricted}}, spanAttack())
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field != "rows[0].period" {
		t.Fatalf("the span attack: %v, want BAD_INPUT on rows[0].period", err)
	}
	if n.Head() != head {
		t.Error("the refused batch moved the log")
	}
	if _, points := n.Series.Len(); points != 0 {
		t.Errorf("%d points held after a refused batch", points)
	}
}

func defineDaily(n *projectionstest.Node) {
	n.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.DefineIndicator{Code: "daily", Name: "Daily seizures", Family: domain.FamilyAvailability,
		Unit: "count", Granularity: domain.Day, DesiredDirection: domain.DirectionNone})
}

// TestSparseSeriesAttack: 600 DAY rows spanning 1800 to 2200, recorded
// where the operator allows those years (or found in a log written under
// such a range), must add memory with the points (600), not with the days
// between them (146,000 per series): under 10 MB of heap, and a series
// snapshot under 10 MB; a restart from the snapshot and a rebuild from
// the log stay as small. (Before sparse storage: 847 MB of heap, a
// 703 MB snapshot, 708 MB after a warm restart.)
func TestSparseSeriesAttack(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	const limit = 10 << 20
	wide := domain.PeriodRange{From: 1800, To: 2200}
	dir := t.TempDir()
	n := projectionstest.StartWithPeriods(t, dir, wide)
	defineDaily(n)
	before := heapInUse()
	n.Do(spanAttack())
	added := heapInUse() - before
	t.Logf("heap added by the attack: %.2f MB", float64(added)/1e6)
	if added > limit {
		t.Errorf("the attack added %.1f MB of heap; want under 10 MB", float64(added)/1e6)
	}
	if _, points := n.Series.Len(); points != 600 {
		t.Errorf("%d points held, want 600", points)
	}
	d, ok := n.Series.Get(projections.Query{Indicator: "daily", Region: "NL33", Dimensions: []domain.Dimension{{Key: "k", Value: "v7"}}})
	if !ok || values(d) != "1800-01-01=1 2200-12-31=2 " {
		t.Errorf("series v7: %q", values(d))
	}
	n.Stop()
	runtime.KeepAlive(n)
	fi, err := os.Stat(filepath.Join(dir, "snapshots", "series.snap"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("series snapshot: %.2f MB", float64(fi.Size())/1e6)
	if fi.Size() > limit {
		t.Errorf("series snapshot is %.1f MB; want under 10 MB", float64(fi.Size())/1e6)
	}
	n = nil

	for _, restart := range []string{"warm", "cold"} {
		if restart == "cold" {
			if err := os.RemoveAll(filepath.Join(dir, "snapshots")); err != nil {
				t.Fatal(err)
			}
		}
		before := heapInUse()
		m := projectionstest.StartWithPeriods(t, dir, wide)
		added := heapInUse() - before
		t.Logf("%s restart: heap %.2f MB", restart, float64(added)/1e6)
		if added > limit {
			t.Errorf("%s restart holds %.1f MB; want under 10 MB", restart, float64(added)/1e6)
		}
		d, ok := m.Series.Get(projections.Query{Indicator: "daily", Region: "NL33", Dimensions: []domain.Dimension{{Key: "k", Value: "v299"}}})
		if !ok || values(d) != "1800-01-01=1 2200-12-31=2 " {
			t.Errorf("%s restart: series v299: %q", restart, values(d))
		}
		m.Stop()
	}
}

// TestSeriesMemoryPerPointBound: a 100,000-row DAY batch (the most a
// command may hold) within the default range costs at most a few hundred
// bytes per point whatever the spacing of its periods: every day, points
// just close enough to share a run (the most empty slots), just too far
// (a run each), and far apart.
func TestSeriesMemoryPerPointBound(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	first := domain.PeriodOf(domain.Day, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)).Index
	last := domain.PeriodOf(domain.Day, time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)).Index
	for _, step := range []int32{1, 9, 10, 100, 5000} {
		rows := make([]domain.ObservationRow, 0, domain.MaxRowsPerBatch)
		for ser := 0; len(rows) < domain.MaxRowsPerBatch; ser++ {
			dims := []domain.Dimension{{Key: "k", Value: fmt.Sprint(ser)}}
			for p := first; p <= last && len(rows) < domain.MaxRowsPerBatch; p += step {
				rows = append(rows, domain.ObservationRow{Region: "R", Period: domain.Period{G: domain.Day, Index: p}.String(), Value: 1, Dimensions: dims})
			}
		}
		ev := domain.Recorded{Event: domain.ObservationsRecorded{Indicator: "d", Source: "s", Rows: rows}, Position: 2}
		before := heapInUse()
		s := projections.NewSeries()
		if err := s.Apply(domain.Recorded{Event: domain.IndicatorDefined{Code: "d", Granularity: domain.Day}, Position: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ev); err != nil {
			t.Fatal(err)
		}
		held := heapInUse() - before
		series, points := s.Len()
		perPoint := float64(held) / float64(points)
		t.Logf("every %d days: %d series, %d points, %.1f MB, %.0f bytes per point", step, series, points, float64(held)/1e6, perPoint)
		if perPoint > 300 {
			t.Errorf("every %d days: %.0f bytes per point, want at most 300", step, perPoint)
		}
		runtime.KeepAlive(s)
		runtime.KeepAlive(ev)
	}
}
