package main

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

// BenchmarkReplicaLag measures, on the local NATS server, the time from a
// write acknowledged on the primary (its command answered with a
// position) to the same position applied by every read model of a replica
// (the write visible there), at a sustained rate of
// SUPPLYEVAL_LAG_RATE batches per second (default 100) of 100 observations
// each; b.N batches, sent by 8 writers (one indicator each, so that their
// appends share the store's group commit) as a ticker releases them. It
// reports the rate achieved beside the lag percentiles. Primary and replica run in this process, each with its
// own NATS connection; the forwarder and the replica's consumers go
// through the server. Skipped without a NATS server.
func BenchmarkReplicaLag(b *testing.B) {
	url := natsBusB(b)
	rate := 100.0
	if v, err := strconv.ParseFloat(os.Getenv("SUPPLYEVAL_LAG_RATE"), 64); err == nil && v > 0 {
		rate = v
	}
	ctx := context.Background()
	const writers = 8
	primary := benchPrimary(b, url, writers)
	defer primary.Close()
	replica, err := Open(ctx, Config{DataDir: b.TempDir(), FollowURL: url, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer replica.Close()

	first := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	lags := make(chan time.Duration, b.N)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	b.ResetTimer()
	start := time.Now()
	jobs := make(chan int)
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			for i := range jobs {
				rows := make([]domain.ObservationRow, 100)
				for d := range rows {
					rows[d] = domain.ObservationRow{Region: "DE60", Period: first.AddDate(0, 0, d).Format("2006-01-02"), Value: float64(d),
						Dimensions: []domain.Dimension{{Key: "batch", Value: strconv.Itoa(i)}}}
				}
				res, err := primary.Bus.Handle(ctx, benchEnv("lag-"+strconv.Itoa(i)),
					domain.RecordObservations{Indicator: "seizures" + strconv.Itoa(w), Source: "bench", Rows: rows})
				if err != nil {
					errs <- err
					lags <- -1
					continue
				}
				acked := time.Now()
				go func(pos uint64) {
					wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					if err := replica.Runner.WaitFor(wctx, pos); err != nil {
						lags <- -1
						return
					}
					lags <- time.Since(acked)
				}(res.Position)
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		<-tick.C
		jobs <- i
	}
	close(jobs)
	all := make([]time.Duration, 0, b.N)
	for range b.N {
		l := <-lags
		if l < 0 {
			select {
			case err := <-errs:
				b.Fatal(err)
			default:
				b.Fatal("a write did not reach the replica within 30 s")
			}
		}
		all = append(all, l)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(100*float64(b.N)/elapsed.Seconds(), "obs/s")
	b.ReportMetric(ms(all[len(all)/2]), "p50-lag-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-lag-ms")
	b.ReportMetric(ms(all[len(all)-1]), "max-lag-ms")
	b.ReportMetric(0, "ns/op") // paced: time per iteration says nothing
}

// benchEnv is the envelope of a benchmark's command.
func benchEnv(id string) domain.Envelope {
	return domain.Envelope{Principal: domain.System("bench"), CommandID: id}
}

// benchPrimary opens a primary forwarding to url, with region DE60 and
// daily indicators seizures0 to seizures<writers-1> defined.
func benchPrimary(b *testing.B, url string, writers int) *Node {
	ctx := context.Background()
	primary, err := Open(ctx, Config{DataDir: b.TempDir(), BusURL: url, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	cmds := []domain.Command{domain.DefineRegion{Code: "DE60", Name: "Hamburg", Country: "DE", Level: domain.RegionLevelNuts2}}
	for w := range writers {
		cmds = append(cmds, domain.DefineIndicator{Code: "seizures" + strconv.Itoa(w), Name: "Seizures", Family: domain.FamilyAvailability,
			Unit: "count", Granularity: "DAY", DesiredDirection: domain.DirectionNone})
	}
	for i, c := range cmds {
		if _, err := primary.Bus.Handle(ctx, benchEnv("setup-"+strconv.Itoa(i)), c); err != nil {
			primary.Close()
			b.Fatal(err)
		}
	}
	return primary
}

// natsBusB is natsBus for benchmarks.
func natsBusB(b *testing.B) string {
	url, _, _ := natsBus(b)
	return url
}

// BenchmarkReplicaCatchUpNode measures how fast a fresh replica catches
// up end to end: a primary records b.N events (observation batches of 10
// rows) and forwards them to the local NATS server; then a replica starts
// on an empty data directory (--follow) and the time is taken from its
// start until every read model has applied the last event. It reports
// events and observations per second (issue 12: 1,000 events/s before,
// goal >= 20,000). Skipped without a NATS server.
func BenchmarkReplicaCatchUpNode(b *testing.B) {
	url := natsBusB(b)
	ctx := context.Background()
	const writers = 8
	primary := benchPrimary(b, url, writers)
	defer primary.Close()
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	jobs := make(chan int)
	errs := make(chan error, writers)
	done := make(chan struct{})
	for range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range jobs {
				rows := make([]domain.ObservationRow, 10)
				for d := range rows {
					// 3,000 batches of 10 days per indicator (82 years), then another breakdown.
					round := i / writers
					rows[d] = domain.ObservationRow{Region: "DE60", Period: first.AddDate(0, 0, (round%3000)*10+d).Format("2006-01-02"), Value: float64(d),
						Dimensions: []domain.Dimension{{Key: "round", Value: strconv.Itoa(round / 3000)}}}
				}
				if _, err := primary.Service.Handle(ctx, benchEnv("e-"+strconv.Itoa(i)),
					domain.RecordObservations{Indicator: "seizures" + strconv.Itoa(i%writers), Source: "bench", Rows: rows}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		select {
		case jobs <- i:
		case err := <-errs:
			b.Fatal(err)
		}
	}
	close(jobs)
	for range writers {
		<-done
	}
	head, err := primary.store.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// Wait for the forwarder to have put the whole log on NATS.
	for deadline := time.Now().Add(2 * time.Minute); primary.Forwarder.Position() < head; {
		if time.Now().After(deadline) {
			b.Fatalf("forwarder at %d of %d after 2 minutes", primary.Forwarder.Position(), head)
		}
		time.Sleep(5 * time.Millisecond)
	}
	dir := b.TempDir()
	b.ResetTimer()
	start := time.Now()
	replica, err := Open(ctx, Config{DataDir: dir, FollowURL: url, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer replica.Close()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := replica.Runner.WaitFor(wctx, uint64(head)); err != nil {
		b.Fatalf("replica did not reach %d: %v", head, err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	events := float64(head) // the setup's events are caught up too
	b.ReportMetric(events/elapsed.Seconds(), "events/s")
	b.ReportMetric(10*float64(b.N)/elapsed.Seconds(), "obs/s")
	b.ReportMetric(elapsed.Seconds()*1000, "catch-up-ms")
	b.ReportMetric(0, "ns/op")
}
