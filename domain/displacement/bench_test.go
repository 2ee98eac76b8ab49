package displacement

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// benchWorld is a region graph of 2,000 NUTS-3 regions on a 40 x 50 grid,
// in 20 countries of 10 x 10, linked by land to their grid neighbours, with
// a few sea and air routes; and monthly counts for 24 months.
type benchWorld struct {
	g             *Graph
	before, after Window
	targets       []string
	tables        []Table // one per indicator
}

func newBenchWorld(tb testing.TB, indicators int) *benchWorld {
	tb.Helper()
	const rows, cols = 40, 50
	code := func(r, c int) string { return fmt.Sprintf("R%02d%02d", r, c) }
	var regions []Region
	var links []Link
	rng := rand.New(rand.NewPCG(7, 8))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			regions = append(regions, Region{Code: code(r, c), Country: fmt.Sprintf("C%d%d", r/10, c/10), Level: domain.RegionLevelNuts3})
			if c+1 < cols {
				links = append(links, Link{code(r, c), code(r, c+1), domain.LinkKindLandBorder})
			}
			if r+1 < rows {
				links = append(links, Link{code(r, c), code(r+1, c), domain.LinkKindLandBorder})
			}
		}
	}
	for i := 0; i < 200; i++ {
		kind := domain.LinkKindSeaRoute
		if i%2 == 1 {
			kind = domain.LinkKindAirRoute
		}
		a, b := code(rng.IntN(rows), rng.IntN(cols)), code(rng.IntN(rows), rng.IntN(cols))
		if a != b {
			links = append(links, Link{a, b, kind})
		}
	}
	w := &benchWorld{g: mustGraph(tb, regions, links), targets: []string{code(20, 9), code(20, 10), code(21, 10)}}
	var err error
	if w.before, err = NewWindow(domain.Month, "2023-01", "2023-12"); err != nil {
		tb.Fatal(err)
	}
	if w.after, err = NewWindow(domain.Month, "2024-01", "2024-12"); err != nil {
		tb.Fatal(err)
	}
	for k := 0; k < indicators; k++ {
		t := make(Table, len(regions))
		for _, r := range regions {
			m := make(map[string]float64, 24)
			base := float64(5 + rng.IntN(50))
			for _, p := range w.before.Periods {
				m[p] = base + float64(rng.IntN(5))
			}
			for _, p := range w.after.Periods {
				m[p] = base + float64(rng.IntN(5))
			}
			t[r.Code] = m
		}
		w.tables = append(w.tables, t)
	}
	return w
}

// analyse runs one operation: buffers and controls from the graph, then
// the analysis of indicator k.
func (w *benchWorld) analyse(tb testing.TB, k int, areas *Areas) *Result {
	if areas.Target == nil {
		a, err := w.g.CompleteAreas(Areas{Target: w.targets}, AreaOptions{Buffer: NeighbourhoodOptions{Hops: 2}})
		if err != nil {
			tb.Fatal(err)
		}
		*areas = a
	}
	r, err := Analyse(Input{Intervention: "operation bench", Indicator: Indicator{Code: fmt.Sprintf("IND%02d", k), Direction: domain.DirectionDown},
		Areas: *areas, Before: w.before, After: w.after, Data: w.tables[k], Graph: w.g})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkDisplacementOneOperation: the DESIGN section 8 target, <= 5 ms
// for one operation, including building the buffer (two hops) and the
// default control (about 1,980 regions x 24 months) from a graph of 2,000
// regions.
func BenchmarkDisplacementOneOperation(b *testing.B) {
	w := newBenchWorld(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		var areas Areas
		w.analyse(b, 0, &areas)
	}
}

// BenchmarkScan30Indicators: one operation, 30 indicators analysed (areas
// built once) and scanned with Benjamini-Hochberg.
func BenchmarkScan30Indicators(b *testing.B) {
	w := newBenchWorld(b, 30)
	b.ReportAllocs()
	for b.Loop() {
		var areas Areas
		entries := make([]ScanEntry, 0, 30)
		for k := range w.tables {
			e, err := EntryFromResult(w.analyse(b, k, &areas))
			if err != nil {
				b.Fatal(err)
			}
			entries = append(entries, e)
		}
		if _, err := ScanIndicators("operation bench", entries, ScanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanOnly: the scan itself over 30 ready-made entries.
func BenchmarkScanOnly(b *testing.B) {
	entries := make([]ScanEntry, 30)
	for i := range entries {
		entries[i] = ScanEntry{Indicator: fmt.Sprintf("IND%02d", i), Z: float64(i%7) - 2}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ScanIndicators("x", entries, ScanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuffersFromGraph(b *testing.B) {
	w := newBenchWorld(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.g.CompleteAreas(Areas{Target: w.targets}, AreaOptions{Buffer: NeighbourhoodOptions{Hops: 2}}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchWorld checks the benchmark's fixture once, so a broken fixture
// fails the tests rather than the benchmarks.
func TestBenchWorld(t *testing.T) {
	w := newBenchWorld(t, 1)
	var areas Areas
	r := w.analyse(t, 0, &areas)
	if len(r.Inputs.Buffer) < 8 || len(r.Inputs.Control) < 1900 || r.WDD == nil {
		t.Fatalf("buffer %d control %d WDD %v", len(r.Inputs.Buffer), len(r.Inputs.Control), r.WDD)
	}
	assertFinite(t, r)
}

// TestConcurrentUse: a Graph and a Table are read by many analyses at once
// (run with -race).
func TestConcurrentUse(t *testing.T) {
	w := newBenchWorld(t, 2)
	type out struct {
		k   int
		r   *Result
		err error
	}
	done := make(chan out)
	for i := 0; i < 8; i++ {
		go func(k int) {
			areas, err := w.g.CompleteAreas(Areas{Target: w.targets}, AreaOptions{Buffer: NeighbourhoodOptions{Hops: 2}})
			if err != nil {
				done <- out{k, nil, err}
				return
			}
			r, err := Analyse(Input{Indicator: Indicator{Code: "X", Direction: domain.DirectionDown},
				Areas: areas, Before: w.before, After: w.after, Data: w.tables[k], Graph: w.g})
			done <- out{k, r, err}
		}(i % 2)
	}
	var first [2]string
	for i := 0; i < 8; i++ {
		o := <-done
		if o.err != nil {
			t.Fatal(o.err)
		}
		if first[o.k] == "" {
			first[o.k] = o.r.Explanation
		} else if first[o.k] != o.r.Explanation {
			t.Fatal("the same analysis gave different explanations")
		}
	}
}
