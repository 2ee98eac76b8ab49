package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// DefaultReadyLag is how many events the read models may be behind the
// log's head for the node to be ready.
const DefaultReadyLag = 1000

// readiness is what /readyz reports.
type readiness struct {
	Ready    bool     `json:"ready"`
	Position uint64   `json:"position"`          // the read models' position
	Head     uint64   `json:"head"`              // the log's head (forwarded head on a replica)
	Reasons  []string `json:"reasons,omitempty"` // why it is not ready
}

// live answers /livez: the process runs and serves HTTP. A probe that
// fails it should restart the process; it says nothing about the data.
func (n *Node) live(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// ready answers /readyz: 200 when the node can answer reads and writes
// now, 503 with the reasons otherwise: the log cannot be reached, the read
// models are more than Config.ReadyLag events behind its head (a replica
// catching up), a replica or the ingest is not receiving from NATS, or a
// background component stopped.
func (n *Node) ready(w http.ResponseWriter, r *http.Request) {
	st := n.readiness(r.Context())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if !st.Ready {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(st)
}

func (n *Node) readiness(ctx context.Context) readiness {
	st := readiness{Position: n.Runner.Position()}
	if err := n.Err(); err != nil {
		st.Reasons = append(st.Reasons, "a background component stopped: "+err.Error())
	}
	if n.follower != nil {
		if err := n.follower.healthy(); err != nil {
			st.Reasons = append(st.Reasons, "not receiving the log it follows: "+err.Error())
		}
	}
	if n.ingest != nil {
		if err := n.ingest.Healthy(); err != nil {
			st.Reasons = append(st.Reasons, "not receiving observation batches from NATS: "+err.Error())
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	head, err := n.logHead(ctx)
	switch {
	case err != nil:
		st.Reasons = append(st.Reasons, "the log cannot be reached: "+err.Error())
	default:
		st.Head = head
		lag := n.cfg.ReadyLag
		if lag <= 0 {
			lag = DefaultReadyLag
		}
		if head > st.Position && head-st.Position > uint64(lag) {
			st.Reasons = append(st.Reasons, fmt.Sprintf("the read models are behind the log: %d events to apply (ready within %d)", head-st.Position, lag))
		}
	}
	st.Ready = len(st.Reasons) == 0
	return st
}

// logHead is the head of the log this node reads: the store's, or on a
// replica the last event forwarded to NATS.
func (n *Node) logHead(ctx context.Context) (uint64, error) {
	if n.head != nil {
		return n.head(ctx)
	}
	if n.follower != nil {
		p, err := n.follower.head(ctx)
		return uint64(p), err
	}
	return n.Runner.Position(), nil
}
