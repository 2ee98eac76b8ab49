package graphql_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/graphql/graphqltest"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// The two worlds of TestHiddenOperationChangesNoAnswer are graphqltest's:
// the same log but for one block of CONFIDENTIAL events, recorded with
// the services' fixed clock, so the RESTRICTED reader's answers must be
// the same bytes: nothing is normalised. TWOWORLDS_DUMP=DIR writes the
// hidden world's answers there, to read what the test compared.

// reportAuthAPI is an authAPI over a node whose service has a fixed
// clock, with cycle reports and limits wide enough for whole-schema
// queries; nothing recorded.
func reportAuthAPI(t *testing.T) *authAPI {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	s := graphqltest.Server(t, n,
		graphql.Limits{MaxDepth: 40, MaxSelections: 1 << 20, MaxAnswerValues: 1 << 26, MaxQueryBytes: 8 << 20, EvaluationBudget: -1},
		func(r *http.Request) (graphql.Principal, error) {
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if p, known := principals[tok]; known {
				return p, nil
			}
			return graphql.Principal{}, domain.Errorf(domain.Unauthenticated, "", "unknown token")
		})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &authAPI{&api{t: t, node: n, srv: srv}, s}
}

// twoWorldAPI is one of the two worlds (graphqltest.Record).
func twoWorldAPI(t *testing.T, block, hid string) *authAPI {
	t.Helper()
	a := reportAuthAPI(t)
	graphqltest.Record(block, hid, a.head, func(m string) { a.as("admin", m, nil).mustOK(t) })
	a.node.Wait(a.head())
	return a
}

// fullSelection writes a selection of every field of type name (and of
// the object types below it, once each on a path) whose arguments are
// optional or given by args ("Type.field" -> argument lists, each asked
// under its own alias).
func fullSelection(s *schemaInfo, name string, args map[string][]string, seen map[string]bool) string {
	ty := s.types[name]
	if ty == nil || (ty.Kind != "OBJECT" && ty.Kind != "INTERFACE") || seen[name] {
		return ""
	}
	seen[name] = true
	defer delete(seen, name)
	var b strings.Builder
	b.WriteString("{ __typename")
	fields := func(ty *schemaType) {
		for _, f := range ty.Fields {
			sets, given := args[ty.Name+"."+f.Name]
			if !given {
				sets = []string{""}
				for _, a := range f.Args {
					if a.Required {
						sets = nil
					}
				}
			}
			sub := ""
			if k := s.types[f.Type.Name]; k != nil && (k.Kind == "OBJECT" || k.Kind == "INTERFACE") {
				if sub = fullSelection(s, f.Type.Name, args, seen); sub == "" {
					continue
				}
			}
			for i, a := range sets {
				fmt.Fprintf(&b, " %s_%d: %s%s %s", f.Name, i, f.Name, a, sub)
			}
		}
	}
	fields(ty)
	for _, p := range ty.PossibleTypes {
		if pt := s.types[p]; pt != nil {
			fmt.Fprintf(&b, " ... on %s {", p)
			fields(pt)
			b.WriteString(" }")
		}
	}
	b.WriteString(" }")
	return b.String()
}

