package report

import (
	"context"
	"fmt"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
)

// EventTimes tells when the event at a log position was recorded.
type EventTimes interface {
	// RecordedAt returns the recorded time (from the injected clock of the
	// command that produced it) of the event at pos.
	RecordedAt(ctx context.Context, pos uint64) (time.Time, error)
}

// StoreTimes reads recorded times from an event store. It is safe for
// concurrent use.
type StoreTimes struct {
	Store eventstore.Store
}

var _ EventTimes = StoreTimes{}

// RecordedAt returns the RecordedAt of the metadata of the event at pos,
// or the store's commit time when the metadata has none.
func (s StoreTimes) RecordedAt(ctx context.Context, pos uint64) (time.Time, error) {
	if pos == 0 {
		return time.Time{}, nil
	}
	evs, err := s.Store.ReadAll(ctx, eventstore.Position(pos-1), 1)
	if err != nil {
		return time.Time{}, err
	}
	if len(evs) == 0 || uint64(evs[0].Position) != pos {
		return time.Time{}, domain.Errorm(domain.NotFound, "position", "cli2.report.position", pos)
	}
	m, err := domain.DecodeMetadata(evs[0].Metadata)
	if err != nil {
		return time.Time{}, fmt.Errorf("event at position %d: %w", pos, err)
	}
	if m.RecordedAt.IsZero() {
		return evs[0].Recorded.UTC(), nil
	}
	return m.RecordedAt.UTC(), nil
}
