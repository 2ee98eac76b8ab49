package displacement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
)

// FragmentationIndicator is one indicator watched for fragmentation (violent
// incidents, active groups) with its observations. It must be a Count.
type FragmentationIndicator struct {
	// Indicator must be a Count; a NONE direction flags both ways.
	Indicator Indicator
	// Data holds its observations.
	Data Source
}

// FragmentationInput is what [Fragmentation] needs.
type FragmentationInput struct {
	// Intervention names the operation in the explanation.
	Intervention string
	// InterventionMsg, when set, names it in every language (Intervention
	// is then its English rendering).
	InterventionMsg i18n.Msg
	// Areas: the target and buffer regions are examined; each is compared
	// with the control's trend (a buffer region with BufferControl's, when
	// given).
	Areas Areas
	// Before and After are the windows compared.
	Before, After Window
	// Indicators are the indicators watched.
	Indicators []FragmentationIndicator
	// Graph, when given, supplies names and countries.
	Graph *Graph
	// Q is the false discovery rate for flags; 0 means 0.05.
	Q float64
	// AsOf is the log position the data was read at.
	AsOf string
}

// RegionExcess is one region's (or, in Totals, one role's) departure from
// its counterfactual on one indicator.
type RegionExcess struct {
	// Indicator is the indicator's code.
	Indicator string
	// Region, Name and Country identify the region; empty in Totals.
	Region, Name, Country string
	// Role is the region's role (target or buffer).
	Role Role
	// CrossBorder is set when no target lies in the region's country.
	CrossBorder bool
	// Before and After are the observed counts; Expected is Before times the
	// control's trend (after/before); Excess is After - Expected.
	Before, After, Expected, Excess float64
	// SE is the standard error of Excess; Low and High its 95% interval.
	SE, Low, High float64
	// Ratio is After/Expected; nil when Expected is zero.
	Ratio *float64
	// Z is Excess/SE (0 when SE is 0); P the p-value in the undesired
	// direction (two-sided for an indicator without a desired direction);
	// Adjusted its Benjamini-Hochberg adjustment over every region and
	// indicator of the call.
	Z, P, Adjusted float64
	// Flag is set when Adjusted <= Q: an excess in the undesired direction
	// that chance and the number of tests do not explain.
	Flag bool
}

// FragmentationResult is the fragmentation signal after one operation.
type FragmentationResult struct {
	// Method names the method; Intervention and Q repeat the input.
	Method       string
	Intervention string
	Q            float64
	// Rows hold one entry per indicator and target or buffer region.
	Rows []RegionExcess
	// Totals hold one entry per indicator for the targets and for the
	// buffer, on the role totals (not adjusted, not flagged).
	Totals []RegionExcess
	// Flagged counts the rows with Flag set.
	Flagged int
	// Inputs are the regions and periods used (the regions as read for the
	// first indicator; Dropped covers every indicator).
	Inputs Inputs
	// Diagnostics, Assumptions and Explanation explain the result.
	Diagnostics []string
	Assumptions []string
	Explanation string
	// DiagnosticMsgs, AssumptionMsgs and ExplanationMsgs are Diagnostics,
	// Assumptions and Explanation as messages of the catalogue, to be
	// written in any language (the strings are their English rendering).
	DiagnosticMsgs  []i18n.Msg `json:"-"`
	AssumptionMsgs  []i18n.Msg `json:"-"`
	ExplanationMsgs i18n.Text  `json:"-"`
}

// SetExplanation sets the explanation to t and its English rendering.
func (r *FragmentationResult) SetExplanation(t i18n.Text) {
	r.ExplanationMsgs, r.Explanation = t, t.In(i18n.EN)
}

// SetAssumptions sets the assumptions to ms and their English rendering.
func (r *FragmentationResult) SetAssumptions(ms ...i18n.Msg) {
	r.AssumptionMsgs, r.Assumptions = ms, i18n.EN.RenderAll(ms)
}

// SetDiagnostics sets the diagnostics to ms and their English rendering.
func (r *FragmentationResult) SetDiagnostics(ms ...i18n.Msg) {
	r.DiagnosticMsgs, r.Diagnostics = ms, i18n.EN.RenderAll(ms)
}

