package report

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// ExposureRow is one stretch of time during which a region in the
// cycle's scope was exposed to an intervention (the timeline query).
type ExposureRow struct {
	Region       string `json:"region"`
	Intervention string `json:"intervention"`
	Title        string `json:"title"`
	// Role is TARGET, PARENT or NEIGHBOUR (see projections.Exposure).
	Role string `json:"role"`
	From string `json:"from"`
	// To is the first day no longer exposed; empty while it lasts.
	To string `json:"to,omitempty"`
}

// StaggeredRow is the staggered-adoption estimate of one programme in
// scope (interventions of one kind with the same expected effects,
// starting at different dates) on one indicator.
type StaggeredRow struct {
	Interventions []string `json:"interventions"`
	Indicator     string   `json:"indicator"`
	Name          string   `json:"name"`
	Family        string   `json:"family"`
	// ATT is the overall average effect on the treated regions, with its
	// 95% interval; nil with Error.
	ATT          *Num `json:"att,omitempty"`
	Low          *Num `json:"low,omitempty"`
	High         *Num `json:"high,omitempty"`
	Cohorts      int  `json:"cohorts"`
	Treated      int  `json:"treated"`
	NeverTreated int  `json:"neverTreated"`
	// Breakdown is the relative-magnitudes breakdown value of the event
	// study's average (nil without one, or when unbounded).
	Breakdown *Num `json:"breakdown,omitempty"`
	// Trends is the same sensitivity, for the sentence.
	Trends *TrendsNote `json:"parallelTrends,omitempty"`
	// Explanation is the estimate's paragraph (English).
	Explanation string   `json:"explanation,omitempty"`
	Error       string   `json:"error,omitempty"`
	ErrorMsg    i18n.Msg `json:"-"`
}

// exposure lists the timeline of each region in the cycle's scope (the
// regions of its interventions when it names none) over the cycle's
// dates, as known at pos, without interventions the reader may not see.
func (g *Generator) exposure(c projections.Cycle, ivs []*InterventionReport, pos uint64) []ExposureRow {
	e := g.cfg.Evaluator
	regions := slices.Clone(c.Regions)
	if len(regions) == 0 {
		for _, iv := range ivs {
			for _, r := range iv.Regions {
				if !slices.Contains(regions, r) {
					regions = append(regions, r)
				}
			}
		}
	}
	out := []ExposureRow{}
	for _, r := range regions {
		list, _ := e.Interventions.Timeline(e.Catalog, projections.TimelineQuery{Region: r, From: c.From, To: c.To, AsOf: pos, Visible: e.Visible})
		for _, x := range list {
			out = append(out, ExposureRow{Region: r, Intervention: x.Intervention.ID, Title: x.Intervention.Title, Role: x.Role, From: x.From, To: x.To})
		}
	}
	return out
}

// programmeKey groups interventions into programmes: the same kind of
// operation or policy change, with the same expected effects.
func programmeKey(iv evaluate.Intervention) string {
	if iv.Operation != nil {
		return "OPERATION/" + string(iv.Operation.Kind)
	}
	if iv.Policy == nil {
		return ""
	}
	fams := make([]string, 0, len(iv.Policy.ExpectedEffects))
	for _, x := range iv.Policy.ExpectedEffects {
		fams = append(fams, string(x.Family)+":"+string(x.Direction))
	}
	slices.Sort(fams)
	return "POLICY/" + string(iv.Policy.Kind) + "/" + strings.Join(fams, ",")
}

// programmeFamilies are the report families a programme is estimated on:
// a policy's expected effects, or those operations are taken to affect.
func programmeFamilies(iv evaluate.Intervention) []domain.Family {
	var out []domain.Family
	for _, f := range Families {
		if iv.Policy != nil {
			for _, x := range iv.Policy.ExpectedEffects {
				if x.Family == f && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		} else if f == domain.FamilyAvailability || f == domain.FamilyViolence || f == domain.FamilyDisplacement {
			out = append(out, f)
		}
	}
	return out
}

// staggered estimates every staggered programme in scope: interventions of
// one kind with the same expected effects (see programmeKey) that start on
// at least two different dates, on each indicator of the families they are
// expected to affect that has data in their regions, by
// evaluate.Evaluator.Staggered at pos, over the cycle's dates and
// everything before them.
func (g *Generator) staggered(ctx context.Context, c projections.Cycle, pos uint64) []StaggeredRow {
	e := g.cfg.Evaluator
	groups := map[string][]evaluate.Intervention{}
	var keys []string
	for _, id := range c.Interventions {
		iv, err := e.Intervention("intervention", id, pos)
		if err != nil {
			continue
		}
		k := programmeKey(iv)
		if k == "" {
			continue
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], iv)
	}
	out := []StaggeredRow{}
	for _, k := range keys {
		ivs := groups[k]
		ids, starts, regions := []string{}, map[string]bool{}, []string{}
		for _, iv := range ivs {
			ids = append(ids, iv.ID)
			starts[iv.Start] = true
			regions = append(regions, iv.Regions...)
		}
		if len(ids) < 2 || len(starts) < 2 {
			continue
		}
		for _, fam := range programmeFamilies(ivs[0]) {
			for _, ind := range e.Catalog.IndicatorsAt(fam, pos) {
				if ctx.Err() != nil {
					return out
				}
				if len(e.ExpandWithData(ind.Code, regions, pos)) == 0 {
					continue
				}
				row := StaggeredRow{Interventions: ids, Indicator: ind.Code, Name: orCode(ind.Name, ind.Code), Family: string(fam)}
				to := ""
				if d, err := domain.ParseDate(c.To); err == nil {
					to = domain.PeriodOf(ind.Granularity, d).String()
				}
				est, err := e.Staggered(ctx, evaluate.StaggeredQuery{Interventions: ids, Indicator: ind.Code, To: to, AsOf: pos})
				if err != nil {
					row.Error, row.ErrorMsg = errText(err), errMsg(err)
					out = append(out, row)
					continue
				}
				o := est.Overall
				row.ATT, row.Low, row.High = num(o.Estimate), num(o.Low), num(o.High)
				row.Cohorts, row.Treated, row.NeverTreated = len(est.Cohorts), est.Treated, est.NeverTreated
				if s := est.Sensitivity; s != nil {
					row.Breakdown = num(s.Breakdown)
					row.Trends = trendsNote(s)
				}
				row.Explanation = est.Explanation
				out = append(out, row)
			}
		}
	}
	return out
}

