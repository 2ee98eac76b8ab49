package report

import (
	"math"
	"sort"
	"strings"

	"github.com/supplyeval/supplyeval/i18n"
)

// words renders a report's codes and numbers for a reader in one
// language: every enum code through the catalogue, every region by its
// name with its code in brackets, numbers grouped per locale.
type words struct {
	i18n.Lang
	names map[string]string
}

func (r *Report) words(l i18n.Lang) words { return words{Lang: l, names: r.RegionNames} }

// region is "Name (CODE)", or the code when the region has no name.
func (w words) region(code string) string {
	if n, ok := w.names[code]; ok && n != code && n != "" {
		return w.T("report.region.named", n, code)
	}
	return code
}

func (w words) regions(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = w.region(c)
	}
	return w.Join(out)
}

func (w words) num(n *Num) string {
	if n == nil {
		return w.T("dash")
	}
	return w.Num(float64(*n))
}

// pValue writes a p-value as a reader reads it: "< 0.001" below a
// thousandth, four significant digits otherwise.
func (w words) pValue(n *Num) string {
	if n == nil {
		return w.T("dash")
	}
	if float64(*n) < 0.001 {
		return "< " + w.Fixed(0.001, 3)
	}
	return w.Num(float64(*n))
}

func (w words) orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return w.T("dash")
	}
	return s
}

func (w words) yesNo(b bool, detail string) string {
	switch {
	case !b:
		return w.T("no")
	case detail != "":
		return w.T("yes.detail", detail)
	}
	return w.T("yes")
}

func (w words) kind(k string) string {
	if w.Has("kind." + k) {
		return w.Code("kind", k)
	}
	return w.T("kind.OTHER")
}

func (w words) method(im ImpactRow) string {
	m := w.Code("method", im.Method)
	if im.Model != "" {
		return w.T("method.with.model", m, w.Code("model", im.Model))
	}
	return m
}

// signedPct writes a relative change as a signed percentage.
func (w words) signedPct(frac float64) string {
	s := w.Percent(frac)
	if frac > 0 {
		s = "+" + s
	}
	return s
}

func (w words) signedNum(v float64) string {
	s := w.Num(v)
	if v > 0 {
		s = "+" + s
	}
	return s
}

// effect is an estimate with its interval: relative to the expected for
// rate ratios, in the indicator's unit otherwise.
// EffectIn is the estimate of im in words, in l: "-2.1% (95% interval
// -17.3% to +15.8%)" for a ratio, "+3.2 EUR/g (95% interval ...)"
// otherwise, as the report writes it.
func EffectIn(im ImpactRow, l i18n.Lang) string { return words{Lang: l}.effect(im) }

func (w words) effect(im ImpactRow) string {
	if im.Effect == nil {
		return w.T("dash")
	}
	hasInt := im.Low != nil && im.High != nil
	if im.Ratio {
		s := w.T("report.effect.relative", w.signedPct(float64(*im.Effect)-1))
		if hasInt {
			s = w.T("report.effect.interval", s, w.signedPct(float64(*im.Low)-1), w.signedPct(float64(*im.High)-1))
		}
		return s
	}
	s := w.signedNum(float64(*im.Effect))
	if im.Unit != "" {
		s += " " + im.Unit
	}
	if hasInt {
		s = w.T("report.effect.interval", s, w.signedNum(float64(*im.Low)), w.signedNum(float64(*im.High)))
	}
	return s
}

func (w words) costEffect(ce *CostEffectiveness, unit string, counts bool) string {
	if ce == nil {
		return w.T("dash")
	}
	u := w.T("report.ce.level", unit)
	if counts {
		u = w.T("report.ce.count", unit)
	}
	return w.T("report.ce", w.Num(float64(ce.PerUnit)), u)
}

func (w words) wdd(d *WDD) string {
	if d == nil {
		return w.T("dash")
	}
	return w.T("report.effect.interval", w.Num(float64(d.Estimate)), w.Num(float64(d.Low)), w.Num(float64(d.High)))
}

// window reads a displacement window "P1 to P2" in words.
func (w words) window(s string) string {
	if a, b, ok := strings.Cut(s, " to "); ok {
		return w.T("range", w.Period(a), w.Period(b))
	}
	return w.Period(s)
}

func (w words) span(first, last string) string {
	if first == "" {
		return w.T("dash")
	}
	return w.T("range", w.Period(first), w.Period(last))
}

