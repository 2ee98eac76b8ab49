package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// NormalizePeriod turns the spellings of a period that statistical
// offices publish into the canonical form of granularity g:
//
//	YEAR     1989, 1989.0, " 1989 "
//	QUARTER  2024-Q2, 2024Q2, 2024 Q2, 2024-q2
//	MONTH    2024-05, 2024M05, 2024M5, 2024-5, 2024/05, 202405
//	WEEK     2024-W21, 2024W21
//	DAY      2024-05-13
//
// It returns an error that says which form was expected.
func NormalizePeriod(g domain.Granularity, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	var canon string
	switch g {
	case domain.Year:
		canon = intText(s)
	case domain.Quarter:
		if len(s) >= 6 {
			y, rest := s[:4], strings.TrimLeft(s[4:], "-_ ")
			if len(rest) == 2 && (rest[0] == 'Q' || rest[0] == 'q') {
				canon = y + "-Q" + rest[1:]
			}
		}
	case domain.Month:
		switch {
		case len(s) == 6 && isDigits(s):
			canon = s[:4] + "-" + s[4:]
		case len(s) >= 6:
			y, rest := s[:4], s[4:]
			if rest[0] == 'M' || rest[0] == 'm' || rest[0] == '-' || rest[0] == '/' || rest[0] == '.' {
				rest = rest[1:]
			}
			if len(rest) == 1 {
				rest = "0" + rest
			}
			canon = y + "-" + rest
		}
	case domain.Week:
		if len(s) >= 7 {
			y, rest := s[:4], strings.TrimLeft(s[4:], "-")
			if len(rest) >= 2 && (rest[0] == 'W' || rest[0] == 'w') {
				w := rest[1:]
				if len(w) == 1 {
					w = "0" + w
				}
				canon = y + "-W" + w
			}
		}
	case domain.Day:
		canon = s
	default:
		return "", msgErr("domain.err.granularity.unknown", string(g))
	}
	if canon == "" {
		canon = s
	}
	p, err := domain.ParsePeriod(g, canon)
	if err != nil {
		return "", msgErr("importer.period.bad", strconv.Quote(raw), i18n.M("importer.granularity."+string(g)), i18n.M("importer.period.form."+string(g)))
	}
	return p.String(), nil
}

// intText turns "1989.0" or "17.00" into "1989" and "17"; anything else
// comes back trimmed and unchanged.
func intText(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" && isDigits(s[:i]) {
		return s[:i]
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// monthPeriod combines a year and a month number (both may be written as
// floats, 2002.0 and 1.0) into YYYY-MM.
func monthPeriod(year, month string) (string, error) {
	y, m := intText(year), intText(month)
	n, err := strconv.Atoi(m)
	if err != nil || n < 1 || n > 12 || !isDigits(y) || len(y) != 4 {
		return "", msgErr("importer.month.bad", strconv.Quote(year), strconv.Quote(month))
	}
	return fmt.Sprintf("%s-%02d", y, n), nil
}

// parseValue parses a cell as a finite number. Thousands separators are
// not guessed: "1,234" is an error.
func parseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, msgErr("importer.value.nan", strconv.Quote(s))
	}
	if v != v || v > 1.7e308 || v < -1.7e308 {
		return 0, msgErr("importer.value.infinite", strconv.Quote(s))
	}
	return v, nil
}

// msgError is an error of the importer with its message in the
// catalogue; Error is the English. cause, when set, is the error it
// wraps.
type msgError struct {
	m     i18n.Msg
	cause error
}

func msgErr(key string, args ...any) error { return msgError{m: i18n.M(key, args...)} }

// msgErrOf is msgErr for an error that wraps cause.
func msgErrOf(cause error, key string, args ...any) error {
	return msgError{m: i18n.M(key, args...), cause: cause}
}

func (e msgError) Error() string { return i18n.EN.Render(e.m) }

func (e msgError) Unwrap() error { return e.cause }

// errArg is an error as an argument of a message: its message of the
// catalogue when it has one (an importer error, or a domain error without
// a field), else its English text.
func errArg(err error) any {
	var me msgError
	if errors.As(err, &me) {
		return me.m
	}
	var de *domain.Error
	if errors.As(err, &de) && !de.Msg.IsZero() && err.Error() == de.Error() {
		if de.Field == "" {
			return de.Msg
		}
		return i18n.M("error.field", de.Field, de.Msg)
	}
	return err.Error()
}

// fileErr returns an error about a file or a mapping as a whole with the
// catalogue's message key and args: a *domain.Error (BAD_INPUT) without
// a field, whose English is what the importer has always written and
// which domain.MessageIn writes in the reader's language.
func fileErr(key string, args ...any) error {
	return domain.Errorm(domain.BadInput, "", key, args...)
}

// fileErrOf is fileErr for an error that wraps cause.
func fileErrOf(cause error, key string, args ...any) error {
	e := domain.Errorm(domain.BadInput, "", key, args...)
	e.Err = cause
	return e
}

// inFile returns err after the file's name ("file: err"), as a message
// of the catalogue when err has one.
func inFile(key, file string, err error) error {
	if m, ok := errArg(err).(i18n.Msg); ok {
		return fileErrOf(err, key, file, m)
	}
	if key == "importer.at" {
		return fmt.Errorf("%s: %w", file, err)
	}
	return fmt.Errorf("%s: mapping: %w", file, err)
}

// joinErrs joins errs as errors.Join does (one per line), as a message
// of the catalogue.
func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	m := errArg(errs[len(errs)-1])
	for i := len(errs) - 2; i >= 0; i-- {
		m = i18n.M("import.err.lines", errArg(errs[i]), m)
	}
	return fileErrOf(errors.Join(errs...), "import.err.lines", m.(i18n.Msg).Args...)
}
