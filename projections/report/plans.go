package report

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// PlannedAnalysis is an analysis plan registered for an intervention
// (registerAnalysisPlan) as of the report's position, run exactly, beside
// what was run: the report's own estimate on the same indicator and the
// findings whose evidence is on it. Every difference between the plan
// and what was run is a Deviation.
type PlannedAnalysis struct {
	Plan       string   `json:"plan"`
	Indicator  string   `json:"indicator"`
	Name       string   `json:"name"`
	Method     string   `json:"method"`
	Model      string   `json:"model,omitempty"`
	Before     string   `json:"before"`
	After      string   `json:"after"`
	Regions    []string `json:"regions"`
	Comparison []string `json:"comparison"`
	Predictors []string `json:"predictors"`
	Hypotheses []string `json:"hypotheses"`
	// RegisteredBy, and Registered: the log position of the registration.
	RegisteredBy string `json:"registeredBy"`
	Registered   string `json:"registered"`
	// Late: registered with late: true; PostData the first post-period
	// observation found then.
	Late     bool   `json:"late"`
	PostData string `json:"postData,omitempty"`
	// Estimate is the plan run exactly at the report's position (Error
	// set when it could not be).
	Estimate   ImpactRow   `json:"estimate"`
	Deviations []Deviation `json:"deviations"`
}

// Deviation is one way in which what was run differs from the plan.
type Deviation struct {
	// Aspect is METHOD, WINDOWS, COMPARISON or PREDICTORS.
	Aspect string `json:"aspect"`
	// Source is "report" (the report's own estimate) or the id of the
	// finding whose evidence differs.
	Source  string `json:"source"`
	Planned string `json:"planned"`
	Ran     string `json:"ran"`
}

// The aspects of a Deviation.
const (
	DeviationMethod     = "METHOD"
	DeviationWindows    = "WINDOWS"
	DeviationComparison = "COMPARISON"
	DeviationPredictors = "PREDICTORS"
	// DeviationSourceReport is the Source of a deviation of the report's
	// own estimate.
	DeviationSourceReport = "report"
)

// plans returns the planned analyses of iv (as known at pos) beside ir's
// estimates and findings; a plan that names an intervention the reader may
// not see is left out, as if never registered (PlanVisible).
func (g *Generator) plans(ctx context.Context, iv evaluate.Intervention, ir *InterventionReport, pos uint64) []PlannedAnalysis {
	var out []PlannedAnalysis
	for _, p := range iv.Plans {
		if ctx.Err() != nil {
			return out
		}
		if !g.cfg.Evaluator.PlanVisible(p, pos) {
			continue
		}
		out = append(out, g.plannedAnalysis(ctx, p, ir, pos))
	}
	return out
}

