package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
	"github.com/supplyeval/supplyeval/web"
)

// site is the demo world served by the API and the web application, as a
// node wires them, with tokens for three principals.
type site struct {
	node *projectionstest.Node
	api  *graphql.Server
	srv  *httptest.Server
	mu   sync.Mutex
	// seen holds every request the server answered (method and URL) and
	// the body of its answer, for tests of what a principal was sent.
	seen []exchange
	// compress leaves the browser's Accept-Encoding alone (the answers
	// recorded are then gzipped): for measuring what is sent.
	compress bool
}

type exchange struct{ request, response string }

// record keeps every request and the body of its answer.
func (s *site) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		s.mu.Lock()
		compress := s.compress
		s.mu.Unlock()
		if !compress {
			r.Header.Del("Accept-Encoding")
		}
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		s.mu.Lock()
		s.seen = append(s.seen, exchange{r.Method + " " + r.URL.String(), rec.Body.String()})
		s.mu.Unlock()
	})
}

// exchanges returns the requests answered so far and forgets them.
func (s *site) exchanges() []exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// The tokens the test principals sign in with.
const (
	adminToken      = "admin-token-0123456789"
	restrictedToken = "restricted-token-0123456789"
	publicToken     = "public-token-0123456789"
)

var principals = map[string]graphql.Principal{
	adminToken:      {Name: "ada", Roles: []graphql.Role{domain.RoleAdmin}, Clearance: domain.ClassificationConfidential},
	restrictedToken: {Name: "rita", Roles: []graphql.Role{domain.RoleAnalyst, domain.RoleEvaluator}, Clearance: domain.ClassificationRestricted},
	publicToken:     {Name: "pat", Roles: []graphql.Role{domain.RolePublic}, Clearance: domain.ClassificationPublic},
}

func authenticate(r *http.Request) (graphql.Principal, error) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	p, ok := principals[token]
	if !strings.EqualFold(scheme, "Bearer") || !ok {
		return graphql.Principal{}, domain.Errorf(domain.Unauthenticated, "", "unknown token")
	}
	return p, nil
}

var demoSteps = sync.OnceValues(func() ([]demo.Step, error) {
	w, err := demo.Generate(demo.Config{})
	return w.Steps, err
})

// newSite seeds the demo world and serves it. local serves without
// tokens (the single-user mode).
func newSite(tb testing.TB, local bool) *site {
	tb.Helper()
	n := projectionstest.Start(tb, tb.TempDir())
	tb.Cleanup(n.Stop)
	steps, err := demoSteps()
	if err != nil {
		tb.Fatal(err)
	}
	var last uint64
	for _, s := range steps {
		res, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("demo"), CommandID: s.CommandID}, s.Command)
		if err != nil {
			tb.Fatal(err)
		}
		last = max(last, res.Position)
	}
	n.Wait(last)
	reports, err := report.New(report.Config{
		Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles:    n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		tb.Fatal(err)
	}
	var auth func(*http.Request) (graphql.Principal, error)
	if !local {
		auth = authenticate
	}
	api, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Reports: reports, Log: n.Store, Authenticate: auth,
		Head: func(ctx context.Context) (uint64, error) { h, err := n.Store.Head(ctx); return uint64(h), err }})
	if err != nil {
		tb.Fatal(err)
	}
	app, err := web.New(web.Config{API: api, Authenticate: auth, Logger: zerolog.New(zerolog.NewTestWriter(tb))})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("/", app)
	st := &site{node: n, api: api}
	st.srv = httptest.NewServer(st.record(mux))
	tb.Cleanup(st.srv.Close)
	return st
}