// ExplanationIn writes the explanation in l (English: Explanation; a
// result without messages gives Explanation in every language).
func (r *FragmentationResult) ExplanationIn(l i18n.Lang) string {
	return r.ExplanationMsgs.InOr(l, r.Explanation)
}

// AssumptionsIn writes the assumptions in l (see
// [FragmentationResult.ExplanationIn]).
func (r *FragmentationResult) AssumptionsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.AssumptionMsgs, r.Assumptions)
}

// DiagnosticsIn writes the diagnostics in l (see
// [FragmentationResult.ExplanationIn]).
func (r *FragmentationResult) DiagnosticsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.DiagnosticMsgs, r.Diagnostics)
}

// FragmentationMethod is the value of FragmentationResult.Method.
const FragmentationMethod = "Excess over the control trend per region (counterfactual before x C_a/C_b, as in the total net effect of Bowers & Johnson 2003; Poisson delta-method intervals) with Benjamini-Hochberg flags"

// Fragmentation compares, for each indicator and each target and buffer
// region, the count after the operation with what the control's trend
// predicts (Guideline 18: after operations against high-value targets,
// violence and the number of active groups may rise as organisations
// fragment and compete).
//
// For a region with before count B and after count A, and a control with
// totals C_b and C_a, the expected count is E = B C_a/C_b and the excess
// A - E. Treating the counts as independent Poisson, the delta method gives
// Var(A - E) = A + B k^2 + B^2 (C_a/C_b^2 + C_a^2/C_b^3) with k = C_a/C_b,
// which needs no division by a zero count other than C_b. The 95% interval
// is normal; p-values are one-sided in the undesired direction (an excess
// for a DOWN indicator, a shortfall for an UP one), two-sided for NONE, and
// adjusted over every region and indicator by Benjamini-Hochberg.
//
// It returns a *domain.Error (BAD_INPUT) naming the field for no
// indicators, a Level indicator, invalid windows or areas, missing data
// for a named region, a control (or buffer control) that recorded nothing
// before the operation, or a Q outside (0, 1).
func Fragmentation(in FragmentationInput) (*FragmentationResult, error) {
	q := in.Q
	if q == 0 {
		q = 0.05
	}
	if !(q > 0 && q < 1) {
		return nil, domain.Invalidm("q", "frag.err.q", i18n.Num(fmtG, q))
	}
	if len(in.Indicators) == 0 {
		return nil, domain.Invalidm("indicators", "frag.err.noindicator")
	}
	if err := validateWindows(in.Before, in.After); err != nil {
		return nil, err
	}
	if err := in.Areas.Validate(in.Graph); err != nil {
		return nil, err
	}
	shared := in.Areas.sharedControl()
	res := &FragmentationResult{
		Method: FragmentationMethod, Intervention: in.Intervention, Q: q,
		Inputs: Inputs{Derived: slices.Clone(in.Areas.Derived), SharedControl: shared, Before: in.Before, After: in.After, AsOf: in.AsOf},
	}
	droppedSeen := map[string]bool{}
	for i, fi := range in.Indicators {
		f := "indicators[" + strconv.Itoa(i) + "]"
		if err := fi.Indicator.validate(false); err != nil {
			return nil, domain.Prefix(f, err)
		}
		if fi.Indicator.scale() != Count {
			return nil, domain.Invalidm(f+".indicator.scale", "frag.err.level", fi.Indicator.labelArg())
		}
		if fi.Data == nil {
			return nil, domain.Invalidm(f+".data", "frag.err.nodata")
		}
		roles, dropped, err := gather(in.Areas, shared, fi.Data, in.Before, in.After, Count, in.Graph)
		if err != nil {
			return nil, domain.Prefix(f, err)
		}
		for _, d := range dropped {
			key := d.Region + "/" + string(d.Role) + "/" + fi.Indicator.Code
			if !droppedSeen[key] {
				droppedSeen[key] = true
				d.Reason = fi.Indicator.label() + ": " + d.Reason
				d.ReasonMsg = i18n.M("frag.dropped.reason", fi.Indicator.labelArg(), d.ReasonMsg)
				res.Inputs.Dropped = append(res.Inputs.Dropped, d)
			}
		}
		if i == 0 {
			res.Inputs.Target, res.Inputs.Buffer = codesOf(roles[RoleTarget]), codesOf(roles[RoleBuffer])
			res.Inputs.Control = codesOf(roles[RoleControl])
			if shared {
				res.Inputs.BufferControl = res.Inputs.Control
			} else {
				res.Inputs.BufferControl = codesOf(roles[RoleBufferControl])
			}
		}
		if shared {
			roles[RoleBufferControl] = roles[RoleControl]
		}
		code := fi.Indicator.Code
		if code == "" {
			code = fi.Indicator.label()
		}
		for _, pair := range []struct{ role, control Role }{{RoleTarget, RoleControl}, {RoleBuffer, RoleBufferControl}} {
			ct := total(pair.control, roles[pair.control], Count)
			if ct.Before == 0 {
				return nil, domain.Invalidm(f, "frag.err.nocontrol", roleMsg(pair.control), fi.Indicator.labelArg())
			}
			for _, r := range roles[pair.role] {
				row := excess(fi.Indicator, r.Before, r.After, ct.Before, ct.After)
				row.Indicator, row.Region, row.Name, row.Country, row.Role, row.CrossBorder = code, r.Region, r.Name, r.Country, r.Role, r.CrossBorder
				res.Rows = append(res.Rows, row)
			}
			t := total(pair.role, roles[pair.role], Count)
			row := excess(fi.Indicator, t.Before, t.After, ct.Before, ct.After)
			row.Indicator, row.Role = code, pair.role
			res.Totals = append(res.Totals, row)
		}
	}

	ps := make([]float64, len(res.Rows))
	for i, r := range res.Rows {
		ps[i] = r.P
	}
	adj := impact.AdjustBH(ps)
	for i := range res.Rows {
		res.Rows[i].Adjusted = adj[i]
		res.Rows[i].Flag = adj[i] <= q
		if res.Rows[i].Flag {
			res.Flagged++
		}
	}
	res.SetDiagnostics(fragmentationDiagnostics(res)...)
	assume := []i18n.Msg{
		i18n.M("frag.assume.counterfactual"),
		i18n.M("frag.assume.poisson"),
		i18n.M("frag.assume.flags", len(res.Rows), i18n.Num(fmtQ, q)),
	}
	if len(res.Inputs.Derived) > 0 {
		assume = append(assume, i18n.M("frag.assume.derived"))
	}
	res.SetAssumptions(assume...)
	res.SetExplanation(explainFragmentation(res, in.Indicators, in.InterventionMsg))
	return res, nil
}

