package mapsvg

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse checks that svg is well-formed XML and returns its elements.
func parse(t *testing.T, svg string) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []element
	var stack []int
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := element{name: x.Name.Local, attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(x)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatal("no svg root")
	}
	return out
}

func square(lon, lat, d float64) [][][][]float64 {
	return [][][][]float64{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
}

func testRegions() []Region {
	return []Region{
		{Code: "NL33", Name: "Zuid-Holland", Role: Target, Value: -30, HasValue: true, Polygons: square(4, 51.8, 0.5)},
		{Code: "NL34", Name: "Zeeland", Role: Buffer, Value: 12, HasValue: true, Polygons: square(3.5, 51.3, 0.5)},
		{Code: "BE21", Name: "Prov. Antwerpen", Role: Buffer, Value: 3, HasValue: true, Polygons: square(4.2, 51, 0.4)},
		{Code: "DEA1", Name: "Düsseldorf <&>", Role: Control, Value: 0, HasValue: true, Polygons: square(6.2, 51, 0.8)},
		{Code: "NL42", Name: "Limburg (NL)", Role: Other, Polygons: square(5.7, 50.8, 0.4)},
	}
}

func regionsOf(els []element) map[string]element {
	out := map[string]element{}
	for i, e := range els {
		if e.attrs["class"] == "region" {
			if i+1 < len(els) && els[i+1].name == "title" {
				e.text = els[i+1].text // the region's title, its text alternative
			}
			out[e.attrs["data-code"]] = e
		}
	}
	return out
}

func TestBoundaryMap(t *testing.T) {
	m := Map{Label: "Cocaine seizures, change after the operation", ValueTitle: "Change, %", Regions: testRegions()}
	if !m.Geographic() {
		t.Fatal("every region has a boundary, yet the map is not geographic")
	}
	svg := m.SVG()
	els := parse(t, svg)
	regs := regionsOf(els)
	if len(regs) != 5 {
		t.Fatalf("%d regions drawn, want 5", len(regs))
	}
	s := NewScale(m.Regions)
	if s.Max != 30 {
		t.Fatalf("scale max %g, want 30 (the largest change, at a nice number)", s.Max)
	}
	for _, r := range m.Regions {
		e, ok := regs[r.Code]
		if !ok || e.name != "path" {
			t.Fatalf("%s not drawn as a path", r.Code)
		}
		want := "url(#nodata)"
		if r.HasValue {
			want = s.Colour(r.Value)
		}
		if e.attrs["fill"] != want {
			t.Errorf("%s filled %s, want %s", r.Code, e.attrs["fill"], want)
		}
		if e.attrs["data-role"] != string(r.Role) || !strings.Contains(e.text, r.Code) {
			t.Errorf("%s: role %q, title %q", r.Code, e.attrs["data-role"], e.text)
		}
	}
	// Roles are outlined distinctly.
	style := func(code string) string {
		e := regs[code]
		return e.attrs["stroke-width"] + "/" + e.attrs["stroke-dasharray"]
	}
	seen := map[string]string{}
	for _, c := range []string{"NL33", "NL34", "DEA1", "NL42"} {
		if other, dup := seen[style(c)]; dup {
			t.Errorf("%s and %s are outlined alike (%s)", c, other, style(c))
		}
		seen[style(c)] = c
	}
	if style("NL34") != style("BE21") {
		t.Error("two buffers are outlined differently")
	}
	// Text alternative: title, and every region with its role and value.
	if els[1].name != "title" || els[1].text != m.Label {
		t.Errorf("title %+v", els[1])
	}
	desc := els[2].text
	for _, want := range []string{"Zuid-Holland (NL33), target: -30.0.", "Zeeland (NL34), buffer: +12.0.", "Düsseldorf <&> (DEA1), control: 0.0.", "Limburg (NL) (NL42), other: no data."} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q: %s", want, desc)
		}
	}
	if !strings.Contains(svg, "Change, %") || !strings.Contains(svg, ">+30<") || !strings.Contains(svg, ">-15<") {
		t.Error("legend lacks its title or ticks")
	}
	rows := m.Rows()
	if len(rows) != 5 || rows[0].Code != "NL33" || rows[1].Code != "BE21" || rows[3].Code != "DEA1" || rows[4].Value != "no data" {
		t.Errorf("rows %+v", rows)
	}
}

