package evaluate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// This file runs domain/displacement on the read models: it builds the
// region graph from the catalogue, fills in the roles and windows the
// caller left out, reads the observations as of a position and hands them
// to displacement.Analyse. The rules it applies are documented on
// [Evaluator.Displacement] and repeated in every result's assumptions.

// PeriodRange is an inclusive run of periods in an indicator's granularity
// ("2018-01" to "2018-12").
type PeriodRange struct {
	From, To string
}

// DisplacementRequest asks for a displacement analysis of one intervention
// on one indicator. A nil role or window means "choose the default"; a
// role given as an empty (non-nil) list is an error.
type DisplacementRequest struct {
	// Intervention and Indicator are the IDs to analyse.
	Intervention string
	Indicator    string
	// Target, Buffer, Control and BufferControl are region codes.
	Target, Buffer, Control, BufferControl []string
	// Before and After are the windows compared.
	Before, After *PeriodRange
	// AsOf is the log position to read at; 0 means the latest.
	AsOf uint64
}

// Finding is what a displacement analysis concludes about the buffer, in
// one word; see [Evaluator.Displacement] for the rule.
type Finding string

// The findings of a displacement analysis.
const (
	// FindingDisplacement: the target improved and the buffer worsened
	// relative to the control (a displacement reading of the WDQ), and the
	// buffer's change beyond its control is not explained by chance.
	FindingDisplacement Finding = "DISPLACEMENT"
	// FindingDiffusion: the target improved and so did the buffer (a
	// diffusion reading of the WDQ), beyond chance.
	FindingDiffusion Finding = "DIFFUSION"
	// FindingNoEvidence: the WDQ can be read, but it says neither, or the
	// buffer's change is within what chance explains.
	FindingNoEvidence Finding = "NO_EVIDENCE"
	// FindingNotInterpretable: there was no success in the target to weigh
	// the buffer against (or a divisor was zero): the WDQ is not read.
	FindingNotInterpretable Finding = "NOT_INTERPRETABLE"
	// FindingUntested: the WDQ reads as displacement or diffusion, but
	// there is no test of chance (a level, or a buffer and control that
	// recorded nothing): read the WDQ with the regions' changes.
	FindingUntested Finding = "UNTESTED"
)

// BufferTest is the one-sided test of displacement into the buffer: the
// displacement part of the WDD, (D1-D0) - (Dc1-Dc0), oriented so that
// positive is a change against the desired direction.
type BufferTest struct {
	// Estimate is (D1-D0) - (Dc1-Dc0) after the WDD's weights, SE its
	// Poisson standard error and Z = Estimate/SE.
	Estimate, SE, Z float64
	// P is P(Z >= z): small when the buffer worsened beyond its control.
	P float64
}

// Displacement is a displacement analysis of one intervention on one
// indicator, with how its inputs were chosen.
type Displacement struct {
	*displacement.Result
	// Resolved is the intervention as known at AsOf.
	Resolved Intervention
	// Definition is the indicator's definition.
	Definition projections.Indicator
	// Scale is how the indicator's values were combined (see [ScaleOf]).
	Scale displacement.Scale
	// Finding is the one-word conclusion and FindingNote the reason for it.
	Finding     Finding
	FindingNote string
	// FindingNoteMsg is FindingNote as a message of the catalogue.
	FindingNoteMsg i18n.Msg `json:"-"`
	// BufferTest is the test of the buffer's change; nil without a WDD.
	BufferTest *BufferTest
	// CrossBorder is set when the buffer holds regions in a country that
	// none of the targets is in.
	CrossBorder bool
	// AsOf is the position read at (0: latest).
	AsOf uint64
}

// significance is the one-sided level at which a buffer change counts as
// evidence of displacement or diffusion in a [Finding].
const significance = 0.05

