package evaluate

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/i18n"
)

// The arguments of this package's error messages (keys evaluate.err.*)
// that are words rather than codes: each writes, in English, exactly the
// text the message had before it came from the catalogue.

// asOfMsg is a log position as results report it: "latest" for 0.
func asOfMsg(asOf uint64) any {
	if asOf == 0 {
		return i18n.M("evaluate.err.latest")
	}
	return strconv.FormatUint(asOf, 10)
}

// rangeMsg is the range of periods asked for, in words: " between A and B", " from A",
// " up to B", or "" for an open range.
func rangeMsg(from, to string) any {
	switch {
	case from != "" && to != "":
		return i18n.M("evaluate.err.range.between", from, to)
	case from != "":
		return i18n.M("evaluate.err.range.from", from)
	case to != "":
		return i18n.M("evaluate.err.range.upto", to)
	}
	return ""
}

// roleWord names a displacement role in a sentence ("control"), as the
// English error messages always have.
func roleWord(r displacement.Role) codeWord {
	return codeWord{en: strings.ToLower(string(r)), code: string(r), enums: []string{"evaluate.err.role"}}
}

// granularityWord names a granularity as an adjective ("year" in
// English, as it has always been written; "annuelle" in French).
func granularityWord(g domain.Granularity) codeWord {
	return codeWord{en: strings.ToLower(string(g)), code: string(g), enums: []string{"importer.granularity"}}
}

// andList joins codes with " and " (" et ").
func andList(codes []string) i18n.List {
	l := i18n.Strings(codes)
	l.Sep = "evaluate.err.and"
	return l
}

// errMsg is err's message as a message of the catalogue, preceded by its
// field when withField is set ("field: message"). An error without
// a catalogue message gives its English text in every language.
func errMsg(err error, withField bool) i18n.Msg {
	var de *domain.Error
	if !errors.As(err, &de) {
		return i18n.M("evaluate.err.text", err.Error())
	}
	m := de.Msg
	if m.IsZero() || i18n.EN.Render(m) != de.Message {
		m = i18n.M("evaluate.err.text", de.Message)
	}
	if withField && de.Field != "" {
		return i18n.M("evaluate.err.field", de.Field, m)
	}
	return m
}

// reasonList is a list of "indicator: reason" joined by "; ", for an
// error that says why nothing could be done.
func reasonList(sk []Skipped) i18n.List {
	items := make([]any, len(sk))
	for i, s := range sk {
		items[i] = i18n.M("evaluate.err.field", s.Indicator, s.reason())
	}
	return i18n.List{Items: items, Sep: "evaluate.err.sep"}
}

// rewrap returns a method's error (from domain/impact) as a BAD_INPUT
// error on field, keeping its message and, when it has one, its message
// of the catalogue.
func rewrap(field string, de *domain.Error, english string) *domain.Error {
	return &domain.Error{Code: domain.BadInput, Field: field, Message: english, Msg: de.Msg}
}

// The errors of domain.ParsePeriod and domain.ParseDate, which carry no
// message of the catalogue: read back so that they can be written in the
// reader's language.
var (
	badPeriod = regexp.MustCompile(`^("(?:[^"\\]|\\.)*") is not a ([A-Z]+) period \(expected (.+)\)$`)
	badDate   = regexp.MustCompile(`^("(?:[^"\\]|\\.)*") is not a date in the form YYYY-MM-DD$`)
	badYears  = regexp.MustCompile(`^("(?:[^"\\]|\\.)*") is outside the years (\d+)-(\d+)$`)
	formRange = regexp.MustCompile(`(\w+) in (\d+)-(\d+)(?: for (\d{4}))?`)
)

// expectedForm is the expected form of a period in an error ("YYYY-MM,
// MM in 01-12"); French writes the ranges in words.
type expectedForm string

// Localize writes f in l.
func (f expectedForm) Localize(l i18n.Lang) string {
	if l == i18n.EN {
		return string(f)
	}
	return formRange.ReplaceAllStringFunc(string(f), func(s string) string {
		m := formRange.FindStringSubmatch(s)
		out := l.T("evaluate.err.form.range", m[1], m[2], m[3])
		if m[4] != "" {
			out = l.T("evaluate.err.form.range.year", m[1], m[2], m[3], m[4])
		}
		return out
	})
}

// parseError is a BAD_INPUT error on field for an error of
// domain.ParsePeriod or domain.ParseDate, with the same English text: the
// parser's own message of the catalogue when it has one, else one read
// back from its text.
func parseError(field string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) && !de.Msg.IsZero() {
		return rewrap(field, de, de.Message)
	}
	s := err.Error()
	if m := badPeriod.FindStringSubmatch(s); m != nil {
		g := domain.Granularity(m[2])
		return domain.Invalidm(field, "evaluate.err.period.bad", m[1], codeWord{en: m[2], code: string(g), enums: []string{"importer.granularity"}}, expectedForm(m[3]))
	}
	if m := badDate.FindStringSubmatch(s); m != nil {
		return domain.Invalidm(field, "evaluate.err.date.bad", m[1])
	}
	if m := badYears.FindStringSubmatch(s); m != nil {
		lo, _ := strconv.Atoi(m[2])
		hi, _ := strconv.Atoi(m[3])
		return domain.Invalidm(field, "evaluate.err.date.years", m[1], lo, hi)
	}
	// Allowed: any other error of the parsers keeps its own text.
	return domain.Invalid(field, "%s", err)
}
