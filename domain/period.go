package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/supplyeval/supplyeval/i18n"
)

// Granularity is the length of an indicator's periods.
type Granularity string

// The granularities an indicator can have.
const (
	Year    Granularity = "YEAR"
	Quarter Granularity = "QUARTER"
	Month   Granularity = "MONTH"
	Week    Granularity = "WEEK" // ISO 8601 weeks, Monday to Sunday
	Day     Granularity = "DAY"
)

// Granularities lists every granularity, longest first.
var Granularities = []Granularity{Year, Quarter, Month, Week, Day}

// Valid reports whether g is one of the defined granularities.
func (g Granularity) Valid() bool {
	switch g {
	case Year, Quarter, Month, Week, Day:
		return true
	}
	return false
}

// Period is one period of a granularity, identified by its sequence number:
// years since year 0, quarters since 0-Q1, months since 0-01, ISO weeks and
// days since 1970-01-05 (a Monday). Consecutive periods have consecutive
// indexes, so a series is an array over Index.
type Period struct {
	G     Granularity
	Index int32
}

const (
	minYear = 1800
	maxYear = 2200
)

// epochMonday is the Monday from which week and day indexes count.
var epochMonday = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// ParsePeriod parses s in the format of granularity g: "2024", "2024-Q2",
// "2024-05", "2024-W21", "2024-05-13". Years outside 1800-2200 are refused.
func ParsePeriod(g Granularity, s string) (Period, error) {
	bad := func(form string, args ...any) (Period, error) {
		return Period{}, Errorm(BadInput, "", "domain.err.period.bad", s, i18n.M("domain.err.granularity."+string(g)), i18n.M("domain.err.form."+form, args...))
	}
	switch g {
	case Year:
		y, ok := parseYear(s)
		if !ok || len(s) != 4 {
			return bad("year")
		}
		return Period{G: g, Index: int32(y)}, nil
	case Quarter:
		if len(s) != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4' {
			return bad("quarter.n")
		}
		y, ok := parseYear(s[:4])
		if !ok {
			return bad("quarter")
		}
		return Period{G: g, Index: int32(y*4 + int(s[6]-'1'))}, nil
	case Month:
		if len(s) != 7 || s[4] != '-' {
			return bad("month")
		}
		y, ok := parseYear(s[:4])
		m, err := strconv.Atoi(s[5:])
		if !ok || err != nil || m < 1 || m > 12 || s[5] == '+' || s[5] == '-' {
			return bad("month.mm")
		}
		return Period{G: g, Index: int32(y*12 + m - 1)}, nil
	case Week:
		if len(s) != 8 || s[4] != '-' || s[5] != 'W' {
			return bad("week")
		}
		y, ok := parseYear(s[:4])
		w, err := strconv.Atoi(s[6:])
		if !ok || err != nil || w < 1 || s[6] == '+' || s[6] == '-' || w > isoWeeksIn(y) {
			return bad("week.ww", isoWeeksIn(y), s[:4])
		}
		monday := isoWeek1Monday(y).AddDate(0, 0, 7*(w-1))
		return Period{G: g, Index: int32(monday.Sub(epochMonday).Hours() / (24 * 7))}, nil
	case Day:
		t, err := ParseDate(s)
		if err != nil {
			return bad("day")
		}
		return Period{G: g, Index: int32(t.Sub(epochMonday).Hours() / 24)}, nil
	}
	return Period{}, Errorm(BadInput, "", "domain.err.granularity.unknown", string(g))
}

func parseYear(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y := 0
	for i := 0; i < 4; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		y = y*10 + int(c-'0')
	}
	return y, y >= minYear && y <= maxYear
}

// isoWeek1Monday returns the Monday of ISO week 1 of year y (the week
// holding 4 January).
func isoWeek1Monday(y int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	wd := (int(jan4.Weekday()) + 6) % 7 // Monday = 0
	return jan4.AddDate(0, 0, -wd)
}

