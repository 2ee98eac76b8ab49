package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// aliases is a query of n aliases of field.
func aliases(field string, n int) string {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range n {
		fmt.Fprintf(&sb, " a%d: %s", i, field)
	}
	sb.WriteString(" }")
	return sb.String()
}

const powerField = `power(indicator: "cocaine_price", regions: ["NLRTM"], start: "2019-01-01", horizon: 12, method: SYNTHETIC_CONTROL) { mde }`

// answer is a result with the HTTP headers of its answer.
type answer struct {
	result
	header http.Header
}

// asWithHeaders is as, keeping the answer's headers.
func (a *authAPI) asWithHeaders(token, query string) answer {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Errorf("response %q: %v", raw, err)
	}
	r.status = resp.StatusCode
	return answer{result{r, query}, resp.Header}
}

// refusal checks that r is refused with code, HTTP status and message key,
// and returns the message's arguments.
func refusal(t *testing.T, r answer, code string, status int, key string) []any {
	t.Helper()
	if len(r.Errors) != 1 || r.code() != code || r.status != status || r.Errors[0].Extensions["messageKey"] != key {
		t.Fatalf("%.80s...\n-> HTTP %d %+v, want HTTP %d, one error %s with messageKey %s", r.query, r.status, r.Errors, status, code, key)
	}
	args, _ := r.Errors[0].Extensions["messageArgs"].([]any)
	return args
}

// The attack: one request aliases an expensive evaluation hundreds of
// times (before: 200 aliases of power(method: AUTO) ran for the whole 60 s
// of the request on the demo world, and came back as one BAD_INPUT
// "context deadline exceeded"). The cost is estimated from the document
// and the request refused before anything runs.
func TestEvaluationAliasesAreRefusedBeforeAnyRuns(t *testing.T) {
	a := newAuthAPI(t)
	var ran atomic.Int64
	graphql.OnEvaluate(a.server, func(context.Context) { ran.Add(1) })
	for _, c := range []struct {
		query string
		cost  float64
	}{
		{aliases(powerField, 200), 200 * 50},
		{aliases(`impact(intervention: "op-rtm", indicator: "cocaine_price", method: SYNTHETIC_CONTROL) { effect }`, 200), 200 * 10},
		{aliases(`staggered(interventions: ["op-rtm"], indicator: "cocaine_price") { explanation }`, 60), 60 * 20},
		// Inside one power, every power(effect:) runs the windows again.
		{`{ power(indicator: "cocaine_price", regions: ["NLRTM"], start: "2019-01-01", horizon: 12) { ` + strings.TrimSuffix(strings.TrimPrefix(aliases("power(effect: 1)", 100), "{"), "}") + ` } }`, 50 + 100*10},
		// Fragments are expanded, as for every limit.
		{`query { ...P } fragment P on Query { ` + strings.TrimSuffix(strings.TrimPrefix(aliases(powerField, 30), "{"), "}") + ` }`, 30 * 50},
	} {
		args := refusal(t, a.asWithHeaders("analyst-conf", c.query), "TOO_COMPLEX", http.StatusOK, "gql.err.eval.budget")
		if len(args) != 2 || args[0] != c.cost || args[1] != float64(graphql.DefaultEvaluationBudget) {
			t.Errorf("%.60s...: messageArgs %v, want [%v %d]", c.query, args, c.cost, graphql.DefaultEvaluationBudget)
		}
	}
	if n := ran.Load(); n != 0 {
		t.Errorf("%d evaluations ran for requests refused", n)
	}
	// Within the budget the request runs (twenty powers cost 1,000 units).
	a.asWithHeaders("analyst-conf", aliases(`compareRegions(indicator: "cocaine_price", regions: ["NLRTM"]) { region }`, 5)).mustOK(t)
	if n := ran.Load(); n != 5 {
		t.Errorf("5 aliases of compareRegions: %d evaluations ran, want 5", n)
	}
}

// A field inside a list counts once per item: Operation.power inside
// interventions runs a power analysis per indicator for every operation.
func TestEvaluationCostMultipliesByLists(t *testing.T) {
	a := newAuthAPIWith(t, graphql.Limits{EvaluationBudget: 1})
	// Four interventions recorded (op-rtm, pol-prec, op-res, op-conf), one
	// indicator: 4 x 50 x 1.
	args := refusal(t, a.asWithHeaders("analyst-conf", `{ interventions { ... on Operation { power { indicator } } } }`),
		"TOO_COMPLEX", http.StatusOK, "gql.err.eval.budget")
	if len(args) != 2 || args[0] != float64(200) || args[1] != float64(1) {
		t.Errorf("messageArgs %v, want [200 1]", args)
	}
	// What evaluates nothing costs nothing.
	a.asWithHeaders("analyst-conf", `{ interventions { id ... on Operation { classification } } regions { code } }`).mustOK(t)
}

