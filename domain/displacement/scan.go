package displacement

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
)

// ScanEntry is one indicator's evidence of displacement after an
// intervention: the displacement part of its WDD (oriented: positive is
// displacement) and its z statistic.
type ScanEntry struct {
	// Indicator identifies the indicator; it must be unique in a scan.
	Indicator string
	// Z is the test statistic, Estimate/SE; it is what the scan uses.
	Z float64
	// Estimate and SE are reported as given; either may be zero when only
	// a z statistic is known.
	Estimate, SE float64
}

// EntryFromResult takes the displacement part of a result's WDD.
//
// It returns a *domain.Error (BAD_INPUT) when the result has no WDD or its
// buffer counts are all zero (no test is then possible).
func EntryFromResult(r *Result) (ScanEntry, error) {
	if r == nil || r.WDD == nil {
		if r != nil && r.WDDNote != "" {
			return ScanEntry{}, domain.Invalidm("result", "scan.entry.wdd", r.wddNoteArg())
		}
		return ScanEntry{}, domain.Invalidm("result", "scan.entry.nowdd")
	}
	d := r.WDD.Displacement
	if d.SE == 0 {
		return ScanEntry{}, domain.Invalidm("result", "scan.entry.nothing")
	}
	code := r.Indicator.Code
	if code == "" {
		code = r.Indicator.Name
	}
	return ScanEntry{Indicator: code, Z: d.Estimate / d.SE, Estimate: d.Estimate, SE: d.SE}, nil
}

// ScanOptions tune [ScanIndicators].
type ScanOptions struct {
	// Q is the false discovery rate to control; 0 means 0.05.
	Q float64
	// TwoSided tests for any change in the buffer (displacement or
	// diffusion) instead of displacement only.
	TwoSided bool
	// InterventionMsg, when set, names the intervention in every language
	// (the intervention argument is then its English rendering).
	InterventionMsg i18n.Msg
}

// ScanRow is one indicator in a scan, in rank order.
type ScanRow struct {
	// Rank is the position, from 1.
	Rank int
	// Indicator, Estimate, SE and Z repeat the entry.
	Indicator string
	Estimate  float64
	SE        float64
	Z         float64
	// P is the one-sided p-value for displacement (P(Z >= z)), or the
	// two-sided one with ScanOptions.TwoSided.
	P float64
	// Adjusted is the Benjamini-Hochberg adjusted p-value.
	Adjusted float64
	// Discovery is set when Adjusted <= Q.
	Discovery bool
}

// ScanResult is a scan of many indicators for one intervention.
type ScanResult struct {
	// Intervention, Q and TwoSided repeat the input.
	Intervention string
	Q            float64
	TwoSided     bool
	// Rows are ranked by evidence of displacement: smallest p first, then
	// largest z, then indicator.
	Rows []ScanRow
	// Discoveries counts the rows with Discovery set.
	Discoveries int
	// Method, Assumptions and Explanation explain the scan.
	Method      string
	Assumptions []string
	Explanation string
	// AssumptionMsgs and ExplanationMsgs are Assumptions and Explanation
	// as messages of the catalogue, to be written in any language
	// (Assumptions and Explanation are their English rendering).
	AssumptionMsgs  []i18n.Msg `json:"-"`
	ExplanationMsgs i18n.Text  `json:"-"`
	interventionMsg i18n.Msg
}

// SetExplanation sets the explanation to t and its English rendering.
func (r *ScanResult) SetExplanation(t i18n.Text) {
	r.ExplanationMsgs, r.Explanation = t, t.In(i18n.EN)
}

// SetAssumptions sets the assumptions to ms and their English rendering.
func (r *ScanResult) SetAssumptions(ms ...i18n.Msg) {
	r.AssumptionMsgs, r.Assumptions = ms, i18n.EN.RenderAll(ms)
}

// ExplanationIn writes the explanation in l (English: Explanation; a
// result without messages gives Explanation in every language).
func (r *ScanResult) ExplanationIn(l i18n.Lang) string {
	return r.ExplanationMsgs.InOr(l, r.Explanation)
}

// AssumptionsIn writes the assumptions in l (see [ScanResult.ExplanationIn]).
func (r *ScanResult) AssumptionsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.AssumptionMsgs, r.Assumptions)
}

