package displacement

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
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

// fmtP formats a p-value.
func fmtP(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return "= " + strconv.FormatFloat(p, 'f', 3, 64)
}

// move says how a value went from before to after.
func move(before, after float64) string {
	switch {
	case after == before:
		return "stayed at " + fmtNum(before)
	case before == 0:
		return "rose from 0 to " + fmtNum(after)
	}
	verb := "rose"
	if after < before {
		verb = "fell"
	}
	pct := (after - before) / before * 100
	if math.Abs(pct) < 10 {
		return fmt.Sprintf("%s from %s to %s (%+.1f%%)", verb, fmtNum(before), fmtNum(after), pct)
	}
	return fmt.Sprintf("%s from %s to %s (%+.0f%%)", verb, fmtNum(before), fmtNum(after), pct)
}

// nameList names up to four regions.
func nameList(names []string) string {
	switch n := len(names); {
	case n == 0:
		return ""
	case n == 1:
		return names[0]
	case n <= 4:
		return strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	default:
		return strings.Join(names[:3], ", ") + " and " + strconv.Itoa(n-3) + " more"
	}
}

// describeRegions names a role's regions, grouping those across the border
// by country: "Y; across the border in NL: A and B". Long lists are
// summarised: "A, B, C and 40 more; 12 across the border (BE 7, DE 5)".
func describeRegions(rs []RegionChange) string {
	if len(rs) > 6 {
		names := make([]string, 0, 3)
		perCountry := map[string]int{}
		for i, r := range rs {
			if i < 3 {
				names = append(names, r.Name)
			}
			if r.CrossBorder && r.Country != "" {
				perCountry[r.Country]++
			}
		}
		out := strings.Join(names, ", ") + " and " + strconv.Itoa(len(rs)-3) + " more"
		if len(perCountry) > 0 {
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
			out += "; " + strconv.Itoa(n) + " across the border (" + strings.Join(per, ", ") + ")"
		}
		return out
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
	parts := []string{}
	if len(home) > 0 {
		parts = append(parts, nameList(home))
	}
	for _, c := range countries {
		parts = append(parts, "across the border in "+c+": "+nameList(abroad[c]))
	}
	return strings.Join(parts, "; ")
}

// roleRegions says "the target region" or "the 3 target regions".
func roleRegions(role string, n int) string {
	if n == 1 {
		return "the " + role + " region"
	}
	return "the " + strconv.Itoa(n) + " " + role + " regions"
}

// explain writes the paragraph of a displacement result (Guideline 25).
func explain(r *Result, totals map[Role]RoleTotal, roles map[Role][]RegionChange, sc Scale) string {
	ind := r.Indicator.label()
	var b strings.Builder
	what := r.Intervention
	if what == "" {
		what = "the intervention"
	}
	per, it := "", "the count"
	if sc == Level {
		per, it = " (mean per period)", "the level"
	}
	t, d, c := totals[RoleTarget], totals[RoleBuffer], totals[RoleControl]
	fmt.Fprintf(&b, "After %s (%s compared with %s), %s%s in %s (%s) %s; in %s (%s) %s %s. ",
		what, r.Inputs.Before.label(), r.Inputs.After.label(), ind, per,
		roleRegions("target", t.Regions), describeRegions(roles[RoleTarget]), move(t.Before, t.After),
		roleRegions("control", c.Regions), describeRegions(roles[RoleControl]), it, move(c.Before, c.After))
	fmt.Fprintf(&b, "In the buffer (%s) %s %s. ", describeRegions(roles[RoleBuffer]), it, move(d.Before, d.After))

	w := r.WDQ
	if w.Category != NotInterpretable {
		fmt.Fprintf(&b, "Relative to the control, that is a success measure of %s and a buffer measure of %s, so the weighted displacement quotient is WDQ = %s, which reads as %s. ",
			fmtSig(*w.SuccessMeasure), fmtSig(*w.BufferMeasure), fmtRatio(*w.Quotient), w.Category.Describe())
	} else {
		fmt.Fprintf(&b, "The weighted displacement quotient cannot be read: %s. ", w.Reason)
	}
	if w.TotalNetEffect != nil {
		// TotalNetEffect is oriented; raw = expected - observed.
		raw := w.Orientation * *w.TotalNetEffect
		good := *w.TotalNetEffect > 0
		if sc == Count {
			dir := "fewer"
			if raw < 0 {
				dir = "more"
			}
			fmt.Fprintf(&b, "Over target and buffer together the total net effect is TNE = %s: %s %s than the control's trend predicts%s. ",
				fmtNum(*w.TotalNetEffect), fmtNum(math.Abs(raw)), unitOr(r.Indicator, "events")+" "+dir, desiredNote(good, raw == 0))
		} else {
			dir := "below"
			if raw < 0 {
				dir = "above"
			}
			fmt.Fprintf(&b, "Over target and buffer together the values are %s %s the control's trend (summed over the two; total net effect %s)%s. ",
				fmtNum(math.Abs(raw)), dir, fmtNum(*w.TotalNetEffect), desiredNote(good, raw == 0))
		}
	}

	if x := r.WDD; x != nil {
		raw := x.Orientation * x.Estimate
		dir := "fewer"
		if raw > 0 {
			dir = "more"
		}
		fmt.Fprintf(&b, "The weighted displacement difference is WDD = %s (95%% interval %s to %s; z = %s, p %s): %s %s than the controls' changes predict, %s in the target and %s in the buffer. ",
			fmtNum(x.Estimate), fmtNum(x.Low), fmtNum(x.High), fmtRatio(x.Z), fmtP(x.P),
			fmtNum(math.Abs(raw)), unitOr(r.Indicator, "events")+" "+dir,
			signedNum(x.Orientation*x.Local.Estimate), signedNum(x.Orientation*x.Displacement.Estimate))
		switch {
		case x.High < 0:
			b.WriteString("The interval lies below zero: evidence of a net change in the desired direction.")
		case x.Low > 0:
			b.WriteString("The interval lies above zero: evidence of a net change against the desired direction.")
		default:
			b.WriteString("The interval includes zero, so chance alone could explain the net change.")
		}
	} else {
		fmt.Fprintf(&b, "The weighted displacement difference is %s.", r.WDDNote)
	}
	return strings.TrimSpace(b.String())
}

func desiredNote(good, zero bool) string {
	switch {
	case zero:
		return ""
	case good:
		return ", a change in the desired direction"
	}
	return ", a change against the desired direction"
}

// signedNum formats with an explicit sign.
func signedNum(x float64) string {
	if x > 0 {
		return "+" + fmtNum(x)
	}
	return fmtNum(x)
}
