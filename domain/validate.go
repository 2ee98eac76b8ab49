package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/supplyeval/supplyeval/i18n"
)

// Limits on input sizes. They keep single events and read models bounded.
const (
	MaxCodeLen       = 32
	MaxIDLen         = 64
	MaxNameLen       = 200
	MaxTextLen       = 4000
	MaxRowsPerBatch  = 100_000
	MaxDimensions    = 8
	MaxListLen       = 1000
	maxDimensionText = 64
)

// checkCode validates a region or indicator code: 1-32 characters from
// A-Z, a-z, 0-9, '_', '-' and '.', starting with a letter or digit.
func checkCode(field, s string) error {
	return checkIdent(field, s, MaxCodeLen)
}

// checkID validates an operation, policy or cycle identifier.
func checkID(field, s string) error {
	return checkIdent(field, s, MaxIDLen)
}

func checkIdent(field, s string, max int) error {
	if s == "" {
		return Invalidm(field, "error.required")
	}
	if len(s) > max {
		return Invalidm(field, "error.ident.long", strconv.Quote(s), max)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if i > 0 {
			ok = ok || c == '_' || c == '-' || c == '.'
		}
		if !ok {
			return Invalidm(field, "error.ident.chars", strconv.Quote(s))
		}
	}
	return nil
}

// checkText validates free text: valid UTF-8, no control characters other
// than newline and tab, at most max bytes; required when req.
func checkText(field, s string, max int, req bool) error {
	if strings.TrimSpace(s) == "" {
		if req {
			return Invalidm(field, "error.required")
		}
		return nil
	}
	if len(s) > max {
		return Invalidm(field, "error.text.long", max)
	}
	if !utf8.ValidString(s) {
		return Invalidm(field, "error.text.utf8")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return Invalidm(field, "error.text.control", fmt.Sprintf("%U", r))
		}
	}
	return nil
}

// checkDate validates a required YYYY-MM-DD date.
func checkDate(field, s string) error {
	if s == "" {
		return Invalidm(field, "error.date.required")
	}
	if _, err := ParseDate(s); err != nil {
		return invalidBy(field, err)
	}
	return nil
}

// checkFinite validates a number that must be finite (and >= 0 when nonNeg).
func checkFinite(field string, v float64, nonNeg bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Invalidm(field, "error.number.finite")
	}
	if nonNeg && v < 0 {
		return Invalidm(field, "error.number.negative", i18n.Num(gfmt, v))
	}
	return nil
}

// checkCodes validates a list of region codes: each valid, no duplicates,
// at least min of them.
func checkCodes(field string, codes []string, min int) error {
	if len(codes) < min {
		if min == 1 {
			return Invalidm(field, "error.list.oneregion")
		}
		return Invalidm(field, "error.list.min", min)
	}
	if len(codes) > MaxListLen {
		return Invalidm(field, "error.list.max", MaxListLen)
	}
	seen := make(map[string]int, len(codes))
	for i, c := range codes {
		f := field + "[" + itoa(i) + "]"
		if err := checkCode(f, c); err != nil {
			return err
		}
		if j, dup := seen[c]; dup {
			return Invalidm(f, "error.list.twice", strconv.Quote(c), field, j)
		}
		seen[c] = i
	}
	return nil
}

// CheckDimensions validates a breakdown: at most MaxDimensions entries,
// keys and values non-empty and short, keys unique. It returns the
// dimensions in canonical order (sorted by key).
func CheckDimensions(field string, dims []Dimension) ([]Dimension, error) {
	if len(dims) == 0 {
		return nil, nil
	}
	if len(dims) > MaxDimensions {
		return nil, Invalidm(field, "error.dimensions.max", len(dims), MaxDimensions)
	}
	out := make([]Dimension, len(dims))
	copy(out, dims)
	for i, d := range out {
		f := field + "[" + itoa(i) + "]"
		if err := checkIdent(f+".key", d.Key, maxDimensionText); err != nil {
			return nil, err
		}
		if err := checkText(f+".value", d.Value, maxDimensionText, true); err != nil {
			return nil, err
		}
	}
	// Insertion sort: tiny slices.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Key < out[j-1].Key; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	for i := 1; i < len(out); i++ {
		if out[i].Key == out[i-1].Key {
			return nil, Invalidm(field, "error.dimensions.twice", strconv.Quote(out[i].Key))
		}
	}
	return out, nil
}

// DimensionsKey returns the canonical text form of canonical (sorted)
// dimensions: "key=value;key=value", "" for none.
func DimensionsKey(dims []Dimension) string {
	if len(dims) == 0 {
		return ""
	}
	var b strings.Builder
	for i, d := range dims {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(d.Key)
		b.WriteByte('=')
		b.WriteString(d.Value)
	}
	return b.String()
}

// checkCountry validates an ISO 3166-1 alpha-2 country code (with the
// EU's EL for Greece and UK for the United Kingdom, and XK for Kosovo, as
// Eurostat uses them).
func checkCountry(field, s string) error {
	if s == "" {
		return Invalidm(field, "error.country.required")
	}
	if len(s) != 2 || !strings.Contains(isoCountries, " "+s+" ") {
		return Invalidm(field, "error.country.bad", strconv.Quote(s))
	}
	return nil
}

const isoCountries = " AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW EL UK XK "

func itoa(i int) string { return strconv.Itoa(i) }

func joinList(names []string) string {
	return strings.Join(names, ", ")
}

// gfmt writes a number as %g does.
func gfmt(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
