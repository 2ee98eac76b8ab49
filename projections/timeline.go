package projections

import (
	"sort"

	"github.com/supplyeval/supplyeval/domain"
)

// Exposure roles: how a region is exposed to an intervention.
const (
	// RoleTarget: the intervention covers the region itself.
	RoleTarget = "TARGET"
	// RoleParent: the intervention covers a region above it in the
	// hierarchy (a country-wide policy for one of its provinces).
	RoleParent = "PARENT"
	// RoleNeighbour: the intervention covers a region linked to it.
	RoleNeighbour = "NEIGHBOUR"
)

// Span is a stretch of time [From, To) in YYYY-MM-DD; To is "" while the
// exposure has not ended.
type Span struct{ From, To string }

// Meets reports whether s overlaps [from, to] (YYYY-MM-DD, inclusive; ""
// unbounded), as TimelineQuery's From and To select.
func (s Span) Meets(from, to string) bool { return overlaps(s, from, to) }

// Exposure is one stretch of time during which a region was exposed to an
// intervention in one role. Via is the region actually covered (the
// region itself for a target, the ancestor for a parent, the neighbour
// for a neighbour; several neighbours are named once each, sorted).
type Exposure struct {
	Intervention Intervention
	Role         string
	Span
	Via []string
}

// Coverage returns, for intervention id as known at log position asOf (0:
// the latest), the stretches of time each region it ever covered was
// covered, derived from its events: an operation covers its launch
// regions from its start; a scope change adds and removes regions from
// its effective date (the date it was recorded if it names none); the
// conclusion ends every open stretch. A policy change covers its
// jurisdictions from its effective date; an amendment that moves the
// effective date moves the start of the stretches that began there; an
// amendment that replaces the jurisdictions does so from its own
// effective date, else from the date it was recorded, or from the
// policy's start if that is later (an amendment before the policy took
// effect redefines where it applies); a repeal ends every open stretch.
// Stretches that would end before they begin are dropped. The second
// result is false if the intervention did not exist at asOf.
func (v *Interventions) Coverage(id string, asOf uint64) (map[string][]Span, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	l, ok := v.byID[id]
	if !ok {
		return nil, false
	}
	cov := coverage(l.events, asOf)
	return cov, cov != nil
}

