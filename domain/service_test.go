package domain_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
)

// world is a Service over a real embedded store in a temporary directory.
type world struct {
	t     testing.TB
	store *embedded.Store
	svc   *domain.Service
}

var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func newWorld(t testing.TB) *world {
	t.Helper()
	store, err := embedded.Open(embedded.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(store), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, store: store, svc: svc}
}

func (w *world) head() eventstore.Position {
	w.t.Helper()
	h, err := w.store.Head(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return h
}

// do runs a command that must succeed.
func (w *world) do(cmd domain.Command) domain.Result {
	w.t.Helper()
	res, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd)
	if err != nil {
		w.t.Fatalf("%s: %v", cmd.CommandName(), err)
	}
	return res
}

// refuse runs a command that must fail with code, naming field, and
// checks that the log did not change.
func (w *world) refuse(cmd domain.Command, code domain.Code, field string) {
	w.t.Helper()
	before := w.head()
	_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd)
	if err == nil {
		w.t.Fatalf("%s %+v: succeeded, want %s", cmd.CommandName(), cmd, code)
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		w.t.Fatalf("%s: error %v is not a *domain.Error", cmd.CommandName(), err)
	}
	if de.Code != code || de.Field != field {
		w.t.Fatalf("%s: got %s on %q (%v), want %s on %q", cmd.CommandName(), de.Code, de.Field, err, code, field)
	}
	if strings.TrimSpace(de.Message) == "" {
		w.t.Fatalf("%s: error without a message", cmd.CommandName())
	}
	if after := w.head(); after != before {
		w.t.Fatalf("%s was refused but the log moved from %d to %d", cmd.CommandName(), before, after)
	}
}

