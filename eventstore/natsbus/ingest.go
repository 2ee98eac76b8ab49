package natsbus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/domain"
)

// Commands handles commands (the node's command bus, or a domain.Service).
type Commands interface {
	Handle(ctx context.Context, env domain.Envelope, cmd domain.Command) (domain.Result, error)
}

// Batch is the JSON of an ingest message: the fields of the
// recordObservations mutation. CommandID, when set, is the command's
// idempotency key; otherwise the message ID is.
type Batch struct {
	CommandID string                  `json:"commandId,omitempty"`
	Indicator string                  `json:"indicator"`
	Source    string                  `json:"source"`
	Rows      []domain.ObservationRow `json:"rows"`
}

// IngestPrincipal is the principal recorded on ingested batches.
const IngestPrincipal = "nats-ingest"

// ingestPrincipal sends the ingested batches: a recorder (of observations,
// which carry no classification) with the lowest clearance.
var ingestPrincipal = domain.Principal{Name: IngestPrincipal, Roles: []domain.Role{domain.RoleRecorder}, Clearance: domain.ClassificationPublic}

// IngestConfig configures an Ingest.
type IngestConfig struct {
	// Conn is the NATS connection (not closed by the Ingest).
	Conn *nats.Conn
	// Topology names the ingest and poison subjects.
	Topology Topology
	// Commands records the batches.
	Commands Commands
	// Logger receives the router's logs (default: none).
	Logger watermill.LoggerAdapter
	// RetryFor is how long a batch that meets a transient failure (the
	// store unavailable, a timeout) is retried, with backoff, before it is
	// poisoned; a batch that can never succeed (bad input) is poisoned at
	// once. Default DefaultIngestRetryFor.
	RetryFor time.Duration
}

// DefaultIngestRetryFor is IngestConfig.RetryFor's default: longer than a
// KurrentDB leader election or an operator freeing disk space.
const DefaultIngestRetryFor = 10 * time.Minute

// Validate reports what is missing from c.
func (c IngestConfig) Validate() error {
	var errs []error
	if c.Conn == nil {
		errs = append(errs, errors.New("ingest config: Conn is required"))
	}
	if c.Commands == nil {
		errs = append(errs, errors.New("ingest config: Commands is required"))
	}
	return errors.Join(errs...)
}

// Ingest records observation batches published on the ingest subject; see
// the package documentation.
type Ingest struct {
	router   *message.Router
	pub      *Publisher
	sub      *Subscriber
	poisoned atomic.Uint64
}

// Poisoned returns how many batches went to the poison subject since the
// Ingest started.
func (i *Ingest) Poisoned() uint64 { return i.poisoned.Load() }

