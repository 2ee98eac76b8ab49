package kurrentdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// Config configures a Store.
type Config struct {
	// URL is the connection string: kurrentdb://[user:pass@]host:port[,host:port...]?tls=true|false...
	// or the esdb:// form. TLS settings and credentials are taken from it.
	URL string
	// ResubscribeDelay is the first wait before a dropped subscription
	// resubscribes (default 100 ms); it doubles after each failed attempt,
	// up to 5 s.
	ResubscribeDelay time.Duration
	// Logger receives subscription drops and resubscriptions (default: none).
	Logger *slog.Logger
	// RetryFor is how long a call that meets an unreachable server (a
	// closed connection, a leader election, a cut link) is retried, with
	// jittered backoff and a new client where the old one closed itself,
	// before it fails with eventstore.ErrUnavailable. Appends are retried
	// with the same event IDs, which KurrentDB records once. Default 5 s.
	RetryFor time.Duration
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.URL, "kurrentdb://") && !strings.HasPrefix(c.URL, "kurrentdb+discover://") &&
		!strings.HasPrefix(c.URL, "esdb://") && !strings.HasPrefix(c.URL, "esdb+discover://") {
		errs = append(errs, eventstore.Errorm(nil, "cli2.kurrentdb.scheme", redact(c.URL)))
	}
	if c.ResubscribeDelay < 0 {
		errs = append(errs, errors.New("kurrentdb: ResubscribeDelay must not be negative"))
	}
	return errors.Join(errs...)
}

// redact hides the password of a connection string for error messages.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if at := strings.Index(url[i+3:], "@"); at >= 0 {
			return url[:i+3] + "***@" + url[i+3+at+1:]
		}
	}
	return url
}

// Store is an eventstore.Store on a KurrentDB server or cluster. Its
// methods are safe for concurrent use.
type Store struct {
	cfg  Config
	conf *kurrentdb.Configuration
	log  *slog.Logger

	// client is the current client. The library closes a client for good
	// when it cannot find a node (closeWith); renew replaces it.
	client  atomic.Pointer[kurrentdb.Client]
	renewMu sync.Mutex

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed chan struct{}
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the server that cfg.URL names and checks that it
// answers (a read of the end of $all) before returning.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ResubscribeDelay == 0 {
		cfg.ResubscribeDelay = 100 * time.Millisecond
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = 5 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conf, err := kurrentdb.ParseConnectionString(cfg.URL)
	if err != nil {
		return nil, eventstore.Errorm(err, "cli2.kurrentdb.url", redact(cfg.URL), eventstore.Alt(err, i18n.M("cli2.kurrentdb.url.bad")))
	}
	conf.Logger = clientLogger(log)
	client, err := kurrentdb.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: %w", err)
	}
	s := &Store{cfg: cfg, conf: conf, log: log, subs: map[*subscription]struct{}{}, closed: make(chan struct{})}
	s.client.Store(client)
	if _, err := s.Head(ctx); err != nil {
		s.client.Load().Close()
		return nil, eventstore.Errorm(err, "cli2.kurrentdb.noanswer", redact(cfg.URL), noAnswer(err, cfg.RetryFor))
	}
	return s, nil
}

// cli returns the current client.
func (s *Store) cli() *kurrentdb.Client { return s.client.Load() }

// renew replaces old, if it is still the current client, by a new one
// from the same configuration; the old one is closed.
func (s *Store) renew(old *kurrentdb.Client) {
	s.renewMu.Lock()
	defer s.renewMu.Unlock()
	if s.client.Load() != old || s.isClosed() {
		return
	}
	c, err := kurrentdb.NewClient(s.conf)
	if err != nil {
		s.log.Warn("kurrentdb: cannot make a new client", slog.String("error", err.Error()))
		return
	}
	s.client.Store(c)
	_ = old.Close()
	s.log.Info("kurrentdb: the client had closed itself (no node reachable); made a new one")
}

