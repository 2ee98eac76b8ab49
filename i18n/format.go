package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Narrow no-break space (U+202F), French digit grouping (CLDR "fr").
const nnbsp = "\u202f"

// Int formats n with the language's thousands separator.
func (l Lang) Int(n int) string {
	return l.localise(strconv.Itoa(n))
}

// Num formats v for reading: four significant digits, no exponent for
// ordinary magnitudes, thousands without decimals, grouped and with the
// language's decimal mark. NaN and infinities read as a dash.
func (l Lang) Num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return l.localise(plain(v))
}

// Fixed formats v with exactly dec decimals, grouped, with the language's
// decimal mark (for axis ticks, where every label has the same decimals).
func (l Lang) Fixed(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v == 0 {
		v = 0 // no "-0"
	}
	return l.localise(strconv.FormatFloat(v, 'f', dec, 64))
}

// Percent formats a fraction (0.25) as a percentage ("25%" / "25 %").
func (l Lang) Percent(frac float64) string {
	// Whole percents from 10 up, one decimal below: the reader's precision.
	pct := frac * 100
	s := l.Fixed(pct, 1)
	if math.Abs(pct) >= 9.95 {
		s = l.Fixed(pct, 0)
	}
	if l == FR {
		return s + nnbsp + "%"
	}
	return s + "%"
}

// plain is the locale-free form of Num: digits, '.', a leading '-'.
// Plain formats v as Num does but without grouping and with a decimal
// point, whatever the language: for text that machines read too.
func Plain(v float64) string { return plain(v) }

func plain(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case a >= 1 || a == 0:
		return trimZeros(strconv.FormatFloat(v, 'f', 3-int(math.Floor(math.Log10(math.Max(a, 1)))), 64))
	case a >= 0.0001:
		return trimZeros(strconv.FormatFloat(v, 'f', 4-int(math.Floor(math.Log10(a)))-1, 64))
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// localise groups the integer part of a plain number by thousands and
// sets the decimal mark. Numbers in exponent form are left grouped as is.
func (l Lang) localise(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if strings.ContainsAny(intPart, "eE") {
		return sign + s
	}
	sep, dec := ",", "."
	if l == FR {
		sep, dec = nnbsp, ","
	}
	var b strings.Builder
	b.WriteString(sign)
	// French leaves four-digit numbers ungrouped (CLDR minimumGroupingDigits 2).
	group := len(intPart) > 3 && !(l == FR && len(intPart) == 4)
	for i, c := range intPart {
		if group && i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// Date formats a date in words: "5 December 2026" / "5 décembre 2026"
// (French writes the first of the month "1er").
func (l Lang) Date(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if l == FR && t.Day() == 1 {
		day = "1er"
	}
	return day + " " + l.T("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// DateString formats a YYYY-MM-DD or RFC 3339 date in words (with the
// time of day, in UTC, for the latter); anything else is returned as is.
func (l Lang) DateString(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return l.Date(t)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.UTC()
		return l.T("date.time", l.Date(t), t.Format("15:04"))
	}
	return s
}

// Period formats a period label of the domain (2019, 2019-Q2, 2019-03,
// 2019-W07, 2019-03-14) in words: "March 2019" / "mars 2019", "Q2 2019"
// / "T2 2019", "week 7 of 2019" / "semaine 7 de 2019". Anything else is
// returned as is.
func (l Lang) Period(p string) string {
	switch {
	case len(p) == 4 && digits(p):
		return p
	case len(p) == 7 && p[4] == '-' && p[5] == 'Q' && digits(p[:4]) && digits(p[6:]):
		return l.T("period.quarter", p[6:], p[:4])
	case len(p) == 7 && p[4] == '-' && digits(p[:4]) && digits(p[5:]):
		m, _ := strconv.Atoi(p[5:])
		if m >= 1 && m <= 12 {
			return l.T("month."+strconv.Itoa(m)) + " " + p[:4]
		}
	case len(p) == 8 && p[4] == '-' && p[5] == 'W' && digits(p[:4]) && digits(p[6:]):
		w, _ := strconv.Atoi(p[6:])
		return l.T("period.week", w, p[:4])
	case len(p) == 10:
		return l.DateString(p)
	}
	return p
}

// PeriodShort is a compact period label for chart axes: "Mar 2019" /
// "mars 2019", "Q2 2019" / "T2 2019"; other periods as [Lang.Period].
func (l Lang) PeriodShort(p string) string {
	if len(p) == 7 && p[4] == '-' && digits(p[:4]) && digits(p[5:]) {
		m, _ := strconv.Atoi(p[5:])
		if m >= 1 && m <= 12 {
			return l.T("month.short."+strconv.Itoa(m)) + " " + p[:4]
		}
	}
	return l.Period(p)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
