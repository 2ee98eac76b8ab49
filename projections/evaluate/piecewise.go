package evaluate

import (
	"slices"
	"strconv"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// Room a piecewise interruption needs on the periods used: periods before
// the first, from each on, and between two (with slope changes, two).
const (
	interruptMinPre  = 3
	interruptMinPost = 3
)

// interruptions returns the interventions of a piecewise interrupted time
// series, the queried one first, or nil for a single interruption. Only
// method ITS asked for by name fits several (AUTO does not). Given
// explicitly (q.ITS.Interruptions), each must be a known intervention
// other than the queried one, taking effect inside the periods used with
// room on both sides (else BadInput or NotFound naming
// its.interruptions[i]). By default they are the interventions expected
// to affect the indicator's family that cover a target region or a region
// above it (the timeline's TARGET and PARENT roles) and take effect, for
// that region, inside the periods used; those too near the ends of the
// series or another interruption to be told apart are left out. Either
// way the explanation names them.
func (e *Evaluator) interruptions(w *impactWork) ([]impact.Interruption, error) {
	given := w.q.ITS.Interruptions
	if w.method != impact.MethodITS {
		return nil, nil
	}
	n := len(w.axis)
	list := []impact.Interruption{{ID: w.iv.ID, Start: w.start}}
	gap := 1
	if w.q.ITS.SlopeChange {
		gap = 2
	}
	// clash names the interruption of list too close to start, if any.
	clash := func(start int) string {
		for _, x := range list {
			if d := start - x.Start; d > -gap && d < gap {
				return x.ID
			}
		}
		return ""
	}
	if given != nil {
		for i, id := range given {
			field := "its.interruptions[" + strconv.Itoa(i) + "]"
			iv, err := e.Intervention(field, id, w.pos)
			if err != nil {
				return nil, err
			}
			if id == w.iv.ID || slices.ContainsFunc(list[1:], func(x impact.Interruption) bool { return x.ID == id }) {
				return nil, domain.Invalidm(field, "evaluate.err.piecewise.twice", id)
			}
			start := w.periodIndex(domain.FirstPeriodFrom(w.ind.Granularity, iv.Date))
			if start < interruptMinPre || start > n-interruptMinPost {
				return nil, domain.Invalidm(field, "evaluate.err.piecewise.edge",
					id, domain.FirstPeriodFrom(w.ind.Granularity, iv.Date), interruptMinPre, w.labels[0], w.labels[n-1])
			}
			if c := clash(start); c != "" {
				return nil, domain.Invalidm(field, "evaluate.err.piecewise.close", id, w.labels[start], c)
			}
			list = append(list, impact.Interruption{ID: id, Start: start})
		}
		if len(list) > 1 {
			w.notes = append(w.notes, i18n.M("evaluate.piecewise.asked", interruptionList(list[1:], w.labels)))
		}
		return list, nil
	}
	from := w.axis[0].Start().Format("2006-01-02")
	to := w.axis[n-1].Add(1).Start().Add(-24 * time.Hour).Format("2006-01-02")
	var skipped []any
	for _, r := range w.targets {
		tl, _ := e.Interventions.Timeline(e.Catalog, projections.TimelineQuery{Region: r, From: from, To: to, AsOf: w.pos, Visible: e.Visible})
		for _, x := range tl {
			id := x.Intervention.ID
			if id == w.iv.ID || (x.Role != projections.RoleTarget && x.Role != projections.RoleParent) || !expectedToAffect(&x.Intervention, w.ind.Family) ||
				slices.ContainsFunc(list, func(y impact.Interruption) bool { return y.ID == id }) || slices.ContainsFunc(skipped, func(s any) bool { return s.(i18n.Msg).Args[0] == id }) {
				continue
			}
			d, err := domain.ParseDate(x.From)
			if err != nil || x.From < from {
				continue // exposed since before the window: part of the baseline
			}
			p := domain.FirstPeriodFrom(w.ind.Granularity, d)
			start := w.periodIndex(p)
			if start >= n {
				continue
			}
			if start < interruptMinPre || start > n-interruptMinPost || clash(start) != "" {
				skipped = append(skipped, i18n.M("evaluate.piecewise.skipped.one", id, p.String()))
				continue
			}
			list = append(list, impact.Interruption{ID: id, Start: start})
		}
	}
	if len(list) > 1 {
		w.notes = append(w.notes, i18n.M("evaluate.piecewise.others", familyWord(w.ind.Family), interruptionList(list[1:], w.labels)))
	}
	if len(skipped) > 0 {
		w.notes = append(w.notes, i18n.M("evaluate.piecewise.skipped", i18n.List{Items: skipped}))
	}
	return list, nil
}

// periodIndex returns the index in w.axis of the first period at or after
// p (len(w.axis) if none).
func (w *impactWork) periodIndex(p domain.Period) int {
	for j, a := range w.axis {
		if a.Index >= p.Index {
			return j
		}
	}
	return len(w.axis)
}

func interruptionList(list []impact.Interruption, labels []string) i18n.List {
	parts := make([]any, len(list))
	for i, x := range list {
		parts[i] = i18n.M("evaluate.piecewise.from", x.ID, labels[x.Start])
	}
	return i18n.List{Items: parts}
}
