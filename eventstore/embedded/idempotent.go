package embedded

import (
	"context"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

// recorded answers an append that met a wrong expected version: if the
// stream already holds exactly these events, with the IDs the caller gave
// them, right after the expected version, the append is a retry of one
// that succeeded (its answer was lost) and its first result is returned,
// as KurrentDB does. Events given without an ID are never a retry.
func (s *Store) recorded(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) (eventstore.AppendResult, bool) {
	var from uint64
	switch {
	case expected == eventstore.NoStream:
		from = 0
	case expected >= 0:
		from = uint64(expected) + 1
	default:
		return eventstore.AppendResult{}, false
	}
	for i := range events {
		if events[i].ID == uuid.Nil {
			return eventstore.AppendResult{}, false
		}
	}
	got, err := s.ReadStream(ctx, stream, from, len(events))
	if err != nil || len(got) != len(events) {
		return eventstore.AppendResult{}, false
	}
	for i := range events {
		if got[i].ID != events[i].ID {
			return eventstore.AppendResult{}, false
		}
	}
	last := got[len(events)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, true
}
