package embedded

// Durable append and read throughput of the store. Every append is
// acknowledged only after its fsync. Run with
//
//	go test -run '^$' -bench . -benchtime 3s ./eventstore/embedded
//
// obs/s counts observation rows: an ObservationsRecorded event of these
// benchmarks holds rowsPerEvent (1000) of them, about 50 KB of JSON.

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

// BenchmarkAppendBatched appends batches of ObservationsRecorded events,
// one Append after the other, to one indicator stream.
func BenchmarkAppendBatched(b *testing.B) {
	for _, perAppend := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("events=%d", perAppend), func(b *testing.B) {
			s := openTemp(b, Config{})
			defer s.Close()
			batches := make([][]eventstore.EventData, 4)
			for i := range batches {
				batches[i] = observationEvents(perAppend, uint64(i*perAppend))
			}
			ctx := context.Background()
			n, bytes := 0, 0
			for i := 0; b.Loop(); i++ {
				evs := batches[i%len(batches)]
				if _, err := s.Append(ctx, "indicator-ILLICIT_PRICE", eventstore.Any, evs); err != nil {
					b.Fatal(err)
				}
				n += len(evs)
				bytes += payloadBytes(evs)
			}
			reportThroughput(b, n, rowsPerEvent, bytes)
		})
	}
}

// BenchmarkAppendSingle appends one event per Append, one Append after the
// other: its cost is dominated by the fsync each one waits for.
func BenchmarkAppendSingle(b *testing.B) {
	b.Run("rows=1000", func(b *testing.B) {
		benchAppendSingle(b, observationEvents(8, 0), rowsPerEvent)
	})
	b.Run("small", func(b *testing.B) {
		evs := make([]eventstore.EventData, 8)
		for i := range evs {
			evs[i] = smallEvent()
		}
		benchAppendSingle(b, evs, 0)
	})
}

func benchAppendSingle(b *testing.B, evs []eventstore.EventData, obsPerEvent int) {
	s := openTemp(b, Config{})
	defer s.Close()
	ctx := context.Background()
	n, bytes := 0, 0
	for i := 0; b.Loop(); i++ {
		ev := evs[i%len(evs)]
		if _, err := s.Append(ctx, "operation-7", eventstore.Any, []eventstore.EventData{ev}); err != nil {
			b.Fatal(err)
		}
		n++
		bytes += len(ev.Data) + len(ev.Metadata)
	}
	reportThroughput(b, n, obsPerEvent, bytes)
}

// BenchmarkAppendConcurrent has 8 writers append one event per Append each
// to its own stream, with exact expected versions: group commit lets them
// share syncs.
func BenchmarkAppendConcurrent(b *testing.B) {
	const writers = 8
	b.Run("writers=8/rows=1000", func(b *testing.B) {
		benchAppendConcurrent(b, writers, observationEvents(writers, 0), rowsPerEvent)
	})
	b.Run("writers=8/small", func(b *testing.B) {
		evs := make([]eventstore.EventData, writers)
		for i := range evs {
			evs[i] = smallEvent()
		}
		benchAppendConcurrent(b, writers, evs, 0)
	})
}

func benchAppendConcurrent(b *testing.B, writers int, evs []eventstore.EventData, obsPerEvent int) {
	s := openTemp(b, Config{})
	defer s.Close()
	ctx := context.Background()
	var next, bytes atomic.Int64
	total := int64(b.N)
	commits := s.commits.Load()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("indicator-%d", w)
			expected := eventstore.NoStream
			ev := []eventstore.EventData{evs[w%len(evs)]}
			for next.Add(1) <= total {
				res, err := s.Append(ctx, stream, expected, ev)
				if err != nil {
					b.Error(err)
					return
				}
				expected = eventstore.ExactVersion(res.Version)
				bytes.Add(int64(len(ev[0].Data) + len(ev[0].Metadata)))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	reportThroughput(b, b.N, obsPerEvent, int(bytes.Load()))
	b.ReportMetric(float64(b.N)/float64(s.commits.Load()-commits), "appends/commit")
}

// readFixture is a store holding readFixtureEvents ObservationsRecorded
// events, shared by the read benchmarks.
const readFixtureEvents = 2000

func readFixture(b *testing.B) *Store {
	b.Helper()
	s := openTemp(b, Config{})
	ctx := context.Background()
	for i := 0; i < readFixtureEvents; i += 50 {
		if _, err := s.Append(ctx, fmt.Sprintf("indicator-%d", i%30), eventstore.Any, observationEvents(50, uint64(i))); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkReadAll reads the whole log in pages of 256 events.
func BenchmarkReadAll(b *testing.B) {
	s := readFixture(b)
	defer s.Close()
	ctx := context.Background()
	n, bytes := 0, 0
	b.ResetTimer()
	for b.Loop() {
		for after := eventstore.Position(0); ; {
			evs, err := s.ReadAll(ctx, after, 256)
			if err != nil {
				b.Fatal(err)
			}
			if len(evs) == 0 {
				break
			}
			for i := range evs {
				bytes += len(evs[i].Data) + len(evs[i].Metadata)
			}
			n += len(evs)
			after = evs[len(evs)-1].Position
		}
	}
	reportThroughput(b, n, rowsPerEvent, bytes)
}

// BenchmarkSubscribeAll catches a subscription up from the start of the log
// to its head.
func BenchmarkSubscribeAll(b *testing.B) {
	s := readFixture(b)
	defer s.Close()
	ctx := context.Background()
	n, bytes := 0, 0
	b.ResetTimer()
	for b.Loop() {
		sub, err := s.SubscribeAll(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		for range readFixtureEvents {
			ev, err := sub.Next(ctx)
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(ev.Data) + len(ev.Metadata)
		}
		n += readFixtureEvents
		sub.Close()
	}
	reportThroughput(b, n, rowsPerEvent, bytes)
}

// BenchmarkReadStream reads one event of a stream by version through the
// stream index, in a log of readFixtureEvents events.
func BenchmarkReadStream(b *testing.B) {
	s := readFixture(b)
	defer s.Close()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		evs, err := s.ReadStream(ctx, "indicator-0", uint64(i%50), 1)
		if err != nil || len(evs) != 1 {
			b.Fatal(len(evs), err)
		}
	}
}

// BenchmarkReadStreamSmall reads a whole stream of 5 small events, the way
// an operation or policy aggregate is loaded, from a log that also holds
// readFixtureEvents large events.
func BenchmarkReadStreamSmall(b *testing.B) {
	s := readFixture(b)
	defer s.Close()
	ctx := context.Background()
	for i := range 100 {
		evs := []eventstore.EventData{smallEvent(), smallEvent(), smallEvent(), smallEvent(), smallEvent()}
		if _, err := s.Append(ctx, fmt.Sprintf("operation-%d", i), eventstore.NoStream, evs); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		evs, err := s.ReadStream(ctx, fmt.Sprintf("operation-%d", i%100), 0, 100)
		if err != nil || len(evs) != 5 {
			b.Fatal(len(evs), err)
		}
	}
}
