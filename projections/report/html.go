package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/supplyeval/supplyeval/chart"
	"github.com/supplyeval/supplyeval/i18n"
)

// The HTML report is one file: inline CSS (with an A4 print layout) and
// inline SVG charts, no script, no external resource, so it reads offline
// and prints as it shows. It opens with a one-page summary of findings;
// the data-quality tables go to an annex.

const css = `
body{font-family:Georgia,"Times New Roman",serif;color:#1b1b1b;max-width:1180px;margin:0 auto;padding:24px 32px;line-height:1.45;background:#fff}
h1{font-size:1.9em;margin:0 0 .1em}.sub{font:1em Helvetica,Arial,sans-serif;color:#555;margin:0 0 .6em}
h2{border-bottom:2px solid #2a4d69;padding-bottom:.15em;margin-top:1.6em;color:#2a4d69}
h3{margin:1.1em 0 .35em;color:#333}
.status{padding:.5em 1em;border-left:6px solid #2a4d69;background:#eef3f7;margin:.8em 0}
.status.PREVIEW{border-color:#b35900;background:#fff1e0}.status.DRAFT{border-color:#8a6d00;background:#fffbe6}
table{border-collapse:collapse;width:100%;font-size:.86em;margin:.4em 0 1em;font-family:Helvetica,Arial,sans-serif}
th,td{border:1px solid #c9d3dc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#e6edf3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.meta{font-family:Helvetica,Arial,sans-serif;font-size:.92em}
.summary{border:1px solid #c9d3dc;padding:2px 18px 8px;background:#fafcfd}
.summary ul{margin:.2em 0}.summary li{margin:.15em 0}
.matrix td{font-size:.95em}
.charts{display:flex;flex-wrap:wrap;gap:10px}
figure{margin:0;border:1px solid #dde3e8;padding:6px;background:#fcfdfe;width:440px}
figure svg{display:block;width:100%;height:auto}
figcaption{font:12px Helvetica,Arial,sans-serif;color:#333}
svg text{font:10px Helvetica,Arial,sans-serif;fill:#333}svg .xtitle,svg .ytitle{font-size:10.5px;fill:#111}
.err{color:#8a1c1c}.note{color:#555;font-size:.9em}.why{font-size:.9em}
.legend span{display:inline-block;margin-right:12px;font:12px Helvetica,Arial,sans-serif}
.sw{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
@page{size:A4;margin:14mm 12mm}
@media print{nav.contents{display:none}body{max-width:none;padding:0;font-size:9.5pt;line-height:1.3}h1{font-size:17pt}h2{font-size:13pt;margin-top:1em}h3{font-size:10.5pt;margin:.7em 0 .25em}
table{font-size:7.6pt;margin:.2em 0 .6em}th,td{padding:1.5px 4px}
.summary{break-after:page;border:none;padding:0;background:none}section.iv,section.annex{break-before:page}
figure,tr,.legend{break-inside:avoid}h2,h3{break-after:avoid}
.charts{gap:4px}figure{width:calc(50% - 16px);padding:3px}figcaption{font-size:7.5pt}.why{font-size:7.8pt}
.status,.sw,svg,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`

var roleColour = map[string]string{"TARGET": "#c0392b", "BUFFER": "#e67e22", "CONTROL": "#7f8c8d", "BUFFER_CONTROL": "#bdc3c7"}

func esc(s string) string { return html.EscapeString(s) }

