package domain

import (
	"math"

	"github.com/supplyeval/supplyeval/i18n"
)

// The evidence rating follows from the design an estimate used, as the
// College of Policing's Crime Reduction Toolkit rates studies by hand:
// the Maryland Scientific Methods Scale level the design reaches, and the
// EMMIE "effect" evidence quality 0-4 (Johnson, Tilley & Bowers 2015)
// that follows from it.
//
// The levels, in the words of the scale's sources:
//
//   - Sherman et al. (1997, Preventing Crime: What Works, What Doesn't,
//     What's Promising, ch. 2; NIJ Research in Brief NCJ 171676, 1998):
//     level 2 is a temporal sequence between the programme and the
//     outcome, or a comparison group without demonstrated comparability;
//     level 3 a comparison between two or more comparable units, one with
//     and one without the programme; level 4 a comparison between
//     multiple units with and without the programme, controlling for
//     other factors, or using comparison units that evidence only minor
//     differences; level 5 random assignment.
//   - Farrington, Gottfredson, Sherman & Welsh (2002, "The Maryland
//     Scientific Methods Scale", in Evidence-Based Crime Prevention,
//     pp. 13-21; Farrington 2003, Annals AAPSS 587:49-68): level 4 is
//     before-and-after measures in multiple experimental and control
//     units, controlling for other variables that influence the outcome.
//   - The What Works Centre for Local Economic Growth (Madaleno & Waights,
//     Guide to scoring methods using the Maryland Scientific Methods
//     Scale, 2016) is stricter: difference-in-differences is an SMS 3
//     method there, level 4 being kept for designs that exploit
//     quasi-random assignment (instrumental variables, discontinuities).
//     This rating follows the criminological scale of the Crime
//     Reduction Toolkit and EMMIE, not that guide; under it every
//     estimate here would be level 3 at most.
//
// So:
//
//   - Before/after, or an interrupted time series of the treated regions
//     alone: level 2 (no comparison group).
//   - Difference-in-differences or synthetic control with comparison
//     units: level 3.
//   - Difference-in-differences with at least two treated regions (the
//     "multiple experimental units" of Farrington et al.; with one, the
//     standard errors clustered by region are also unreliable, Conley &
//     Taber 2011) whose pre-trend test does not reject parallel trends at
//     the 5% level (the evidence that the comparison units differ only
//     slightly; the sources give no number, 5% is the conventional level,
//     and a test that does not reject is weak evidence of parallel trends
//     when the panel is short, Roth 2022): level 4.
//   - A synthetic control whose pre-intervention fit is close (Abadie,
//     Diamond & Hainmueller 2010, JASA 105:493-505, and Abadie 2021, JEL
//     59(2):391-425: the method should not be used when the fit is poor;
//     here the treated region's pre-period RMSPE must not be among the
//     worst fifth of the placebo fits, the cut-off ADH 2010 leave to the
//     analyst, who discard placebos with a pre-period MSPE 2, 5 or 20
//     times the treated unit's) and whose inference is valid: the placebo
//     test with at least 20 units (so that p can reach 0.05; ADH 2010,
//     Abadie 2021 section 7), or, with fewer, the conformal interval of
//     Chernozhukov, Wüthrich & Zhu (2021, JASA 116:1849-1864), which
//     Abadie 2021 names as an alternative inference: level 4.
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
	// TreatedUnits is the number of treated regions of a
	// difference-in-differences (0: not stated, which level 4 cannot
	// assume to be several).
	TreatedUnits int `json:"treatedUnits,omitempty"`
	// Conformal is true when the synthetic control has a conformal
	// interval (Chernozhukov, Wüthrich & Zhu 2021).
	Conformal bool `json:"conformal,omitempty"`
	// PrePeriods and PostPeriods are the synthetic control's periods
	// before and from the intervention (0: not stated, as in findings
	// recorded before they were). The conformal interval's moving-block
	// test rests on more periods before than after (Chernozhukov,
	// Wuthrich & Zhu 2021); with more after, it is no valid inference
	// for level 4.
	PrePeriods  int `json:"prePeriods,omitempty"`
	PostPeriods int `json:"postPeriods,omitempty"`
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
	ReasonDiDFewTreated  = "DID_FEW_TREATED"
	ReasonConformal      = "CONFORMAL_PASSED"
	ReasonConformalShort = "CONFORMAL_SHORT_HISTORY"
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
		return Invalidm("comparisonUnits", "domain.err.range", i18n.Int(f.ComparisonUnits), i18n.Int(0), i18n.Int(100000))
	}
	if p := f.PreTrendP; p != nil && (math.IsNaN(*p) || *p < 0 || *p > 1) {
		return Invalidm("preTrendP", "domain.err.rating.pvalue")
	}
	if f.PlaceboUnits < 0 || f.PlaceboUnits > 100000 {
		return Invalidm("placeboUnits", "domain.err.range", i18n.Int(f.PlaceboUnits), i18n.Int(0), i18n.Int(100000))
	}
	if f.PreFitRank < 0 || f.PreFitRank > f.PlaceboUnits {
		return Invalidm("preFitRank", "domain.err.rating.rank", f.PreFitRank, f.PlaceboUnits)
	}
	if f.TreatedUnits < 0 || f.TreatedUnits > 100000 {
		return Invalidm("treatedUnits", "domain.err.range", i18n.Int(f.TreatedUnits), i18n.Int(0), i18n.Int(100000))
	}
	if f.PrePeriods < 0 || f.PrePeriods > 1000000 {
		return Invalidm("prePeriods", "domain.err.range", i18n.Int(f.PrePeriods), i18n.Int(0), i18n.Int(1000000))
	}
	if f.PostPeriods < 0 || f.PostPeriods > 1000000 {
		return Invalidm("postPeriods", "domain.err.range", i18n.Int(f.PostPeriods), i18n.Int(0), i18n.Int(1000000))
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
		case *f.PreTrendP < 0.05:
			r.Reasons = append(r.Reasons, ReasonPreTrendFailed)
		case f.TreatedUnits < 2:
			r.Reasons = append(r.Reasons, ReasonPreTrendPassed, ReasonDiDFewTreated)
		default:
			r.SMS, r.Reasons = 4, append(r.Reasons, ReasonPreTrendPassed)
		}
	case f.Method == AnalysisSyntheticControl:
		r.SMS, r.Reasons = 3, append(r.Reasons, ReasonComparison)
		switch {
		case f.PlaceboUnits == 0:
			r.Reasons = append(r.Reasons, ReasonPlaceboNone)
		case f.PlaceboUnits < minPlaceboUnits && !f.Conformal:
			r.Reasons = append(r.Reasons, ReasonPlaceboFew)
		case f.PlaceboUnits < minPlaceboUnits && f.PostPeriods > f.PrePeriods && f.PrePeriods > 0:
			r.Reasons = append(r.Reasons, ReasonConformalShort)
		case f.PreFitRank == 0 || 5*f.PreFitRank > 4*f.PlaceboUnits:
			r.Reasons = append(r.Reasons, ReasonPlaceboPoorFit)
		case f.PlaceboUnits < minPlaceboUnits:
			r.SMS, r.Reasons = 4, append(r.Reasons, ReasonConformal)
		default:
			r.SMS, r.Reasons = 4, append(r.Reasons, ReasonPlaceboPassed)
		}
	}
	r.Reasons = append(r.Reasons, ReasonNotRandomised)
	r.Quality = r.SMS - 1
	return r
}
