package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
	"github.com/supplyeval/supplyeval/web"
)

// Config is what a node needs to run.
type Config struct {
	// DataDir holds the event store (events/) and projection snapshots
	// (snapshots/).
	DataDir string
	// Addr is the HTTP listen address; "" means do not serve HTTP.
	Addr string
	// SnapshotInterval is how often read models are snapshotted.
	SnapshotInterval time.Duration
	// Now is the clock for recorded events (default time.Now).
	Now func() time.Time
	// Authenticate names each request's principal (from a tokens file).
	// Without it the node is in single-user mode: it serves loopback
	// only and lets the local user do everything.
	Authenticate func(r *http.Request) (graphql.Principal, error)
	// StoreURL selects the event store: "" for the embedded store in
	// DataDir, kurrentdb://... or esdb://... for KurrentDB (scaleout.go).
	StoreURL string
	// BusURL (nats://host:port[?prefix=P]), when set, forwards the log to
	// NATS JetStream and records observation batches published there.
	BusURL string
	// FollowURL, when set, makes the node a read replica: its read models
	// follow the log forwarded on JetStream (nats://...) or KurrentDB's own
	// subscription (kurrentdb://..., esdb://...); it has no store of its
	// own and refuses writes, naming where they go.
	FollowURL string
	// Timeouts bound how long a client may hold a connection (httpserver.go).
	Timeouts HTTPTimeouts
	// APILimits bound the computation of API requests (--eval-budget,
	// --eval-per-principal, --eval-max, --eval-wait); zero fields take
	// graphql.Limits' defaults.
	APILimits graphql.Limits
	// Periods bounds the periods observations may be recorded for
	// (--period-range; zero: domain.DefaultPeriodRange).
	Periods domain.PeriodRange
	// Disk is the free space the embedded store keeps on its disk
	// (--min-free-mb, --reserve-mb; zero: the store's defaults).
	Disk DiskReserve
	// RateLimited, if set, counts requests refused for a principal's rate
	// limit (for /metrics).
	RateLimited func() uint64
	// IngestRetryFor is how long a batch from NATS that meets a transient
	// failure is retried before it is poisoned (zero: the default).
	IngestRetryFor time.Duration
	// ReadyLag is how many events the read models may be behind the log
	// for /readyz to answer 200 (zero: DefaultReadyLag).
	ReadyLag int
	Logger   zerolog.Logger
}

// DiskReserve is how much of its disk the embedded store keeps free: below
// MinFreeBytes writes are refused (UNAVAILABLE, HTTP 503) and reads go on;
// ReserveBytes is a file it gives back then. Negative: none.
type DiskReserve struct {
	MinFreeBytes, ReserveBytes int64
	// freeSpace replaces the operating system's figure in tests.
	freeSpace func(dir string) (uint64, error)
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errm("cli.err.data.required"))
	}
	if c.Addr != "" && c.Authenticate == nil {
		if err := checkLoopback(c.Addr); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Periods != (domain.PeriodRange{}) {
		if err := c.Periods.Validate(); err != nil {
			errs = append(errs, errm("cli.err.period-range", err))
		}
	}
	errs = append(errs, c.validateScaleOut())
	return errors.Join(errs...)
}

// checkLoopback refuses addresses other than loopback ones: without a
// tokens file there is no access control, so the server must not be
// reachable from other machines.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return errm("cli.err.addr", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return errm("cli.err.addr.loopback", addr)
	}
	return nil
}

