package domain_test

import (
	"context"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
)

// planWorld is basics plus an operation in NL33 from 2020-03-10 (first
// monthly period 2020-04) with two years of prices before it.
func planWorld(t *testing.T) *world {
	w := newWorld(t)
	w.basics()
	var rows []domain.ObservationRow
	for _, p := range []string{"2018-04", "2019-03", "2020-03"} {
		rows = append(rows, domain.ObservationRow{Region: "NL33", Period: p, Value: 60}, domain.ObservationRow{Region: "BE21", Period: p, Value: 58})
	}
	w.do(domain.RecordObservations{Indicator: "price", Source: "test", Rows: rows})
	w.do(domain.LaunchOperation{ID: "op-1", Title: "Port sweep", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2020-03-10", TargetTier: domain.TargetTierMid, Classification: domain.ClassificationRestricted})
	return w
}

func samplePlan() domain.RegisterAnalysisPlan {
	return domain.RegisterAnalysisPlan{ID: "p1", Intervention: "op-1", Indicator: "price", Method: domain.AnalysisDiD,
		Comparison: []string{"BE21"}, Before: domain.PlanWindow{From: "2018-04", To: "2020-03"}, After: domain.PlanWindow{From: "2020-04", To: "2021-03"},
		Hypotheses: []string{"The retail price rises by 10% or more"}, RegisteredBy: "evaluation unit"}
}

// TestAnalysisPlanRules: every refusal names its field and records nothing;
// a valid plan records the resolved target regions.
func TestAnalysisPlanRules(t *testing.T) {
	w := planWorld(t)
	mod := func(f func(*domain.RegisterAnalysisPlan)) domain.RegisterAnalysisPlan {
		c := samplePlan()
		f(&c)
		return c
	}
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Method = "AUTO" }), domain.BadInput, "method")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Method = "" }), domain.BadInput, "method")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Hypotheses = nil }), domain.BadInput, "hypotheses")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.RegisteredBy = " " }), domain.BadInput, "registeredBy")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.After.To = "" }), domain.BadInput, "after.to")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) {
		c.Predictors = []domain.PlanPredictor{{Indicator: "price", From: "2019-01", To: "2019-01"}}
	}), domain.BadInput, "predictors")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.ITS = &domain.PlanITS{Harmonics: 1} }), domain.BadInput, "its")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Regions = []string{"BE21"} }), domain.BadInput, "comparison[0]")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) {
		c.Method, c.Comparison, c.ITS = domain.AnalysisITS, nil, &domain.PlanITS{Interruptions: &[]string{"op-x"}}
	}), domain.NotFound, "its.interruptions[0]")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) {
		c.Method, c.Comparison, c.ITS = domain.AnalysisITS, nil, &domain.PlanITS{Interruptions: &[]string{"op-1"}}
	}), domain.BadInput, "its.interruptions[0]")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Intervention = "op-x" }), domain.NotFound, "intervention")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Indicator = "nothing" }), domain.NotFound, "indicator")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Comparison = []string{"XX99"} }), domain.NotFound, "comparison[0]")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Before.To = "2020-Q1" }), domain.BadInput, "before.to")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Before.To = "2020-02" }), domain.BadInput, "after.from")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.Before.To, c.After.From = "2020-02", "2020-03" }), domain.BadInput, "after.from")
	w.refuse(mod(func(c *domain.RegisterAnalysisPlan) { c.After.To = "2020-01" }), domain.BadInput, "after.to")
	sc := mod(func(c *domain.RegisterAnalysisPlan) {
		c.ID, c.Method = "p-sc", domain.AnalysisSyntheticControl
		c.Predictors = []domain.PlanPredictor{{Indicator: "nothing", From: "2019-01", To: "2019-01"}}
	})
	w.refuse(sc, domain.NotFound, "predictors[0].indicator")
	sc.Predictors[0].Indicator = "price"
	sc.Predictors[0].To = "2018-12"
	w.refuse(sc, domain.BadInput, "predictors[0].to")

	w.do(samplePlan())
	w.refuse(samplePlan(), domain.Conflict, "id")
	recs, err := eventstore.NewLog(w.store).Load(context.Background(), domain.PlanStream("p1"), -1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("plan stream: %v %v", recs, err)
	}
	e := recs[0].Event.(domain.AnalysisPlanRegistered)
	if strings.Join(e.Regions, ",") != "NL33" || e.Late || e.PostData != "" {
		t.Fatalf("recorded %+v", e)
	}
}

