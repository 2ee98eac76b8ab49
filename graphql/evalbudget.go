package graphql

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/supplyeval/supplyeval/domain"
)

// The shape limits (depth, selections, answer size) bound what a request
// may ask to be written, not what it may ask to be computed: two hundred
// aliases of power(method: AUTO) fit in 4 KB and an answer of 600 values,
// and each alias runs the method on every placebo window of the history.
// What bounds computation is here:
//
//   - a budget per request (Limits.EvaluationBudget), in evaluation units,
//     estimated from the document before anything runs: each evaluation
//     field costs its weight (evalWeights) each time it would be resolved,
//     so that, as in the estimate of the answer's size, a field inside a
//     list counts once per item (Operation.power inside interventions
//     counts once per intervention recorded);
//   - a bound on the requests that evaluate at once, per principal
//     (Limits.MaxEvaluationsPerPrincipal) and for the whole server
//     (Limits.MaxEvaluations): a request over either waits up to
//     Limits.EvaluationWait for a slot, then is refused (per principal as
//     the rate limit refuses, TOO_COMPLEX with HTTP 429; server-wide
//     UNAVAILABLE with HTTP 503, both with Retry-After);
//   - the request's deadline, which the evaluations check as they go (the
//     placebo windows of power, the placebo fits and conformal inversion of
//     a synthetic control, the bootstrap of staggered adoption, every
//     finding of a report), so that the work of a request past its deadline
//     stops instead of running on unseen: graphql-go answers at the
//     deadline but leaves the resolver running.
//
// A slot is given back only when the request's last evaluation has
// stopped, not when graphql-go answers, so that work left running after an
// answer still counts against the bounds.

// evalWeight is the cost of one resolution of an evaluation field.
type evalWeight struct {
	// units is the cost, in evaluation units: about the CPU time of an
	// impact estimate on one region (10 units).
	units int
	// perIndicator multiplies units by the number of indicators recorded:
	// the field runs its evaluation on each indicator.
	perIndicator bool
}

// evalWeights are the evaluation fields, by "Type.field", and their cost.
// Fields not listed cost nothing: they read the read models.
var evalWeights = map[string]evalWeight{
	// An estimate by one method, with its placebo test, conformal bands or
	// event study.
	"Query.impact": {units: 10},
	// A method run on every placebo window of the history (20 or more),
	// doubling then bisecting on the effect's size.
	"Query.power": {units: 50},
	// A power analysis for every indicator with data in the operation's
	// regions.
	"Operation.power": {units: 50, perIndicator: true},
	// Every placebo window run again for one more effect (windows of ITS and
	// before/after; one pass over the saved windows otherwise).
	"Power.power": {units: 10},
	// Group-time effects, influence functions and a bootstrap of 999 draws.
	"Query.staggered":        {units: 20},
	"Query.displacement":     {units: 2},
	"Query.displacementScan": {units: 2, perIndicator: true},
	"Query.fragmentation":    {units: 2, perIndicator: true},
	"Query.compareRegions":   {units: 1},
	// Every intervention's estimates on every indicator, their displacement,
	// plans and the programme's staggered estimates.
	"Cycle.report": {units: 200},
	// Every finding's estimate at two positions.
	"Cycle.revisionSensitivity": {units: 400},
}

// DefaultEvaluationBudget is the default of Limits.EvaluationBudget: the
// web pages' heaviest request (the intervention page's impact of each
// indicator, 10 units each) passes with a hundred indicators, a cycle's
// report (200) and its revision sensitivity (400) pass together; twenty
// aliases of power (50 each) pass, twenty-one do not.
const DefaultEvaluationBudget = 1000

// evalCost returns the cost of one resolution of field of parent (0 for
// a field that evaluates nothing).
func (s *Server) evalCost(parent, field string) int {
	w, ok := evalWeights[parent+"."+field]
	if !ok {
		return 0
	}
	if w.perIndicator {
		return w.units * max(1, len(s.cfg.Catalog.Indicators("")))
	}
	return w.units
}

// meterEvaluations wraps the resolvers of the evaluation fields: each
// checks the request's deadline before it starts, and counts as running
// for the request's slot (see evalTracker) until it returns.
func (s *Server) meterEvaluations() {
	for key := range evalWeights {
		typeName, field, _ := strings.Cut(key, ".")
		obj, ok := s.schema.Type(typeName).(*gql.Object)
		if !ok {
			continue // the cycle types without a report generator
		}
		fd, ok := obj.Fields()[field]
		if !ok {
			continue
		}
		next := fd.Resolve
		if next == nil {
			next = gql.DefaultResolveFn
		}
		fd.Resolve = func(p gql.ResolveParams) (any, error) {
			if tr, ok := p.Context.Value(evalTrackerKey{}).(*evalTracker); ok {
				if !tr.enter() {
					return nil, toAPIError(requestOver(p.Context), "")
				}
				defer tr.leave()
			}
			if p.Context.Err() != nil {
				return nil, toAPIError(requestOver(p.Context), "")
			}
			if fn := s.onEvaluate.Load(); fn != nil {
				(*fn)(p.Context)
			}
			v, err := next(p)
			if err != nil && p.Context.Err() != nil {
				// Stopped by the deadline: say so in the catalogue's words.
				return nil, toAPIError(requestOver(p.Context), "")
			}
			return v, err
		}
	}
}

