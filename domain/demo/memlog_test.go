package demo

import (
	"context"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
)

// memLog is an in-memory domain.EventLog for driving the real command
// service with the demo steps. Versions start at 0; positions at 1.
type memLog struct {
	mu       sync.Mutex
	streams  map[string][]domain.Recorded
	position uint64
}

var _ domain.EventLog = (*memLog)(nil)

func newMemLog() *memLog { return &memLog{streams: map[string][]domain.Recorded{}} }

func (l *memLog) Load(_ context.Context, stream string, after int64) ([]domain.Recorded, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recs := l.streams[stream]
	if after+1 >= int64(len(recs)) {
		return nil, nil
	}
	return append([]domain.Recorded(nil), recs[after+1:]...), nil
}

func (l *memLog) Append(_ context.Context, stream string, expected int64, events []domain.Pending) (int64, uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recs := l.streams[stream]
	if last := int64(len(recs)) - 1; last != expected {
		return 0, 0, domain.Errorf(domain.Conflict, "", "stream %s is at version %d, not %d", stream, last, expected)
	}
	for _, p := range events {
		l.position++
		recs = append(recs, domain.Recorded{ID: p.ID, Event: p.Event, Meta: p.Meta, Stream: stream, Version: int64(len(recs)), Position: l.position})
	}
	l.streams[stream] = recs
	return int64(len(recs)) - 1, l.position, nil
}

// events returns how many events the log holds.
func (l *memLog) events() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int(l.position)
}