func (w *world) basics() {
	w.t.Helper()
	w.do(domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	w.do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"})
	w.do(domain.DefineRegion{Code: "BE21", Name: "Prov. Antwerpen", Country: "BE", Level: domain.RegionLevelNuts2})
	w.do(domain.DefineIndicator{Code: "price", Name: "Cocaine retail price", Family: domain.FamilyAvailability,
		Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
}

func TestRegionRules(t *testing.T) {
	w := newWorld(t)
	w.basics()
	w.refuse(domain.DefineRegion{Code: "NL33", Name: "again", Country: "NL", Level: domain.RegionLevelNuts2}, domain.Conflict, "code")
	w.refuse(domain.DefineRegion{Code: "NL34", Name: "x", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL9"}, domain.NotFound, "parent")
	w.refuse(domain.DefineRegion{Code: "NL34", Name: "x", Country: "NLD", Level: domain.RegionLevelNuts2}, domain.BadInput, "country")
	w.refuse(domain.DefineRegion{Code: "NL34", Name: "x", Country: "NL", Level: "PROVINCE"}, domain.BadInput, "level")
	w.refuse(domain.DefineRegion{Code: "NL 34", Name: "x", Country: "NL", Level: domain.RegionLevelNuts2}, domain.BadInput, "code")
	w.refuse(domain.DefineRegion{Code: "NL34", Name: " ", Country: "NL", Level: domain.RegionLevelNuts2}, domain.BadInput, "name")

	w.refuse(domain.LinkRegions{A: "NL33", B: "NL33", Kind: domain.LinkKindLandBorder}, domain.BadInput, "b")
	w.refuse(domain.LinkRegions{A: "NL33", B: "XX99", Kind: domain.LinkKindLandBorder}, domain.NotFound, "b")
	w.refuse(domain.LinkRegions{A: "XX99", B: "NL33", Kind: domain.LinkKindLandBorder}, domain.NotFound, "a")
	w.do(domain.LinkRegions{A: "NL33", B: "BE21", Kind: domain.LinkKindLandBorder})
	// Symmetric: the same link named the other way round is a duplicate.
	w.refuse(domain.LinkRegions{A: "BE21", B: "NL33", Kind: domain.LinkKindLandBorder}, domain.Conflict, "kind")
	w.do(domain.LinkRegions{A: "BE21", B: "NL33", Kind: domain.LinkKindRailRoad})
}

func TestObservationRules(t *testing.T) {
	w := newWorld(t)
	w.basics()
	row := func(region, period string, v float64) domain.ObservationRow {
		return domain.ObservationRow{Region: region, Period: period, Value: v}
	}
	rec := func(rows ...domain.ObservationRow) domain.RecordObservations {
		return domain.RecordObservations{Indicator: "price", Source: "test", Rows: rows}
	}
	w.refuse(rec(), domain.BadInput, "rows")
	w.refuse(rec(row("NL33", "2020-Q1", 60)), domain.BadInput, "rows[0].period")
	w.refuse(rec(row("NL33", "2020-01", 60), row("NL33", "2020-13", 61)), domain.BadInput, "rows[1].period")
	w.refuse(rec(row("NL33", "2020-01", 60), row("XX99", "2020-02", 61)), domain.NotFound, "rows[1].region")
	w.refuse(rec(row("NL33", "2020-01", 60), row("NL33", "2020-01", 61)), domain.BadInput, "rows[1]")
	w.refuse(domain.RecordObservations{Indicator: "nope", Source: "test", Rows: []domain.ObservationRow{row("NL33", "2020-01", 1)}}, domain.NotFound, "indicator")
	w.refuse(domain.RecordObservations{Indicator: "price", Rows: []domain.ObservationRow{row("NL33", "2020-01", 1)}}, domain.BadInput, "source")

	w.do(rec(row("NL33", "2020-01", 60), row("NL33", "2020-02", 61), row("BE21", "2020-01", 58)))
	// The same point again, without revision, is refused.
	w.refuse(rec(row("NL33", "2020-03", 62), row("NL33", "2020-02", 61)), domain.Conflict, "rows[1]")
	// With a breakdown it is another series.
	w.do(rec(domain.ObservationRow{Region: "NL33", Period: "2020-02", Value: 70,
		Dimensions: []domain.Dimension{{Key: "substance", Value: "cocaine"}}}))
	w.refuse(rec(domain.ObservationRow{Region: "NL33", Period: "2020-03", Value: 70,
		Dimensions: []domain.Dimension{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}}), domain.BadInput, "rows[0].dimensions")

	w.refuse(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-05", Value: 1, Reason: "x"}, domain.NotFound, "period")
	w.refuse(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Value: 1}, domain.BadInput, "reason")
	w.do(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Value: 59.5, Reason: "typo in source", Source: "test"})
	w.do(domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Reason: "withdrawn by publisher"})
	w.refuse(domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Reason: "again"}, domain.NotFound, "period")
	w.refuse(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Value: 1, Reason: "x"}, domain.NotFound, "period")
	// A retracted point may be recorded anew.
	w.do(rec(row("NL33", "2020-01", 60.5)))
}

func TestOperationAndPolicyRules(t *testing.T) {
	w := newWorld(t)
	w.basics()
	launch := domain.LaunchOperation{ID: "op-1", Title: "Port control", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationRestricted}
	bad := launch
	bad.Regions = []string{"NL33", "XX99"}
	w.refuse(bad, domain.NotFound, "regions[1]")
	bad = launch
	bad.Start = "2018-02-30"
	w.refuse(bad, domain.BadInput, "start")
	bad = launch
	bad.Classification = ""
	w.refuse(bad, domain.BadInput, "classification")
	bad = launch
	bad.Regions = []string{"NL33", "NL33"}
	w.refuse(bad, domain.BadInput, "regions[1]")
	w.do(launch)
	w.refuse(launch, domain.Conflict, "id")

	w.refuse(domain.ReportOperationOutputs{ID: "op-1", Period: "2017-06", Arrests: 3}, domain.BadInput, "period")
	w.refuse(domain.ReportOperationOutputs{ID: "op-1", Period: "2018-06", Arrests: -1}, domain.BadInput, "arrests")
	w.do(domain.ReportOperationOutputs{ID: "op-1", Period: "2018-06", Arrests: 3, Seizures: []domain.Seizure{{Substance: "cocaine", Kg: 120}}, Cost: 1e5})
	w.refuse(domain.ReportOperationOutputs{ID: "op-1", Period: "2018-06", Arrests: 1}, domain.Conflict, "period")
	w.refuse(domain.ReportOperationOutputs{ID: "op-2", Period: "2018-06"}, domain.NotFound, "id")

	w.refuse(domain.ChangeOperationScope{ID: "op-1", Removed: []string{"NL33"}, Reason: "x"}, domain.BadInput, "removed")
	w.refuse(domain.ChangeOperationScope{ID: "op-1", Added: []string{"NL33"}, Reason: "x"}, domain.Conflict, "added[0]")
	w.do(domain.ChangeOperationScope{ID: "op-1", Added: []string{"BE21"}, Reason: "joint action"})

	w.refuse(domain.DeclassifyOperation{ID: "op-1", Classification: domain.ClassificationConfidential}, domain.BadInput, "classification")
	w.do(domain.DeclassifyOperation{ID: "op-1", Classification: domain.ClassificationPublic})

	w.refuse(domain.ConcludeOperation{ID: "op-1", End: "2017-12-31"}, domain.BadInput, "end")
	w.do(domain.ConcludeOperation{ID: "op-1", End: "2019-06-30", Summary: "done"})
	w.refuse(domain.ConcludeOperation{ID: "op-1", End: "2019-07-30"}, domain.Conflict, "id")
	w.refuse(domain.ChangeOperationScope{ID: "op-1", Added: []string{"NL"}, Reason: "x"}, domain.Conflict, "id")

	adopt := domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursor controls", Kind: domain.PolicyKindPrecursorControl,
		Jurisdictions: []string{"NL"}, Adopted: "2019-03-01", Effective: "2019-07-01",
		ExpectedEffects: []domain.ExpectedEffect{{Family: domain.FamilyAvailability, Direction: domain.DirectionDown}}}
	same := adopt
	same.ID = "op-1"
	w.refuse(same, domain.Conflict, "id") // operations and policy changes share IDs
	w.do(adopt)
	w.refuse(domain.AmendPolicyChange{ID: "pol-1", Reason: "x"}, domain.BadInput, "")
	w.do(domain.AmendPolicyChange{ID: "pol-1", Effective: "2019-09-01", Reason: "delayed entry into force"})
	w.refuse(domain.RepealPolicyChange{ID: "pol-1", Effective: "2019-08-01", Reason: "x"}, domain.BadInput, "effective")
	w.do(domain.RepealPolicyChange{ID: "pol-1", Effective: "2023-01-01", Reason: "replaced"})
	w.refuse(domain.RepealPolicyChange{ID: "pol-1", Effective: "2024-01-01", Reason: "x"}, domain.Conflict, "id")
	w.refuse(domain.AmendPolicyChange{ID: "pol-1", Title: "y", Reason: "x"}, domain.Conflict, "id")
}

