package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
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
	return "", domain.Invalid("format", "%q is not a report format (json, markdown or html)", s)
}

// Generate builds the report of cycle id and renders it in format f.
func (g *Generator) Generate(ctx context.Context, id string, f Format) ([]byte, error) {
	r, err := g.Build(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.Render(f)
}

// Render returns the report in format f. The same report always renders
// to the same bytes.
func (r *Report) Render(f Format) ([]byte, error) {
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
		return r.markdown(), nil
	case HTML:
		return r.html(), nil
	}
	return nil, domain.Invalid("format", "%q is not a report format (JSON, MARKDOWN or HTML)", f)
}

func (r *Report) markdown() []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Cycle
	w("# %s\n\n", mdText(c.Title))
	w("**%s.** %s\n\n", r.Status, r.StatusNote)
	w("- Cycle: `%s`, evaluating %s to %s\n", c.ID, c.From, c.To)
	w("- Evidence: log position %s, recorded %s\n", r.Position, orDash(r.PositionTime))
	if c.PreviousCycle != "" {
		w("- Follows up: `%s`\n", c.PreviousCycle)
	}
	w("- Interventions in scope: %d shown; %s\n", len(r.Interventions), r.WithheldNote)
	if len(c.Regions) > 0 {
		w("- Regions in scope: %s\n", strings.Join(c.Regions, ", "))
	}
	if len(c.Questions) > 0 {
		w("\n## Questions\n\n")
		for _, q := range c.Questions {
			w("- %s\n", mdText(q))
		}
	}
	if c.Closed {
		w("\n## Summary\n\n%s\n", mdText(c.Summary))
		if len(c.Recommendations) > 0 {
			w("\n## Recommendations\n\n")
			for i, rec := range c.Recommendations {
				w("%d. %s\n", i+1, mdText(rec))
			}
		}
	}
	for _, iv := range r.Interventions {
		w("\n## %s (`%s`)\n\n", mdText(orDash(iv.Title)), iv.ID)
		if iv.Missing != "" {
			w("%s\n", iv.Missing)
			continue
		}
		w("%s in %s, from %s to %s.\n", kindText(iv.Kind), strings.Join(iv.Regions, ", "), iv.Start, orText(iv.End, "ongoing"))
		if p := iv.Proportionality; p != nil {
			w("\n### Proportionality\n\n")
			if iv.Kind == "OPERATION" {
				w("- Target tier: %s\n- Judicial authorisation recorded: %s\n- Legal basis: %s\n- Partners: %s\n- Classification: %s\n",
					p.TargetTier, yesNo(p.JudicialAuthorisation, p.Authorisation), orDash(p.LegalBasis), orDash(strings.Join(p.Partners, ", ")), p.Classification)
			} else {
				w("- Policy kind: %s\n", p.PolicyKind)
			}
			w("- Duration: %d days%s\n", p.DurationDays, ongoing(p.Ongoing))
		}
		if o := iv.Outputs; o != nil {
			w("\n### Outputs and cost\n\n")
			w("- %d reporting periods: %d arrests, %s seized, %d labs dismantled, assets frozen %s, confiscated %s\n",
				o.Periods, o.Arrests, seizureText(o.Seizures), o.LabsDismantled, showNum(float64(o.AssetsFrozen)), showNum(float64(o.AssetsConfiscated)))
			w("- Cost: %s (%s); budget %s", showNum(float64(o.Cost)), o.CostSource, showNum(float64(o.Budget)))
			if o.CostPerArrest != nil {
				w("; %s per arrest", showNum(float64(*o.CostPerArrest)))
			}
			if o.CostPerKg != nil {
				w("; %s per kg seized", showNum(float64(*o.CostPerKg)))
			}
			w("\n")
		}
		w("\n### Impact\n\n")
		w("| Family | Indicator | Method | Effect (95%% interval) | p | Verdict | Cost per unit of effect |\n|---|---|---|---|---|---|---|\n")
		for _, im := range iv.Impacts {
			if im.Error != "" {
				w("| %s | %s | none | %s | | | |\n", im.Family, im.Indicator, mdCell(im.Error))
				continue
			}
			w("| %s | %s | %s | %s | %s | %s | %s |\n", im.Family, im.Indicator, methodText(im), effectText(im), numText(im.PValue), im.Verdict, ceText(im.CostEffectiveness))
		}
		if len(iv.NoData) > 0 {
			w("\nNo data in the intervention's regions for: %s.\n", strings.Join(iv.NoData, ", "))
		}
		for _, im := range iv.Impacts {
			if im.Error == "" {
				w("\n- **%s**: %s\n", im.Indicator, mdText(whyText(im)))
			}
		}
		w("\n### Displacement\n\n")
		w("| Indicator | Finding | WDQ | Total net effect | WDD (95%% interval) | Cross-border | Windows |\n|---|---|---|---|---|---|---|\n")
		for _, d := range iv.Displacement {
			if d.Error != "" {
				w("| %s | none | %s | | | | |\n", d.Indicator, mdCell(d.Error))
				continue
			}
			w("| %s | %s | %s | %s | %s | %s | %s / %s |\n", d.Indicator, d.Finding, numText(d.WDQ), numText(d.TotalNetEffect), wddText(d.WDD), yesNo(d.CrossBorder, ""), d.Before, d.After)
		}
		w("\n### Data quality\n\n| Indicator | Region | Span | Observed | Gaps | Revisions | Retractions | Sources |\n|---|---|---|---|---|---|---|---|\n")
		for _, q := range iv.DataQuality {
			w("| %s | %s | %s to %s | %d | %d%s | %d | %d | %s |\n", q.Indicator, q.Region, q.First, q.Last, q.Observed, q.Gaps, gapText(q.GapPeriods, q.Gaps),
				q.Revisions, q.Retractions, mdCell(strings.Join(q.Sources, "; ")))
		}
		w("\n### Findings\n\n")
		writeFindingsMD(&b, iv.Findings)
	}
	if len(r.Findings) > 0 {
		w("\n## Findings on the scope as a whole\n\n")
		writeFindingsMD(&b, r.Findings)
	}
	if p := r.Previous; p != nil {
		w("\n## Follow-up of the previous cycle (`%s`, %s)\n\n%s\n", p.ID, mdText(p.Title), mdText(p.Summary))
		if len(p.Recommendations) > 0 {
			w("\nIt recommended:\n\n")
			for i, rec := range p.Recommendations {
				w("%d. %s\n", i+1, mdText(rec))
			}
		}
		if len(p.FollowUps) > 0 {
			w("\n| Previous finding | Intervention | Family | Rating then | Recommendation | What became of it |\n|---|---|---|---|---|---|\n")
			for _, f := range p.FollowUps {
				w("| %s: %s | %s | %s | %s | %s | %s |\n", f.Previous.FindingID, mdCell(f.Previous.Statement), orDash(f.Previous.Intervention), f.Previous.Family,
					f.Previous.EffectRating, mdCell(orDash(f.Previous.Recommendation)), mdCell(followUpText(f)))
			}
		}
	}
	return []byte(b.String())
}

