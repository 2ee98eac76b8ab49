package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

// TestMetricsAndRequestLog: /metrics parses as Prometheus text and counts
// GraphQL requests by operation and outcome, with the log head and each
// read model's position; every log line of a request carries its
// correlation ID, and each request has one access-log line with its
// duration and a millisecond timestamp.
func TestMetricsAndRequestLog(t *testing.T) {
	logs := newSyncBuffer()
	log, err := (&commonFlags{logLevel: "info", logFormat: "json"}).logger(logs)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	base := "http://" + n.Addr()
	post := func(query, corr string) {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if corr != "" {
			req.Header.Set("X-Correlation-Id", corr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if corr != "" && resp.Header.Get("X-Correlation-Id") != corr {
			t.Errorf("answer carries correlation ID %q, want %q", resp.Header.Get("X-Correlation-Id"), corr)
		}
	}
	post(`mutation { defineRegion(input: {code: "NL11", name: "Groningen", country: "NL", level: NUTS2}) { position } }`, "corr-define")
	post(`{ regions { code } }`, "corr-read-1")
	post(`{ regions { code } }`, "")
	post(`{ region(code: "XX99") { code } }`, "")

	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	families, err := new(expfmt.TextParser).TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	count := func(op, code string) float64 {
		for _, m := range families["supplyeval_graphql_requests_total"].GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["operation"] == op && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
		return 0
	}
	if count("mutation.defineRegion", "OK") != 1 || count("regions", "OK") != 2 {
		t.Errorf("request counts: defineRegion %v, regions %v; want 1 and 2", count("mutation.defineRegion", "OK"), count("regions", "OK"))
	}
	for _, name := range []string{"supplyeval_graphql_request_duration_seconds", "supplyeval_log_head", "supplyeval_read_model_position",
		"supplyeval_answer_cache_hits_total", "supplyeval_store_commits_total", "supplyeval_ready"} {
		if families[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	// One append (the region), timed, in one commit of one append; a
	// conflicting one (the same region again) is timed as a conflict.
	histogram := func(name, outcome string) (count uint64, sum float64) {
		for _, m := range families[name].GetMetric() {
			if len(m.GetLabel()) > 0 && m.GetLabel()[0].GetValue() != outcome {
				continue
			}
			return m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()
		}
		return 0, 0
	}
	if c, sum := histogram("supplyeval_append_duration_seconds", "ok"); c != 1 || sum <= 0 {
		t.Errorf("append latency: %d appends timed (%v s), want 1", c, sum)
	}
	if c, sum := histogram("supplyeval_store_commit_appends", ""); c != 1 || sum != 1 {
		t.Errorf("commit group sizes: %d commits holding %v appends, want 1 and 1", c, sum)
	}
	if c, _ := histogram("supplyeval_store_commit_duration_seconds", ""); c != 1 {
		t.Errorf("commit durations: %d, want 1", c)
	}
	if h := families["supplyeval_log_head"].GetMetric(); len(h) != 1 || h[0].GetGauge().GetValue() < 1 {
		t.Errorf("log head %v; want the position of the region defined", h)
	}
	if len(families["supplyeval_read_model_position"].GetMetric()) < 5 {
		t.Errorf("read model positions: %v; want one per read model", families["supplyeval_read_model_position"].GetMetric())
	}

	var access int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		if e["message"] == "request" && e["path"] == "/graphql" {
			access++
			if e["correlation_id"] == nil || e["duration_ms"] == nil {
				t.Errorf("access-log line without correlation ID or duration: %s", line)
			}
			ts, _ := e["time"].(string)
			if !strings.Contains(ts, ".") {
				t.Errorf("timestamp %q has no milliseconds", ts)
			}
		}
	}
	if access != 4 {
		t.Errorf("%d access-log lines for 4 GraphQL requests", access)
	}
	if !strings.Contains(logs.String(), `"correlation_id":"corr-define"`) {
		t.Errorf("no log line carries the client's correlation ID")
	}
}
