package graphqltest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// Clock is the time the service of Server stamps every event with, so
// that the two worlds' events carry the same times.
var Clock = time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)

// Server is a graphql.Server over node n, as a node wires it, with cycle
// reports, whose service has the fixed Clock; limits and authenticate as
// given (zero Limits: the defaults).
func Server(tb testing.TB, n *projectionstest.Node, limits graphql.Limits, authenticate func(*http.Request) (graphql.Principal, error)) *graphql.Server {
	tb.Helper()
	svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(n.Store), Now: func() time.Time { return Clock }})
	if err != nil {
		tb.Fatal(err)
	}
	reports, err := report.New(report.Config{
		Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles:    n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := graphql.NewServer(graphql.Config{Commands: svc, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Reports: reports, Log: n.Store, Limits: limits, Authenticate: authenticate,
		Head: func(ctx context.Context) (uint64, error) { h, err := n.Store.Head(ctx); return uint64(h), err }})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