// excess computes one row's counterfactual, excess and test.
func excess(ind Indicator, b, a, cb, ca float64) RegionExcess {
	k := ca / cb
	e := b * k
	x := clean(a - e)
	v := a + b*k*k + b*b*(ca/(cb*cb)+ca*ca/(cb*cb*cb))
	row := RegionExcess{Before: b, After: a, Expected: e, Excess: x}
	if v > 0 && finite(v) {
		row.SE = math.Sqrt(v)
		row.Z = clean(x / row.SE)
	}
	row.Low, row.High = x-z95*row.SE, x+z95*row.SE
	if e > 0 {
		row.Ratio = ptr(a / e)
	}
	switch {
	case row.SE == 0:
		row.P = 1
	case ind.Direction == domain.DirectionDown:
		row.P = upperP(row.Z)
	case ind.Direction == domain.DirectionUp:
		row.P = upperP(-row.Z)
	default:
		row.P = twoSidedP(row.Z)
	}
	return row
}

func codesOf(rs []RegionChange) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Region
	}
	return out
}

func fragmentationDiagnostics(r *FragmentationResult) []i18n.Msg {
	var d []i18n.Msg
	if len(r.Inputs.Dropped) > 0 {
		names := make([]any, len(r.Inputs.Dropped))
		for i, x := range r.Inputs.Dropped {
			var reason any = x.Reason
			if !x.ReasonMsg.IsZero() {
				reason = x.ReasonMsg
			}
			names[i] = i18n.M("frag.diag.dropped.one", x.Region, roleMsg(x.Role), reason)
		}
		d = append(d, i18n.M("frag.diag.dropped", len(names), limited{items: names, n: 10}))
	}
	small := 0
	for _, row := range r.Rows {
		if row.Before < 10 && row.After < 10 {
			small++
		}
	}
	if small > 0 {
		d = append(d, i18n.M("frag.diag.small", small, len(r.Rows)))
	}
	return d
}

