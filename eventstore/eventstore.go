package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Position is a place in the whole log. The first event ever appended is at
// position 1; position 0 means "before anything". Positions are monotonic:
// an event appended later always has a greater position. The embedded store
// also guarantees that they are gap-free.
type Position uint64

// String formats p as the decimal string that the API uses.
func (p Position) String() string { return strconv.FormatUint(uint64(p), 10) }

// ParsePosition parses the decimal string form of a position.
func ParsePosition(s string) (Position, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("position %q is not a non-negative decimal integer", s)
	}
	return Position(v), nil
}

// ExpectedVersion is the optimistic-concurrency condition of an append.
// A value >= 0 is the version (0-based revision) of the last event the
// writer saw in the stream; the negative values are the constants below.
type ExpectedVersion int64

const (
	// Any appends whatever the stream's state.
	Any ExpectedVersion = -2
	// NoStream appends only if the stream has no event yet.
	NoStream ExpectedVersion = -1
	// StreamExists appends only if the stream has at least one event.
	StreamExists ExpectedVersion = -4
)

// String describes the expectation for error messages.
func (e ExpectedVersion) String() string {
	switch e {
	case Any:
		return "any"
	case NoStream:
		return "no stream"
	case StreamExists:
		return "stream exists"
	}
	return strconv.FormatInt(int64(e), 10)
}

// ExactVersion returns the expectation that the stream's last event has
// version v.
func ExactVersion(v uint64) ExpectedVersion { return ExpectedVersion(v) }

// EventData is an event to append. ID identifies it for deduplication and
// tracing; Data and Metadata are opaque to the store (JSON by convention).
type EventData struct {
	ID       uuid.UUID
	Type     string
	Data     []byte
	Metadata []byte
}

// RecordedEvent is an event as the store holds it.
type RecordedEvent struct {
	EventData
	// Stream is the stream the event was appended to.
	Stream string
	// Version is the event's 0-based revision within Stream.
	Version uint64
	// Position is the event's place in the whole log.
	Position Position
	// Recorded is when the store committed the event (UTC).
	Recorded time.Time
}

// AppendResult says where an append put its last event.
type AppendResult struct {
	// Version is the stream version of the last event appended; it is the
	// ExpectedVersion for the writer's next append.
	Version uint64
	// Position is the log position of the last event appended.
	Position Position
}

// Store is an append-only log of events grouped in streams.
//
// All methods are safe for concurrent use. An Append that returns without
// error is durable: it survives a crash of the process or the machine.
type Store interface {
	// Append adds events to the end of stream, atomically, if the stream
	// matches expected; otherwise it appends nothing and returns an error
	// that matches ErrWrongExpectedVersion. An empty events slice is
	// refused with ErrEmptyAppend. Stream names are 1-255 bytes. An append
	// retried with the same event IDs and the same expected version after
	// it succeeded (its answer lost) returns the first result and records
	// nothing again, as KurrentDB does.
	Append(ctx context.Context, stream string, expected ExpectedVersion, events []EventData) (AppendResult, error)

	// ReadStream returns up to limit events of stream starting at version
	// from, in version order. A stream with no events gives ErrStreamNotFound.
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]RecordedEvent, error)

	// ReadAll returns up to limit events of the whole log with position
	// greater than after, in position order.
	ReadAll(ctx context.Context, after Position, limit int) ([]RecordedEvent, error)

	// Head returns the position of the last committed event (0 if none).
	Head(ctx context.Context) (Position, error)

	// SubscribeAll returns a catch-up subscription delivering every event
	// with position greater than after, in position order: first the
	// history, then live events as they are committed. It ends when ctx is
	// done or the subscription or the store is closed.
	SubscribeAll(ctx context.Context, after Position) (Subscription, error)

	// Close releases the store. Appends in flight complete or fail first.
	Close() error
}

// Subscription is a catch-up subscription to the whole log. It is used by
// one goroutine at a time.
type Subscription interface {
	// Next blocks until the next event is available and returns it, or
	// returns an error when ctx is done, the subscription was closed
	// (ErrClosed) or the store failed.
	Next(ctx context.Context) (RecordedEvent, error)
	// Close ends the subscription; a blocked Next returns ErrClosed.
	Close() error
}

var (
	// ErrWrongExpectedVersion is returned (wrapped in a *WrongVersionError)
	// by Append when the stream does not match the expected version.
	ErrWrongExpectedVersion = errors.New("wrong expected version")
	// ErrStreamNotFound is returned by ReadStream for a stream with no events.
	ErrStreamNotFound = errors.New("stream not found")
	// ErrEmptyAppend is returned by Append when given no events.
	ErrEmptyAppend = errors.New("append of no events")
	// ErrInvalidStream is returned by Append for an empty or too long stream name.
	ErrInvalidStream = errors.New("invalid stream name")
	// ErrClosed is returned by any method called after Close, and by a
	// subscription's Next after it or its store was closed.
	ErrClosed = errors.New("event store closed")
	// ErrCorrupt is returned when a stored record fails its checksum or
	// cannot be decoded.
	ErrCorrupt = errors.New("corrupt event record")
	// ErrUnavailable is returned (wrapped, with the reason) by Append when
	// the store cannot record now but may later: its disk is nearly full,
	// or the server holding the log cannot be reached. Nothing was recorded;
	// the same append, retried later, may succeed.
	ErrUnavailable = errors.New("event store unavailable")
)

// NoVersion is the Actual of a WrongVersionError for a stream with no events.
const NoVersion int64 = -1

// WrongVersionError reports an append refused for its expected version.
type WrongVersionError struct {
	Stream   string
	Expected ExpectedVersion
	// Actual is the version of the stream's last event, or NoVersion.
	Actual int64
}

func (e *WrongVersionError) Error() string {
	actual := "no stream"
	if e.Actual >= 0 {
		actual = strconv.FormatInt(e.Actual, 10)
	}
	return fmt.Sprintf("stream %q: expected version %s, actual %s", e.Stream, e.Expected, actual)
}

// Unwrap lets errors.Is match ErrWrongExpectedVersion.
func (e *WrongVersionError) Unwrap() error { return ErrWrongExpectedVersion }

// CheckExpected reports whether a stream whose last version is actual
// (NoVersion for none) satisfies expected; if not it returns the
// *WrongVersionError to give back. Backends share it so that they refuse
// exactly the same appends.
func CheckExpected(stream string, expected ExpectedVersion, actual int64) error {
	ok := false
	switch {
	case expected == Any:
		ok = true
	case expected == NoStream:
		ok = actual == NoVersion
	case expected == StreamExists:
		ok = actual != NoVersion
	case expected >= 0:
		ok = int64(expected) == actual
	}
	if ok {
		return nil
	}
	return &WrongVersionError{Stream: stream, Expected: expected, Actual: actual}
}

// ValidStream reports whether name can be used as a stream name.
func ValidStream(name string) error {
	if len(name) == 0 || len(name) > 255 {
		return fmt.Errorf("%w: %q must be 1-255 bytes", ErrInvalidStream, name)
	}
	return nil
}
