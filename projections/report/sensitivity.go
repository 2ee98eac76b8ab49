package report

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// FindingSensitivity is how the estimate a finding rests on moved between
// the cycle's pinned position and a later one: both estimates, their
// difference, whether the conclusion changed, and the revisions and
// retractions recorded in between that touched the data it used.
type FindingSensitivity struct {
	FindingID    string `json:"findingId"`
	Intervention string `json:"intervention,omitempty"`
	Indicator    string `json:"indicator,omitempty"`
	// Method is the method re-run (the finding's evidence method, or
	// AUTO when it names none of the impact methods).
	Method string `json:"method,omitempty"`
	// Pinned and Latest are the positions of the two runs.
	PinnedAt string              `json:"pinnedAt"`
	LatestAt string              `json:"latestAt"`
	Pinned   SensitivityEstimate `json:"pinned"`
	Latest   SensitivityEstimate `json:"latest"`
	// Difference is latest minus pinned effect (nil unless both exist).
	Difference *Num `json:"difference,omitempty"`
	// ConclusionChanged is set when the sign, the significance or the
	// possibility of an estimate changed; Changes says which (SIGN,
	// SIGNIFICANCE, ESTIMABLE).
	ConclusionChanged bool     `json:"conclusionChanged"`
	Changes           []string `json:"changes"`
	// Causes are the revisions and retractions between the two positions
	// of the indicator in the regions and periods either run used.
	Causes []RevisionCause `json:"causes"`
	// Skipped says why the finding has no estimate to re-run; SkippedMsg
	// the same as a message of the catalogue.
	Skipped    string   `json:"skipped,omitempty"`
	SkippedMsg i18n.Msg `json:"-"`
}

// SensitivityEstimate is one run of a finding's estimate.
type SensitivityEstimate struct {
	Method      string `json:"method,omitempty"`
	Effect      *Num   `json:"effect,omitempty"`
	Low         *Num   `json:"low,omitempty"`
	High        *Num   `json:"high,omitempty"`
	PValue      *Num   `json:"pValue,omitempty"`
	Ratio       bool   `json:"ratio"`
	Significant bool   `json:"significant"`
	Error       string `json:"error,omitempty"`
	// ErrorMsg is Error as a message of the catalogue.
	ErrorMsg i18n.Msg `json:"-"`
}

// RevisionCause is an ObservationRevised or ObservationRetracted event.
type RevisionCause struct {
	// Kind is REVISED or RETRACTED.
	Kind       string `json:"kind"`
	Region     string `json:"region"`
	Period     string `json:"period"`
	Dimensions string `json:"dimensions,omitempty"`
	Reason     string `json:"reason"`
	Source     string `json:"source,omitempty"`
	Position   string `json:"position"`
}

// The changes of a conclusion.
const (
	ChangeSign         = "SIGN"
	ChangeSignificance = "SIGNIFICANCE"
	ChangeEstimable    = "ESTIMABLE"
)

// RevisionSensitivity re-runs the estimate of every finding of cycle id
// at its pinned position and at the latest one. It returns NotFound for
// an unknown cycle and Conflict for one whose evidence is not pinned.
func (g *Generator) RevisionSensitivity(ctx context.Context, id string) ([]FindingSensitivity, error) {
	c, ok := g.cfg.Cycles.Get(id)
	if !ok {
		return nil, domain.Errorm(domain.NotFound, "id", "cli2.report.cycle.unknown", id)
	}
	if c.Pinned == 0 {
		return nil, domain.Errorm(domain.Conflict, "id", "cli2.report.cycle.nopin", id)
	}
	latest := g.cfg.Position()
	return g.sensitivity(ctx, withoutHidden(c, g.hidden(c.Interventions, latest)), latest), nil
}