func (r *Report) html(l i18n.Lang) []byte {
	var b strings.Builder
	t := r.words(l)
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Cycle
	w("<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title>\n<style>%s</style></head><body>\n", l.Tag(), esc(c.Title), css)
	w("<h1>%s</h1>\n<p class=\"sub\">%s</p>\n", esc(c.Title), esc(t.T("report.doctitle")))
	w("<div class=\"status %s\"><b>%s.</b> %s</div>\n", esc(r.Status), esc(t.Code("status", r.Status)), esc(t.T("status."+r.Status+".note")))
	if r.Status == StatusFinal {
		w("<div class=\"status edition\">%s</div>\n", esc(t.T(editionNoteKey(r.ClosedEdition, r.Edition), r.ClosedEdition, r.Edition)))
	}
	recorded := t.orDash(t.DateString(r.PositionTime))
	w("<table class=\"meta\"><tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr>\n", esc(t.T("report.cycle")), esc(c.ID),
		esc(t.T("report.period")), esc(t.T("range", t.DateString(c.From), t.DateString(c.To))))
	w("<tr><th>%s</th><td colspan=\"3\">%s</td></tr>\n", esc(t.T("report.evidence")), esc(t.T("report.evidence.value", r.Position, recorded)))
	w("<tr><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td></tr>\n", esc(t.T("report.shown")), t.Int(len(r.Interventions)),
		esc(t.T("report.withheld")), t.Int(r.Withheld))
	w("<tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr></table>\n", esc(t.T("report.regions")), esc(t.orDash(t.regions(c.Regions))),
		esc(t.T("report.follows")), esc(t.orDash(c.PreviousCycle)))
	if r.Withheld > 0 {
		w("<p class=\"note\">%s</p>\n", esc(t.N("report.withheld.n", r.Withheld)))
	}
	r.htmlSummary(&b, t)
	w("<nav class=\"contents\"><h2>%s</h2><ol>", esc(t.T("report.contents")))
	for _, iv := range r.Interventions {
		w("<li><a href=\"#iv-%s\">%s</a> (%s)</li>", esc(iv.ID), esc(t.orDash(iv.Title)), esc(iv.ID))
	}
	w("<li><a href=\"#annex\">%s: %s</a></li></ol></nav>\n", esc(t.T("report.annex")), esc(t.T("report.annex.title")))
	r.htmlProgrammes(&b, t)
	for _, iv := range r.Interventions {
		r.htmlIntervention(&b, t, iv)
	}
	if len(r.Findings) > 0 {
		w("<h2>%s</h2>\n", esc(t.T("report.findings.scope")))
		htmlFindings(&b, t, r.Findings)
	}
	if p := r.Previous; p != nil {
		w("<h2>%s</h2>\n<p>%s</p>\n", esc(t.T("report.previous", p.Title, p.ID)), esc(p.Summary))
		if len(p.Recommendations) > 0 {
			w("<p>%s</p><ol>", esc(t.T("report.previous.recommended")))
			for _, rec := range p.Recommendations {
				w("<li>%s</li>", esc(rec))
			}
			w("</ol>\n")
		}
		if len(p.FollowUps) > 0 {
			w("<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.col.prevfinding")),
				esc(t.T("report.col.intervention")), esc(t.T("report.col.family")), esc(t.T("report.col.ratingthen")), esc(t.T("report.col.rec")), esc(t.T("report.col.became")))
			for _, f := range p.FollowUps {
				w("<tr><td>%s: %s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(f.Previous.FindingID), esc(f.Previous.Statement),
					esc(t.orDash(f.Previous.Intervention)), esc(t.Code("family", f.Previous.Family)), esc(t.Code("effect", f.Previous.EffectRating)),
					esc(t.orDash(f.Previous.Recommendation)), esc(t.followUp(f)))
			}
			w("</table>\n")
		}
		htmlSensitivity(&b, t, p, r.Position)
	}
	r.htmlAnnex(&b, t)
	w("<p class=\"note\">%s</p>\n", esc(t.T("report.footer", r.Position, r.Position)))
	w("</body></html>\n")
	return []byte(b.String())
}

