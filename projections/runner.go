package projections

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
)

// Projection is a read model fed from the log in log order.
//
// Apply and Advance are called from one goroutine; queries run
// concurrently with them, so implementations guard their state, and keep
// state and checkpoint consistent with each other under the same lock.
type Projection interface {
	// Name identifies the projection: its consumer topic and snapshot file.
	Name() string
	// Handles reports whether the projection reads events of eventType.
	Handles(eventType string) bool
	// Apply applies an event of a handled type and advances the checkpoint
	// to its position, atomically: on error the state is unchanged.
	Apply(r domain.Recorded) error
	// Advance moves the checkpoint past an event the projection ignores.
	Advance(position uint64)
	// Checkpoint returns the position of the last event applied or passed.
	Checkpoint() uint64
	// WriteSnapshot writes the state and its checkpoint.
	WriteSnapshot(w io.Writer) error
	// ReadSnapshot replaces the state and checkpoint with a snapshot's.
	ReadSnapshot(r io.Reader) error
}

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	// Subscriber delivers the log to the projections, one topic per
	// projection (usually an *eventstore.Subscriber whose Checkpoint is the
	// Runner's; see Runner.Checkpoint).
	Subscriber message.Subscriber
	// Projections are the read models to feed.
	Projections []Projection
	// Snapshots stores snapshots; nil disables them (every start replays).
	Snapshots *SnapshotStore
	// SnapshotInterval is how often changed projections are snapshotted
	// (default 1 minute); they are also snapshotted on Close.
	SnapshotInterval time.Duration
	// Logger receives the router's and the runner's logs (default: none).
	Logger watermill.LoggerAdapter
}

// Validate reports what is wrong with c.
func (c RunnerConfig) Validate() error {
	var errs []error
	if c.Subscriber == nil {
		errs = append(errs, errors.New("runner config: Subscriber is required"))
	}
	if len(c.Projections) == 0 {
		errs = append(errs, errors.New("runner config: no projections"))
	}
	seen := map[string]bool{}
	for _, p := range c.Projections {
		if seen[p.Name()] {
			errs = append(errs, fmt.Errorf("runner config: two projections named %q", p.Name()))
		}
		seen[p.Name()] = true
	}
	if c.SnapshotInterval < 0 {
		errs = append(errs, errors.New("runner config: SnapshotInterval must not be negative"))
	}
	return errors.Join(errs...)
}

// Runner runs projections as handlers of a watermill Router, with the
// recoverer, retry and correlation-ID middleware. A handler that keeps
// failing is not skipped: its message is nacked and redelivered, so a read
// model never silently misses an event; the failure is logged.
//
// Its methods are safe for concurrent use.
type Runner struct {
	cfg    RunnerConfig
	router *message.Router

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever a checkpoint moves
	generation uint64        // counts checkpoint moves
	snapped    map[string]uint64

	decoded decodeCache
}

// decodeCache shares decoded events between the projections' handlers,
// which each receive every event: a batch of observations is decoded once
// rather than once per read model that handles it (two today: series and
// provenance), which is most of a cold start's work. Handlers move through
// the log at about the same pace, so a small ring by position serves
// them; a miss only costs a decode. Read models never modify an event.
type decodeCache struct {
	mu      sync.Mutex
	entries [64]decodedEvent
}

type decodedEvent struct {
	pos uint64
	rec domain.Recorded
}

func (c *decodeCache) decode(ev eventstore.RecordedEvent) (domain.Recorded, error) {
	pos := uint64(ev.Position)
	slot := &c.entries[pos%uint64(len(c.entries))]
	c.mu.Lock()
	if slot.pos == pos && pos != 0 {
		rec := slot.rec
		c.mu.Unlock()
		return rec, nil
	}
	c.mu.Unlock()
	rec, err := eventstore.Decode(ev)
	if err != nil {
		return rec, err
	}
	c.mu.Lock()
	*slot = decodedEvent{pos: pos, rec: rec}
	c.mu.Unlock()
	return rec, nil
}

// NewRunner builds the router. Call Restore before Run to start from
// snapshots.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	if cfg.SnapshotInterval == 0 {
		cfg.SnapshotInterval = time.Minute
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, cfg.Logger)
	if err != nil {
		return nil, err
	}
	router.AddMiddleware(
		middleware.CorrelationID,
		middleware.Retry{MaxRetries: 3, InitialInterval: 20 * time.Millisecond, Multiplier: 2, Logger: cfg.Logger}.Middleware,
		middleware.Recoverer,
	)
	r := &Runner{cfg: cfg, router: router, changed: make(chan struct{}), snapped: map[string]uint64{}}
	for _, p := range cfg.Projections {
		router.AddConsumerHandler(p.Name(), p.Name(), cfg.Subscriber, r.handler(p))
	}
	return r, nil
}

