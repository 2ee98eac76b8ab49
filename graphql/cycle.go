package graphql

import (
	"context"
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/report"
)

// cycleTypes are the schema types of evaluation cycles, built once per
// schema (the mutations and the queries share the enums).
type cycleTypes struct {
	effectRating, reportFormat, cycleStatus, lang *gql.Enum
	evidenceInput                                 *gql.InputObject
	cycle, finding                                *gql.Object
}

func (s *Server) cycleTypes(t *types) *cycleTypes {
	if s.cycleT != nil {
		return s.cycleT
	}
	c := &cycleTypes{}
	c.effectRating = enumOf("EffectRating", "What a finding says an intervention did, against the desired direction (the effect of EMMIE).", domain.EffectRatings)
	c.reportFormat = enumOf("ReportFormat", "The format of a cycle report.", []report.Format{report.JSON, report.Markdown, report.HTML})
	c.lang = t.lang
	c.cycleStatus = enumOf("CycleStatus", "Whether a cycle is open or closed.", []string{"OPEN", "CLOSED"})
	param := gql.NewInputObject(gql.InputObjectConfig{Name: "EvidenceParamInput", Fields: gql.InputObjectConfigFieldMap{
		"name": {Type: nonNull(gql.String)}, "value": {Type: nonNull(gql.String)}}})
	c.evidenceInput = gql.NewInputObject(gql.InputObjectConfig{Name: "FindingEvidenceInput",
		Description: "The estimate a finding rests on: the indicator, the method and its parameters, the number and its 95% interval.",
		Fields: gql.InputObjectConfigFieldMap{
			"indicator": {Type: gql.ID}, "method": {Type: nonNull(gql.String)}, "estimate": {Type: gql.Float}, "low": {Type: gql.Float},
			"high": {Type: gql.Float}, "parameters": {Type: gql.NewList(gql.NewNonNull(param))},
			"design": {Type: s.impactInputs(t).ratings.designInput, Description: "What the estimate's design reached (ImpactEstimate.rating.design): evidenceQuality defaults to the quality it supports."}}})
	paramOut := gql.NewObject(gql.ObjectConfig{Name: "EvidenceParam", Fields: gql.Fields{
		"name": field(nonNull(gql.String), ""), "value": field(nonNull(gql.String), "")}})
	evidence := gql.NewObject(gql.ObjectConfig{Name: "FindingEvidence", Fields: gql.Fields{
		"indicator": field(gql.ID, ""), "method": field(nonNull(gql.String), ""), "estimate": field(gql.Float, ""),
		"low": field(gql.Float, ""), "high": field(gql.Float, ""), "parameters": field(listOf(paramOut), ""),
		"design": field(s.impactInputs(t).ratings.design, "")}})
	c.finding = gql.NewObject(gql.ObjectConfig{Name: "Finding", Description: "A finding of an evaluation cycle.", Fields: gql.Fields{
		"findingId": field(nonNull(gql.ID), ""), "intervention": field(gql.ID, "Empty for a finding about the scope as a whole."),
		"family": field(nonNull(t.family), ""), "statement": field(nonNull(gql.String), ""), "evidence": field(evidence, ""),
		"effectRating": field(nonNull(c.effectRating), ""), "evidenceQuality": field(nonNull(gql.Int), "0 (no usable evidence) to 4 (strong design)."),
		"recommendation": field(gql.String, ""), "position": field(nonNull(gql.String), "Where the finding was recorded."),
		"rating":          field(s.impactInputs(t).ratings.rating, "The rating derived from evidence.design; null without one."),
		"qualityOverride": field(gql.String, "Why evidenceQuality departs from the rating's quality; null when it does not."),
	}})
	c.cycle = gql.NewObject(gql.ObjectConfig{Name: "Cycle", Description: "An evaluation cycle (Guideline 21).", Fields: gql.Fields{
		"id": field(nonNull(gql.ID), ""), "title": field(nonNull(gql.String), ""),
		"from": field(nonNull(gql.String), "Start of the period evaluated (YYYY-MM-DD)."), "to": field(nonNull(gql.String), "End of the period evaluated."),
		"regions": field(listOf(gql.ID), ""), "interventions": field(listOf(gql.ID), ""), "questions": field(listOf(gql.String), ""),
		"previousCycle": field(gql.ID, ""), "status": field(nonNull(c.cycleStatus), ""),
		"pinned":   field(gql.String, "The position the evidence is pinned at; null while nothing is pinned."),
		"findings": field(listOf(c.finding), "In the order recorded."),
		"summary":  field(gql.String, ""), "recommendations": field(listOf(gql.String), ""),
		"opened": field(nonNull(gql.String), "Position of the opening."), "closed": field(gql.String, "Position of the closing; null while open."),
		"report": &gql.Field{Type: nonNull(gql.String),
			Description: "The cycle's report, read at its pinned position (an unpinned open cycle gives a preview at the latest position, labelled as such).",
			Args: gql.FieldConfigArgument{"format": {Type: c.reportFormat, DefaultValue: string(report.JSON)},
				"lang": {Type: c.lang, DefaultValue: string(i18n.EN), Description: "The language of the HTML and Markdown text (JSON is the same in every language)."}},
			Resolve: s.wrap(s.resolveReport)},
		"revisionSensitivity": s.sensitivityField(),
	}})
	s.cycleT = c
	return c
}

