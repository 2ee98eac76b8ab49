package evaluate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// Skipped is an indicator a scan or a fragmentation check left out, and why.
type Skipped struct {
	Indicator string
	Reason    string
	// ReasonMsg is Reason as a message of the catalogue; the zero Msg
	// when there is none (Reason is then given in every language).
	ReasonMsg i18n.Msg `json:"-"`
}

// skipped is an indicator left out for the reason m.
func skipped(indicator string, m i18n.Msg) Skipped {
	return Skipped{Indicator: indicator, Reason: i18n.EN.Render(m), ReasonMsg: m}
}

// ReasonIn writes the reason in l.
func (s Skipped) ReasonIn(l i18n.Lang) string { return l.RenderOr(s.ReasonMsg, s.Reason) }

// reason is the reason as a message.
func (s Skipped) reason() i18n.Msg {
	if s.ReasonMsg.IsZero() {
		return i18n.M("evaluate.err.text", s.Reason)
	}
	return s.ReasonMsg
}

// Scan is a displacement scan of every eligible indicator after one
// intervention.
type Scan struct {
	*displacement.ScanResult
	// Resolved is the intervention as known at AsOf.
	Resolved Intervention
	// Analyses holds the analysis of every indicator that could be
	// analysed, by code (levels too, though only counts are ranked).
	Analyses map[string]*Displacement
	// Skipped lists the eligible indicators not ranked, by code.
	Skipped []Skipped
	// AsOf is the position read at (0: latest).
	AsOf uint64
}

// scanFamilies are the families a displacement scan covers (issue 4:
// availability, violence and displacement indicators).
var scanFamilies = []domain.Family{domain.FamilyAvailability, domain.FamilyViolence, domain.FamilyDisplacement}

// Scan runs [Evaluator.Displacement] with every default for each
// AVAILABILITY, VIOLENCE and DISPLACEMENT indicator that has a desired
// direction, and ranks those with a WDD by the evidence of displacement
// into the buffer (the WDD's displacement part, one-sided), controlling the
// false discovery rate at q (0 means 0.05) with Benjamini-Hochberg
// (displacement.ScanIndicators). Indicators that cannot be analysed for
// this intervention (no data in or around its regions, no data in the
// windows) or cannot be tested (levels, whose WDQ is still in Analyses;
// a buffer that recorded nothing) are listed in Skipped with the reason.
//
// It returns a *domain.Error: NOT_FOUND naming "intervention"; BAD_INPUT
// naming "q" for q outside (0, 1), or "intervention" when no indicator
// could be tested (the reasons are in the message).
func (e *Evaluator) Scan(intervention string, asOf uint64, q float64) (*Scan, error) {
	if q != 0 && !(q > 0 && q < 1) {
		return nil, domain.Invalidm("q", "evaluate.err.q", i18n.G(q, -1))
	}
	a, err := e.newAnalysis("intervention", intervention, asOf)
	if err != nil {
		return nil, err
	}
	out := &Scan{Resolved: a.iv, Analyses: map[string]*Displacement{}, AsOf: asOf}
	var entries []displacement.ScanEntry
	for _, fam := range scanFamilies {
		for _, ind := range e.Catalog.IndicatorsAt(fam, asOf) {
			if ind.DesiredDirection == domain.DirectionNone {
				continue
			}
			d, err := a.displacement(DisplacementRequest{Intervention: intervention, Indicator: ind.Code, AsOf: asOf}, ind)
			if err != nil {
				if domain.ErrorCode(err) == domain.Internal {
					return nil, err
				}
				out.Skipped = append(out.Skipped, skipped(ind.Code, errMsg(err, true)))
				continue
			}
			out.Analyses[ind.Code] = d
			entry, err := displacement.EntryFromResult(d.Result)
			if err != nil {
				english := fmt.Sprintf("analysed (WDQ: %s) but not ranked: %s", d.WDQ.Category, strings.TrimPrefix(bare(err), "WDD not computed: "))
				out.Skipped = append(out.Skipped, checked(ind.Code, i18n.M("scan.skip.unranked", string(d.WDQ.Category), unrankedCause(d, err)), english))
				continue
			}
			entries = append(entries, entry)
		}
	}
	if len(entries) == 0 {
		return nil, domain.Invalidm("intervention", "evaluate.err.scan.none", a.iv.labelMsg(), reasonList(out.Skipped))
	}
	res, err := displacement.ScanIndicators(a.iv.label(), entries, displacement.ScanOptions{Q: q, InterventionMsg: a.iv.labelMsg()})
	if err != nil {
		return nil, err
	}
	if len(out.Skipped) > 0 {
		names := make([]string, len(out.Skipped))
		for i, s := range out.Skipped {
			names[i] = s.Indicator
		}
		res.SetExplanation(append(res.ExplanationMsgs, i18n.M("scan.notranked", i18n.Strings(names))))
	}
	res.SetAssumptions(append(res.AssumptionMsgs, i18n.M("scan.assume.defaults"))...)
	out.ScanResult = res
	return out, nil
}

