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
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// principals of the access tests, by bearer token.
var principals = map[string]graphql.Principal{
	"admin":        {Name: "admin", Roles: []graphql.Role{graphql.RoleAdmin}, Clearance: domain.ClassificationConfidential},
	"admin-res":    {Name: "admin-res", Roles: []graphql.Role{graphql.RoleAdmin}, Clearance: domain.ClassificationRestricted},
	"recorder":     {Name: "recorder", Roles: []graphql.Role{graphql.RoleRecorder}, Clearance: domain.ClassificationRestricted},
	"analyst-conf": {Name: "analyst-conf", Roles: []graphql.Role{graphql.RoleAnalyst}, Clearance: domain.ClassificationConfidential},
	"analyst-res":  {Name: "analyst-res", Roles: []graphql.Role{graphql.RoleAnalyst}, Clearance: domain.ClassificationRestricted},
	"strategy-pub": {Name: "strategy-pub", Roles: []graphql.Role{graphql.RoleStrategy}, Clearance: domain.ClassificationPublic},
	"evaluator":    {Name: "evaluator", Roles: []graphql.Role{graphql.RoleEvaluator}, Clearance: domain.ClassificationRestricted},
	"public":       {Name: "public", Roles: []graphql.Role{graphql.RolePublic}, Clearance: domain.ClassificationPublic},
}

// authAPI is a server whose principals are named by their bearer tokens.
type authAPI struct {
	*api
	server *graphql.Server
}

func newAuthAPI(t testing.TB) *authAPI {
	t.Helper()
	return newAuthAPIWith(t, graphql.Limits{})
}

// newAuthAPIWith is newAuthAPI with the given limits.
func newAuthAPIWith(t testing.TB, limits graphql.Limits) *authAPI {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Log: n.Store, Limits: limits,
		Authenticate: func(r *http.Request) (graphql.Principal, error) {
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if p, known := principals[tok]; ok && known {
				return p, nil
			}
			return graphql.Principal{}, domain.Errorf(domain.Unauthenticated, "", "unknown token")
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	a := &authAPI{&api{t: t, node: n, srv: srv}, s}
	a.as("admin", seedMutation+"\n", nil).mustOK(t)
	a.as("admin", `mutation {
	  res: launchOperation(input: {id: "op-res", title: "Restricted port op", kind: PORT_CONTROL, regions: ["NLRTM"],
	      start: "2019-01-01", targetTier: MID, classification: RESTRICTED}) { position }
	  conf: launchOperation(input: {id: "op-conf", title: "Covert delivery", kind: CONTROLLED_DELIVERY, regions: ["NLRTM"],
	      start: "2020-01-01", targetTier: HIGH_VALUE, classification: CONFIDENTIAL}) { position }
	  out: reportOperationOutputs(input: {id: "op-rtm", period: "2018-03", arrests: 3}) { position }
	  obs: recordObservations(input: {indicator: "cocaine_price", source: "test", rows: [
	      {region: "NLRTM", period: "2018-01", value: 2}, {region: "NLRTM", period: "2018-02", value: 0},
	      {region: "NLRTM", period: "2018-03", value: 55.5}]}) { position }
	}`, nil).mustOK(t)
	return a
}

// result is one answer of the access tests.
type result struct {
	gqlResponse
	query string
}

// as runs a request with the given bearer token ("" for none).
func (a *authAPI) as(token, query string, vars map[string]any) result {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Fatalf("response %q: %v", raw, err)
	}
	r.status = resp.StatusCode
	return result{r, query}
}

func (r result) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r result) mustOK(t testing.TB) map[string]any {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%s\n-> errors %+v", r.query, r.Errors)
	}
	return r.Data
}

func (r result) mustFail(t testing.TB, code string) {
	t.Helper()
	if r.code() != code {
		t.Fatalf("%s\n-> %+v, want %s", r.query, r.Errors, code)
	}
}

func TestMissingOrUnknownTokenIsUnauthenticated(t *testing.T) {
	a := newAuthAPI(t)
	for _, tok := range []string{"", "nobody"} {
		r := a.as(tok, `{ position }`, nil)
		r.mustFail(t, "UNAUTHENTICATED")
		if r.status != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, r.status)
		}
	}
}

