package kurrentdb_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/eventstoretest"
	"github.com/supplyeval/supplyeval/eventstore/kurrentdb"
	"github.com/supplyeval/supplyeval/eventstore/kurrentdb/kurrentdbtest"
)

func open(tb testing.TB, url string) *kurrentdb.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := kurrentdb.Open(ctx, kurrentdb.Config{URL: url, ResubscribeDelay: 10 * time.Millisecond})
	if err != nil {
		tb.Fatalf("open %s: %v", url, err)
	}
	return s
}

// features are what the adapter guarantees: positions are KurrentDB
// commit positions (monotonic, not gap-free), and one append is limited to
// 1 MiB (MaxAppendSize) including the event's own overhead.
var features = eventstoretest.Features{GapFreePositions: false, LargeEventSize: 1<<20 - 4096}

// TestContractTestDouble runs the contract suite against the adapter
// talking gRPC to the test double (not KurrentDB; see kurrentdbtest).
func TestContractTestDouble(t *testing.T) {
	srv := kurrentdbtest.StartTB(t)
	eventstoretest.Run(t, func(tb testing.TB) eventstore.Store { return open(tb, srv.URL()) }, features)
}

// TestContractRealServer runs the suite against the KurrentDB server that
// KURRENTDB_URL names.
func TestContractRealServer(t *testing.T) {
	url := os.Getenv("KURRENTDB_URL")
	if url == "" {
		t.Skip("set KURRENTDB_URL (for example kurrentdb://admin:changeit@127.0.0.1:2113?tls=false) to run the contract suite against a real KurrentDB")
	}
	eventstoretest.Run(t, func(tb testing.TB) eventstore.Store { return open(tb, url) }, features)
}

// TestResubscribeAfterDrop checks that a subscription dropped by the
// server resumes from the last event it delivered: no gap, no repeat.
func TestResubscribeAfterDrop(t *testing.T) {
	srv := kurrentdbtest.StartTB(t)
	s := open(t, srv.URL())
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream := "drop-" + uuid.NewString()
	appendN := func(n int) {
		for range n {
			ev := eventstore.EventData{ID: uuid.New(), Type: "Tick", Data: []byte(`{}`)}
			if _, err := s.Append(ctx, stream, eventstore.Any, []eventstore.EventData{ev}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendN(5)
	sub, err := s.SubscribeAll(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var got []eventstore.RecordedEvent
	for len(got) < 5 {
		ev, err := sub.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	for i := 0; i < 3; i++ {
		// Wait until the server side is subscribed again, then drop it.
		deadline := time.Now().Add(5 * time.Second)
		for srv.DropSubscriptions() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no subscription to drop")
			}
			time.Sleep(5 * time.Millisecond)
		}
		appendN(4)
	}
	for len(got) < 17 {
		ev, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		got = append(got, ev)
	}
	for i, ev := range got {
		if ev.Version != uint64(i) || ev.Stream != stream {
			t.Fatalf("event %d: %s@%d, want %s@%d", i, ev.Stream, ev.Version, stream, i)
		}
		if i > 0 && ev.Position <= got[i-1].Position {
			t.Fatalf("event %d: position %d after %d", i, ev.Position, got[i-1].Position)
		}
	}
}

// TestConnectionString checks that bad URLs are refused with a message
// that hides the password.
func TestConnectionString(t *testing.T) {
	_, err := kurrentdb.Open(context.Background(), kurrentdb.Config{URL: "http://admin:secret@host:2113"})
	if err == nil {
		t.Fatal("http:// URL accepted")
	}
	if got := err.Error(); strings.Contains(got, "secret") {
		t.Errorf("error shows the password: %s", got)
	}
}

// TestReadAllPages reads more events than one request to the server asks
// for, so that ReadAll pages through $all.
func TestReadAllPages(t *testing.T) {
	srv := kurrentdbtest.StartTB(t)
	s := open(t, srv.URL())
	defer s.Close()
	ctx := context.Background()
	stream := "pages-" + uuid.NewString()
	for i := 0; i < 1300; i += 100 {
		evs := make([]eventstore.EventData, 100)
		for j := range evs {
			evs[j] = eventstore.EventData{ID: uuid.New(), Type: "Tick", Data: []byte(`{}`)}
		}
		if _, err := s.Append(ctx, stream, eventstore.Any, evs); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []int{511, 512, 513, 1024, 1299, 5000} {
		evs, err := s.ReadAll(ctx, 0, limit)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(limit, 1300); len(evs) != want {
			t.Fatalf("ReadAll(0, %d): %d events, want %d", limit, len(evs), want)
		}
		for i, ev := range evs {
			if ev.Version != uint64(i) {
				t.Fatalf("ReadAll(0, %d): event %d has version %d", limit, i, ev.Version)
			}
		}
	}
	// From the middle: after the 700th event.
	all, _ := s.ReadAll(ctx, 0, 1300)
	evs, err := s.ReadAll(ctx, all[699].Position, 1000)
	if err != nil || len(evs) != 600 || evs[0].Version != 700 {
		t.Fatalf("ReadAll after the 700th: %d events (first %v), %v", len(evs), evs[0].Version, err)
	}
}

// TestTLSAndCredentialsFromConnectionString connects over TLS verified
// against the CA file the connection string names, and checks that its
// user and password reach the server as basic authentication (the client
// sends credentials only over TLS).
func TestTLSAndCredentialsFromConnectionString(t *testing.T) {
	srv := kurrentdbtest.StartTLSTB(t)
	url := strings.Replace(srv.URL(), "kurrentdb://", "esdb://admin:changeit@", 1)
	s := open(t, url)
	defer s.Close()
	if _, err := s.Append(context.Background(), "tls-"+uuid.NewString(), eventstore.NoStream,
		[]eventstore.EventData{{ID: uuid.New(), Type: "Tick", Data: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Authorization(), "Basic YWRtaW46Y2hhbmdlaXQ="; got != want {
		t.Errorf("authorization %q, want %q (admin:changeit)", got, want)
	}
}
