package graphql_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// newCycleAPI is newAPI with cycle reports.
func newCycleAPI(t testing.TB) *api {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	gen, err := report.New(report.Config{Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles: n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		t.Fatal(err)
	}
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Reports: gen,
		Head: func(ctx context.Context) (uint64, error) { h, err := n.Store.Head(ctx); return uint64(h), err }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", s)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &api{t: t, node: n, srv: srv}
}

func TestCycleMutationsQueriesAndReport(t *testing.T) {
	a := newCycleAPI(t)
	a.ok(seedMutation, nil)
	a.ok(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "nfp", rows: [
		{region: "NLRTM", period: "2017-10", value: 60}, {region: "NLRTM", period: "2017-11", value: 61},
		{region: "NLRTM", period: "2017-12", value: 60}, {region: "NLRTM", period: "2018-01", value: 66},
		{region: "NLRTM", period: "2018-02", value: 67}, {region: "NLRTM", period: "2018-03", value: 66}]}) { position } }`, nil)

	open := `mutation($in: OpenCycleInput!) { openCycle(input: $in) { position stream } }`
	good := map[string]any{"id": "c1", "title": "Cycle 2018", "from": "2018-01-01", "to": "2018-12-31",
		"regions": []any{"NLRTM"}, "interventions": []any{"op-rtm", "pol-prec"}, "questions": []any{"Did prices rise?"}}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return map[string]any{"in": m}
	}
	a.fails(open, with("interventions", []any{"op-nope"}), "NOT_FOUND", "op-nope")
	a.fails(open, with("regions", []any{"XX1"}), "NOT_FOUND", "XX1")
	a.fails(open, with("previousCycle", "c0"), "NOT_FOUND", "c0")
	a.ok(open, map[string]any{"in": good})

	// An unpinned open cycle: a preview.
	r := a.ok(`{ cycle(id: "c1") { status pinned report(format: MARKDOWN) } }`, nil)["cycle"].(map[string]any)
	if r["status"] != "OPEN" || r["pinned"] != nil || !strings.Contains(r["report"].(string), "**Preview.**") {
		t.Fatalf("open cycle %v", r)
	}

	head := a.node.Head()
	pin := `mutation($id: ID!, $pos: String!) { pinCycleEvidence(input: {id: $id, position: $pos}) { position } }`
	a.fails(pin, map[string]any{"id": "c1", "pos": strconv.FormatUint(head+5, 10)}, "BAD_INPUT", "beyond the end of the log")
	a.fails(pin, map[string]any{"id": "c1", "pos": "x"}, "BAD_INPUT", "")
	a.ok(pin, map[string]any{"id": "c1", "pos": strconv.FormatUint(head, 10)})

	finding := `mutation($id: ID!, $f: ID!, $q: Int!) { recordFinding(input: {id: $id, findingId: $f, intervention: "op-rtm", family: AVAILABILITY,
		statement: "Prices rose after the controls.", effectRating: DESIRED, evidenceQuality: $q, recommendation: "Continue.",
		evidence: {indicator: "cocaine_price", method: "BEFORE_AFTER", estimate: 6.0, low: 4.5, high: 7.5, parameters: [{name: "window", value: "3 months"}]}}) { position } }`
	a.fails(finding, map[string]any{"id": "c1", "f": "f1", "q": 7}, "BAD_INPUT", "evidenceQuality")
	a.ok(finding, map[string]any{"id": "c1", "f": "f1", "q": 2})
	a.fails(finding, map[string]any{"id": "c1", "f": "f1", "q": 2}, "CONFLICT", "f1")

	closeM := `mutation { closeCycle(input: {id: "c1", summary: "Prices rose.", recommendations: ["Keep the controls."]}) { position } }`
	a.ok(closeM, nil)
	a.fails(closeM, nil, "CONFLICT", "already closed")
	a.fails(finding, map[string]any{"id": "c1", "f": "f2", "q": 2}, "CONFLICT", "closed")

	list := a.ok(`{ cycles { id status pinned closed findings { findingId effectRating evidenceQuality evidence { method estimate parameters { name value } } } recommendations } }`, nil)["cycles"].([]any)
	c := list[0].(map[string]any)
	if len(list) != 1 || c["status"] != "CLOSED" || c["pinned"] != strconv.FormatUint(head, 10) || get(c, "findings", 0, "evidence", "estimate") != 6.0 {
		t.Fatalf("cycles %v", list)
	}

	// The report of the closed cycle is the same before and after a revision.
	q := `{ cycle(id: "c1") { report(format: JSON) } }`
	before := a.ok(q, nil)["cycle"].(map[string]any)["report"].(string)
	a.ok(`mutation { reviseObservation(input: {indicator: "cocaine_price", region: "NLRTM", period: "2017-11", value: 50, reason: "error"}) { position } }`, nil)
	after := a.ok(q, nil)["cycle"].(map[string]any)["report"].(string)
	if before != after || !strings.Contains(before, `"status": "FINAL"`) || !strings.Contains(before, `"position": "`+strconv.FormatUint(head, 10)+`"`) {
		t.Fatalf("closed cycle report changed or is wrong:\n%s\n---\n%s", before, after)
	}
	html := a.ok(`{ cycle(id: "c1") { report(format: HTML) } }`, nil)["cycle"].(map[string]any)["report"].(string)
	if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, `<html lang="en">`) {
		t.Fatalf("HTML report starts %q", html[:40])
	}
	fr := a.ok(`{ cycle(id: "c1") { report(format: HTML, lang: FR) } }`, nil)["cycle"].(map[string]any)["report"].(string)
	if !strings.Contains(fr, `<html lang="fr">`) || !strings.Contains(fr, "Synthèse des constats") || strings.Contains(fr, "Summary of findings") {
		t.Fatalf("report(lang: FR) is not in French:\n%.600s", fr)
	}
	a.fails(`{ cycle(id: "c1") { report(format: HTML, lang: DE) } }`, nil, "BAD_INPUT", "")
	if a.ok(`{ cycle(id: "nope") { id } }`, nil)["cycle"] != nil {
		t.Fatal("unknown cycle answered")
	}
}

// TestCycleReportWithholdsWhatThePrincipalMayNotSee: a cycle over
// operations of every classification, read by principals of different
// clearances, names only what each may see and counts the rest.
func TestCycleReportWithholdsWhatThePrincipalMayNotSee(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	gen, err := report.New(report.Config{Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles: n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		t.Fatal(err)
	}
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Reports: gen,
		Authenticate: func(r *http.Request) (graphql.Principal, error) {
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			return principals[tok], nil
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
	  c: openCycle(input: {id: "c1", title: "All", from: "2018-01-01", to: "2020-12-31", interventions: ["op-rtm", "op-res", "op-conf"]}) { position }
	  f: recordFinding(input: {id: "c1", findingId: "f-conf", intervention: "op-conf", family: AVAILABILITY, statement: "Covert finding.",
	      effectRating: UNCLEAR, evidenceQuality: 1}) { position }
	}`, nil).mustOK(t)

	for tok, want := range map[string]struct {
		interventions string
		withheld      string
	}{
		"admin":        {"op-rtm op-res op-conf", `"withheld": 0`},
		"evaluator":    {"op-rtm op-res", `"withheld": 1`},
		"strategy-pub": {"op-rtm", `"withheld": 2`},
	} {
		d := a.as(tok, `{ cycle(id: "c1") { interventions findings { findingId } report(format: JSON) } }`, nil).mustOK(t)["cycle"].(map[string]any)
		var ivs []string
		for _, x := range d["interventions"].([]any) {
			ivs = append(ivs, x.(string))
		}
		rep := d["report"].(string)
		if strings.Join(ivs, " ") != want.interventions || !strings.Contains(rep, want.withheld) {
			t.Errorf("%s: interventions %v, report withheld %q (want %q, %s)", tok, ivs, rep[:min(len(rep), 400)], want.interventions, want.withheld)
		}
		if tok != "admin" && (strings.Contains(rep, "op-conf") || strings.Contains(rep, "Covert") || len(d["findings"].([]any)) != 0) {
			t.Errorf("%s: the confidential operation or its finding shows", tok)
		}
	}
	a.as("public", `{ cycles { id } }`, nil).mustFail(t, "FORBIDDEN")

	// Naming an operation above one's clearance is answered as naming one
	// never recorded.
	hiddenOp := a.as("evaluator", `mutation { openCycle(input: {id: "c2", title: "x", from: "2018-01-01", to: "2020-12-31", interventions: ["op-rtm", "op-conf"]}) { position } }`, nil)
	unknownOp := a.as("evaluator", `mutation { openCycle(input: {id: "c2", title: "x", from: "2018-01-01", to: "2020-12-31", interventions: ["op-rtm", "op-none"]}) { position } }`, nil)
	hiddenOp.mustFail(t, "NOT_FOUND")
	unknownOp.mustFail(t, "NOT_FOUND")
	if hiddenOp.Errors[0].Extensions["field"] != unknownOp.Errors[0].Extensions["field"] {
		t.Fatalf("hidden %+v, unknown %+v", hiddenOp.Errors[0], unknownOp.Errors[0])
	}
	// A finding about a hidden operation of the scope is answered as one
	// about an intervention out of scope, and the scope the answer lists
	// leaves the hidden one out.
	finding := func(iv string) result {
		return a.as("evaluator", `mutation { recordFinding(input: {id: "c1", findingId: "f2", intervention: "`+iv+`", family: AVAILABILITY, statement: "x",
		    effectRating: UNCLEAR, evidenceQuality: 1}) { position } }`, nil)
	}
	hiddenF, unknownF := finding("op-conf"), finding("op-none")
	hiddenF.mustFail(t, "BAD_INPUT")
	// (op-conf is named twice: in the message and in its messageArgs.)
	if h, u := fmt.Sprintf("%+v", hiddenF.Errors), strings.ReplaceAll(fmt.Sprintf("%+v", unknownF.Errors), "op-none", "op-conf"); h != u || strings.Count(h, "op-conf") != 2 {
		t.Fatalf("a finding about the hidden operation is answered\n%s\nbut about an unknown one\n%s", h, u)
	}
}