// TestRoleMatrix checks what each role may and may not run (README, "Who
// may see and do what").
func TestRoleMatrix(t *testing.T) {
	a := newAuthAPI(t)
	const (
		read       = `{ position regions { code } indicators { code } interventions { id } series(indicator: "cocaine_price", region: "NLRTM") { points { period } } }`
		evaluate   = `{ impact(intervention: "op-rtm", indicator: "cocaine_price", method: BEFORE_AFTER) { effect } }`
		displace   = `{ displacement(intervention: "op-rtm", indicator: "cocaine_price") { wdq } }`
		compare    = `{ compareRegions(indicator: "cocaine_price", regions: ["NLRTM"]) { region } }`
		observe    = `mutation { recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [{region: "BEANR", period: "2018-%02d", value: 60}]}) { position } }`
		region     = `mutation { defineRegion(input: {code: "BEX%d", name: "Belgium", country: "BE", level: OTHER}) { position } }`
		launch     = `mutation { launchOperation(input: {id: "op-new-%s", title: "t", kind: OTHER, regions: ["NLRTM"], start: "2021-01-01", targetTier: LOW, classification: PUBLIC}) { position } }`
		declassify = `mutation { declassifyOperation(input: {id: "op-res", classification: PUBLIC}) { position } }`
	)
	// ok: may; FORBIDDEN: may not. Evaluations may fail for want of data
	// (BAD_INPUT); what matters is that they are not FORBIDDEN.
	type rule struct{ read, evaluate, displace, compare, observe, region, launch, declassify string }
	matrix := map[string]rule{
		"admin":        {"ok", "any", "any", "ok", "ok", "ok", "ok", "ok"},
		"recorder":     {"ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "ok", "ok", "ok", "FORBIDDEN"},
		"analyst-res":  {"ok", "any", "any", "ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"},
		"strategy-pub": {"ok", "any", "any", "ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"},
		"evaluator":    {"ok", "any", "any", "ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"},
		"public":       {"ok", "FORBIDDEN", "FORBIDDEN", "ok", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"},
	}
	for i, name := range []string{"recorder", "analyst-res", "strategy-pub", "evaluator", "public", "admin"} {
		want := matrix[name]
		check := func(what, query, expect string) {
			t.Helper()
			r := a.as(name, query, nil)
			switch expect {
			case "ok":
				if len(r.Errors) > 0 {
					t.Errorf("%s may %s, got %+v", name, what, r.Errors)
				}
			case "any":
				if c := r.code(); c == "FORBIDDEN" || c == "UNAUTHENTICATED" {
					t.Errorf("%s may %s, got %+v", name, what, r.Errors)
				}
			default:
				if r.code() != expect {
					t.Errorf("%s %s: got %+v, want %s", name, what, r.Errors, expect)
				}
			}
		}
		check("read", read, want.read)
		check("evaluate impact", evaluate, want.evaluate)
		check("evaluate displacement", displace, want.displace)
		check("compare regions", compare, want.compare)
		check("record observations", fmt.Sprintf(observe, i+1), want.observe)
		check("define regions", fmt.Sprintf(region, i), want.region)
		check("launch operations", fmt.Sprintf(launch, name), want.launch)
		if name == "admin" {
			continue // declassifying changes what the others see
		}
		check("declassify", declassify, want.declassify)
	}
	a.as("admin", declassify, nil).mustOK(t)
}

func TestEveryEventRecordsItsPrincipal(t *testing.T) {
	a := newAuthAPI(t)
	a.as("recorder", `mutation { recordObservations(input: {indicator: "cocaine_price", source: "t", rows: [{region: "BEANR", period: "2018-01", value: 60}]}) { position } }`, nil).mustOK(t)
	recs, err := a.node.Store.ReadAll(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range recs {
		r, err := eventstore.Decode(ev)
		if err != nil {
			t.Fatal(err)
		}
		want := "admin"
		if i == len(recs)-1 {
			want = "recorder"
		}
		if r.Meta.Principal != want {
			t.Errorf("event %d (%s) recorded by %q, want %q", r.Position, ev.Type, r.Meta.Principal, want)
		}
	}
}

func TestOperationsAboveClearanceDoNotExist(t *testing.T) {
	a := newAuthAPI(t)
	ids := func(token string) string {
		t.Helper()
		d := a.as(token, `{ interventions { id } }`, nil).mustOK(t)
		var out []string
		for _, x := range d["interventions"].([]any) {
			out = append(out, x.(map[string]any)["id"].(string))
		}
		return strings.Join(out, " ")
	}
	want := map[string]string{
		"analyst-conf": "op-rtm op-res pol-prec op-conf",
		"analyst-res":  "op-rtm op-res pol-prec",
		"strategy-pub": "op-rtm pol-prec",
		"public":       "op-rtm pol-prec",
	}
	for tok, w := range want {
		if got := ids(tok); got != w {
			t.Errorf("%s sees %q, want %q", tok, got, w)
		}
	}
	// By id: exactly as an id never recorded.
	hidden := a.as("analyst-res", `{ intervention(id: "op-conf") { id } }`, nil).mustOK(t)
	unknown := a.as("analyst-res", `{ intervention(id: "op-none") { id } }`, nil).mustOK(t)
	if hidden["intervention"] != nil || unknown["intervention"] != nil {
		t.Errorf("hidden %v, unknown %v: want both null", hidden, unknown)
	}
	a.as("analyst-conf", `{ intervention(id: "op-conf") { id } }`, nil).mustOK(t)
	// By region.
	if d := a.as("strategy-pub", `{ interventions(region: "NLRTM") { id } }`, nil).mustOK(t); len(d["interventions"].([]any)) != 1 {
		t.Errorf("strategy-pub sees in NLRTM %v, want op-rtm only", d)
	}
	// Evaluations: NOT_FOUND, with the message an unknown id gets.
	for _, q := range []string{
		`{ impact(intervention: "%s", indicator: "cocaine_price", method: BEFORE_AFTER) { effect } }`,
		`{ displacement(intervention: "%s", indicator: "cocaine_price") { wdq } }`,
		`{ displacementScan(intervention: "%s") { intervention { id } } }`,
	} {
		h := a.as("analyst-res", fmt.Sprintf(q, "op-conf"), nil)
		u := a.as("analyst-res", fmt.Sprintf(q, "op-none"), nil)
		h.mustFail(t, "NOT_FOUND")
		u.mustFail(t, "NOT_FOUND")
		if strings.ReplaceAll(h.Errors[0].Message, "op-conf", "X") != strings.ReplaceAll(u.Errors[0].Message, "op-none", "X") {
			t.Errorf("hidden and unknown differ: %q vs %q", h.Errors[0].Message, u.Errors[0].Message)
		}
		if c := a.as("analyst-conf", fmt.Sprintf(q, "op-conf"), nil).code(); c == "NOT_FOUND" || c == "FORBIDDEN" {
			t.Errorf("analyst-conf: %s on op-conf got %s", q, c)
		}
	}
	// Writing about a hidden operation: as if it had not been launched.
	a.as("recorder", `mutation { reportOperationOutputs(input: {id: "op-conf", period: "2020-02", arrests: 1}) { position } }`, nil).mustFail(t, "NOT_FOUND")
	a.as("recorder", `mutation { concludeOperation(input: {id: "op-conf", end: "2020-06-30"}) { position } }`, nil).mustFail(t, "NOT_FOUND")
	// Recording above one's clearance is refused.
	a.as("recorder", `mutation { launchOperation(input: {id: "op-x", title: "t", kind: OTHER, regions: ["NLRTM"], start: "2021-01-01", targetTier: LOW, classification: CONFIDENTIAL}) { position } }`, nil).mustFail(t, "FORBIDDEN")
	// Declassification makes it appear.
	a.as("admin", `mutation { declassifyOperation(input: {id: "op-conf", classification: RESTRICTED}) { position } }`, nil).mustOK(t)
	if got := ids("analyst-res"); got != "op-rtm op-res pol-prec op-conf" {
		t.Errorf("after declassification analyst-res sees %q", got)
	}
	if got := ids("strategy-pub"); got != "op-rtm pol-prec" {
		t.Errorf("after declassification to RESTRICTED strategy-pub sees %q", got)
	}
}

func TestAnswerCacheDoesNotCrossClearances(t *testing.T) {
	a := newAuthAPI(t)
	const q = `{ interventions { id } }`
	for range 2 { // the second round is answered from the cache
		conf := a.as("analyst-conf", q, nil).mustOK(t)
		res := a.as("analyst-res", q, nil).mustOK(t)
		pub := a.as("public", q, nil).mustOK(t)
		if len(conf["interventions"].([]any)) != 4 || len(res["interventions"].([]any)) != 3 || len(pub["interventions"].([]any)) != 2 {
			t.Fatalf("conf %v res %v pub %v", conf, res, pub)
		}
	}
}

func TestPublicSeesAggregatesWithSmallValuesSuppressed(t *testing.T) {
	a := newAuthAPI(t)
	const q = `{ series(indicator: "cocaine_price", region: "NLRTM") { points { period value suppressed } } }`
	points := func(token string) []any {
		return a.as(token, q, nil).mustOK(t)["series"].(map[string]any)["points"].([]any)
	}
	pub := points("public")
	want := []string{"2018-01 <nil> true", "2018-02 <nil> true", "2018-03 55.5 false"}
	for i, p := range pub {
		m := p.(map[string]any)
		if got := fmt.Sprint(m["period"], " ", m["value"], " ", m["suppressed"]); got != want[i] {
			t.Errorf("public point %d: %s, want %s", i, got, want[i])
		}
	}
	for _, p := range points("strategy-pub") {
		if m := p.(map[string]any); m["suppressed"] != false || m["value"] == nil {
			t.Errorf("strategy-pub point %v suppressed", m)
		}
	}
	// Per-operation details are not aggregates.
	a.as("public", `{ intervention(id: "op-rtm") { id ... on Operation { outputs { arrests } } } }`, nil).mustFail(t, "FORBIDDEN")
	a.as("public", `{ interventions { id ... on Operation { budget } } }`, nil).mustFail(t, "FORBIDDEN")
	a.as("public", `{ intervention(id: "op-rtm") { id title start regions ... on Operation { classification } } }`, nil).mustOK(t)
	a.as("strategy-pub", `{ intervention(id: "op-rtm") { id ... on Operation { outputs { arrests } budget } } }`, nil).mustOK(t)
}
