package report

import (
	"context"
	"strconv"

	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// PowerNote is what an operation's evaluation could have detected on an
// indicator (issue 15): the minimum detectable effect of its default
// evaluation, computed from what was recorded when it was launched.
type PowerNote struct {
	// MDE is the smallest change detected with 80% power, in the
	// indicator's units; nil when no change the history allows is.
	MDE *Num `json:"mde,omitempty"`
	// MDERelative is MDE as a proportion of the recent level.
	MDERelative *Num `json:"mdeRelative,omitempty"`
	// Horizon is the number of periods simulated after the start.
	Horizon int `json:"horizon"`
	// AsOf is the launch position the history was read at.
	AsOf string `json:"asOf"`
	// Error says why there is no power analysis; ErrorMsg the same in
	// the catalogue's words when the reason has them.
	Error    string   `json:"error,omitempty"`
	ErrorMsg i18n.Msg `json:"-"`
	// Method is the method simulated: the estimate's own (ITS,
	// BEFORE_AFTER, DID or SYNTHETIC_CONTROL).
	Method string `json:"method,omitempty"`
	// ComparisonUnits is the number of comparison regions simulated with
	// (DID, SYNTHETIC_CONTROL).
	ComparisonUnits int `json:"comparisonUnits,omitempty"`
}

// power is the power note of an operation's estimate that shows no clear
// effect: the reader learns whether the evaluation could have told, by
// the estimate's own method (with, for DID and SYNTHETIC_CONTROL, the
// default comparison pool as it was at the launch). Other estimates and
// policy changes get none (nil).
func (g *Generator) power(ctx context.Context, iv evaluate.Intervention, indicator string, row *ImpactRow) *PowerNote {
	if iv.Kind != projections.KindOperation || row.Verdict != "NO_CLEAR_EFFECT" {
		return nil
	}
	est, err := g.cfg.Evaluator.LaunchPower(ctx, iv, indicator, impact.Method(row.Method))
	if err != nil {
		return &PowerNote{AsOf: strconv.FormatUint(iv.Created, 10), Error: errText(err), ErrorMsg: errMsg(err)}
	}
	n := &PowerNote{Horizon: est.Horizon, AsOf: strconv.FormatUint(est.AsOf, 10), Method: string(est.Method), ComparisonUnits: len(est.Comparison)}
	if est.Detectable {
		n.MDE = num(est.MDE)
		if est.Baseline != 0 {
			n.MDERelative = num(est.MDERelative)
		}
	}
	return n
}

// powerText sets the power beside the estimate, in words: "the operation
// could only have detected a change of 18% or more; the estimate is -9%,
// not significant: the evaluation cannot tell".
func (w words) powerText(im ImpactRow) string {
	p := im.Power
	switch {
	case p == nil:
		return ""
	case p.Error != "":
		return w.T("report.power.error", w.problem(p.Error, p.ErrorMsg))
	}
	est := w.T("dash")
	rel := im.RelativeEffect
	if im.Ratio && im.Effect != nil {
		r := Num(float64(*im.Effect) - 1)
		rel = &r
	}
	if p.MDE == nil {
		if im.Effect != nil {
			est = w.signedNum(float64(*im.Effect))
		}
		if rel != nil {
			est = w.signedPct(float64(*rel))
		}
		return w.T("report.power.none", est)
	}
	by := ""
	if p.Method != "" {
		by = " (" + w.T("report.power.by."+p.Method, p.ComparisonUnits) + ")"
		if p.Method == "ITS" || p.Method == "BEFORE_AFTER" {
			by = " (" + w.T("report.power.by."+p.Method) + ")"
		}
	}
	if p.MDERelative != nil && rel != nil {
		return w.T("report.power", w.Percent(float64(*p.MDERelative))+by, w.signedPct(float64(*rel)))
	}
	if im.Effect != nil {
		est = w.signedNum(float64(*im.Effect)) + " " + im.Unit
	}
	return w.T("report.power", w.Num(float64(*p.MDE))+" "+im.Unit+by, est)
}

// writePowerMD writes the power notes of impacts as a list.
func writePowerMD(w func(string, ...any), t words, impacts []ImpactRow) {
	first := true
	for _, im := range impacts {
		s := t.powerText(im)
		if s == "" {
			continue
		}
		if first {
			w("\n")
			first = false
		}
		w("- **%s**: %s\n", mdText(im.Name), mdText(s))
	}
}
