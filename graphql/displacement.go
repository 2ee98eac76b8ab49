package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// This file serves the displacement questions of DESIGN.md section 5:
// displacement, compareRegions, displacementScan and fragmentation. The
// analyses are run by projections/evaluate; results are turned into plain
// maps here, so that what the API shows is stated in one place.

// displacementTypes are the schema types of the displacement fields.
type displacementTypes struct {
	periodRange                                   *gql.InputObject
	normalise, role, category, finding            *gql.Enum
	window, dropped, inputs, wdd, part, test      *gql.Object
	region, roleTotal, country, result            *gql.Object
	scanRow, skipped, scan, excess, fragmentation *gql.Object
}

// addDisplacementFields adds the displacement fields to the Query fields.
func (s *Server) addDisplacementFields(t *types, fields gql.Fields) {
	d := s.buildDisplacementTypes(t)
	roles := func(desc string) *gql.ArgumentConfig {
		return &gql.ArgumentConfig{Type: gql.NewList(gql.NewNonNull(gql.ID)), Description: desc}
	}
	asOf := &gql.ArgumentConfig{Type: gql.String, Description: "Answer as of this log position (default: the latest the read models have reached)."}
	fields["displacement"] = &gql.Field{Type: d.result,
		Description: "Did activity move from an intervention's regions to their neighbours? Weighted displacement quotient (Bowers & Johnson 2003) and weighted displacement difference (Wheeler & Ratcliffe 2018), with the regions, periods and assumptions used. Roles and windows left out are chosen by default (see inputs and assumptions).",
		Args: gql.FieldConfigArgument{
			"intervention":  {Type: nonNull(gql.ID)},
			"indicator":     {Type: nonNull(gql.ID), Description: "An indicator with a desired direction (UP or DOWN)."},
			"target":        roles("Target regions (default: the intervention's regions, as regions with data for the indicator)."),
			"buffer":        roles("Buffer regions where activity may move (default: the targets' neighbours of the same level, across borders too)."),
			"control":       roles("Control regions (default: other regions of the targets' level that are neither targets nor their neighbours)."),
			"bufferControl": roles("A separate control for the buffer (default: the control)."),
			"before":        {Type: d.periodRange, Description: "Before window (default: as many periods as the after window, just before the first effect period)."},
			"after":         {Type: d.periodRange, Description: "After window (default: up to a year of periods from the first period that starts on or after the intervention's start)."},
			"asOf":          asOf,
		},
		Resolve: s.wrap(s.resolveDisplacement)}
	fields["compareRegions"] = &gql.Field{Type: listOf(t.series),
		Description: "One indicator's series in several regions, side by side, to see where activity moved. INDEX = 100 at the first period every region has a value for; PER_100K divides by the population indicator's value for the same region and period.",
		Args: gql.FieldConfigArgument{
			"indicator": {Type: nonNull(gql.ID)},
			"regions":   {Type: listOf(gql.ID)},
			"from":      {Type: gql.String}, "to": {Type: gql.String},
			"normalise": {Type: d.normalise, DefaultValue: string(evaluate.NormaliseNone)},
			"asOf":      asOf,
		},
		Resolve: s.wrap(s.resolveCompareRegions)}
	fields["displacementScan"] = &gql.Field{Type: d.scan,
		Description: "Every AVAILABILITY, VIOLENCE and DISPLACEMENT indicator with a desired direction, analysed for displacement after one intervention with the defaults, ranked by the evidence of displacement into the buffer, with Benjamini-Hochberg control of the false discovery rate q.",
		Args: gql.FieldConfigArgument{
			"intervention": {Type: nonNull(gql.ID)},
			"q":            {Type: gql.Float, Description: "False discovery rate (default 0.05)."},
			"asOf":         asOf,
		},
		Resolve: s.wrap(s.resolveDisplacementScan)}
	fields["fragmentation"] = &gql.Field{Type: d.fragmentation,
		Description: "After an operation against HIGH_VALUE targets (Guideline 18): violence and active-group counts in each target and buffer region against the control's trend, flagged at a false discovery rate q.",
		Args: gql.FieldConfigArgument{
			"intervention": {Type: nonNull(gql.ID)},
			"q":            {Type: gql.Float, Description: "False discovery rate (default 0.05)."},
			"asOf":         asOf,
		},
		Resolve: s.wrap(s.resolveFragmentation)}
}