// Displacement measures whether activity moved from an intervention's
// regions to their neighbours (DESIGN.md section 4; domain/displacement).
//
// Defaults, when the request leaves a part out:
//
//   - Target: the intervention's regions (as known at AsOf) expanded to the
//     regions that hold data for the indicator (see [Evaluator.ExpandWithData]);
//     when none of them or their parts has data, the nearest enclosing
//     region that has (a port stands in its NUTS 2 region for an indicator
//     kept by NUTS 2 region).
//   - Buffer: the targets' neighbours of the targets' level, one link of any
//     kind away, across borders too; Control: every other region of that
//     level that is neither a target nor a neighbour of one
//     ([displacement.Graph.CompleteAreas]); both restricted to regions with
//     data for the indicator. A derived region without a value for every
//     period of the windows is left out and listed. BufferControl defaults
//     to the control.
//   - Windows: the intervention's effect is read from its first effect
//     period, the first period of the indicator's granularity that starts
//     on or after the operation's start or the policy's effective date.
//     After runs from there for [DefaultWindowPeriods] periods, or to the
//     last period the targets all have data for if that is sooner; Before
//     is the same number of periods just before the first effect period,
//     cut at the first period the targets all have data for. When only one
//     window is given, the other has its length: Before ends just before
//     the earlier of the first effect period and After's start; After
//     starts at the later of the first effect period and the period after
//     Before.
//   - Scale: see [ScaleOf].
//   - Exposure: for counts, when the indicator has a population indicator
//     (see [Evaluator.PopulationOf]) that has a value for every region of
//     the analysis at the last period of the before window (or before it),
//     those populations are the WDD's size weights; otherwise each region
//     counts as one unit of size. The result says which.
//
// The finding: DISPLACEMENT when the WDQ reads as displacement (the
// target improved, the buffer worsened, relative to the control) and the
// buffer's change beyond its control has a one-sided p-value below 0.05 in
// the WDD's Poisson test; DIFFUSION likewise in the other direction;
// NO_EVIDENCE otherwise; NOT_INTERPRETABLE when the WDQ cannot be read;
// UNTESTED when it reads as displacement or diffusion but there is no
// test (a level, whose WDD is not computed).
//
// It returns a *domain.Error: NOT_FOUND naming "intervention", "indicator"
// or the region ("buffer[1]") for what is not recorded; BAD_INPUT naming
// the field for an indicator without a desired direction, a role given
// empty, a named region without data for the indicator or for some period
// of the windows, overlapping roles, a malformed window or one outside the
// indicator's granularity, overlapping or misordered windows, or windows
// in which the targets have no data.
func (e *Evaluator) Displacement(req DisplacementRequest) (*Displacement, error) {
	a, err := e.newAnalysis("intervention", req.Intervention, req.AsOf)
	if err != nil {
		return nil, err
	}
	ind, err := e.Indicator("indicator", req.Indicator, req.AsOf)
	if err != nil {
		return nil, err
	}
	return a.displacement(req, ind)
}

// analysis holds what the analyses of one intervention share.
type analysis struct {
	e     *Evaluator
	iv    Intervention
	graph *displacement.Graph
	asOf  uint64
}

func (e *Evaluator) newAnalysis(field, id string, asOf uint64) (*analysis, error) {
	iv, err := e.Intervention(field, id, asOf)
	if err != nil {
		return nil, err
	}
	g, err := e.Graph(asOf)
	if err != nil {
		return nil, err
	}
	return &analysis{e: e, iv: iv, graph: g, asOf: asOf}, nil
}

// graphOf builds the region graph as of asOf; see [Evaluator.Graph].
func (e *Evaluator) graphOf(asOf uint64) (*displacement.Graph, error) {
	regions := e.regions(asOf)
	nodes := make([]displacement.Region, len(regions))
	var links []displacement.Link
	for i, r := range regions {
		nodes[i] = displacement.Region{Code: r.Code, Name: r.Name, Country: r.Country, Level: r.Level}
		for _, l := range r.Links {
			if r.Code < l.Region { // each link is held by both ends
				links = append(links, displacement.Link{A: r.Code, B: l.Region, Kind: l.Kind})
			}
		}
	}
	g, err := displacement.NewGraph(nodes, links)
	if err != nil {
		return nil, &domain.Error{Code: domain.Internal, Message: "region graph: " + err.Error(), Err: err}
	}
	return g, nil
}

