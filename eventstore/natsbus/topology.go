package natsbus

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore"
)

// Topology names the subjects and streams of one deployment.
type Topology struct {
	// Prefix starts every subject ("supplyeval" by default); stream names
	// are its upper-case form with "_EVENTS", "_INGEST" and "_POISON".
	Prefix string
	// DuplicateWindow is how long JetStream remembers message IDs to drop
	// duplicates (default 2 minutes).
	DuplicateWindow time.Duration
	// Replicas is how many NATS servers hold each stream (1 by default; 3
	// or 5 in a NATS cluster so that a stream survives a lost server).
	Replicas int
	// MaxAge and MaxBytes bound the events stream (0: unbounded, the
	// default). With the embedded store the events stream is the only copy
	// of the log a replica reads: a replica whose checkpoint falls behind
	// what JetStream has discarded cannot catch up and must be rebuilt
	// from a fresh data directory after the primary's log is forwarded
	// again. Bound it only above the longest time a replica may be away.
	MaxAge   time.Duration
	MaxBytes int64
}

// DefaultPrefix is the subject prefix when none is given.
const DefaultPrefix = "supplyeval"

func (t Topology) prefix() string {
	if t.Prefix == "" {
		return DefaultPrefix
	}
	return t.Prefix
}

// Validate reports whether the prefix can start subjects and name streams.
func (t Topology) Validate() error {
	p := t.prefix()
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return eventstore.Errorm(nil, "cli2.nats.prefix", p)
		}
	}
	if t.Replicas < 0 || t.Replicas > 5 {
		return eventstore.Errorm(nil, "cli2.nats.replicas", t.Replicas)
	}
	if t.MaxAge < 0 {
		return eventstore.Errorm(nil, "cli2.nats.max-age", t.MaxAge.String())
	}
	if t.MaxBytes < 0 {
		return eventstore.Errorm(nil, "cli2.nats.max-bytes", t.MaxBytes)
	}
	return nil
}

// EventsSubject is where the forwarder publishes the log.
func (t Topology) EventsSubject() string { return t.prefix() + ".events" }

// IngestSubject is where observation batches are published for recording.
func (t Topology) IngestSubject() string { return t.prefix() + ".ingest" }

// PoisonSubject receives the ingest messages that could not be recorded.
func (t Topology) PoisonSubject() string { return t.prefix() + ".ingest.poison" }

func (t Topology) streamName(kind string) string {
	return strings.ToUpper(strings.ReplaceAll(t.prefix(), "-", "_")) + "_" + kind
}

// EventsStream, IngestStream and PoisonStream are the JetStream streams.
func (t Topology) EventsStream() string { return t.streamName("EVENTS") }
func (t Topology) IngestStream() string { return t.streamName("INGEST") }
func (t Topology) PoisonStream() string { return t.streamName("POISON") }

// Provision creates the three streams, or updates them to t's settings
// (replicas, MaxAge, MaxBytes), on file storage. Only the node that owns
// the streams' settings calls it: the primary's forwarder. Replicas and
// the ingest call Ensure, so that one started with other settings (or
// none) never changes the limits the primary set.
func (t Topology) Provision(ctx context.Context, js jetstream.JetStream) error {
	return t.provision(ctx, js, true)
}

// Ensure creates those of the three streams that do not exist yet, with
// t's settings, and leaves the settings of existing ones as they are.
func (t Topology) Ensure(ctx context.Context, js jetstream.JetStream) error {
	return t.provision(ctx, js, false)
}

func (t Topology) provision(ctx context.Context, js jetstream.JetStream, update bool) error {
	window := t.DuplicateWindow
	if window == 0 {
		window = 2 * time.Minute
	}
	maxBytes := t.MaxBytes
	if maxBytes == 0 {
		maxBytes = -1 // JetStream's "unlimited"
	}
	replicas := max(t.Replicas, 1)
	for _, c := range []jetstream.StreamConfig{
		{Name: t.EventsStream(), Subjects: []string{t.EventsSubject()}, Storage: jetstream.FileStorage, Duplicates: window,
			Description: "supplyeval log, forwarded in log order", Replicas: replicas, MaxAge: t.MaxAge, MaxBytes: maxBytes},
		{Name: t.IngestStream(), Subjects: []string{t.IngestSubject()}, Storage: jetstream.FileStorage, Duplicates: window,
			Description: "observation batches to record", Replicas: replicas},
		{Name: t.PoisonStream(), Subjects: []string{t.PoisonSubject()}, Storage: jetstream.FileStorage,
			Description: "observation batches that could not be recorded, with reason_poisoned", Replicas: replicas},
	} {
		if update {
			if _, err := js.CreateOrUpdateStream(ctx, c); err != nil {
				return streamErr(c.Name, err)
			}
			continue
		}
		_, err := js.Stream(ctx, c.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			_, err = js.CreateStream(ctx, c)
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				err = nil // created meanwhile by another node
			}
		}
		if err != nil {
			return streamErr(c.Name, err)
		}
	}
	return nil
}

// Delete removes the three streams (tests use it to clean up).
func (t Topology) Delete(ctx context.Context, js jetstream.JetStream) error {
	var errs []error
	for _, name := range []string{t.EventsStream(), t.IngestStream(), t.PoisonStream()} {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ParseURL splits a bus URL,
// nats://[user:pass@]host:port[,host:port]...[?prefix=P&replicas=N&max-age=D&max-bytes=B],
// into the server URL for nats.Connect and the topology: replicas is the
// streams' replica count (1-5), max-age a Go duration (720h) and max-bytes
// a byte count that bound the events stream (see Topology).
func ParseURL(raw string) (string, Topology, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", Topology{}, eventstore.Errorm(err, "cli2.nats.url.parse", urlErr(err))
	}
	if u.Scheme != "nats" && u.Scheme != "tls" {
		return "", Topology{}, eventstore.Errorm(nil, "cli2.nats.url.scheme", u.Redacted())
	}
	q := u.Query()
	t := Topology{Prefix: q.Get("prefix")}
	if v := q.Get("replicas"); v != "" {
		if t.Replicas, err = strconv.Atoi(v); err != nil {
			return "", Topology{}, eventstore.Errorm(nil, "cli2.nats.url.replicas", v)
		}
	}
	if v := q.Get("max-age"); v != "" {
		if t.MaxAge, err = time.ParseDuration(v); err != nil {
			return "", Topology{}, eventstore.Errorm(nil, "cli2.nats.url.max-age", v)
		}
	}
	if v := q.Get("max-bytes"); v != "" {
		if t.MaxBytes, err = strconv.ParseInt(v, 10, 64); err != nil {
			return "", Topology{}, eventstore.Errorm(nil, "cli2.nats.url.max-bytes", v)
		}
	}
	if err := t.Validate(); err != nil {
		return "", Topology{}, err
	}
	for _, k := range []string{"prefix", "replicas", "max-age", "max-bytes"} {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String(), t, nil
}

// Connect connects to a NATS server with reconnection forever, named name.
func Connect(serverURL, name string) (*nats.Conn, error) {
	nc, err := nats.Connect(serverURL, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return nil, eventstore.Errorm(err, "cli2.nats.connect", redactURL(serverURL), connectErr(err))
	}
	return nc, nil
}

// redactURL returns u without its password, for messages.
func redactURL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "the NATS URL"
}