func (r *Runner) handler(p Projection) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		evs, err := eventstore.FromMessages(msg) // one event, or a batch
		if err != nil {
			return err
		}
		moved := false
		defer func() {
			if moved {
				r.notify()
			}
		}()
		for _, ev := range evs {
			pos := uint64(ev.Position)
			if pos <= p.Checkpoint() {
				continue // redelivered after it was applied
			}
			if !p.Handles(ev.Type) {
				p.Advance(pos)
			} else {
				rec, err := r.decoded.decode(ev)
				if err != nil {
					return fmt.Errorf("projection %s: %w", p.Name(), err)
				}
				if err := p.Apply(rec); err != nil {
					return fmt.Errorf("projection %s at position %d: %w", p.Name(), pos, err)
				}
			}
			moved = true
		}
		return nil
	}
}

func (r *Runner) notify() {
	r.mu.Lock()
	r.generation++
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// Checkpoint returns the position after which the projection named topic
// resumes; it is the Checkpoint function for an eventstore.Subscriber.
func (r *Runner) Checkpoint(_ context.Context, topic string) (eventstore.Position, error) {
	for _, p := range r.cfg.Projections {
		if p.Name() == topic {
			return eventstore.Position(p.Checkpoint()), nil
		}
	}
	return 0, fmt.Errorf("no projection named %q", topic)
}

// Restore loads each projection's snapshot, if any, before Run. A snapshot
// ahead of the store's head (a store that was replaced) or unreadable is
// ignored and the projection rebuilt from the log. It returns the names of
// the projections restored.
func (r *Runner) Restore(head eventstore.Position) ([]string, error) {
	if r.cfg.Snapshots == nil {
		return nil, nil
	}
	var restored []string
	for _, p := range r.cfg.Projections {
		ok, err := r.cfg.Snapshots.Load(p, uint64(head))
		if errors.Is(err, ErrSnapshotAhead) {
			r.cfg.Logger.Error("the log is shorter than a read model's snapshot", err, watermill.LogFields{"projection": p.Name(), "head": uint64(head)})
			continue
		}
		if err != nil {
			r.cfg.Logger.Error("snapshot unreadable; rebuilding from the log", err, watermill.LogFields{"projection": p.Name()})
			continue
		}
		if !ok {
			continue
		}
		r.snapped[p.Name()] = p.Checkpoint()
		restored = append(restored, p.Name())
	}
	return restored, nil
}

// Run runs the router until ctx is done or Close is called, snapshotting
// changed projections every SnapshotInterval.
func (r *Runner) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if r.cfg.Snapshots != nil {
		go func() {
			t := time.NewTicker(r.cfg.SnapshotInterval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := r.Snapshot(); err != nil {
						r.cfg.Logger.Error("snapshot failed", err, nil)
					}
				}
			}
		}()
	}
	return r.router.Run(ctx)
}

// Running is closed once the router runs.
func (r *Runner) Running() <-chan struct{} { return r.router.Running() }

// Snapshot writes a snapshot of every projection that moved since its last one.
func (r *Runner) Snapshot() error {
	if r.cfg.Snapshots == nil {
		return nil
	}
	var errs []error
	for _, p := range r.cfg.Projections {
		cp := p.Checkpoint()
		r.mu.Lock()
		last := r.snapped[p.Name()]
		r.mu.Unlock()
		if cp == last {
			continue
		}
		if err := r.cfg.Snapshots.Save(p); err != nil {
			errs = append(errs, err)
			continue
		}
		r.mu.Lock()
		r.snapped[p.Name()] = cp
		r.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Close stops the router and writes final snapshots.
func (r *Runner) Close() error {
	err := r.router.Close()
	return errors.Join(err, r.Snapshot())
}

// Projections returns the read models the runner keeps.
func (r *Runner) Projections() []Projection { return r.cfg.Projections }

// Position returns the position every projection has reached: what a
// query sees.
func (r *Runner) Position() uint64 {
	min := uint64(0)
	for i, p := range r.cfg.Projections {
		if cp := p.Checkpoint(); i == 0 || cp < min {
			min = cp
		}
	}
	return min
}

// Generation returns a number that changes whenever any read model
// changes: two equal generations mean the read models were in the same
// state, so an answer computed from them can be reused.
func (r *Runner) Generation() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.generation
}

// WaitFor blocks until every projection has reached pos, or ctx is done.
func (r *Runner) WaitFor(ctx context.Context, pos uint64) error {
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if r.Position() >= pos {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