// htmlSummary is the one-page summary of findings at the top.
func (r *Report) htmlSummary(b *strings.Builder, t words) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	c := r.Cycle
	w("<section class=\"summary\" id=\"summary\"><h2>%s</h2>\n", esc(t.T("report.summary")))
	if len(c.Questions) > 0 {
		w("<h3>%s</h3><ul>", esc(t.T("report.questions")))
		for _, q := range c.Questions {
			w("<li>%s</li>", esc(q))
		}
		w("</ul>\n")
	}
	if c.Closed && strings.TrimSpace(c.Summary) != "" {
		w("<h3>%s</h3><p>%s</p>\n", esc(t.T("report.summary.cycle")), esc(c.Summary))
	}
	if c.Closed && len(c.Recommendations) > 0 {
		w("<h3>%s</h3><ol>", esc(t.T("report.recommendations")))
		for _, rec := range c.Recommendations {
			w("<li>%s</li>", esc(rec))
		}
		w("</ol>\n")
	}
	w("<h3>%s</h3>\n<table class=\"matrix\"><tr><th>%s</th>", esc(t.T("report.summary.table")), esc(t.T("report.summary.intervention")))
	for _, fam := range Families {
		w("<th>%s</th>", esc(t.Code("family", string(fam))))
	}
	w("</tr>\n")
	for _, iv := range r.Interventions {
		w("<tr><td><a href=\"#iv-%s\">%s</a></td>", esc(iv.ID), esc(t.orDash(iv.Title)))
		for _, fam := range Families {
			counts := t.verdictCounts(iv, string(fam))
			if len(counts) == 0 {
				w("<td class=\"note\">%s</td>", esc(t.T("report.summary.none")))
				continue
			}
			w("<td>%s</td>", esc(strings.Join(counts, "; ")))
		}
		w("</tr>\n")
	}
	w("</table>\n<p class=\"note\">%s</p>\n", esc(t.T("report.summary.note")))
	w("<h3>%s</h3>\n", esc(t.T("report.summary.clearest")))
	if cl := r.clearest(6); len(cl) == 0 {
		w("<p>%s</p>\n", esc(t.T("report.summary.clearest.none")))
	} else {
		w("<ul>")
		for _, x := range cl {
			w("<li><b>%s</b>, %s: %s (%s).</li>", esc(x.im.Name), esc(t.orDash(x.iv.Title)), esc(t.effect(*x.im)), esc(t.Code("verdict", x.im.Verdict)))
		}
		w("</ul>\n")
	}
	w("<h3>%s</h3>\n", esc(t.T("report.summary.displacement")))
	var disp []string
	for _, iv := range r.Interventions {
		for _, d := range iv.Displacement {
			if d.Finding == "DISPLACEMENT" || d.Finding == "DIFFUSION" {
				disp = append(disp, t.T("report.summary.displacement.line", t.orDash(iv.Title)+", "+d.Name, t.Code("finding", d.Finding)))
			}
		}
	}
	if len(disp) == 0 {
		w("<p>%s</p>\n", esc(t.T("report.summary.displacement.none")))
	} else {
		w("<ul>")
		for _, s := range disp {
			w("<li>%s</li>", esc(s))
		}
		w("</ul>\n")
	}
	w("<h3>%s</h3>\n", esc(t.T("report.summary.findings")))
	var all []FindingView
	for _, iv := range r.Interventions {
		all = append(all, iv.Findings...)
	}
	all = append(all, r.Findings...)
	if len(all) == 0 {
		w("<p>%s</p>\n", esc(t.T("report.summary.findings.none")))
	} else {
		w("<ul>")
		for _, f := range all {
			w("<li>%s</li>", esc(t.T("report.finding.line", f.FindingID, t.Code("family", f.Family), t.Code("effect", f.EffectRating), t.Int(f.EvidenceQuality), f.Statement)))
		}
		w("</ul>\n")
	}
	w("</section>\n")
}