func (w words) seizures(s []SeizureSum) string {
	if len(s) == 0 {
		return w.T("report.seized.nothing")
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = w.T("report.seized.item", w.Num(float64(x.Kg)), x.Substance)
	}
	return strings.Join(parts, ", ")
}

func (w words) gaps(periods []string, n int) string {
	if n == 0 {
		return w.Int(0)
	}
	ps := make([]string, len(periods))
	for i, p := range periods {
		ps[i] = w.Period(p)
	}
	s := w.Int(n) + " (" + strings.Join(ps, ", ")
	if n > len(periods) {
		s += ", …"
	}
	return s + ")"
}

func (w words) evidenceQuality(q int) string { return w.T("report.quality.of", w.Int(q)) }

func (w words) followUp(f FollowUp) string {
	switch f.Outcome {
	case "FOLLOWED_UP":
		parts := make([]string, len(f.Current))
		for i, c := range f.Current {
			parts[i] = w.T("report.became.item", c.FindingID, w.Code("effect", c.EffectRating), w.Int(c.EvidenceQuality), c.Statement)
		}
		return w.T("report.became.followed", strings.Join(parts, "; "))
	case "NOT_YET":
		return w.T("report.became.notyet")
	}
	return w.T("report.became.out")
}

// whyText is the reason for an estimate's method and its explanation,
// without saying the reason twice (AUTO's explanation may start with it).
func whyText(l i18n.Lang, im ImpactRow) string {
	reason, expl := im.Reason, im.Explanation
	if l != i18n.EN && len(im.ExplanationMsgs) > 0 {
		expl = im.ExplanationMsgs.In(l)
		if len(im.ReasonMsgs) > 0 {
			reason = im.ReasonMsgs.In(l)
		}
	}
	if reason == "" || strings.Contains(expl, reason) {
		return expl
	}
	return reason + " " + expl
}

// clearest lists the estimates with a clear effect (desired or not),
// strongest evidence first (smallest p-value, then report order), at most
// max of them.
type clearEstimate struct {
	iv *InterventionReport
	im *ImpactRow
}

func (r *Report) clearest(max int) []clearEstimate {
	var out []clearEstimate
	for i := range r.Interventions {
		iv := &r.Interventions[i]
		for j := range iv.Impacts {
			im := &iv.Impacts[j]
			if im.Error == "" && (im.Verdict == "DESIRED" || im.Verdict == "UNDESIRED") {
				out = append(out, clearEstimate{iv, im})
			}
		}
	}
	p := func(c clearEstimate) float64 {
		if c.im.PValue == nil {
			return math.Inf(1)
		}
		return float64(*c.im.PValue)
	}
	sort.SliceStable(out, func(a, b int) bool { return p(out[a]) < p(out[b]) })
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// verdictOrder is the order verdicts are counted in the summary.
var verdictOrder = []string{"DESIRED", "UNDESIRED", "NO_CLEAR_EFFECT", "INCREASE", "DECREASE"}

// verdictCounts counts iv's estimates on family by verdict, in words.
func (w words) verdictCounts(iv InterventionReport, family string) []string {
	n := map[string]int{}
	for _, im := range iv.Impacts {
		if im.Family == family && im.Error == "" {
			n[im.Verdict]++
		}
	}
	var out []string
	for _, v := range verdictOrder {
		if n[v] > 0 {
			out = append(out, w.T("report.summary.count", w.Code("verdict", v), w.Int(n[v])))
		}
	}
	return out
}

// evidence is a finding's evidence in words (the method through the
// catalogue when it is a method code).
func (w words) evidence(f FindingView) string {
	ev := f.ev
	if ev == nil {
		return ""
	}
	parts := []string{w.Code("method", ev.Method)}
	if ev.Indicator != "" {
		parts = append(parts, w.T("report.evidence.on", ev.Indicator))
	}
	if ev.Estimate != nil {
		if ev.Low != nil && ev.High != nil {
			parts = append(parts, w.T("report.evidence.interval", w.Num(*ev.Estimate), w.Num(*ev.Low), w.Num(*ev.High)))
		} else {
			parts = append(parts, w.T("report.evidence.estimate", w.Num(*ev.Estimate)))
		}
	}
	for _, p := range ev.Parameters {
		parts = append(parts, p.Name+"="+p.Value)
	}
	return strings.Join(parts, "; ")
}
