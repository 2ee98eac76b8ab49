package evaluate

import (
	"slices"
	"strings"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// operationFamilies are the indicator families an operation is taken to be
// expected to affect: operations record no expected effects, and
// law-enforcement operations act on supply, on violence and on where
// activity goes.
var operationFamilies = map[domain.Family]bool{
	domain.FamilyAvailability: true, domain.FamilyViolence: true, domain.FamilyDisplacement: true,
}

// expectedToAffect reports whether iv is expected to affect indicators of
// family f: a policy change whose expected effects name f, or an
// operation for the families of operationFamilies.
func expectedToAffect(iv *projections.Intervention, f domain.Family) bool {
	if iv.Policy != nil {
		for _, e := range iv.Policy.ExpectedEffects {
			if e.Family == f {
				return true
			}
		}
		return false
	}
	return operationFamilies[f]
}

// exposure is why one comparison region is exposed.
type exposure struct {
	region string
	why    []string
	ids    []string
}

// exposedRegions returns, for each region of regions, the other
// interventions (not in self) expected to affect family that cover it, a
// region above it or a neighbour at some time in the window of periods
// [first, last], as known at pos, among those e.Visible lets through.
func (e *Evaluator) exposedRegions(regions []string, self map[string]bool, family domain.Family, first, last domain.Period, pos uint64) []exposure {
	from := first.Start().Format("2006-01-02")
	to := last.Add(1).Start().Add(-24 * time.Hour).Format("2006-01-02")
	var out []exposure
	memo := projections.NewTimelineMemo(pos) // the pool's regions share their interventions
	for _, r := range regions {
		ids := map[string][]string{} // words for the role -> intervention IDs
		e.eachExposure(r, from, to, pos, memo, func(x *projections.Exposure) {
			if self[x.Intervention.ID] || !expectedToAffect(&x.Intervention, family) {
				return
			}
			k := roleWords(x.Role)
			if !slices.Contains(ids[k], x.Intervention.ID) {
				ids[k] = append(ids[k], x.Intervention.ID)
			}
		})
		var why, all []string
		for _, k := range []string{"covered by", "under a region covered by", "next to a region covered by"} {
			if len(ids[k]) > 0 {
				why = append(why, k+" "+strings.Join(ids[k], ", "))
				all = append(all, ids[k]...)
			}
		}
		if len(why) > 0 {
			out = append(out, exposure{region: r, why: why, ids: all})
		}
	}
	return out
}

func roleWords(role string) string {
	switch role {
	case projections.RoleTarget:
		return "covered by"
	case projections.RoleParent:
		return "under a region covered by"
	}
	return "next to a region covered by"
}

// exposureMsg names the regions, then the interventions they are
// exposed to (each region's detail is in the timeline query).
func exposureMsg(list []exposure) i18n.Msg {
	regions := make([]string, len(list))
	var ids []string
	for i, x := range list {
		regions[i] = x.region
		for _, id := range x.ids {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return i18n.M("evaluate.exposure", i18n.Strings(regions), i18n.Strings(ids))
}

// excludeExposed leaves out of a default comparison pool the regions
// exposed, within the estimate's periods, to another intervention
// expected to affect the indicator's family (or next to one), and names
// them with why; for a comparison given explicitly it keeps them and
// warns.
func (e *Evaluator) excludeExposed(w *impactWork) {
	if len(w.comparison) == 0 || len(w.axis) == 0 {
		return
	}
	exposed := e.exposedRegions(w.comparison, map[string]bool{w.iv.ID: true}, w.ind.Family, w.axis[0], w.axis[len(w.axis)-1], w.pos)
	if len(exposed) == 0 {
		return
	}
	span := i18n.M("impact.span", w.labels[0], w.labels[len(w.labels)-1])
	if !w.defaultPool {
		w.notes = append(w.notes, i18n.M("evaluate.exposed.comparison.kept", span, familyWord(w.ind.Family), exposureMsg(exposed)))
		return
	}
	gone := map[string]bool{}
	for _, x := range exposed {
		gone[x.region] = true
	}
	kept := w.comparison[:0:0]
	for _, c := range w.comparison {
		if !gone[c] {
			kept = append(kept, c)
		}
	}
	w.comparison = kept
	w.notes = append(w.notes, i18n.M("evaluate.exposed.comparison.out", span, familyWord(w.ind.Family), exposureMsg(exposed)))
}

// excludeExposedControls leaves out of a default control (and so of the
// buffer's default control) the regions exposed, between the start of the
// before window and the end of the after window, to another intervention
// expected to affect the indicator's family (or next to one), and names
// them in the explanation; for controls given explicitly it keeps them and
// warns. Every default control exposed is a BadInput error naming
// "control".
func (a *analysis) excludeExposedControls(req DisplacementRequest, p *prepared) error {
	g := p.ind.Granularity
	first := domain.Period{G: g, Index: mustIndex(g, p.before.Periods[0])}
	last := domain.Period{G: g, Index: mustIndex(g, p.after.Periods[len(p.after.Periods)-1])}
	span := i18n.M("impact.span", first.String(), last.String())
	self := map[string]bool{a.iv.ID: true}
	fam := familyWord(p.ind.Family)
	if req.BufferControl != nil {
		if ex := a.e.exposedRegions(p.areas.BufferControl, self, p.ind.Family, first, last, a.asOf); len(ex) > 0 {
			p.notes = append(p.notes, i18n.M("evaluate.exposed.buffercontrol.kept", span, fam, exposureMsg(ex)))
		}
	}
	ex := a.e.exposedRegions(p.areas.Control, self, p.ind.Family, first, last, a.asOf)
	if len(ex) == 0 {
		return nil
	}
	if req.Control != nil {
		p.notes = append(p.notes, i18n.M("evaluate.exposed.control.kept", span, fam, exposureMsg(ex)))
		return nil
	}
	gone := map[string]bool{}
	for _, x := range ex {
		gone[x.region] = true
	}
	kept := slices.DeleteFunc(slices.Clone(p.areas.Control), func(c string) bool { return gone[c] })
	if len(kept) == 0 {
		return domain.Invalidm("control", "evaluate.err.control.exposed", span, fam, exposureMsg(ex))
	}
	p.areas.Control = kept
	p.notes = append(p.notes, i18n.M("evaluate.exposed.control.out", span, fam, exposureMsg(ex)))
	return nil
}
