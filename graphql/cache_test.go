package graphql_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// TestAnswerCacheSurvivesUnrelatedWrites: an answer read from one series
// is served again after writes to other series and other indicators, is
// replaced after a write to its own series (a new value, a revision, a
// retraction, a new breakdown), and one showing the latest position
// (asOf without an asOf argument) is replaced after every write. Before,
// any event emptied the cache.
func TestAnswerCacheSurvivesUnrelatedWrites(t *testing.T) {
	a := newAuthAPI(t)
	a.as("admin", `mutation { i: defineIndicator(input: {code: "heroin_price", name: "Heroin price", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position } }`, nil).mustOK(t)
	q := `{ series(indicator: "cocaine_price", region: "NLRTM") { points { period value } } }`
	withPos := `{ series(indicator: "cocaine_price", region: "NLRTM") { asOf points { value } } }`
	ask := func(query string) string {
		t.Helper()
		d := a.as("analyst-res", query, nil).mustOK(t)
		return fmt.Sprint(d["series"])
	}
	hits := func() uint64 { h, _ := a.server.CacheStats(); return h }
	write := func(m string) {
		t.Helper()
		a.as("admin", "mutation { w: "+m+" { position } }", nil).mustOK(t)
	}
	first, firstPos := ask(q), ask(withPos)
	h := hits()
	if ask(q); hits() != h+1 {
		t.Fatalf("a repeated question was not served from the cache")
	}
	// Writes elsewhere: another region, another indicator in the region.
	write(`recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [{region: "BEANR", period: "2018-01", value: 7}]})`)
	write(`recordObservations(input: {indicator: "heroin_price", source: "t", rows: [{region: "NLRTM", period: "2018-01", value: 40}]})`)
	h = hits()
	if got := ask(q); got != first || hits() != h+1 {
		t.Fatalf("after writes to other series: %s (hits %d -> %d), want the cached %s", got, h, hits(), first)
	}
	// The answer showing the latest position moved with them.
	if got := ask(withPos); got == firstPos {
		t.Fatalf("the answer with asOf stayed %s after the log moved", got)
	}
	// Writes to the series itself replace the answer.
	for _, m := range []struct{ mutation, want string }{
		{`recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [{region: "NLRTM", period: "2018-04", value: 60}]})`, "period:2018-04 value:60]"},
		{`reviseObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2018-04", value: 61, reason: "typo"})`, "period:2018-04 value:61]"},
		{`retractObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2018-04", reason: "wrong port"})`, "period:2018-03 value:55.5]]"},
		{`recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [{region: "NLRTM", period: "2018-05", value: 3, dimensions: [{key: "purity", value: "high"}]}]})`, "period:2018-03 value:55.5]]"},
	} {
		ask(q) // cached
		h := hits()
		write(m.mutation)
		got := ask(q)
		if hits() != h || !strings.Contains(got, m.want) {
			t.Fatalf("after %s: %s (hits %d -> %d), want a new answer with %q", m.mutation, got, h, hits(), m.want)
		}
	}
	// A new region definition (the catalogue) replaces it too.
	ask(q)
	h = hits()
	write(`defineRegion(input: {code: "DEHH", name: "Hamburg", country: "DE", level: PORT})`)
	if ask(q); hits() != h {
		t.Fatalf("an answer outlived a change to the catalogue")
	}
}

// TestAnswerCacheNeverStaleUnderWrites asks a series again and again while
// a writer records new values into it and into another series: every
// answer must hold at least the values acknowledged before it was asked.
func TestAnswerCacheNeverStaleUnderWrites(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.node.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	a.node.Do(domain.DefineRegion{Code: "NL32", Name: "Noord-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	a.node.Do(domain.DefineIndicator{Code: "price", Name: "price", Family: domain.FamilyAvailability, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
	const writes = 150
	var mu sync.Mutex
	acked := 0 // values of NL33 acknowledged
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < writes; i++ {
			for _, region := range []string{"NL32", "NL33"} {
				_, err := a.node.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")},
					domain.RecordObservations{Indicator: "price", Source: "t", Rows: []domain.ObservationRow{
						{Region: region, Period: domain.Period{G: domain.Month, Index: int32(2000*12 + i)}.String(), Value: float64(i)}}})
				if err != nil {
					t.Error(err)
					return
				}
			}
			mu.Lock()
			acked = i + 1
			mu.Unlock()
		}
	}()
	q := `{ series(indicator: "price", region: "NL33") { points { value } } }`
	for done := false; !done; {
		mu.Lock()
		before := acked
		done = before == writes
		mu.Unlock()
		// The read models follow the log: wait for them to reach the
		// acknowledged writes (a question without asOf answers what they
		// have reached), then ask.
		a.node.Wait(a.node.Head())
		pts := a.ok(q, nil)["series"].(map[string]any)["points"].([]any)
		if len(pts) < before {
			t.Fatalf("answer with %d values after %d were acknowledged and applied: a stale answer", len(pts), before)
		}
	}
	wg.Wait()
}
