package projections_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// TestCatalogAsOfAndItsSnapshot checks that the catalogue answers as of
// every position (regions, links, hierarchy, indicators, and the series
// that existed) and that a snapshot keeps that history.
func TestCatalogAsOfAndItsSnapshot(t *testing.T) {
	events := []domain.Event{
		domain.RegionDefined{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry},                                                                    // 1
		domain.RegionDefined{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"},                                                     // 2
		domain.RegionDefined{Code: "NL34", Name: "Zeeland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"},                                                          // 3
		domain.IndicatorDefined{Code: "PRICE", Name: "Price", Family: domain.FamilyAvailability, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp},  // 4
		domain.RegionsLinked{A: "NL33", B: "NL34", Kind: domain.LinkKindLandBorder},                                                                                               // 5
		domain.RegionDefined{Code: "NL41", Name: "Noord-Brabant", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"},                                                    // 6
		domain.RegionsLinked{A: "NL33", B: "NL41", Kind: domain.LinkKindLandBorder},                                                                                               // 7
		domain.IndicatorDefined{Code: "POP", Name: "Population", Family: domain.FamilyContext, Unit: "persons", Granularity: domain.Year, DesiredDirection: domain.DirectionNone}, // 8
	}
	c := projections.NewCatalog()
	for i, ev := range events {
		if err := c.Apply(domain.Recorded{Event: ev, Position: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(c *projections.Catalog) {
		t.Helper()
		links := func(asOf uint64) []string {
			r, ok := c.RegionAt("NL33", asOf)
			if !ok {
				return nil
			}
			var out []string
			for _, l := range r.Links {
				out = append(out, l.Region)
			}
			return out
		}
		if got := links(4); got != nil {
			t.Errorf("NL33's links as of 4 = %v, want none", got)
		}
		if got := links(6); !reflect.DeepEqual(got, []string{"NL34"}) {
			t.Errorf("NL33's links as of 6 = %v, want [NL34]", got)
		}
		if got := links(0); !reflect.DeepEqual(got, []string{"NL34", "NL41"}) {
			t.Errorf("NL33's links at the latest = %v, want [NL34 NL41]", got)
		}
		if _, ok := c.RegionAt("NL41", 5); ok {
			t.Error("NL41 is known as of 5, before its definition at 6")
		}
		if got := len(c.RegionsAt("NL", domain.RegionLevelNuts2, 5)); got != 2 {
			t.Errorf("%d NUTS 2 regions as of 5, want 2", got)
		}
		if got := len(c.RegionsAt("", "", 0)); got != 4 {
			t.Errorf("%d regions at the latest, want 4", got)
		}
		if _, ok := c.IndicatorAt("POP", 7); ok {
			t.Error("POP is known as of 7, before its definition at 8")
		}
		if got := c.IndicatorsAt("", 7); len(got) != 1 || got[0].Code != "PRICE" {
			t.Errorf("indicators as of 7 = %v, want PRICE", got)
		}
	}
	check(c)
	var buf bytes.Buffer
	if err := c.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	restored := projections.NewCatalog()
	if err := restored.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	if restored.Checkpoint() != uint64(len(events)) {
		t.Fatalf("restored checkpoint %d", restored.Checkpoint())
	}
	check(restored)
}

// TestSeriesKeysAt checks that the series listed as of a position are
// those that held a value by then, also after a snapshot.
func TestSeriesKeysAt(t *testing.T) {
	s := projections.NewSeries()
	apply := func(pos uint64, ev domain.Event) {
		t.Helper()
		if err := s.Apply(domain.Recorded{Event: ev, Position: pos}); err != nil {
			t.Fatal(err)
		}
	}
	apply(1, domain.IndicatorDefined{Code: "PRICE", Name: "Price", Family: domain.FamilyAvailability, Unit: "EUR/g", Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
	apply(2, domain.ObservationsRecorded{Indicator: "PRICE", Source: "s", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2020-01", Value: 50}}})
	apply(3, domain.ObservationsRecorded{Indicator: "PRICE", Source: "s", Rows: []domain.ObservationRow{{Region: "NL34", Period: "2019-01", Value: 51}}})
	for _, s := range []*projections.Series{s, roundTrip(t, s)} {
		if got := s.KeysAt("PRICE", 2); len(got) != 1 || got[0].Region != "NL33" {
			t.Errorf("keys as of 2 = %v, want NL33", got)
		}
		if got := s.KeysAt("PRICE", 0); len(got) != 2 {
			t.Errorf("keys at the latest = %v, want NL33 and NL34", got)
		}
	}
}

func roundTrip(t *testing.T, s *projections.Series) *projections.Series {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	out := projections.NewSeries()
	if err := out.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	return out
}
