package graphql_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// The two worlds of TestHiddenOperationChangesNoAnswer: the same log but
// for one block of CONFIDENTIAL events. In the world "hidden" the block is
// an operation that touches everything a RESTRICTED reader evaluates (it
// covers a comparison region, a region next to another, later the target
// of the visible operation, reports outputs, has a plan of its own, is
// named by a plan of the visible operation, is in a cycle's scope with a
// finding); in the world "filler" it is the same number of events about
// another CONFIDENTIAL operation in a port without data or neighbours. The
// two logs have the same length, every other event at the same position
// and, with the services' fixed clock, the same times, so the RESTRICTED
// reader's answers must be the same bytes: nothing is normalised.
// TWOWORLDS_DUMP=DIR writes the hidden world's answers there, to read
// what the test compared.

// worldPorts are the ports with data; MTMAR and MTVLT have none.
var worldPorts = []string{"NLRTM", "BEANR", "DEHAM", "FRLEH", "ESALG", "PTLIS", "ITGOA", "GRPIR", "SIKOP", "PLGDN"}

// worldRows are the monthly prices (@PRICE) and violent incidents
// (@INCIDENTS) of every port with data, 2012-01 to 2021-12: a level of its
// own, a trend, a season, a step of +5 in NLRTM's price from 2019 and of
// +3 in DEHAM's from 2020.
func worldRows() (price, incidents string) {
	var p, v strings.Builder
	for k, r := range worldPorts {
		for m := 0; m < 120; m++ {
			y, mo := 2012+m/12, m%12+1
			x := 40 + 3*float64(k) + 0.05*float64(m) + 2*math.Sin(float64(m)*1.3+float64(k)) + 0.7*math.Cos(float64(m*m+k))
			if r == "NLRTM" && y >= 2019 {
				x += 5
			}
			if r == "DEHAM" && y >= 2020 {
				x += 3
			}
			fmt.Fprintf(&p, `{region: "%s", period: "%d-%02d", value: %.4f} `, r, y, mo, x)
			n := 30 + 2*k + int(8*math.Sin(float64(m)*0.9+float64(k))) + (m*7+k*3)%5
			fmt.Fprintf(&v, `{region: "%s", period: "%d-%02d", value: %d} `, r, y, mo, n)
		}
	}
	return p.String(), v.String()
}

