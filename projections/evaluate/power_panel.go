package evaluate

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// PowerNote is one sentence of a power analysis's explanation, as a
// message of the catalogue (i18n/messages_power.go) with its arguments.
type PowerNote struct {
	Key  string
	Args []any
}

// ExplanationIn is the explanation in language l: the notes on the
// comparison regions and AUTO's choice in l, then the simulation's own
// words.
func (est *PowerEstimate) ExplanationIn(l i18n.Lang) string {
	var b strings.Builder
	for _, n := range est.Notes {
		b.WriteString(l.Render(i18n.M(n.Key, n.Args...)))
		b.WriteByte(' ')
	}
	if est.Choice != "" {
		b.WriteString(l.T("power.auto", est.ChoiceWhy.InOr(l, est.Choice)))
		b.WriteByte(' ')
	}
	b.WriteString(est.PowerResult.ExplanationMsgs.In(l))
	return b.String()
}

// powerComparison resolves the comparison regions of a power analysis by
// DID or SYNTHETIC_CONTROL as the impact query does (impact.go's
// resolveComparison, excludeExposed and dropEmptyComparison): the default
// pool or the regions given, then, over the history and the horizon, the
// default pool's regions exposed to another intervention expected to
// affect the indicator's family left out (given ones kept with a
// warning), and those without data (for a synthetic control, without
// every period) left out of the default pool or refused when given.
type powerComparison struct {
	e        *Evaluator
	ind      projections.Indicator
	pos      uint64
	explicit bool
	self     map[string]bool
	pool     []string // candidates, expanded to regions with data
	used     []string
	notes    []PowerNote
}

// powerComparison resolves the candidate comparison regions.
func (e *Evaluator) powerComparison(q PowerQuery, ind projections.Indicator, targets []string, pos uint64) (*powerComparison, error) {
	pc := &powerComparison{e: e, ind: ind, pos: pos, explicit: q.Comparison != nil, self: map[string]bool{}}
	covered := targets
	if q.launch != nil {
		pc.self[q.launch.ID] = true
		covered = append(append([]string(nil), targets...), e.ExpandWithData(ind.Code, q.launch.Regions, pos)...)
	}
	if !pc.explicit {
		pc.pool = e.ComparisonPool(ind.Code, targets, covered, pos)
		return pc, nil
	}
	var err error
	if pc.pool, err = e.expandArg("comparison", ind.Code, q.Comparison, pos); err != nil {
		return nil, err
	}
	tset, cset := setOf(targets), setOf(covered)
	for i, c := range q.Comparison {
		for _, x := range e.ExpandWithData(ind.Code, []string{c}, pos) {
			switch {
			case tset[x]:
				return nil, domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.err.comparison.target", x)
			case cset[x]:
				return nil, domain.Invalidm("comparison["+strconv.Itoa(i)+"]", "evaluate.err.comparison.covered", x, q.launch.ID)
			}
		}
	}
	return pc, nil
}

// regions are the candidates (nil for none).
func (pc *powerComparison) regions() []string {
	if pc == nil {
		return nil
	}
	return pc.pool
}

