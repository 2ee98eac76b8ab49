package impact

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// num formats x for a reader: about three significant digits, no exponent
// for everyday magnitudes.
func num(x float64) string {
	ax := math.Abs(x)
	switch {
	case x == 0:
		return "0"
	case ax >= 1e6 || ax < 1e-4:
		return strconv.FormatFloat(x, 'g', 3, 64)
	case ax >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case ax >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case ax >= 1:
		return strconv.FormatFloat(x, 'f', 2, 64)
	default:
		s := strconv.FormatFloat(x, 'g', 3, 64)
		if strings.ContainsRune(s, 'e') {
			return strconv.FormatFloat(x, 'f', 4, 64)
		}
		return s
	}
}

// signed formats x with an explicit sign.
func signed(x float64) string {
	if x > 0 {
		return "+" + num(x)
	}
	return num(x)
}

// joinUnits lists unit codes in a sentence, shortening long lists.
func joinUnits(us []string) string {
	const show = 5
	if len(us) <= show {
		return strings.Join(us, ", ")
	}
	return strings.Join(us[:show], ", ") + " and " + strconv.Itoa(len(us)-show) + " more"
}

// The arguments of the explanations' messages: numbers kept as numbers,
// written in English exactly as num and signed write them.

// n is x as a message argument written by num.
func n(x float64) i18n.Number { return i18n.Num(num, x) }

// sn is x with an explicit sign.
func sn(x float64) i18n.Number { return i18n.Num(signed, x) }

// fixed returns a formatter with dec decimals.
func fixed(dec int) func(float64) string {
	return func(x float64) string { return strconv.FormatFloat(x, 'f', dec, 64) }
}

// gfmt formats with %.<prec>g.
func gfmt(prec int) func(float64) string {
	return func(x float64) string { return strconv.FormatFloat(x, 'g', prec, 64) }
}

// pctMsg is a proportion as a percentage, as pct writes it.
func pctMsg(x float64) i18n.Msg { return i18n.M("impact.pct", i18n.Num(num, 100*x)) }

// pMsg is a p-value: "p = 0.03" (two decimals, three below 0.01) or
// "p < 0.001".
func pMsg(p float64) i18n.Msg {
	switch {
	case p < 0.001:
		return i18n.M("impact.p.lt", i18n.Num(fixed(3), 0.001))
	case p < 0.01:
		return i18n.M("impact.p.eq", i18n.Num(fixed(3), p))
	default:
		return i18n.M("impact.p.eq", i18n.Num(fixed(2), p))
	}
}

// unitMsg names a unit in a sentence ("the outcome in NL33").
func unitMsg(u string) i18n.Msg {
	if u == "" {
		return i18n.M("impact.outcome")
	}
	return i18n.M("impact.outcome.in", u)
}

// evidenceMsg says in words how strong a p-value is.
func evidenceMsg(p float64) i18n.Msg {
	switch {
	case p < 0.01:
		return i18n.M("impact.evidence.strong")
	case p < 0.05:
		return i18n.M("impact.evidence.some")
	case p < 0.1:
		return i18n.M("impact.evidence.weak")
	default:
		return i18n.M("impact.evidence.none")
	}
}

// unitsList lists unit codes, shortening long lists, as joinUnits.
func unitsList(us []string) i18n.List {
	l := i18n.Strings(us)
	l.Show, l.More = 5, "impact.more"
	return l
}

// spanMsg names a range of periods.
func spanMsg(from, to string) i18n.Msg {
	if from == to {
		return i18n.M("impact.span.one", from)
	}
	return i18n.M("impact.span", from, to)
}

// moreLessMsg is "lower" or "higher" than expected.
func moreLessMsg(x float64) i18n.Msg {
	if x < 0 {
		return i18n.M("impact.lower")
	}
	return i18n.M("impact.higher")
}

// errMsg is an error's message as a message of the catalogue when it has
// one, else its English text.
func errMsg(err error) any {
	var de *domain.Error
	if errors.As(err, &de) && !de.Msg.IsZero() {
		return de.Msg
	}
	return errMessage(err)
}