// worldQueries are the queries a RESTRICTED reader asks both worlds: every
// root about interventions, regions, plans and cycles, with whole
// selections.
func worldQueries(s *schemaInfo) map[string]string {
	args := map[string][]string{
		"Power.power":  {"(effect: -2)", "(effect: 3)"},
		"Cycle.report": {"(format: MARKDOWN)", "(format: JSON)", "(format: HTML)", "(format: MARKDOWN, lang: FR)"},
		// Asked once per operation (intervention(id)), not wherever an
		// intervention is named.
		"Operation.power": nil,
	}
	root := s.types[s.query]
	typeOf := func(field string) string {
		for _, f := range root.Fields {
			if f.Name == field {
				return f.Type.Name
			}
		}
		return ""
	}
	sel := func(field string) string { return fullSelection(s, typeOf(field), args, map[string]bool{}) }
	ids := []string{"op-vis", "op-vis2", "op-late", "op-hid", "op-fill", "op-unk"}
	plans := []string{"plan-vis", "plan-did", "plan-hid", "plan-fill", "plan-vis-x", "plan-unk"}
	q := map[string]string{}
	q["interventions"] = `{ interventions ` + sel("interventions") + ` }`
	for _, r := range append(slices.Clone(graphqltest.Ports), "NL", "NL33", "MTMAR", "MTVLT") {
		q["timeline "+r] = `{ timeline(region: "` + r + `") ` + sel("timeline") + ` }`
		q["interventions "+r] = `{ interventions(region: "` + r + `") { id } }`
	}
	for _, id := range ids {
		q["intervention "+id] = `{ intervention(id: "` + id + `") ` + sel("intervention") +
			` p: intervention(id: "` + id + `") { ... on Operation { power ` + fullSelection(s, "OperationPower", args, map[string]bool{}) + ` } } }`
		q["displacement "+id] = `{ displacement(intervention: "` + id + `", indicator: "price") ` + sel("displacement") + ` }`
		q["scan "+id] = `{ displacementScan(intervention: "` + id + `") ` + sel("displacementScan") + ` }`
		q["fragmentation "+id] = `{ fragmentation(intervention: "` + id + `") ` + sel("fragmentation") + ` }`
		for _, m := range []string{"BEFORE_AFTER", "ITS", "DID", "SYNTHETIC_CONTROL", "AUTO"} {
			q["impact "+id+" "+m] = `{ impact(intervention: "` + id + `", indicator: "price", method: ` + m + `) ` + sel("impact") + ` }`
		}
		q["impact op-vis interruptions "+id] = `{ impact(intervention: "op-vis", indicator: "price", method: ITS, its: {interruptions: ["` + id + `"]}) ` + sel("impact") + ` }`
		q["staggered op-vis "+id] = `{ staggered(interventions: ["op-vis", "` + id + `"], indicator: "price") ` + sel("staggered") + ` }`
		q["staggered op-vis notyet "+id] = `{ staggered(interventions: ["op-vis", "` + id + `"], indicator: "price", control: NOT_YET_TREATED) ` + sel("staggered") + ` }`
	}
	// Regions exposed to the hidden operation given explicitly: kept, with
	// a warning that may name only what the reader may see.
	const pool = `["FRLEH", "ESALG", "PTLIS", "ITGOA", "GRPIR", "SIKOP", "PLGDN"]`
	for _, m := range []string{"DID", "SYNTHETIC_CONTROL"} {
		q["impact op-vis comparison "+m] = `{ impact(intervention: "op-vis", indicator: "price", method: ` + m + `, comparison: ` + pool + `) ` + sel("impact") + ` }`
		q["power NLRTM comparison "+m] = `{ power(indicator: "price", regions: ["NLRTM"], start: "2019-01-01", horizon: 12, method: ` + m + `, comparison: ` + pool + `) ` + sel("power") + ` }`
	}
	q["displacement op-vis control"] = `{ displacement(intervention: "op-vis", indicator: "incidents", control: ["PTLIS", "ITGOA", "GRPIR", "SIKOP", "PLGDN"], bufferControl: ["FRLEH", "ESALG"]) ` + sel("displacement") + ` }`
	q["staggered comparison"] = `{ staggered(interventions: ["op-vis", "op-vis2"], indicator: "price", comparison: ` + pool + `) ` + sel("staggered") + ` }`
	for _, p := range plans {
		q["plan "+p] = `{ analysisPlan(id: "` + p + `") ` + sel("analysisPlan") + ` }`
		q["impact plan "+p] = `{ impact(plan: "` + p + `") ` + sel("impact") + ` }`
	}
	for _, r := range []string{"NLRTM", "FRLEH"} {
		for _, m := range []string{"BEFORE_AFTER", "ITS", "DID", "SYNTHETIC_CONTROL", "AUTO"} {
			q["power "+r+" "+m] = `{ power(indicator: "price", regions: ["` + r + `"], start: "2019-01-01", horizon: 12, method: ` + m + `) ` + sel("power") + ` }`
		}
	}
	q["cycles"] = `{ cycles ` + sel("cycles") + ` }`
	return q
}

