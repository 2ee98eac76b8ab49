package domain

import "math"

// The evidence rating follows from the design an estimate used, as the
// College of Policing's Crime Reduction Toolkit rates studies by hand:
// the Maryland Scientific Methods Scale (Sherman et al. 1997; Farrington
// et al. 2002) level the design reaches, and the EMMIE "effect" evidence
// quality 0-4 (Johnson, Tilley & Bowers 2015) that follows from it.
//
//   - Before/after, or an interrupted time series of the treated regions
//     alone: level 2 (no comparison group).
//   - Difference-in-differences or synthetic control with comparison
//     units: level 3.
//   - Difference-in-differences whose pre-trend test does not reject
//     parallel trends (p >= 0.05), or a synthetic control whose placebo
//     test ranks at least 20 units (so that p can reach 0.05) and whose
//     treated pre-period fit is not among the worst fifth of the placebo
//     fits: level 4.
//   - Level 5 needs random assignment, which no estimate can show: it is
//     never inferred (an evaluator who knows the assignment was random
//     overrides the quality, with the reason).
//
// The quality is the level minus one (level 2 -> 1, 3 -> 2, 4 -> 3,
// 5 -> 4); 0 is left for evidence no design supports.

// DesignFacts are what the rating reads from an estimate: its method and
// the checks it ran. evaluate.DesignOf takes them from an impact
// estimate; the GraphQL ImpactEstimate answers them as rating.design.
type DesignFacts struct {
	// Method is BEFORE_AFTER, ITS, DID or SYNTHETIC_CONTROL.
	Method AnalysisMethod `json:"method"`
	// ComparisonUnits is the number of comparison regions that entered.
	ComparisonUnits int `json:"comparisonUnits,omitempty"`
	// PreTrendP is the p-value of the difference-in-differences test of
	// equal pre-intervention trends; nil when none was run.
	PreTrendP *float64 `json:"preTrendP,omitempty"`
	// PlaceboUnits is the number of units the synthetic control's
	// placebo-in-space test ranked (the treated one included); 0: none.
	PlaceboUnits int `json:"placeboUnits,omitempty"`
	// PreFitRank is the rank of the treated unit's pre-period RMSPE among
	// those units (1 = best fit).
	PreFitRank int `json:"preFitRank,omitempty"`
}

// The reasons of a rating (codes; i18n "rating.CODE" words them).
const (
	ReasonNoComparison   = "NO_COMPARISON"
	ReasonComparison     = "COMPARISON_GROUP"
	ReasonPreTrendPassed = "PRE_TREND_PASSED"
	ReasonPreTrendFailed = "PRE_TREND_FAILED"
	ReasonPreTrendNone   = "PRE_TREND_MISSING"
	ReasonPlaceboPassed  = "PLACEBO_PASSED"
	ReasonPlaceboFew     = "PLACEBO_TOO_FEW"
	ReasonPlaceboPoorFit = "PLACEBO_POOR_FIT"
	ReasonPlaceboNone    = "PLACEBO_MISSING"
	ReasonNotRandomised  = "NOT_RANDOMISED"
)

// minPlaceboUnits is the smallest placebo test that can reach p = 0.05.
const minPlaceboUnits = 20

// EvidenceRating is the rating a design supports.
type EvidenceRating struct {
	// SMS is the Maryland Scientific Methods Scale level (2 to 4; 5 is
	// never inferred).
	SMS int `json:"sms"`
	// Quality is the EMMIE effect evidence quality (0 to 4).
	Quality int `json:"quality"`
	// Reasons are the codes of what decided the level, in order.
	Reasons []string `json:"reasons"`
}

// Validate checks design facts (field names as in the JSON).
func (f DesignFacts) Validate() error {
	ok := false
	for _, m := range AnalysisMethods {
		ok = ok || f.Method == m
	}
	if !ok {
		return enumError("method", f.Method, AnalysisMethods)
	}
	if f.ComparisonUnits < 0 || f.ComparisonUnits > 100000 {
		return Invalid("comparisonUnits", "%d is outside 0 to 100000", f.ComparisonUnits)
	}
	if p := f.PreTrendP; p != nil && (math.IsNaN(*p) || *p < 0 || *p > 1) {
		return Invalid("preTrendP", "must be a p-value between 0 and 1")
	}
	if f.PlaceboUnits < 0 || f.PlaceboUnits > 100000 {
		return Invalid("placeboUnits", "%d is outside 0 to 100000", f.PlaceboUnits)
	}
	if f.PreFitRank < 0 || f.PreFitRank > f.PlaceboUnits {
		return Invalid("preFitRank", "%d is outside 0 to placeboUnits (%d)", f.PreFitRank, f.PlaceboUnits)
	}
	return nil
}

// RateDesign returns the rating design facts f support. f must be valid.
func RateDesign(f DesignFacts) EvidenceRating {
	r := EvidenceRating{SMS: 2}
	switch {
	case f.Method == AnalysisBeforeAfter || f.Method == AnalysisITS || f.ComparisonUnits == 0:
		r.Reasons = append(r.Reasons, ReasonNoComparison)
	case f.Method == AnalysisDiD:
		r.SMS, r.Reasons = 3, append(r.Reasons, ReasonComparison)
		switch {
		case f.PreTrendP == nil:
			r.Reasons = append(r.Reasons, ReasonPreTrendNone)
		case *f.PreTrendP >= 0.05:
			r.SMS, r.Reasons = 4, append(r.Reasons, ReasonPreTrendPassed)
		default:
			r.Reasons = append(r.Reasons, ReasonPreTrendFailed)
		}
	case f.Method == AnalysisSyntheticControl:
		r.SMS, r.Reasons = 3, append(r.Reasons, ReasonComparison)
		switch {
		case f.PlaceboUnits == 0:
			r.Reasons = append(r.Reasons, ReasonPlaceboNone)
		case f.PlaceboUnits < minPlaceboUnits:
			r.Reasons = append(r.Reasons, ReasonPlaceboFew)
		case f.PreFitRank == 0 || 5*f.PreFitRank > 4*f.PlaceboUnits:
			r.Reasons = append(r.Reasons, ReasonPlaceboPoorFit)
		default:
			r.SMS, r.Reasons = 4, append(r.Reasons, ReasonPlaceboPassed)
		}
	}
	r.Reasons = append(r.Reasons, ReasonNotRandomised)
	r.Quality = r.SMS - 1
	return r
}