func TestCommandIDIsIdempotent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	cmd := domain.DefineRegion{Code: "DE60", Name: "Hamburg", Country: "DE", Level: domain.RegionLevelNuts2}
	env := domain.Envelope{Principal: domain.System("test"), CommandID: "cmd-1"}
	first, err := w.svc.Handle(ctx, env, cmd)
	if err != nil {
		t.Fatal(err)
	}
	head := w.head()
	again, err := w.svc.Handle(ctx, env, cmd)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if !again.Duplicate || again.Position != first.Position || again.Events != 0 {
		t.Fatalf("retry = %+v, want a duplicate at position %d", again, first.Position)
	}
	if w.head() != head {
		t.Fatal("retry recorded something")
	}
	// A fresh Service over the same log (a restarted process) also knows it.
	svc2, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(w.store)})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := svc2.Handle(ctx, env, cmd); err != nil || !res.Duplicate || res.Position != first.Position {
		t.Fatalf("retry after restart = %+v, %v", res, err)
	}
	// The same ID for a different command is refused.
	other := cmd
	other.Name = "Hamburg (city state)"
	if _, err := w.svc.Handle(ctx, env, other); domain.ErrorCode(err) != domain.Conflict {
		t.Fatalf("reused command ID: %v, want CONFLICT", err)
	}
	if w.head() != head {
		t.Fatal("reused command ID recorded something")
	}
}

func TestConcurrentWritersOneWinsPerExpectedVersion(t *testing.T) {
	w := newWorld(t)
	w.basics()
	ctx := context.Background()
	// Two processes (two Services over one store) decide on the same
	// stream from the same version: exactly one append wins.
	svc2, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(w.store)})
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	v := int64(0) // indicator-price is at version 0 (its definition)
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			svc := w.svc
			if i%2 == 1 {
				svc = svc2
			}
			env := domain.Envelope{Principal: domain.System(fmt.Sprintf("writer-%d", i)), ExpectedVersion: &v}
			_, errs[i] = svc.Handle(ctx, env, domain.RecordObservations{Indicator: "price", Source: "test",
				Rows: []domain.ObservationRow{{Region: "NL33", Period: fmt.Sprintf("2021-%02d", i+1), Value: 1}}})
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch domain.ErrorCode(err) {
		case "":
			wins++
		case domain.Conflict:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won at the same expected version, want exactly 1", wins)
	}

	// Without an expected version, writers in one process are serialised
	// and all succeed; none is lost.
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = w.svc.Handle(ctx, domain.Envelope{Principal: domain.System("test")}, domain.RecordObservations{Indicator: "price", Source: "test",
				Rows: []domain.ObservationRow{{Region: "BE21", Period: fmt.Sprintf("2022-%02d", i+1), Value: 2}}})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	recs, err := eventstore.NewLog(w.store).Load(ctx, domain.IndicatorStream("price"), -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+1+writers {
		t.Fatalf("indicator stream has %d events, want %d", len(recs), 2+writers)
	}
}

func TestEventsCarryMetadata(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	env := domain.Envelope{Principal: domain.System("analyst-7"), CommandID: "c-42", CorrelationID: "corr-1", CausationID: "cause-1"}
	if _, err := w.svc.Handle(ctx, env, domain.DefineRegion{Code: "FR10", Name: "Ile-de-France", Country: "FR", Level: domain.RegionLevelNuts2}); err != nil {
		t.Fatal(err)
	}
	recs, err := eventstore.NewLog(w.store).Load(ctx, domain.RegionStream("FR10"), -1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("load: %v, %d events", err, len(recs))
	}
	m := recs[0].Meta
	if m.Principal != "analyst-7" || m.CommandID != "c-42" || m.CorrelationID != "corr-1" || m.CausationID != "cause-1" ||
		m.Command != "defineRegion" || m.SchemaVersion != 1 || !m.RecordedAt.Equal(fixedNow) {
		t.Fatalf("metadata = %+v", m)
	}
	if recs[0].ID.String() == "" || recs[0].Position != 1 || recs[0].Version != 0 {
		t.Fatalf("recorded = %+v", recs[0])
	}
}