// pinnedAsOf parses asOf and, when none is given, pins the answer to the
// position the read models have reached, so that it can be reproduced.
func (s *Server) pinnedAsOf(p gql.ResolveParams) (uint64, error) {
	pos, err := s.asOf(p.Context, p.Args)
	if err != nil || pos != 0 {
		return pos, err
	}
	return s.cfg.Positions.Position(), nil
}

// idList reads a [ID!] argument: nil when absent or null, a non-nil
// (possibly empty) slice when given.
func idListArg(args map[string]any, name string) []string {
	raw, ok := args[name].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		v, _ := x.(string)
		out = append(out, v)
	}
	return out
}

func periodRangeArg(args map[string]any, name string) *evaluate.PeriodRange {
	m, ok := args[name].(map[string]any)
	if !ok {
		return nil
	}
	from, _ := m["from"].(string)
	to, _ := m["to"].(string)
	return &evaluate.PeriodRange{From: from, To: to}
}

// qArg reads the q argument; 0 means the default.
func fdrArg(args map[string]any) float64 {
	switch v := args["q"].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return 0
}

func (s *Server) resolveDisplacement(p gql.ResolveParams) (any, error) {
	asOf, err := s.pinnedAsOf(p)
	if err != nil {
		return nil, err
	}
	req := evaluate.DisplacementRequest{
		Intervention:  argString(p.Args, "intervention"),
		Indicator:     argString(p.Args, "indicator"),
		Target:        idListArg(p.Args, "target"),
		Buffer:        idListArg(p.Args, "buffer"),
		Control:       idListArg(p.Args, "control"),
		BufferControl: idListArg(p.Args, "bufferControl"),
		Before:        periodRangeArg(p.Args, "before"),
		After:         periodRangeArg(p.Args, "after"),
		AsOf:          asOf,
	}
	d, err := s.evaluator(p.Context).Displacement(req)
	if err != nil {
		return nil, err
	}
	return displacementOut(d), nil
}

func (s *Server) resolveCompareRegions(p gql.ResolveParams) (any, error) {
	asOf, err := s.pinnedAsOf(p)
	if err != nil {
		return nil, err
	}
	code := argString(p.Args, "indicator")
	ind, ok := s.cfg.Catalog.IndicatorAt(code, asOf)
	if !ok {
		return nil, domain.Errorm(domain.NotFound, "indicator", "gql.err.indicator.undefined", code)
	}
	from, to, err := periodRange(ind.Granularity, p.Args)
	if err != nil {
		return nil, err
	}
	c, err := s.evaluator(p.Context).CompareRegions(code, idListArg(p.Args, "regions"), from, to, evaluate.Normalisation(argString(p.Args, "normalise")), asOf)
	if err != nil {
		return nil, err
	}
	out := make([]seriesResult, len(c.Series))
	for i, sd := range c.Series {
		out[i] = seriesResult{SeriesData: sd, Unit: c.Unit, Normalised: c.Normalised, UnitMsg: c.UnitMsg, NormalisedMsg: c.NormalisedMsg, AsOf: asOf}
		if c.Withheld != nil {
			out[i].Withheld = c.Withheld[i]
		}
	}
	return out, nil
}

func (s *Server) resolveDisplacementScan(p gql.ResolveParams) (any, error) {
	asOf, err := s.pinnedAsOf(p)
	if err != nil {
		return nil, err
	}
	sc, err := s.evaluator(p.Context).Scan(argString(p.Args, "intervention"), asOf, fdrArg(p.Args))
	if err != nil {
		return nil, err
	}
	return scanOut(sc), nil
}