// transient reports whether err says the server could not be reached now
// (rather than that the request was wrong), and whether the client
// closed itself for good.
func transient(err error) (retry, clientClosed bool) {
	var ke *kurrentdb.Error
	if errors.As(err, &ke) {
		switch ke.Code() {
		case kurrentdb.ErrorCodeConnectionClosed:
			return true, true
		case kurrentdb.ErrorUnavailable, kurrentdb.ErrorCodeNotLeader, kurrentdb.ErrorCodeDeadlineExceeded:
			return true, false
		}
	}
	if st, ok := status.FromError(err); ok && st.Code() == codes.Unavailable {
		return true, false
	}
	// The link broke while a request was being sent (the client reports
	// the stream's io.EOF, with error code 0): retried with the same event
	// IDs, an append is recorded once whether or not the first try was.
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true, false
	}
	return false, false
}

// retry runs call with the current client until it succeeds, fails for a
// reason other than an unreachable server, or has tried for RetryFor:
// then it returns an error wrapping eventstore.ErrUnavailable.
func (s *Store) retry(ctx context.Context, op string, call func(c *kurrentdb.Client) error) error {
	deadline := time.Now().Add(s.cfg.RetryFor)
	delay := 50 * time.Millisecond
	for {
		c := s.cli()
		err := call(c)
		if err == nil || s.isClosed() || ctx.Err() != nil {
			return err
		}
		again, closed := transient(err)
		if !again {
			return err
		}
		if closed {
			s.renew(c)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: kurrentdb %s: the server did not answer for %s: %v", eventstore.ErrUnavailable, op, s.cfg.RetryFor, err)
		}
		wait := delay/2 + time.Duration(rand.Int64N(int64(delay)))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		case <-s.closed:
			return eventstore.ErrClosed
		}
		delay = min(2*delay, time.Second)
	}
}

// clientLogger sends the client library's messages (it prints them to
// the console by default) to log, as "kurrentdb client" records.
func clientLogger(log *slog.Logger) kurrentdb.LoggingFunc {
	return func(level kurrentdb.LogLevel, format string, args ...any) {
		// v1.4.2 passes its arguments on as one slice.
		if len(args) == 1 {
			if inner, ok := args[0].([]any); ok {
				args = inner
			}
		}
		l := slog.LevelInfo
		switch level {
		case kurrentdb.LogDebug:
			l = slog.LevelDebug
		case kurrentdb.LogWarn:
			l = slog.LevelWarn
		case kurrentdb.LogError:
			l = slog.LevelError
		}
		log.Log(context.Background(), l, "kurrentdb client: "+fmt.Sprintf(format, args...))
	}
}

func (s *Store) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// enter refuses calls after Close and with a done context.
func (s *Store) enter(ctx context.Context) error {
	if s.isClosed() {
		return eventstore.ErrClosed
	}
	return ctx.Err()
}

// fail translates a client error of op.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if s.isClosed() {
		return eventstore.ErrClosed
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("kurrentdb: %s: %w", op, ctxErr)
	}
	if errors.Is(err, eventstore.ErrUnavailable) {
		return err
	}
	var ke *kurrentdb.Error
	if errors.As(err, &ke) && ke.Code() == kurrentdb.ErrorCodeResourceNotFound {
		return fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, op)
	}
	if again, closed := transient(err); again {
		if closed {
			s.renew(s.cli())
		}
		return fmt.Errorf("%w: kurrentdb %s: %v", eventstore.ErrUnavailable, op, err)
	}
	return fmt.Errorf("kurrentdb: %s: %w", op, err)
}

func streamState(e eventstore.ExpectedVersion) (kurrentdb.StreamState, error) {
	switch {
	case e == eventstore.Any:
		return kurrentdb.Any{}, nil
	case e == eventstore.NoStream:
		return kurrentdb.NoStream{}, nil
	case e == eventstore.StreamExists:
		return kurrentdb.StreamExists{}, nil
	case e >= 0:
		return kurrentdb.Revision(uint64(e)), nil
	}
	return nil, fmt.Errorf("kurrentdb: unknown expected version %d", int64(e))
}