func (r *Report) htmlIntervention(b *strings.Builder, t words, iv InterventionReport) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("<section class=\"iv\" id=\"iv-%s\"><h2>%s <small>(%s)</small></h2>\n", esc(iv.ID), esc(t.orDash(iv.Title)), esc(iv.ID))
	if iv.Missing != "" {
		w("<p class=\"err\">%s</p></section>\n", esc(t.T("report.missing", r.Position)))
		return
	}
	if iv.End == "" {
		w("<p>%s</p>\n", esc(t.T("report.ivline.ongoing", t.kind(iv.Kind), t.regions(iv.Regions), t.DateString(iv.Start))))
	} else {
		w("<p>%s</p>\n", esc(t.T("report.ivline", t.kind(iv.Kind), t.regions(iv.Regions), t.DateString(iv.Start), t.DateString(iv.End))))
	}
	if p := iv.Proportionality; p != nil {
		w("<h3>%s</h3><table class=\"meta\">", esc(t.T("report.proportionality")))
		if iv.Kind == "OPERATION" {
			w("<tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr>", esc(t.T("report.tier")), esc(t.orDash(t.Code("tier", p.TargetTier))),
				esc(t.T("report.judicial")), esc(t.yesNo(p.JudicialAuthorisation, p.Authorisation)))
			w("<tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr>", esc(t.T("report.legal")), esc(t.orDash(p.LegalBasis)),
				esc(t.T("report.partners")), esc(t.orDash(strings.Join(p.Partners, ", "))))
			w("<tr><th>%s</th><td>%s</td>", esc(t.T("report.classification")), esc(t.orDash(t.Code("class", p.Classification))))
		} else {
			w("<tr><th>%s</th><td>%s</td>", esc(t.T("report.policykind")), esc(t.orDash(t.Code("policy", p.PolicyKind))))
		}
		ongoing := ""
		if p.Ongoing {
			ongoing = t.T("report.ongoing")
		}
		w("<th>%s</th><td>%s%s</td></tr></table>\n", esc(t.T("report.duration")), esc(t.N("report.days", p.DurationDays)), esc(ongoing))
	}
	if o := iv.Outputs; o != nil {
		w("<h3>%s</h3><table class=\"meta\"><tr><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td><th>%s</th><td>%s</td></tr>",
			esc(t.T("report.outputs")), esc(t.T("report.periods")), t.Int(o.Periods), esc(t.T("report.arrests")), t.Int(o.Arrests), esc(t.T("report.seized")), esc(t.seizures(o.Seizures)))
		w("<tr><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td></tr>",
			esc(t.T("report.labs")), t.Int(o.LabsDismantled), esc(t.T("report.frozen")), t.Num(float64(o.AssetsFrozen)), esc(t.T("report.confiscated")), t.Num(float64(o.AssetsConfiscated)))
		w("<tr><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td><th>%s</th><td class=\"n\">%s</td></tr></table>\n",
			esc(t.T("report.cost", t.Code("costsource", o.CostSource))), t.Num(float64(o.Cost)), esc(t.T("report.per.arrest")), t.num(o.CostPerArrest),
			esc(t.T("report.per.kg")), t.num(o.CostPerKg))
	}
	w("<h3>%s</h3>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.impact")),
		esc(t.T("report.col.family")), esc(t.T("report.col.indicator")), esc(t.T("report.col.method")), esc(t.T("report.col.effect")),
		esc(t.T("report.col.p")), esc(t.T("report.col.verdict")), esc(t.T("report.col.ce")))
	for _, im := range iv.Impacts {
		if im.Error != "" {
			w("<tr><td>%s</td><td>%s</td><td colspan=\"5\" class=\"err\">%s</td></tr>\n", esc(t.Code("family", im.Family)), esc(im.Name),
				esc(t.T("report.noestimate", t.problem(im.Error, im.ErrorMsg))))
			continue
		}
		w("<tr><td>%s</td><td>%s<br><small>%s, %s</small></td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td><td>%s</td></tr>\n",
			esc(t.Code("family", im.Family)), esc(im.Name), esc(im.Indicator), esc(t.Code("direction", im.DesiredDirection)), esc(t.method(im)),
			esc(t.effect(im)), esc(t.pValue(im.PValue)), esc(t.Code("verdict", im.Verdict)), esc(t.costEffect(im.CostEffectiveness, im.Unit, im.Counts)))
	}
	w("</table>\n")
	if len(iv.NoData) > 0 {
		w("<p class=\"note\">%s</p>\n", esc(t.T("report.nodata", t.Join(iv.NoDataNames))))
	}
	for _, im := range iv.Impacts {
		if s := t.powerText(im); s != "" {
			w("<p class=\"note\"><b>%s</b>: %s</p>\n", esc(im.Name), esc(s))
		}
	}
	htmlTrends(w, t, impactTrends(iv.Impacts))
	w("<div class=\"legend\"><span><i class=\"sw\" style=\"background:%s\"></i>%s</span><span><i class=\"sw\" style=\"background:%s\"></i>%s</span><span><i class=\"sw\" style=\"background:%s\"></i>%s</span><span><i class=\"sw\" style=\"background:%s\"></i>%s</span></div>\n",
		chart.ColourObserved, esc(t.T("report.legend.observed")), chart.ColourExpected, esc(t.T("report.legend.expected")), chart.ColourBand,
		esc(t.T("report.legend.band")), chart.ColourMarker, esc(t.T("report.legend.start")))
	w("<div class=\"charts\">\n")
	for _, im := range iv.Impacts {
		if len(im.Series) == 0 {
			continue
		}
		w("<figure>%s<figcaption>%s</figcaption></figure>\n", seriesSVG(t, im),
			esc(t.T("report.chart.caption", im.Name, t.method(im), t.effect(im)+", "+t.Code("verdict", im.Verdict))))
	}
	w("</div>\n<p class=\"note\"><a href=\"#why-%s\">%s</a></p>\n", esc(iv.ID), esc(t.T("report.why")))
	w("<h3>%s</h3>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.displacement")),
		esc(t.T("report.col.indicator")), esc(t.T("report.col.finding")), esc(t.T("report.col.wdq")), esc(t.T("report.col.tne")), esc(t.T("report.col.wdd")),
		esc(t.T("report.col.cross")), esc(t.T("report.col.windows")))
	for _, d := range iv.Displacement {
		if d.Error != "" {
			w("<tr><td>%s</td><td colspan=\"6\" class=\"err\">%s</td></tr>\n", esc(d.Name), esc(t.T("report.noanalysis", t.problem(d.Error, d.ErrorMsg))))
			continue
		}
		w("<tr><td>%s</td><td>%s<br><small>%s</small></td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td><td>%s / %s</td></tr>\n",
			esc(d.Name), esc(t.Code("finding", d.Finding)), esc(t.RenderOr(d.FindingNoteMsg, d.FindingNote)), t.num(d.WDQ), t.num(d.TotalNetEffect), esc(t.wdd(d.WDD)),
			esc(t.yesNo(d.CrossBorder, "")), esc(t.window(d.Before)), esc(t.window(d.After)))
	}
	w("</table>\n<div class=\"legend\">")
	for _, role := range []string{"TARGET", "BUFFER"} {
		w("<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", roleColour[role], esc(t.Code("role", role)))
	}
	w("<span>%s</span></div>\n<div class=\"charts\">\n", esc(t.T("report.cross.mark")))
	for _, d := range iv.Displacement {
		if d.Error == "" && len(d.Regions) > 0 {
			w("<figure>%s<figcaption>%s</figcaption></figure>\n", displacementSVG(t, d),
				esc(t.T("report.bars.caption", d.Name, d.Unit, t.window(d.Before), t.window(d.After), t.Int(d.Controls), t.Code("finding", d.Finding))))
		}
	}
	w("</div>\n<h3>%s</h3>\n", esc(t.T("report.findings")))
	htmlFindings(b, t, iv.Findings)
	htmlPlans(b, t, iv.Plans)
	w("</section>\n")
}