func (s *Server) resolveFragmentation(p gql.ResolveParams) (any, error) {
	asOf, err := s.pinnedAsOf(p)
	if err != nil {
		return nil, err
	}
	f, err := s.evaluator(p.Context).Fragmentation(argString(p.Args, "intervention"), asOf, fdrArg(p.Args))
	if err != nil {
		return nil, err
	}
	return fragmentationOut(f), nil
}

func argString(args map[string]any, name string) string {
	v, _ := args[name].(string)
	return v
}

// opt turns an optional number into a GraphQL value (null when absent).
func optFloat(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

func positionString(asOf uint64) string { return eventstore.Position(asOf).String() }

func windowOut(w displacement.Window) map[string]any {
	from, to := w.From, w.To
	if from == "" && len(w.Periods) > 0 {
		from = w.Periods[0]
	}
	if to == "" && len(w.Periods) > 0 {
		to = w.Periods[len(w.Periods)-1]
	}
	return map[string]any{"from": from, "to": to, "periods": len(w.Periods)}
}

func inputsOut(in displacement.Inputs, asOf uint64) map[string]any {
	derived := make([]string, len(in.Derived))
	for i, r := range in.Derived {
		derived[i] = string(r)
	}
	dropped := make([]map[string]any, len(in.Dropped))
	for i, d := range in.Dropped {
		dropped[i] = map[string]any{"region": d.Region, "role": string(d.Role), "reason": d.Reason, srcKey: d}
	}
	return map[string]any{
		"target": nonNilStrings(in.Target), "buffer": nonNilStrings(in.Buffer), "control": nonNilStrings(in.Control), "bufferControl": nonNilStrings(in.BufferControl),
		"derived": derived, "sharedControl": in.SharedControl,
		"before": windowOut(in.Before), "after": windowOut(in.After),
		"asOf": positionString(asOf), "dropped": dropped,
	}
}

// srcKey holds, in the answer map of a displacement analysis (or of a
// scan, a fragmentation check, a skipped indicator, a dropped region),
// the result itself, for the fields written in another language.
const srcKey = "\x00analysis"

// langText is a text field with the argument lang of an answer map that
// holds its source of type T under srcKey: English is the value in the
// map (the text answered so far), another language is written by in.
func langText[T any](t *types, typ gql.Type, desc string, in func(x T, l i18n.Lang) any) *gql.Field {
	return &gql.Field{Type: typ, Description: desc, Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
		m, _ := p.Source.(map[string]any)
		x, ok := m[srcKey].(T)
		if l := argLang(p); ok && l != i18n.EN {
			return in(x, l), nil
		}
		return m[p.Info.FieldName], nil
	}}
}

// reasonArg is why the WDQ cannot be read, as a message when it has one.
func reasonArg(w displacement.WDQ) any {
	if !w.ReasonMsg.IsZero() {
		return w.ReasonMsg
	}
	return w.Reason
}

func interpretation(w displacement.WDQ) string {
	if w.Category == displacement.NotInterpretable {
		return "not interpretable: " + w.Reason
	}
	return w.Category.Describe()
}

