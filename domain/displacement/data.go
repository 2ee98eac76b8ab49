package displacement

import (
	"strconv"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Source gives the observed value of one indicator in a region and period
// (the period as a string in the indicator's granularity, "2024-05"). The
// second result is false when nothing was observed. A Source shared between
// goroutines must be safe for concurrent reads.
type Source interface {
	Value(region, period string) (float64, bool)
}

// Table is a Source held in memory: region, then period, to value.
type Table map[string]map[string]float64

// Value implements [Source].
func (t Table) Value(region, period string) (float64, bool) {
	v, ok := t[region][period]
	return v, ok
}

// Window is a run of periods: the before or after window of an analysis.
type Window struct {
	// From and To label the window in explanations; empty means the first
	// and last of Periods.
	From, To string
	// Periods are the periods the window covers, each once.
	Periods []string
}

// NewWindow returns the window of every period of granularity g from from
// to to, inclusive ("2023-01" to "2023-12" is twelve months).
//
// It returns a *domain.Error (BAD_INPUT) naming "from" or "to" for a period
// not in g's format, or when to is before from.
func NewWindow(g domain.Granularity, from, to string) (Window, error) {
	p, err := domain.ParsePeriod(g, from)
	if err != nil {
		return Window{}, periodError("from", err)
	}
	q, err := domain.ParsePeriod(g, to)
	if err != nil {
		return Window{}, periodError("to", err)
	}
	if q.Index < p.Index {
		return Window{}, domain.Invalidm("to", "displacement.err.window.order", to, from)
	}
	w := Window{From: from, To: to, Periods: make([]string, 0, q.Index-p.Index+1)}
	for x := p; x.Index <= q.Index; x = x.Add(1) {
		w.Periods = append(w.Periods, x.String())
	}
	return w, nil
}

func (w Window) label() string {
	from, to := w.From, w.To
	if from == "" && len(w.Periods) > 0 {
		from = w.Periods[0]
	}
	if to == "" && len(w.Periods) > 0 {
		to = w.Periods[len(w.Periods)-1]
	}
	if from == to {
		return from
	}
	return from + " to " + to
}

// validateWindows checks that both windows have periods, none repeated,
// and that they share none.
func validateWindows(before, after Window) error {
	inBefore := make(map[string]bool, len(before.Periods))
	for _, w := range []struct {
		field string
		w     Window
	}{{"before", before}, {"after", after}} {
		if len(w.w.Periods) == 0 {
			return domain.Invalidm(w.field+".periods", "displacement.err.window.noperiod")
		}
		seen := make(map[string]int, len(w.w.Periods))
		for i, p := range w.w.Periods {
			f := w.field + ".periods[" + strconv.Itoa(i) + "]"
			if p == "" {
				return domain.Invalidm(f, "displacement.err.period.empty")
			}
			if j, dup := seen[p]; dup {
				return domain.Invalidm(f, "displacement.err.period.twice", p, j)
			}
			seen[p] = i
			if w.field == "before" {
				inBefore[p] = true
			} else if inBefore[p] {
				return domain.Invalidm(f, "displacement.err.period.both", p)
			}
		}
	}
	return nil
}

// regionValue is one region's value over a window: the sum (Count) or the
// mean (Level) of its observations. missing lists the periods without one.
func regionValue(src Source, region string, w Window, sc Scale) (v float64, missing []string, bad i18n.Msg) {
	value := src.Value
	if t, ok := src.(Table); ok {
		// Look the region up once rather than once per period.
		row := t[region]
		value = func(_, p string) (float64, bool) {
			x, ok := row[p]
			return x, ok
		}
	}
	sum := 0.0
	for _, p := range w.Periods {
		x, ok := value(region, p)
		if !ok {
			missing = append(missing, p)
			continue
		}
		if !finite(x) {
			return 0, nil, i18n.M("displacement.err.value.nonfinite", p)
		}
		if x < 0 {
			return 0, nil, i18n.M("displacement.err.value.negative", p, i18n.G(x, -1))
		}
		sum += x
	}
	if len(missing) > 0 {
		return 0, missing, i18n.Msg{}
	}
	if sc == Level {
		sum /= float64(len(w.Periods))
	}
	return sum, nil, i18n.Msg{}
}
