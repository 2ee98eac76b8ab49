package displacement

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/supplyeval/supplyeval/i18n"
)

// fmtNum formats a count or level for prose: whole numbers as they are,
// others with one decimal (two below 1).
func fmtNum(x float64) string {
	a := math.Abs(x)
	switch {
	case a < 1e15 && math.Abs(x-math.Round(x)) <= 1e-9*math.Max(1, a):
		return strconv.FormatFloat(math.Round(x)+0, 'f', 0, 64)
	case a >= 1000:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// fmtRatio formats a measure or ratio with two decimals.
func fmtRatio(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	if s == "-0.00" {
		return "0.00"
	}
	return s
}

// fmtSig formats a measure with three significant digits.
func fmtSig(x float64) string {
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// explain writes the paragraph of a displacement result (Guideline 25).
func explain(r *Result, totals map[Role]RoleTotal, roles map[Role][]RegionChange, sc Scale) i18n.Text {
	var what any = r.Intervention
	switch {
	case !r.interventionMsg.IsZero():
		what = r.interventionMsg
	case r.Intervention == "":
		what = i18n.M("displacement.the.intervention")
	}
	t, d, c := totals[RoleTarget], totals[RoleBuffer], totals[RoleControl]
	opening, buffer := "displacement.explain.opening", "displacement.explain.buffer"
	if sc == Level {
		opening, buffer = "displacement.explain.opening.level", "displacement.explain.buffer.level"
	}
	text := i18n.Text{
		i18n.M(opening, what, r.Inputs.Before.labelMsg(), r.Inputs.After.labelMsg(), r.Indicator.labelArg(),
			roleRegionsMsg("target", t.Regions), describeRegionsMsg(roles[RoleTarget]), moveMsg(t.Before, t.After),
			roleRegionsMsg("control", c.Regions), describeRegionsMsg(roles[RoleControl]), moveMsg(c.Before, c.After)),
		i18n.M(buffer, describeRegionsMsg(roles[RoleBuffer]), moveMsg(d.Before, d.After)),
	}

	w := r.WDQ
	if w.Category != NotInterpretable {
		text = append(text, i18n.M("displacement.explain.wdq", i18n.Num(fmtSig, *w.SuccessMeasure), i18n.Num(fmtSig, *w.BufferMeasure),
			i18n.Num(fmtRatio, *w.Quotient), w.Category.DescribeMsg()))
	} else {
		text = append(text, i18n.M("displacement.explain.wdq.unread", w.reasonArg()))
	}
	events := unitArg(r.Indicator)
	if w.TotalNetEffect != nil {
		// TotalNetEffect is oriented; raw = expected - observed.
		raw := w.Orientation * *w.TotalNetEffect
		good := *w.TotalNetEffect > 0
		if sc == Count {
			key := "displacement.explain.tne.fewer"
			if raw < 0 {
				key = "displacement.explain.tne.more"
			}
			text = append(text, i18n.M(key, i18n.Num(fmtNum, *w.TotalNetEffect), i18n.Num(fmtNum, math.Abs(raw)), events, desiredNoteMsg(good, raw == 0)))
		} else {
			key := "displacement.explain.tne.below"
			if raw < 0 {
				key = "displacement.explain.tne.above"
			}
			text = append(text, i18n.M(key, i18n.Num(fmtNum, math.Abs(raw)), i18n.Num(fmtNum, *w.TotalNetEffect), desiredNoteMsg(good, raw == 0)))
		}
	}

	if x := r.WDD; x != nil {
		raw := x.Orientation * x.Estimate
		key := "displacement.explain.wdd.fewer"
		if raw > 0 {
			key = "displacement.explain.wdd.more"
		}
		text = append(text, i18n.M(key, i18n.Num(fmtNum, x.Estimate), i18n.Num(fmtNum, x.Low), i18n.Num(fmtNum, x.High), i18n.Num(fmtRatio, x.Z), pMsg(x.P),
			i18n.Num(fmtNum, math.Abs(raw)), events,
			i18n.Num(signedNum, x.Orientation*x.Local.Estimate), i18n.Num(signedNum, x.Orientation*x.Displacement.Estimate)))
		switch {
		case x.High < 0:
			text = append(text, i18n.M("displacement.explain.wdd.below"))
		case x.Low > 0:
			text = append(text, i18n.M("displacement.explain.wdd.above"))
		default:
			text = append(text, i18n.M("displacement.explain.wdd.zero"))
		}
	} else {
		text = append(text, i18n.M("displacement.explain.wdd.none", r.wddNoteArg()))
	}
	return text
}

// reasonArg is why the WDQ cannot be read, as a message when it has one.
func (w WDQ) reasonArg() any {
	if !w.ReasonMsg.IsZero() {
		return w.ReasonMsg
	}
	return w.Reason
}

// wddNoteArg is why the WDD was not computed, as a message when it has
// one.
func (r *Result) wddNoteArg() any {
	if !r.WDDNoteMsg.IsZero() {
		return r.WDDNoteMsg
	}
	return r.WDDNote
}

// unitArg is the indicator's unit, or "events".
func unitArg(ind Indicator) any {
	if ind.Unit != "" {
		return ind.Unit
	}
	return i18n.M("displacement.events")
}

// labelArg names the indicator: its name, its code, or "the indicator".
func (ind Indicator) labelArg() any {
	if ind.Name == "" && ind.Code == "" {
		return i18n.M("displacement.the.indicator")
	}
	return ind.label()
}

// labelMsg names a window as label does.
func (w Window) labelMsg() i18n.Msg {
	from, to := w.From, w.To
	if from == "" && len(w.Periods) > 0 {
		from = w.Periods[0]
	}
	if to == "" && len(w.Periods) > 0 {
		to = w.Periods[len(w.Periods)-1]
	}
	if from == to {
		return i18n.M("impact.span.one", from)
	}
	return i18n.M("displacement.window", from, to)
}

// pMsg is a p-value for prose: "< 0.001" or "= 0.034".
func pMsg(p float64) i18n.Msg {
	if p < 0.001 {
		return i18n.M("displacement.p.lt", i18n.Num(fixed3, 0.001))
	}
	return i18n.M("displacement.p.eq", i18n.Num(fixed3, p))
}

func fixed3(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

// moveMsg says how a value went from before to after.
func moveMsg(before, after float64) i18n.Msg {
	switch {
	case after == before:
		return i18n.M("displacement.move.same", i18n.Num(fmtNum, before))
	case before == 0:
		return i18n.M("displacement.move.fromzero", i18n.Num(fmtNum, after))
	}
	key := "displacement.move.rose"
	if after < before {
		key = "displacement.move.fell"
	}
	pct := (after - before) / before * 100
	dec := 0
	if math.Abs(pct) < 10 {
		dec = 1
	}
	return i18n.M(key, i18n.Num(fmtNum, before), i18n.Num(fmtNum, after), i18n.Num(func(x float64) string { return fmt.Sprintf("%+.*f", dec, x) }, pct))
}

// nameListMsg names up to four regions ("A, B, C and 2 more" beyond).
func nameListMsg(names []string) i18n.List {
	l := i18n.Strings(names)
	l.And = true
	if len(names) > 4 {
		l.Show, l.More = 3, "impact.more"
	}
	return l
}

// describeRegionsMsg names a role's regions, grouping those across the
// border by country: "Y; across the border in NL: A and B". Long lists
// are summarised: "A, B, C and 40 more; 12 across the border (BE 7, DE 5)".
func describeRegionsMsg(rs []RegionChange) i18n.Msg {
	if len(rs) > 6 {
		names := make([]string, 0, len(rs))
		perCountry := map[string]int{}
		for _, r := range rs {
			names = append(names, r.Name)
			if r.CrossBorder && r.Country != "" {
				perCountry[r.Country]++
			}
		}
		list := i18n.Strings(names)
		list.Show, list.More = 3, "impact.more"
		if len(perCountry) == 0 {
			return i18n.M("displacement.regions", list)
		}
		countries := slices.Sorted(maps.Keys(perCountry))
		per := make([]string, 0, 7)
		n := 0
		for i, c := range countries {
			if i < 6 {
				per = append(per, c+" "+strconv.Itoa(perCountry[c]))
			}
			n += perCountry[c]
		}
		if len(countries) > 6 {
			per = append(per, "...")
		}
		return i18n.M("displacement.regions.abroad.many", list, n, i18n.Strings(per))
	}
	var home []string
	abroad := map[string][]string{}
	var countries []string
	for _, r := range rs {
		if !r.CrossBorder || r.Country == "" {
			home = append(home, r.Name)
			continue
		}
		if _, ok := abroad[r.Country]; !ok {
			countries = append(countries, r.Country)
		}
		abroad[r.Country] = append(abroad[r.Country], r.Name)
	}
	slices.Sort(countries)
	var parts []any
	if len(home) > 0 {
		parts = append(parts, nameListMsg(home))
	}
	for _, c := range countries {
		parts = append(parts, i18n.M("displacement.regions.abroad", c, nameListMsg(abroad[c])))
	}
	return i18n.M("displacement.regions", i18n.List{Items: parts, Sep: "list.semicolon"})
}

// roleRegionsMsg says "the target region" or "the 3 target regions".
func roleRegionsMsg(role string, n int) i18n.Msg {
	if n == 1 {
		return i18n.M("displacement.role.one." + role)
	}
	return i18n.M("displacement.role.many."+role, n)
}

func desiredNoteMsg(good, zero bool) i18n.Msg {
	switch {
	case zero:
		return i18n.Msg{}
	case good:
		return i18n.M("displacement.desired")
	}
	return i18n.M("displacement.undesired")
}

// signedNum formats with an explicit sign.
func signedNum(x float64) string {
	if x > 0 {
		return "+" + fmtNum(x)
	}
	return fmtNum(x)
}