// Node is one running supplyeval: the event store, the command path and
// service, the projections and, when an address is configured, the HTTP
// API. Open starts it; Close stops it gracefully.
type Node struct {
	cfg   Config
	log   zerolog.Logger
	store eventstore.Store // nil on a replica
	// head gives the log's head position (nil on a replica, whose reads
	// with asOf wait, boundedly, for the forwarded log to reach it).
	head     func(ctx context.Context) (uint64, error)
	commands graphql.Commands
	nats     *nats.Conn
	ingest   *natsbus.Ingest
	follower *follower

	// Forwarder publishes the log to JetStream (with --bus).
	Forwarder     *natsbus.Forwarder
	Service       *domain.Service
	Bus           *commandBus
	Runner        *projections.Runner
	Catalog       *projections.Catalog
	Series        *projections.Series
	Interventions *projections.Interventions
	Cycles        *projections.Cycles
	Provenance    *projections.Provenance
	// Reports builds evaluation cycle reports from the read models.
	Reports *report.Generator

	httpServer *http.Server
	listener   net.Listener

	cancel context.CancelFunc
	wg     sync.WaitGroup
	errMu  sync.Mutex
	bgErr  error
	failed chan struct{} // closed by recordFailure; made on first use

	api     *graphql.Server
	metrics *nodeMetrics
	// writes measures appends and commits from the start (see storeMetrics).
	writes *storeMetrics
}

// watermillLogger puts zerolog behind watermill's logger interface.
// Watermill's info messages (subscribers and routers starting and
// stopping) are lifecycle detail: they are logged at debug level.
func watermillLogger(l zerolog.Logger) watermill.LoggerAdapter {
	return leveledLogger{
		LoggerAdapter: watermill.NewSlogLoggerWithLevelMapping(slog.New(zerolog.NewSlogHandler(l)), map[slog.Level]slog.Level{
			slog.LevelInfo: slog.LevelDebug,
		}),
		trace: l.GetLevel() <= zerolog.TraceLevel,
		debug: l.GetLevel() <= zerolog.DebugLevel,
	}
}

// leveledLogger drops watermill's trace and debug messages (one per
// message handled, and its fields) before they are built, unless the log
// level shows them: they were a tenth of a replica's catch-up time.
type leveledLogger struct {
	watermill.LoggerAdapter
	trace, debug bool
}

func (l leveledLogger) Trace(msg string, fields watermill.LogFields) {
	if l.trace {
		l.LoggerAdapter.Trace(msg, fields)
	}
}

func (l leveledLogger) Debug(msg string, fields watermill.LogFields) {
	if l.debug {
		l.LoggerAdapter.Debug(msg, fields)
	}
}

// Info is shown at debug level (the router's start and stop messages).
func (l leveledLogger) Info(msg string, fields watermill.LogFields) {
	if l.debug {
		l.LoggerAdapter.Info(msg, fields)
	}
}

func (l leveledLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return leveledLogger{LoggerAdapter: l.LoggerAdapter.With(fields), trace: l.trace, debug: l.debug}
}