// label names the intervention in explanations.
func (iv Intervention) label() string {
	kind := "operation"
	if iv.Kind == projections.KindPolicyChange {
		kind = "policy change"
	}
	return fmt.Sprintf("%s %q (%s)", kind, iv.Title, iv.ID)
}

// labelMsg is label as a message of the catalogue.
func (iv Intervention) labelMsg() i18n.Msg {
	kind := "OPERATION"
	if iv.Kind == projections.KindPolicyChange {
		kind = "POLICY_CHANGE"
	}
	return i18n.M("evaluate.iv.label."+kind, quoted(iv.Title), iv.ID)
}

// asOfLabel is the position as results report it.
func asOfLabel(asOf uint64) string {
	if asOf == 0 {
		return "latest"
	}
	return strconv.FormatUint(asOf, 10)
}

// prepared is a request made ready for the domain: roles, windows, data.
type prepared struct {
	ind           projections.Indicator
	scale         displacement.Scale
	areas         displacement.Areas
	before, after displacement.Window
	data          displacement.Table
	exposure      map[string]float64
	assumptions   []i18n.Msg
	diagnostics   []i18n.Msg
	notes         []i18n.Msg // for the explanation
}

func (a *analysis) displacement(req DisplacementRequest, ind projections.Indicator) (*Displacement, error) {
	if ind.DesiredDirection != domain.DirectionUp && ind.DesiredDirection != domain.DirectionDown {
		return nil, domain.Invalidm("indicator", "evaluate.err.nodirection", ind.Code, ind.DesiredDirection)
	}
	p, err := a.prepare(req, ind)
	if err != nil {
		return nil, err
	}
	if p.scale == displacement.Count {
		p.exposure, p.assumptions = a.exposure(p, p.assumptions)
	}
	res, err := displacement.Analyse(displacement.Input{
		Intervention:    a.iv.label(),
		InterventionMsg: a.iv.labelMsg(),
		Indicator:       displacement.Indicator{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Direction: ind.DesiredDirection, Scale: p.scale},
		Areas:           p.areas,
		Before:          p.before,
		After:           p.after,
		Data:            p.data,
		Graph:           a.graph,
		Exposure:        p.exposure,
		AsOf:            asOfLabel(a.asOf),
	})
	if err != nil {
		return nil, err
	}
	out := &Displacement{Result: res, Resolved: a.iv, Definition: ind, Scale: p.scale, AsOf: a.asOf}
	for _, r := range res.Regions {
		if r.Role == displacement.RoleBuffer && r.CrossBorder {
			out.CrossBorder = true
		}
	}
	out.Finding, out.FindingNoteMsg, out.BufferTest = judge(res)
	out.FindingNote = i18n.EN.Render(out.FindingNoteMsg)
	res.SetAssumptions(append(res.AssumptionMsgs, p.assumptions...)...)
	res.SetDiagnostics(append(res.DiagnosticMsgs, p.diagnostics...)...)
	res.SetExplanation(append(append(res.ExplanationMsgs, findingSentence(out)), p.notes...))
	return out, nil
}