// sensitivity compares the findings of c at its pin and at latest.
func (g *Generator) sensitivity(ctx context.Context, c projections.Cycle, latest uint64) []FindingSensitivity {
	out := []FindingSensitivity{}
	for _, f := range c.Findings {
		to := ""
		if ctx.Err() != nil {
			return out
		}
		s := FindingSensitivity{FindingID: f.FindingID, Intervention: f.Intervention, PinnedAt: strconv.FormatUint(c.Pinned, 10),
			LatestAt: strconv.FormatUint(latest, 10), Changes: []string{}, Causes: []RevisionCause{}}
		ev := f.Evidence
		switch {
		case f.Intervention == "":
			s.SkippedMsg = i18n.M("report.sensitivity.skipped.scope")
		case ev == nil || ev.Indicator == "":
			s.SkippedMsg = i18n.M("report.sensitivity.skipped.noindicator")
		}
		s.Skipped = i18n.EN.Render(s.SkippedMsg)
		if s.Skipped != "" {
			out = append(out, s)
			continue
		}
		s.Indicator, s.Method = ev.Indicator, string(evidenceMethod(ev.Method))
		ind, ok := g.cfg.Evaluator.Catalog.IndicatorAt(ev.Indicator, latest)
		if end, err := domain.ParseDate(c.To); err == nil && ok {
			to = domain.PeriodOf(ind.Granularity, end).String()
		}
		q := ImpactQuery(f.Intervention, ev.Indicator, to, c.Pinned)
		q.Method = evidenceMethod(ev.Method)
		for _, p := range ev.Parameters {
			switch strings.ToLower(p.Name) {
			case "from":
				q.From = p.Value
			case "to":
				q.To = p.Value
			}
		}
		before, errBefore := g.cfg.Evaluator.Impact(ctx, q)
		q.AsOf = latest
		after, errAfter := g.cfg.Evaluator.Impact(ctx, q)
		s.Pinned, s.Latest = sensitivityEstimate(before, errBefore), sensitivityEstimate(after, errAfter)
		switch {
		case (errBefore == nil) != (errAfter == nil):
			s.Changes = append(s.Changes, ChangeEstimable)
		case errBefore == nil:
			s.Difference = num(after.Effect.Value - before.Effect.Value)
			null := 0.0
			if before.Ratio {
				null = 1
			}
			if (before.Effect.Value > null) != (after.Effect.Value > null) {
				s.Changes = append(s.Changes, ChangeSign)
			}
			if s.Pinned.Significant != s.Latest.Significant {
				s.Changes = append(s.Changes, ChangeSignificance)
			}
		}
		s.ConclusionChanged = len(s.Changes) > 0
		s.Causes = g.causes(ev.Indicator, c.Pinned, latest, before, after)
		out = append(out, s)
	}
	return out
}

// evidenceMethod reads a finding's evidence method ("ITS", "DID (two-way
// fixed effects)") as an impact method; AUTO when it names none.
func evidenceMethod(m string) impact.Method {
	first, _, _ := strings.Cut(strings.TrimSpace(m), " ")
	for _, x := range []impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl} {
		if strings.EqualFold(first, string(x)) {
			return x
		}
	}
	return impact.MethodAuto
}

func sensitivityEstimate(est *evaluate.ImpactEstimate, err error) SensitivityEstimate {
	if err != nil {
		return SensitivityEstimate{Error: errText(err), ErrorMsg: errMsg(err)}
	}
	s := SensitivityEstimate{Method: string(est.Method), Effect: num(est.Effect.Value), Ratio: est.Ratio}
	if est.Effect.HasInterval {
		s.Low, s.High = num(est.Effect.Low), num(est.Effect.High)
		null := 0.0
		if est.Ratio {
			null = 1
		}
		s.Significant = est.Effect.Low > null || est.Effect.High < null
	}
	if est.Effect.HasPValue {
		s.PValue = num(est.Effect.PValue)
	}
	return s
}