// The burst let one principal start a hundred evaluating requests at once
// on a two-core server. Now a principal has at most
// MaxEvaluationsPerPrincipal of them running (one more waits, then is
// refused as the rate limit refuses: TOO_COMPLEX, 429, Retry-After), the
// server at most MaxEvaluations (UNAVAILABLE, 503, Retry-After); requests
// that evaluate nothing are never held.
func TestEvaluationsInFlightAreBounded(t *testing.T) {
	a := newAuthAPIWith(t, graphql.Limits{MaxEvaluationsPerPrincipal: 1, MaxEvaluations: 2, EvaluationWait: 20 * time.Millisecond})
	started := make(chan struct{}, 4)
	hold := make(chan struct{})
	graphql.OnEvaluate(a.server, func(context.Context) {
		started <- struct{}{}
		<-hold
	})
	eval := `{ compareRegions(indicator: "cocaine_price", regions: ["NLRTM"]) { region } }`
	var wg sync.WaitGroup
	held := make([]answer, 2)
	for i, who := range []string{"analyst-conf", "analyst-res"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held[i] = a.asWithHeaders(who, eval)
		}()
		<-started
	}
	// analyst-conf has its one evaluation running.
	r := a.asWithHeaders("analyst-conf", eval)
	args := refusal(t, r, "TOO_COMPLEX", http.StatusTooManyRequests, "gql.err.eval.principal")
	if r.header.Get("Retry-After") != "1" || len(args) != 3 || args[0] != "analyst-conf" || args[1] != float64(1) {
		t.Errorf("Retry-After %q, messageArgs %v", r.header.Get("Retry-After"), args)
	}
	// ...but may still read what evaluates nothing.
	a.asWithHeaders("analyst-conf", `{ regions { code } }`).mustOK(t)
	// The server has its two running.
	r = a.asWithHeaders("strategy-pub", eval)
	args = refusal(t, r, "UNAVAILABLE", http.StatusServiceUnavailable, "gql.err.eval.busy")
	if r.header.Get("Retry-After") != "1" || len(args) != 2 || args[0] != float64(2) {
		t.Errorf("Retry-After %q, messageArgs %v", r.header.Get("Retry-After"), args)
	}
	close(hold)
	wg.Wait()
	for _, h := range held {
		h.mustOK(t)
	}
	if n := graphql.EvaluationsRunning(a.server); n != 0 {
		t.Fatalf("%d slots still held after every request was answered", n)
	}
	a.asWithHeaders("analyst-conf", eval).mustOK(t)
	a.asWithHeaders("strategy-pub", eval).mustOK(t)
}

// A request past its deadline is answered TOO_COMPLEX in the catalogue's
// words (before: BAD_INPUT "context deadline exceeded", from graphql-go),
// and its slot is given back only when its evaluation has stopped, not
// when graphql-go answers: work left running still counts.
func TestDeadlineAnswerAndSlotHeldUntilWorkStops(t *testing.T) {
	a := newAuthAPIWith(t, graphql.Limits{RequestTimeout: 300 * time.Millisecond, MaxEvaluationsPerPrincipal: 1, EvaluationWait: time.Millisecond})
	hold := make(chan struct{})
	graphql.OnEvaluate(a.server, func(ctx context.Context) {
		select {
		case <-hold:
			return
		case <-ctx.Done(): // an evaluation still running at the deadline...
		}
		<-hold // ...that does not stop at once
	})
	eval := `{ compareRegions(indicator: "cocaine_price", regions: ["NLRTM"]) { region } }`
	r := a.asWithHeaders("analyst-conf", eval)
	args := refusal(t, r, "TOO_COMPLEX", http.StatusOK, "gql.err.eval.timeout")
	if len(args) != 1 || args[0] != "300ms" {
		t.Fatalf("messageArgs %v, want [300ms]", args)
	}
	// Answered, but its evaluation still runs: its slot is taken.
	refusal(t, a.asWithHeaders("analyst-conf", eval), "TOO_COMPLEX", http.StatusTooManyRequests, "gql.err.eval.principal")
	close(hold)
	for i := 0; graphql.EvaluationsRunning(a.server) != 0; i++ {
		if i == 1000 {
			t.Fatal("the slot was not given back once the evaluation stopped")
		}
		time.Sleep(5 * time.Millisecond)
	}
	a.asWithHeaders("analyst-conf", eval).mustOK(t)
}

// The default budget lets every query the README shows pass on the demo
// world (the web pages' requests pass in the web package's tests, which
// run on a server with the default limits).
func TestREADMEQueriesFitTheEvaluationBudget(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions})
	if err != nil {
		t.Fatal(err)
	}
	recordDemo(t, &api{t: t, node: n})
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("%d graphql blocks in the README", len(blocks))
	}
	evaluating := 0
	for _, b := range blocks {
		cost, err := graphql.EvaluationCost(s, b[1])
		if err != nil {
			// Shorthand for the reader ([...]), not a query to send.
			t.Logf("not a query: %s", b[1])
			continue
		}
		if cost > graphql.DefaultEvaluationBudget {
			t.Errorf("README query costs %d units, over the default budget of %d:\n%s", cost, graphql.DefaultEvaluationBudget, b[1])
		}
		if cost > 0 {
			evaluating++
		}
	}
	if evaluating == 0 {
		t.Error("no README query evaluates anything: the check checks nothing")
	}
}