// TestHiddenOperationChangesNoAnswer asks a RESTRICTED analyst and a
// RESTRICTED evaluator every question about the two worlds (see
// graphqltest.Hidden): the answers must be byte for byte the same.
func TestHiddenOperationChangesNoAnswer(t *testing.T) {
	hidden := twoWorldAPI(t, graphqltest.Hidden, "op-hid")
	filler := twoWorldAPI(t, graphqltest.Filler, "op-fill")
	if h, f := hidden.head(), filler.head(); h != f {
		t.Fatalf("the worlds' logs differ in length: %d and %d", h, f)
	}
	s := introspect(t, newCycleAPI(t)) // the same schema, without tokens
	queries := worldQueries(s)
	names := make([]string, 0, len(queries))
	for k := range queries {
		names = append(names, k)
	}
	slices.Sort(names)
	differ := 0
	for _, name := range names {
		toks := []string{"analyst-res"}
		if name == "cycles" {
			toks = append(toks, "evaluator") // the report as an evaluator writes findings from it
		}
		for _, tok := range toks {
			_, hb := hidden.raw(tok, queries[name])
			_, fb := filler.raw(tok, queries[name])
			if d := os.Getenv("TWOWORLDS_DUMP"); d != "" {
				_ = os.WriteFile(filepath.Join(d, strings.ReplaceAll(name, " ", "_")+"."+tok+".json"), []byte(hb), 0o644)
			}
			for _, bad := range []string{"Cannot query field", "Unknown argument", "Syntax Error", "TOO_COMPLEX", "INTERNAL"} {
				if strings.Contains(hb, bad) {
					t.Fatalf("%s: the test's query is not answered (%s), so it compares nothing: %s", name, bad, clip(hb))
				}
			}
			if hb != fb {
				differ++
				t.Errorf("%s as %s: the answers differ\n%s", name, tok, firstDifference(hb, fb))
			}
		}
	}
	// As an admin cleared for RESTRICTED: the audit too (of every
	// recorded event, the hidden ones left out), but for the correlation
	// IDs, which are random per request.
	for _, q := range []string{`{ audit(limit: 1000) ` + fullSelection(s, "AuditPage", map[string][]string{"AuditEntry.correlationId": nil}, map[string]bool{}) + ` }`} {
		_, hb := hidden.raw("admin-res", q)
		_, fb := filler.raw("admin-res", q)
		if !strings.Contains(hb, "RegionDefined") {
			t.Fatalf("audit: %s", clip(hb))
		}
		if hb != fb {
			t.Errorf("audit: %s", firstDifference(hb, fb))
		}
	}
	// The hidden block's events and the finding about the hidden
	// operation are not in the audit: nothing of positions 25 to 29 (the
	// block) and 34 (the finding), two findings of three.
	_, ab := hidden.raw("admin-res", `{ audit(limit: 1000) { entries { position type stream } } }`)
	for _, secret := range []string{`"position":"25"`, `"position":"29"`, `"position":"34"`, "op-hid", "plan-hid", "plan-vis-x"} {
		if strings.Contains(ab, secret) {
			t.Errorf("the audit of the hidden world holds %s: %s", secret, clip(ab))
		}
	}
	if n := strings.Count(ab, "FindingRecorded"); n != 2 {
		t.Errorf("the audit of the hidden world holds %d findings, want 2 (f-vis, f-vis2)", n)
	}
	t.Logf("%d queries, %d answers differ", len(names), differ)

	// Registering a plan under the id of one the reader may not see (of
	// the hidden operation, or naming it among its interruptions): the
	// one answer that says the id is taken, nothing more.
	register := func(id string) string {
		_, b := hidden.raw("evaluator", `mutation { registerAnalysisPlan(input: {id: "`+id+`", intervention: "op-vis", indicator: "price", method: ITS,
		    before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2019-12"}, hypotheses: ["h"], registeredBy: "u", late: true}) { position } }`)
		return strings.ReplaceAll(b, id, "ID")
	}
	if x, h := register("plan-vis-x"), register("plan-hid"); x != h || !strings.Contains(h, "domain.err.plan.idtaken") {
		t.Errorf("registering a plan under the id of a plan naming the hidden operation: %s\nunder the id of a plan of the hidden operation: %s", x, h)
	}
	// A plan naming the hidden operation among its interruptions: refused
	// as one naming an id never recorded, and nothing recorded.
	before := hidden.head()
	interrupt := func(id string) string {
		_, b := hidden.raw("evaluator", `mutation { registerAnalysisPlan(input: {id: "plan-new", intervention: "op-vis", indicator: "price", method: ITS,
		    its: {interruptions: ["`+id+`"]}, before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2019-12"}, hypotheses: ["h"],
		    registeredBy: "u", late: true}) { position } }`)
		return strings.ReplaceAll(b, id, "ID")
	}
	if h, u := interrupt("op-hid"), interrupt("op-unk"); h != u || !strings.Contains(h, "NOT_FOUND") || hidden.head() != before {
		t.Errorf("a plan interrupted by the hidden operation: %s\nby an unknown id: %s", h, u)
	}
}

// clip shortens a long answer.
func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// firstDifference shows where two answers first differ, with some
// context, and their lengths.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	to := func(s string) string { return s[from:min(len(s), i+300)] }
	return fmt.Sprintf("at byte %d (of %d and %d)\nhidden world: ...%s...\nfiller world: ...%s...", i, len(a), len(b), to(a), to(b))
}