// causes lists the revisions and retractions of indicator recorded after
// from and up to to, in the regions and periods the runs used.
func (g *Generator) causes(indicator string, from, to uint64, runs ...*evaluate.ImpactEstimate) []RevisionCause {
	regions, periods := map[string]bool{}, map[string]bool{}
	for _, r := range runs {
		if r == nil {
			continue
		}
		for _, x := range slices.Concat(r.Regions, r.Comparison) {
			regions[x] = true
		}
		for _, p := range r.Periods {
			periods[p] = true
		}
	}
	out := []RevisionCause{}
	for _, region := range sortedKeys(regions) {
		for _, ch := range g.cfg.Provenance.Of(indicator, region, to).Changes {
			if ch.Position <= from || (len(periods) > 0 && !periods[ch.Period]) {
				continue
			}
			out = append(out, RevisionCause{Kind: ch.Kind, Region: region, Period: ch.Period, Dimensions: ch.Dimensions,
				Reason: ch.Reason, Source: ch.Source, Position: strconv.FormatUint(ch.Position, 10)})
		}
	}
	slices.SortStableFunc(out, func(a, b RevisionCause) int {
		return strings.Compare(fmt.Sprintf("%020s", a.Position), fmt.Sprintf("%020s", b.Position))
	})
	return out
}

// sensitivityRows are the table rows of the revision sensitivity, in t's
// language (plain text).
func (t words) sensitivityRows(ss []FindingSensitivity) [][]string {
	var rows [][]string
	for _, s := range ss {
		if s.Skipped != "" {
			rows = append(rows, []string{s.FindingID, t.orDash(s.Indicator), t.T("report.sensitivity.skipped", t.problem(s.Skipped, s.SkippedMsg)), "", "", "", ""})
			continue
		}
		est := func(e SensitivityEstimate) string {
			if e.Error != "" {
				return t.T("report.noestimate", t.problem(e.Error, e.ErrorMsg))
			}
			return t.effect(ImpactRow{Effect: e.Effect, Low: e.Low, High: e.High, Ratio: e.Ratio}) + " (" + t.Code("method", e.Method) + ")"
		}
		conclusion := t.T("report.sensitivity.same")
		if s.ConclusionChanged {
			words := make([]string, len(s.Changes))
			for i, c := range s.Changes {
				words[i] = t.Code("change", c)
			}
			conclusion = strings.Join(words, "; ")
		}
		causes := make([]string, len(s.Causes))
		for i, c := range s.Causes {
			causes[i] = t.T("report.cause", t.Code("cause", c.Kind), t.region(c.Region), t.Period(c.Period), c.Position, c.Reason)
		}
		cause := t.T("report.sensitivity.none")
		if len(causes) > 0 {
			cause = strings.Join(causes, "; ")
		}
		diff := t.T("dash")
		if s.Difference != nil {
			diff = t.signedNum(float64(*s.Difference))
		}
		rows = append(rows, []string{s.FindingID, s.Indicator, est(s.Pinned), est(s.Latest), diff, conclusion, cause})
	}
	return rows
}

func (t words) sensitivityHeader() []string {
	return []string{t.T("report.col.prevfinding"), t.T("report.col.indicator"), t.T("report.col.atpin"), t.T("report.col.now"),
		t.T("report.col.difference"), t.T("report.col.conclusion"), t.T("report.col.causes")}
}

func writeSensitivityMD(b *strings.Builder, t words, p *PreviousCycle, pos string) {
	if len(p.Sensitivity) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### %s\n\n%s\n\n| %s |\n|%s\n", t.T("report.sensitivity"), mdText(t.T("report.sensitivity.note", p.Sensitivity[0].PinnedAt, pos)),
		strings.Join(t.sensitivityHeader(), " | "), strings.Repeat("---|", 7))
	for _, row := range t.sensitivityRows(p.Sensitivity) {
		for i := range row {
			row[i] = mdCell(row[i])
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
}

func htmlSensitivity(b *strings.Builder, t words, p *PreviousCycle, pos string) {
	if len(p.Sensitivity) == 0 {
		return
	}
	fmt.Fprintf(b, "<h3>%s</h3>\n<p>%s</p>\n<table><tr>", esc(t.T("report.sensitivity")), esc(t.T("report.sensitivity.note", p.Sensitivity[0].PinnedAt, pos)))
	for _, h := range t.sensitivityHeader() {
		fmt.Fprintf(b, "<th>%s</th>", esc(h))
	}
	b.WriteString("</tr>\n")
	for _, row := range t.sensitivityRows(p.Sensitivity) {
		b.WriteString("<tr>")
		for _, c := range row {
			fmt.Fprintf(b, "<td>%s</td>", esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}
