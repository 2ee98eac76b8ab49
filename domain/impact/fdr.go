package impact

import (
	"math"
	"sort"

	"github.com/supplyeval/supplyeval/i18n"
)

// FDR is the result of [BenjaminiHochberg].
type FDR struct {
	// Adjusted are the Benjamini-Hochberg adjusted p-values (q-values), in
	// the order of the input: the smallest false discovery rate at which each
	// test would be a discovery.
	Adjusted []float64
	// Discoveries marks the tests rejected at the requested rate.
	Discoveries []bool
	// Count is the number of discoveries.
	Count int
	// Threshold is the largest raw p-value among the discoveries (0 when
	// there are none).
	Threshold float64
}

// BenjaminiHochberg controls the false discovery rate at level q over a scan
// of many tests (for example one p-value per indicator and region), by the
// step-up procedure of Benjamini & Hochberg (1995): with the m p-values
// sorted, p(1) <= ... <= p(m), reject the i smallest for the largest i with
// p(i) <= i q / m. The adjusted p-values are min over j >= i of m p(j) / j,
// capped at 1 (as R's p.adjust(method = "BH")); test i is a discovery when
// its adjusted p-value is at most q. The procedure assumes independent or
// positively dependent tests.
//
// It returns a BadInput error when q is not in (0, 1) or a p-value is not in
// [0, 1]. An empty scan gives an empty result. It is safe for concurrent use.
func BenjaminiHochberg(p []float64, q float64) (FDR, error) {
	if !(q > 0 && q < 1) {
		return FDR{}, badInputm("q", "impact.err.fdr.q", i18n.G(q, -1))
	}
	m := len(p)
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return FDR{}, badInputm("p", "impact.err.fdr.p", i, i18n.G(v, -1))
		}
	}
	out := FDR{Adjusted: make([]float64, m), Discoveries: make([]bool, m)}
	if m == 0 {
		return out, nil
	}
	out.Adjusted = AdjustBH(p)
	for i, a := range out.Adjusted {
		if a <= q {
			out.Discoveries[i] = true
			out.Count++
			out.Threshold = math.Max(out.Threshold, p[i])
		}
	}
	return out, nil
}

// AdjustBH returns the Benjamini-Hochberg adjusted p-values of p, in the
// order of p: for the i-th smallest of the m p-values, the minimum over
// j >= i of m p(j) / j, capped at 1. The p-values must lie in [0, 1]
// (BenjaminiHochberg checks them). It is safe for concurrent use.
func AdjustBH(p []float64) []float64 {
	m := len(p)
	adj := make([]float64, m)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	running := 1.0
	for r := m - 1; r >= 0; r-- {
		i := idx[r]
		running = math.Min(running, p[i]*float64(m)/float64(r+1))
		adj[i] = running
	}
	return adj
}
