package displacement

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
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
		note := "no WDD"
		if r != nil && r.WDDNote != "" {
			note = "WDD " + r.WDDNote
		}
		return ScanEntry{}, domain.Invalid("result", "%s", note)
	}
	d := r.WDD.Displacement
	if d.SE == 0 {
		return ScanEntry{}, domain.Invalid("result", "the buffer and its control recorded nothing, so there is no displacement to test")
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
		return nil, domain.Invalid("q", "must be between 0 and 1 (got %g)", q)
	}
	if len(entries) == 0 {
		return nil, domain.Invalid("entries", "needs at least one indicator")
	}
	seen := map[string]int{}
	rows := make([]ScanRow, len(entries))
	for i, e := range entries {
		f := "entries[" + strconv.Itoa(i) + "]"
		if e.Indicator == "" {
			return nil, domain.Invalid(f+".indicator", "is required")
		}
		if j, dup := seen[e.Indicator]; dup {
			return nil, domain.Invalid(f+".indicator", "indicator %q is listed twice (also at entries[%d])", e.Indicator, j)
		}
		seen[e.Indicator] = i
		if !finite(e.Z) {
			return nil, domain.Invalid(f+".z", "must be a finite number")
		}
		if !finite(e.Estimate) {
			return nil, domain.Invalid(f+".estimate", "must be a finite number")
		}
		if !finite(e.SE) || e.SE < 0 {
			return nil, domain.Invalid(f+".se", "must be a finite number of zero or more")
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
		Intervention: intervention, Q: q, TwoSided: opts.TwoSided,
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
	test := "one-sided tests for displacement (the buffer worsening beyond its control)"
	if opts.TwoSided {
		test = "two-sided tests for any change in the buffer beyond its control (displacement or diffusion)"
	}
	res.Assumptions = []string{
		"Each indicator's statistic is the displacement part of its WDD, (D1-D0) - (Dc1-Dc0) oriented so that positive is a change against the desired direction, divided by its Poisson standard error; p-values come from " + test + ".",
		"Benjamini-Hochberg controls the expected share of false discoveries at Q when the tests are independent or positively dependent (Benjamini & Hochberg 1995; Benjamini & Yekutieli 2001). Indicators measured in the same regions may be dependent in other ways; read discoveries as leads to examine, not proof.",
	}
	res.Explanation = explainScan(res)
	return res, nil
}

func explainScan(r *ScanResult) string {
	var b strings.Builder
	what := r.Intervention
	if what == "" {
		what = "the intervention"
	}
	kind := "displacement"
	if r.TwoSided {
		kind = "a change in the buffer (displacement or diffusion)"
	}
	fmt.Fprintf(&b, "After %s, %d indicator(s) were tested for %s, controlling the false discovery rate at %s. ", what, len(r.Rows), kind, strconv.FormatFloat(r.Q, 'f', -1, 64))
	if r.Discoveries == 0 {
		best := r.Rows[0]
		fmt.Fprintf(&b, "None stands out once the number of tests is taken into account; the strongest is %s (z = %s, adjusted p = %s).", best.Indicator, fmtRatio(best.Z), fmtRatio3(best.Adjusted))
		return b.String()
	}
	var names []string
	for _, row := range r.Rows {
		if row.Discovery {
			names = append(names, fmt.Sprintf("%s (z = %s, adjusted p = %s)", row.Indicator, fmtRatio(row.Z), fmtRatio3(row.Adjusted)))
		}
	}
	fmt.Fprintf(&b, "%d show evidence of it: %s. Expect up to %s%% of such findings to be false leads.", r.Discoveries, strings.Join(names, "; "), strconv.FormatFloat(r.Q*100, 'f', -1, 64))
	return b.String()
}

func fmtRatio3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