// Fragmentation is the fragmentation check after one operation.
type Fragmentation struct {
	*displacement.FragmentationResult
	// Resolved is the operation as known at AsOf.
	Resolved Intervention
	// Indicators are the definitions of the indicators watched, in order.
	Indicators []projections.Indicator
	// Skipped lists the eligible indicators left out, and why.
	Skipped []Skipped
	// AsOf is the position read at (0: latest).
	AsOf uint64
}

// FragmentationIndicators returns the indicators watched for fragmentation,
// by code: VIOLENCE indicators, then DISPLACEMENT indicators about active
// groups (whose code, name or unit mentions "group"), that are counts
// (see [ScaleOf]).
func (e *Evaluator) FragmentationIndicators(asOf uint64) []projections.Indicator {
	var out []projections.Indicator
	for _, ind := range e.Catalog.IndicatorsAt(domain.FamilyViolence, asOf) {
		if ScaleOf(ind) == displacement.Count {
			out = append(out, ind)
		}
	}
	for _, ind := range e.Catalog.IndicatorsAt(domain.FamilyDisplacement, asOf) {
		text := strings.ToLower(ind.Code + " " + ind.Name + " " + ind.Unit)
		if strings.Contains(text, "group") && ScaleOf(ind) == displacement.Count {
			out = append(out, ind)
		}
	}
	return out
}