// Open starts a node. On error everything opened so far is closed.
func Open(ctx context.Context, cfg Config) (n *Node, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	n = &Node{cfg: cfg, log: cfg.Logger, writes: newStoreMetrics()}
	// Every failure below returns (nil, err), which sets n to nil before
	// this runs: close through a copy of the pointer.
	opened := n
	defer func() {
		if err != nil {
			if cerr := opened.Close(); cerr != nil {
				opened.log.Debug().Err(cerr).Msg("closing what was opened before the failure")
			}
		}
	}()
	wlog := watermillLogger(cfg.Logger.With().Str("component", "watermill").Logger())

	started := time.Now()
	var runner *projections.Runner
	checkpoint := func(ctx context.Context, topic string) (eventstore.Position, error) {
		return runner.Checkpoint(ctx, topic)
	}
	var head eventstore.Position
	var sub message.Subscriber
	n.Catalog, n.Series, n.Interventions = projections.NewCatalog(), projections.NewSeries(), projections.NewInterventions()
	n.Cycles, n.Provenance = projections.NewCycles(), projections.NewProvenance()
	readModels := []projections.Projection{n.Catalog, n.Series, n.Interventions, n.Cycles, n.Provenance}
	if cfg.FollowURL != "" {
		topics := make([]string, len(readModels))
		for i, p := range readModels {
			topics[i] = p.Name()
		}
		if n.follower, err = openFollower(ctx, cfg, wlog, checkpoint, topics); err != nil {
			return nil, err
		}
		if head, err = n.follower.head(ctx); err != nil {
			return nil, err
		}
		sub, n.commands = n.follower.sub, replicaCommands{n.follower}
	} else {
		if n.store, err = openStore(ctx, cfg, storeLogger(cfg.Logger), n.writes.commit); err != nil {
			if errors.Is(err, embedded.ErrLocked) {
				return nil, errm("cli.err.data.locked", cfg.DataDir)
			}
			return nil, errm("cli.err.store.open", err)
		}
		if head, err = n.store.Head(ctx); err != nil {
			return nil, err
		}
		ev := n.log.Info().Uint64("head", uint64(head))
		if s, ok := n.store.(*embedded.Store); ok {
			if tail, torn := s.TornTail(); torn {
				ev = n.log.Warn().Uint64("head", uint64(head)).Str("torn_wal", tail.File).Int64("dropped_bytes", tail.Dropped)
			}
		}
		ev.Msg("event log opened")
		n.head = func(ctx context.Context) (uint64, error) {
			h, err := n.store.Head(ctx)
			return uint64(h), err
		}
		n.Service, err = domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(timedStore{n.store, n.writes}), Now: cfg.Now, Periods: cfg.Periods})
		if err != nil {
			return nil, err
		}
		n.Bus = newCommandBus(n.Service, cfg.Logger)
		n.commands = n.Bus
		if sub, err = eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: n.store, Logger: wlog, Checkpoint: checkpoint}); err != nil {
			return nil, err
		}
	}

	snaps, err := projections.NewSnapshotStore(filepath.Join(cfg.DataDir, "snapshots"))
	if err != nil {
		return nil, err
	}
	if files, size, err := snaps.RemoveInterruptedWrites(); err != nil {
		return nil, errm("cli.err.snapshot.clean", err)
	} else if files > 0 {
		n.log.Info().Int("files", files).Int64("bytes", size).Msg("removed snapshot writes that a crash interrupted")
	}
	runner, err = projections.NewRunner(projections.RunnerConfig{Subscriber: sub, Snapshots: snaps, Logger: wlog,
		Projections:      readModels,
		SnapshotInterval: cfg.SnapshotInterval})
	if err != nil {
		return nil, err
	}
	n.Runner = runner
	n.Reports, err = report.New(report.Config{
		Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles:    n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.store}, Position: runner.Position})
	if err != nil {
		return nil, err
	}
	restored, err := runner.Restore(head)
	if err != nil {
		return nil, err
	}

	bg, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.goRun("projections", runner.Run, bg)
	starting := []<-chan struct{}{runner.Running()}
	for _, ch := range starting {
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(30 * time.Second):
			return nil, errm("cli.err.projections.start")
		}
	}
	// A subscription that fails (a damaged event) stops its read model for
	// good: catching up ends with that error instead of waiting forever,
	// and a later failure is the node's error.
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	if f, ok := sub.(failingSubscriber); ok {
		n.watchSubscription(f, bg, stopWaiting)
	}
	if err := runner.WaitFor(waitCtx, uint64(head)); err != nil {
		if f, ok := sub.(failingSubscriber); ok && f.Err() != nil {
			return nil, errm("cli.err.projections.build", f.Err())
		}
		return nil, errm("cli.err.projections.catchup", err)
	}
	n.log.Info().Uint64("position", uint64(head)).Strs("restored_from_snapshot", restored).
		Dur("took", time.Since(started)).Msg("read models ready")

	if cfg.Addr != "" {
		if err := n.serve(); err != nil {
			return nil, err
		}
	}
	if cfg.BusURL != "" {
		if err := n.startBus(ctx, bg, wlog); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// failingSubscriber is a subscriber that says when its subscription
// failed for good (*eventstore.Subscriber).
type failingSubscriber interface {
	Failed() <-chan struct{}
	Err() error
}

// watchSubscription records f's failure as the node's error (Err) and
// calls onFail, until ctx ends.
func (n *Node) watchSubscription(f failingSubscriber, ctx context.Context, onFail func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		select {
		case <-f.Failed():
			n.log.Error().Err(f.Err()).Str("component", "projections").Msg("the read models stopped: the log could not be read")
			n.recordFailure(errm("cli.err.projections", f.Err()))
			onFail()
		case <-ctx.Done():
		}
	}()
}