// Append appends events to stream if it matches expected; see
// eventstore.Store. The returned Position is the commit position of the
// last event appended.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.enter(ctx); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := eventstore.ValidStream(stream); err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(events) == 0 {
		return eventstore.AppendResult{}, eventstore.ErrEmptyAppend
	}
	state, err := streamState(expected)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	data := make([]kurrentdb.EventData, len(events))
	for i, ev := range events {
		ct := kurrentdb.ContentTypeBinary
		if json.Valid(ev.Data) {
			ct = kurrentdb.ContentTypeJson
		}
		data[i] = kurrentdb.EventData{EventID: ev.ID, EventType: ev.Type, ContentType: ct, Data: ev.Data, Metadata: ev.Metadata}
	}
	var res *kurrentdb.WriteResult
	err = s.retry(ctx, "append to "+stream, func(c *kurrentdb.Client) error {
		var err error
		res, err = c.AppendToStream(ctx, stream, kurrentdb.AppendToStreamOptions{StreamState: state}, data...)
		return err
	})
	if err != nil {
		if errors.Is(err, eventstore.ErrUnavailable) {
			return eventstore.AppendResult{}, err
		}
		var ke *kurrentdb.Error
		if errors.As(err, &ke) && ke.Code() == kurrentdb.ErrorCodeWrongExpectedVersion && !s.isClosed() {
			return eventstore.AppendResult{}, &eventstore.WrongVersionError{Stream: stream, Expected: expected, Actual: s.actualVersion(ctx, stream, ke)}
		}
		return eventstore.AppendResult{}, s.fail(ctx, "append to "+stream, err)
	}
	out := eventstore.AppendResult{Version: res.NextExpectedVersion, Position: eventstore.Position(res.CommitPosition)}
	if len(events) > 1 {
		// The write's position is not documented to be its last event's;
		// read that event back so that a reader waiting for Position sees
		// the whole append.
		evs, err := s.ReadStream(ctx, stream, out.Version, 1)
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("kurrentdb: position of the append to %s: %w", stream, err)
		}
		if len(evs) == 1 && evs[0].ID == events[len(events)-1].ID {
			out.Position = evs[0].Position
		}
	}
	return out, nil
}

var currentRevision = regexp.MustCompile(`but got '([^']*)'`)

// actualVersion reads the stream's current revision from a
// wrong-expected-version error (the client puts it only in the message),
// or, failing that, from the stream's last event.
func (s *Store) actualVersion(ctx context.Context, stream string, ke *kurrentdb.Error) int64 {
	if m := currentRevision.FindStringSubmatch(ke.Error()); m != nil {
		if m[1] == "no_stream" {
			return eventstore.NoVersion
		}
		if v, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			return v
		}
	}
	rs, err := s.cli().ReadStream(ctx, stream, kurrentdb.ReadStreamOptions{Direction: kurrentdb.Backwards, From: kurrentdb.End{}}, 1)
	if err != nil {
		return eventstore.NoVersion
	}
	defer rs.Close()
	ev, err := rs.Recv()
	if err != nil || ev.Event == nil {
		return eventstore.NoVersion
	}
	return int64(ev.Event.EventNumber)
}

// ReadStream returns up to limit events of stream from version from on.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	if err := eventstore.ValidStream(stream); err != nil {
		return nil, err
	}
	count := uint64(max(limit, 1))
	var rs *kurrentdb.ReadStream
	err := s.retry(ctx, "read "+stream, func(c *kurrentdb.Client) error {
		var err error
		rs, err = c.ReadStream(ctx, stream, kurrentdb.ReadStreamOptions{Direction: kurrentdb.Forwards, From: kurrentdb.Revision(from)}, count)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, "read "+stream, err)
	}
	defer rs.Close()
	out := []eventstore.RecordedEvent{}
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, s.fail(ctx, "read "+stream, err)
		}
		if ev.Event != nil && limit > 0 {
			out = append(out, recorded(ev.Event))
		}
	}
	return out, nil
}

// allPage is how many events of $all one read asks for.
const allPage = 512