// markdownProgrammes writes the exposure and staggered sections.
func (r *Report) markdownProgrammes(b *strings.Builder, t words) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("\n## %s\n\n%s\n\n", t.T("report.timeline"), mdText(t.T("report.timeline.note")))
	if len(r.Exposure) == 0 {
		w("%s\n", t.T("report.timeline.none"))
	} else {
		w("| %s | %s | %s | %s |\n|---|---|---|---|\n", t.T("report.col.region"), t.T("report.col.intervention"), t.T("report.col.role"), t.T("report.col.dates"))
		for _, x := range r.Exposure {
			w("| %s | %s (`%s`) | %s | %s |\n", mdCell(t.region(x.Region)), mdCell(t.orDash(x.Title)), x.Intervention, t.Code("exposure", x.Role), t.exposureDates(x))
		}
	}
	if len(r.Staggered) == 0 {
		return
	}
	w("\n## %s\n\n%s\n\n| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", t.T("report.staggered"), mdText(t.T("report.staggered.note")),
		t.T("report.col.programme"), t.T("report.col.indicator"), t.T("report.col.att"), t.T("report.col.cohorts"), t.T("report.col.breakdown"))
	for _, s := range r.Staggered {
		if s.Error != "" {
			w("| %s | %s | %s | | |\n", strings.Join(s.Interventions, ", "), mdCell(s.Name), mdCell(t.T("report.noestimate", t.problem(s.Error, s.ErrorMsg))))
			continue
		}
		w("| %s | %s | %s | %s | %s |\n", strings.Join(s.Interventions, ", "), mdCell(s.Name), t.T("report.staggered.att", t.num(s.ATT), t.num(s.Low), t.num(s.High)),
			t.T("report.staggered.cohorts", t.Int(s.Cohorts), t.Int(s.Treated), t.Int(s.NeverTreated)), t.num(s.Breakdown))
	}
	writeTrendsMD(w, t, staggeredTrends(r.Staggered))
}

// htmlProgrammes writes the exposure and staggered sections.
func (r *Report) htmlProgrammes(b *strings.Builder, t words) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("<section class=\"timeline\" id=\"timeline\"><h2>%s</h2>\n<p class=\"note\">%s</p>\n", esc(t.T("report.timeline")), esc(t.T("report.timeline.note")))
	if len(r.Exposure) == 0 {
		w("<p>%s</p>\n", esc(t.T("report.timeline.none")))
	} else {
		w("<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.col.region")), esc(t.T("report.col.intervention")),
			esc(t.T("report.col.role")), esc(t.T("report.col.dates")))
		for _, x := range r.Exposure {
			w("<tr><td>%s</td><td>%s <small>(%s)</small></td><td>%s</td><td>%s</td></tr>\n", esc(t.region(x.Region)), esc(t.orDash(x.Title)), esc(x.Intervention),
				esc(t.Code("exposure", x.Role)), esc(t.exposureDates(x)))
		}
		w("</table>\n")
	}
	if len(r.Staggered) > 0 {
		w("<h2>%s</h2>\n<p class=\"note\">%s</p>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.staggered")),
			esc(t.T("report.staggered.note")), esc(t.T("report.col.programme")), esc(t.T("report.col.indicator")), esc(t.T("report.col.att")),
			esc(t.T("report.col.cohorts")), esc(t.T("report.col.breakdown")))
		for _, s := range r.Staggered {
			if s.Error != "" {
				w("<tr><td>%s</td><td>%s</td><td colspan=\"3\" class=\"err\">%s</td></tr>\n", esc(strings.Join(s.Interventions, ", ")), esc(s.Name), esc(t.T("report.noestimate", t.problem(s.Error, s.ErrorMsg))))
				continue
			}
			w("<tr><td>%s</td><td>%s</td><td class=\"n\">%s</td><td>%s</td><td class=\"n\">%s</td></tr>\n", esc(strings.Join(s.Interventions, ", ")), esc(s.Name),
				esc(t.T("report.staggered.att", t.num(s.ATT), t.num(s.Low), t.num(s.High))),
				esc(t.T("report.staggered.cohorts", t.Int(s.Cohorts), t.Int(s.Treated), t.Int(s.NeverTreated))), t.num(s.Breakdown))
		}
		w("</table>\n")
		htmlTrends(w, t, staggeredTrends(r.Staggered))
	}
	w("</section>\n")
}

// exposureDates is "from X" or "X to Y" (Y the last day exposed).
func (w words) exposureDates(x ExposureRow) string {
	if x.To == "" {
		return w.T("report.exposure.from", w.DateString(x.From))
	}
	last := x.To
	if d, err := domain.ParseDate(x.To); err == nil {
		last = d.AddDate(0, 0, -1).Format("2006-01-02")
	}
	return w.T("range", w.DateString(x.From), w.DateString(last))
}
