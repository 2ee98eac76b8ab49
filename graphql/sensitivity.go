package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/projections/report"
)

// sensitivityField builds Cycle.revisionSensitivity (issue 15): each
// finding's estimate re-run at the cycle's pin and at the latest position.
func (s *Server) sensitivityField() *gql.Field {
	num := func(f func(report.SensitivityEstimate) *report.Num) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) {
			if n := f(p.Source.(report.SensitivityEstimate)); n != nil {
				return float64(*n), nil
			}
			return nil, nil
		}
	}
	se := func(f func(report.SensitivityEstimate) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(report.SensitivityEstimate)), nil }
	}
	estimate := gql.NewObject(gql.ObjectConfig{Name: "SensitivityEstimate", Description: "One run of a finding's estimate.",
		Fields: gql.Fields{
			"method":      &gql.Field{Type: gql.String, Resolve: se(func(e report.SensitivityEstimate) any { return nilIfEmpty(e.Method) })},
			"effect":      &gql.Field{Type: gql.Float, Resolve: num(func(e report.SensitivityEstimate) *report.Num { return e.Effect })},
			"low":         &gql.Field{Type: gql.Float, Resolve: num(func(e report.SensitivityEstimate) *report.Num { return e.Low })},
			"high":        &gql.Field{Type: gql.Float, Resolve: num(func(e report.SensitivityEstimate) *report.Num { return e.High })},
			"pValue":      &gql.Field{Type: gql.Float, Resolve: num(func(e report.SensitivityEstimate) *report.Num { return e.PValue })},
			"ratio":       &gql.Field{Type: nonNull(gql.Boolean), Resolve: se(func(e report.SensitivityEstimate) any { return e.Ratio })},
			"significant": &gql.Field{Type: nonNull(gql.Boolean), Description: "Whether the 95% interval excludes no effect.", Resolve: se(func(e report.SensitivityEstimate) any { return e.Significant })},
			"error":       &gql.Field{Type: gql.String, Description: "Why no estimate could be made.", Resolve: se(func(e report.SensitivityEstimate) any { return nilIfEmpty(e.Error) })},
		}})
	rc := func(f func(report.RevisionCause) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(report.RevisionCause)), nil }
	}
	cause := gql.NewObject(gql.ObjectConfig{Name: "RevisionCause", Description: "An ObservationRevised or ObservationRetracted event between the two positions.",
		Fields: gql.Fields{
			"kind":       &gql.Field{Type: nonNull(gql.String), Description: "REVISED or RETRACTED.", Resolve: rc(func(c report.RevisionCause) any { return c.Kind })},
			"region":     &gql.Field{Type: nonNull(gql.ID), Resolve: rc(func(c report.RevisionCause) any { return c.Region })},
			"period":     &gql.Field{Type: nonNull(gql.String), Resolve: rc(func(c report.RevisionCause) any { return c.Period })},
			"dimensions": &gql.Field{Type: gql.String, Resolve: rc(func(c report.RevisionCause) any { return nilIfEmpty(c.Dimensions) })},
			"reason":     &gql.Field{Type: nonNull(gql.String), Resolve: rc(func(c report.RevisionCause) any { return c.Reason })},
			"source":     &gql.Field{Type: gql.String, Resolve: rc(func(c report.RevisionCause) any { return nilIfEmpty(c.Source) })},
			"position":   &gql.Field{Type: nonNull(gql.String), Resolve: rc(func(c report.RevisionCause) any { return c.Position })},
		}})
	fs := func(f func(report.FindingSensitivity) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(report.FindingSensitivity)), nil }
	}
	finding := gql.NewObject(gql.ObjectConfig{Name: "FindingSensitivity",
		Description: "How a finding's estimate moved between the cycle's pinned position and the latest, and which revisions and retractions moved it.",
		Fields: gql.Fields{
			"findingId":    &gql.Field{Type: nonNull(gql.ID), Resolve: fs(func(x report.FindingSensitivity) any { return x.FindingID })},
			"intervention": &gql.Field{Type: gql.ID, Resolve: fs(func(x report.FindingSensitivity) any { return nilIfEmpty(x.Intervention) })},
			"indicator":    &gql.Field{Type: gql.ID, Resolve: fs(func(x report.FindingSensitivity) any { return nilIfEmpty(x.Indicator) })},
			"method":       &gql.Field{Type: gql.String, Description: "The method re-run (the evidence's, or AUTO).", Resolve: fs(func(x report.FindingSensitivity) any { return nilIfEmpty(x.Method) })},
			"pinnedAt":     &gql.Field{Type: nonNull(gql.String), Resolve: fs(func(x report.FindingSensitivity) any { return x.PinnedAt })},
			"latestAt":     &gql.Field{Type: nonNull(gql.String), Resolve: fs(func(x report.FindingSensitivity) any { return x.LatestAt })},
			"pinned":       &gql.Field{Type: nonNull(estimate), Resolve: fs(func(x report.FindingSensitivity) any { return x.Pinned })},
			"latest":       &gql.Field{Type: nonNull(estimate), Resolve: fs(func(x report.FindingSensitivity) any { return x.Latest })},
			"difference": &gql.Field{Type: gql.Float, Description: "latest minus pinned effect.", Resolve: fs(func(x report.FindingSensitivity) any {
				if x.Difference == nil {
					return nil
				}
				return float64(*x.Difference)
			})},
			"conclusionChanged": &gql.Field{Type: nonNull(gql.Boolean), Resolve: fs(func(x report.FindingSensitivity) any { return x.ConclusionChanged })},
			"changes":           &gql.Field{Type: listOf(gql.String), Description: "SIGN, SIGNIFICANCE, ESTIMABLE.", Resolve: fs(func(x report.FindingSensitivity) any { return nonNilStrings(x.Changes) })},
			"causes":            &gql.Field{Type: listOf(cause), Resolve: fs(func(x report.FindingSensitivity) any { return x.Causes })},
			"skipped":           &gql.Field{Type: gql.String, Description: "Why the finding has no estimate to re-run.", Resolve: fs(func(x report.FindingSensitivity) any { return nilIfEmpty(x.Skipped) })},
		}})
	return &gql.Field{Type: listOf(finding),
		Description: "Revision sensitivity: every finding's estimate re-run at the cycle's pinned position and at the latest, with the difference, whether the conclusion changed and the revisions and retractions in between (the report stays as pinned).",
		Resolve: s.wrap(func(p gql.ResolveParams) (any, error) {
			id, _ := p.Source.(map[string]any)["id"].(string)
			return s.cfg.Reports.For(s.evaluator(p.Context)).RevisionSensitivity(p.Context, id)
		})}
}