// NewIngest sets up the router: a durable consumer of the ingest stream
// (one batch in flight, so batches are recorded in the order published),
// the poison queue, retry for transient failures, and the handler.
func NewIngest(cfg IngestConfig) (*Ingest, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Topology.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultIngestRetryFor
	}
	t := cfg.Topology
	init := func(ctx context.Context, js jetstream.JetStream, _ string) (jetstream.Consumer, func(), error) {
		if err := t.Ensure(ctx, js); err != nil {
			return nil, nil, err
		}
		c, err := js.CreateOrUpdateConsumer(ctx, t.IngestStream(), jetstream.ConsumerConfig{
			Durable: t.IngestStream() + "_RECORDER", Description: "supplyeval ingest: records observation batches",
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Minute, MaxAckPending: 1, FilterSubject: t.IngestSubject(),
		})
		if err != nil {
			return nil, nil, fmt.Errorf("natsbus: ingest consumer: %w", err)
		}
		return c, nil, nil
	}
	sub, err := newSubscriber(cfg.Conn, init, ingestUnmarshal, cfg.Logger)
	if err != nil {
		return nil, err
	}
	pub, err := NewPublisher(cfg.Conn, 0)
	if err != nil {
		return nil, err
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, cfg.Logger)
	if err != nil {
		return nil, err
	}
	// Only what can never succeed goes to the poison queue: bad input at
	// once, a transient failure (the store away) once it has lasted past
	// RetryFor. Until then a transient failure is retried in the handler
	// for a few seconds, then the message is nacked and JetStream
	// redelivers it after a growing delay (the subscriber's NakWithDelay);
	// with one batch in flight, later batches wait behind it, in order.
	in := &Ingest{}
	poison, err := middleware.PoisonQueueWithFilter(pub, t.PoisonSubject(), func(err error) bool {
		if permanent(err) || errors.Is(err, errGaveUp) {
			in.poisoned.Add(1)
			return true
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	router.AddMiddleware(
		middleware.Recoverer,
		poison,
		middleware.Retry{MaxRetries: 8, InitialInterval: 100 * time.Millisecond, Multiplier: 2, MaxInterval: 2 * time.Second,
			MaxElapsedTime: 10 * time.Second, Logger: cfg.Logger,
			ShouldRetry: func(p middleware.RetryParams) bool { return !permanent(p.Err) && !errors.Is(p.Err, errGaveUp) }}.Middleware,
	)
	router.AddConsumerHandler("ingest", t.IngestSubject(), sub, func(msg *message.Message) error {
		err := record(msg, cfg.Commands)
		if err == nil || permanent(err) {
			return err
		}
		if published, ok := publishedAt(msg); ok && time.Since(published) > cfg.RetryFor {
			return fmt.Errorf("%w: the batch could not be recorded for %s (%v); publish it again once the store answers", errGaveUp, cfg.RetryFor, err)
		}
		return err
	})
	in.router, in.pub, in.sub = router, pub, sub
	return in, nil
}

// permanent reports whether retrying err cannot help: bad input, unknown
// indicator or region, refused.
func permanent(err error) bool {
	switch domain.ErrorCode(err) {
	case domain.BadInput, domain.NotFound, domain.Forbidden, domain.Unauthenticated, domain.TooComplex:
		return true
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, errBadBatch)
}

var errBadBatch = errors.New("bad batch")

// errGaveUp marks a transient failure that lasted past RetryFor.
var errGaveUp = errors.New("gave up retrying")

// publishedKey is the message metadata holding when JetStream stored the
// message (RFC 3339), set by ingestUnmarshal.
const publishedKey = "natsbus_published"

// publishedAt returns when JetStream stored msg.
func publishedAt(msg *message.Message) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(publishedKey))
	return t, err == nil
}

// CommandID returns the command ID of an ingest message.
func CommandID(msgID string) string { return "nats-ingest:" + msgID }

func record(msg *message.Message, commands Commands) error {
	var b Batch
	dec := json.NewDecoder(bytes.NewReader(msg.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return fmt.Errorf("%w: not a JSON batch {indicator, source, rows}: %v", errBadBatch, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: more than one JSON value", errBadBatch)
	}
	id := b.CommandID
	if id == "" {
		id = CommandID(msg.UUID)
	}
	env := domain.Envelope{Principal: ingestPrincipal, CommandID: id, CorrelationID: middleware.MessageCorrelationID(msg)}
	_, err := commands.Handle(msg.Context(), env, domain.RecordObservations{Indicator: b.Indicator, Source: b.Source, Rows: b.Rows})
	return err
}

// Healthy returns nil while the ingest receives batches from NATS, or why
// it does not (see Subscriber.Healthy).
func (i *Ingest) Healthy() error { return i.sub.Healthy() }

// Run runs the router until ctx is done or Close is called.
func (i *Ingest) Run(ctx context.Context) error { return i.router.Run(ctx) }

// Running is closed once the router runs.
func (i *Ingest) Running() <-chan struct{} { return i.router.Running() }

// Close stops the router.
func (i *Ingest) Close() error { return errors.Join(i.router.Close(), i.sub.Close(), i.pub.Close()) }

// ingestUnmarshal reads an ingest message: its ID is the watermill UUID
// header if present, else Nats-Msg-Id, else a hash of the payload (so a
// plain `nats pub` of the same batch twice is one command).
func ingestUnmarshal(m jetstream.Msg) *message.Message {
	h := m.Headers()
	id := h.Get(WatermillUUIDHeader)
	if id == "" {
		id = h.Get(nats.MsgIdHdr)
	}
	if id == "" {
		sum := sha256.Sum256(m.Data())
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	wm := message.NewMessage(id, m.Data())
	if md, err := m.Metadata(); err == nil {
		wm.Metadata.Set(publishedKey, md.Timestamp.UTC().Format(time.RFC3339Nano))
	}
	for k, v := range h {
		// JetStream's own headers (Nats-Msg-Id, Nats-Expected-*) stay
		// behind: republished to the poison queue they would be refused.
		if k == WatermillUUIDHeader || len(v) == 0 || strings.HasPrefix(k, "Nats-") {
			continue
		}
		wm.Metadata.Set(k, v[0])
	}
	return wm
}