func (g *Generator) plannedAnalysis(ctx context.Context, p projections.Plan, ir *InterventionReport, pos uint64) PlannedAnalysis {
	pa := PlannedAnalysis{Plan: p.ID, Indicator: p.Indicator, Name: p.Indicator, Method: string(p.Method),
		Before: p.Before.From + " to " + p.Before.To, After: p.After.From + " to " + p.After.To,
		Regions: nonNil(p.Regions), Comparison: nonNil(p.Comparison), Predictors: []string{}, Hypotheses: nonNil(p.Hypotheses),
		RegisteredBy: p.RegisteredBy, Registered: strconv.FormatUint(p.Position, 10), Late: p.Late, PostData: p.PostData,
		Deviations: []Deviation{}}
	if p.ITS != nil {
		pa.Model = string(p.ITS.Model)
	}
	for _, x := range p.Predictors {
		pa.Predictors = append(pa.Predictors, predictorText(x))
	}
	ind, _ := g.cfg.Evaluator.Catalog.IndicatorAt(p.Indicator, pos)
	if ind.Name != "" {
		pa.Name = ind.Name
	}
	est := ImpactRow{Indicator: p.Indicator, Name: pa.Name, Unit: ind.Unit, Regions: []string{}, Comparison: []string{}, Parameters: []Param{}, Series: []SeriesPoint{}}
	planned, err := g.cfg.Evaluator.RunPlan(ctx, p, pos)
	if err != nil {
		est.Error, est.ErrorMsg = errText(err), errMsg(err)
	} else {
		est.Method, est.Model, est.Effect, est.Ratio = string(planned.Method), string(planned.Model), num(planned.Effect.Value), planned.Ratio
		if planned.Effect.HasInterval {
			est.Low, est.High = num(planned.Effect.Low), num(planned.Effect.High)
		}
		if planned.Effect.HasPValue {
			est.PValue = num(planned.Effect.PValue)
		}
		est.Regions, est.Comparison, est.FirstPeriod = nonNil(planned.Regions), nonNil(planned.Comparison), planned.FirstPeriod
		est.Verdict = verdict(planned, ind.DesiredDirection)
	}
	pa.Estimate = est

	// The report's own estimate on the plan's indicator.
	for _, row := range ir.Impacts {
		if row.Indicator != p.Indicator || row.Error != "" {
			continue
		}
		dev := func(aspect, planned, ran string) {
			pa.Deviations = append(pa.Deviations, Deviation{Aspect: aspect, Source: DeviationSourceReport, Planned: planned, Ran: ran})
		}
		if row.Method != string(p.Method) {
			dev(DeviationMethod, string(p.Method), row.Method)
		}
		if len(row.Series) > 0 {
			last := row.Series[len(row.Series)-1].Period
			if ran, planned := row.Series[0].Period+" to "+last, p.Before.From+" to "+p.After.To; ran != planned {
				dev(DeviationWindows, planned, ran)
			}
			if row.FirstPeriod != p.After.From {
				// The intervention's start was changed after the plan.
				dev(DeviationWindows, p.After.From+" to "+p.After.To, row.FirstPeriod+" to "+last)
			}
		}
		plannedCmp := p.Comparison
		if err == nil {
			plannedCmp = planned.Comparison
		}
		if !sameSet(plannedCmp, row.Comparison) {
			dev(DeviationComparison, listText(plannedCmp), listText(row.Comparison))
		}
		if len(p.Predictors) > 0 {
			dev(DeviationPredictors, strings.Join(pa.Predictors, ", "), "")
		}
	}
	// The findings whose evidence is on the plan's indicator.
	for _, f := range ir.Findings {
		ev := f.ev
		if ev == nil || ev.Indicator != p.Indicator {
			continue
		}
		dev := func(aspect, planned, ran string) {
			pa.Deviations = append(pa.Deviations, Deviation{Aspect: aspect, Source: f.FindingID, Planned: planned, Ran: ran})
		}
		if m, _, _ := strings.Cut(strings.TrimSpace(ev.Method), " "); !strings.EqualFold(m, string(p.Method)) {
			dev(DeviationMethod, string(p.Method), ev.Method)
		}
		params := map[string]string{}
		for _, x := range ev.Parameters {
			params[strings.ToLower(x.Name)] = x.Value
		}
		from, to := p.Before.From, p.After.To
		if v, ok := params["from"]; ok {
			from = v
		}
		if v, ok := params["to"]; ok {
			to = v
		}
		if from != p.Before.From || to != p.After.To {
			dev(DeviationWindows, p.Before.From+" to "+p.After.To, from+" to "+to)
		}
		if c, ok := params["comparison"]; ok && !sameSet(p.Comparison, splitList(c)) {
			dev(DeviationComparison, listText(p.Comparison), c)
		}
		if pr, ok := params["predictors"]; ok && pr != strings.Join(pa.Predictors, ", ") {
			dev(DeviationPredictors, strings.Join(pa.Predictors, ", "), pr)
		}
	}
	return pa
}

func predictorText(p domain.PlanPredictor) string {
	if p.From == p.To {
		return p.Indicator + " " + p.From
	}
	return p.Indicator + " " + p.From + " to " + p.To
}

func listText(xs []string) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

