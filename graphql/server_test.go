package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

type api struct {
	t    testing.TB
	node *projectionstest.Node
	srv  *httptest.Server
}

func newAPI(t testing.TB, limits graphql.Limits) *api {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Limits: limits,
		Head: func(ctx context.Context) (uint64, error) { h, err := n.Store.Head(ctx); return uint64(h), err }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", s)
	mux.Handle("/graphiql/", graphql.AssetHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &api{t: t, node: n, srv: srv}
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	status int
}

func (a *api) post(query string, vars map[string]any) gqlResponse {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return a.postRaw(body)
}

func (a *api) postRaw(body []byte) gqlResponse {
	a.t.Helper()
	resp, err := http.Post(a.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Fatalf("response %q: %v", raw, err)
	}
	r.status = resp.StatusCode
	return r
}

// ok runs a request that must succeed.
func (a *api) ok(query string, vars map[string]any) map[string]any {
	a.t.Helper()
	r := a.post(query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("%s\n-> errors %+v", query, r.Errors)
	}
	return r.Data
}

// fails runs a request that must fail with code; the log must not move.
func (a *api) fails(query string, vars map[string]any, code, mention string) gqlError {
	a.t.Helper()
	before := a.node.Head()
	r := a.post(query, vars)
	if len(r.Errors) == 0 {
		a.t.Fatalf("%s: succeeded, want %s", query, code)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != code || !strings.Contains(e.Message, mention) {
		a.t.Fatalf("%s\n-> %+v, want code %s and a message mentioning %q", query, e, code, mention)
	}
	if a.node.Head() != before {
		a.t.Fatalf("failed request changed the log")
	}
	return e
}

const seedMutation = `mutation {
  nl: defineRegion(input: {code: "NL", name: "Netherlands", country: "NL", level: COUNTRY}) { position }
  zh: defineRegion(input: {code: "NL33", name: "Zuid-Holland", country: "NL", level: NUTS2, parent: "NL"}) { position }
  rtm: defineRegion(input: {code: "NLRTM", name: "Port of Rotterdam", country: "NL", level: PORT, parent: "NL33"}) { position }
  anr: defineRegion(input: {code: "BEANR", name: "Port of Antwerp", country: "BE", level: PORT}) { position }
  l1: linkRegions(input: {a: "NLRTM", b: "BEANR", kind: SEA_ROUTE}) { position }
  i1: defineIndicator(input: {code: "cocaine_price", name: "Cocaine retail price", family: AVAILABILITY, unit: "EUR/g",
      granularity: MONTH, desiredDirection: UP}) { position }
  op: launchOperation(input: {id: "op-rtm", title: "Container controls Rotterdam", kind: PORT_CONTROL, regions: ["NLRTM"],
      start: "2018-01-01", targetTier: MIXED, partners: ["NL customs", "BE customs"], legalBasis: "Customs Act",
      classification: PUBLIC, budget: 2500000}) { position }
  pol: adoptPolicyChange(input: {id: "pol-prec", title: "Precursor control", kind: PRECURSOR_CONTROL, jurisdictions: ["NL"],
      adopted: "2019-03-01", effective: "2019-07-01"}) { position }
}`

func TestExampleQueriesAndWrites(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	data := a.ok(`mutation($rows: [ObservationRowInput!]!) {
	  recordObservations(input: {indicator: "cocaine_price", source: "test", rows: $rows, commandId: "batch-1"}) { position events duplicate }
	}`, map[string]any{"rows": []map[string]any{
		{"region": "NLRTM", "period": "2020-01", "value": 60.5}, {"region": "NLRTM", "period": "2020-02", "value": 61},
		{"region": "BEANR", "period": "2020-01", "value": 58}}})
	rec := data["recordObservations"].(map[string]any)
	if rec["events"].(float64) != 1 || rec["duplicate"].(bool) {
		t.Fatalf("recordObservations = %v", rec)
	}

	data = a.ok(`{ position regions(country: "NL") { code level parent neighbours { region { code country } kind } } }`, nil)
	if data["position"] != rec["position"] {
		t.Fatalf("position %v, want the last write's %v", data["position"], rec["position"])
	}
	regions := data["regions"].([]any)
	if len(regions) != 3 {
		t.Fatalf("NL regions = %v", regions)
	}
	rtm := regions[2].(map[string]any)
	if rtm["code"] != "NLRTM" || rtm["parent"] != "NL33" {
		t.Fatalf("NLRTM = %v", rtm)
	}
	nb := rtm["neighbours"].([]any)[0].(map[string]any)
	if nb["kind"] != "SEA_ROUTE" || nb["region"].(map[string]any)["country"] != "BE" {
		t.Fatalf("NLRTM neighbours = %v", rtm["neighbours"])
	}

	data = a.ok(`{ series(indicator: "cocaine_price", region: "NLRTM", from: "2020-01", to: "2020-12") { indicator region unit points { period value } } }`, nil)
	pts := data["series"].(map[string]any)["points"].([]any)
	if len(pts) != 2 || pts[0].(map[string]any)["value"].(float64) != 60.5 {
		t.Fatalf("series = %v", data["series"])
	}

	data = a.ok(`{ interventions(region: "NLRTM") { id title start end regions kind category ... on Operation { operationKind targetTier classification partners } }
	  intervention(id: "pol-prec") { id kind ... on PolicyChange { policyKind effective jurisdictions } } }`, nil)
	ivs := data["interventions"].([]any)
	if len(ivs) != 1 || ivs[0].(map[string]any)["kind"] != "PORT_CONTROL" || ivs[0].(map[string]any)["operationKind"] != "PORT_CONTROL" ||
		ivs[0].(map[string]any)["category"] != "OPERATION" || ivs[0].(map[string]any)["end"] != nil {
		t.Fatalf("interventions = %v", ivs)
	}
	if p := data["intervention"].(map[string]any); p["kind"] != "PRECURSOR_CONTROL" || p["policyKind"] != "PRECURSOR_CONTROL" || p["effective"] != "2019-07-01" {
		t.Fatalf("intervention = %v", p)
	}

	// Retrying with the same commandId records nothing new.
	again := a.ok(`mutation($rows: [ObservationRowInput!]!) {
	  recordObservations(input: {indicator: "cocaine_price", source: "test", rows: $rows, commandId: "batch-1"}) { position events duplicate }
	}`, map[string]any{"rows": []map[string]any{
		{"region": "NLRTM", "period": "2020-01", "value": 60.5}, {"region": "NLRTM", "period": "2020-02", "value": 61},
		{"region": "BEANR", "period": "2020-01", "value": 58}}})["recordObservations"].(map[string]any)
	if !again["duplicate"].(bool) || again["position"] != rec["position"] || again["events"].(float64) != 0 {
		t.Fatalf("retry = %v, first = %v", again, rec)
	}
}

func TestSeriesAsOfBeforeARevision(t *testing.T) {
	a := newAPI(t, graphql.Limits{WaitForPosition: 300 * time.Millisecond})
	a.ok(seedMutation, nil)
	first := a.ok(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "s",
	  rows: [{region: "NLRTM", period: "2021-03", value: 70}]}) { position } }`, nil)["recordObservations"].(map[string]any)["position"].(string)
	a.ok(`mutation { reviseObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2021-03", value: 72.5,
	  reason: "publisher corrected the figure", source: "s v2"}) { position } }`, nil)
	value := func(asOf string) any {
		q := `query($asOf: String) { series(indicator: "cocaine_price", region: "NLRTM", asOf: $asOf) { asOf points { period value } } }`
		pts := a.ok(q, map[string]any{"asOf": asOf})["series"].(map[string]any)["points"].([]any)
		return pts[0].(map[string]any)["value"]
	}
	if v := value(first); v != 70.0 {
		t.Fatalf("as of %s: %v, want the old value 70", first, v)
	}
	if v := value(""); v != 72.5 {
		t.Fatalf("latest: %v, want the revised value 72.5", v)
	}
	a.fails(`{ series(indicator: "cocaine_price", region: "NLRTM", asOf: "99999") { asOf } }`, nil, "BAD_INPUT", "beyond the end of the log")
	a.fails(`{ series(indicator: "cocaine_price", region: "NLRTM", asOf: "-3") { asOf } }`, nil, "BAD_INPUT", "asOf")
}

func TestBadInputIsRefusedWithCodeAndChangesNothing(t *testing.T) {
	a := newAPI(t, graphql.Limits{MaxBodyBytes: 64 << 10, MaxDepth: 6})
	a.ok(seedMutation, nil)
	a.ok(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "s", rows: [{region: "NLRTM", period: "2020-01", value: 1}]}) { position } }`, nil)
	rec := func(indicator, region, period string) string {
		return fmt.Sprintf(`mutation { recordObservations(input: {indicator: %q, source: "s", rows: [{region: "NLRTM", period: "2019-01", value: 1}, {region: %q, period: %q, value: 2}]}) { position } }`,
			indicator, region, period)
	}
	e := a.fails(rec("heroin_price", "NLRTM", "2020-02"), nil, "NOT_FOUND", "heroin_price")
	if e.Extensions["field"] != "input.indicator" {
		t.Fatalf("field = %v", e.Extensions["field"])
	}
	a.fails(rec("cocaine_price", "XX99", "2020-02"), nil, "NOT_FOUND", "input.rows[1].region")
	a.fails(rec("cocaine_price", "NLRTM", "2020-2"), nil, "BAD_INPUT", "input.rows[1].period")
	a.fails(rec("cocaine_price", "NLRTM", "2020-Q1"), nil, "BAD_INPUT", "MONTH")
	// Outside the default period range (1900 to 2100): refused, naming the row.
	a.failsAt(rec("cocaine_price", "NLRTM", "1899-12"), nil, "BAD_INPUT", "input.rows[1].period")
	a.fails(rec("cocaine_price", "NLRTM", "2101-01"), nil, "BAD_INPUT", "outside the periods this server accepts")
	a.fails(rec("cocaine_price", "NLRTM", "2020-01"), nil, "CONFLICT", "reviseObservation")
	a.fails(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "s", rows: []}) { position } }`, nil, "BAD_INPUT", "input.rows")
	a.fails(`mutation { linkRegions(input: {a: "NLRTM", b: "NLRTM", kind: SEA_ROUTE}) { position } }`, nil, "BAD_INPUT", "itself")
	a.fails(`mutation { launchOperation(input: {id: "op-rtm", title: "again", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2018-01-01", targetTier: MIXED, classification: PUBLIC}) { position } }`,
		nil, "CONFLICT", "already been launched")
	a.fails(`mutation { defineRegion(input: {code: "X1", name: "x", country: "NL", level: PROVINCE}) { position } }`, nil, "BAD_INPUT", "PROVINCE")
	a.fails(`{ series(indicator: "cocaine_price", region: "NLRTM", from: "2020-13") { asOf } }`, nil, "BAD_INPUT", "from")
	a.fails(`{ series(indicator: "nope", region: "NLRTM") { asOf } }`, nil, "NOT_FOUND", "nope")
	a.fails(`{ interventions(kind: "RAID") { id } }`, nil, "BAD_INPUT", "RAID")
	a.fails(`{ regions { nosuchfield } }`, nil, "BAD_INPUT", "nosuchfield")
	a.fails(`{ regions { `, nil, "BAD_INPUT", "Syntax Error")
	a.fails(`{ regions { neighbours { region { neighbours { region { neighbours { region { neighbours { region { code } } } } } } } } } }`,
		nil, "TOO_COMPLEX", "nested")

	// An oversized body is refused before it is read whole.
	before := a.node.Head()
	big := `{"query":"mutation { recordObservations(input: {indicator: \"cocaine_price\", source: \"s\", rows: [` +
		strings.Repeat(`{region: \"NLRTM\", period: \"2019-01\", value: 1},`, 2000) + `]}) { position } }"}`
	r := a.postRaw([]byte(big))
	if r.status != http.StatusRequestEntityTooLarge || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_INPUT" {
		t.Fatalf("oversized body: status %d, %+v", r.status, r.Errors)
	}
	if a.node.Head() != before {
		t.Fatal("oversized body changed the log")
	}
	// Mutations over GET are refused.
	resp, err := http.Get(a.srv.URL + "/graphql?query=" + strings.ReplaceAll(`mutation{defineRegion(input:{code:"Y",name:"y",country:"NL",level:CITY}){position}}`, " ", "%20"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if a.node.Head() != before {
		t.Fatal("a GET mutation changed the log")
	}
}

func TestConcurrentWritersOfOneStream(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	// Every writer expects the indicator stream at version 0: one wins.
	const writers = 6
	var wg sync.WaitGroup
	codes := make([]any, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := a.post(fmt.Sprintf(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "w%d", expectedVersion: "0",
			  rows: [{region: "BEANR", period: "2022-%02d", value: 1}]}) { position } }`, i, i+1), nil)
			if len(r.Errors) > 0 {
				codes[i] = r.Errors[0].Extensions["code"]
			}
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, c := range codes {
		switch c {
		case nil:
			wins++
		case "CONFLICT":
		default:
			t.Fatalf("unexpected code %v", c)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won, want 1 (codes %v)", wins, codes)
	}
}

func TestGraphiQLIsServedFromTheBinary(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/graphql", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "/graphiql/graphiql.min.js") || strings.Contains(string(page), "https://") {
		t.Fatalf("GraphiQL page must load its scripts from this server only:\n%s", page)
	}
	for _, asset := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"} {
		resp, err := http.Get(a.srv.URL + "/graphiql/" + asset) // the client decompresses
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) < 1000 {
			t.Fatalf("%s: status %d, %d bytes", asset, resp.StatusCode, len(body))
		}
	}
	// GraphiQL's introspection query passes the depth limit.
	a.ok(introspection, nil)
}

const introspection = `query IntrospectionQuery {
  __schema { queryType { name } mutationType { name } types { ...FullType } directives { name locations args { ...InputValue } } }
}
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name isDeprecated } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

func TestFragmentCyclesAndBombsAreRefused(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	// graphql-go's own validator overflows the stack on these; they must
	// be refused before it sees them.
	a.fails(`{ regions { code } ...F } fragment F on Query { ...F }`, nil, "BAD_INPUT", "cycle")
	a.fails(`{ regions { code } } fragment A on Query { ...B } fragment B on Query { regions { ...C } } fragment C on Region { neighbours { region { code } } } fragment D on Query { ...A ...D }`,
		nil, "BAD_INPUT", "cycle")
	bomb := `{ ...L5 } fragment L0 on Query { position }`
	for i := 1; i <= 5; i++ {
		bomb += fmt.Sprintf(" fragment L%d on Query { a: regions { code } ...L%d ...L%d ...L%d ...L%d ...L%d ...L%d ...L%d ...L%d }", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	a.fails(bomb, nil, "TOO_COMPLEX", "selections")
}

func TestAnswerCacheNeverServesStaleData(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	q := `{ position series(indicator: "cocaine_price", region: "NLRTM") { points { period value } } }`
	first := a.ok(q, nil)
	if again := a.ok(q, nil); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Fatalf("repeated read differs: %v vs %v", again, first)
	}
	for i := 1; i <= 3; i++ {
		a.ok(fmt.Sprintf(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "s", rows: [{region: "NLRTM", period: "2023-%02d", value: %d}]}) { position } }`, i, i), nil)
		got := a.ok(q, nil)
		pts := got["series"].(map[string]any)["points"].([]any)
		if len(pts) != i {
			t.Fatalf("after write %d the series has %d points: a stale answer was served", i, len(pts))
		}
	}
}