// addCycleFields registers the queries cycles and cycle(id) when the
// server has a report generator.
func (s *Server) addCycleFields(t *types, fields gql.Fields) {
	if s.cfg.Reports == nil {
		return
	}
	c := s.cycleTypes(t)
	fields["cycles"] = &gql.Field{Type: listOf(c.cycle), Description: "Evaluation cycles, by start of the period evaluated.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			list := s.cfg.Reports.Cycles().List()
			out := make([]map[string]any, len(list))
			for i, cy := range list {
				out[i] = s.cycleOut(p.Context, cy)
			}
			return out, nil
		}}
	fields["cycle"] = &gql.Field{Type: c.cycle, Args: gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}},
		Resolve: func(p gql.ResolveParams) (any, error) {
			id, _ := p.Args["id"].(string)
			if cy, ok := s.cfg.Reports.Cycles().Get(id); ok {
				return s.cycleOut(p.Context, cy), nil
			}
			return nil, nil
		}}
}

func (s *Server) resolveReport(p gql.ResolveParams) (any, error) {
	id, _ := p.Source.(map[string]any)["id"].(string)
	raw, _ := p.Args["format"].(string)
	f, err := report.ParseFormat(raw)
	if err != nil {
		return nil, err
	}
	rawLang, _ := p.Args["lang"].(string)
	lang, err := report.ParseLang(rawLang)
	if err != nil {
		return nil, err
	}
	// The report sees what the principal may see; the rest is counted as withheld.
	r, err := s.reports.build(p.Context, s.cfg.Reports.For(s.evaluator(p.Context)), id, AccessFromContext(p.Context).Scope())
	if err != nil {
		return nil, err
	}
	b, err := r.RenderIn(f, lang)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// cycleOut is a cycle as the principal of ctx may see it: interventions
// above its clearance, and the findings about them, are left out.
func (s *Server) cycleOut(ctx context.Context, c projections.Cycle) map[string]any {
	pr := AccessFromContext(ctx)
	hidden := map[string]bool{}
	var ivs []string
	for _, id := range c.Interventions {
		if iv, ok := s.cfg.Interventions.Get(id, 0); ok && !s.visible(pr, iv) {
			hidden[id] = true
			continue
		}
		ivs = append(ivs, id)
	}
	c.Interventions = ivs
	var fs []projections.Finding
	for _, f := range c.Findings {
		if !hidden[f.Intervention] {
			fs = append(fs, f)
		}
	}
	c.Findings = fs

	status := "OPEN"
	if c.Closed {
		status = "CLOSED"
	}
	findings := make([]map[string]any, len(c.Findings))
	for i, f := range c.Findings {
		findings[i] = findingOut(f)
	}
	m := map[string]any{"id": c.ID, "title": c.Title, "from": c.From, "to": c.To, "regions": nonNilStrings(c.Regions),
		"interventions": nonNilStrings(c.Interventions), "questions": nonNilStrings(c.Questions), "previousCycle": nilIfEmpty(c.PreviousCycle),
		"status": status, "findings": findings, "summary": nilIfEmpty(c.Summary), "recommendations": nonNilStrings(c.Recommendations),
		"opened": strconv.FormatUint(c.Opened, 10)}
	if c.Pinned != 0 {
		m["pinned"] = strconv.FormatUint(c.Pinned, 10)
	}
	if c.Closed {
		m["closed"] = strconv.FormatUint(c.ClosedAt, 10)
	}
	return m
}

func findingOut(f projections.Finding) map[string]any {
	m := map[string]any{"findingId": f.FindingID, "intervention": nilIfEmpty(f.Intervention), "family": string(f.Family),
		"statement": f.Statement, "effectRating": string(f.EffectRating), "evidenceQuality": f.EvidenceQuality,
		"recommendation": nilIfEmpty(f.Recommendation), "position": strconv.FormatUint(f.Position, 10)}
	if e := f.Evidence; e != nil {
		params := make([]map[string]any, len(e.Parameters))
		for i, p := range e.Parameters {
			params[i] = map[string]any{"name": p.Name, "value": p.Value}
		}
		ev := map[string]any{"indicator": nilIfEmpty(e.Indicator), "method": e.Method, "parameters": params}
		for k, v := range map[string]*float64{"estimate": e.Estimate, "low": e.Low, "high": e.High} {
			if v != nil {
				ev[k] = *v
			}
		}
		if e.Design != nil {
			ev["design"] = ratingOut(e.Design, domain.EvidenceRating{})["design"]
		}
		m["evidence"] = ev
	}
	if f.Rating != nil {
		m["rating"] = ratingOut(nil, *f.Rating)
	}
	m["qualityOverride"] = nilIfEmpty(f.QualityOverride)
	return m
}
