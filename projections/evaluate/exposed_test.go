package evaluate_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// TestComparisonPoolLeavesOutExposedRegions: the Brabant operation's
// difference-in-differences on drug-related violence. Its default pool
// leaves out the regions exposed in the window to another intervention
// expected to affect violence (the Antwerp operation's region and its
// neighbours, the Dutch resourcing policy's country, ...) and the
// explanation names them and why; the same regions given explicitly are
// kept, with a warning.
func TestComparisonPoolLeavesOutExposedRegions(t *testing.T) {
	e, _ := demoWorld(t)
	q := evaluate.ImpactQuery{Intervention: demo.BrabantLabs, Indicator: demo.DrugViolence, Method: impact.MethodDiD}
	est, err := e.Impact(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("comparison %v\n%s", est.Comparison, est.Explanation)
	if !strings.Contains(est.Explanation, "Left out of the default comparison pool as exposed") {
		t.Fatalf("no exposed region named: %s", est.Explanation)
	}
	for _, c := range est.Comparison {
		if c == "BE21" || strings.HasPrefix(c, "NL") {
			t.Errorf("exposed region %s kept in the default pool", c)
		}
	}
	q.Comparison = []string{"BE21", "DE60"}
	est, err = e.Impact(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(est.Comparison, "BE21") || !strings.Contains(est.Explanation, "Warning: comparison regions exposed") || !strings.Contains(est.Explanation, demo.AntwerpHighValue) {
		t.Errorf("explicit comparison %v: %s", est.Comparison, est.Explanation)
	}
}
