package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestLoad runs `make load`: SUPPLYEVAL_LOAD_CLIENTS concurrent clients
// (default 100) against the real binary on loopback, seeded with the demo
// world, for SUPPLYEVAL_LOAD (a duration, e.g. 60s), each sending a mix
// of reads (series, interventions, regions, position; 9 in 10) and writes
// (a batch of observations in the client's own series; 1 in 10). It
// reports errors, throughput and latency percentiles, and fails on any
// error.
func TestLoad(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("SUPPLYEVAL_LOAD"))
	if err != nil || d <= 0 {
		t.Skip("set SUPPLYEVAL_LOAD=60s (make load) to run the load test")
	}
	clients := 100
	if n, err := fmt.Sscan(os.Getenv("SUPPLYEVAL_LOAD_CLIENTS"), &clients); n != 1 || err != nil {
		clients = 100
	}
	s := startServer(t, t.TempDir(), "--demo")
	s.must(`mutation { defineIndicator(input: {code: "LOAD", name: "Load test", family: CONTEXT, unit: "count",
	  granularity: DAY, desiredDirection: NONE}) { position } }`, nil)
	cat := s.must(`{ regions { code } indicators { code } interventions { id } }`, nil)
	codes := func(key, field string) []string {
		var out []string
		for _, x := range cat[key].([]any) {
			out = append(out, x.(map[string]any)[field].(string))
		}
		return out
	}
	regions := codes("regions", "code")
	var indicators []string // the monthly ones, which the reads ask for by month
	for _, x := range s.must(`{ indicators { code granularity } }`, nil)["indicators"].([]any) {
		if m := x.(map[string]any); m["granularity"] == "MONTH" {
			indicators = append(indicators, m["code"].(string))
		}
	}

	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	type sample struct {
		d     time.Duration
		write bool
	}
	var (
		mu      sync.Mutex
		samples []sample
		errs    []string
	)
	do := func(q string, vars map[string]any) error {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		resp, err := hc.Post(s.url, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var r response
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("status %d: %q", resp.StatusCode, raw)
		}
		if len(r.Errors) > 0 {
			return fmt.Errorf("%s (%v)", r.Errors[0].Message, r.Errors[0].Extensions["code"])
		}
		return nil
	}
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			day := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)
			dims := []any{map[string]any{"key": "client", "value": fmt.Sprint(c)}}
			for i := 0; time.Now().Before(deadline); i++ {
				var q string
				var vars map[string]any
				write := rng.IntN(10) == 0
				switch {
				case write:
					rows := make([]any, 10)
					for j := range rows {
						rows[j] = map[string]any{"region": regions[0], "period": day.Format("2006-01-02"), "value": float64(j), "dimensions": dims}
						day = day.AddDate(0, 0, 1)
					}
					q = `mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "LOAD", source: "load", rows: $rows}) { position } }`
					vars = map[string]any{"rows": rows}
				case i%3 == 0:
					q = `query($r: ID) { position interventions(region: $r) { id title start end } }`
					vars = map[string]any{"r": regions[rng.IntN(len(regions))]}
				default:
					q = `query($i: ID!, $r: ID!) { series(indicator: $i, region: $r, from: "2016-01", to: "2020-12") { points { period value } } }`
					vars = map[string]any{"i": indicators[rng.IntN(len(indicators))], "r": regions[rng.IntN(len(regions))]}
				}
				t0 := time.Now()
				err := do(q, vars)
				el := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs = append(errs, err.Error())
				} else {
					samples = append(samples, sample{el, write})
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	pct := func(write bool, all bool, p float64) time.Duration {
		var ds []time.Duration
		for _, s := range samples {
			if all || s.write == write {
				ds = append(ds, s.d)
			}
		}
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		return ds[min(len(ds)-1, int(p*float64(len(ds))))]
	}
	writes := 0
	for _, s := range samples {
		if s.write {
			writes++
		}
	}
	report := fmt.Sprintf("load: %d clients for %s: %d requests (%d writes of 10 observations, %d reads), %d errors; %.0f requests/s; "+
		"p50 %s, p99 %s (reads p99 %s; writes p50 %s, p99 %s), max %s",
		clients, elapsed.Round(time.Millisecond), len(samples), writes, len(samples)-writes, len(errs), float64(len(samples))/elapsed.Seconds(),
		pct(false, true, 0.50), pct(false, true, 0.99), pct(false, false, 0.99), pct(true, false, 0.50), pct(true, false, 0.99), pct(false, true, 1))
	fmt.Println(report)
	t.Log(report)
	if len(errs) > 0 {
		t.Errorf("%d requests failed, first: %s", len(errs), errs[0])
	}
	s.stop()
}
