package graphql_test

import (
	"fmt"
	"github.com/supplyeval/supplyeval/graphql/graphqltest"
	"slices"
	"strings"
	"testing"
)

// worldCycleVisible is graphqltest.Cycle without the hidden operation.
const worldCycleVisible = `mutation {
  late: launchOperation(input: {id: "op-late", title: "Koper controls", kind: PORT_CONTROL, regions: ["SIKOP"], start: "2021-01-01",
      targetTier: MID, classification: RESTRICTED}) { position }
  c: openCycle(input: {id: "cy-1", title: "Review", from: "2018-01-01", to: "2021-12-31", regions: ["NLRTM", "DEHAM"],
      interventions: ["op-vis", "op-vis2"], questions: ["Did prices rise?"]}) { position }
  f1: recordFinding(input: {id: "cy-1", findingId: "f-vis", intervention: "op-vis", family: AVAILABILITY, statement: "Prices rose.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "ITS", estimate: 5, low: 4, high: 6}}) { position }
  f2: recordFinding(input: {id: "cy-1", findingId: "f-vis2", intervention: "op-vis2", family: AVAILABILITY, statement: "Prices rose too.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "DID", estimate: 3, low: 2, high: 4}}) { position }
}`

// lateWorldAPI is the base and a cycle, pinned, then revisions; with
// hidden, the hidden operation's block last.
func lateWorldAPI(t *testing.T, hidden bool) *authAPI {
	t.Helper()
	a := reportAuthAPI(t)
	a.as("admin", graphqltest.BaseMutation(), nil).mustOK(t)
	a.as("admin", worldCycleVisible, nil).mustOK(t)
	a.as("admin", graphqltest.AfterPin(a.head()), nil).mustOK(t)
	if hidden {
		a.as("admin", graphqltest.Hidden, nil).mustOK(t)
	}
	a.node.Wait(a.head())
	return a
}

// TestHiddenOperationCountsForNothing is TestHiddenOperationChangesNoAnswer
// between a world without any CONFIDENTIAL operation and the same world
// with the hidden operation's block recorded last (what the filler world
// cannot show: an answer that depends on how many hidden operations there
// are). The log positions of every event but the block are the same; the
// head differs by the block's five events, and every answer read at the
// head names it (asOf, latestAt, "as recorded up to log position 36;"):
// the hidden world's head, quoted or so written, is replaced by the
// other's before comparing.
func TestHiddenOperationCountsForNothing(t *testing.T) {
	none := lateWorldAPI(t, false)
	hidden := lateWorldAPI(t, true)
	nh, hh := none.head(), hidden.head()
	if hh != nh+5 {
		t.Fatalf("heads %d and %d", nh, hh)
	}
	norm := strings.NewReplacer(fmt.Sprintf(`"%d"`, hh), fmt.Sprintf(`"%d"`, nh), fmt.Sprintf("log position %d;", hh), fmt.Sprintf("log position %d;", nh))
	s := introspect(t, newCycleAPI(t))
	queries := worldQueries(s)
	names := make([]string, 0, len(queries))
	for k := range queries {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		_, hb := hidden.raw("analyst-res", queries[name])
		_, nb := none.raw("analyst-res", queries[name])
		if hb = norm.Replace(hb); hb != nb {
			t.Errorf("%s: the answers differ\n%s", name, firstDifference(hb, nb))
		}
	}
	q := `{ audit(limit: 1000) ` + fullSelection(s, "AuditPage", map[string][]string{"AuditEntry.correlationId": nil, "AuditPage.scanned": nil}, map[string]bool{}) + ` }`
	_, hb := hidden.raw("admin-res", q)
	_, nb := none.raw("admin-res", q)
	if hb != nb {
		t.Errorf("audit: %s", firstDifference(hb, nb))
	}
}
