package graphql

import (
	"context"
	"strconv"
	"strings"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
)

// EventLog is what the audit query reads: the whole log in position order
// (eventstore.Store has it).
type EventLog interface {
	ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error)
}

// Audit bounds.
const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
	// auditMaxScan bounds the events one audit request reads; past it the
	// answer ends with next, from where the caller continues.
	auditMaxScan = 1_000_000
	auditPage    = 2000
)

// auditEntry is one event as the audit shows it: who did what, when.
type auditEntry struct {
	Position      uint64
	Stream        string
	Version       uint64
	Type          string
	Action        string
	Principal     string
	Command       string
	CommandID     string
	CorrelationID string
	RecordedAt    time.Time
}

// auditPageOut is an audit answer.
type auditPageOut struct {
	Entries []auditEntry
	Next    string // "" at the end of the log
	Scanned int
}

// auditFilter selects audit entries; empty fields select everything.
type auditFilter struct {
	principal, eventType, stream string
	from, to                     time.Time // [from, to) of recorded-at
}

// action names what an event did to what it is about.
func action(eventType string) string {
	switch {
	case strings.HasSuffix(eventType, "Retracted"), strings.HasSuffix(eventType, "Repealed"):
		return "RETRACTED"
	case strings.HasSuffix(eventType, "Revised"), strings.HasSuffix(eventType, "Amended"),
		strings.HasSuffix(eventType, "ScopeChanged"), strings.HasSuffix(eventType, "Declassified"):
		return "REVISED"
	}
	return "RECORDED"
}

// addAuditField registers the ADMIN-only audit query (see roleRules).
func (s *Server) addAuditField(fields gql.Fields) {
	src := func(f func(auditEntry) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(auditEntry)), nil }
	}
	entry := gql.NewObject(gql.ObjectConfig{Name: "AuditEntry", Description: "One event of the log: who recorded, revised or retracted what, and when.",
		Fields: gql.Fields{
			"position":      &gql.Field{Type: nonNull(gql.String), Resolve: src(func(e auditEntry) any { return strconv.FormatUint(e.Position, 10) })},
			"stream":        &gql.Field{Type: nonNull(gql.String), Description: "What the event is about (region-, indicator-, operation-, policy-, cycle-{id}).", Resolve: src(func(e auditEntry) any { return e.Stream })},
			"version":       &gql.Field{Type: nonNull(gql.String), Resolve: src(func(e auditEntry) any { return strconv.FormatUint(e.Version, 10) })},
			"type":          &gql.Field{Type: nonNull(gql.String), Resolve: src(func(e auditEntry) any { return e.Type })},
			"action":        &gql.Field{Type: nonNull(gql.String), Description: "RECORDED, REVISED or RETRACTED.", Resolve: src(func(e auditEntry) any { return e.Action })},
			"principal":     &gql.Field{Type: nonNull(gql.String), Resolve: src(func(e auditEntry) any { return e.Principal })},
			"command":       &gql.Field{Type: gql.String, Resolve: src(func(e auditEntry) any { return nilIfEmpty(e.Command) })},
			"commandId":     &gql.Field{Type: gql.String, Resolve: src(func(e auditEntry) any { return nilIfEmpty(e.CommandID) })},
			"correlationId": &gql.Field{Type: gql.String, Resolve: src(func(e auditEntry) any { return nilIfEmpty(e.CorrelationID) })},
			"recordedAt":    &gql.Field{Type: nonNull(gql.String), Description: "RFC 3339, UTC.", Resolve: src(func(e auditEntry) any { return e.RecordedAt.UTC().Format(time.RFC3339Nano) })},
		}})
	page := gql.NewObject(gql.ObjectConfig{Name: "AuditPage", Fields: gql.Fields{
		"entries": &gql.Field{Type: listOf(entry), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(auditPageOut).Entries, nil }},
		"next": &gql.Field{Type: gql.String, Description: "Pass as after to continue; null at the end of the log.",
			Resolve: func(p gql.ResolveParams) (any, error) { return nilIfEmpty(p.Source.(auditPageOut).Next), nil }},
		"scanned": &gql.Field{Type: nonNull(gql.Int), Description: "Events read to answer.",
			Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(auditPageOut).Scanned, nil }},
	}})
	fields["audit"] = &gql.Field{Type: nonNull(page),
		Description: "ADMIN only: who recorded, revised or retracted what, and when, read from the log, oldest first. " +
			"from and to are dates (YYYY-MM-DD) or RFC 3339 times bounding recordedAt (to excluded).",
		Args: gql.FieldConfigArgument{
			"principal": {Type: gql.String}, "type": {Type: gql.String, Description: "An event type, e.g. ObservationRevised."},
			"stream": {Type: gql.String}, "from": {Type: gql.String}, "to": {Type: gql.String},
			"after": {Type: gql.String, Description: "Start after this log position."},
			"limit": {Type: gql.Int, Description: "At most this many entries (default 100, at most 1000)."},
		},
		Resolve: s.wrap(s.resolveAudit)}
}