// TestAnalysisPlanAfterPostData: once a post-period observation of a
// target or comparison region is recorded, a plan is refused (naming
// after.from and the observation) unless it is marked late, which the
// event records with the observation found.
func TestAnalysisPlanAfterPostData(t *testing.T) {
	w := planWorld(t)
	// A breakdown of the comparison region in the post period.
	w.do(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{
		{Region: "BE21", Period: "2020-06", Value: 57, Dimensions: []domain.Dimension{{Key: "substance", Value: "cocaine"}}}}})
	_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, samplePlan())
	if domain.ErrorCode(err) != domain.Conflict || !strings.HasPrefix(err.Error(), "after.from: ") || !strings.Contains(err.Error(), "BE21 2020-06") ||
		!strings.Contains(err.Error(), "late: true") {
		t.Fatalf("got %v", err)
	}
	late := samplePlan()
	late.Late = true
	w.do(late)
	recs, _ := eventstore.NewLog(w.store).Load(context.Background(), domain.PlanStream("p1"), -1)
	if e := recs[0].Event.(domain.AnalysisPlanRegistered); !e.Late || e.PostData != "BE21 2020-06" {
		t.Fatalf("recorded %+v", e)
	}
	// A retracted observation is no post-period data.
	w.do(domain.RetractObservation{Indicator: "price", Region: "BE21", Period: "2020-06", Reason: "wrong",
		Dimensions: []domain.Dimension{{Key: "substance", Value: "cocaine"}}})
	again := samplePlan()
	again.ID = "p2"
	w.do(again)
}

// TestAnalysisPlanOfHiddenOperation: for a principal below an operation's
// classification, a plan about it is refused as one about an unknown id,
// and the id of a plan about it cannot be reused, without saying why.
func TestAnalysisPlanOfHiddenOperation(t *testing.T) {
	w := planWorld(t)
	ctx := context.Background()
	w.do(domain.LaunchOperation{ID: "op-h", Title: "Covert", Kind: domain.OperationKindControlledDelivery, Regions: []string{"NL33"},
		Start: "2020-03-10", TargetTier: domain.TargetTierHighValue, Classification: domain.ClassificationConfidential})
	res := domain.Principal{Name: "res", Roles: []domain.Role{domain.RoleEvaluator}, Clearance: domain.ClassificationRestricted}
	hidden, unknown := samplePlan(), samplePlan()
	hidden.Intervention, unknown.Intervention = "op-h", "op-u"
	_, eh := w.svc.Handle(ctx, domain.Envelope{Principal: res}, hidden)
	_, eu := w.svc.Handle(ctx, domain.Envelope{Principal: res}, unknown)
	if eh == nil || eu == nil || eh.Error() != strings.ReplaceAll(eu.Error(), "op-u", "op-h") || domain.ErrorCode(eh) != domain.NotFound {
		t.Fatalf("hidden %v, unknown %v", eh, eu)
	}
	w.do(hidden) // by the system principal, who sees it
	mine := samplePlan()
	_, err := w.svc.Handle(ctx, domain.Envelope{Principal: res}, mine)
	if err == nil || err.Error() != `id: "p1" cannot be the id of a new analysis plan: choose another id` {
		t.Fatalf("reusing the id of a hidden plan: %v", err)
	}
}