// coverage replays one intervention's events up to asOf into spans by
// region; nil if no event is at or before asOf.
func coverage(events []domain.Recorded, asOf uint64) map[string][]Span {
	var out map[string][]Span
	open := map[string]int{} // region -> index of its open span in out[region]
	start := ""
	begin := func(region, date string) {
		if _, on := open[region]; on {
			return
		}
		out[region] = append(out[region], Span{From: date})
		open[region] = len(out[region]) - 1
	}
	end := func(region, date string) {
		i, on := open[region]
		if !on {
			return
		}
		out[region][i].To = date
		delete(open, region)
	}
	endAll := func(date string) {
		for _, r := range sortedKeys(open) {
			end(r, date)
		}
	}
	for _, r := range events {
		if asOf != 0 && r.Position > asOf {
			break
		}
		if out == nil {
			out = map[string][]Span{}
		}
		recorded := r.Meta.RecordedAt.UTC().Format("2006-01-02")
		switch e := r.Event.(type) {
		case domain.OperationLaunched:
			start = e.Start
			for _, reg := range e.Regions {
				begin(reg, e.Start)
			}
		case domain.OperationScopeChanged:
			date := e.Effective
			if date == "" {
				date = maxDate(recorded, start)
			}
			for _, reg := range e.Removed {
				end(reg, date)
			}
			for _, reg := range e.Added {
				begin(reg, date)
			}
		case domain.OperationConcluded:
			endAll(e.End)
		case domain.PolicyChangeAdopted:
			start = e.Effective
			for _, reg := range e.Jurisdictions {
				begin(reg, e.Effective)
			}
		case domain.PolicyChangeAmended:
			if e.Effective != "" && e.Effective != start {
				for reg, i := range open {
					if out[reg][i].From == start {
						out[reg][i].From = e.Effective
					}
				}
				start = e.Effective
			}
			if len(e.Jurisdictions) > 0 {
				date := e.Effective
				if date == "" {
					date = maxDate(recorded, start)
				}
				keep := map[string]bool{}
				for _, reg := range e.Jurisdictions {
					keep[reg] = true
				}
				for _, reg := range sortedKeys(open) {
					if !keep[reg] {
						end(reg, date)
					}
				}
				for _, reg := range e.Jurisdictions {
					begin(reg, date)
				}
			}
		case domain.PolicyChangeRepealed:
			endAll(e.Effective)
		}
	}
	for reg, spans := range out {
		kept := spans[:0]
		for _, s := range spans {
			if s.To == "" || s.To > s.From {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			delete(out, reg)
		} else {
			out[reg] = kept
		}
	}
	return out
}

func maxDate(a, b string) string {
	if a > b {
		return a
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TimelineQuery asks for the exposures of one region.
type TimelineQuery struct {
	Region string
	// From and To (YYYY-MM-DD, inclusive; "" for unbounded) keep the
	// exposures that overlap [From, To].
	From, To string
	// AsOf is the log position to answer as of (0: the latest).
	AsOf uint64
	// Visible, if set, leaves out the interventions for which it is false
	// (those above the reader's clearance).
	Visible func(Intervention) bool
	// Memo, if set, shares each intervention's coverage and view between
	// the queries given the same Memo (the regions of one comparison pool,
	// at one AsOf): a report asks for dozens of regions' timelines.
	Memo *TimelineMemo
}

// TimelineMemo holds what Timeline computed for each intervention at one
// position, for the next query at that position. Make it with
// NewTimelineMemo; use it for one question (its answers are those of the
// read model when they were first computed), from one goroutine.
type TimelineMemo struct {
	asOf     uint64
	coverage map[string]map[string][]Span
	views    map[string]memoView
}

type memoView struct {
	iv     Intervention
	exists bool
}

// NewTimelineMemo returns an empty memo for queries as of asOf.
func NewTimelineMemo(asOf uint64) *TimelineMemo {
	return &TimelineMemo{asOf: asOf, coverage: map[string]map[string][]Span{}, views: map[string]memoView{}}
}

// maxDepth bounds the walk up the region hierarchy.
const maxDepth = 16

// Timeline returns every exposure of q.Region as known at q.AsOf: the
// interventions that cover it (TARGET), that cover a region above it in
// the catalogue's hierarchy (PARENT), and that cover a region linked to
// it (NEIGHBOUR), each with the stretches of time of [Coverage], the
// hierarchy and the links read from cat at the same position. Stretches
// of one intervention in one role that touch or overlap are merged.
// Sorted by start, then intervention, then role. The second result is
// false if the region was not defined at q.AsOf.
func (v *Interventions) Timeline(cat *Catalog, q TimelineQuery) ([]Exposure, bool) {
	region, ok := cat.RegionAt(q.Region, q.AsOf)
	if !ok {
		return nil, false
	}
	// The regions whose coverage matters, with the role it gives.
	type source struct{ region, role string }
	sources := []source{{region.Code, RoleTarget}}
	seen := map[string]bool{region.Code: true}
	for p, depth := region.Parent, 0; p != "" && !seen[p] && depth < maxDepth; depth++ {
		seen[p] = true
		sources = append(sources, source{p, RoleParent})
		up, ok := cat.RegionAt(p, q.AsOf)
		if !ok {
			break
		}
		p = up.Parent
	}
	for _, l := range region.Links {
		if l.Region != region.Code {
			sources = append(sources, source{l.Region, RoleNeighbour})
		}
	}

	v.mu.RLock()
	defer v.mu.RUnlock()
	type key struct{ id, role string }
	spans := map[key][]Span{}
	via := map[key]map[string]bool{}
	memo := q.Memo
	if memo == nil || memo.asOf != q.AsOf {
		memo = NewTimelineMemo(q.AsOf)
	}
	cache := memo.coverage
	for _, src := range sources {
		for _, id := range sortedKeys(v.byRegion[src.region]) {
			cov, done := cache[id]
			if !done {
				cov = coverage(v.byID[id].events, q.AsOf)
				cache[id] = cov
			}
			for _, s := range cov[src.region] {
				if !overlaps(s, q.From, q.To) {
					continue
				}
				k := key{id, src.role}
				spans[k] = append(spans[k], s)
				if via[k] == nil {
					via[k] = map[string]bool{}
				}
				via[k][src.region] = true
			}
		}
	}
	out := []Exposure{}
	for k, list := range spans {
		mv, done := memo.views[k.id]
		if !done {
			mv.iv, mv.exists = v.byID[k.id].view(q.AsOf)
			memo.views[k.id] = mv
		}
		if !mv.exists {
			continue
		}
		iv := mv.iv
		if q.Visible != nil && !q.Visible(iv) {
			continue
		}
		for _, s := range merge(list) {
			out = append(out, Exposure{Intervention: iv, Role: k.role, Span: s, Via: sortedKeys(via[k])})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Intervention.ID != b.Intervention.ID {
			return a.Intervention.ID < b.Intervention.ID
		}
		return roleRank(a.Role) < roleRank(b.Role)
	})
	return out, true
}

func roleRank(r string) int {
	switch r {
	case RoleTarget:
		return 0
	case RoleParent:
		return 1
	}
	return 2
}

// overlaps reports whether s meets [from, to] (inclusive; "" unbounded).
func overlaps(s Span, from, to string) bool {
	if to != "" && s.From > to {
		return false
	}
	if from != "" && s.To != "" && s.To <= from {
		return false
	}
	return true
}

// merge unions spans that overlap or touch, sorted by start.
func merge(list []Span) []Span {
	sort.Slice(list, func(i, j int) bool { return list[i].From < list[j].From })
	out := []Span{}
	for _, s := range list {
		n := len(out)
		if n > 0 && (out[n-1].To == "" || s.From <= out[n-1].To) {
			if out[n-1].To != "" && (s.To == "" || s.To > out[n-1].To) {
				out[n-1].To = s.To
			}
			continue
		}
		out = append(out, s)
	}
	return out
}
