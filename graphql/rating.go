package graphql

import (
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// ratingTypes are the types of the evidence rating derived from a design
// (domain.RateDesign): what impact answers and recordFinding takes.
type ratingTypes struct {
	designInput    *gql.InputObject
	design, rating *gql.Object
}

func buildRatingTypes(method *gql.Enum, langArgs gql.FieldConfigArgument) ratingTypes {
	var r ratingTypes
	r.designInput = gql.NewInputObject(gql.InputObjectConfig{Name: "DesignInput",
		Description: "What an estimate's design reached (ImpactEstimate.rating.design): the finding's evidence quality is derived from it.",
		Fields: gql.InputObjectConfigFieldMap{
			"method": {Type: nonNull(method)}, "comparisonUnits": {Type: gql.Int}, "preTrendP": {Type: gql.Float},
			"placeboUnits": {Type: gql.Int}, "preFitRank": {Type: gql.Int}, "treatedUnits": {Type: gql.Int}, "conformal": {Type: gql.Boolean},
			"prePeriods": {Type: gql.Int}, "postPeriods": {Type: gql.Int}}})
	r.design = gql.NewObject(gql.ObjectConfig{Name: "Design", Description: "What an estimate's design reached.",
		Fields: gql.Fields{
			"method":          field(nonNull(method), ""),
			"comparisonUnits": field(nonNull(gql.Int), "Comparison regions that entered the estimate."),
			"preTrendP":       field(gql.Float, "Difference-in-differences: p-value of the test of equal pre-intervention trends."),
			"placeboUnits":    field(nonNull(gql.Int), "Synthetic control: units ranked by the placebo-in-space test (0: none)."),
			"preFitRank":      field(nonNull(gql.Int), "Synthetic control: the treated unit's rank of pre-period RMSPE among them (1 = best fit)."),
			"treatedUnits":    field(nonNull(gql.Int), "Difference-in-differences: treated regions (level 4 needs at least two)."),
			"conformal":       field(nonNull(gql.Boolean), "Synthetic control: a conformal interval was computed (level 4's inference with fewer than 20 units)."),
			"prePeriods":      field(nonNull(gql.Int), "Synthetic control with a conformal interval: periods before the intervention (0: not stated)."),
			"postPeriods":     field(nonNull(gql.Int), "Synthetic control with a conformal interval: periods from the intervention on; the conformal interval counts as valid inference only when they are fewer than the periods before."),
		}})
	r.rating = gql.NewObject(gql.ObjectConfig{Name: "EvidenceRating",
		Description: "The evidence rating the design supports: the Maryland Scientific Methods Scale level (2 before/after or a series alone, 3 with a comparison group, 4 for a difference-in-differences of several treated regions with parallel pre-trends, or a synthetic control with a close pre-period fit and valid inference, by placebos over 20 units or more or a conformal interval; 5, randomised, is never inferred) and the EMMIE effect evidence quality 0-4 that follows (sources in domain/evidence_rating.go and the README).",
		Fields: gql.Fields{
			"sms":     field(nonNull(gql.Int), "Maryland Scientific Methods Scale level."),
			"quality": field(nonNull(gql.Int), "EMMIE effect evidence quality (0-4): recordFinding's default evidenceQuality."),
			"reasons": field(listOf(gql.String), "Codes of what decided the level."),
			"explanation": &gql.Field{Type: nonNull(gql.String), Description: "The reasons in words, in the language asked (English by default).",
				Args: langArgs, Resolve: func(p gql.ResolveParams) (any, error) {
					m, _ := p.Source.(map[string]any)
					codes, _ := m["reasons"].([]string)
					return ratingExplanation(codes, argLang(p)), nil
				}},
			"design": field(r.design, "The facts rated; pass them as recordFinding's evidence.design."),
		}})
	return r
}

// ratingOut is the EvidenceRating answer for design f (rated) or rating
// r (recorded), with its reasons in English.
func ratingOut(f *domain.DesignFacts, r domain.EvidenceRating) map[string]any {
	m := map[string]any{"sms": r.SMS, "quality": r.Quality, "reasons": nonNilStrings(r.Reasons), "explanation": ratingExplanation(r.Reasons, i18n.EN)}
	if f != nil {
		d := map[string]any{"method": string(f.Method), "comparisonUnits": f.ComparisonUnits, "placeboUnits": f.PlaceboUnits, "preFitRank": f.PreFitRank,
			"treatedUnits": f.TreatedUnits, "conformal": f.Conformal, "prePeriods": f.PrePeriods, "postPeriods": f.PostPeriods}
		if f.PreTrendP != nil {
			d["preTrendP"] = *f.PreTrendP
		}
		m["design"] = d
	}
	return m
}

// ratingExplanation writes the reasons of a rating (their codes) in l.
func ratingExplanation(codes []string, l i18n.Lang) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = l.T("rating." + c)
	}
	return strings.Join(words, " ")
}

// estimateRating resolves ImpactEstimate.rating; null for AUTO's
// estimates of methods without a rating (none today).
func estimateRating(p gql.ResolveParams) (any, error) {
	est := p.Source.(*evaluate.ImpactEstimate)
	f := evaluate.DesignOf(est)
	if f.Validate() != nil {
		return nil, nil
	}
	return ratingOut(&f, domain.RateDesign(f)), nil
}
