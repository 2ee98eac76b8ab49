package evaluate_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// BenchmarkDisplacement measures one displacement analysis on the demo
// world through the evaluator, every default chosen (DESIGN.md section 8:
// displacement for one operation <= 5 ms): the Rotterdam port control on
// port incidents, 1 target, 2 buffer and 7 control ports over 24 months,
// including the region graph, the default roles and windows and the reads.
func BenchmarkDisplacement(b *testing.B) {
	e, _ := demoWorld(b)
	req := evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Displacement(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDisplacementNUTS2 is the same for a NUTS 2 target with 4 buffer
// and 19 control regions and population exposure (the Brabant operation on
// drug-related violence).
func BenchmarkDisplacementNUTS2(b *testing.B) {
	e, _ := demoWorld(b)
	req := evaluate.DisplacementRequest{Intervention: demo.BrabantLabs, Indicator: demo.DrugViolence}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Displacement(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDisplacementScan measures the scan of every eligible indicator
// of the demo world after the Rotterdam operation (six analysed, three
// ranked with Benjamini-Hochberg).
func BenchmarkDisplacementScan(b *testing.B) {
	e, _ := demoWorld(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Scan(demo.RotterdamPortControl, 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFragmentation measures the fragmentation check after the
// Antwerp high-value operation (two indicators, five regions).
func BenchmarkFragmentation(b *testing.B) {
	e, _ := demoWorld(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Fragmentation(demo.AntwerpHighValue, 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}
