package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Format is a report format.
type Format string

// The formats of a report (the GraphQL enum ReportFormat).
const (
	JSON     Format = "JSON"
	Markdown Format = "MARKDOWN"
	HTML     Format = "HTML"
)

// ParseFormat reads a format name in any case ("html", "MARKDOWN"; "md"
// for Markdown).
func ParseFormat(s string) (Format, error) {
	switch strings.ToUpper(s) {
	case "JSON":
		return JSON, nil
	case "MARKDOWN", "MD":
		return Markdown, nil
	case "HTML":
		return HTML, nil
	}
	return "", domain.Invalidm("format", "cli2.report.format", s)
}

// Generate builds the report of cycle id and renders it in format f, in
// English.
func (g *Generator) Generate(ctx context.Context, id string, f Format) ([]byte, error) {
	return g.GenerateIn(ctx, id, f, i18n.EN)
}

// GenerateIn builds the report of cycle id and renders it in format f and
// language l.
func (g *Generator) GenerateIn(ctx context.Context, id string, f Format, l i18n.Lang) ([]byte, error) {
	r, err := g.Build(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.RenderIn(f, l)
}

// Render returns the report in format f, in English. The same report
// always renders to the same bytes.
func (r *Report) Render(f Format) ([]byte, error) { return r.RenderIn(f, i18n.EN) }

// RenderIn returns the report in format f and language l. The same report
// always renders to the same bytes. JSON is data for programs: its codes
// and field names are the same in every language.
func (r *Report) RenderIn(f Format, l i18n.Lang) ([]byte, error) {
	if l != i18n.EN && l != i18n.FR {
		return nil, domain.Invalid("lang", "%q is not a report language (EN or FR)", l)
	}
	switch f {
	case JSON:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return nil, fmt.Errorf("encode report: %w", err)
		}
		return b.Bytes(), nil
	case Markdown:
		return r.markdown(l), nil
	case HTML:
		return r.html(l), nil
	}
	return nil, domain.Invalid("format", "%q is not a report format (JSON, MARKDOWN or HTML)", f)
}

// ParseLang reads a report language ("en", "FR", "fr-BE"; empty is
// English), or returns a domain error naming the field lang.
func ParseLang(s string) (i18n.Lang, error) {
	l, err := i18n.ParseLang(s)
	if err != nil {
		return "", domain.Invalidm("lang", "cli2.report.lang", s)
	}
	return l, nil
}

