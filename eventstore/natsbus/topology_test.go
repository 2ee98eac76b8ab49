package natsbus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// TestStreamLimitsFromURL: replicas, max-age and max-bytes on the bus URL
// reach the events stream; bad values are refused naming the parameter.
func TestStreamLimitsFromURL(t *testing.T) {
	server, topo, err := natsbus.ParseURL("nats://127.0.0.1:4222?prefix=p1&replicas=1&max-age=720h&max-bytes=1048576")
	if err != nil {
		t.Fatal(err)
	}
	if server != "nats://127.0.0.1:4222" || topo.Prefix != "p1" || topo.Replicas != 1 || topo.MaxAge != 720*time.Hour || topo.MaxBytes != 1<<20 {
		t.Fatalf("ParseURL = %q, %+v", server, topo)
	}
	for raw, want := range map[string]string{
		"nats://h:4222?replicas=7":     "replicas 7",
		"nats://h:4222?replicas=x":     "replicas=",
		"nats://h:4222?max-age=soon":   "max-age=",
		"nats://h:4222?max-age=-1h":    "max-age -1h",
		"nats://h:4222?max-bytes=1GB":  "max-bytes=",
		"nats://h:4222?max-bytes=-100": "max-bytes -100",
	} {
		if _, _, err := natsbus.ParseURL(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v; want an error naming %q", raw, err, want)
		}
	}

	base, js := setup(t)
	base.MaxAge, base.MaxBytes, base.Replicas = 720*time.Hour, 1<<20, 1
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := base.Provision(ctx, js); err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(ctx, base.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	if cfg.MaxAge != 720*time.Hour || cfg.MaxBytes != 1<<20 || cfg.Replicas != 1 {
		t.Errorf("events stream MaxAge %v, MaxBytes %d, Replicas %d; want 720h, 1 MiB, 1", cfg.MaxAge, cfg.MaxBytes, cfg.Replicas)
	}
	// A replica or an ingest started without the limits (what Ensure is
	// for) leaves the primary's in place; before, every node re-provisioned
	// the stream with its own URL's settings, so a replica without
	// ?max-age= removed the primary's limit.
	other := base
	other.MaxAge, other.MaxBytes = 0, 0
	if err := other.Ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	if st, err = js.Stream(ctx, base.EventsStream()); err != nil {
		t.Fatal(err)
	}
	if cfg := st.CachedInfo().Config; cfg.MaxAge != 720*time.Hour || cfg.MaxBytes != 1<<20 {
		t.Errorf("after Ensure without limits: MaxAge %v, MaxBytes %d; want the primary's 720h, 1 MiB", cfg.MaxAge, cfg.MaxBytes)
	}
	// Ensure creates what is missing, with its own settings.
	if err := base.Delete(ctx, js); err != nil {
		t.Fatal(err)
	}
	if err := base.Ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{base.EventsStream(), base.IngestStream(), base.PoisonStream()} {
		if _, err := js.Stream(ctx, name); err != nil {
			t.Errorf("after Ensure on an empty server: stream %s: %v", name, err)
		}
	}
}