func sameSet(a, b []string) bool { return listText(a) == listText(b) }

// planLines are the sentences of one planned analysis, in t's language
// (plain text; the renderers escape them).
func (t words) planLines(p PlannedAnalysis) (head string, details []string) {
	method := t.Code("method", p.Method)
	if p.Model != "" {
		method = t.T("method.with.model", method, t.Code("model", p.Model))
	}
	cmp := t.T("report.plan.default")
	if len(p.Comparison) > 0 {
		cmp = t.regions(p.Comparison)
	}
	head = t.T("report.plan.line", p.Plan, p.Name, method, t.window(p.Before), t.window(p.After), t.regions(p.Regions), cmp)
	if len(p.Predictors) > 0 {
		details = append(details, t.T("report.plan.predictors", strings.Join(p.Predictors, "; ")))
	}
	switch {
	case !p.Late:
		details = append(details, t.T("report.plan.ontime", p.RegisteredBy, p.Registered))
	case p.PostData != "":
		details = append(details, t.T("report.plan.late", p.RegisteredBy, p.Registered, p.PostData))
	default:
		details = append(details, t.T("report.plan.late.marked", p.RegisteredBy, p.Registered))
	}
	details = append(details, t.T("report.plan.hypotheses", strings.Join(p.Hypotheses, "; ")))
	if p.Estimate.Error != "" {
		details = append(details, t.T("report.plan.noresult", t.problem(p.Estimate.Error, p.Estimate.ErrorMsg)))
	} else {
		details = append(details, t.T("report.plan.result", t.effect(p.Estimate), t.pValue(p.Estimate.PValue)))
	}
	if len(p.Deviations) == 0 {
		details = append(details, t.T("report.plan.nodeviation"))
	}
	for _, d := range p.Deviations {
		src := t.T("report.plan.source.report")
		if d.Source != DeviationSourceReport {
			src = t.T("report.plan.source.finding", d.Source)
		}
		planned, ran := d.Planned, d.Ran
		switch d.Aspect {
		case DeviationMethod:
			planned, ran = t.Code("method", planned), t.Code("method", ran)
		case DeviationWindows:
			planned, ran = t.window(planned), t.window(ran)
		}
		details = append(details, t.T("report.plan.deviation", t.Code("deviation", d.Aspect), src, t.orDash(planned), t.orDash(ran)))
	}
	return head, details
}

// writePlansMD writes the planned analyses of an intervention, if any.
func writePlansMD(b *strings.Builder, t words, plans []PlannedAnalysis) {
	if len(plans) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### %s\n\n", t.T("report.plans"))
	for _, p := range plans {
		head, details := t.planLines(p)
		fmt.Fprintf(b, "- %s\n", mdText(head))
		for _, d := range details {
			fmt.Fprintf(b, "  - %s\n", mdText(d))
		}
	}
}

// htmlPlans writes the planned analyses of an intervention, if any.
func htmlPlans(b *strings.Builder, t words, plans []PlannedAnalysis) {
	if len(plans) == 0 {
		return
	}
	fmt.Fprintf(b, "<h3>%s</h3>\n<ul class=\"plans\">\n", esc(t.T("report.plans")))
	for _, p := range plans {
		head, details := t.planLines(p)
		fmt.Fprintf(b, "<li>%s<ul>", esc(head))
		for _, d := range details {
			fmt.Fprintf(b, "<li>%s</li>", esc(d))
		}
		b.WriteString("</ul></li>\n")
	}
	b.WriteString("</ul>\n")
}

// rating is the design rating of a finding and its override, in words;
// "" for a finding recorded without a design.
func (t words) rating(f FindingView) string {
	if f.Rating == nil {
		return ""
	}
	s := t.T("report.finding.rating", t.Int(f.Rating.SMS), t.Int(f.Rating.Quality))
	if f.QualityOverride != "" {
		s += " " + t.T("report.finding.override", t.Int(f.EvidenceQuality), t.Int(f.Rating.Quality), f.QualityOverride)
	}
	return s
}
