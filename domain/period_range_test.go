package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
)

func TestParsePeriodRange(t *testing.T) {
	for in, want := range map[string]domain.PeriodRange{
		"1900:2100":   {From: 1900, To: 2100},
		" 2000:2000 ": {From: 2000, To: 2000},
		"1800:2200":   {From: 1800, To: 2200},
	} {
		got, err := domain.ParsePeriodRange(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriodRange(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, wantText := range map[string]string{
		"1900":      "FROM:TO",
		"1900-2100": "FROM:TO",
		"a:b":       "FROM:TO",
		"2100:1900": "first year is after the last",
		"1799:2100": "between 1800 and 2200",
		"1900:2201": "between 1800 and 2200",
	} {
		_, err := domain.ParsePeriodRange(in)
		if err == nil || !strings.Contains(err.Error(), wantText) {
			t.Errorf("ParsePeriodRange(%q): %v, want an error saying %q", in, err, wantText)
		}
	}
	if err := (domain.ServiceConfig{Log: nil, Periods: domain.PeriodRange{From: 2100, To: 1900}}).Validate(); err == nil {
		t.Error("a config without a log and with a reversed range validated")
	}
	store, err := embedded.Open(embedded.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(store), Periods: domain.PeriodRange{From: 2100, To: 1900}}); err == nil ||
		!strings.Contains(err.Error(), "2100:1900") {
		t.Errorf("NewService with a reversed range: %v", err)
	}
}

// TestPeriodRangeRefusesTheSpanAttack: the batch of issue 11 (600 DAY rows
// from 1800-01-01 to 2200-12-31) is refused by the default range, naming
// the first row outside it, and nothing is recorded; so is a period just
// outside the range at every granularity, while its edges are accepted.
func TestPeriodRangeRefusesTheSpanAttack(t *testing.T) {
	w := newWorld(t)
	w.basics()
	w.do(domain.DefineIndicator{Code: "daily", Name: "Daily seizures", Family: domain.FamilyAvailability,
		Unit: "count", Granularity: domain.Day, DesiredDirection: domain.DirectionNone})
	rows := make([]domain.ObservationRow, 0, 600)
	for i := 0; i < 300; i++ {
		dims := []domain.Dimension{{Key: "k", Value: fmt.Sprintf("v%d", i)}}
		rows = append(rows, domain.ObservationRow{Region: "NL33", Period: "2000-01-01", Value: 1, Dimensions: dims},
			domain.ObservationRow{Region: "NL33", Period: "2200-12-31", Value: 2, Dimensions: dims})
	}
	w.refuse(domain.RecordObservations{Indicator: "daily", Source: "attack", Rows: rows}, domain.BadInput, "rows[1].period")
	rows[1].Period = "2100-12-31"
	rows[2].Period = "1800-01-01"
	w.refuse(domain.RecordObservations{Indicator: "daily", Source: "attack", Rows: rows}, domain.BadInput, "rows[2].period")

	for _, g := range []struct {
		g              domain.Granularity
		first, last    string
		before, beyond string
	}{
		{domain.Year, "1900", "2100", "1899", "2101"},
		{domain.Quarter, "1900-Q1", "2100-Q4", "1899-Q4", "2101-Q1"},
		{domain.Month, "1900-01", "2100-12", "1899-12", "2101-01"},
		{domain.Week, "1900-W01", "2100-W52", "1899-W52", "2101-W01"},
		{domain.Day, "1900-01-01", "2100-12-31", "1899-12-31", "2101-01-01"},
	} {
		code := "ind" + strings.ToLower(string(g.g))
		w.do(domain.DefineIndicator{Code: code, Name: code, Family: domain.FamilyContext, Unit: "u", Granularity: g.g, DesiredDirection: domain.DirectionNone})
		rec := func(periods ...string) domain.RecordObservations {
			c := domain.RecordObservations{Indicator: code, Source: "test"}
			for _, p := range periods {
				c.Rows = append(c.Rows, domain.ObservationRow{Region: "NL33", Period: p, Value: 1})
			}
			return c
		}
		w.refuse(rec(g.first, g.before), domain.BadInput, "rows[1].period")
		w.refuse(rec(g.first, g.last, g.beyond), domain.BadInput, "rows[2].period")
		w.do(rec(g.first, g.last))
		w.refuse(domain.ReviseObservation{Indicator: code, Region: "NL33", Period: g.beyond, Value: 1, Reason: "x"}, domain.BadInput, "period")
		w.refuse(domain.RetractObservation{Indicator: code, Region: "NL33", Period: g.before, Reason: "x"}, domain.BadInput, "period")
	}
	w.do(domain.LaunchOperation{ID: "op-1", Title: "Port control", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationPublic})
	w.refuse(domain.ReportOperationOutputs{ID: "op-1", Period: "2101-01", Arrests: 3}, domain.BadInput, "period")
}

// TestPeriodRangeSetByTheOperator: a narrower range refuses what the
// default accepts; points recorded under a wider range can still be
// revised and retracted.
func TestPeriodRangeSetByTheOperator(t *testing.T) {
	dir := t.TempDir()
	store, err := embedded.Open(embedded.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	open := func(r domain.PeriodRange) *world {
		svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(store), Now: func() time.Time { return fixedNow }, Periods: r})
		if err != nil {
			t.Fatal(err)
		}
		return &world{t: t, store: store, svc: svc}
	}
	w := open(domain.PeriodRange{From: 1800, To: 2200})
	w.basics()
	w.do(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "1850-01", Value: 1}, {Region: "NL33", Period: "2150-01", Value: 2}}})

	w = open(domain.PeriodRange{From: 2000, To: 2010})
	w.refuse(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2010-12", Value: 1}, {Region: "NL33", Period: "1999-12", Value: 2}}}, domain.BadInput, "rows[1].period")
	w.do(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2000-01", Value: 1}, {Region: "NL33", Period: "2010-12", Value: 2}}})
	w.do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "1850-01", Value: 1.5, Reason: "corrected"})
	w.do(domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2150-01", Reason: "withdrawn"})
	w.refuse(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{
		{Region: "NL33", Period: "2150-01", Value: 2}}}, domain.BadInput, "rows[0].period")
}

// FuzzParsePeriodRange: any text either parses to a valid range that
// formats back to a text parsing the same, or is refused; never a panic.
func FuzzParsePeriodRange(f *testing.F) {
	for _, s := range []string{"1900:2100", "2100:1900", "1800:2200", "1900", ":", "-1:+5", " 2000 : 2001 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := domain.ParsePeriodRange(s)
		if err != nil {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("%q parsed to an invalid range: %v", s, err)
		}
		if back, err := domain.ParsePeriodRange(r.String()); err != nil || back != r {
			t.Fatalf("%q: %v formats as %q, which parses to %v, %v", s, r, r.String(), back, err)
		}
	})
}
