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

// TestDisplacementControlLeavesOutExposedRegions: the Brabant operation's
// displacement of drug-related violence, with an after window (2017-04 to
// 2018-03) that overlaps the Channel joint investigation (FRE1, BE25, from
// 2017-04). The default control leaves out the regions exposed over the
// two windows to it (covered or next to it), named in the explanation;
// the same regions given as the control are kept, with a warning.
func TestDisplacementControlLeavesOutExposedRegions(t *testing.T) {
	e, _ := demoWorld(t)
	req := evaluate.DisplacementRequest{Intervention: demo.BrabantLabs, Indicator: demo.DrugViolence,
		Before: &evaluate.PeriodRange{From: "2014-10", To: "2015-09"}, After: &evaluate.PeriodRange{From: "2017-04", To: "2018-03"}}
	d, err := e.Displacement(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("control %v\n%s", d.Inputs.Control, d.Explanation)
	if !strings.Contains(d.Explanation, "Left out of the default control as exposed in 2014-10 to 2018-03") || !strings.Contains(d.Explanation, demo.ChannelJIT) {
		t.Fatalf("no exposed region named: %s", d.Explanation)
	}
	for _, c := range []string{"FRE1", "BE25"} {
		if slices.Contains(d.Inputs.Control, c) {
			t.Errorf("exposed region %s kept in the default control %v", c, d.Inputs.Control)
		}
	}
	req.Control = []string{"FRE1", "DE60"}
	d, err = e.Displacement(req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(d.Inputs.Control, "FRE1") || !strings.Contains(d.Explanation, "Warning: control regions exposed") {
		t.Errorf("explicit control %v: %s", d.Inputs.Control, d.Explanation)
	}
}