// requestOver is the error of an evaluation asked for once the request's
// context is done: its deadline passed (TOO_COMPLEX) or it was cancelled.
func requestOver(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return context.Canceled
	}
	limit := "?"
	if d, ok := ctx.Value(requestTimeoutKey{}).(time.Duration); ok {
		limit = d.String()
	}
	return domain.Errorm(domain.TooComplex, "", "gql.err.eval.timeout", limit)
}

type requestTimeoutKey struct{}

// evalTracker counts the evaluations of one request that are running, so
// that its slot is given back when the last stops (graphql-go may answer
// at the deadline while a resolver still runs). Once the request is over
// (finish) no evaluation may start. Safe for concurrent use.
type evalTracker struct {
	mu      sync.Mutex
	running int
	over    bool
	release func()
}

type evalTrackerKey struct{}

// enter counts an evaluation in; false when the request is over.
func (t *evalTracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.over {
		return false
	}
	t.running++
	return true
}

// leave counts an evaluation out, giving the slot back if it was the last
// of a request that is over.
func (t *evalTracker) leave() {
	t.mu.Lock()
	t.running--
	done := t.over && t.running == 0
	t.mu.Unlock()
	if done {
		t.release()
	}
}

// finish marks the request over: the slot is given back now, or when its
// last running evaluation stops.
func (t *evalTracker) finish() {
	t.mu.Lock()
	t.over = true
	done := t.running == 0
	t.mu.Unlock()
	if done {
		t.release()
	}
}

// evalGate bounds the requests that evaluate at once, per principal and in
// all. Safe for concurrent use.
type evalGate struct {
	perPrincipal, total int // <= 0: no bound
	wait                time.Duration

	mu      sync.Mutex
	running map[string]int
	all     int
	// changed is closed (and replaced) whenever a slot is given back.
	changed chan struct{}
	// refusedPrincipal and refusedBusy count the requests refused.
	refusedPrincipal, refusedBusy uint64
}

func newEvalGate(perPrincipal, total int, wait time.Duration) *evalGate {
	return &evalGate{perPrincipal: perPrincipal, total: total, wait: wait, running: map[string]int{}, changed: make(chan struct{})}
}

// acquire takes a slot for principal, waiting up to g.wait for one. It
// returns the function that gives it back, or the refusal: TOO_COMPLEX
// (key gql.err.eval.principal) when principal has its share running,
// UNAVAILABLE (gql.err.eval.busy) when the server has, or the request's
// end when ctx is done first.
func (g *evalGate) acquire(ctx context.Context, principal string) (func(), error) {
	var timer *time.Timer
	for {
		g.mu.Lock()
		mine := g.perPrincipal > 0 && g.running[principal] >= g.perPrincipal
		full := g.total > 0 && g.all >= g.total
		if !mine && !full {
			g.running[principal]++
			g.all++
			g.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			var once sync.Once
			return func() { once.Do(func() { g.give(principal) }) }, nil
		}
		changed := g.changed
		g.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(g.wait)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			timer.Stop()
			return nil, requestOver(ctx)
		case <-timer.C:
			g.mu.Lock()
			defer g.mu.Unlock()
			if mine {
				g.refusedPrincipal++
				return nil, domain.Errorm(domain.TooComplex, "", "gql.err.eval.principal", principal, g.perPrincipal, seconds(g.wait))
			}
			g.refusedBusy++
			return nil, domain.Errorm(domain.Unavailable, "", "gql.err.eval.busy", g.total, seconds(g.wait))
		}
	}
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// give gives principal's slot back.
func (g *evalGate) give(principal string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running[principal]--; g.running[principal] <= 0 {
		delete(g.running, principal)
	}
	g.all--
	close(g.changed)
	g.changed = make(chan struct{})
}

// EvaluationRefusals returns the requests refused so far because their
// principal had its share of evaluations running, and because the server
// had (for /metrics).
func (s *Server) EvaluationRefusals() (principal, busy uint64) {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	return s.gate.refusedPrincipal, s.gate.refusedBusy
}

// startEvaluations takes a slot for a request that evaluates and returns
// the context to run it in, which carries its tracker, and the function
// to call when the request is answered.
func (s *Server) startEvaluations(ctx context.Context) (context.Context, func(), error) {
	release, err := s.gate.acquire(ctx, AccessFromContext(ctx).Name)
	if err != nil {
		return ctx, nil, err
	}
	tr := &evalTracker{release: release}
	return context.WithValue(ctx, evalTrackerKey{}, tr), tr.finish, nil
}

// deadlineErrors replaces the error graphql-go gives when the request's
// context ends before the answer (the context's own error, which it
// leaves without a code) by the catalogue's.
func deadlineErrors(ctx context.Context, errs []gqlerrors.FormattedError) {
	if ctx.Err() == nil {
		return
	}
	for i, e := range errs {
		if e.Extensions == nil && (e.Message == context.DeadlineExceeded.Error() || e.Message == context.Canceled.Error()) {
			ae := toAPIError(requestOver(ctx), "")
			errs[i].Message, errs[i].Extensions = ae.message, ae.Extensions()
		}
	}
}

// refusalStatus is the HTTP status of an answer refused for the bounds on
// evaluations (0 for any other answer).
func refusalStatus(resp Response) int {
	for _, e := range resp.Errors {
		switch e.Extensions["messageKey"] {
		case "gql.err.eval.principal":
			return http.StatusTooManyRequests
		}
	}
	return 0
}
