package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// TestProbes: /livez answers 200 while the process serves; /readyz 200
// with the positions when the node can answer, and 503 with the reason
// once a background component has stopped, which also ends waitForStop
// with that error (the process then exits 1).
func TestProbes(t *testing.T) {
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + n.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/livez"); code != 200 {
		t.Errorf("/livez: %d %s", code, body)
	}
	code, body := get("/readyz")
	var st readiness
	if err := json.Unmarshal([]byte(body), &st); err != nil || code != 200 || !st.Ready {
		t.Fatalf("/readyz of a healthy node: %d %s (%v)", code, body, err)
	}

	// The probe command passes a ready node and fails an unready one.
	var out bytes.Buffer
	if err := runProbe(context.Background(), []string{"--url", "http://" + n.Addr() + "/readyz"}, &out); err != nil || !strings.Contains(out.String(), `"ready":true`) {
		t.Errorf("probe of a ready node: %v %s", err, out.String())
	}

	stopped := make(chan error, 1)
	go func() { stopped <- waitForStop(context.Background(), n) }()
	n.recordFailure(errors.New("forwarder: NATS stream deleted"))
	code, body = get("/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "forwarder: NATS stream deleted") {
		t.Errorf("/readyz after a component stopped: %d %s; want 503 naming it", code, body)
	}
	if code, _ := get("/livez"); code != 200 {
		t.Errorf("/livez after a component stopped: %d; the process still serves", code)
	}
	if err := runProbe(context.Background(), []string{"--url", "http://" + n.Addr() + "/readyz"}, io.Discard); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("probe of an unready node: %v; want an error naming the 503", err)
	}
	select {
	case err := <-stopped:
		if err == nil || !strings.Contains(err.Error(), "NATS stream deleted") {
			t.Errorf("waitForStop: %v; want the component's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("waitForStop did not return after a component stopped")
	}
}

// TestReadinessLag: a node whose read models are further behind the log
// than ReadyLag is not ready, and says by how much.
func TestReadinessLag(t *testing.T) {
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Logger: zerolog.Nop(), ReadyLag: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	n.head = func(context.Context) (uint64, error) { return n.Runner.Position() + 6, nil }
	if st := n.readiness(context.Background()); st.Ready || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0], "6 events to apply") {
		t.Errorf("6 events behind with a lag of 5: %+v; want not ready, 6 events to apply", st)
	}
	n.head = func(context.Context) (uint64, error) { return 0, errors.New("connection refused") }
	if st := n.readiness(context.Background()); st.Ready || !strings.Contains(strings.Join(st.Reasons, ";"), "cannot be reached") {
		t.Errorf("log unreachable: %+v; want not ready", st)
	}
}
