package domain_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
)

// quality is a finding's evidence quality, given.
func quality(n int) *int { return &n }

func pval(p float64) *float64 { return &p }

// TestRateDesign: the Maryland level and EMMIE quality of each design, as
// the Crime Reduction Toolkit's rules state them (the table is the
// specification, written from issue 15; level 5 is never inferred).
func TestRateDesign(t *testing.T) {
	for _, c := range []struct {
		name    string
		f       domain.DesignFacts
		sms     int
		reasons string
	}{
		{"before/after", domain.DesignFacts{Method: domain.AnalysisBeforeAfter}, 2, "NO_COMPARISON NOT_RANDOMISED"},
		{"ITS alone", domain.DesignFacts{Method: domain.AnalysisITS, ComparisonUnits: 3}, 2, "NO_COMPARISON NOT_RANDOMISED"},
		{"DiD without comparison", domain.DesignFacts{Method: domain.AnalysisDiD}, 2, "NO_COMPARISON NOT_RANDOMISED"},
		{"DiD, no pre-trend test", domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 4}, 3, "COMPARISON_GROUP PRE_TREND_MISSING NOT_RANDOMISED"},
		{"DiD, pre-trends differ", domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 4, PreTrendP: pval(0.049)}, 3, "COMPARISON_GROUP PRE_TREND_FAILED NOT_RANDOMISED"},
		{"DiD, parallel pre-trends", domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 4, PreTrendP: pval(0.05), TreatedUnits: 2}, 4, "COMPARISON_GROUP PRE_TREND_PASSED NOT_RANDOMISED"},
		// Farrington et al. 2002: level 4 compares multiple treated units.
		{"DiD, parallel pre-trends, one treated", domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 4, PreTrendP: pval(0.5), TreatedUnits: 1}, 3, "COMPARISON_GROUP PRE_TREND_PASSED DID_FEW_TREATED NOT_RANDOMISED"},
		{"DiD, parallel pre-trends, treated not stated", domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 4, PreTrendP: pval(0.5)}, 3, "COMPARISON_GROUP PRE_TREND_PASSED DID_FEW_TREATED NOT_RANDOMISED"},
		{"SC, no placebo", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 30}, 3, "COMPARISON_GROUP PLACEBO_MISSING NOT_RANDOMISED"},
		{"SC, 19 units", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 18, PlaceboUnits: 19, PreFitRank: 1}, 3, "COMPARISON_GROUP PLACEBO_TOO_FEW NOT_RANDOMISED"},
		// Abadie 2021 and Chernozhukov et al. 2021: with few donors the
		// conformal interval is the valid inference.
		{"SC, 19 units, conformal", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 18, PlaceboUnits: 19, PreFitRank: 3, Conformal: true}, 4, "COMPARISON_GROUP CONFORMAL_PASSED NOT_RANDOMISED"},
		{"SC, 19 units, conformal, 72 periods before and 72 after", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 18, PlaceboUnits: 19, PreFitRank: 3, Conformal: true, PrePeriods: 72, PostPeriods: 72}, 4, "COMPARISON_GROUP CONFORMAL_PASSED NOT_RANDOMISED"},
		{"SC, 4 units, conformal, 72 periods before and 84 after", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 3, PlaceboUnits: 4, PreFitRank: 1, Conformal: true, PrePeriods: 72, PostPeriods: 84}, 3, "COMPARISON_GROUP CONFORMAL_SHORT_HISTORY NOT_RANDOMISED"},
		{"SC, 20 units, 72 periods before and 84 after (placebos)", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 19, PlaceboUnits: 20, PreFitRank: 1, Conformal: true, PrePeriods: 72, PostPeriods: 84}, 4, "COMPARISON_GROUP PLACEBO_PASSED NOT_RANDOMISED"},
		{"SC, 19 units, conformal, poor fit", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 18, PlaceboUnits: 19, PreFitRank: 17, Conformal: true}, 3, "COMPARISON_GROUP PLACEBO_POOR_FIT NOT_RANDOMISED"},
		{"SC, worst fifth fit", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 38, PlaceboUnits: 39, PreFitRank: 32}, 3, "COMPARISON_GROUP PLACEBO_POOR_FIT NOT_RANDOMISED"},
		{"SC, good fit", domain.DesignFacts{Method: domain.AnalysisSyntheticControl, ComparisonUnits: 38, PlaceboUnits: 39, PreFitRank: 31}, 4, "COMPARISON_GROUP PLACEBO_PASSED NOT_RANDOMISED"},
	} {
		if err := c.f.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		r := domain.RateDesign(c.f)
		if r.SMS != c.sms || r.Quality != c.sms-1 || strings.Join(r.Reasons, " ") != c.reasons {
			t.Errorf("%s: %+v, want level %d, quality %d, %s", c.name, r, c.sms, c.sms-1, c.reasons)
		}
	}
	for _, c := range []struct {
		f     domain.DesignFacts
		field string
	}{
		{domain.DesignFacts{Method: "AUTO"}, "method"},
		{domain.DesignFacts{Method: domain.AnalysisDiD, PreTrendP: pval(1.5)}, "preTrendP"},
		{domain.DesignFacts{Method: domain.AnalysisSyntheticControl, PlaceboUnits: 3, PreFitRank: 4}, "preFitRank"},
		{domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: -1}, "comparisonUnits"},
		{domain.DesignFacts{Method: domain.AnalysisDiD, TreatedUnits: -1}, "treatedUnits"},
	} {
		if err := c.f.Validate(); domain.ErrorCode(err) != domain.BadInput || !strings.HasPrefix(err.Error(), c.field+":") {
			t.Errorf("%+v: %v, want BAD_INPUT on %s", c.f, err, c.field)
		}
	}
}