// TestCycleReportReuseSeesEveryWrite: a cycle's report is built once for
// its formats and languages while nothing is recorded (reportCache), and
// never served stale: a preview read again after an observation is
// recorded is read at the new position, a finding recorded after a pin
// shows at once, and both formats agree with each other.
func TestCycleReportReuseSeesEveryWrite(t *testing.T) {
	a := newCycleAPI(t)
	a.ok(seedMutation, nil)
	a.ok(`mutation { openCycle(input: {id: "c1", title: "Cycle 2018", from: "2018-01-01", to: "2018-12-31", regions: ["NLRTM"], interventions: ["op-rtm"], questions: []}) { position } }`, nil)
	report := func(format string) string {
		t.Helper()
		return a.ok(`{ cycle(id: "c1") { report(format: `+format+`) } }`, nil)["cycle"].(map[string]any)["report"].(string)
	}
	first := report("JSON")
	if again := report("JSON"); again != first {
		t.Fatal("the same report read twice with nothing recorded differs")
	}
	pos := a.node.Head()
	if !strings.Contains(first, `"position": "`+strconv.FormatUint(pos, 10)+`"`) {
		t.Fatalf("preview not read at the head %d:\n%.400s", pos, first)
	}
	a.ok(`mutation { recordObservations(input: {indicator: "cocaine_price", source: "nfp", rows: [{region: "NLRTM", period: "2018-04", value: 70}]}) { position } }`, nil)
	after := report("JSON")
	if now := a.node.Head(); now == pos || !strings.Contains(after, `"position": "`+strconv.FormatUint(now, 10)+`"`) {
		t.Fatalf("after a write the preview is not read at the new head %d:\n%.400s", now, after)
	}
	a.ok(`mutation { pinCycleEvidence(input: {id: "c1", position: "`+strconv.FormatUint(a.node.Head(), 10)+`"}) { position } }`, nil)
	if md := report("MARKDOWN"); strings.Contains(md, "Prices held.") {
		t.Fatal("finding before it is recorded")
	}
	a.ok(`mutation { recordFinding(input: {id: "c1", findingId: "f1", intervention: "op-rtm", family: AVAILABILITY, statement: "Prices held.", effectRating: NO_EFFECT, evidenceQuality: 1}) { position } }`, nil)
	if md, js := report("MARKDOWN"), report("JSON"); !strings.Contains(md, "Prices held.") || !strings.Contains(js, "Prices held.") {
		t.Fatalf("the finding recorded after the pin is missing:\n%s", md)
	}
}
