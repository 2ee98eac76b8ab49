package evaluate

import (
	"math"
	"slices"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// Suppressed returns the periods (by index) at which the series q selects
// is withheld from a principal that sees aggregates only, when values
// under below (in absolute value) are small cells; nil when below is not
// positive or nothing is withheld. The rule, from statistical disclosure
// control for tables (Hundepool et al., Statistical Disclosure Control,
// Wiley 2012, chapter 4; Eurostat, Handbook on Statistical Disclosure
// Control for Outputs):
//
//   - Primary suppression: a value recorded under below is withheld. It is
//     decided on the values as recorded, before anything (an index, a
//     rate, a sum, a change) is derived from them, and whatever is derived
//     from a withheld value is withheld too.
//   - Secondary (complementary) suppression: a series and its breakdown by
//     one dimension (the total, and sex=F, sex=M, ...; or sex=F, and
//     sex=F with age=0-17, age=18+, ...) form a table whose cells add up
//     to its margin. In a period where exactly one of the table's values
//     present is withheld, it could be recovered by differencing the
//     others, so a second is withheld too: the smallest shown cell, or the
//     margin when the withheld value is the only cell. This is repeated
//     until every table of the series' region has none or at least two
//     values withheld in each period. It is applied whether or not the
//     indicator adds up (a price's breakdown does not), which can only
//     withhold more.
//
// q.Dimensions must be canonical (domain.CheckDimensions); q.From, q.To
// and q.AsOf are honoured; q.NoLabels is ignored.
func Suppressed(s *projections.Series, q projections.Query, below float64) map[int32]bool {
	if below <= 0 {
		return nil
	}
	// The family: every series of the indicator in the region.
	target := domain.DimensionsKey(q.Dimensions)
	var fam []cell
	self := -1
	for _, k := range s.Keys(q.Indicator) {
		if k.Region != q.Region {
			continue
		}
		fq := q
		fq.Dimensions, fq.NoLabels = k.Dimensions, true
		d, _ := s.Get(fq)
		c := cell{dims: k.Dimensions, key: domain.DimensionsKey(k.Dimensions), values: make(map[int32]float64, len(d.Points))}
		for _, p := range d.Points {
			c.values[p.Index] = p.Value
		}
		if c.key == target {
			self = len(fam)
		}
		fam = append(fam, c)
	}
	if self < 0 {
		return nil
	}
	tables := tablesOf(fam)
	var out map[int32]bool
	for idx := range fam[self].values {
		if withheldAt(fam, tables, idx, below)[self] {
			if out == nil {
				out = map[int32]bool{}
			}
			out[idx] = true
		}
	}
	return out
}

// cell is one series of a family, its values by period index.
type cell struct {
	dims   []domain.Dimension
	key    string
	values map[int32]float64
}

// table is a margin and the cells that break it down by one dimension,
// as indexes into a family.
type table struct {
	margin int
	cells  []int
}

// tablesOf finds the tables of a family: for every series and every
// dimension of it, the series without that dimension is a margin of which
// it is a cell. Tables are in a fixed order, so that the same values are
// withheld whichever series is asked for.
func tablesOf(fam []cell) []table {
	index := make(map[string]int, len(fam))
	for i, c := range fam {
		index[c.key] = i
	}
	type tkey struct {
		margin int
		dim    string
	}
	byKey := map[tkey]int{}
	var tables []table
	for i, c := range fam {
		for j, d := range c.dims {
			margin := slices.Delete(slices.Clone(c.dims), j, j+1)
			m, ok := index[domain.DimensionsKey(margin)]
			if !ok {
				continue // no margin recorded: nothing to difference from
			}
			k := tkey{m, d.Key}
			t, ok := byKey[k]
			if !ok {
				t = len(tables)
				byKey[k] = t
				tables = append(tables, table{margin: m})
			}
			tables[t].cells = append(tables[t].cells, i)
		}
	}
	return tables
}

// withheldAt returns, by family index, the values withheld at period idx.
func withheldAt(fam []cell, tables []table, idx int32, below float64) []bool {
	held := make([]bool, len(fam))
	for i, c := range fam {
		if v, ok := c.values[idx]; ok && math.Abs(v) < below {
			held[i] = true
		}
	}
	// Each pass withholds at least one more value, or stops.
	for changed := true; changed; {
		changed = false
		for _, t := range tables {
			if _, ok := fam[t.margin].values[idx]; !ok {
				continue
			}
			n, lone := 0, -1
			if held[t.margin] {
				n, lone = 1, t.margin
			}
			for _, c := range t.cells {
				if _, ok := fam[c].values[idx]; ok && held[c] {
					n, lone = n+1, c
				}
			}
			if n != 1 {
				continue
			}
			next := -1 // the smallest shown cell other than the lone one
			for _, c := range t.cells {
				v, ok := fam[c].values[idx]
				if !ok || held[c] || c == lone {
					continue
				}
				if next < 0 || math.Abs(v) < math.Abs(fam[next].values[idx]) {
					next = c
				}
			}
			if next < 0 {
				next = t.margin
			}
			if next == lone {
				continue // a margin withheld with no cell present: nothing to difference
			}
			held[next] = true
			changed = true
		}
	}
	return held
}
