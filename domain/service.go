package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// EventLog is what the command service needs from the event store. The
// eventstore package adapts any store to it.
type EventLog interface {
	// Load returns the events of stream with version greater than after
	// (-1 for all), in order; none for a stream that does not exist.
	Load(ctx context.Context, stream string, after int64) ([]Recorded, error)
	// Append appends events to stream if its last version is expected (-1:
	// the stream must not exist). A stream changed concurrently gives an
	// *Error with code Conflict. It returns the last event's version and
	// log position.
	Append(ctx context.Context, stream string, expected int64, events []Pending) (version int64, position uint64, err error)
}

// Command is a request to change something. Validate checks what can be
// checked without reading the log and names the field at fault.
type Command interface {
	CommandName() string
	Validate() error
}

// Envelope carries who sent a command and how it relates to others.
type Envelope struct {
	// Principal is who sent the command: its roles decide whether it may,
	// its clearance which operations exist for it, its name is recorded.
	Principal     Principal
	CommandID     string
	CorrelationID string
	CausationID   string
	// ExpectedVersion, when set, makes the command apply only if its
	// stream's last version is this (-1: the stream must not exist).
	ExpectedVersion *int64
}

// classifiedAggregate is an aggregate whose stream is classified: for a
// principal who may not see its classification, the stream does not
// exist.
type classifiedAggregate interface {
	classifiedAs() Classification
}

// Result says what a command recorded.
type Result struct {
	// Position is the log position of the command's last event (for a
	// repeated command, of the events the first one recorded).
	Position uint64
	// Stream and Version: where the events went.
	Stream  string
	Version int64
	// Events is how many events were recorded (0 for a repeated command).
	Events int
	// Duplicate is true when the command ID had already been handled.
	Duplicate bool
}

// ServiceConfig configures a Service.
type ServiceConfig struct {
	Log EventLog
	// Now is the clock (default time.Now); tests inject a fixed one.
	Now func() time.Time
	// NewID makes event IDs (default uuid.New).
	NewID func() uuid.UUID
	// Periods bounds the periods that observations and operation outputs
	// may be recorded for (default DefaultPeriodRange).
	Periods PeriodRange
}

// Validate reports what is missing from c.
func (c ServiceConfig) Validate() error {
	if c.Log == nil {
		return errors.New("service config: Log is required")
	}
	if c.Periods != (PeriodRange{}) {
		if err := c.Periods.Validate(); err != nil {
			return fmt.Errorf("service config: %w", err)
		}
	}
	return nil
}

// Service decides commands: it loads the aggregate a command addresses,
// checks the command against it, and appends the resulting events with
// the version it loaded (optimistic concurrency). Commands on one stream
// are serialised in-process; a writer in another process that got there
// first makes the command fail with Conflict. Aggregates are cached
// between commands and brought up to date from the log before each one.
//
// A Service is safe for concurrent use.
type Service struct {
	log   EventLog
	now   func() time.Time
	newID func() uuid.UUID
	// periods is the range recorded periods must lie in.
	periods PeriodRange

	mu      sync.Mutex
	streams map[string]*cachedStream
}

type cachedStream struct {
	mu      sync.Mutex
	agg     aggregate
	version int64 // -1: no event
}

// aggregate is the state of one stream, rebuilt by apply.
type aggregate interface {
	apply(r Recorded) error
	commands() *commandLog
}

// commandLog remembers the command IDs a stream has handled, per
// principal: a command ID is the sender's idempotency key, and another
// principal's use of the same ID is another command (telling it otherwise
// would tell it what the first principal did).
type commandLog struct {
	seen map[string]seenCommand
}

type seenCommand struct {
	hash     string
	position uint64
	version  int64
}

func (c *commandLog) commands() *commandLog { return c }

func (c *commandLog) note(r Recorded) {
	if r.Meta.CommandID == "" {
		return
	}
	if c.seen == nil {
		c.seen = make(map[string]seenCommand)
	}
	// The last event of a command overwrites earlier ones: its position is
	// the command's position.
	c.seen[commandKey(r.Meta.Principal, r.Meta.CommandID)] = seenCommand{hash: r.Meta.CommandHash, position: r.Position, version: r.Version}
}

