// Package eventstoretest is the contract suite that every eventstore.Store
// backend runs, so that all backends refuse, order and deliver events the
// same way:
//
//	func TestContract(t *testing.T) {
//		eventstoretest.Run(t, func(tb testing.TB) eventstore.Store {
//			s, err := mybackend.Open(...)
//			if err != nil {
//				tb.Fatal(err)
//			}
//			return s
//		}, eventstoretest.Features{GapFreePositions: true})
//	}
//
// The suite does not assume that a store it opens is empty or that nobody
// else writes to it: every subtest uses stream names unique to it and
// filters reads of the whole log to them. It closes every store it opens.
package eventstoretest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

// Features declares what a backend guarantees beyond what every backend
// must, and how patient the suite must be with it. The zero value declares
// nothing extra and selects the defaults.
type Features struct {
	// GapFreePositions declares that positions are consecutive: the event
	// after position p is at p+1, and a refused append uses none. The
	// embedded store guarantees it; KurrentDB's positions are monotonic
	// but not gap-free.
	GapFreePositions bool

	// ClockSkew is how far RecordedEvent.Recorded may be from the test's
	// clock; a server-side clock may be a little off. Default 1 minute.
	ClockSkew time.Duration

	// LargeEventSize is the size of the Data of the events of the
	// LargeEvents subtest, each appended on its own. Default 1 MiB; a
	// backend with a smaller limit on one append (KurrentDB's default
	// MaxAppendSize is 1 MiB for the whole append) declares a little less.
	LargeEventSize int

	// Timeout bounds each wait of the suite (for a subscription to deliver,
	// a blocked call to return). Default 10 seconds.
	Timeout time.Duration
}

func (f Features) withDefaults() Features {
	if f.ClockSkew == 0 {
		f.ClockSkew = time.Minute
	}
	if f.LargeEventSize == 0 {
		f.LargeEventSize = 1 << 20
	}
	if f.Timeout == 0 {
		f.Timeout = 10 * time.Second
	}
	return f
}

// Run runs the contract suite against the stores that open returns, one
// or more per subtest. open must return a ready store or fail tb; it
// should register with tb.Cleanup whatever must go after the store is
// closed (such as a temporary directory). Run closes each store itself, in
// a cleanup that tolerates eventstore.ErrClosed.
func Run(t *testing.T, open func(t testing.TB) eventstore.Store, f Features) {
	t.Helper()
	f = f.withDefaults()
	h := &harness{open: open, f: f}
	tests := []struct {
		name string
		fn   func(*testing.T, *harness)
	}{
		{"AppendReadRoundTrip", testAppendReadRoundTrip},
		{"ExpectedVersion", testExpectedVersion},
		{"RefusedAppendUsesNoPosition", testRefusedAppendUsesNoPosition},
		{"IdempotentRetry", testIdempotentRetry},
		{"ConcurrentSameStream", testConcurrentSameStream},
		{"ConcurrentNoStream", testConcurrentNoStream},
		{"ConcurrentDifferentStreams", testConcurrentDifferentStreams},
		{"ConcurrentMixedRefusals", testConcurrentMixedRefusals},
		{"ReadStream", testReadStream},
		{"ReadAll", testReadAll},
		{"Head", testHead},
		{"SubscribeCatchUpThenLive", testSubscribeCatchUpThenLive},
		{"SubscribeFromMiddle", testSubscribeFromMiddle},
		{"SubscriptionCloseUnblocksNext", testSubscriptionCloseUnblocksNext},
		{"SubscriptionContextCancel", testSubscriptionContextCancel},
		{"StoreCloseUnblocksNext", testStoreCloseUnblocksNext},
		{"EmptyAppend", testEmptyAppend},
		{"InvalidStream", testInvalidStream},
		{"CanceledContext", testCanceledContext},
		{"LargeEvents", testLargeEvents},
		{"UseAfterClose", testUseAfterClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

// harness carries the suite's parameters to the subtests.
type harness struct {
	open func(t testing.TB) eventstore.Store
	f    Features
}

// store opens a store for tb and closes it when tb ends.
func (h *harness) store(tb testing.TB) eventstore.Store {
	tb.Helper()
	s := h.open(tb)
	if s == nil {
		tb.Fatal("open returned a nil store")
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// ctx returns a context that ends after the suite's timeout or with tb.
func (h *harness) ctx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), h.f.Timeout)
	tb.Cleanup(cancel)
	return ctx
}

// streams hands out stream names that no other test run uses.
type streams struct{ prefix string }

func newStreams(tb testing.TB) streams {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	return streams{prefix: "estest-" + hex.EncodeToString(b[:]) + "-"}
}

// name returns the stream called name in this run.
func (s streams) name(name string) string { return s.prefix + name }

// owns reports whether stream was handed out by s.
func (s streams) owns(stream string) bool { return strings.HasPrefix(stream, s.prefix) }

// filter returns the events of evs in s's streams.
func (s streams) filter(evs []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	for _, ev := range evs {
		if s.owns(ev.Stream) {
			out = append(out, ev)
		}
	}
	return out
}

// newEvents returns n events of type typ with distinct IDs, JSON data and
// metadata.
func newEvents(n int, typ string) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		id := uuid.New()
		evs[i] = eventstore.EventData{
			ID:       id,
			Type:     typ,
			Data:     fmt.Appendf(nil, `{"n":%d,"region":"DE11","period":"2024-05","value":%d.5}`, i, i*7),
			Metadata: fmt.Appendf(nil, `{"schemaVersion":1,"commandId":%q}`, id),
		}
	}
	return evs
}

