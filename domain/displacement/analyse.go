package displacement

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Input is what [Analyse] needs for one intervention and one indicator.
type Input struct {
	// Intervention names the intervention in the explanation, for example
	// "operation Harbour Sweep (OP-7)".
	Intervention string
	// InterventionMsg, when set, names it in every language (Intervention
	// is then its English rendering).
	InterventionMsg i18n.Msg
	// Indicator is the outcome examined; it needs a desired direction.
	Indicator Indicator
	// Areas assign regions to roles; see [Graph.CompleteAreas] for the
	// defaults. An empty BufferControl means the control.
	Areas Areas
	// Before and After are the windows compared.
	Before, After Window
	// Data holds the observations.
	Data Source
	// Graph, when given, supplies names and countries (for the per-country
	// breakdown and cross-border notes) and every region must be in it.
	Graph *Graph
	// Exposure, when given, is each region's size (area in km², or
	// population) for the WDD's size weights; every region used needs one.
	// Without it every region counts as one unit of size.
	Exposure map[string]float64
	// AsOf is the log position the data was read at, reported in the inputs.
	AsOf string
}

// RegionChange is one region's part in the analysis.
type RegionChange struct {
	// Region is the region's code and Name its name (the code without a
	// graph).
	Region, Name string
	// Country is its country; empty when no graph was given.
	Country string
	// Role is the part it plays.
	Role Role
	// Before and After are the region's totals over each window (Count) or
	// its mean per period (Level); Change is After - Before.
	Before, After, Change float64
	// CrossBorder is set when the region lies in a country none of the
	// targets is in.
	CrossBorder bool
}

// RoleTotal is one role's total (Count) or mean over regions (Level).
type RoleTotal struct {
	// Role is the role totalled, over Regions regions.
	Role    Role
	Regions int
	// Before, After and Change are as in RegionChange.
	Before, After, Change float64
}

// CountryChange is the part of one role that lies in one country, so that
// movement across borders is visible.
type CountryChange struct {
	// Role and Country say which part; Regions how many regions it holds.
	Role    Role
	Country string
	Regions int
	// Before, After and Change are as in RoleTotal.
	Before, After, Change float64
	// CrossBorder is set when no target lies in Country.
	CrossBorder bool
}

// Dropped is a derived region left out for want of data.
type Dropped struct {
	// Region and Role name the region left out.
	Region string
	Role   Role
	// Reason lists the periods it lacked.
	Reason string
	// ReasonMsg is Reason as a message of the catalogue.
	ReasonMsg i18n.Msg `json:"-"`
}

// Inputs are the regions and periods actually used.
type Inputs struct {
	// Target, Buffer, Control and BufferControl are the regions used in
	// each role (BufferControl equals Control when shared).
	Target, Buffer, Control, BufferControl []string
	// Derived lists the roles filled in from the region graph.
	Derived []Role
	// SharedControl is set when the buffer was compared with the control.
	SharedControl bool
	// Before and After are the windows compared.
	Before, After Window
	// AsOf is the log position the data was read at.
	AsOf string
	// Dropped lists derived regions left out because they lacked data.
	Dropped []Dropped
}

// Result is a displacement analysis of one intervention on one indicator.
// It holds no NaN or infinity.
type Result struct {
	// Method names the measures and their sources.
	Method string
	// Intervention and Indicator repeat the input.
	Intervention    string
	interventionMsg i18n.Msg
	Indicator       Indicator
	// WDQ is the weighted displacement quotient with its measures.
	WDQ WDQ
	// WDD is the weighted displacement difference; nil when it could not be
	// computed (WDDNote says why).
	WDD     *WDD
	WDDNote string
	// WDDNoteMsg is WDDNote as a message of the catalogue.
	WDDNoteMsg i18n.Msg `json:"-"`
	// Roles, Regions and Countries break the data down (Countries is nil
	// without a graph).
	Roles     []RoleTotal
	Regions   []RegionChange
	Countries []CountryChange
	// Inputs are the regions and periods used.
	Inputs Inputs
	// Diagnostics are warnings about the data; Assumptions what the
	// measures rest on; Explanation a paragraph for a briefing.
	Diagnostics []string
	Assumptions []string
	Explanation string
	// AssumptionMsgs and ExplanationMsgs are Assumptions and Explanation
	// as messages of the catalogue, to be written in any language
	// (Assumptions and Explanation are their English rendering).
	AssumptionMsgs  []i18n.Msg `json:"-"`
	ExplanationMsgs i18n.Text  `json:"-"`
	// DiagnosticMsgs are Diagnostics as messages of the catalogue
	// (Diagnostics is their English rendering).
	DiagnosticMsgs []i18n.Msg `json:"-"`
}