func (r *Report) markdown(l i18n.Lang) []byte {
	var b strings.Builder
	t := r.words(l)
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Cycle
	w("# %s\n\n%s\n\n", mdText(c.Title), mdText(t.T("report.doctitle")))
	w("**%s.** %s\n\n", t.Code("status", r.Status), mdText(t.T("status."+r.Status+".note")))
	if r.Status == StatusFinal {
		w("%s\n\n", mdText(t.T(editionNoteKey(r.ClosedEdition, r.Edition), r.ClosedEdition, r.Edition)))
	}
	w("- %s: `%s`; %s: %s\n", t.T("report.cycle"), c.ID, t.T("report.period"), t.T("range", t.DateString(c.From), t.DateString(c.To)))
	w("- %s: %s\n", t.T("report.evidence"), t.T("report.evidence.value", r.Position, t.orDash(t.DateString(r.PositionTime))))
	if c.PreviousCycle != "" {
		w("- %s: `%s`\n", t.T("report.follows"), c.PreviousCycle)
	}
	w("- %s: %s; %s: %s\n", t.T("report.shown"), t.Int(len(r.Interventions)), t.T("report.withheld"), t.Int(r.Withheld))
	if len(c.Regions) > 0 {
		w("- %s: %s\n", t.T("report.regions"), mdText(t.regions(c.Regions)))
	}
	w("\n## %s\n", t.T("report.summary"))
	if c.Closed && strings.TrimSpace(c.Summary) != "" {
		w("\n### %s\n\n%s\n", t.T("report.summary.cycle"), mdText(c.Summary))
	}
	if c.Closed && len(c.Recommendations) > 0 {
		w("\n### %s\n\n", t.T("report.recommendations"))
		for i, rec := range c.Recommendations {
			w("%d. %s\n", i+1, mdText(rec))
		}
	}
	w("\n### %s\n\n| %s |", t.T("report.summary.table"), t.T("report.summary.intervention"))
	for _, fam := range Families {
		w(" %s |", t.Code("family", string(fam)))
	}
	w("\n|---|%s\n", strings.Repeat("---|", len(Families)))
	for _, iv := range r.Interventions {
		w("| %s |", mdCell(t.orDash(iv.Title)))
		for _, fam := range Families {
			counts := t.verdictCounts(iv, string(fam))
			if len(counts) == 0 {
				counts = []string{t.T("report.summary.none")}
			}
			w(" %s |", mdCell(strings.Join(counts, "; ")))
		}
		w("\n")
	}
	w("\n%s\n\n### %s\n\n", mdText(t.T("report.summary.note")), t.T("report.summary.clearest"))
	if cl := r.clearest(6); len(cl) == 0 {
		w("%s\n", t.T("report.summary.clearest.none"))
	} else {
		for _, x := range cl {
			w("- **%s**, %s: %s (%s).\n", mdText(x.im.Name), mdText(t.orDash(x.iv.Title)), mdText(t.effect(*x.im)), t.Code("verdict", x.im.Verdict))
		}
	}
	if len(c.Questions) > 0 {
		w("\n## %s\n\n", t.T("report.questions"))
		for _, q := range c.Questions {
			w("- %s\n", mdText(q))
		}
	}
	r.markdownProgrammes(&b, t)
	for _, iv := range r.Interventions {
		w("\n## %s (`%s`)\n\n", mdText(t.orDash(iv.Title)), iv.ID)
		if iv.Missing != "" {
			w("%s\n", t.T("report.missing", r.Position))
			continue
		}
		if iv.End == "" {
			w("%s\n", mdText(t.T("report.ivline.ongoing", t.kind(iv.Kind), t.regions(iv.Regions), t.DateString(iv.Start))))
		} else {
			w("%s\n", mdText(t.T("report.ivline", t.kind(iv.Kind), t.regions(iv.Regions), t.DateString(iv.Start), t.DateString(iv.End))))
		}
		if p := iv.Proportionality; p != nil {
			w("\n### %s\n\n", t.T("report.proportionality"))
			if iv.Kind == "OPERATION" {
				w("- %s: %s\n- %s: %s\n- %s: %s\n- %s: %s\n- %s: %s\n", t.T("report.tier"), t.orDash(t.Code("tier", p.TargetTier)),
					t.T("report.judicial"), mdText(t.yesNo(p.JudicialAuthorisation, p.Authorisation)), t.T("report.legal"), mdText(t.orDash(p.LegalBasis)),
					t.T("report.partners"), mdText(t.orDash(strings.Join(p.Partners, ", "))), t.T("report.classification"), t.orDash(t.Code("class", p.Classification)))
			} else {
				w("- %s: %s\n", t.T("report.policykind"), t.orDash(t.Code("policy", p.PolicyKind)))
			}
			ongoing := ""
			if p.Ongoing {
				ongoing = t.T("report.ongoing")
			}
			w("- %s: %s%s\n", t.T("report.duration"), t.N("report.days", p.DurationDays), ongoing)
		}
		if o := iv.Outputs; o != nil {
			w("\n### %s\n\n", t.T("report.outputs"))
			w("- %s: %s; %s: %s; %s: %s; %s: %s\n", t.T("report.periods"), t.Int(o.Periods), t.T("report.arrests"), t.Int(o.Arrests),
				t.T("report.seized"), mdText(t.seizures(o.Seizures)), t.T("report.labs"), t.Int(o.LabsDismantled))
			w("- %s: %s; %s: %s\n", t.T("report.frozen"), t.Num(float64(o.AssetsFrozen)), t.T("report.confiscated"), t.Num(float64(o.AssetsConfiscated)))
			w("- %s: %s; %s: %s; %s: %s\n", t.T("report.cost", t.Code("costsource", o.CostSource)), t.Num(float64(o.Cost)),
				t.T("report.per.arrest"), t.num(o.CostPerArrest), t.T("report.per.kg"), t.num(o.CostPerKg))
		}
		w("\n### %s\n\n| %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|\n", t.T("report.impact"), t.T("report.col.family"),
			t.T("report.col.indicator"), t.T("report.col.method"), t.T("report.col.effect"), t.T("report.col.p"), t.T("report.col.verdict"), t.T("report.col.ce"))
		for _, im := range iv.Impacts {
			if im.Error != "" {
				w("| %s | %s | %s | | | | |\n", t.Code("family", im.Family), mdCell(im.Name), mdCell(t.T("report.noestimate", t.problem(im.Error, im.ErrorMsg))))
				continue
			}
			w("| %s | %s | %s | %s | %s | %s | %s |\n", t.Code("family", im.Family), mdCell(im.Name), t.method(im), mdCell(t.effect(im)),
				t.pValue(im.PValue), t.Code("verdict", im.Verdict), mdCell(t.costEffect(im.CostEffectiveness, im.Unit, im.Counts)))
		}
		if len(iv.NoData) > 0 {
			w("\n%s\n", mdText(t.T("report.nodata", t.Join(iv.NoDataNames))))
		}
		writePowerMD(w, t, iv.Impacts)
		writeTrendsMD(w, t, impactTrends(iv.Impacts))
		w("\n### %s\n\n", t.T("report.why"))
		for _, im := range iv.Impacts {
			if im.Error == "" {
				w("- **%s**: %s\n", mdText(im.Name), mdText(whyText(t.Lang, im)))
			}
		}
		w("\n### %s\n\n| %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|\n", t.T("report.displacement"), t.T("report.col.indicator"),
			t.T("report.col.finding"), t.T("report.col.wdq"), t.T("report.col.tne"), t.T("report.col.wdd"), t.T("report.col.cross"), t.T("report.col.windows"))
		for _, d := range iv.Displacement {
			if d.Error != "" {
				w("| %s | %s | | | | | |\n", mdCell(d.Name), mdCell(t.T("report.noanalysis", t.problem(d.Error, d.ErrorMsg))))
				continue
			}
			w("| %s | %s | %s | %s | %s | %s | %s / %s |\n", mdCell(d.Name), t.Code("finding", d.Finding), t.num(d.WDQ), t.num(d.TotalNetEffect),
				t.wdd(d.WDD), t.yesNo(d.CrossBorder, ""), t.window(d.Before), t.window(d.After))
		}
		w("\n### %s\n\n", t.T("report.findings"))
		writeFindingsMD(&b, t, iv.Findings)
		writePlansMD(&b, t, iv.Plans)
	}
	if len(r.Findings) > 0 {
		w("\n## %s\n\n", t.T("report.findings.scope"))
		writeFindingsMD(&b, t, r.Findings)
	}
	if p := r.Previous; p != nil {
		w("\n## %s\n\n%s\n", mdText(t.T("report.previous", p.Title, p.ID)), mdText(p.Summary))
		if len(p.Recommendations) > 0 {
			w("\n%s\n\n", t.T("report.previous.recommended"))
			for i, rec := range p.Recommendations {
				w("%d. %s\n", i+1, mdText(rec))
			}
		}
		if len(p.FollowUps) > 0 {
			w("\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", t.T("report.col.prevfinding"), t.T("report.col.intervention"),
				t.T("report.col.family"), t.T("report.col.ratingthen"), t.T("report.col.rec"), t.T("report.col.became"))
			for _, f := range p.FollowUps {
				w("| %s: %s | %s | %s | %s | %s | %s |\n", f.Previous.FindingID, mdCell(f.Previous.Statement), t.orDash(f.Previous.Intervention),
					t.Code("family", f.Previous.Family), t.Code("effect", f.Previous.EffectRating), mdCell(t.orDash(f.Previous.Recommendation)), mdCell(t.followUp(f)))
			}
		}
		writeSensitivityMD(&b, t, p, r.Position)
	}
	w("\n## %s: %s\n", t.T("report.annex"), t.T("report.quality"))
	for _, iv := range r.Interventions {
		if iv.Missing != "" || len(iv.DataQuality) == 0 {
			continue
		}
		w("\n### %s\n\n| %s | %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|---|\n", mdText(t.orDash(iv.Title)), t.T("report.col.indicator"),
			t.T("report.col.region"), t.T("report.col.span"), t.T("report.col.observed"), t.T("report.col.gaps"), t.T("report.col.revisions"),
			t.T("report.col.retractions"), t.T("report.col.sources"))
		for _, q := range iv.DataQuality {
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Indicator, mdCell(t.region(q.Region)), t.span(q.First, q.Last), t.Int(q.Observed),
				t.gaps(q.GapPeriods, q.Gaps), t.Int(q.Revisions), t.Int(q.Retractions), mdCell(strings.Join(q.Sources, "; ")))
		}
	}
	w("\n%s\n", mdText(t.T("report.footer", r.Position, r.Position)))
	return []byte(b.String())
}

func writeFindingsMD(b *strings.Builder, t words, fs []FindingView) {
	if len(fs) == 0 {
		b.WriteString(t.T("report.findings.none") + "\n")
		return
	}
	for _, f := range fs {
		fmt.Fprintf(b, "- %s", mdText(t.T("report.finding.line", f.FindingID, t.Code("family", f.Family), t.Code("effect", f.EffectRating), t.Int(f.EvidenceQuality), f.Statement)))
		if ev := t.evidence(f); ev != "" {
			fmt.Fprintf(b, " %s", mdText(t.T("report.finding.evidence", ev)))
		}
		if r := t.rating(f); r != "" {
			fmt.Fprintf(b, " %s", mdText(r))
		}
		if f.Recommendation != "" {
			fmt.Fprintf(b, " %s", mdText(t.T("report.finding.rec", f.Recommendation)))
		}
		b.WriteString("\n")
	}
}

// mdText keeps recorded text from being read as Markdown structure.
func mdText(s string) string {
	r := strings.NewReplacer("\n", " ", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "#", "\\#")
	return r.Replace(s)
}

// mdCell is mdText for table cells, where '|' would end the cell.
func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", "\\|") }