// auditHides reports whether event ev is about something that does not
// exist for principal pr, and so is left out of its audit: an event of an
// operation above its clearance, of an analysis plan that does not exist
// for it (of such an operation, or naming one among its interruptions:
// evaluate.Evaluator.PlanVisible), or a finding about such an operation.
// One not yet in the read models may be hidden too: it is left out for
// whoever is not cleared for everything.
func (s *Server) auditHides(pr Principal, ev eventstore.RecordedEvent, meta domain.Metadata) bool {
	hiddenID := func(id string) bool {
		iv, known := s.cfg.Interventions.Get(id, 0)
		return known && !s.visible(pr, iv) || !known && !pr.Sees(domain.ClassificationConfidential)
	}
	if id, ok := strings.CutPrefix(ev.Stream, domain.OperationStream("")); ok {
		return hiddenID(id)
	}
	if id, ok := strings.CutPrefix(ev.Stream, domain.PlanStream("")); ok {
		pl, iv, known := s.cfg.Interventions.Plan(id, 0)
		if !known {
			return !pr.Sees(domain.ClassificationConfidential)
		}
		e := *s.eval
		e.Visible = s.visibleFilter(pr)
		return !s.visible(pr, iv) || !e.PlanVisible(pl, 0)
	}
	if ev.Type == domain.TypeFindingRecorded {
		e, err := domain.Decode(ev.Type, meta.SchemaVersion, ev.Data)
		if f, ok := e.(domain.FindingRecorded); err == nil && ok && f.Intervention != "" {
			return hiddenID(f.Intervention)
		}
	}
	return false
}

func parseAuditTime(field, raw string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		return d, nil
	}
	return time.Time{}, domain.Invalidm(field, "gql.err.audit.time", raw)
}

func (s *Server) resolveAudit(p gql.ResolveParams) (any, error) {
	if s.cfg.Log == nil {
		return nil, domain.Errorm(domain.NotFound, "", "gql.err.audit.nolog")
	}
	var f auditFilter
	f.principal, f.eventType, f.stream = argString(p.Args, "principal"), argString(p.Args, "type"), argString(p.Args, "stream")
	var err error
	if f.from, err = parseAuditTime("from", argString(p.Args, "from")); err != nil {
		return nil, err
	}
	if f.to, err = parseAuditTime("to", argString(p.Args, "to")); err != nil {
		return nil, err
	}
	limit := auditDefaultLimit
	if l, ok := p.Args["limit"].(int); ok {
		if l < 1 || l > auditMaxLimit {
			return nil, domain.Invalidm("limit", "gql.err.audit.limit", l, auditMaxLimit)
		}
		limit = l
	}
	var after eventstore.Position
	if raw := argString(p.Args, "after"); raw != "" {
		if after, err = eventstore.ParsePosition(raw); err != nil {
			return nil, badInput("after", err)
		}
	}
	return s.audit(p.Context, AccessFromContext(p.Context), f, after, limit)
}

// audit reads the log after position after and returns up to limit
// entries matching f that principal may know of (events about an operation
// above its clearance are left out, as the operation does not exist for it).
func (s *Server) audit(ctx context.Context, pr Principal, f auditFilter, after eventstore.Position, limit int) (auditPageOut, error) {
	out := auditPageOut{Entries: []auditEntry{}}
	// Read no more than the answer may need: limit events first (all of
	// them match when nothing filters), then twice as many each time, up
	// to auditPage. Events carry their payloads (a batch of observations
	// can be large), so reading 2,000 for 100 entries was most of the
	// page's time.
	size := limit
	for out.Scanned < auditMaxScan {
		evs, err := s.cfg.Log.ReadAll(ctx, after, size)
		size = min(2*size, auditPage)
		if err != nil {
			return auditPageOut{}, err
		}
		if len(evs) == 0 {
			return out, nil
		}
		for _, ev := range evs {
			out.Scanned++
			after = ev.Position
			if f.eventType != "" && ev.Type != f.eventType || f.stream != "" && ev.Stream != f.stream {
				continue
			}
			meta, err := domain.DecodeMetadata(ev.Metadata)
			if err != nil {
				return auditPageOut{}, domain.Errorf(domain.Internal, "", "event at %d: %v", ev.Position, err)
			}
			if f.principal != "" && meta.Principal != f.principal ||
				!f.from.IsZero() && meta.RecordedAt.Before(f.from) || !f.to.IsZero() && !meta.RecordedAt.Before(f.to) {
				continue
			}
			if s.auditHides(pr, ev, meta) {
				continue
			}
			out.Entries = append(out.Entries, auditEntry{Position: uint64(ev.Position), Stream: ev.Stream, Version: ev.Version,
				Type: ev.Type, Action: action(ev.Type), Principal: meta.Principal, Command: meta.Command, CommandID: meta.CommandID,
				CorrelationID: meta.CorrelationID, RecordedAt: meta.RecordedAt})
			if len(out.Entries) == limit {
				out.Next = strconv.FormatUint(uint64(ev.Position), 10)
				return out, nil
			}
		}
		if err := ctx.Err(); err != nil {
			return auditPageOut{}, err
		}
	}
	out.Next = strconv.FormatUint(uint64(after), 10)
	return out, nil
}
