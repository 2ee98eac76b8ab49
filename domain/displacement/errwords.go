package displacement

import (
	"errors"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// The arguments of this package's error messages (keys
// displacement.err.*, i18n/messages_displacement_errors.go) that are
// words or numbers: each writes, in English, exactly the text the error
// had before it came from the catalogue.

// errRole names a role in a sentence ("buffer-control").
func errRole(r Role) i18n.Msg { return i18n.M("displacement.err.role." + string(r)) }

// errPeriods names up to five periods, then how many more ("2024-01,
// ..., 2024-05 and 3 more").
type errPeriods []string

// Localize writes the periods in l.
func (ps errPeriods) Localize(l i18n.Lang) string {
	if len(ps) <= 5 {
		return strings.Join(ps, ", ")
	}
	more := len(ps) - 5
	return strings.Join(ps[:5], ", ") + " " + l.Render(i18n.M(l.Plural("displacement.err.periods.more", more), i18n.Int(more)))
}

// missingMsg says which periods of each window a region lacks ("2024-01,
// 2024-02 (before) and 2024-07 (after)"): the reason a derived region
// was left out (Dropped.ReasonMsg) and the error about a region an
// analyst named; missing holds at least one period.
func missingMsg(missing [2][]string) i18n.Msg {
	var parts []any
	if len(missing[0]) > 0 {
		parts = append(parts, i18n.M("displacement.err.missing.before", errPeriods(missing[0])))
	}
	if len(missing[1]) > 0 {
		parts = append(parts, i18n.M("displacement.err.missing.after", errPeriods(missing[1])))
	}
	if len(parts) == 2 {
		return i18n.M("displacement.err.missing.both", parts...)
	}
	return parts[0].(i18n.Msg)
}

// errSearch says in words which neighbours a search looks for ("within 2
// links of kind LAND_BORDER or SEA_ROUTE, at the targets' level").
func errSearch(opts AreaOptions) i18n.Msg {
	hops := opts.Buffer.Hops
	if hops == 0 {
		hops = 1
	}
	within := i18n.M("displacement.err.search.hops.other", hops)
	if hops == 1 {
		within = i18n.M("displacement.err.search.hops.one", hops)
	}
	var kinds, domestic, level any = "", "", ""
	if len(opts.Buffer.Kinds) > 0 {
		ks := make([]string, len(opts.Buffer.Kinds))
		for i, k := range opts.Buffer.Kinds {
			ks[i] = string(k)
		}
		l := i18n.Strings(ks)
		l.Sep = "displacement.err.search.or"
		kinds = i18n.M("displacement.err.search.kinds", l)
	}
	if opts.Buffer.DomesticOnly {
		domestic = i18n.M("displacement.err.search.domestic")
	}
	if !opts.BufferAnyLevel {
		level = i18n.M("displacement.err.search.level")
	}
	return i18n.M("displacement.err.search", within, kinds, domestic, level)
}

// periodError is the error of [domain.ParsePeriod] about field: its own
// message, on field, when it is a message of the catalogue.
func periodError(field string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) && !de.Msg.IsZero() {
		return &domain.Error{Code: domain.BadInput, Field: field, Message: de.Message, Msg: de.Msg}
	}
	// Allowed: a parser error without a message of the catalogue keeps
	// the parser's own text.
	return domain.Invalid(field, "%s", err)
}