func (n *Node) goRun(name string, fn func(context.Context) error, ctx context.Context) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			n.log.Error().Err(err).Str("component", name).Msg("stopped with an error")
			n.recordFailure(errm("cli.err.at", name, err))
		}
	}()
}

func (n *Node) serve() error {
	api, err := graphql.NewServer(graphql.Config{
		Commands: n.commands, Positions: n.Runner,
		Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions, Reports: n.Reports,
		Head:         n.head,
		Limits:       n.cfg.APILimits,
		Authenticate: n.cfg.Authenticate,
		Log:          n.store,
		Logger:       n.log.With().Str("component", "graphql").Logger(),
		Observe:      func(op, code string, d time.Duration) { n.metrics.observe(op, code, d) },
	})
	if err != nil {
		return err
	}
	n.api = api
	n.metrics = newNodeMetrics(n)
	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("/metrics", n.metrics.handler())
	mux.Handle("/graphiql/", graphql.AssetHandler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok %d\n", n.Runner.Position())
	})
	mux.HandleFunc("/livez", n.live)
	mux.HandleFunc("/readyz", n.ready)
	app, err := web.New(web.Config{API: api, Authenticate: n.cfg.Authenticate,
		Logger: n.log.With().Str("component", "web").Logger()})
	if err != nil {
		return err
	}
	mux.Handle("/", app)
	ln, err := net.Listen("tcp", n.cfg.Addr)
	if err != nil {
		return errm("cli.err.listen", n.cfg.Addr, err)
	}
	n.listener = ln
	n.httpServer = newHTTPServer(withRequestLog(n.log, mux), n.cfg.Timeouts)
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := n.httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error().Err(err).Msg("http server stopped")
		}
	}()
	if n.cfg.Authenticate == nil {
		n.log.Warn().Str("addr", ln.Addr().String()).
			Msg("NO ACCESS CONTROL: no --tokens file, so every request acts as the local user with every role and the highest clearance; listening on loopback only")
	}
	n.log.Info().Str("url", "http://"+ln.Addr().String()+"/graphql").Str("web", "http://"+ln.Addr().String()+"/").
		Msg("serving the web application (web), GraphQL and GraphiQL (url)")
	return nil
}

// Addr returns the address the API listens on ("" if not serving).
func (n *Node) Addr() string {
	if n.listener == nil {
		return ""
	}
	return n.listener.Addr().String()
}

// Err returns the errors of background components that stopped.
func (n *Node) Err() error {
	n.errMu.Lock()
	defer n.errMu.Unlock()
	return n.bgErr
}

// Failed is closed when a background component (projections, forwarder,
// ingest) stopped with an error it cannot recover from; Err says which.
func (n *Node) Failed() <-chan struct{} {
	n.errMu.Lock()
	defer n.errMu.Unlock()
	if n.failed == nil {
		n.failed = make(chan struct{})
	}
	return n.failed
}

// recordFailure adds err to the node's errors and closes Failed.
func (n *Node) recordFailure(err error) {
	n.errMu.Lock()
	defer n.errMu.Unlock()
	n.bgErr = errors.Join(n.bgErr, err)
	if n.failed == nil {
		n.failed = make(chan struct{})
	}
	select {
	case <-n.failed:
	default:
		close(n.failed)
	}
}

// Close stops the node: the API first (finishing requests in flight),
// then the projections (writing snapshots), then
// the store.
func (n *Node) Close() error {
	var errs []error
	if n.httpServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs = append(errs, n.httpServer.Shutdown(ctx))
		cancel()
	}
	if n.ingest != nil {
		errs = append(errs, n.ingest.Close())
	}
	if n.Runner != nil {
		errs = append(errs, n.Runner.Close())
	}
	if n.cancel != nil {
		n.cancel()
	}
	n.wg.Wait()
	if n.nats != nil {
		n.nats.Close()
	}
	if n.follower != nil {
		errs = append(errs, n.follower.Close())
	}
	if n.store != nil {
		errs = append(errs, n.store.Close())
	}
	return errors.Join(errs...)
}