// streamID returns the id part of a stream's name: "op-1" of
// "operation-op-1".
func streamID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}

// commandKey is the key of a principal's command ID in a commandLog.
func commandKey(principal, commandID string) string { return principal + "\x00" + commandID }

// NewService returns a Service over cfg.Log.
func NewService(cfg ServiceConfig) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = uuid.New
	}
	if cfg.Periods == (PeriodRange{}) {
		cfg.Periods = DefaultPeriodRange
	}
	return &Service{log: cfg.Log, now: cfg.Now, newID: cfg.NewID, periods: cfg.Periods, streams: make(map[string]*cachedStream)}, nil
}

// Handle checks that env.Principal may send cmd (its roles, from the
// command registry), validates and decides cmd, and records its events.
// Errors are *Error values: Forbidden for a principal whose roles do not
// allow the command or who names a classification above its clearance,
// BadInput for invalid commands, NotFound for unknown regions, indicators
// or interventions (and for operations above the principal's clearance,
// with the answer an unknown id gets), Conflict for commands that
// contradict the record; anything else is Internal.
func (s *Service) Handle(ctx context.Context, env Envelope, cmd Command) (Result, error) {
	if cmd == nil {
		return Result{}, Invalidm("", "domain.err.command.none")
	}
	spec, ok := commandSpecs[cmd.CommandName()]
	if !ok {
		return Result{}, Invalidm("", "domain.err.command.unknown", cmd.CommandName())
	}
	p := env.Principal
	if !p.Has(RoleAdmin) && !p.HasAny(spec.Roles) {
		return Result{}, p.mayNot("send the command " + spec.Name)
	}
	if env.CommandID != "" {
		if err := checkText("commandId", env.CommandID, 128, true); err != nil {
			return Result{}, err
		}
	}
	if err := cmd.Validate(); err != nil {
		return Result{}, err
	}
	if cc, ok := cmd.(classifiedCommand); ok && !p.Sees(cc.classification()) {
		return Result{}, p.mayNot(fmt.Sprintf("record an operation classified %s (clearance %s)", cc.classification(), clearanceName(p.Clearance)))
	}
	return spec.handle(s, ctx, env, cmd)
}

func clearanceName(c Classification) string {
	if c == "" {
		return "none"
	}
	return string(c)
}

// idNotAvailable is the answer to a command that records a new
// intervention under an id already held by an operation its sender may
// not see: the id stays unique, and the answer says nothing about the
// operation (not its kind, classification, version or dates).
func idNotAvailable(id string) *Error {
	return Errorm(Conflict, "id", "domain.err.intervention.idtaken", id)
}

// decideFunc inspects the up-to-date aggregate and returns the events the
// command produces, or an *Error.
type decideFunc[A aggregate] func(agg A) ([]Event, error)

