package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// BenchmarkSeriesHTTP measures `series` over HTTP on loopback for 30
// years of monthly data (360 points), with concurrent clients: it reports
// p50 and p99 latency and queries per second (DESIGN.md section 8: p50
// <= 1 ms, >= 5,000 queries/s). "cached" repeats one query, so after the
// first it is answered from the answer cache; "uncached" runs every query
// through graphql-go's executor.
func BenchmarkSeriesHTTP(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchmarkSeriesHTTP(b, graphql.Limits{}, false) })
	b.Run("uncached", func(b *testing.B) { benchmarkSeriesHTTP(b, graphql.Limits{CacheBytes: -1}, false) })
}

// BenchmarkSeriesUnderWrites is BenchmarkSeriesHTTP with a concurrent
// writer recording 100 observation batches a second (one row each, for
// another region than the one read): it reports what readers see while
// the log grows, with and without the answer cache.
func BenchmarkSeriesUnderWrites(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchmarkSeriesHTTP(b, graphql.Limits{}, true) })
	b.Run("uncached", func(b *testing.B) { benchmarkSeriesHTTP(b, graphql.Limits{CacheBytes: -1}, true) })
}

func benchmarkSeriesHTTP(b *testing.B, limits graphql.Limits, writer bool) {
	a := newAPI(b, limits)
	a.node.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	a.node.Do(domain.DefineRegion{Code: "NL32", Name: "Noord-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	a.node.Do(domain.DefineIndicator{Code: "price", Name: "price", Family: domain.FamilyAvailability, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
	rows := make([]domain.ObservationRow, 360)
	for m := range rows {
		rows[m] = domain.ObservationRow{Region: "NL33", Period: domain.Period{G: domain.Month, Index: int32(1995*12 + m)}.String(), Value: 50 + float64(m%13)}
	}
	a.node.Do(domain.RecordObservations{Indicator: "price", Source: "bench", Rows: rows})
	body, _ := json.Marshal(map[string]any{"query": `{ series(indicator: "price", region: "NL33", from: "1995-01", to: "2024-12") { points { period value } } }`})
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport}
	defer transport.CloseIdleConnections()

	if writer {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(10 * time.Millisecond) // 100 batches/s
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				_, err := a.node.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("bench")},
					domain.RecordObservations{Indicator: "price", Source: "bench-writer", Rows: []domain.ObservationRow{
						// A new (period, breakdown) each time: 2,400 months, then another breakdown.
						{Region: "NL32", Period: domain.Period{G: domain.Month, Index: int32(1900*12 + i%2400)}.String(), Value: float64(i),
							Dimensions: []domain.Dimension{{Key: "round", Value: strconv.Itoa(i / 2400)}}},
					}})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
		defer func() { close(stop); <-done }()
	}

	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(4) // 8 concurrent clients on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			start := time.Now()
			resp, err := client.Post(a.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || n < 360*20 {
				b.Errorf("status %d, %d bytes", resp.StatusCode, n)
				return
			}
			local = append(local, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkSeriesOneClient measures the latency of one client alone,
// without the answer cache.
func BenchmarkSeriesOneClient(b *testing.B) {
	a := newAPI(b, graphql.Limits{CacheBytes: -1})
	a.node.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	a.node.Do(domain.DefineIndicator{Code: "price", Name: "price", Family: domain.FamilyAvailability, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
	rows := make([]domain.ObservationRow, 360)
	for m := range rows {
		rows[m] = domain.ObservationRow{Region: "NL33", Period: domain.Period{G: domain.Month, Index: int32(1995*12 + m)}.String(), Value: 50}
	}
	a.node.Do(domain.RecordObservations{Indicator: "price", Source: "bench", Rows: rows})
	body, _ := json.Marshal(map[string]any{"query": `{ series(indicator: "price", region: "NL33") { points { period value } } }`})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(a.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