func displacementOut(d *evaluate.Displacement) map[string]any {
	w := d.WDQ
	regions := make([]map[string]any, len(d.Regions))
	for i, r := range d.Regions {
		regions[i] = map[string]any{"region": r.Region, "name": r.Name, "country": r.Country, "role": string(r.Role),
			"before": r.Before, "after": r.After, "change": r.Change, "crossBorder": r.CrossBorder}
	}
	totals := make([]map[string]any, len(d.Roles))
	for i, r := range d.Roles {
		totals[i] = map[string]any{"role": string(r.Role), "regions": r.Regions, "before": r.Before, "after": r.After, "change": r.Change}
	}
	countries := make([]map[string]any, len(d.Countries))
	for i, c := range d.Countries {
		countries[i] = map[string]any{"role": string(c.Role), "country": c.Country, "regions": c.Regions,
			"before": c.Before, "after": c.After, "change": c.Change, "crossBorder": c.CrossBorder}
	}
	out := map[string]any{
		"intervention": d.Resolved.Intervention, "indicator": d.Definition, "method": d.Method, "scale": string(d.Scale),
		"wdq": optFloat(w.Quotient), "successMeasure": optFloat(w.SuccessMeasure), "bufferMeasure": optFloat(w.BufferMeasure),
		"netEffect": optFloat(w.NetEffect), "grossEffect": w.GrossEffect, "totalNetEffect": optFloat(w.TotalNetEffect),
		"category": string(w.Category), "interpretation": interpretation(w), "reason": nilIfEmpty(w.Reason),
		"finding": string(d.Finding), "findingNote": d.FindingNote,
		"wdd": nil, "wddNote": nilIfEmpty(d.WDDNote), "pValue": nil, "bufferTest": nil,
		"crossBorder": d.CrossBorder, "regions": regions, "roles": totals, "countries": countries,
		"inputs":      inputsOut(d.Inputs, d.AsOf),
		"assumptions": nonNilStrings(d.Assumptions), "diagnostics": nonNilStrings(d.Diagnostics), "explanation": d.Explanation,
		srcKey: d,
	}
	if x := d.WDD; x != nil {
		out["pValue"] = x.P
		out["wdd"] = map[string]any{
			"estimate": x.Estimate, "se": x.SE, "low": x.Low, "high": x.High, "z": x.Z, "pValue": x.P,
			"local":         map[string]any{"estimate": x.Local.Estimate, "se": x.Local.SE},
			"displacement":  map[string]any{"estimate": x.Displacement.Estimate, "se": x.Displacement.SE},
			"sharedControl": x.SharedControl,
		}
	}
	if b := d.BufferTest; b != nil {
		out["bufferTest"] = map[string]any{"estimate": b.Estimate, "se": b.SE, "z": b.Z, "pValue": b.P}
	}
	return out
}

func skippedOut(sk []evaluate.Skipped) []map[string]any {
	out := make([]map[string]any, len(sk))
	for i, x := range sk {
		out[i] = map[string]any{"indicator": x.Indicator, "reason": x.Reason, srcKey: x}
	}
	return out
}

func scanOut(sc *evaluate.Scan) map[string]any {
	rows := make([]map[string]any, len(sc.Rows))
	for i, r := range sc.Rows {
		row := map[string]any{"rank": r.Rank, "indicator": r.Indicator, "estimate": r.Estimate, "se": r.SE, "z": r.Z,
			"pValue": r.P, "adjusted": r.Adjusted, "discovery": r.Discovery, "category": nil, "wdq": nil, "finding": nil}
		if d, ok := sc.Analyses[r.Indicator]; ok {
			row["category"], row["wdq"], row["finding"] = string(d.WDQ.Category), optFloat(d.WDQ.Quotient), string(d.Finding)
		}
		rows[i] = row
	}
	return map[string]any{
		"intervention": sc.Resolved.Intervention, "q": sc.Q, "method": sc.Method, "discoveries": sc.Discoveries,
		"rows": rows, "skipped": skippedOut(sc.Skipped),
		"assumptions": nonNilStrings(sc.Assumptions), "explanation": sc.Explanation, "asOf": positionString(sc.AsOf),
		srcKey: sc,
	}
}

func excessOut(x displacement.RegionExcess, total bool) map[string]any {
	m := map[string]any{"indicator": x.Indicator, "region": nilIfEmpty(x.Region), "name": nilIfEmpty(x.Name), "country": nilIfEmpty(x.Country),
		"role": string(x.Role), "crossBorder": x.CrossBorder, "before": x.Before, "after": x.After, "expected": x.Expected,
		"excess": x.Excess, "se": x.SE, "low": x.Low, "high": x.High, "ratio": optFloat(x.Ratio), "z": x.Z, "pValue": x.P,
		"adjusted": x.Adjusted, "flag": x.Flag}
	if total {
		m["adjusted"] = nil
	}
	return m
}