// SetDiagnostics sets the diagnostics to ms and their English rendering.
func (r *Result) SetDiagnostics(ms ...i18n.Msg) {
	r.DiagnosticMsgs, r.Diagnostics = ms, i18n.EN.RenderAll(ms)
}

// DiagnosticsIn writes the diagnostics in l (see [Result.ExplanationIn]).
func (r *Result) DiagnosticsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.DiagnosticMsgs, r.Diagnostics)
}

// SetExplanation sets the explanation to t and its English rendering.
func (r *Result) SetExplanation(t i18n.Text) {
	r.ExplanationMsgs, r.Explanation = t, t.In(i18n.EN)
}

// SetAssumptions sets the assumptions to ms and their English rendering.
func (r *Result) SetAssumptions(ms ...i18n.Msg) {
	r.AssumptionMsgs, r.Assumptions = ms, i18n.EN.RenderAll(ms)
}

// ExplanationIn writes the explanation in l (English: Explanation; a
// result without messages gives Explanation in every language).
func (r *Result) ExplanationIn(l i18n.Lang) string {
	return r.ExplanationMsgs.InOr(l, r.Explanation)
}

// AssumptionsIn writes the assumptions in l (see [Result.ExplanationIn]).
func (r *Result) AssumptionsIn(l i18n.Lang) []string {
	return l.RenderAllOr(r.AssumptionMsgs, r.Assumptions)
}

// WDDNoteIn writes WDDNote in l.
func (r *Result) WDDNoteIn(l i18n.Lang) string {
	return l.RenderOr(r.WDDNoteMsg, r.WDDNote)
}

// Method is the value of Result.Method.
const Method = "Weighted displacement quotient (Bowers & Johnson 2003; Guerette 2009) and weighted displacement difference (Wheeler & Ratcliffe 2018)"