// judge reads a result into a finding (see [Evaluator.Displacement]).
func judge(r *displacement.Result) (Finding, i18n.Msg, *BufferTest) {
	var test *BufferTest
	if r.WDD != nil && r.WDD.Displacement.SE > 0 {
		d := r.WDD.Displacement
		z := d.Estimate / d.SE
		test = &BufferTest{Estimate: d.Estimate, SE: d.SE, Z: z, P: upperTail(z)}
	}
	switch r.WDQ.Category {
	case displacement.NotInterpretable:
		var why any = r.WDQ.Reason
		if !r.WDQ.ReasonMsg.IsZero() {
			why = r.WDQ.ReasonMsg
		}
		return FindingNotInterpretable, i18n.M("evaluate.finding.note.unread", why), test
	case displacement.Neither:
		return FindingNoEvidence, i18n.M("evaluate.finding.note.neither"), test
	}
	displaced := r.WDQ.Category == displacement.DisplacementSmaller || r.WDQ.Category == displacement.DisplacementExceeds
	want, word := FindingDiffusion, i18n.M("evaluate.finding.word.diffusion")
	if displaced {
		want, word = FindingDisplacement, i18n.M("evaluate.finding.word.displacement")
	}
	if test == nil {
		var why any = i18n.M("evaluate.finding.note.nothing")
		if r.WDD == nil {
			why = strings.TrimPrefix(r.WDDNote, "not computed: ")
			if m := r.WDDNoteMsg; !m.IsZero() {
				why = m
				if m.Key == "displacement.wdd.notcomputed" {
					why = m.Args[0]
				} else if m.Key == "displacement.wdd.level" {
					why = i18n.M("evaluate.finding.note.level", m.Args...)
				}
			}
		}
		return FindingUntested, i18n.M("evaluate.finding.note.untested", word, why), nil
	}
	p := test.P
	if !displaced {
		p = 1 - test.P // diffusion: the buffer improved, the lower tail
	}
	z := i18n.Num(fixed2, test.Z)
	if p < significance {
		return want, i18n.M("evaluate.finding.note.beyond", word, z, pMsg(p)), test
	}
	return FindingNoEvidence, i18n.M("evaluate.finding.note.within", word, z, pMsg(p)), test
}