// htmlAnnex holds the data-quality tables of every intervention.
func (r *Report) htmlAnnex(b *strings.Builder, t words) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("<section class=\"annex\" id=\"annex\"><h2>%s: %s</h2>\n", esc(t.T("report.annex")), esc(t.T("report.annex.title")))
	for _, iv := range r.Interventions {
		if iv.Missing != "" {
			continue
		}
		w("<h3 id=\"why-%s\">%s: %s</h3>\n<ul class=\"why\">", esc(iv.ID), esc(t.orDash(iv.Title)), esc(t.T("report.why")))
		for _, im := range iv.Impacts {
			if im.Error == "" {
				w("<li><b>%s</b>: %s</li>", esc(im.Name), esc(whyText(t.Lang, im)))
			}
		}
		w("</ul>\n")
		if len(iv.DataQuality) == 0 {
			continue
		}
		names := map[string]string{}
		for _, im := range iv.Impacts {
			names[im.Indicator] = im.Name
		}
		w("<h3>%s: %s</h3>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.orDash(iv.Title)), esc(t.T("report.quality")),
			esc(t.T("report.col.indicator")), esc(t.T("report.col.region")), esc(t.T("report.col.span")), esc(t.T("report.col.observed")), esc(t.T("report.col.gaps")),
			esc(t.T("report.col.revisions")), esc(t.T("report.col.retractions")), esc(t.T("report.col.sources")))
		for _, q := range iv.DataQuality {
			name := names[q.Indicator]
			if name == "" {
				name = q.Indicator
			}
			w("<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td></tr>\n",
				esc(name), esc(t.region(q.Region)), esc(t.span(q.First, q.Last)), t.Int(q.Observed), esc(t.gaps(q.GapPeriods, q.Gaps)),
				t.Int(q.Revisions), t.Int(q.Retractions), esc(strings.Join(q.Sources, "; ")))
		}
		w("</table>\n")
	}
	w("</section>\n")
}