// Analyse measures displacement or diffusion after one intervention on one
// indicator: the WDQ and total net effect on the role totals, the WDD test
// on counts, and the breakdown by role, region and country, with
// assumptions, diagnostics and an explanation.
//
// Regions' values are summed over each window (Count) or averaged per
// period (Level). A region the caller named must have a value for every
// period of both windows; a derived region without one is dropped and
// listed in Inputs.Dropped.
//
// For the WDD, windows of different lengths are put on the after window's
// scale (before counts times after/before periods: Wheeler's time weights),
// and the controls are scaled to the size of what they stand for (control
// by target size / control size, the buffer's control by buffer size /
// buffer-control size: Wheeler's size weights, with sizes from Exposure or
// the number of regions). With one region of each, or equal sizes, and
// windows of equal length, this is Wheeler & Ratcliffe's unweighted
// statistic.
//
// It returns a *domain.Error (BAD_INPUT) naming the field for an indicator
// without a desired direction, no data, invalid windows or areas (see
// [Areas.Validate]), a named region without data for some period, a
// negative or non-finite value, a role left without regions, or a missing
// or non-positive exposure.
func Analyse(in Input) (*Result, error) {
	if err := in.Indicator.validate(true); err != nil {
		return nil, err
	}
	if in.Data == nil {
		return nil, domain.Invalidm("data", "displacement.err.required")
	}
	if err := validateWindows(in.Before, in.After); err != nil {
		return nil, err
	}
	if err := in.Areas.Validate(in.Graph); err != nil {
		return nil, err
	}
	sc := in.Indicator.scale()
	shared := in.Areas.sharedControl()
	res := &Result{
		Method:       Method,
		Intervention: in.Intervention, interventionMsg: in.InterventionMsg,
		Indicator: in.Indicator,
		Inputs: Inputs{
			Derived:       slices.Clone(in.Areas.Derived),
			SharedControl: shared,
			Before:        in.Before,
			After:         in.After,
			AsOf:          in.AsOf,
		},
	}
	roleRegions, dropped, err := gather(in.Areas, shared, in.Data, in.Before, in.After, sc, in.Graph)
	if err != nil {
		return nil, err
	}
	res.Inputs.Dropped = dropped
	for _, role := range Roles {
		if role == RoleBufferControl && shared {
			continue
		}
		kept := roleRegions[role]
		res.Regions = append(res.Regions, kept...)
		ids := make([]string, len(kept))
		for i, k := range kept {
			ids[i] = k.Region
		}
		switch role {
		case RoleTarget:
			res.Inputs.Target = ids
		case RoleBuffer:
			res.Inputs.Buffer = ids
		case RoleControl:
			res.Inputs.Control = ids
		case RoleBufferControl:
			res.Inputs.BufferControl = ids
		}
	}
	if shared {
		roleRegions[RoleBufferControl] = roleRegions[RoleControl]
		res.Inputs.BufferControl = res.Inputs.Control
	}

	totals := map[Role]RoleTotal{}
	for _, role := range Roles {
		t := total(role, roleRegions[role], sc)
		totals[role] = t
		if role != RoleBufferControl || !shared {
			res.Roles = append(res.Roles, t)
		}
	}
	res.Countries = byCountry(res.Regions, sc, in.Graph != nil)

	wdq, err := WeightedDisplacementQuotient(WDQCounts{
		TargetBefore: totals[RoleTarget].Before, TargetAfter: totals[RoleTarget].After,
		BufferBefore: totals[RoleBuffer].Before, BufferAfter: totals[RoleBuffer].After,
		ControlBefore: totals[RoleControl].Before, ControlAfter: totals[RoleControl].After,
	}, in.Indicator.Direction)
	if err != nil {
		return nil, err
	}
	res.WDQ = wdq

	var sizeNote i18n.Msg
	if sc == Count {
		sizes, err := roleSizes(in.Exposure, roleRegions)
		if err != nil {
			return nil, err
		}
		nb, na := float64(len(in.Before.Periods)), float64(len(in.After.Periods))
		weights := WDDWeights{
			Before:        nb / na,
			After:         1,
			Target:        1,
			Buffer:        1,
			Control:       sizes[RoleControl] / sizes[RoleTarget],
			BufferControl: sizes[RoleBufferControl] / sizes[RoleBuffer],
		}
		sizeNote = describeSizes(in.Exposure != nil, sizes, weights, shared)
		wdd, err := WeightedDisplacementDifference(WDDInput{
			Counts: WDDCounts{
				TargetBefore: totals[RoleTarget].Before, TargetAfter: totals[RoleTarget].After,
				ControlBefore: totals[RoleControl].Before, ControlAfter: totals[RoleControl].After,
				BufferBefore: totals[RoleBuffer].Before, BufferAfter: totals[RoleBuffer].After,
				BufferControlBefore: totals[RoleBufferControl].Before, BufferControlAfter: totals[RoleBufferControl].After,
			},
			Weights:       weights,
			SharedControl: shared,
			Direction:     in.Indicator.Direction,
		})
		if err != nil {
			var cause any = errMessage(err)
			var de *domain.Error
			if errors.As(err, &de) && !de.Msg.IsZero() {
				cause = de.Msg
			}
			res.setWDDNote(i18n.M("displacement.wdd.notcomputed", cause))
		} else {
			res.WDD = &wdd
		}
	} else {
		var unit any = in.Indicator.Unit
		if in.Indicator.Unit == "" {
			unit = i18n.M("displacement.an.average")
		}
		res.setWDDNote(i18n.M("displacement.wdd.level", in.Indicator.labelArg(), unit))
	}

	res.SetDiagnostics(diagnose(res, totals, sc)...)
	res.SetAssumptions(assumptions(res, sc, sizeNote)...)
	res.SetExplanation(explain(res, totals, roleRegions, sc))
	return res, nil
}