// hexRGB reads #rrggbb.
func hexRGB(t *testing.T, c string) (r, g, b float64) {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(c, "#"), 16, 32)
	if err != nil || len(c) != 7 {
		t.Fatalf("colour %q", c)
	}
	return float64(v >> 16), float64(v >> 8 & 0xff), float64(v & 0xff)
}

func TestDivergingScale(t *testing.T) {
	s := Scale{Max: 20}
	dist := func(c string) float64 {
		r, g, b := hexRGB(t, c)
		m0, m1, m2 := hexRGB(t, colourMiddle)
		return math.Sqrt((r-m0)*(r-m0) + (g-m1)*(g-m1) + (b-m2)*(b-m2))
	}
	if s.Colour(0) != colourMiddle || s.Colour(20) != colourRise || s.Colour(-20) != colourFall || s.Colour(1e9) != colourRise {
		t.Fatal("scale ends")
	}
	prev := 0.0
	for _, v := range []float64{2, 5, 10, 15, 20} {
		up, down := s.Colour(v), s.Colour(-v)
		r, _, b := hexRGB(t, up)
		if r <= b {
			t.Errorf("rise %g is not red: %s", v, up)
		}
		r, _, b = hexRGB(t, down)
		if b <= r {
			t.Errorf("fall %g is not blue: %s", v, down)
		}
		if d := dist(up); d <= prev {
			t.Errorf("rise %g (%s) is not stronger than a smaller one", v, up)
		} else {
			prev = d
		}
	}
	if NewScale(nil).Max != 1 || NewScale([]Region{{HasValue: true, Value: math.Inf(1)}, {HasValue: true, Value: -7}}).Max != 8 {
		t.Error("NewScale")
	}
}

func TestGraphFallback(t *testing.T) {
	regs := testRegions()
	regs[2].Polygons = nil // BE21 has no boundary
	edges := []Edge{{"NL33", "NL34"}, {"BE21", "NL34"}, {"NL34", "XX99"}, {"DEA1", "NL42"}}
	m := Map{Label: "Graph", Regions: regs, Edges: edges}
	if m.Geographic() {
		t.Fatal("a region lacks a boundary, yet the map is geographic")
	}
	svg := m.SVG()
	els := parse(t, svg)
	regions := regionsOf(els)
	if len(regions) != 5 {
		t.Fatalf("%d nodes", len(regions))
	}
	for code, e := range regions {
		if e.name != "circle" {
			t.Errorf("%s drawn as %s", code, e.name)
		}
	}
	lines := 0
	for _, e := range els {
		if e.attrs["class"] == "edge" {
			lines++
		}
	}
	if lines != 3 {
		t.Errorf("%d edges drawn, want 3 (the link to an unknown region left out)", lines)
	}
	if !strings.Contains(els[2].text, EnglishWords.GraphNote) {
		t.Error("the description does not say the map is a graph")
	}
	// The target sits in the middle; the layout does not depend on the
	// order of the input.
	if c := regions["NL33"]; c.attrs["cx"] != "260.0" || c.attrs["cy"] != "210.0" {
		t.Errorf("the target is at %s,%s", c.attrs["cx"], c.attrs["cy"])
	}
	rev := make([]Region, len(regs))
	for i, r := range regs {
		rev[len(regs)-1-i] = r
	}
	redges := []Edge{edges[3], edges[2], edges[1], edges[0]}
	if again := (Map{Label: "Graph", Regions: rev, Edges: redges}).SVG(); again != svg {
		t.Error("the drawing depends on the order of the input")
	}
	if empty := (Map{Label: "none"}).SVG(); len(parse(t, empty)) == 0 {
		t.Error("empty map")
	}
}

