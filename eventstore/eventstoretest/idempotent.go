package eventstoretest

import (
	"errors"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

// testIdempotentRetry: an append retried with the same event IDs and the
// same expected version (a client that lost the answer to the first try,
// for example across a broken connection) succeeds with the first try's
// result and records nothing twice, as KurrentDB does. The same IDs after
// the stream has moved on, or other IDs at a taken version, are refused.
func testIdempotentRetry(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("retried")
	first := newEvents(3, "ObservationsRecorded")
	res1 := mustAppend(t, ctx, s, stream, eventstore.NoStream, first)

	again, err := s.Append(ctx, stream, eventstore.NoStream, first)
	if err != nil {
		t.Fatalf("the same append (no stream) retried: %v; want the first result again", err)
	}
	if again != res1 {
		t.Errorf("retried append answered %+v, the first %+v", again, res1)
	}

	second := newEvents(2, "ObservationRevised")
	res2 := mustAppend(t, ctx, s, stream, eventstore.ExactVersion(res1.Version), second)
	again, err = s.Append(ctx, stream, eventstore.ExactVersion(res1.Version), second)
	if err != nil {
		t.Fatalf("the same append (version %d) retried: %v; want the first result again", res1.Version, err)
	}
	if again != res2 {
		t.Errorf("retried append answered %+v, the first %+v", again, res2)
	}

	// Other events at a version already taken: refused as before.
	_, err = s.Append(ctx, stream, eventstore.ExactVersion(res1.Version), newEvents(2, "ObservationRevised"))
	if !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		t.Errorf("other events at taken version %d: %v; want wrong expected version", res1.Version, err)
	}
	// Part of a recorded append, or more than it, is not the same append.
	_, err = s.Append(ctx, stream, eventstore.ExactVersion(res1.Version), append(append([]eventstore.EventData(nil), second...), newEvents(1, "X")...))
	if !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		t.Errorf("a recorded append with one more event: %v; want wrong expected version", err)
	}

	got := mustReadStream(t, ctx, s, stream, 0, 100)
	if len(got) != 5 {
		t.Fatalf("stream holds %d events after retries, want 5 (each recorded once)", len(got))
	}
	want := append(append([]eventstore.EventData(nil), first...), second...)
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Errorf("event %d has ID %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
}