// gather reads each role's regions over both windows. A derived region
// without a value for some period is dropped; a named one is an error.
// With shared set, the buffer-control role is skipped.
func gather(areas Areas, shared bool, data Source, before, after Window, sc Scale, g *Graph) (map[Role][]RegionChange, []Dropped, error) {
	targetCountries := map[string]bool{}
	if g != nil {
		for _, t := range areas.Target {
			r, _ := g.Region(t)
			targetCountries[r.Country] = true
		}
	}
	var dropped []Dropped
	out := map[Role][]RegionChange{}
	for _, role := range Roles {
		if role == RoleBufferControl && shared {
			continue
		}
		codes := areas.list(role)
		kept := make([]RegionChange, 0, len(codes))
		for i, code := range codes {
			f := func() string { return role.field() + "[" + strconv.Itoa(i) + "]" }
			rc := RegionChange{Region: code, Name: code, Role: role}
			if g != nil {
				r, _ := g.Region(code)
				rc.Name, rc.Country = r.label(), r.Country
				rc.CrossBorder = !targetCountries[r.Country]
			}
			var missing [2][]string
			for k, w := range []Window{before, after} {
				v, miss, bad := regionValue(data, code, w, sc)
				if !bad.IsZero() {
					return nil, nil, domain.Invalidm(f(), "displacement.err.region.value", code, bad)
				}
				missing[k] = miss
				if k == 0 {
					rc.Before = v
				} else {
					rc.After = v
				}
			}
			if len(missing[0])+len(missing[1]) > 0 {
				why := missingMsg(missing)
				if areas.derived(role) {
					dropped = append(dropped, Dropped{Region: code, Role: role, Reason: i18n.EN.Render(why), ReasonMsg: why})
					continue
				}
				return nil, nil, domain.Invalidm(f(), "displacement.err.region.missing", code, why)
			}
			rc.Change = clean(rc.After - rc.Before)
			kept = append(kept, rc)
		}
		if len(kept) == 0 {
			return nil, nil, domain.Invalidm(role.field(), "displacement.err.role.nodata", errRole(role), before.labelMsg(), after.labelMsg())
		}
		out[role] = kept
	}
	return out, dropped, nil
}

// total sums (Count) or averages (Level) the regions of a role.
func total(role Role, rs []RegionChange, sc Scale) RoleTotal {
	t := RoleTotal{Role: role, Regions: len(rs)}
	for _, r := range rs {
		t.Before += r.Before
		t.After += r.After
	}
	if sc == Level && len(rs) > 0 {
		t.Before /= float64(len(rs))
		t.After /= float64(len(rs))
	}
	t.Change = clean(t.After - t.Before)
	return t
}

// byCountry splits each role by country, in role order then country order.
func byCountry(rs []RegionChange, sc Scale, haveCountries bool) []CountryChange {
	if !haveCountries {
		return nil
	}
	type key struct {
		role    Role
		country string
	}
	idx := map[key]int{}
	var out []CountryChange
	for _, r := range rs {
		k := key{r.Role, r.Country}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, CountryChange{Role: r.Role, Country: r.Country, CrossBorder: r.CrossBorder})
		}
		c := &out[i]
		c.Regions++
		c.Before += r.Before
		c.After += r.After
	}
	for i := range out {
		c := &out[i]
		if sc == Level {
			c.Before /= float64(c.Regions)
			c.After /= float64(c.Regions)
		}
		c.Change = clean(c.After - c.Before)
	}
	order := map[Role]int{}
	for i, r := range Roles {
		order[r] = i
	}
	slices.SortStableFunc(out, func(a, b CountryChange) int {
		if d := order[a.Role] - order[b.Role]; d != 0 {
			return d
		}
		return strings.Compare(a.Country, b.Country)
	})
	return out
}

// roleSizes returns each role's size: the sum of its regions' exposures,
// or their number when there are none.
func roleSizes(exposure map[string]float64, roles map[Role][]RegionChange) (map[Role]float64, error) {
	sizes := map[Role]float64{}
	for _, role := range Roles {
		for _, r := range roles[role] {
			if exposure == nil {
				sizes[role]++
				continue
			}
			e, ok := exposure[r.Region]
			f := "exposure[" + r.Region + "]"
			if !ok {
				return nil, domain.Invalidm(f, "displacement.err.exposure.missing")
			}
			if !finite(e) || e <= 0 {
				return nil, domain.Invalidm(f, "displacement.err.exposure.bad", i18n.G(e, -1))
			}
			sizes[role] += e
		}
	}
	return sizes, nil
}