// isoWeeksIn returns 52 or 53, the number of ISO weeks of year y.
func isoWeeksIn(y int) int {
	_, w := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// String formats p in its granularity's format.
func (p Period) String() string {
	i := int(p.Index)
	// Appending digits instead of fmt.Sprintf: read models format a label
	// for every point they return, and evaluations read many series.
	var buf [16]byte
	switch p.G {
	case Year:
		return string(appendPadded(buf[:0], i, 4))
	case Quarter:
		return string(append(appendPadded(buf[:0], floorDiv(i, 4), 4), '-', 'Q', byte('1'+floorMod(i, 4))))
	case Month:
		return string(appendPadded(append(appendPadded(buf[:0], floorDiv(i, 12), 4), '-'), floorMod(i, 12)+1, 2))
	case Week:
		y, w := p.Start().ISOWeek()
		return string(appendPadded(append(appendPadded(buf[:0], y, 4), '-', 'W'), w, 2))
	case Day:
		return p.Start().Format(DateLayout)
	}
	return strconv.Itoa(i)
}

// appendPadded appends v in decimal, zero-padded to width digits (as
// fmt's %0*d does, sign included).
func appendPadded(dst []byte, v, width int) []byte {
	if v < 0 {
		return fmt.Appendf(dst, "%0*d", width, v)
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(v), 10)
	for n := len(d); n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

// Start returns the first day of the period (UTC midnight).
func (p Period) Start() time.Time {
	i := int(p.Index)
	switch p.G {
	case Year:
		return time.Date(i, 1, 1, 0, 0, 0, 0, time.UTC)
	case Quarter:
		return time.Date(floorDiv(i, 4), time.Month(3*floorMod(i, 4)+1), 1, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(floorDiv(i, 12), time.Month(floorMod(i, 12)+1), 1, 0, 0, 0, 0, time.UTC)
	case Week:
		return epochMonday.AddDate(0, 0, 7*i)
	case Day:
		return epochMonday.AddDate(0, 0, i)
	}
	return time.Time{}
}

// Add returns the period n periods after p.
func (p Period) Add(n int) Period { return Period{G: p.G, Index: p.Index + int32(n)} }

// FirstPeriodFrom returns the first period of granularity g that starts on
// or after t: the period from which an intervention dated t can show an
// effect.
func FirstPeriodFrom(g Granularity, t time.Time) Period {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	p := PeriodOf(g, t)
	if p.Start().Before(t) {
		p = p.Add(1)
	}
	return p
}

// PeriodOf returns the period of granularity g that contains day t.
func PeriodOf(g Granularity, t time.Time) Period {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch g {
	case Year:
		return Period{G: g, Index: int32(t.Year())}
	case Quarter:
		return Period{G: g, Index: int32(t.Year()*4 + (int(t.Month())-1)/3)}
	case Month:
		return Period{G: g, Index: int32(t.Year()*12 + int(t.Month()) - 1)}
	case Week:
		days := int(t.Sub(epochMonday).Hours() / 24)
		return Period{G: g, Index: int32(floorDiv(days, 7))}
	default:
		return Period{G: Day, Index: int32(t.Sub(epochMonday).Hours() / 24)}
	}
}

// DetectGranularity returns the granularity whose format s has, for period
// strings whose granularity is not known in advance (operation outputs).
func DetectGranularity(s string) (Granularity, bool) {
	for _, g := range Granularities {
		if _, err := ParsePeriod(g, s); err == nil {
			return g, true
		}
	}
	return "", false
}

// Year returns the year the period belongs to: its calendar year, the
// ISO year for a week.
func (p Period) Year() int {
	i := int(p.Index)
	switch p.G {
	case Year:
		return i
	case Quarter:
		return floorDiv(i, 4)
	case Month:
		return floorDiv(i, 12)
	case Week:
		y, _ := p.Start().ISOWeek()
		return y
	}
	return p.Start().Year()
}

// PeriodRange is the span of years that recorded periods must lie in,
// inclusive: the operator's bound on what a batch of observations can
// make the read models hold (serve --period-range FROM:TO). Commands that
// record a period outside it are refused with BadInput.
type PeriodRange struct {
	From, To int // first and last year
}

// DefaultPeriodRange is the range a server accepts unless its operator
// sets another: the years 1900 to 2100.
var DefaultPeriodRange = PeriodRange{From: 1900, To: 2100}

// ParsePeriodRange parses "FROM:TO", two years (for example 1900:2100),
// and validates the range.
func ParsePeriodRange(s string) (PeriodRange, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), ":")
	f, errF := strconv.Atoi(strings.TrimSpace(from))
	t, errT := strconv.Atoi(strings.TrimSpace(to))
	if !ok || errF != nil || errT != nil {
		return PeriodRange{}, Errorm(BadInput, "", "cli2.period-range.form", s)
	}
	r := PeriodRange{From: f, To: t}
	if err := r.Validate(); err != nil {
		return PeriodRange{}, err
	}
	return r, nil
}

// Validate reports a range whose years are out of order or outside the
// years periods can be written in (1800-2200).
func (r PeriodRange) Validate() error {
	if r.From < minYear || r.To > maxYear {
		return Errorm(BadInput, "", "cli2.period-range.years", r.String(), minYear, maxYear)
	}
	if r.From > r.To {
		return Errorm(BadInput, "", "cli2.period-range.order", r.String())
	}
	return nil
}

// String returns "FROM:TO".
func (r PeriodRange) String() string { return strconv.Itoa(r.From) + ":" + strconv.Itoa(r.To) }

// Contains reports whether period p lies in the range.
func (r PeriodRange) Contains(p Period) bool {
	y := p.Year()
	return y >= r.From && y <= r.To
}

// check refuses a period outside the range, naming field.
func (r PeriodRange) check(field string, p Period) error {
	if r.Contains(p) {
		return nil
	}
	return Invalidm(field, "domain.err.period.server", p.String(), r.From, r.To)
}

// DateLayout is the layout of dates in events and the API (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// ParseDate parses a YYYY-MM-DD date between the years 1800 and 2200.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || len(s) != 10 {
		return time.Time{}, Errorm(BadInput, "", "domain.err.date.bad", s)
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, Errorm(BadInput, "", "domain.err.date.years", s, minYear, maxYear)
	}
	return t, nil
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