// Fragmentation checks for signs of fragmentation after an operation
// against high-value targets (Guideline 18): violence and active-group
// counts ([Evaluator.FragmentationIndicators]) in each target and buffer
// region against the control's trend, flagged at a false discovery rate q
// (0 means 0.05) (displacement.Fragmentation).
//
// The regions and windows are the defaults of [Evaluator.Displacement],
// chosen for the first indicator that can be analysed; every other
// indicator is read over the same regions and windows, and is left out
// (Skipped) when its granularity differs or a target lacks its data.
//
// It returns a *domain.Error: NOT_FOUND naming "intervention"; BAD_INPUT
// naming "intervention" for a policy change or an operation whose target
// tier is not HIGH_VALUE, or when no indicator can be read; "q" for q
// outside (0, 1).
func (e *Evaluator) Fragmentation(intervention string, asOf uint64, q float64) (*Fragmentation, error) {
	if q != 0 && !(q > 0 && q < 1) {
		return nil, domain.Invalidm("q", "evaluate.err.q", i18n.G(q, -1))
	}
	a, err := e.newAnalysis("intervention", intervention, asOf)
	if err != nil {
		return nil, err
	}
	if a.iv.Operation == nil {
		return nil, domain.Invalidm("intervention", "evaluate.err.frag.policy", a.iv.labelMsg())
	}
	if a.iv.Operation.TargetTier != domain.TargetTierHighValue {
		return nil, domain.Invalidm("intervention", "evaluate.err.frag.tier", a.iv.labelMsg(), a.iv.Operation.TargetTier)
	}
	out := &Fragmentation{Resolved: a.iv, AsOf: asOf}
	var (
		base   *prepared
		inputs []displacement.FragmentationIndicator
	)
	for _, ind := range e.FragmentationIndicators(asOf) {
		if base == nil {
			p, err := a.prepare(DisplacementRequest{Intervention: intervention, Indicator: ind.Code, AsOf: asOf}, ind)
			if err != nil {
				if domain.ErrorCode(err) == domain.Internal {
					return nil, err
				}
				out.Skipped = append(out.Skipped, skipped(ind.Code, errMsg(err, true)))
				continue
			}
			base = p
			inputs = append(inputs, fragIndicator(ind, p.data))
			out.Indicators = append(out.Indicators, ind)
			continue
		}
		if ind.Granularity != base.ind.Granularity {
			out.Skipped = append(out.Skipped, skipped(ind.Code, i18n.M("frag.skip.granularity", string(ind.Granularity), base.ind.Code, string(base.ind.Granularity))))
			continue
		}
		withData := e.regionsWithData(ind.Code, asOf)
		var lacking []string
		for _, t := range base.areas.Target {
			if !withData[t] {
				lacking = append(lacking, t)
			}
		}
		if len(lacking) > 0 {
			out.Skipped = append(out.Skipped, skipped(ind.Code, i18n.M("frag.skip.notarget", i18n.Strings(lacking))))
			continue
		}
		inputs = append(inputs, fragIndicator(ind, a.read(ind.Code, base)))
		out.Indicators = append(out.Indicators, ind)
	}
	if base == nil {
		reasons := reasonList(out.Skipped)
		if len(reasons.Items) == 0 {
			reasons.Items = []any{i18n.M("evaluate.err.frag.nodefined")}
		}
		return nil, domain.Invalidm("intervention", "evaluate.err.frag.none", a.iv.labelMsg(), reasons)
	}
	res, err := displacement.Fragmentation(displacement.FragmentationInput{
		Intervention:    a.iv.label(),
		InterventionMsg: a.iv.labelMsg(),
		Areas:           base.areas,
		Before:          base.before,
		After:           base.after,
		Indicators:      inputs,
		Graph:           a.graph,
		Q:               q,
		AsOf:            asOfLabel(asOf),
	})
	if err != nil {
		return nil, err
	}
	res.SetAssumptions(append(res.AssumptionMsgs, base.assumptions...)...)
	diags := append(res.DiagnosticMsgs, base.diagnostics...)
	for _, s := range out.Skipped {
		diags = append(diags, i18n.M("frag.diag.leftout", s.Indicator, s.reason()))
	}
	res.SetDiagnostics(diags...)
	out.FragmentationResult = res
	return out, nil
}

func fragIndicator(ind projections.Indicator, data displacement.Table) displacement.FragmentationIndicator {
	return displacement.FragmentationIndicator{
		Indicator: displacement.Indicator{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Direction: ind.DesiredDirection, Scale: displacement.Count},
		Data:      data,
	}
}

// read reads indicator over the regions and windows of p.
func (a *analysis) read(indicator string, p *prepared) displacement.Table {
	lo := mustIndex(p.ind.Granularity, p.before.Periods[0])
	hi := mustIndex(p.ind.Granularity, p.after.Periods[len(p.after.Periods)-1])
	t := make(displacement.Table, len(p.data))
	for r := range p.data {
		d, _ := a.e.Series.Get(projections.Query{Indicator: indicator, Region: r, From: &lo, To: &hi, AsOf: a.asOf})
		row := make(map[string]float64, len(d.Points))
		for _, pt := range d.Points {
			row[pt.Period] = pt.Value
		}
		t[r] = row
	}
	return t
}

// checked is an indicator left out for the reason m, whose English must
// be english (the text given so far); when it is not, english is the
// reason in every language.
func checked(indicator string, m i18n.Msg, english string) Skipped {
	if i18n.EN.Render(m) != english {
		return Skipped{Indicator: indicator, Reason: english}
	}
	return skipped(indicator, m)
}

// unrankedCause is why an analysis has no entry in a scan (see
// displacement.EntryFromResult), without "WDD not computed: ".
func unrankedCause(d *Displacement, err error) any {
	if d.WDD == nil {
		switch note := d.WDDNoteMsg; note.Key {
		case "displacement.wdd.notcomputed":
			return note.Args[0]
		case "displacement.wdd.level":
			return i18n.M("scan.skip.level", note.Args...)
		}
	}
	return errMsg(err, false)
}

// bare returns an error's message without its field.
func bare(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}