// errMessage returns the message of a *domain.Error without its field.
func errMessage(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func describeSizes(exposure bool, sizes map[Role]float64, w WDDWeights, shared bool) i18n.Msg {
	unit := i18n.M("displacement.sizes.regions")
	if exposure {
		unit = i18n.M("displacement.sizes.exposure")
	}
	key := "displacement.sizes"
	if shared {
		key = "displacement.sizes.shared"
	}
	return i18n.M(key, i18n.Num(fmtRatio, 1/w.Control), i18n.Num(fmtNum, sizes[RoleTarget]), i18n.Num(fmtNum, sizes[RoleControl]), unit,
		i18n.Num(fmtRatio, 1/w.BufferControl), i18n.Num(fmtNum, sizes[RoleBuffer]), i18n.Num(fmtNum, sizes[RoleBufferControl]))
}

// diagnose warns about data that weaken the measures.
func diagnose(r *Result, totals map[Role]RoleTotal, sc Scale) []i18n.Msg {
	var d []i18n.Msg
	if len(r.Inputs.Dropped) > 0 {
		names := make([]any, len(r.Inputs.Dropped))
		for i, x := range r.Inputs.Dropped {
			var reason any = x.Reason
			if !x.ReasonMsg.IsZero() {
				reason = x.ReasonMsg
			}
			names[i] = i18n.M("dispdiag.dropped.one", x.Region, roleMsg(x.Role), reason)
		}
		d = append(d, i18n.M("dispdiag.dropped", len(names), limited{items: names, n: 10}))
	}
	if r.WDQ.Category == NotInterpretable {
		var why any = r.WDQ.Reason
		if !r.WDQ.ReasonMsg.IsZero() {
			why = r.WDQ.ReasonMsg
		}
		d = append(d, i18n.M("dispdiag.wdq", why))
	}
	if r.WDD == nil {
		var note any = r.WDDNote
		if !r.WDDNoteMsg.IsZero() {
			note = r.WDDNoteMsg
		}
		d = append(d, i18n.M("dispdiag.wdd", note))
	}
	if nb, na := len(r.Inputs.Before.Periods), len(r.Inputs.After.Periods); nb != na {
		d = append(d, i18n.M("dispdiag.windows", nb, na))
	}
	if sc == Count && r.WDD != nil {
		var small []any
		for _, role := range Roles {
			if role == RoleBufferControl && r.Inputs.SharedControl {
				continue
			}
			t := totals[role]
			if t.Before < 10 || t.After < 10 {
				small = append(small, i18n.M("dispdiag.small.one", roleMsg(role), i18n.Num(fmtNum, t.Before), i18n.Num(fmtNum, t.After)))
			}
		}
		if len(small) > 0 {
			d = append(d, i18n.M("dispdiag.small", i18n.List{Items: small, Sep: "dispdiag.small.sep"}))
		}
		w := r.WDD.Weights
		checkScale := func(what Role, ownBefore, controlBefore, weight float64) {
			if ownBefore <= 0 || controlBefore <= 0 {
				return
			}
			ratio := (controlBefore / weight) / ownBefore
			if ratio > 2 || ratio < 0.5 {
				d = append(d, i18n.M("dispdiag.scale."+string(what), i18n.Num(fmtRatio, ratio)))
			}
		}
		checkScale(RoleTarget, totals[RoleTarget].Before, totals[RoleControl].Before, w.Control)
		checkScale(RoleBuffer, totals[RoleBuffer].Before, totals[RoleBufferControl].Before, w.BufferControl)
	}
	return d
}

// assumptions lists what the measures rest on.
func assumptions(r *Result, sc Scale, sizeNote i18n.Msg) []i18n.Msg {
	a := []i18n.Msg{
		i18n.M("displacement.assume.control"),
		i18n.M("displacement.assume.wdq"),
	}
	if r.Indicator.Direction == domain.DirectionUp {
		a = append(a, i18n.M("displacement.assume.up"))
	}
	if sc == Level {
		a = append(a, i18n.M("displacement.assume.level"))
	} else {
		a = append(a, i18n.M("displacement.assume.poisson"))
		if r.Inputs.SharedControl {
			a = append(a, i18n.M("displacement.assume.shared"))
		}
		if !sizeNote.IsZero() {
			a = append(a, i18n.M("displacement.assume.sizes", sizeNote))
		}
		if nb, na := len(r.Inputs.Before.Periods), len(r.Inputs.After.Periods); nb != na {
			a = append(a, i18n.M("displacement.assume.time", na, nb))
		}
	}
	if len(r.Inputs.Derived) > 0 {
		codes := make([]string, len(r.Inputs.Derived))
		for i, d := range r.Inputs.Derived {
			codes[i] = string(d)
		}
		a = append(a, i18n.M("displacement.assume.derived."+strings.Join(codes, ".")))
	}
	return a
}

// setWDDNote records why the WDD was not computed.
func (r *Result) setWDDNote(m i18n.Msg) {
	r.WDDNoteMsg, r.WDDNote = m, i18n.EN.Render(m)
}
