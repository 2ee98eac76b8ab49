package evaluate_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// demoWorld records the default demo world and returns an evaluator on it.
func demoWorld(t testing.TB) (*evaluate.Evaluator, *projectionstest.Node) {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, s := range w.Steps {
		res, err := n.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("test"), CommandID: s.CommandID}, s.Command)
		if err != nil {
			t.Fatalf("%s: %v", s.CommandID, err)
		}
		last = res.Position
	}
	n.Wait(last)
	return &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}, n
}

func TestExpandAndComparisonPool(t *testing.T) {
	e, _ := demoWorld(t)
	iv, err := e.Intervention("intervention", demo.GermanPrecursors, 0)
	if err != nil {
		t.Fatal(err)
	}
	if iv.Date.Format(domain.DateLayout) != iv.Start || iv.Policy == nil {
		t.Fatalf("intervention = %+v", iv)
	}
	// The policy's jurisdiction is the country; price data is by NUTS-2.
	de := e.ExpandWithData(demo.CocainePrice, iv.Regions, 0)
	if len(de) != 5 {
		t.Fatalf("DE expands to %v, want its 5 NUTS-2 regions", de)
	}
	for _, r := range de {
		reg, _ := e.Catalog.Region(r)
		if reg.Country != "DE" || reg.Level != domain.RegionLevelNuts2 {
			t.Fatalf("%s is not a German NUTS-2 region", r)
		}
	}
	pool := e.ComparisonPool(demo.CocainePrice, de, nil, 0)
	for _, r := range pool {
		if slices.Contains(de, r) || slices.Contains(e.Neighbours(de, 0), r) {
			t.Fatalf("pool %v holds a target or a neighbour (%s)", pool, r)
		}
	}
	if len(pool) < 5 {
		t.Fatalf("pool %v too small", pool)
	}
	if _, err := e.Intervention("intervention", "nope", 0); domain.ErrorCode(err) != domain.NotFound {
		t.Fatalf("unknown intervention: %v", err)
	}
	if err := e.CheckRegions("comparison", []string{"NL33", "XX"}, 0); domain.ErrorCode(err) != domain.NotFound {
		t.Fatalf("unknown region: %v", err)
	}
}

func TestPanelIsAligned(t *testing.T) {
	e, _ := demoWorld(t)
	from := int32(2018*12 + 0)
	to := int32(2018*12 + 11)
	p := e.Panel(demo.PortIncidents, domain.Month, []string{"NLRTM", "BEANR", "NL33"}, &from, &to, 0)
	if len(p.Periods) != 12 || p.Periods[0].String() != "2018-01" {
		t.Fatalf("periods = %v", p.Periods)
	}
	for _, r := range []string{"NLRTM", "BEANR"} {
		for i, v := range p.Values[r] {
			if math.IsNaN(v) {
				t.Fatalf("%s has no value for %s", r, p.Periods[i])
			}
		}
	}
	for _, v := range p.Values["NL33"] { // port incidents are recorded for ports only
		if !math.IsNaN(v) {
			t.Fatal("NL33 has port incidents")
		}
	}
	if i := p.Index(domain.Period{G: domain.Month, Index: from + 3}); i != 3 {
		t.Fatalf("Index = %d", i)
	}
}
