package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/supplyeval/supplyeval/domain"
)

// Log adapts a Store to the domain's EventLog: it encodes domain events
// and their metadata as JSON on the way in and decodes them on the way out.
// It is safe for concurrent use.
type Log struct {
	store Store
	// pageSize is how many events Load reads per call to the store.
	pageSize int
}

var (
	_ domain.EventLog = (*Log)(nil)
	_ domain.LogHead  = (*Log)(nil)
)

// Head returns the position of the store's last event (0 if none).
func (l *Log) Head(ctx context.Context) (uint64, error) {
	h, err := l.store.Head(ctx)
	return uint64(h), err
}

// NewLog returns a Log over store.
func NewLog(store Store) *Log { return &Log{store: store, pageSize: 512} }

// Load returns the decoded events of stream after version after.
func (l *Log) Load(ctx context.Context, stream string, after int64) ([]domain.Recorded, error) {
	var out []domain.Recorded
	from := uint64(after + 1)
	for {
		page, err := l.store.ReadStream(ctx, stream, from, l.pageSize)
		if errors.Is(err, ErrStreamNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", stream, err)
		}
		for _, ev := range page {
			r, err := Decode(ev)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if len(page) < l.pageSize {
			return out, nil
		}
		from = page[len(page)-1].Version + 1
	}
}

// Append encodes events and appends them with the expected version
// (-1: the stream must not exist). A refused expectation becomes a
// domain Conflict error.
func (l *Log) Append(ctx context.Context, stream string, expected int64, events []domain.Pending) (int64, uint64, error) {
	data := make([]EventData, len(events))
	for i, p := range events {
		d, err := Encode(p)
		if err != nil {
			return 0, 0, err
		}
		data[i] = d
	}
	ev := NoStream
	if expected >= 0 {
		ev = ExactVersion(uint64(expected))
	}
	res, err := l.store.Append(ctx, stream, ev, data)
	if err != nil {
		var wv *WrongVersionError
		if errors.As(err, &wv) {
			return 0, 0, &domain.Error{Code: domain.Conflict, Message: fmt.Sprintf(
				"%s was changed by another writer at the same time; retry the command (with the same commandId)", stream), Err: err}
		}
		if errors.Is(err, ErrUnavailable) {
			return 0, 0, &domain.Error{Code: domain.Unavailable, Message: fmt.Sprintf(
				"nothing was recorded: %v", err), Err: err}
		}
		return 0, 0, fmt.Errorf("append %s: %w", stream, err)
	}
	return int64(res.Version), uint64(res.Position), nil
}

// Encode turns a pending domain event into store form.
func Encode(p domain.Pending) (EventData, error) {
	data, err := domain.Encode(p.Event)
	if err != nil {
		return EventData{}, err
	}
	meta, err := domain.EncodeMetadata(p.Meta)
	if err != nil {
		return EventData{}, err
	}
	return EventData{ID: p.ID, Type: p.Event.EventType(), Data: data, Metadata: meta}, nil
}

// Decode turns a stored event into a domain event with its metadata.
func Decode(ev RecordedEvent) (domain.Recorded, error) {
	meta, err := domain.DecodeMetadata(ev.Metadata)
	if err != nil {
		return domain.Recorded{}, fmt.Errorf("%s@%d: %w", ev.Stream, ev.Version, err)
	}
	e, err := domain.Decode(ev.Type, meta.SchemaVersion, ev.Data)
	if err != nil {
		return domain.Recorded{}, fmt.Errorf("%s@%d: %w", ev.Stream, ev.Version, err)
	}
	return domain.Recorded{ID: ev.ID, Event: e, Meta: meta, Stream: ev.Stream, Version: int64(ev.Version), Position: uint64(ev.Position)}, nil
}
