package report

import (
	"math"

	"github.com/supplyeval/supplyeval/domain/impact"
)

// TrendsNote is the sensitivity of a difference-in-differences or
// staggered estimate to violations of parallel trends (relative
// magnitudes, Rambachan & Roth 2023), for the sentence beside it.
type TrendsNote struct {
	// Breakdown is the largest Mbar at which the 95% confidence set
	// excludes zero: 0 when the effect is not significant at Mbar 0; nil
	// when it stays significant at every Mbar (Robust).
	Breakdown *Num `json:"breakdown,omitempty"`
	Robust    bool `json:"robust,omitempty"`
}

// trendsNote is the note of s; nil for none.
func trendsNote(s *impact.Sensitivity) *TrendsNote {
	if s == nil {
		return nil
	}
	return &TrendsNote{Breakdown: num(s.Breakdown), Robust: math.IsInf(s.Breakdown, 1)}
}

// trendsText is the note's sentence in w's language; "" for none.
func (w words) trendsText(n *TrendsNote) string {
	if n == nil {
		return ""
	}
	b := math.Inf(1)
	if !n.Robust && n.Breakdown != nil {
		b = float64(*n.Breakdown)
	}
	return (&impact.Sensitivity{Breakdown: b}).SentenceIn(w.Lang)
}

// namedTrends is an estimate's name and its note.
type namedTrends struct {
	Name string
	Note *TrendsNote
}

// writeTrendsMD writes, as a list, the sentence of each estimate that has
// one.
func writeTrendsMD(w func(string, ...any), t words, notes []namedTrends) {
	first := true
	for _, n := range notes {
		s := t.trendsText(n.Note)
		if s == "" {
			continue
		}
		if first {
			w("\n")
			first = false
		}
		w("- **%s** (%s): %s\n", mdText(n.Name), mdText(t.T("sensitivity.rm.label")), mdText(s))
	}
}

// htmlTrends writes the same as paragraphs.
func htmlTrends(w func(string, ...any), t words, notes []namedTrends) {
	for _, n := range notes {
		if s := t.trendsText(n.Note); s != "" {
			w("<p class=\"note\"><b>%s</b> (%s): %s</p>\n", esc(n.Name), esc(t.T("sensitivity.rm.label")), esc(s))
		}
	}
}

func impactTrends(ims []ImpactRow) []namedTrends {
	out := make([]namedTrends, len(ims))
	for i, im := range ims {
		out[i] = namedTrends{im.Name, im.Trends}
	}
	return out
}

func staggeredTrends(rows []StaggeredRow) []namedTrends {
	out := make([]namedTrends, len(rows))
	for i, s := range rows {
		out[i] = namedTrends{s.Name, s.Trends}
	}
	return out
}