// TestTinyRegionsAreMarked: a port's outline on a map that spans Europe
// is a speck; it gets a dot of its fill and outline as well, a large
// region none.
func TestTinyRegionsAreMarked(t *testing.T) {
	m := Map{Label: "ports", Regions: []Region{
		{Code: "NLRTM", Name: "Rotterdam", Role: Target, Value: -24, HasValue: true, Polygons: square(4.0, 51.9, 0.01)},
		{Code: "ESALG", Name: "Algeciras", Role: Control, Value: 16, HasValue: true, Polygons: square(-5.45, 36.1, 0.01)},
		{Code: "NL33", Name: "Zuid-Holland", Role: Buffer, Value: 3, HasValue: true, Polygons: square(3.5, 51.5, 2)},
	}}
	svg := m.SVG()
	markers := map[string]element{}
	for _, e := range parse(t, svg) {
		if e.name == "circle" && e.attrs["class"] == "marker" {
			markers[e.attrs["data-code"]] = e
		}
	}
	if len(markers) != 2 || markers["NLRTM"].attrs["r"] == "" || markers["ESALG"].attrs["r"] == "" {
		t.Fatalf("markers %v; want NLRTM and ESALG only", markers)
	}
	if r, _ := strconv.ParseFloat(markers["NLRTM"].attrs["r"], 64); r < 5 {
		t.Errorf("marker radius %v px: too small to see", r)
	}
	if i := strings.Index(svg, `<circle class="marker" data-code="NLRTM"`); i < 0 || !strings.HasPrefix(svg[i+strings.Index(svg[i:], ">")+1:], "<title>Rotterdam") {
		t.Errorf("the marker has no title naming the region:\n%s", svg)
	}
}

// TestContextShowsWhereRegionsAre: context regions (countries) are drawn
// in grey behind the map's regions, inside a viewport that cuts them,
// named where their centre is on the map, without setting the extent:
// a country far larger than the regions leaves the regions where they
// are. Ports (regions too small to see) are labelled beside their dot.
func TestContextShowsWhereRegionsAre(t *testing.T) {
	port := func(code string, lon, lat float64, role Role) Region {
		return Region{Code: code, Name: code, Role: role, Value: 5, HasValue: true, Polygons: square(lon, lat, 0.05)}
	}
	regs := []Region{port("NLRTM", 4.1, 51.9, Target), port("BEANR", 4.3, 51.3, Buffer), port("ESALG", -5.4, 36.1, Control)}
	bare := Map{Regions: regs}.SVG()
	countries := []Region{
		{Code: "NL", Name: "Netherlands", Polygons: square(3.4, 50.8, 3.6)},
		{Code: "FR", Name: "France", Polygons: square(-5, 41, 14)},    // larger than the map
		{Code: "AQ", Name: "Far away", Polygons: square(100, -70, 5)}, // outside it: drawn, cut, not named
	}
	svg := Map{Regions: regs, Context: countries}.SVG()
	els := parse(t, svg)
	var inViewport, named int
	nested := false
	for i, e := range els {
		if e.name == "svg" && e.attrs["class"] == "context" {
			nested = true
			if e.attrs["overflow"] != "hidden" {
				t.Error("the context's viewport does not cut it")
			}
			continue
		}
		if nested && e.name == "path" && e.attrs["data-code"] != "" && e.attrs["class"] != "region" {
			inViewport++
			if e.attrs["fill"] != colourContext {
				t.Errorf("context %s filled %s", e.attrs["data-code"], e.attrs["fill"])
			}
		}
		if nested && e.name == "text" && e.attrs["font-style"] == "italic" {
			named++
			if e.text == "Far away" {
				t.Error("a country outside the map is named")
			}
		}
		if e.attrs["class"] == "region" && i > 0 && !nested {
			t.Error("a region is drawn before the context")
		}
	}
	if !nested || inViewport != 3 || named != 2 {
		t.Errorf("context: viewport %v, %d drawn (want 3), %d named (want 2)", nested, inViewport, named)
	}
	// The context does not set the extent: the map is no larger than the
	// regions' with a margin.
	height := func(s string) float64 {
		v, _ := strconv.ParseFloat(parse(t, s)[0].attrs["height"], 64)
		return v
	}
	if h0, h1 := height(bare), height(svg); h1 > h0*1.25 {
		t.Errorf("height %g with context, %g without", h1, h0)
	}
	// Every port is labelled (three regions: few enough to label all),
	// beside its dot rather than over it.
	for _, code := range []string{"NLRTM", "BEANR", "ESALG"} {
		found := false
		for _, e := range els {
			if e.name == "text" && e.text == code {
				found = true
				if e.attrs["text-anchor"] == "middle" {
					t.Errorf("%s labelled over its dot", code)
				}
			}
		}
		if !found {
			t.Errorf("%s not labelled", code)
		}
	}
}