const worldBase = `mutation {
  nl: defineRegion(input: {code: "NL", name: "Netherlands", country: "NL", level: COUNTRY}) { position }
  zh: defineRegion(input: {code: "NL33", name: "Zuid-Holland", country: "NL", level: NUTS2, parent: "NL"}) { position }
  rtm: defineRegion(input: {code: "NLRTM", name: "Rotterdam", country: "NL", level: PORT, parent: "NL33"}) { position }
  anr: defineRegion(input: {code: "BEANR", name: "Antwerp", country: "BE", level: PORT}) { position }
  ham: defineRegion(input: {code: "DEHAM", name: "Hamburg", country: "DE", level: PORT}) { position }
  leh: defineRegion(input: {code: "FRLEH", name: "Le Havre", country: "FR", level: PORT}) { position }
  alg: defineRegion(input: {code: "ESALG", name: "Algeciras", country: "ES", level: PORT}) { position }
  lis: defineRegion(input: {code: "PTLIS", name: "Lisbon", country: "PT", level: PORT}) { position }
  goa: defineRegion(input: {code: "ITGOA", name: "Genoa", country: "IT", level: PORT}) { position }
  pir: defineRegion(input: {code: "GRPIR", name: "Piraeus", country: "GR", level: PORT}) { position }
  kop: defineRegion(input: {code: "SIKOP", name: "Koper", country: "SI", level: PORT}) { position }
  gdn: defineRegion(input: {code: "PLGDN", name: "Gdansk", country: "PL", level: PORT}) { position }
  mar: defineRegion(input: {code: "MTMAR", name: "Marsaxlokk", country: "MT", level: PORT}) { position }
  vlt: defineRegion(input: {code: "MTVLT", name: "Valletta", country: "MT", level: PORT}) { position }
  l1: linkRegions(input: {a: "NLRTM", b: "BEANR", kind: SEA_ROUTE}) { position }
  l2: linkRegions(input: {a: "ESALG", b: "PTLIS", kind: SEA_ROUTE}) { position }
  i1: defineIndicator(input: {code: "price", name: "Cocaine price", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position }
  i2: defineIndicator(input: {code: "incidents", name: "Violent incidents", family: VIOLENCE, unit: "incidents", granularity: MONTH, desiredDirection: DOWN}) { position }
  o1: recordObservations(input: {indicator: "price", source: "test", rows: [@PRICE]}) { position }
  o2: recordObservations(input: {indicator: "incidents", source: "test", rows: [@INCIDENTS]}) { position }
  v1: launchOperation(input: {id: "op-vis", title: "Port controls", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2019-01-01",
      targetTier: HIGH_VALUE, classification: RESTRICTED}) { position }
  v2: launchOperation(input: {id: "op-vis2", title: "Hamburg controls", kind: PORT_CONTROL, regions: ["DEHAM"], start: "2020-01-01",
      targetTier: MID, classification: RESTRICTED}) { position }
  p1: registerAnalysisPlan(input: {id: "plan-vis", intervention: "op-vis", indicator: "price", method: ITS, its: {model: GAUSSIAN},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2020-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
  p2: registerAnalysisPlan(input: {id: "plan-did", intervention: "op-vis", indicator: "price", method: DID,
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2019-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

// worldHidden is the CONFIDENTIAL block of the world "hidden"; worldFiller
// the same number of events, of the same types, in the world "filler".
const worldHidden = `mutation {
  h1: launchOperation(input: {id: "op-hid", title: "Covert delivery", kind: CONTROLLED_DELIVERY, regions: ["FRLEH", "ESALG"], start: "2019-06-01",
      targetTier: HIGH_VALUE, classification: CONFIDENTIAL, budget: 900000, partners: ["JIT Atlantic"]}) { position }
  h2: reportOperationOutputs(input: {id: "op-hid", period: "2019-07", arrests: 12, cost: 40000}) { position }
  h3: changeOperationScope(input: {id: "op-hid", added: ["NLRTM", "ITGOA"], effective: "2020-06-01", reason: "followed the route"}) { position }
  h4: registerAnalysisPlan(input: {id: "plan-hid", intervention: "op-hid", indicator: "price", method: ITS,
      before: {from: "2017-01", to: "2019-05"}, after: {from: "2019-06", to: "2020-05"}, hypotheses: ["covert prices rise"], registeredBy: "covert unit", late: true}) { position }
  h5: registerAnalysisPlan(input: {id: "plan-vis-x", intervention: "op-vis", indicator: "price", method: ITS, its: {interruptions: ["op-hid"]},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2021-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

const worldFiller = `mutation {
  h1: launchOperation(input: {id: "op-fill", title: "Quiet", kind: OTHER, regions: ["MTMAR"], start: "2015-01-01",
      targetTier: LOW, classification: CONFIDENTIAL}) { position }
  h2: reportOperationOutputs(input: {id: "op-fill", period: "2015-02", arrests: 1}) { position }
  h3: changeOperationScope(input: {id: "op-fill", added: ["MTVLT"], effective: "2015-03-01", reason: "quiet"}) { position }
  h4: registerAnalysisPlan(input: {id: "plan-fill", intervention: "op-fill", indicator: "price", method: BEFORE_AFTER,
      before: {from: "2014-01", to: "2014-12"}, after: {from: "2015-01", to: "2015-12"}, hypotheses: ["quiet"], registeredBy: "quiet unit"}) { position }
  h5: registerAnalysisPlan(input: {id: "plan-vis-x", intervention: "op-vis", indicator: "price", method: ITS, its: {interruptions: ["op-fill"]},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2021-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

// worldCycle is recorded after the block in both worlds: an operation
// launched then (its power is read as of its launch), a cycle whose
// scope holds the CONFIDENTIAL operation @HID, findings, a pin, and then a
// revision (for the revision sensitivity).
const worldCycle = `mutation {
  late: launchOperation(input: {id: "op-late", title: "Koper controls", kind: PORT_CONTROL, regions: ["SIKOP"], start: "2021-01-01",
      targetTier: MID, classification: RESTRICTED}) { position }
  c: openCycle(input: {id: "cy-1", title: "Review", from: "2018-01-01", to: "2021-12-31", regions: ["NLRTM", "DEHAM"],
      interventions: ["op-vis", "op-vis2", "@HID"], questions: ["Did prices rise?"]}) { position }
  f1: recordFinding(input: {id: "cy-1", findingId: "f-vis", intervention: "op-vis", family: AVAILABILITY, statement: "Prices rose.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "ITS", estimate: 5, low: 4, high: 6}}) { position }
  f2: recordFinding(input: {id: "cy-1", findingId: "f-vis2", intervention: "op-vis2", family: AVAILABILITY, statement: "Prices rose too.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "DID", estimate: 3, low: 2, high: 4}}) { position }
  f3: recordFinding(input: {id: "cy-1", findingId: "f-@HID", intervention: "@HID", family: AVAILABILITY, statement: "Secret.",
      effectRating: UNCLEAR, evidenceQuality: 1}) { position }
}`

// reportAuthAPI is an authAPI over a node whose service has a fixed
// clock, with cycle reports and limits wide enough for whole-schema
// queries; nothing recorded.
func reportAuthAPI(t *testing.T) *authAPI {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	clock := time.Date(2022, 3, 1, 9, 0, 0, 0, time.UTC)
	svc, err := domain.NewService(domain.ServiceConfig{Log: eventstore.NewLog(n.Store), Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := report.New(report.Config{Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles: n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		t.Fatal(err)
	}
	s, err := graphql.NewServer(graphql.Config{Commands: svc, Positions: n.Runner, Catalog: n.Catalog,
		Series: n.Series, Interventions: n.Interventions, Log: n.Store, Reports: gen,
		Limits: graphql.Limits{MaxDepth: 40, MaxSelections: 1 << 20, MaxAnswerValues: 1 << 26, MaxQueryBytes: 8 << 20, EvaluationBudget: -1},
		Head:   func(ctx context.Context) (uint64, error) { h, err := n.Store.Head(ctx); return uint64(h), err },
		Authenticate: func(r *http.Request) (graphql.Principal, error) {
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if p, known := principals[tok]; known {
				return p, nil
			}
			return graphql.Principal{}, domain.Errorf(domain.Unauthenticated, "", "unknown token")
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &authAPI{&api{t: t, node: n, srv: srv}, s}
}

// twoWorldAPI is one of the two worlds: the base, then block (the
// CONFIDENTIAL operation hid's events), then the cycle.
func twoWorldAPI(t *testing.T, block, hid string) *authAPI {
	t.Helper()
	a := reportAuthAPI(t)
	price, incidents := worldRows()
	a.as("admin", strings.NewReplacer("@PRICE", price, "@INCIDENTS", incidents).Replace(worldBase), nil).mustOK(t)
	a.as("admin", block, nil).mustOK(t)
	a.as("admin", strings.ReplaceAll(worldCycle, "@HID", hid), nil).mustOK(t)
	pin := a.head()
	a.as("admin", fmt.Sprintf(`mutation {
	  p: pinCycleEvidence(input: {id: "cy-1", position: "%d"}) { position }
	  r: reviseObservation(input: {indicator: "price", region: "NLRTM", period: "2019-03", value: 61.5, reason: "late return", source: "test"}) { position }
	  q: reviseObservation(input: {indicator: "price", region: "FRLEH", period: "2019-08", value: 30.5, reason: "late return", source: "test"}) { position }
	}`, pin), nil).mustOK(t)
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
	for _, r := range append(slices.Clone(worldPorts), "NL", "NL33", "MTMAR", "MTVLT") {
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
// worldHidden): the answers must be byte for byte the same.
func TestHiddenOperationChangesNoAnswer(t *testing.T) {
	hidden := twoWorldAPI(t, worldHidden, "op-hid")
	filler := twoWorldAPI(t, worldFiller, "op-fill")
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