func htmlFindings(b *strings.Builder, t words, fs []FindingView) {
	if len(fs) == 0 {
		fmt.Fprintf(b, "<p class=\"note\">%s</p>\n", esc(t.T("report.findings.none")))
		return
	}
	fmt.Fprintf(b, "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", esc(t.T("report.findings")),
		esc(t.T("report.col.family")), esc(t.T("report.col.statement")), esc(t.T("report.col.evidence")), esc(t.T("report.col.rating")),
		esc(t.T("report.col.quality")), esc(t.T("report.col.rec")))
	for _, f := range fs {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td>%s</td></tr>\n",
			esc(f.FindingID), esc(t.Code("family", f.Family)), esc(f.Statement), esc(t.orDash(strings.TrimSpace(t.evidence(f)+" "+t.rating(f)))), esc(t.Code("effect", f.EffectRating)),
			esc(t.evidenceQuality(f.EvidenceQuality)), esc(t.orDash(f.Recommendation)))
	}
	b.WriteString("</table>\n")
}

// seriesSVG draws an indicator's observed series, the counterfactual and
// its band, and the first period under the intervention.
func seriesSVG(t words, im ImpactRow) string {
	n := len(im.Series)
	c := chart.Line{Label: im.Name, XTitle: t.T("report.axis.period"), YTitle: im.Unit, Marker: -1, FromZero: im.Counts,
		Periods: make([]string, n), Observed: make([]float64, n), Expected: make([]float64, n), Low: make([]float64, n), High: make([]float64, n),
		Number: t.Fixed}
	for i, p := range im.Series {
		c.Periods[i] = t.PeriodShort(p.Period)
		c.Observed[i], c.Expected[i] = float64(p.Observed), float64(p.Expected)
		c.Low[i], c.High[i] = math.NaN(), math.NaN()
		if p.Low != nil && p.High != nil {
			c.Low[i], c.High[i] = float64(*p.Low), float64(*p.High)
		}
		if p.Period == im.FirstPeriod {
			c.Marker, c.MarkerLabel = i, t.Period(p.Period)
		}
	}
	return c.SVG()
}

// displacementSVG draws each region's change between the windows as a
// horizontal bar coloured by role, labelled by the region's name and code.
func displacementSVG(t words, d DisplacementRow) string {
	c := chart.Bars{Label: d.Name, Title: t.T("report.bars.axis", d.Unit), Number: t.Fixed, Value: func(v float64) string { return t.signedNum(v) }}
	for _, r := range d.Regions {
		label := t.region(r.Region)
		if r.CrossBorder {
			label += " *"
		}
		c.Bars = append(c.Bars, chart.Bar{Label: label, Value: float64(r.Change), Colour: roleColour[r.Role]})
	}
	return c.SVG()
}
