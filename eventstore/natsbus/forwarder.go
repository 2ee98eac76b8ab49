package natsbus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore"
)

// Header names the forwarder adds to each event message.
const (
	// PrimaryHeader carries the primary's API URL, so that a replica can
	// name it when it refuses a write.
	PrimaryHeader = "primary"
)

// ForwarderConfig configures a Forwarder.
type ForwarderConfig struct {
	// Store is the log to forward.
	Store eventstore.Store
	// Conn is the NATS connection (not closed by the forwarder).
	Conn *nats.Conn
	// Topology names the events subject and stream.
	Topology Topology
	// CheckpointFile holds the position of the last event published.
	CheckpointFile string
	// Primary is this node's API URL, put in each message (optional).
	Primary string
	// BatchSize bounds the events of one Publish (default 256).
	BatchSize int
	// RetryDelay is the wait after a failed publish (default 500 ms).
	RetryDelay time.Duration
	// Logger receives publish failures (default: none).
	Logger watermill.LoggerAdapter
}

// Validate reports what is missing from c.
func (c ForwarderConfig) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("forwarder config: Store is required"))
	}
	if c.Conn == nil {
		errs = append(errs, errors.New("forwarder config: Conn is required"))
	}
	if c.CheckpointFile == "" {
		errs = append(errs, errors.New("forwarder config: CheckpointFile is required"))
	}
	if c.BatchSize < 0 {
		errs = append(errs, errors.New("forwarder config: BatchSize must not be negative"))
	}
	return errors.Join(errs...)
}

// Forwarder tails the log and publishes it on JetStream; see the package
// documentation. Run it once; Position is safe to call concurrently.
type Forwarder struct {
	cfg  ForwarderConfig
	pub  *Publisher
	js   jetstream.JetStream
	done atomic.Uint64 // last position published (acknowledged)
}

// NewForwarder returns a Forwarder for cfg.
func NewForwarder(cfg ForwarderConfig) (*Forwarder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Topology.Validate(); err != nil {
		return nil, err
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 256
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 500 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	pub, err := NewPublisher(cfg.Conn, 0)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, err
	}
	return &Forwarder{cfg: cfg, pub: pub, js: js}, nil
}

// Position returns the position of the last event JetStream acknowledged.
func (f *Forwarder) Position() eventstore.Position { return eventstore.Position(f.done.Load()) }

// Run forwards until ctx is done. It provisions the streams, then starts
// after the greater of its checkpoint file and the last event already in
// the stream (a crash after publishing and before saving the checkpoint
// loses nothing and repeats nothing). Each message is published with
// Nats-Expected-Last-Sequence = the stream sequence it must follow, so
// JetStream refuses, rather than stores out of order, anything after a
// failed publish (and anything a second forwarder publishes on the same
// stream); the forwarder then starts over from the stream's last event.
func (f *Forwarder) Run(ctx context.Context) error {
	if err := f.cfg.Topology.Provision(ctx, f.js); err != nil {
		return err
	}
	for {
		err := f.run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, eventstore.ErrClosed) {
			return err
		}
		f.cfg.Logger.Error("forwarder: publishing failed; resuming from the checkpoint", err, watermill.LogFields{"position": f.done.Load()})
		select {
		case <-time.After(f.cfg.RetryDelay):
		case <-ctx.Done():
			return nil
		}
	}
}

func (f *Forwarder) run(ctx context.Context) error {
	cp, err := readCheckpoint(f.cfg.CheckpointFile)
	if err != nil {
		return err
	}
	lastPos, _, err := LastForwarded(ctx, f.js, f.cfg.Topology)
	if err != nil {
		return err
	}
	st, err := f.js.Stream(ctx, f.cfg.Topology.EventsStream())
	if err != nil {
		return streamErr(f.cfg.Topology.EventsStream(), err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return streamErr(f.cfg.Topology.EventsStream(), err)
	}
	seq := info.State.LastSeq // the sequence JetStream must be at before each publish
	if lastPos > cp {
		cp = lastPos
	}
	f.done.Store(uint64(cp))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub, err := f.cfg.Store.SubscribeAll(ctx, cp)
	if err != nil {
		return err
	}
	defer sub.Close()
	// A reader goroutine lets the publisher take whatever has arrived as
	// one batch.
	type item struct {
		ev  eventstore.RecordedEvent
		err error
	}
	ch := make(chan item, 4*f.cfg.BatchSize)
	go func() {
		for {
			ev, err := sub.Next(ctx)
			select {
			case ch <- item{ev, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	subject := f.cfg.Topology.EventsSubject()
	batch := make([]*message.Message, 0, f.cfg.BatchSize)
	for {
		batch = batch[:0]
		var last eventstore.Position
		var first item
		select {
		case first = <-ch:
		case <-ctx.Done():
			return nil
		}
		it := first
		for {
			if it.err != nil {
				if len(batch) == 0 {
					return it.err
				}
				break
			}
			msg := eventstore.ToMessage(it.ev)
			msg.Metadata.Set(nats.ExpectedLastSeqHdr, strconv.FormatUint(seq, 10))
			seq++
			if f.cfg.Primary != "" {
				msg.Metadata.Set(PrimaryHeader, f.cfg.Primary)
			}
			last = it.ev.Position
			batch = append(batch, msg)
			if len(batch) == f.cfg.BatchSize {
				it = item{}
				break
			}
			more := false
			select {
			case it = <-ch:
				more = true
			default:
			}
			if !more {
				it = item{}
				break
			}
		}
		if err := f.pub.publishContext(ctx, subject, batch...); err != nil {
			return err
		}
		f.done.Store(uint64(last))
		if err := writeCheckpoint(f.cfg.CheckpointFile, last); err != nil {
			return err
		}
		if it.err != nil {
			return it.err
		}
	}
}

// LastForwarded returns the position and event ID of the last event in
// the events stream (0 and "" if it is empty or does not exist).
func LastForwarded(ctx context.Context, js jetstream.JetStream, t Topology) (eventstore.Position, string, error) {
	st, err := js.Stream(ctx, t.EventsStream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("natsbus: stream %s: %w", t.EventsStream(), err)
	}
	m, err := st.GetLastMsgForSubject(ctx, t.EventsSubject())
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("natsbus: last event of %s: %w", t.EventsStream(), err)
	}
	pos, err := eventstore.ParsePosition(m.Header.Get(eventstore.MetaPosition))
	if err != nil {
		return 0, "", fmt.Errorf("natsbus: last event of %s: %w", t.EventsStream(), err)
	}
	return pos, m.Header.Get(WatermillUUIDHeader), nil
}

func readCheckpoint(path string) (eventstore.Position, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("forwarder checkpoint: %w", err)
	}
	p, err := eventstore.ParsePosition(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("forwarder checkpoint %s: %w", path, err)
	}
	return p, nil
}

// writeCheckpoint replaces the checkpoint file atomically (write, rename).
// It does not fsync: a checkpoint lost in a crash is recovered from the
// stream's last event.
func writeCheckpoint(path string, p eventstore.Position) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatUint(uint64(p), 10)+"\n"), 0o644); err != nil {
		return fmt.Errorf("forwarder checkpoint: %w", err)
	}
	return os.Rename(tmp, path)
}