// settle returns the comparison regions usable over the history's
// periods lo..hi of panel p and the horizon from t0, with the notes
// saying which were left out and why; complete asks for every period (a
// synthetic control).
func (pc *powerComparison) settle(p Panel, lo, hi int, t0 domain.Period, horizon int, complete bool) ([]string, []PowerNote, error) {
	var notes []PowerNote
	first, last := p.Periods[lo], t0.Add(horizon-1)
	span := func() []any { return []any{p.Periods[lo].String(), p.Periods[hi].String()} }
	family := familyWord(pc.ind.Family)
	cand := pc.pool
	if ex := pc.e.exposedRegions(cand, pc.self, pc.ind.Family, first, last, pc.pos); len(ex) > 0 {
		if pc.explicit {
			notes = append(notes, PowerNote{Key: "power.pool.exposed.warn", Args: []any{first.String(), last.String(), family, exposureMsg(ex)}})
		} else {
			gone := map[string]bool{}
			for _, x := range ex {
				gone[x.region] = true
			}
			var kept []string
			for _, c := range cand {
				if !gone[c] {
					kept = append(kept, c)
				}
			}
			cand = kept
			notes = append(notes, PowerNote{Key: "power.pool.exposed", Args: []any{first.String(), last.String(), family, exposureMsg(ex)}})
		}
	}
	var used, empty, partial []string
	for _, c := range cand {
		row := p.Values[c][lo : hi+1]
		n := 0
		for _, v := range row {
			if !math.IsNaN(v) {
				n++
			}
		}
		switch {
		case n == 0:
			if pc.explicit {
				return nil, nil, domain.Invalidm("comparison", "evaluate.err.comparison.nodata", c, pc.ind.Code, p.Periods[lo], p.Periods[hi])
			}
			empty = append(empty, c)
		case complete && n < len(row):
			if pc.explicit {
				return nil, nil, domain.Invalidm("comparison", "evaluate.err.comparison.incomplete", c, len(row)-n, len(row), pc.ind.Code, p.Periods[lo], p.Periods[hi])
			}
			partial = append(partial, c)
		default:
			used = append(used, c)
		}
	}
	if len(empty) > 0 {
		notes = append(notes, PowerNote{Key: "power.pool.nodata", Args: append([]any{pc.ind.Code}, append(span(), listText(empty))...)})
	}
	if len(partial) > 0 {
		notes = append(notes, PowerNote{Key: "power.pool.incomplete", Args: append([]any{pc.ind.Code}, append(span(), listText(partial))...)})
	}
	return used, notes, nil
}

// choose applies AUTO's policy (impact.Choose) to the history, the
// horizon and the comparison regions with data, and sets the interrupted
// time series' model and errors as the impact query's AUTO runs it.
func (pc *powerComparison) choose(in *impact.PowerInput, p Panel, lo, hi int, targets []string, horizon int, counts bool, t0 domain.Period) (impact.Method, impact.Choice, error) {
	used, _, err := pc.settle(p, lo, hi, t0, horizon, false)
	if err != nil {
		return "", impact.Choice{}, err
	}
	n := hi - lo + 1
	c, err := impact.Choose(impact.Availability{Periods: n + horizon, Start: n, TreatedUnits: len(targets), ComparisonUnits: len(used), Counts: counts})
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return "", impact.Choice{}, rewrap("method", de, de.Message)
		}
		return "", impact.Choice{}, err
	}
	if c.Method == impact.MethodITS {
		in.Model = c.Model
		if c.Model == impact.Gaussian {
			in.Errors = impact.AR1
		}
	}
	return c.Method, c, nil
}

// fill sets the treated and comparison histories of a DID or
// SYNTHETIC_CONTROL power analysis.
func (pc *powerComparison) fill(in *impact.PowerInput, p Panel, lo, hi int, targets []string, t0 domain.Period, horizon int) error {
	synth := in.Method == impact.MethodSyntheticControl
	if synth && len(targets) != 1 {
		return domain.Invalidm("regions", "evaluate.err.synth.onetarget",
			len(targets), strings.Join(targets, ", "))
	}
	used, notes, err := pc.settle(p, lo, hi, t0, horizon, synth)
	if err != nil {
		return err
	}
	if len(used) == 0 {
		return domain.Invalidm("comparison", "evaluate.err.comparison.none", pc.ind.Code, p.Periods[lo], p.Periods[hi])
	}
	pc.used, pc.notes = used, notes
	labels := in.Series.Periods
	for _, c := range used {
		in.Comparison = append(in.Comparison, impact.Series{Unit: c, Periods: labels, Values: p.Values[c][lo : hi+1]})
	}
	if in.Method == impact.MethodDiD {
		for _, t := range targets {
			in.Treated = append(in.Treated, impact.Series{Unit: t, Periods: labels, Values: p.Values[t][lo : hi+1]})
		}
	}
	return nil
}
