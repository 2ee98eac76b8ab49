package graphql_test

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestAnswerEstimateCountsOnlyVisibleInterventions: the estimate of an
// answer's size (Limits.MaxAnswerValues) multiplies what is selected in
// interventions by the number of interventions: the number the principal
// may see, not the number recorded. Before, it counted operations above
// the principal's clearance: under a limit of 20 values, a RESTRICTED
// analyst who sees 3 interventions had { interventions { id title start
// end kind } } refused as TOO_COMPLEX (estimated for the 4 recorded), and
// the public, who sees 2, too; sizing a query to fall between the two
// counts the hidden operations, and shows one being launched.
func TestAnswerEstimateCountsOnlyVisibleInterventions(t *testing.T) {
	a := newAuthAPIWith(t, graphql.Limits{MaxAnswerValues: 20})
	ids := func(tok string) (string, string) {
		t.Helper()
		r := a.as(tok, `{ interventions { id title start end kind } }`, nil)
		if len(r.Errors) > 0 {
			return "", r.code() + " " + r.Errors[0].Message
		}
		var out []string
		for _, x := range r.Data["interventions"].([]any) {
			out = append(out, x.(map[string]any)["id"].(string))
		}
		return strings.Join(out, " "), ""
	}
	check := func(when string) {
		t.Helper()

		for tok, want := range map[string]string{"analyst-res": "op-rtm op-res pol-prec", "public": "op-rtm pol-prec"} {
			if got, err := ids(tok); got != want {
				t.Errorf("%s, %s: %q %s, want %q", when, tok, got, err, want)
			}
		}
	}
	check("with one CONFIDENTIAL operation")
	// Another CONFIDENTIAL operation changes nothing for them.
	a.as("admin", `mutation { launchOperation(input: {id: "op-conf2", title: "Covert 2", kind: OTHER, regions: ["NLRTM"], start: "2020-01-01",
	    targetTier: LOW, classification: CONFIDENTIAL}) { position } }`, nil).mustOK(t)
	check("with two")
	// The CONFIDENTIAL analyst sees 5 (25 values): over the limit.
	if _, err := ids("analyst-conf"); !strings.HasPrefix(err, "TOO_COMPLEX") {
		t.Errorf("analyst-conf: %s", err)
	}
}

// TestEvaluationBudgetCountsOnlyVisibleInterventions: the evaluation
// budget's estimate, which its refusal names, multiplies Operation.power
// (50 units per indicator) by the interventions the principal may see.
func TestEvaluationBudgetCountsOnlyVisibleInterventions(t *testing.T) {
	a := newAuthAPIWith(t, graphql.Limits{EvaluationBudget: 1})
	refusal := func() string {
		t.Helper()
		r := a.as("analyst-res", `{ interventions { ... on Operation { power { indicator } } } }`, nil)
		if r.code() != "TOO_COMPLEX" || r.Errors[0].Extensions["messageKey"] != "gql.err.eval.budget" {
			t.Fatalf("power of every operation under a budget of 1: %v %+v", r.Data, r.Errors)
		}
		return r.Errors[0].Message
	}
	first := refusal()
	a.as("admin", `mutation { launchOperation(input: {id: "op-conf2", title: "Covert 2", kind: OTHER, regions: ["NLRTM"], start: "2020-01-01",
	    targetTier: LOW, classification: CONFIDENTIAL}) { position } }`, nil).mustOK(t)
	if got := refusal(); got != first || !strings.Contains(first, "150") {
		t.Errorf("with another CONFIDENTIAL operation: %q, before %q (3 interventions seen, 50 units each)", got, first)
	}
}
