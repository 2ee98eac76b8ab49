package kurrentdb_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/kurrentdb"
	"github.com/supplyeval/supplyeval/eventstore/kurrentdb/kurrentdbtest"
)

// cuttableProxy forwards a loopback port to target until it is cut: then
// it closes every connection and refuses new ones until restored.
type cuttableProxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
}

func newProxy(t *testing.T, target string) *cuttableProxy {
	t.Helper()
	p := &cuttableProxy{target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *cuttableProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.DialTimeout("tcp", p.target, time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = struct{}{}, struct{}{}
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection: the link is down.
func (p *cuttableProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// restore listens on the same address again: the link is back.
func (p *cuttableProxy) restore(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("restore the link on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// TestWritesResumeAfterAnOutage cuts the link to the server (the test
// double, through a loopback proxy) for 0.5 s and 3 s (and 30 s with
// SUPPLYEVAL_LONG_OUTAGE=1): a write during the outage is retried and
// either succeeds once the link is back or fails with ErrUnavailable; after
// the link returns, writes work again within 5 s, without a restart. An
// outage longer than about a second used to close the client for good
// (every later write failed until the process restarted).
func TestWritesResumeAfterAnOutage(t *testing.T) {
	outages := []time.Duration{500 * time.Millisecond, 3 * time.Second}
	if os.Getenv("SUPPLYEVAL_LONG_OUTAGE") != "" {
		outages = append(outages, 30*time.Second)
	}
	srv := kurrentdbtest.StartTB(t)
	target := strings.TrimPrefix(strings.TrimSuffix(srv.URL(), "?tls=false"), "kurrentdb://")
	proxy := newProxy(t, target)
	ctx := context.Background()
	s, err := kurrentdb.Open(ctx, kurrentdb.Config{URL: "kurrentdb://" + proxy.addr + "?tls=false", RetryFor: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	version := eventstore.NoStream
	write := func() error {
		res, err := s.Append(ctx, "region-X", version, []eventstore.EventData{{ID: uuid.New(), Type: "T", Data: []byte(`{}`)}})
		if err == nil {
			version = eventstore.ExactVersion(res.Version)
		}
		return err
	}
	if err := write(); err != nil {
		t.Fatal(err)
	}
	for _, outage := range outages {
		proxy.cut()
		during := write()
		if during != nil && !errors.Is(during, eventstore.ErrUnavailable) {
			t.Errorf("%s outage: a write during it failed with %v; want ErrUnavailable or success", outage, during)
		}
		time.Sleep(outage)
		proxy.restore(t)
		back := time.Now()
		var err error
		for time.Since(back) < 5*time.Second {
			if err = write(); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s outage: writes did not work again within 5 s of the link returning: %v", outage, err)
		}
		t.Logf("%s outage: write during it: %v; writes again %v after the link returned", outage, during, time.Since(back).Round(time.Millisecond))
	}
}

// TestTheDoubleIsIdempotentByEventID: appending the same events (same
// IDs) again at the same expected version records them once and answers
// as the first append did, as KurrentDB does; the retries above rely on it.
func TestTheDoubleIsIdempotentByEventID(t *testing.T) {
	srv := kurrentdbtest.StartTB(t)
	ctx := context.Background()
	s, err := kurrentdb.Open(ctx, kurrentdb.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs := []eventstore.EventData{{ID: uuid.New(), Type: "A", Data: []byte(`{}`)}, {ID: uuid.New(), Type: "B", Data: []byte(`{}`)}}
	first, err := s.Append(ctx, "cycle-1", eventstore.NoStream, evs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Append(ctx, "cycle-1", eventstore.NoStream, evs)
	if err != nil || again != first {
		t.Fatalf("the same append again: %+v, %v; want %+v", again, err, first)
	}
	got, err := s.ReadStream(ctx, "cycle-1", 0, 10)
	if err != nil || len(got) != 2 {
		t.Errorf("stream holds %d events (%v); want 2", len(got), err)
	}
}