// ReadAll returns up to limit non-system events with position greater
// than after, in position order.
func (s *Store) ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	out := []eventstore.RecordedEvent{}
	if limit <= 0 {
		return out, nil
	}
	from := after
	for len(out) < limit {
		// Reading $all from a position includes the event at it.
		var start kurrentdb.AllPosition = kurrentdb.Start{}
		if from > 0 {
			start = kurrentdb.Position{Commit: uint64(from), Prepare: uint64(from)}
		}
		want := min(limit-len(out)+1, allPage)
		var rs *kurrentdb.ReadStream
		err := s.retry(ctx, "read $all", func(c *kurrentdb.Client) error {
			var err error
			rs, err = c.ReadAll(ctx, kurrentdb.ReadAllOptions{Direction: kurrentdb.Forwards, From: start}, uint64(want))
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, "read $all", err)
		}
		n := 0
		for len(out) < limit {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rs.Close()
				return nil, s.fail(ctx, "read $all", err)
			}
			n++
			if ev.Event == nil {
				continue
			}
			// Each page starts with the event at from, read before.
			pos := eventstore.Position(ev.Event.Position.Commit)
			if pos <= from {
				continue
			}
			from = pos
			if system(ev.Event) {
				continue
			}
			out = append(out, recorded(ev.Event))
		}
		rs.Close()
		if n < want {
			break // the end of the log
		}
	}
	return out, nil
}

// Head returns the position of the last non-system event (0 if none).
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	if err := s.enter(ctx); err != nil {
		return 0, err
	}
	var from kurrentdb.AllPosition = kurrentdb.End{}
	before := uint64(0) // when > 0, skip events at or after this commit position
	for {
		var rs *kurrentdb.ReadStream
		err := s.retry(ctx, "read the end of $all", func(c *kurrentdb.Client) error {
			var err error
			rs, err = c.ReadAll(ctx, kurrentdb.ReadAllOptions{Direction: kurrentdb.Backwards, From: from}, 64)
			return err
		})
		if err != nil {
			return 0, s.fail(ctx, "read the end of $all", err)
		}
		n := 0
		var last *kurrentdb.RecordedEvent
		for {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rs.Close()
				return 0, s.fail(ctx, "read the end of $all", err)
			}
			n++
			if ev.Event == nil || (before > 0 && ev.Event.Position.Commit >= before) {
				continue
			}
			if !system(ev.Event) {
				rs.Close()
				return eventstore.Position(ev.Event.Position.Commit), nil
			}
			last = ev.Event
		}
		rs.Close()
		if n < 64 || last == nil {
			return 0, nil
		}
		// A page of system events only: go on before the oldest of them
		// (whether the server includes the event at from or not).
		from, before = last.Position, last.Position.Commit
	}
}

// system reports whether ev is KurrentDB's own bookkeeping.
func system(ev *kurrentdb.RecordedEvent) bool {
	return strings.HasPrefix(ev.EventType, "$") || strings.HasPrefix(ev.StreamID, "$")
}

func recorded(ev *kurrentdb.RecordedEvent) eventstore.RecordedEvent {
	return eventstore.RecordedEvent{
		EventData: eventstore.EventData{ID: ev.EventID, Type: ev.EventType, Data: ev.Data, Metadata: ev.UserMetadata},
		Stream:    ev.StreamID,
		Version:   ev.EventNumber,
		Position:  eventstore.Position(ev.Position.Commit),
		Recorded:  ev.CreatedDate.UTC(),
	}
}

// Close ends every subscription and closes the connection.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.isClosed() {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	close(s.closed)
	subs := s.subs
	s.subs = nil
	s.mu.Unlock()
	for sub := range subs {
		sub.Close()
	}
	return s.cli().Close()
}

// noAnswer is the error of the first read of Open as the cause of its
// refusal: its English text, and in another language what it means in
// the reader's words (the server did not answer in time, refused the
// connection, or answered with an error).
func noAnswer(err error, retryFor time.Duration) error {
	switch {
	case strings.Contains(err.Error(), "connection refused"):
		return eventstore.Alt(err, i18n.M("cli2.kurrentdb.refused"))
	case errors.Is(err, eventstore.ErrUnavailable):
		return eventstore.Alt(err, i18n.M("cli2.kurrentdb.timeout", retryFor.String()))
	}
	return eventstore.Alt(err, i18n.M("cli2.kurrentdb.failed"))
}
