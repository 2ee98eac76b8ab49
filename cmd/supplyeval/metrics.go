package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
)

// nodeMetrics is what /metrics exposes, in a registry of the node's own
// (two nodes in one process, as in tests, do not share counters).
type nodeMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newNodeMetrics registers the node's metrics. The gauges read the node
// when scraped; nothing is computed on the request path but a counter and
// a histogram observation.
func newNodeMetrics(n *Node) *nodeMetrics {
	m := &nodeMetrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "supplyeval_graphql_requests_total",
		Help: "GraphQL requests by operation (the first field selected; mutation.NAME for mutations) and outcome (OK or the error code).",
	}, []string{"operation", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "supplyeval_graphql_request_duration_seconds",
		Help:    "Time to answer a GraphQL request, by operation.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation"})
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if n.writes != nil && n.store != nil {
		m.registry.MustRegister(n.writes.appends)
		if _, ok := n.store.(*embedded.Store); ok {
			m.registry.MustRegister(n.writes.groupSize, n.writes.syncs)
		}
	}

	gauge := func(name, help string, f func() float64) {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	gauge("supplyeval_log_head", "Position of the last event of the log (the forwarded log's on a replica).", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		h, err := n.logHead(ctx)
		if err != nil {
			return -1
		}
		return float64(h)
	})
	for _, p := range n.Runner.Projections() {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "supplyeval_read_model_position", Help: "Log position each read model has applied.",
			ConstLabels: prometheus.Labels{"read_model": p.Name()},
		}, func() float64 { return float64(p.Checkpoint()) }))
	}
	gauge("supplyeval_ready", "1 when /readyz answers 200, 0 otherwise.", func() float64 {
		if n.readiness(context.Background()).Ready {
			return 1
		}
		return 0
	})
	if n.api != nil {
		counter("supplyeval_answer_cache_hits_total", "Read-only requests answered from the answer cache.", func() float64 {
			h, _ := n.api.CacheStats()
			return float64(h)
		})
		counter("supplyeval_answer_cache_misses_total", "Read-only requests the answer cache could not answer.", func() float64 {
			_, miss := n.api.CacheStats()
			return float64(miss)
		})
		counter("supplyeval_evaluations_refused_principal_total", "Requests with evaluations refused because their principal had its share of them running (--eval-per-principal).", func() float64 {
			p, _ := n.api.EvaluationRefusals()
			return float64(p)
		})
		counter("supplyeval_evaluations_refused_busy_total", "Requests with evaluations refused because the server had as many running as it allows (--eval-max).", func() float64 {
			_, b := n.api.EvaluationRefusals()
			return float64(b)
		})
	}
	if n.cfg.RateLimited != nil {
		counter("supplyeval_rate_limited_total", "Requests refused because their principal was over its rate limit.", func() float64 {
			return float64(n.cfg.RateLimited())
		})
	}
	if s, ok := n.store.(*embedded.Store); ok {
		counter("supplyeval_store_commits_total", "Durable commits (fsyncs) of the embedded store, each holding one or more appends.", func() float64 {
			return float64(s.Commits())
		})
	}
	return m
}

// registerBus adds the forwarder's and the ingest's metrics, once they run.
func (m *nodeMetrics) registerBus(n *Node) {
	gauge := func(name, help string, f func() float64) {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	if n.Forwarder != nil {
		gauge("supplyeval_forwarder_lag_events", "Events of the log not yet forwarded to NATS JetStream.", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			h, err := n.logHead(ctx)
			if err != nil || h < uint64(n.Forwarder.Position()) {
				return 0
			}
			return float64(h - uint64(n.Forwarder.Position()))
		})
	}
	if n.ingest != nil {
		counter("supplyeval_ingest_poisoned_total", "Observation batches from NATS sent to the poison subject.", func() float64 {
			return float64(n.ingest.Poisoned())
		})
	}
}

// observe records one GraphQL request (graphql.Config.Observe).
func (m *nodeMetrics) observe(operation, code string, elapsed time.Duration) {
	if operation == "" {
		operation = "unparsed"
	}
	m.requests.WithLabelValues(operation, code).Inc()
	m.duration.WithLabelValues(operation).Observe(elapsed.Seconds())
}

// storeMetrics measures the writes of a node from the moment it opens its
// store, before /metrics exists: registered by newNodeMetrics.
type storeMetrics struct {
	appends   *prometheus.HistogramVec // append latency, by outcome
	groupSize prometheus.Histogram     // appends per durable commit (embedded store)
	syncs     prometheus.Histogram     // commit and WAL sync time (embedded store)
}

func newStoreMetrics() *storeMetrics {
	return &storeMetrics{
		appends: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "supplyeval_append_duration_seconds",
			Help:    "Time the event store took to append a command's events, from the request to the durable acknowledgement, by outcome (ok, conflict, unavailable, error).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"outcome"}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "supplyeval_store_commit_appends",
			Help:    "Appends gathered into one durable commit (one fsync) of the embedded store: group commit under concurrent writers.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096},
		}),
		syncs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "supplyeval_store_commit_duration_seconds",
			Help:    "Time one durable commit of the embedded store took, its write-ahead-log sync included.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
	}
}

// commit records one durable commit (embedded.Config.OnCommit).
func (m *storeMetrics) commit(c embedded.Commit) {
	m.groupSize.Observe(float64(c.Appends))
	m.syncs.Observe(c.Took.Seconds())
}

// timedStore is the store as the domain service sees it: every append is
// timed into storeMetrics.appends.
type timedStore struct {
	eventstore.Store
	m *storeMetrics
}

func (t timedStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) (eventstore.AppendResult, error) {
	start := time.Now()
	res, err := t.Store.Append(ctx, stream, expected, events)
	outcome := "ok"
	switch {
	case err == nil:
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		outcome = "conflict"
	case errors.Is(err, eventstore.ErrUnavailable):
		outcome = "unavailable"
	default:
		outcome = "error"
	}
	t.m.appends.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return res, err
}

// handler serves the metrics in Prometheus's text format.
func (m *nodeMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