func writeFindingsMD(b *strings.Builder, fs []FindingView) {
	if len(fs) == 0 {
		b.WriteString("None recorded.\n")
		return
	}
	for _, f := range fs {
		fmt.Fprintf(b, "- **%s** (%s, effect %s, evidence quality %d/4): %s", f.FindingID, f.Family, f.EffectRating, f.EvidenceQuality, mdText(f.Statement))
		if f.Evidence != "" {
			fmt.Fprintf(b, " Evidence: %s.", mdText(f.Evidence))
		}
		if f.Recommendation != "" {
			fmt.Fprintf(b, " Recommendation: %s", mdText(f.Recommendation))
		}
		b.WriteString("\n")
	}
}

func followUpText(f FollowUp) string {
	switch f.Outcome {
	case "FOLLOWED_UP":
		parts := make([]string, len(f.Current))
		for i, c := range f.Current {
			parts[i] = fmt.Sprintf("%s (%s, quality %d/4): %s", c.FindingID, c.EffectRating, c.EvidenceQuality, c.Statement)
		}
		return "Followed up: " + strings.Join(parts, "; ")
	case "NOT_YET":
		return "Not yet followed up: in scope, no finding on this family yet"
	}
	return "Not followed up: outside this cycle's scope"
}

// whyText is the reason for an estimate's method and its explanation,
// without saying the reason twice (AUTO's explanation may start with it).
func whyText(im ImpactRow) string {
	if im.Reason == "" || strings.Contains(im.Explanation, im.Reason) {
		return im.Explanation
	}
	return im.Reason + " " + im.Explanation
}

func kindText(k string) string {
	switch k {
	case "OPERATION":
		return "Operation"
	case "POLICY_CHANGE":
		return "Policy change"
	}
	return "Intervention"
}

func methodText(im ImpactRow) string {
	s := im.Method
	if im.Model != "" {
		s += " (" + im.Model + ")"
	}
	return s
}

func effectText(im ImpactRow) string {
	if im.Effect == nil {
		return "-"
	}
	s := showNum(float64(*im.Effect))
	if im.Ratio {
		s = "ratio " + s
	}
	if im.Low != nil && im.High != nil {
		s += " (" + showNum(float64(*im.Low)) + " to " + showNum(float64(*im.High)) + ")"
	}
	return s
}

func ceText(ce *CostEffectiveness) string {
	if ce == nil {
		return "-"
	}
	return showNum(float64(ce.PerUnit)) + " per " + ce.Unit
}

func wddText(w *WDD) string {
	if w == nil {
		return "-"
	}
	return showNum(float64(w.Estimate)) + " (" + showNum(float64(w.Low)) + " to " + showNum(float64(w.High)) + ")"
}

func numText(n *Num) string {
	if n == nil {
		return "-"
	}
	return showNum(float64(*n))
}

func seizureText(s []SeizureSum) string {
	if len(s) == 0 {
		return "nothing"
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = showNum(float64(x.Kg)) + " kg " + x.Substance
	}
	return strings.Join(parts, ", ")
}

func gapText(periods []string, n int) string {
	if n == 0 {
		return ""
	}
	s := " (" + strings.Join(periods, ", ")
	if n > len(periods) {
		s += ", ..."
	}
	return s + ")"
}

func yesNo(b bool, detail string) string {
	if !b {
		return "no"
	}
	if detail != "" {
		return "yes (" + detail + ")"
	}
	return "yes"
}

func ongoing(b bool) string {
	if b {
		return " (ongoing at the report's position)"
	}
	return ""
}

func orDash(s string) string { return orText(s, "-") }

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// mdText keeps recorded text from being read as Markdown structure.
func mdText(s string) string {
	r := strings.NewReplacer("\n", " ", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "#", "\\#")
	return r.Replace(s)
}

// mdCell is mdText for table cells, where '|' would end the cell.
func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", "\\|") }