// update runs load-decide-append for one stream.
func update[A aggregate](ctx context.Context, s *Service, env Envelope, cmd Command, stream string, fresh func() A, decide decideFunc[A]) (Result, error) {
	cs, err := s.lockStream(ctx, stream, func() aggregate { return fresh() })
	if err != nil {
		return Result{}, err
	}
	defer cs.mu.Unlock()
	agg, loaded := cs.agg.(A), cs.version

	// Clearance is decided here, from the aggregate as the log has it,
	// under the stream lock: a stream classified above the principal's
	// clearance is, for it, a stream that does not exist. The command is
	// decided against an empty aggregate (so that every answer, the
	// command-ID and expected-version checks included, is the one an
	// unknown id gets), and whatever it decides is never recorded.
	hidden := false
	if c, ok := any(agg).(classifiedAggregate); ok && !env.Principal.Sees(c.classifiedAs()) {
		agg, loaded, hidden = fresh(), -1, true
	}

	// The hash is only needed (and only stored) with a command ID; for a
	// batch of observations it costs an encoding of every row.
	var hash string
	if env.CommandID != "" {
		hash = commandHash(cmd)
		if seen, ok := agg.commands().seen[commandKey(env.Principal.Name, env.CommandID)]; ok {
			if seen.hash != hash {
				return Result{}, Errorm(Conflict, "commandId", "domain.err.command.reused", env.CommandID, cmd.CommandName())
			}
			return Result{Position: seen.position, Stream: stream, Version: seen.version, Duplicate: true}, nil
		}
	}
	if env.ExpectedVersion != nil && *env.ExpectedVersion != loaded {
		return Result{}, Errorm(Conflict, "expectedVersion", "domain.err.version", stream, loaded, *env.ExpectedVersion)
	}
	events, err := decide(agg)
	if err != nil {
		return Result{}, err
	}
	if hidden {
		// Only a command that creates the stream gets here (every other
		// one refuses an empty aggregate): its id is taken.
		return Result{}, idNotAvailable(streamID(stream))
	}
	if len(events) == 0 {
		return Result{}, Errorf(Internal, "", "%s decided no event", cmd.CommandName())
	}
	meta := Metadata{
		RecordedAt:    s.now().UTC(),
		Principal:     env.Principal.Name,
		Command:       cmd.CommandName(),
		CommandID:     env.CommandID,
		CorrelationID: env.CorrelationID,
		CausationID:   env.CausationID,
	}
	if env.CommandID != "" {
		meta.CommandHash = hash
	}
	pending := make([]Pending, len(events))
	for i, e := range events {
		m := meta
		m.SchemaVersion = SchemaVersion(e.EventType())
		pending[i] = Pending{ID: s.newID(), Event: e, Meta: m}
	}
	version, position, err := s.log.Append(ctx, stream, cs.version, pending)
	if err != nil {
		// The cached state may be stale (another process wrote): reload next time.
		cs.agg, cs.version = fresh(), -1
		return Result{}, err
	}
	// Only the last event's position is known for certain (a distributed
	// store's positions need not be consecutive); aggregates use versions.
	first := version - int64(len(pending)) + 1
	for i, p := range pending {
		r := Recorded{ID: p.ID, Event: p.Event, Meta: p.Meta, Stream: stream, Version: first + int64(i), Position: position}
		if err := agg.apply(r); err != nil {
			cs.agg, cs.version = fresh(), -1
			return Result{}, fmt.Errorf("apply own event: %w", err)
		}
		agg.commands().note(r)
	}
	cs.version = version
	return Result{Position: position, Stream: stream, Version: version, Events: len(pending)}, nil
}

// lockStream returns the stream's cache entry, locked and brought up to
// date with the log. The caller unlocks cs.mu.
func (s *Service) lockStream(ctx context.Context, stream string, fresh func() aggregate) (*cachedStream, error) {
	s.mu.Lock()
	cs, ok := s.streams[stream]
	if !ok {
		cs = &cachedStream{agg: fresh(), version: -1}
		s.streams[stream] = cs
	}
	s.mu.Unlock()
	cs.mu.Lock()
	recs, err := s.log.Load(ctx, stream, cs.version)
	if err != nil {
		cs.mu.Unlock()
		return nil, err
	}
	for _, r := range recs {
		if err := cs.agg.apply(r); err != nil {
			cs.agg, cs.version = fresh(), -1
			cs.mu.Unlock()
			return nil, fmt.Errorf("replay %s version %d: %w", stream, r.Version, err)
		}
		cs.agg.commands().note(r)
		cs.version = r.Version
	}
	return cs, nil
}

// view runs fn on the up-to-date aggregate of stream without changing it.
func view[A aggregate](ctx context.Context, s *Service, stream string, fresh func() A, fn func(A, int64)) error {
	cs, err := s.lockStream(ctx, stream, func() aggregate { return fresh() })
	if err != nil {
		return err
	}
	fn(cs.agg.(A), cs.version)
	empty := cs.version == -1
	cs.mu.Unlock()
	if empty {
		// Do not keep entries for streams that do not exist: lookups of
		// unknown codes would otherwise grow the cache without bound.
		s.mu.Lock()
		if s.streams[stream] == cs {
			delete(s.streams, stream)
		}
		s.mu.Unlock()
	}
	return nil
}

// commandHash fingerprints a command's content for command-ID checks.
func commandHash(cmd Command) string {
	b, err := json.Marshal(cmd)
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(cmd.CommandName()))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:16])
}
