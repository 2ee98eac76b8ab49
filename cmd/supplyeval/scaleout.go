package main

// Scale-out wiring (DESIGN.md section 7): the choice of event store
// (--store), forwarding the log to NATS JetStream and recording batches
// from it (--bus), and read replicas fed from JetStream (--follow).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/eventstore/kurrentdb"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// validateScaleOut checks the --store, --bus and --follow combination.
func (c Config) validateScaleOut() error {
	var errs []error
	if c.StoreURL != "" && !isKurrentURL(c.StoreURL) {
		errs = append(errs, errm("cli.err.store.url", c.StoreURL))
	}
	for flag, u := range map[string]string{"--bus": c.BusURL, "--follow": c.FollowURL} {
		if flag == "--follow" && isKurrentURL(u) {
			continue // a replica reading KurrentDB's own subscription
		}
		if u != "" {
			if _, _, err := natsbus.ParseURL(u); err != nil {
				errs = append(errs, errm("cli.err.at", flag, err))
			}
		}
	}
	if c.FollowURL != "" && (c.StoreURL != "" || c.BusURL != "") {
		errs = append(errs, errm("cli.err.follow.alone"))
	}
	return errors.Join(errs...)
}

func isKurrentURL(u string) bool {
	for _, p := range []string{"kurrentdb://", "kurrentdb+discover://", "esdb://", "esdb+discover://"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// openStore opens the event store that cfg names.
// onCommit, if not nil, is told of each durable commit of the embedded store.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, onCommit func(embedded.Commit)) (eventstore.Store, error) {
	// Each branch returns a nil interface on error, never a typed nil
	// pointer that a later Close would call.
	if cfg.StoreURL == "" {
		s, err := embedded.Open(embedded.Config{Dir: filepath.Join(cfg.DataDir, "events"), Now: cfg.Now, Logger: log,
			MinFreeBytes: cfg.Disk.MinFreeBytes, ReserveBytes: cfg.Disk.ReserveBytes, FreeSpace: cfg.Disk.freeSpace, OnCommit: onCommit})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := kurrentdb.Open(ctx, kurrentdb.Config{URL: cfg.StoreURL, Logger: log})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// startBus connects to --bus and starts the forwarder and the ingest.
func (n *Node) startBus(ctx, bg context.Context, wlog watermill.LoggerAdapter) error {
	url, topo, err := natsbus.ParseURL(n.cfg.BusURL)
	if err != nil {
		return err
	}
	n.nats, err = natsbus.Connect(url, "supplyeval primary")
	if err != nil {
		return err
	}
	primary := advertisedURL(n.listener)
	n.Forwarder, err = natsbus.NewForwarder(natsbus.ForwarderConfig{Store: n.store, Conn: n.nats, Topology: topo,
		CheckpointFile: filepath.Join(n.cfg.DataDir, "forwarder.checkpoint"), Primary: primary, Logger: wlog})
	if err != nil {
		return err
	}
	n.ingest, err = natsbus.NewIngest(natsbus.IngestConfig{Conn: n.nats, Topology: topo, Commands: n.Bus, Logger: wlog, RetryFor: n.cfg.IngestRetryFor})
	if err != nil {
		return err
	}
	n.goRun("forwarder", n.Forwarder.Run, bg)
	n.goRun("ingest", n.ingest.Run, bg)
	select {
	case <-n.ingest.Running():
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return errm("cli.err.ingest.start")
	}
	if n.metrics != nil {
		n.metrics.registerBus(n)
	}
	n.log.Info().Str("events", topo.EventsSubject()).Str("ingest", topo.IngestSubject()).Str("poison", topo.PoisonSubject()).
		Msg("forwarding the log to NATS JetStream and recording observation batches from it")
	return nil
}

// advertisedURL is the API URL a replica names when it refuses a write:
// $SUPPLYEVAL_PRIMARY_URL if set (behind a load balancer, the write
// endpoint), else the listener's address with an unspecified host
// (0.0.0.0, ::) replaced by the machine's host name.
func advertisedURL(ln net.Listener) string {
	if u := os.Getenv("SUPPLYEVAL_PRIMARY_URL"); u != "" {
		return u
	}
	if ln == nil {
		return ""
	}
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/graphql"
}

// follower is a replica's link to the log it follows: the log forwarded
// on NATS JetStream (--follow nats://...), or KurrentDB's own catch-up
// subscription (--follow kurrentdb://...), so that a replica of a
// KurrentDB deployment depends on no second copy of the log.
type follower struct {
	sub message.Subscriber
	// healthy says why the replica is not receiving the log, or nil.
	healthy func() error
	// head is the position of the last event the replica can receive.
	head func(ctx context.Context) (eventstore.Position, error)
	// primary names where writes must go, for the refusal of a command.
	primary func(ctx context.Context) string
	close   func() error
}

// topics are the read models' names: over NATS they share one consumer.
func openFollower(ctx context.Context, cfg Config, wlog watermill.LoggerAdapter, checkpoint func(context.Context, string) (eventstore.Position, error), topics []string) (*follower, error) {
	if isKurrentURL(cfg.FollowURL) {
		return openKurrentFollower(ctx, cfg, wlog, checkpoint)
	}
	url, topo, err := natsbus.ParseURL(cfg.FollowURL)
	if err != nil {
		return nil, err
	}
	nc, err := natsbus.Connect(url, "supplyeval replica")
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	sub, err := natsbus.NewReplicaSubscriber(natsbus.ReplicaConfig{Conn: nc, Topology: topo, Checkpoint: checkpoint, Logger: wlog, Topics: topics})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &follower{
		sub:     sub,
		healthy: sub.Healthy,
		head: func(ctx context.Context) (eventstore.Position, error) {
			p, _, err := natsbus.LastForwarded(ctx, js, topo)
			return p, err
		},
		primary: func(ctx context.Context) string {
			if p := natsbus.Primary(ctx, js, topo); p != "" {
				return "the primary at " + p
			}
			return "the primary (the node started with --bus on " + topo.EventsSubject() + ")"
		},
		close: func() error {
			err := sub.Close()
			nc.Close()
			return err
		},
	}, nil
}

// openKurrentFollower follows KurrentDB's catch-up subscription to $all,
// read-only: the subscriber resubscribes by itself after an outage (with
// jittered backoff) and says when it has failed for good.
func openKurrentFollower(ctx context.Context, cfg Config, wlog watermill.LoggerAdapter, checkpoint func(context.Context, string) (eventstore.Position, error)) (*follower, error) {
	store, err := kurrentdb.Open(ctx, kurrentdb.Config{URL: cfg.FollowURL, Logger: storeLogger(cfg.Logger)})
	if err != nil {
		return nil, errm("cli.err.follow", err)
	}
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: store, Logger: wlog, Checkpoint: checkpoint})
	if err != nil {
		store.Close()
		return nil, err
	}
	return &follower{
		sub: sub,
		healthy: func() error {
			select {
			case <-sub.Failed():
				return sub.Err()
			default:
				return nil
			}
		},
		head: store.Head,
		primary: func(context.Context) string {
			return "a node started with --store on the same KurrentDB"
		},
		close: func() error {
			return errors.Join(sub.Close(), store.Close())
		},
	}, nil
}

func (f *follower) Close() error { return f.close() }

// replicaCommands refuses every command: a replica only reads.
type replicaCommands struct{ f *follower }

// Handle answers FORBIDDEN, naming where the command must go.
func (r replicaCommands) Handle(ctx context.Context, _ domain.Envelope, cmd domain.Command) (domain.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return domain.Result{}, &domain.Error{Code: domain.Forbidden, Message: fmt.Sprintf(
		"this node is a read replica (serve --follow): it answers queries but records nothing; send %s to %s", cmd.CommandName(), r.f.primary(ctx))}
}

// storeLogger is the storage engine's logger: its informational messages
// (WAL replay, compactions) are for debugging; below debug level only its
// warnings and errors show.
func storeLogger(l zerolog.Logger) *slog.Logger {
	storeLog := l.With().Str("component", "store").Logger()
	if l.GetLevel() > zerolog.DebugLevel {
		storeLog = storeLog.Level(max(l.GetLevel(), zerolog.WarnLevel))
	}
	return slog.New(zerolog.NewSlogHandler(storeLog))
}
