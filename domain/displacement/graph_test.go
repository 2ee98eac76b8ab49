package displacement

import (
	"slices"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// lowCountries is a small region graph:
//
//	NUTS-3:  NL1 - NL2 - NL3 - DE1      (land borders)
//	          |
//	         BE1 - BE2                  (NL1-BE1 crosses the border)
//	ports:   RTM (NL) = ANR (BE), RTM = HAM (DE)   (sea routes)
//	         GDN (PL) linked to nothing
//	         NL1 - RTM by rail/road (different levels)
func lowCountries(tb testing.TB) *Graph {
	tb.Helper()
	n3, port := domain.RegionLevelNuts3, domain.RegionLevelPort
	return mustGraph(tb, []Region{
		{Code: "NL1", Name: "Rotterdam area", Country: "NL", Level: n3},
		{Code: "NL2", Name: "Delft", Country: "NL", Level: n3},
		{Code: "NL3", Name: "Utrecht", Country: "NL", Level: n3},
		{Code: "BE1", Name: "Antwerp area", Country: "BE", Level: n3},
		{Code: "BE2", Name: "Ghent", Country: "BE", Level: n3},
		{Code: "DE1", Name: "Kleve", Country: "DE", Level: n3},
		{Code: "RTM", Name: "Port of Rotterdam", Country: "NL", Level: port},
		{Code: "ANR", Name: "Port of Antwerp", Country: "BE", Level: port},
		{Code: "HAM", Name: "Port of Hamburg", Country: "DE", Level: port},
		{Code: "GDN", Name: "Port of Gdansk", Country: "PL", Level: port},
	}, []Link{
		{"NL1", "NL2", domain.LinkKindLandBorder},
		{"NL2", "NL3", domain.LinkKindLandBorder},
		{"NL3", "DE1", domain.LinkKindLandBorder},
		{"NL1", "BE1", domain.LinkKindLandBorder},
		{"BE1", "BE2", domain.LinkKindLandBorder},
		{"RTM", "ANR", domain.LinkKindSeaRoute},
		{"HAM", "RTM", domain.LinkKindSeaRoute},
		{"NL1", "RTM", domain.LinkKindRailRoad},
		{"NL2", "NL1", domain.LinkKindLandBorder}, // repeated: kept once
	})
}

func reached(rs []Reach) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Region
	}
	return out
}