// ScanIndicators ranks indicators by evidence of displacement after one
// intervention and controls the false discovery rate over them with the
// Benjamini-Hochberg (1995) step-up procedure: adjusted p-values, and the
// indicators discovered at level Q.
//
// It returns a *domain.Error (BAD_INPUT) for no entries, an empty or
// repeated indicator, a non-finite z, estimate or SE, a negative SE, or a
// Q outside (0, 1).
func ScanIndicators(intervention string, entries []ScanEntry, opts ScanOptions) (*ScanResult, error) {
	q := opts.Q
	if q == 0 {
		q = 0.05
	}
	if !(q > 0 && q < 1) {
		return nil, domain.Invalidm("q", "frag.err.q", i18n.Num(fmtG, q))
	}
	if len(entries) == 0 {
		return nil, domain.Invalidm("entries", "scan.err.noentry")
	}
	seen := map[string]int{}
	rows := make([]ScanRow, len(entries))
	for i, e := range entries {
		f := "entries[" + strconv.Itoa(i) + "]"
		if e.Indicator == "" {
			return nil, domain.Invalidm(f+".indicator", "scan.err.required")
		}
		if j, dup := seen[e.Indicator]; dup {
			return nil, domain.Invalidm(f+".indicator", "scan.err.twice", e.Indicator, j)
		}
		seen[e.Indicator] = i
		if !finite(e.Z) {
			return nil, domain.Invalidm(f+".z", "scan.err.finite")
		}
		if !finite(e.Estimate) {
			return nil, domain.Invalidm(f+".estimate", "scan.err.finite")
		}
		if !finite(e.SE) || e.SE < 0 {
			return nil, domain.Invalidm(f+".se", "scan.err.se")
		}
		p := upperP(e.Z)
		if opts.TwoSided {
			p = twoSidedP(e.Z)
		}
		rows[i] = ScanRow{Indicator: e.Indicator, Estimate: e.Estimate, SE: e.SE, Z: clean(e.Z), P: p}
	}
	ps := make([]float64, len(rows))
	for i, r := range rows {
		ps[i] = r.P
	}
	adj := impact.AdjustBH(ps)
	res := &ScanResult{
		Intervention: intervention, Q: q, TwoSided: opts.TwoSided, interventionMsg: opts.InterventionMsg,
		Method: "Benjamini-Hochberg (1995) false discovery rate control over per-indicator displacement tests (WDD, Wheeler & Ratcliffe 2018)",
	}
	for i := range rows {
		rows[i].Adjusted = adj[i]
		rows[i].Discovery = adj[i] <= q
		if rows[i].Discovery {
			res.Discoveries++
		}
	}
	slices.SortStableFunc(rows, func(a, b ScanRow) int {
		if c := cmp.Compare(a.P, b.P); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Z, a.Z); c != 0 {
			return c
		}
		return strings.Compare(a.Indicator, b.Indicator)
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	res.Rows = rows
	test := i18n.M("scan.test.one")
	if opts.TwoSided {
		test = i18n.M("scan.test.two")
	}
	res.SetAssumptions(i18n.M("scan.assume.statistic", test), i18n.M("scan.assume.bh"))
	res.SetExplanation(explainScan(res))
	return res, nil
}

func explainScan(r *ScanResult) i18n.Text {
	var what any = r.Intervention
	switch {
	case !r.interventionMsg.IsZero():
		what = r.interventionMsg
	case r.Intervention == "":
		what = i18n.M("scan.the.intervention")
	}
	kind := i18n.M("scan.kind.displacement")
	if r.TwoSided {
		kind = i18n.M("scan.kind.change")
	}
	text := i18n.Text{i18n.M("scan.explain.opening", what, len(r.Rows), kind, i18n.Num(fmtQ, r.Q))}
	if r.Discoveries == 0 {
		best := r.Rows[0]
		return append(text, i18n.M("scan.explain.none", best.Indicator, i18n.Num(fmtRatio, best.Z), i18n.Num(fmtRatio3, best.Adjusted)))
	}
	var found []any
	for _, row := range r.Rows {
		if row.Discovery {
			found = append(found, i18n.M("scan.explain.row", row.Indicator, i18n.Num(fmtRatio, row.Z), i18n.Num(fmtRatio3, row.Adjusted)))
		}
	}
	return append(text, i18n.M("scan.explain.found", count{r.Discoveries, "scan.found"}, i18n.List{Items: found, Sep: "scan.sep"}, i18n.Num(fmtQ, r.Q*100)))
}

// fmtQ writes a false discovery rate (or a percentage) as given: 0.05, 5.
func fmtQ(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func fmtRatio3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