func fragmentationOut(f *evaluate.Fragmentation) map[string]any {
	rows := make([]map[string]any, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = excessOut(r, false)
	}
	totals := make([]map[string]any, len(f.Totals))
	for i, r := range f.Totals {
		totals[i] = excessOut(r, true)
	}
	return map[string]any{
		"intervention": f.Resolved.Intervention, "indicators": f.Indicators, "method": f.Method, "q": f.Q, "flagged": f.Flagged,
		"rows": rows, "totals": totals, "inputs": inputsOut(f.Inputs, f.AsOf), "skipped": skippedOut(f.Skipped),
		"diagnostics": nonNilStrings(f.Diagnostics), "assumptions": nonNilStrings(f.Assumptions), "explanation": f.Explanation,
		srcKey: f,
	}
}

func (s *Server) buildDisplacementTypes(t *types) *displacementTypes {
	d := &displacementTypes{}
	f := func(typ gql.Type, desc string) *gql.Field { return field(typ, desc) }
	// dtext is a text field of a displacement analysis with the argument
	// lang: English is the value answered so far, another language is
	// written from the analysis's messages.
	dtext := func(typ gql.Type, desc string, in func(d *evaluate.Displacement, l i18n.Lang) any) *gql.Field {
		return &gql.Field{Type: typ, Description: desc, Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
			m, _ := p.Source.(map[string]any)
			d, ok := m[srcKey].(*evaluate.Displacement)
			if l := argLang(p); ok && l != i18n.EN {
				return in(d, l), nil
			}
			return m[p.Info.FieldName], nil
		}}
	}
	num, optNum := nonNull(gql.Float), gql.Float
	texts := listOf(gql.String)
	d.periodRange = s.impactInputs(t).periodRange
	d.normalise = enumOf("Normalisation", "How compareRegions scales each series.", evaluate.Normalisations)
	d.role = enumOf("DisplacementRole", "The part a region plays in a displacement analysis.", displacement.Roles)
	d.category = enumOf("DisplacementCategory", "The reading of a weighted displacement quotient (Guerette 2009, appendix C).",
		[]displacement.Category{displacement.DiffusionExceedsEffect, displacement.Diffusion, displacement.Neither,
			displacement.DisplacementSmaller, displacement.DisplacementExceeds, displacement.NotInterpretable})
	d.finding = enumOf("DisplacementFinding", "What an analysis concludes about the buffer: the WDQ's reading, confirmed by the WDD's one-sided test of the buffer at 5%.",
		[]evaluate.Finding{evaluate.FindingDisplacement, evaluate.FindingDiffusion, evaluate.FindingNoEvidence, evaluate.FindingNotInterpretable, evaluate.FindingUntested})

	d.window = gql.NewObject(gql.ObjectConfig{Name: "PeriodWindow", Description: "A window of periods used.", Fields: gql.Fields{
		"from": f(nonNull(gql.String), ""), "to": f(nonNull(gql.String), ""), "periods": f(nonNull(gql.Int), "Number of periods.")}})
	d.dropped = gql.NewObject(gql.ObjectConfig{Name: "DroppedRegion", Description: "A default region left out for want of data.", Fields: gql.Fields{
		"region": f(nonNull(gql.ID), ""), "role": f(nonNull(d.role), ""),
		"reason": langText(t, nonNull(gql.String), "The periods it lacked, in the language asked (English by default).", func(x displacement.Dropped, l i18n.Lang) any {
			return l.RenderOr(x.ReasonMsg, x.Reason)
		})}})
	d.inputs = gql.NewObject(gql.ObjectConfig{Name: "DisplacementInputs", Description: "The regions, periods and position actually used.", Fields: gql.Fields{
		"target": f(listOf(gql.ID), ""), "buffer": f(listOf(gql.ID), ""), "control": f(listOf(gql.ID), ""),
		"bufferControl": f(listOf(gql.ID), "Equal to control when no separate control was given."),
		"derived":       f(listOf(d.role), "Roles chosen from the region graph rather than by the caller."),
		"sharedControl": f(nonNull(gql.Boolean), "The buffer was compared with the control."),
		"before":        f(nonNull(d.window), ""), "after": f(nonNull(d.window), ""),
		"asOf":    f(nonNull(gql.String), "The log position the data was read at."),
		"dropped": f(listOf(d.dropped), "")}})
	d.part = gql.NewObject(gql.ObjectConfig{Name: "WddPart", Description: "One part of the WDD with its Poisson standard error.", Fields: gql.Fields{
		"estimate": f(num, ""), "se": f(num, "")}})
	d.wdd = gql.NewObject(gql.ObjectConfig{Name: "Wdd", Description: "Weighted displacement difference (Wheeler & Ratcliffe 2018), oriented: negative is a change in the desired direction.", Fields: gql.Fields{
		"estimate": f(num, ""), "se": f(num, ""), "low": f(num, "95% interval."), "high": f(num, ""), "z": f(num, ""),
		"pValue":        f(num, "Two-sided."),
		"local":         f(nonNull(d.part), "(T1-T0) - (C1-C0): the effect in the target."),
		"displacement":  f(nonNull(d.part), "(D1-D0) - (Dc1-Dc0): the buffer's change beyond its control; positive suggests displacement."),
		"sharedControl": f(nonNull(gql.Boolean), "")}})
	d.test = gql.NewObject(gql.ObjectConfig{Name: "BufferTest", Description: "One-sided test of displacement into the buffer (the WDD's displacement part).", Fields: gql.Fields{
		"estimate": f(num, ""), "se": f(num, ""), "z": f(num, ""), "pValue": f(num, "P(Z >= z): small when the buffer worsened beyond its control.")}})
	d.region = gql.NewObject(gql.ObjectConfig{Name: "DisplacementRegion", Description: "One region's part in a displacement analysis: totals over each window (counts) or means per period (levels).", Fields: gql.Fields{
		"region": f(nonNull(gql.ID), ""), "name": f(nonNull(gql.String), ""), "country": f(nonNull(gql.String), ""),
		"role": f(nonNull(d.role), ""), "before": f(num, ""), "after": f(num, ""), "change": f(num, ""),
		"crossBorder": f(nonNull(gql.Boolean), "The region lies in a country none of the targets is in.")}})
	d.roleTotal = gql.NewObject(gql.ObjectConfig{Name: "DisplacementRoleTotal", Fields: gql.Fields{
		"role": f(nonNull(d.role), ""), "regions": f(nonNull(gql.Int), ""), "before": f(num, ""), "after": f(num, ""), "change": f(num, "")}})
	d.country = gql.NewObject(gql.ObjectConfig{Name: "DisplacementCountry", Description: "The part of a role in one country, so that movement across borders is visible.", Fields: gql.Fields{
		"role": f(nonNull(d.role), ""), "country": f(nonNull(gql.String), ""), "regions": f(nonNull(gql.Int), ""),
		"before": f(num, ""), "after": f(num, ""), "change": f(num, ""), "crossBorder": f(nonNull(gql.Boolean), "")}})
	d.result = gql.NewObject(gql.ObjectConfig{Name: "Displacement", Description: "A displacement analysis of one intervention on one indicator. Signed measures are oriented so that, as in the published tables, a negative success measure is an improvement and a positive buffer measure is displacement, whatever the indicator's desired direction. Numbers that cannot be computed are null; reason says why.", Fields: gql.Fields{
		"intervention":   f(nonNull(t.intervention), "The intervention as known at inputs.asOf."),
		"indicator":      f(nonNull(t.indicator), ""),
		"method":         methodField(t),
		"scale":          f(nonNull(gql.String), "COUNT (summed; WDD computed) or LEVEL (averaged; no WDD)."),
		"wdq":            f(optNum, "Weighted displacement quotient, buffer measure / success measure; null unless the success measure is negative."),
		"successMeasure": f(optNum, "R_a/C_a - R_b/C_b; negative is success. Null when a control total is zero."),
		"bufferMeasure":  f(optNum, "D_a/C_a - D_b/C_b; positive suggests displacement."),
		"netEffect":      f(optNum, "R_b/C_b - R_a/C_a."),
		"grossEffect":    f(num, "R_b - R_a."),
		"totalNetEffect": f(optNum, "[R_b(C_a/C_b) - R_a] + [D_b(C_a/C_b) - D_a]; positive is a net benefit."),
		"category":       f(nonNull(d.category), ""),
		"interpretation": dtext(nonNull(gql.String), "The category in plain words.", func(d *evaluate.Displacement, l i18n.Lang) any {
			if d.WDQ.Category == displacement.NotInterpretable {
				return l.Render(i18n.M("displacement.interpretation.unread", reasonArg(d.WDQ)))
			}
			return l.Render(d.WDQ.Category.DescribeMsg())
		}),
		"reason": dtext(gql.String, "Why the WDQ is not interpretable; null when it is.", func(d *evaluate.Displacement, l i18n.Lang) any {
			if d.WDQ.ReasonMsg.IsZero() {
				return nilIfEmpty(d.WDQ.Reason)
			}
			return l.Render(d.WDQ.ReasonMsg)
		}),
		"finding": f(nonNull(d.finding), ""),
		"findingNote": dtext(nonNull(gql.String), "Why the finding is what it is.", func(d *evaluate.Displacement, l i18n.Lang) any {
			if d.FindingNoteMsg.IsZero() {
				return d.FindingNote
			}
			return l.Render(d.FindingNoteMsg)
		}),
		"wdd": f(d.wdd, "Null for levels or when no test is possible (wddNote says why)."),
		"wddNote": dtext(gql.String, "Why there is no WDD; null when there is one.", func(d *evaluate.Displacement, l i18n.Lang) any {
			return nilIfEmpty(d.WDDNoteIn(l))
		}),
		"pValue":      f(optNum, "The WDD's two-sided p-value; null without a WDD."),
		"bufferTest":  f(d.test, "Null without a WDD or when the buffer and its control recorded nothing."),
		"crossBorder": f(nonNull(gql.Boolean), "The buffer holds regions in a country none of the targets is in."),
		"regions":     f(listOf(d.region), ""),
		"roles":       f(listOf(d.roleTotal), ""),
		"countries":   f(listOf(d.country), ""),
		"inputs":      f(nonNull(d.inputs), ""),
		"assumptions": dtext(texts, "What the measures rest on, one sentence each.", func(d *evaluate.Displacement, l i18n.Lang) any {
			return nonNilStrings(d.AssumptionsIn(l))
		}),
		"diagnostics": dtext(texts, "Warnings about the data, in the language asked (English by default).", func(d *evaluate.Displacement, l i18n.Lang) any {
			return nonNilStrings(d.DiagnosticsIn(l))
		}),
		"explanation": dtext(nonNull(gql.String), "A paragraph for a briefing (Guideline 25), in the language asked (English by default).",
			func(d *evaluate.Displacement, l i18n.Lang) any { return d.ExplanationIn(l) }),
	}})

	d.scanRow = gql.NewObject(gql.ObjectConfig{Name: "DisplacementScanRow", Description: "One indicator in a scan, in rank order.", Fields: gql.Fields{
		"rank": f(nonNull(gql.Int), ""), "indicator": f(nonNull(gql.ID), ""),
		"estimate": f(num, "The WDD's displacement part (positive: displacement)."), "se": f(num, ""), "z": f(num, ""),
		"pValue": f(num, "One-sided, for displacement."), "adjusted": f(num, "Benjamini-Hochberg adjusted p-value."),
		"discovery": f(nonNull(gql.Boolean), "adjusted <= q."),
		"category":  f(d.category, "The indicator's WDQ reading."), "wdq": f(optNum, ""), "finding": f(d.finding, "")}})
	d.skipped = gql.NewObject(gql.ObjectConfig{Name: "SkippedIndicator", Description: "An indicator left out, and why.", Fields: gql.Fields{
		"indicator": f(nonNull(gql.ID), ""),
		"reason": langText(t, nonNull(gql.String), "Why, in the language asked (English by default).", func(x evaluate.Skipped, l i18n.Lang) any {
			return x.ReasonIn(l)
		})}})
	d.scan = gql.NewObject(gql.ObjectConfig{Name: "DisplacementScan", Description: "Indicators ranked by evidence of displacement after one intervention, with false discovery rate control.", Fields: gql.Fields{
		"intervention": f(nonNull(t.intervention), ""), "q": f(num, ""), "method": methodField(t),
		"discoveries": f(nonNull(gql.Int), ""), "rows": f(listOf(d.scanRow), ""), "skipped": f(listOf(d.skipped), ""),
		"assumptions": langText(t, texts, "What the scan rests on, one sentence each, in the language asked (English by default).", func(x *evaluate.Scan, l i18n.Lang) any {
			return nonNilStrings(x.AssumptionsIn(l))
		}),
		"explanation": langText(t, nonNull(gql.String), "A paragraph for a briefing, in the language asked (English by default).", func(x *evaluate.Scan, l i18n.Lang) any {
			return x.ExplanationIn(l)
		}),
		"asOf": f(nonNull(gql.String), "")}})
	d.excess = gql.NewObject(gql.ObjectConfig{Name: "FragmentationRow", Description: "One region's (or, in totals, one role's) count against its counterfactual.", Fields: gql.Fields{
		"indicator": f(nonNull(gql.ID), ""), "region": f(gql.ID, "Null in totals."), "name": f(gql.String, ""), "country": f(gql.String, ""),
		"role": f(nonNull(d.role), ""), "crossBorder": f(nonNull(gql.Boolean), ""),
		"before": f(num, ""), "after": f(num, ""), "expected": f(num, "before x the control's trend."), "excess": f(num, "after - expected."),
		"se": f(num, ""), "low": f(num, "95% interval of the excess."), "high": f(num, ""), "ratio": f(optNum, "after / expected."),
		"z": f(num, ""), "pValue": f(num, "In the undesired direction."), "adjusted": f(optNum, "Benjamini-Hochberg; null in totals."),
		"flag": f(nonNull(gql.Boolean), "A possible sign of fragmentation.")}})
	d.fragmentation = gql.NewObject(gql.ObjectConfig{Name: "Fragmentation", Description: "Signs of fragmentation after an operation against high-value targets (Guideline 18).", Fields: gql.Fields{
		"intervention": f(nonNull(t.intervention), ""), "indicators": f(listOf(t.indicator), "The indicators watched."),
		"method": methodField(t), "q": f(num, ""), "flagged": f(nonNull(gql.Int), ""),
		"rows": f(listOf(d.excess), ""), "totals": f(listOf(d.excess), ""), "inputs": f(nonNull(d.inputs), ""),
		"skipped": f(listOf(d.skipped), ""),
		"diagnostics": langText(t, texts, "Warnings about the data, in the language asked (English by default).", func(x *evaluate.Fragmentation, l i18n.Lang) any {
			return nonNilStrings(x.DiagnosticsIn(l))
		}),
		"assumptions": langText(t, texts, "What the check rests on, one sentence each, in the language asked (English by default).", func(x *evaluate.Fragmentation, l i18n.Lang) any {
			return nonNilStrings(x.AssumptionsIn(l))
		}),
		"explanation": langText(t, nonNull(gql.String), "A paragraph for a briefing, in the language asked (English by default).", func(x *evaluate.Fragmentation, l i18n.Lang) any {
			return x.ExplanationIn(l)
		})}})
	return d
}

// methodKeys are the catalogue's names of the displacement analysis's,
// the scan's and the fragmentation check's methods, whose English is the
// Method the domain answers.
var methodKeys = []string{"dispmethod.wdq", "dispmethod.scan", "dispmethod.frag"}

// methodField is the name of an analysis's method (the answer map's
// "method"), in the language asked: a method the catalogue names is
// written in l, any other as answered.
func methodField(t *types) *gql.Field {
	return &gql.Field{Type: nonNull(gql.String), Description: "The method, with its sources, in the language asked (English by default).",
		Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
			m, _ := p.Source.(map[string]any)
			s, _ := m[p.Info.FieldName].(string)
			if l := argLang(p); l != i18n.EN {
				for _, k := range methodKeys {
					if i18n.EN.T(k) == s {
						return l.T(k), nil
					}
				}
			}
			return s, nil
		}}
}