func TestNeighbourhoodHopsKindsBorders(t *testing.T) {
	g := lowCountries(t)
	land := []domain.LinkKind{domain.LinkKindLandBorder}
	for _, tc := range []struct {
		name  string
		seeds []string
		opts  NeighbourhoodOptions
		want  []string
	}{
		{"one hop, every kind", []string{"NL1"}, NeighbourhoodOptions{}, []string{"BE1", "NL2", "RTM"}},
		{"two hops", []string{"NL1"}, NeighbourhoodOptions{Hops: 2}, []string{"BE1", "NL2", "RTM", "ANR", "BE2", "HAM", "NL3"}},
		{"two hops by land", []string{"NL1"}, NeighbourhoodOptions{Hops: 2, Kinds: land}, []string{"BE1", "NL2", "BE2", "NL3"}},
		{"two hops by land at home", []string{"NL1"}, NeighbourhoodOptions{Hops: 2, Kinds: land, DomesticOnly: true}, []string{"NL2", "NL3"}},
		{"three hops by land at home", []string{"NL1"}, NeighbourhoodOptions{Hops: 3, Kinds: land, DomesticOnly: true}, []string{"NL2", "NL3"}},
		{"sea from a port", []string{"RTM"}, NeighbourhoodOptions{Kinds: []domain.LinkKind{domain.LinkKindSeaRoute}}, []string{"ANR", "HAM"}},
		{"two seeds", []string{"NL3", "BE2"}, NeighbourhoodOptions{}, []string{"BE1", "DE1", "NL2"}},
		{"isolated", []string{"GDN"}, NeighbourhoodOptions{Hops: 5}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := g.Neighbourhood(tc.seeds, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := reached(rs); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	rs, _ := g.Neighbourhood([]string{"NL1"}, NeighbourhoodOptions{Hops: 2})
	byCode := map[string]Reach{}
	for _, r := range rs {
		byCode[r.Region] = r
	}
	if r := byCode["BE2"]; r.Hops != 2 || r.From != "BE1" || r.Via != domain.LinkKindLandBorder || !r.CrossBorder || r.Seed != "NL1" {
		t.Errorf("BE2: %+v", r)
	}
	if r := byCode["NL2"]; r.Hops != 1 || r.CrossBorder {
		t.Errorf("NL2: %+v", r)
	}
	if r := byCode["ANR"]; r.Via != domain.LinkKindSeaRoute || r.From != "RTM" || !r.CrossBorder {
		t.Errorf("ANR: %+v", r)
	}
}

func TestNeighbourhoodErrors(t *testing.T) {
	g := lowCountries(t)
	_, err := g.Neighbourhood(nil, NeighbourhoodOptions{})
	wantBadInput(t, err, "seeds", "at least one")
	_, err = g.Neighbourhood([]string{"NL1", "XX9"}, NeighbourhoodOptions{})
	wantBadInput(t, err, "seeds[1]", "XX9")
	_, err = g.Neighbourhood([]string{"NL1", "NL1"}, NeighbourhoodOptions{})
	wantBadInput(t, err, "seeds[1]", "twice")
	_, err = g.Neighbourhood([]string{"NL1"}, NeighbourhoodOptions{Hops: -1})
	wantBadInput(t, err, "hops")
	_, err = g.Neighbourhood([]string{"NL1"}, NeighbourhoodOptions{Kinds: []domain.LinkKind{"TUNNEL"}})
	wantBadInput(t, err, "kinds[0]", "TUNNEL")
}

func TestNewGraphErrors(t *testing.T) {
	ok := []Region{{Code: "A", Country: "NL"}, {Code: "B", Country: "BE"}}
	for _, tc := range []struct {
		regions []Region
		links   []Link
		field   string
	}{
		{[]Region{{Code: "", Country: "NL"}}, nil, "regions[0].code"},
		{[]Region{{Code: "A", Country: "NL"}, {Code: "A", Country: "NL"}}, nil, "regions[1].code"},
		{[]Region{{Code: "A"}}, nil, "regions[0].country"},
		{ok, []Link{{"A", "Z", domain.LinkKindLandBorder}}, "links[0].b"},
		{ok, []Link{{"Z", "A", domain.LinkKindLandBorder}}, "links[0].a"},
		{ok, []Link{{"A", "A", domain.LinkKindLandBorder}}, "links[0].b"},
		{ok, []Link{{"A", "B", "FERRY"}}, "links[0].kind"},
	} {
		_, err := NewGraph(tc.regions, tc.links)
		wantBadInput(t, err, tc.field)
	}
	g := lowCountries(t)
	if n := g.Neighbours("NL1"); len(n) != 3 {
		t.Errorf("NL1 neighbours %v: the repeated link should be kept once", n)
	}
	if g.Len() != 10 || g.Neighbours("nope") != nil {
		t.Error("Len or Neighbours of an unknown region")
	}
}

func TestCompleteAreasDefaults(t *testing.T) {
	g := lowCountries(t)
	a, err := g.CompleteAreas(Areas{Target: []string{"NL1"}}, AreaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Buffer: NL1's neighbours of its own level (RTM, a port, is left out).
	if !slices.Equal(a.Buffer, []string{"BE1", "NL2"}) {
		t.Errorf("buffer %v", a.Buffer)
	}
	// Control: other NUTS-3 regions neither targeted nor neighbours.
	if !slices.Equal(a.Control, []string{"BE2", "DE1", "NL3"}) {
		t.Errorf("control %v", a.Control)
	}
	if !slices.Equal(a.Derived, []Role{RoleBuffer, RoleControl}) || len(a.BufferControl) != 0 {
		t.Errorf("derived %v, buffer control %v", a.Derived, a.BufferControl)
	}

	// Any level: the port joins the buffer; the control stays NUTS-3.
	a, err = g.CompleteAreas(Areas{Target: []string{"NL1"}}, AreaOptions{BufferAnyLevel: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Buffer, []string{"BE1", "NL2", "RTM"}) {
		t.Errorf("any-level buffer %v", a.Buffer)
	}

	// Domestic only: the Belgian neighbour is not a buffer, and since it is
	// not a neighbour over the links followed it may serve as a control.
	a, err = g.CompleteAreas(Areas{Target: []string{"NL1"}}, AreaOptions{Buffer: NeighbourhoodOptions{DomesticOnly: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Buffer, []string{"NL2"}) || !slices.Equal(a.Control, []string{"BE1", "BE2", "DE1", "NL3"}) {
		t.Errorf("domestic: buffer %v control %v", a.Buffer, a.Control)
	}

	// Ports by sea: the buffer crosses borders; the only port left is
	// Gdansk.
	a, err = g.CompleteAreas(Areas{Target: []string{"RTM"}}, AreaOptions{Buffer: NeighbourhoodOptions{Kinds: []domain.LinkKind{domain.LinkKindSeaRoute}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Buffer, []string{"ANR", "HAM"}) || !slices.Equal(a.Control, []string{"GDN"}) {
		t.Errorf("ports: buffer %v control %v", a.Buffer, a.Control)
	}

	// An analyst's control is kept, and its regions stay out of the buffer.
	a, err = g.CompleteAreas(Areas{Target: []string{"NL1"}, Control: []string{"BE1", "DE1"}}, AreaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Buffer, []string{"NL2"}) || !slices.Equal(a.Control, []string{"BE1", "DE1"}) || !slices.Equal(a.Derived, []Role{RoleBuffer}) {
		t.Errorf("given control: %+v", a)
	}
}

func TestCompleteAreasErrors(t *testing.T) {
	g := lowCountries(t)
	_, err := g.CompleteAreas(Areas{}, AreaOptions{})
	wantBadInput(t, err, "target", "at least one")
	_, err = g.CompleteAreas(Areas{Target: []string{"XX"}}, AreaOptions{})
	wantBadInput(t, err, "target[0]", "XX")
	_, err = g.CompleteAreas(Areas{Target: []string{"GDN"}}, AreaOptions{})
	wantBadInput(t, err, "buffer", "no neighbours")
	// Every port is the target or its neighbour: nothing left for control.
	_, err = g.CompleteAreas(Areas{Target: []string{"RTM"}, Buffer: []string{"ANR", "HAM", "GDN"}}, AreaOptions{})
	wantBadInput(t, err, "control", "name control regions")
	_, err = g.CompleteAreas(Areas{Target: []string{"NL1"}, Buffer: []string{"NL1"}}, AreaOptions{})
	wantBadInput(t, err, "buffer[0]", "both target and buffer")
}

func TestAreasValidate(t *testing.T) {
	g := lowCountries(t)
	for _, tc := range []struct {
		name  string
		a     Areas
		field string
		words []string
	}{
		{"empty target", Areas{Buffer: []string{"NL2"}, Control: []string{"NL3"}}, "target", []string{"at least one"}},
		{"empty buffer", Areas{Target: []string{"NL1"}, Control: []string{"NL3"}}, "buffer", nil},
		{"empty control", Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}}, "control", nil},
		{"unknown", Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"ZZ1"}}, "control[0]", []string{"unknown"}},
		{"repeated", Areas{Target: []string{"NL1", "NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3"}}, "target[1]", []string{"twice"}},
		{"target in control", Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3", "NL1"}}, "control[1]", []string{"both target and control"}},
		{"buffer control overlaps buffer", Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3"}, BufferControl: []string{"NL2"}}, "bufferControl[0]", []string{"buffer and bufferControl"}},
		{"buffer control partly the control", Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3", "DE1"}, BufferControl: []string{"NL3", "BE2"}}, "bufferControl", []string{"NL3", "same set"}},
		{"empty code", Areas{Target: []string{""}, Buffer: []string{"NL2"}, Control: []string{"NL3"}}, "target[0]", []string{"empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantBadInput(t, tc.a.Validate(g), tc.field, tc.words...)
		})
	}
	ok := Areas{Target: []string{"NL1"}, Buffer: []string{"NL2"}, Control: []string{"NL3", "DE1"}, BufferControl: []string{"DE1", "NL3"}}
	if err := ok.Validate(g); err != nil {
		t.Errorf("buffer control equal to the control (in another order): %v", err)
	}
	if !ok.sharedControl() {
		t.Error("same set should count as a shared control")
	}
	// Several problems come back together.
	err := Areas{}.Validate(nil)
	wantBadInput(t, err, "target")
	wantBadInput(t, err, "buffer")
	wantBadInput(t, err, "control")
}
