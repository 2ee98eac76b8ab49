package eventstoretest

import (
	"errors"
	"testing"

	"github.com/supplyeval/supplyeval/eventstore"
)

func testUseAfterClose(t *testing.T, h *harness) {
	s, ctx, st := h.store(t), h.ctx(t), newStreams(t)
	stream := st.name("closed")
	mustAppend(t, ctx, s, stream, eventstore.NoStream, newEvents(1, "BeforeClose"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error {
			_, err := s.Append(ctx, stream, eventstore.Any, newEvents(1, "AfterClose"))
			return err
		}},
		{"ReadStream", func() error { _, err := s.ReadStream(ctx, stream, 0, 10); return err }},
		{"ReadAll", func() error { _, err := s.ReadAll(ctx, 0, 10); return err }},
		{"Head", func() error { _, err := s.Head(ctx); return err }},
		{"SubscribeAll", func() error { _, err := s.SubscribeAll(ctx, 0); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", c.name, err)
		}
	}
	// A second Close must not panic or hang; it may report ErrClosed.
	err := wait(t, h, "second Close", s.Close)
	if err != nil && !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("second Close: %v, want nil or ErrClosed", err)
	}
}