func fixed2(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// pMsg is a p-value for prose ("< 0.001", "= 0.034").
func pMsg(p float64) i18n.Msg {
	if p < 0.001 {
		return i18n.M("displacement.p.lt", i18n.Num(fixed3, 0.001))
	}
	return i18n.M("displacement.p.eq", i18n.Num(fixed3, p))
}

func fixed3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

func findingSentence(d *Displacement) i18n.Msg {
	switch d.Finding {
	case FindingDisplacement:
		if d.CrossBorder {
			return i18n.M("evaluate.finding.displacement.border", d.FindingNoteMsg)
		}
		return i18n.M("evaluate.finding.displacement", d.FindingNoteMsg)
	case FindingDiffusion:
		return i18n.M("evaluate.finding.diffusion", d.FindingNoteMsg)
	case FindingNoEvidence:
		return i18n.M("evaluate.finding.noevidence", d.FindingNoteMsg)
	case FindingUntested:
		return i18n.M("evaluate.finding.untested", d.FindingNoteMsg)
	}
	return i18n.M("evaluate.finding.unread", d.FindingNoteMsg)
}

// prepare resolves the roles and windows of a request and reads the data.
// It does not check the indicator's direction.
func (a *analysis) prepare(req DisplacementRequest, ind projections.Indicator) (*prepared, error) {
	p := &prepared{ind: ind, scale: ScaleOf(ind)}
	p.assumptions = append(p.assumptions, scaleAssumption(ind, p.scale)...)
	withData := a.e.regionsWithData(ind.Code, a.asOf)
	given := []struct {
		field string
		codes []string
	}{{"target", req.Target}, {"buffer", req.Buffer}, {"control", req.Control}, {"bufferControl", req.BufferControl}}
	for _, g := range given {
		if g.codes == nil {
			continue
		}
		if len(g.codes) == 0 {
			return nil, domain.Invalidm(g.field, "evaluate.err.area.empty", g.field)
		}
		if err := a.e.CheckRegions(g.field, g.codes, a.asOf); err != nil {
			return nil, err
		}
		for i, c := range g.codes {
			if !withData[c] {
				return nil, domain.Invalidm(g.field+"["+strconv.Itoa(i)+"]", "evaluate.err.region.nodata", c, ind.Code)
			}
		}
	}
	target := req.Target
	if target == nil {
		var err error
		if target, err = a.defaultTarget(ind, withData); err != nil {
			return nil, err
		}
		p.assumptions = append(p.assumptions, i18n.M("evaluate.displacement.target", a.iv.labelMsg(), i18n.Strings(a.iv.Regions), ind.Code, i18n.Strings(target)))
	}
	areas, err := a.graph.CompleteAreas(displacement.Areas{
		Target: target, Buffer: req.Buffer, Control: req.Control, BufferControl: req.BufferControl,
	}, displacement.AreaOptions{})
	if err != nil {
		return nil, err
	}
	for _, role := range areas.Derived {
		list := &areas.Buffer
		if role == displacement.RoleControl {
			list = &areas.Control
		}
		all := *list
		kept := slices.DeleteFunc(slices.Clone(all), func(c string) bool { return !withData[c] })
		if len(kept) == 0 {
			return nil, domain.Invalidm(strings.ToLower(string(role)), "evaluate.err.area.default.nodata", roleWord(role), strings.Join(all, ", "), ind.Code, roleWord(role))
		}
		*list = kept
	}
	p.areas = areas

	targetData := make(map[string][]projections.Point, len(areas.Target))
	first, last := int32(-1<<31), int32(1<<31-1)
	for _, t := range areas.Target {
		pts := a.e.points(ind.Code, t, nil, nil, a.asOf)
		if len(pts) == 0 {
			return nil, domain.Invalidm("target", "evaluate.err.target.nodata", t, ind.Code, asOfMsg(a.asOf))
		}
		targetData[t] = pts
		first = max(first, pts[0].Index)
		last = min(last, pts[len(pts)-1].Index)
	}
	if first > last {
		return nil, domain.Invalidm("target", "evaluate.err.target.nocommon", strings.Join(areas.Target, ", "), ind.Code)
	}
	if p.before, p.after, err = a.windows(req, ind, first, last, p); err != nil {
		return nil, err
	}
	if err := a.excludeExposedControls(req, p); err != nil {
		return nil, err
	}

	lo := mustIndex(ind.Granularity, p.before.Periods[0])
	hi := mustIndex(ind.Granularity, p.after.Periods[len(p.after.Periods)-1])
	labels := make([]string, hi-lo+1) // period labels, made once each
	p.data = make(displacement.Table)
	for _, role := range displacement.Roles {
		for _, r := range areaList(areas, role) {
			if _, done := p.data[r]; done {
				continue
			}
			pts, ok := targetData[r]
			if !ok {
				pts = a.e.points(ind.Code, r, &lo, &hi, a.asOf)
			}
			row := make(map[string]float64, len(pts))
			for _, pt := range pts {
				if pt.Index >= lo && pt.Index <= hi {
					l := &labels[pt.Index-lo]
					if *l == "" {
						*l = domain.Period{G: ind.Granularity, Index: pt.Index}.String()
					}
					row[*l] = pt.Value
				}
			}
			p.data[r] = row
		}
	}
	for _, w := range []struct {
		field string
		w     displacement.Window
	}{{"before", p.before}, {"after", p.after}} {
		if !anyValue(p.data, areas.Target, w.w) {
			return nil, domain.Invalidm(w.field, "evaluate.err.target.nowindow",
				strings.Join(areas.Target, ", "), ind.Code, w.w.From, w.w.To,
				domain.Period{G: ind.Granularity, Index: first}, domain.Period{G: ind.Granularity, Index: last})
		}
	}
	return p, nil
}

func areaList(a displacement.Areas, r displacement.Role) []string {
	switch r {
	case displacement.RoleTarget:
		return a.Target
	case displacement.RoleBuffer:
		return a.Buffer
	case displacement.RoleControl:
		return a.Control
	}
	return a.BufferControl
}

func anyValue(t displacement.Table, regions []string, w displacement.Window) bool {
	for _, r := range regions {
		for _, p := range w.Periods {
			if _, ok := t[r][p]; ok {
				return true
			}
		}
	}
	return false
}

// mustIndex returns the index of a period already validated in g.
func mustIndex(g domain.Granularity, s string) int32 {
	p, err := domain.ParsePeriod(g, s)
	if err != nil {
		panic("evaluate: period " + s + " was validated but does not parse: " + err.Error())
	}
	return p.Index
}

// defaultTarget expands the intervention's regions to regions with data,
// or climbs to the nearest enclosing region with data.
func (a *analysis) defaultTarget(ind projections.Indicator, withData map[string]bool) ([]string, error) {
	target := a.e.ExpandWithData(ind.Code, a.iv.Regions, a.asOf)
	if len(target) > 0 {
		return target, nil
	}
	seen := map[string]bool{}
	for _, r := range a.iv.Regions {
		reg, ok := a.e.Catalog.RegionAt(r, a.asOf)
		for depth := 0; ok && reg.Parent != "" && depth < 8; depth++ {
			if withData[reg.Parent] {
				if !seen[reg.Parent] {
					seen[reg.Parent] = true
					target = append(target, reg.Parent)
				}
				break
			}
			reg, ok = a.e.Catalog.RegionAt(reg.Parent, a.asOf)
		}
	}
	if len(target) == 0 {
		return nil, domain.Invalidm("target", "evaluate.err.target.nodefault",
			a.iv.labelMsg(), strings.Join(a.iv.Regions, ", "), ind.Code)
	}
	slices.Sort(target)
	return target, nil
}

// DefaultWindowPeriods is the length of a default before or after window
// in granularity g: a year of periods (12 months, 4 quarters, 52 weeks,
// 365 days), and 3 for annual data.
func DefaultWindowPeriods(g domain.Granularity) int {
	switch g {
	case domain.Year:
		return 3
	case domain.Quarter:
		return 4
	case domain.Week:
		return 52
	case domain.Day:
		return 365
	}
	return 12
}

// windows resolves the before and after windows (see Displacement). first
// and last bound the periods the targets all have data for.
func (a *analysis) windows(req DisplacementRequest, ind projections.Indicator, first, last int32, p *prepared) (before, after displacement.Window, err error) {
	g := ind.Granularity
	effect := domain.FirstPeriodFrom(g, a.iv.Date)
	parse := func(field string, r *PeriodRange) (displacement.Window, error) {
		for _, end := range []struct{ field, period string }{{"from", r.From}, {"to", r.To}} {
			if _, err := domain.ParsePeriod(g, end.period); err != nil {
				return displacement.Window{}, parseError(field+"."+end.field, err)
			}
		}
		w, err := displacement.NewWindow(g, r.From, r.To)
		if err != nil {
			return w, domain.Prefix(field, err)
		}
		return w, nil
	}
	window := func(from, to int32) displacement.Window {
		w, _ := displacement.NewWindow(g, domain.Period{G: g, Index: from}.String(), domain.Period{G: g, Index: to}.String())
		return w
	}
	noAfter := func(from int32) error {
		return domain.Invalidm("after", "evaluate.err.window.noafter",
			ind.Code, domain.Period{G: g, Index: from}, a.iv.Start, domain.Period{G: g, Index: last})
	}
	noBefore := func(to int32) error {
		return domain.Invalidm("before", "evaluate.err.window.nobefore",
			ind.Code, domain.Period{G: g, Index: to}, a.iv.Start, domain.Period{G: g, Index: first})
	}
	var notes []i18n.Msg
	switch {
	case req.Before != nil && req.After != nil:
		if before, err = parse("before", req.Before); err != nil {
			return
		}
		if after, err = parse("after", req.After); err != nil {
			return
		}
	case req.After != nil:
		if after, err = parse("after", req.After); err != nil {
			return
		}
		n := int32(len(after.Periods))
		to := min(effect.Index, mustIndex(g, after.From)) - 1
		from := max(to-n+1, first)
		if from > to {
			return before, after, noBefore(to)
		}
		before = window(from, to)
		notes = append(notes, i18n.M("evaluate.displacement.before", len(before.Periods), domain.Period{G: g, Index: to + 1}.String()))
	case req.Before != nil:
		if before, err = parse("before", req.Before); err != nil {
			return
		}
		from := max(effect.Index, mustIndex(g, before.To)+1)
		to := min(from+int32(len(before.Periods))-1, last)
		if from > to {
			return before, after, noAfter(from)
		}
		after = window(from, to)
		notes = append(notes, i18n.M("evaluate.displacement.after", len(after.Periods), domain.Period{G: g, Index: from}.String()))
	default:
		n := int32(DefaultWindowPeriods(g))
		to := min(effect.Index+n-1, last)
		if to < effect.Index {
			return before, after, noAfter(effect.Index)
		}
		after = window(effect.Index, to)
		m := int32(len(after.Periods))
		bto := effect.Index - 1
		bfrom := max(bto-m+1, first)
		if bfrom > bto {
			return before, after, noBefore(bto)
		}
		before = window(bfrom, bto)
		notes = append(notes, i18n.M("evaluate.displacement.windows", effect.String(), i18n.M("evaluate.granularity."+string(g)), a.iv.Start, len(after.Periods), n, len(before.Periods)))
	}
	bEnd, aStart := mustIndex(g, before.Periods[len(before.Periods)-1]), mustIndex(g, after.Periods[0])
	if bEnd >= aStart {
		return before, after, domain.Invalidm("after.from", "evaluate.err.window.order", after.From, after.To, before.From, before.To)
	}
	if aStart < effect.Index {
		p.diagnostics = append(p.diagnostics, i18n.M("frag.window.early", after.From, effect.String(), a.iv.Start))
	}
	if bEnd >= effect.Index {
		p.diagnostics = append(p.diagnostics, i18n.M("frag.window.late", before.To, effect.String(), a.iv.Start))
	}
	if end, err := domain.ParseDate(a.iv.End); err == nil {
		last := domain.Period{G: g, Index: mustIndex(g, after.Periods[len(after.Periods)-1])}
		if last.Start().After(end) {
			p.diagnostics = append(p.diagnostics, i18n.M("frag.window.past", last.String(), a.iv.End))
		}
	}
	p.assumptions = append(p.assumptions, notes...)
	return before, after, nil
}

// ScaleOf says how an indicator's values combine across regions and
// periods, from the scale its definition states (see domain.Scale): a
// COUNT is summed and tested with the WDD; a LEVEL, RATE or SHARE is a
// displacement.Level, averaged, with no Poisson test. A definition that
// states no scale was given domain.InferScale's by the catalogue.
func ScaleOf(ind projections.Indicator) displacement.Scale {
	if ind.Scale.Counts() {
		return displacement.Count
	}
	return displacement.Level
}

// scaleOriginMsg says where an indicator's scale comes from, for
// definitions that state none (the zero Msg when the scale was defined).
func scaleOriginMsg(ind projections.Indicator) i18n.Msg {
	if !ind.ScaleInferred {
		return i18n.Msg{}
	}
	var unit any = ind.Unit
	if ind.Unit == "" {
		unit = i18n.M("evaluate.nounit")
	}
	return i18n.M("evaluate.scale.inferred", ind.Code, scaleMsg(ind.Scale), unit, codeWord{en: string(ind.Family), code: string(ind.Family), enums: []string{"family"}})
}

func scaleAssumption(ind projections.Indicator, sc displacement.Scale) []i18n.Msg {
	var unit any = ind.Unit
	if ind.Unit == "" {
		unit = i18n.M("evaluate.nounit")
	}
	var m i18n.Msg
	if sc == displacement.Level {
		m = i18n.M("evaluate.displacement.scale.level", ind.Code, unit, codeWord{en: string(ind.Family), code: string(ind.Family), enums: []string{"family"}}, scaleMsg(ind.Scale))
	} else {
		m = i18n.M("evaluate.displacement.scale.count", ind.Code, unit)
	}
	if o := scaleOriginMsg(ind); !o.IsZero() {
		return []i18n.Msg{i18n.M("evaluate.two", m, o)}
	}
	return []i18n.Msg{m}
}

// PopulationOf returns the population indicator of ind as of asOf: the
// one its definition names (see projections.Catalog.PopulationOf; for a
// definition recorded without a scale, the CONTEXT indicator named
// "population", inferred). It is used for PER_100K comparisons and as the
// WDD's exposure. note says how it was found.
func (e *Evaluator) PopulationOf(ind projections.Indicator, asOf uint64) (pop projections.Indicator, note string, ok bool) {
	pop, m, ok := e.populationOf(ind, asOf)
	if !m.IsZero() {
		note = i18n.EN.Render(m)
	}
	return pop, note, ok
}

// populationOf is [Evaluator.PopulationOf] with the note as a message of
// the catalogue (zero when the definition names the population).
func (e *Evaluator) populationOf(ind projections.Indicator, asOf uint64) (pop projections.Indicator, note i18n.Msg, ok bool) {
	pop, inferred, ok := e.Catalog.PopulationOf(ind, asOf)
	if ok && inferred {
		note = i18n.M("evalnote.population.inferred", ind.Code, pop.Code)
	}
	return pop, note, ok
}

// populationAt returns region's population at period p (the period of the
// population indicator's granularity that contains p's start), or the
// latest recorded before it.
func (e *Evaluator) populationAt(pop projections.Indicator, region string, p domain.Period, asOf uint64) (float64, bool) {
	at := p
	if pop.Granularity != p.G {
		at = domain.PeriodOf(pop.Granularity, p.Start())
	}
	to := at.Index
	from := to - int32(DefaultWindowPeriods(pop.Granularity))
	pts := e.points(pop.Code, region, &from, &to, asOf)
	if len(pts) == 0 {
		return 0, false
	}
	v := pts[len(pts)-1].Value
	return v, v > 0
}

// exposure returns the populations of the regions of p as WDD size
// weights, or nil (regions count one each), with the assumption stated.
func (a *analysis) exposure(p *prepared, assumptions []i18n.Msg) (map[string]float64, []i18n.Msg) {
	pop, note, ok := a.e.PopulationOf(p.ind, a.asOf)
	if !ok {
		return nil, append(assumptions, i18n.M("evaluate.exposure.none", p.ind.Code))
	}
	if note != "" {
		assumptions = append(assumptions, i18n.M("evaluate.exposure.inferred", p.ind.Code, pop.Code))
	}
	at := domain.Period{G: p.ind.Granularity, Index: mustIndex(p.ind.Granularity, p.before.Periods[len(p.before.Periods)-1])}
	exp := make(map[string]float64, len(p.data))
	var missing []string
	for r := range p.data {
		v, ok := a.e.populationAt(pop, r, at, a.asOf)
		if !ok {
			missing = append(missing, r)
			continue
		}
		exp[r] = v
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		list := i18n.Strings(missing)
		list.Show, list.More = 5, "impact.more"
		return nil, append(assumptions, i18n.M("evaluate.exposure.missing", pop.Code, list, at.String()))
	}
	return exp, append(assumptions, i18n.M("evaluate.exposure.sizes", pop.Code, at.String()))
}

// upperTail returns P(Z >= z) for a standard normal Z.
func upperTail(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