// roleMsg names a role in lower case in a sentence ("buffer").
func roleMsg(r Role) i18n.Msg { return i18n.M("frag.role." + string(r)) }

// limited is a list written in words: the first n items
// joined by "; ", then how many more.
type limited struct {
	items []any
	n     int
}

// Localize writes the list in l.
func (li limited) Localize(l i18n.Lang) string {
	xs := make([]string, len(li.items))
	for i, x := range li.items {
		switch v := x.(type) {
		case i18n.Localizer:
			xs[i] = v.Localize(l)
		default:
			xs[i] = fmt.Sprint(v)
		}
	}
	sep := l.T("frag.sep")
	if len(xs) <= li.n {
		return strings.Join(xs, sep)
	}
	more := len(xs) - li.n
	return strings.Join(xs[:li.n], sep) + l.Render(i18n.M(l.Plural("frag.more", more), i18n.Int(more)))
}

// count is a number of things in words: "1 target region", "3 target
// regions", by the language's plural rule.
type count struct {
	n   int
	key string
}

// Localize writes c in l.
func (c count) Localize(l i18n.Lang) string { return l.N(c.key, c.n) }

func explainFragmentation(r *FragmentationResult, inds []FragmentationIndicator, ivMsg i18n.Msg) i18n.Text {
	var what any = r.Intervention
	switch {
	case !ivMsg.IsZero():
		what = ivMsg
	case r.Intervention == "":
		what = i18n.M("frag.the.operation")
	}
	names := map[string]any{}
	for _, fi := range inds {
		code := fi.Indicator.Code
		if code == "" {
			code = fi.Indicator.label()
		}
		names[code] = fi.Indicator.labelArg()
	}
	text := i18n.Text{i18n.M("frag.explain.opening", what, r.Inputs.Before.labelMsg(), r.Inputs.After.labelMsg(), len(inds),
		count{len(r.Inputs.Target), "frag.n.target"}, count{len(r.Inputs.Buffer), "frag.n.buffer"})}
	for _, t := range r.Totals {
		text = append(text, i18n.M("frag.explain.total."+string(t.Role), capitalised{names[t.Indicator]}, i18n.Num(fmtNum, t.After), i18n.Num(fmtNum, t.Expected),
			i18n.Num(signedNum, t.Excess), i18n.Num(signedNum, t.Low), i18n.Num(signedNum, t.High)))
	}
	if r.Flagged == 0 {
		return append(text, i18n.M("frag.explain.none", i18n.Num(fmtQ, r.Q)))
	}
	flagged := slices.Clone(r.Rows)
	flagged = slices.DeleteFunc(flagged, func(x RegionExcess) bool { return !x.Flag })
	slices.SortStableFunc(flagged, func(x, y RegionExcess) int { return cmp.Compare(x.Adjusted, y.Adjusted) })
	var parts []any
	for _, x := range flagged {
		var where any = x.Name
		if x.CrossBorder && x.Country != "" {
			where = i18n.M("frag.where.cross", x.Name, x.Country)
		}
		var ratio any = ""
		if x.Ratio != nil {
			ratio = i18n.M("frag.ratio", i18n.Num(fmtRatio, *x.Ratio))
		}
		parts = append(parts, i18n.M("frag.explain.flag", where, roleMsg(x.Role), names[x.Indicator], i18n.Num(fmtNum, x.After), i18n.Num(fmtNum, x.Expected), ratio))
	}
	return append(text, i18n.M("frag.explain.flagged", i18n.Num(fmtQ, r.Q), limited{items: parts, n: 8}))
}

// capitalised writes its argument with a capital first letter.
type capitalised struct{ x any }

// Localize writes c in l.
func (c capitalised) Localize(l i18n.Lang) string {
	if loc, ok := c.x.(i18n.Localizer); ok {
		return capitalise(loc.Localize(l))
	}
	return capitalise(fmt.Sprint(c.x))
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// fmtG writes a number as %g does.
func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