// mustAppend appends evs or fails tb.
func mustAppend(tb testing.TB, ctx context.Context, s eventstore.Store, stream string, expected eventstore.ExpectedVersion, evs []eventstore.EventData) eventstore.AppendResult {
	tb.Helper()
	res, err := s.Append(ctx, stream, expected, evs)
	if err != nil {
		tb.Fatalf("Append(%q, %s, %d events): %v", stream, expected, len(evs), err)
	}
	return res
}

// mustHead returns the store's head or fails tb.
func mustHead(tb testing.TB, ctx context.Context, s eventstore.Store) eventstore.Position {
	tb.Helper()
	p, err := s.Head(ctx)
	if err != nil {
		tb.Fatalf("Head: %v", err)
	}
	return p
}

// mustReadStream reads a whole stream (up to max events) or fails tb.
func mustReadStream(tb testing.TB, ctx context.Context, s eventstore.Store, stream string, from uint64, limit int) []eventstore.RecordedEvent {
	tb.Helper()
	evs, err := s.ReadStream(ctx, stream, from, limit)
	if err != nil {
		tb.Fatalf("ReadStream(%q, %d, %d): %v", stream, from, limit, err)
	}
	return evs
}

// readAllUntil pages through the log after after, in pages of page
// events, until it has read an event at position until or later, and
// returns every event read. It fails tb if a page is out of order or the
// log ends first.
func readAllUntil(tb testing.TB, ctx context.Context, s eventstore.Store, after, until eventstore.Position, page int) []eventstore.RecordedEvent {
	tb.Helper()
	var out []eventstore.RecordedEvent
	for after < until {
		evs, err := s.ReadAll(ctx, after, page)
		if err != nil {
			tb.Fatalf("ReadAll(%d, %d): %v", after, page, err)
		}
		if len(evs) == 0 {
			tb.Fatalf("ReadAll(%d, %d) returned nothing before position %d", after, page, until)
		}
		if len(evs) > page {
			tb.Fatalf("ReadAll(%d, %d) returned %d events", after, page, len(evs))
		}
		for _, ev := range evs {
			if ev.Position <= after {
				tb.Fatalf("ReadAll returned position %d after position %d", ev.Position, after)
			}
			after = ev.Position
			out = append(out, ev)
		}
	}
	return out
}

// checkPositions checks that evs have strictly increasing positions, all
// after after, and, for a gap-free backend, that they are consecutive from
// after+1.
func (h *harness) checkPositions(tb testing.TB, evs []eventstore.RecordedEvent, after eventstore.Position) {
	tb.Helper()
	prev := after
	for i, ev := range evs {
		switch {
		case ev.Position <= prev:
			tb.Fatalf("event %d: position %d after position %d: not strictly increasing", i, ev.Position, prev)
		case h.f.GapFreePositions && ev.Position != prev+1:
			tb.Fatalf("event %d: position %d after position %d: gap in a gap-free log", i, ev.Position, prev)
		}
		prev = ev.Position
	}
}

// checkEvent checks that got is want as appended to stream at version.
func (h *harness) checkEvent(tb testing.TB, got eventstore.RecordedEvent, want eventstore.EventData, stream string, version uint64, notBefore, notAfter time.Time) {
	tb.Helper()
	if got.ID != want.ID {
		tb.Errorf("%s@%d: ID %s, want %s", stream, version, got.ID, want.ID)
	}
	if got.Type != want.Type {
		tb.Errorf("%s@%d: Type %q, want %q", stream, version, got.Type, want.Type)
	}
	if !bytes.Equal(got.Data, want.Data) {
		tb.Errorf("%s@%d: Data %.80q, want %.80q", stream, version, got.Data, want.Data)
	}
	if !bytes.Equal(got.Metadata, want.Metadata) {
		tb.Errorf("%s@%d: Metadata %.80q, want %.80q", stream, version, got.Metadata, want.Metadata)
	}
	if got.Stream != stream {
		tb.Errorf("event %s: Stream %q, want %q", want.ID, got.Stream, stream)
	}
	if got.Version != version {
		tb.Errorf("event %s: Version %d, want %d", want.ID, got.Version, version)
	}
	if got.Position == 0 {
		tb.Errorf("event %s: Position 0; the first position is 1", want.ID)
	}
	if got.Recorded.Location() != time.UTC {
		tb.Errorf("event %s: Recorded %v is not in UTC", want.ID, got.Recorded)
	}
	skew := h.f.ClockSkew
	if got.Recorded.Before(notBefore.Add(-skew)) || got.Recorded.After(notAfter.Add(skew)) {
		tb.Errorf("event %s: Recorded %v, want between %v and %v (give or take %v)", want.ID, got.Recorded, notBefore, notAfter, skew)
	}
}

// wait runs fn in a goroutine and returns its result, failing tb if it
// takes longer than the suite's timeout.
func wait[T any](tb testing.TB, h *harness, what string, fn func() T) T {
	tb.Helper()
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(h.f.Timeout):
		tb.Fatalf("%s did not return within %v", what, h.f.Timeout)
		panic("unreachable")
	}
}
