package evaluate_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// TestSuppressionLeavesNoTableWithOneValueWithheld records random tables
// (a total, its breakdowns by sex and by age, and by both) with small
// values among them, and checks, for every period and every table
// (margin and the cells breaking it down by one dimension), that the
// public sees none or at least two of its values withheld, so that none
// can be recovered by differencing; that every value under the threshold
// is withheld; and that each series is withheld alike whichever is asked.
func TestSuppressionLeavesNoTableWithOneValueWithheld(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.DefineIndicator{Code: "arrests", Name: "Arrests", Family: domain.FamilyViolence, Unit: "arrests",
		Granularity: domain.Month, DesiredDirection: domain.DirectionDown})
	sexes, ages := []string{"F", "M", "X"}, []string{"0-17", "18-34", "35+"}
	var families [][]domain.Dimension
	families = append(families, nil)
	for _, s := range sexes {
		families = append(families, []domain.Dimension{{Key: "sex", Value: s}})
	}
	for _, a := range ages {
		families = append(families, []domain.Dimension{{Key: "age", Value: a}})
		for _, s := range sexes {
			families = append(families, []domain.Dimension{{Key: "age", Value: a}, {Key: "sex", Value: s}})
		}
	}
	rng := rand.New(rand.NewPCG(11, 5))
	const periods = 60
	var rows []domain.ObservationRow
	for p := range periods {
		period := domain.Period{G: domain.Month, Index: domain.PeriodOf(domain.Month, mustDate(t, "2015-01-01")).Index + int32(p)}.String()
		// Cells of age x sex, some small; margins are their sums.
		cells := map[string]float64{}
		for _, a := range ages {
			for _, s := range sexes {
				if rng.IntN(5) == 0 {
					continue // not recorded
				}
				v := float64(rng.IntN(12))
				if rng.IntN(2) == 0 {
					v += float64(rng.IntN(40))
				}
				cells[a+"|"+s] = v
			}
		}
		for _, dims := range families {
			sum, some := 0.0, false
			for k, v := range cells {
				a, s := splitCell(k)
				if matches(dims, a, s) {
					sum, some = sum+v, true
				}
			}
			if some && rng.IntN(10) > 0 {
				rows = append(rows, domain.ObservationRow{Region: "NL33", Period: period, Value: sum, Dimensions: dims})
			}
		}
	}
	n.Do(domain.RecordObservations{Indicator: "arrests", Source: "test", Rows: rows})

	held := map[string]map[int32]bool{}
	values := map[string]map[int32]float64{}
	for _, dims := range families {
		key := domain.DimensionsKey(dims)
		held[key] = evaluate.Suppressed(n.Series, projections.Query{Indicator: "arrests", Region: "NL33", Dimensions: dims}, 5)
		d, _ := n.Series.Get(projections.Query{Indicator: "arrests", Region: "NL33", Dimensions: dims})
		values[key] = map[int32]float64{}
		for _, p := range d.Points {
			values[key][p.Index] = p.Value
			if p.Value < 5 && !held[key][p.Index] {
				t.Fatalf("%s %s = %g is shown", key, p.Period, p.Value)
			}
		}
	}
	secondary := 0
	for key, pv := range values {
		for idx, v := range pv {
			if v >= 5 && held[key][idx] {
				secondary++
			}
		}
	}
	// Tables: the margin without one dimension and the cells with it.
	tables := [][]string{}
	margins := [][]domain.Dimension{nil}
	for _, s := range sexes {
		margins = append(margins, []domain.Dimension{{Key: "sex", Value: s}})
	}
	for _, a := range ages {
		margins = append(margins, []domain.Dimension{{Key: "age", Value: a}})
	}
	for _, m := range margins {
		for _, dim := range []string{"sex", "age"} {
			if len(m) == 1 && m[0].Key == dim {
				continue
			}
			vals := sexes
			if dim == "age" {
				vals = ages
			}
			table := []string{domain.DimensionsKey(m)}
			for _, v := range vals {
				cell, _ := domain.CheckDimensions("d", append(append([]domain.Dimension(nil), m...), domain.Dimension{Key: dim, Value: v}))
				table = append(table, domain.DimensionsKey(cell))
			}
			tables = append(tables, table)
		}
	}
	for p := range periods {
		idx := domain.PeriodOf(domain.Month, mustDate(t, "2015-01-01")).Index + int32(p)
		for _, table := range tables {
			if _, ok := values[table[0]][idx]; !ok {
				continue
			}
			withheld := 0
			for _, k := range table {
				if _, ok := values[k][idx]; ok && held[k][idx] {
					withheld++
				}
			}
			if withheld == 1 {
				t.Errorf("period %d, table %v: one value withheld, recoverable from the others", idx, table)
			}
		}
	}
	if secondary == 0 {
		t.Fatal("no value withheld to protect another: the tables do not exercise secondary suppression")
	}
	if evaluate.Suppressed(n.Series, projections.Query{Indicator: "arrests", Region: "NL33"}, 0) != nil {
		t.Error("below 0 withholds something")
	}
}

func splitCell(k string) (age, sex string) {
	for i := range k {
		if k[i] == '|' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

func matches(dims []domain.Dimension, age, sex string) bool {
	for _, d := range dims {
		if (d.Key == "age" && d.Value != age) || (d.Key == "sex" && d.Value != sex) {
			return false
		}
	}
	return true
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