// TestFindingQualityFollowsTheDesign: recordFinding defaults the evidence
// quality from the evidence's design and records the rating; a different
// quality needs a reason, which is recorded; without a design the quality
// is required and a reason refused.
func TestFindingQualityFollowsTheDesign(t *testing.T) {
	w := newWorld(t)
	w.basics()
	w.do(domain.LaunchOperation{ID: "op-1", Title: "Sweep", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2020-01-01", TargetTier: domain.TargetTierMid, Classification: domain.ClassificationPublic})
	w.do(domain.OpenCycle{ID: "c1", Title: "Review", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}})
	did := &domain.FindingEvidence{Indicator: "price", Method: "DID",
		Design: &domain.DesignFacts{Method: domain.AnalysisDiD, ComparisonUnits: 5, PreTrendP: pval(0.4), TreatedUnits: 2}}
	f := domain.RecordFinding{ID: "c1", FindingID: "f1", Intervention: "op-1", Family: domain.FamilyAvailability, Statement: "Prices rose.",
		EffectRating: domain.EffectDesired, Evidence: did}
	w.do(f)
	over := f
	over.FindingID, over.EvidenceQuality = "f2", quality(4)
	w.refuse(over, domain.BadInput, "evidenceQualityReason")
	over.EvidenceQualityReason = "The ports were assigned to the controls by lot."
	w.do(over)
	same := f
	same.FindingID, same.EvidenceQuality = "f3", quality(3)
	w.do(same)
	bare := f
	bare.FindingID, bare.Evidence = "f4", nil
	w.refuse(bare, domain.BadInput, "evidenceQuality")
	bare.EvidenceQuality, bare.EvidenceQualityReason = quality(1), "because"
	w.refuse(bare, domain.BadInput, "evidenceQualityReason")
	bad := f
	bad.FindingID, bad.Evidence = "f5", &domain.FindingEvidence{Method: "DID", Design: &domain.DesignFacts{Method: "RCT"}}
	w.refuse(bad, domain.BadInput, "evidence.design.method")

	recs, err := eventstore.NewLog(w.store).Load(context.Background(), domain.CycleStream("c1"), -1)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]domain.FindingRecorded{}
	for _, r := range recs {
		if e, ok := r.Event.(domain.FindingRecorded); ok {
			got[e.FindingID] = e
		}
	}
	if e := got["f1"]; e.EvidenceQuality != 3 || e.Rating == nil || e.Rating.SMS != 4 || e.QualityOverride != "" {
		t.Errorf("default: %+v", e)
	}
	if e := got["f2"]; e.EvidenceQuality != 4 || e.Rating == nil || e.Rating.Quality != 3 || e.QualityOverride != over.EvidenceQualityReason {
		t.Errorf("override: %+v", e)
	}
	if e := got["f3"]; e.EvidenceQuality != 3 || e.QualityOverride != "" || !slices.Contains(e.Rating.Reasons, domain.ReasonPreTrendPassed) {
		t.Errorf("confirmed: %+v", e)
	}
}
