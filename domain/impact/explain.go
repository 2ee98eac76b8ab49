package impact

import (
	"math"
	"strconv"
	"strings"
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

// pct formats a proportion as a percentage.
func pct(x float64) string {
	return num(100*x) + "%"
}

// pIs formats a p-value as "p = 0.03" or "p < 0.001".
func pIs(p float64) string {
	switch {
	case p < 0.001:
		return "p < 0.001"
	case p < 0.01:
		return "p = " + strconv.FormatFloat(p, 'f', 3, 64)
	default:
		return "p = " + strconv.FormatFloat(p, 'f', 2, 64)
	}
}

// unitName names a unit in a sentence.
func unitName(u string) string {
	if u == "" {
		return "the outcome"
	}
	return "the outcome in " + u
}

// evidence says in words how strong a p-value is.
func evidence(p float64) string {
	switch {
	case p < 0.01:
		return "strong evidence of a change"
	case p < 0.05:
		return "evidence of a change"
	case p < 0.1:
		return "weak evidence of a change"
	default:
		return "no clear evidence of a change"
	}
}

// joinUnits lists unit codes in a sentence, shortening long lists.
func joinUnits(us []string) string {
	const show = 5
	if len(us) <= show {
		return strings.Join(us, ", ")
	}
	return strings.Join(us[:show], ", ") + " and " + strconv.Itoa(len(us)-show) + " more"
}

// span names a range of periods.
func span(from, to string) string {
	if from == to {
		return from
	}
	return from + " to " + to
}
