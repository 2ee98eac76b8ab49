package mapsvg

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/chart"
)

// Role is the part a region plays in a displacement analysis.
type Role string

// The roles, as the displacement query names them.
const (
	Target  Role = "TARGET"
	Buffer  Role = "BUFFER"
	Control Role = "CONTROL"
	Other   Role = ""
)

// Region is one region of a map.
type Region struct {
	Code, Name string
	Role       Role
	// Value is the region's change (e.g. percent change after/before);
	// HasValue is false where there is none (drawn hatched, "no data").
	Value    float64
	HasValue bool
	// Polygons are GeoJSON MultiPolygon coordinates ([lon, lat] degrees);
	// nil when the region has no boundary.
	Polygons [][][][]float64
}

// Edge links two regions (by code) in the graph drawing.
type Edge struct{ A, B string }

// Words are the texts of a map in the reader's language.
type Words struct {
	// Roles name the roles in the legend and the description.
	Roles map[Role]string
	// NoData labels regions without a value.
	NoData string
	// Fall and Rise label the two ends of the colour scale.
	Fall, Rise string
	// GraphNote says that the map shows the region graph because some
	// region has no boundary.
	GraphNote string
}

// EnglishWords are the default Words.
var EnglishWords = Words{
	Roles:     map[Role]string{Target: "Target", Buffer: "Buffer", Control: "Control", Other: "Other"},
	NoData:    "no data",
	Fall:      "fall",
	Rise:      "rise",
	GraphNote: "Some regions have no boundary: the regions are drawn as a graph of their links.",
}

// Map is a map of regions coloured by change.
type Map struct {
	// Label titles the map (for screen readers too).
	Label string
	// ValueTitle titles the colour scale, with its unit ("Change, %").
	ValueTitle string
	Regions    []Region
	// Edges are the links between regions, drawn in the graph fallback.
	Edges []Edge
	// Context are regions drawn in grey behind Regions, with their names,
	// so that a reader knows where they are (the countries around ports
	// spread from Algeciras to Hamburg). They carry no value or role, do
	// not set the map's extent (it is Regions' with a margin), and are cut
	// at its edges; the graph fallback leaves them out.
	Context []Region
	// Number writes values (default plain decimals).
	Number chart.NumberFunc
	// Words are the map's texts (default EnglishWords).
	Words *Words
	// Width of the drawing in px (default 520); the height follows.
	Width float64
}

// Colours of the scale and the outlines.
const (
	colourFall   = "#2b5c9e"
	colourMiddle = "#f2f0ee"
	colourRise   = "#b83a26"
	colourNoData = "#d0d0d0"
	colourEdge   = "#8a8a8a"
	colourText   = "#222"
)

// Scale is a diverging colour scale symmetric around zero: values at or
// beyond -Max are the full fall colour, at or beyond Max the full rise
// colour, zero the pale middle.
type Scale struct{ Max float64 }

// NewScale returns the scale covering the largest absolute value of the
// regions (1 when none has a value or all are zero).
func NewScale(regions []Region) Scale {
	m := 0.0
	for _, r := range regions {
		if r.HasValue && !math.IsNaN(r.Value) && !math.IsInf(r.Value, 0) {
			m = math.Max(m, math.Abs(r.Value))
		}
	}
	if m == 0 {
		m = 1
	}
	ticks, _ := chart.Ticks(0, m, 3)
	return Scale{Max: ticks[len(ticks)-1]}
}

// Colour returns the fill of value v.
func (s Scale) Colour(v float64) string {
	if math.IsNaN(v) {
		return colourNoData
	}
	t := math.Max(-1, math.Min(1, v/s.Max))
	if t < 0 {
		return mix(colourMiddle, colourFall, -t)
	}
	return mix(colourMiddle, colourRise, t)
}

func mix(a, b string, t float64) string {
	pa, pb := rgb(a), rgb(b)
	var out [3]int
	for i := range out {
		out[i] = int(math.Round(float64(pa[i]) + t*float64(pb[i]-pa[i])))
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}

func rgb(hex string) [3]int {
	var out [3]int
	for i := range out {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		out[i] = int(v)
	}
	return out
}

// outline is how a role's regions are outlined.
type outline struct {
	stroke, width, dash string
	order               int // drawn later on top
}

var outlines = map[Role]outline{
	Target:  {"#000", "3", "", 3},
	Buffer:  {"#000", "2", "6 3", 2},
	Control: {"#4a4a4a", "1.6", "1.5 2.5", 1},
	Other:   {"#9a9a9a", "0.7", "", 0},
}

func roleOf(r Role) outline {
	if o, ok := outlines[r]; ok {
		return o
	}
	return outlines[Other]
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func esc(s string) string { return html.EscapeString(s) }

// Row is one line of the map's text alternative.
type Row struct {
	Code, Name, Role, Value string
}

// Rows lists the regions in the order of the legend (targets, buffers,
// controls, others; by code within each), with their role and value in
// words: the table a page shows beside the map.
func (m Map) Rows() []Row {
	w, num := m.words(), m.number()
	regs := sortedRegions(m.Regions)
	out := make([]Row, len(regs))
	for i, r := range regs {
		v := w.NoData
		if r.HasValue && !math.IsNaN(r.Value) {
			v = signed(num, r.Value)
		}
		out[i] = Row{Code: r.Code, Name: r.Name, Role: w.Roles[r.Role], Value: v}
	}
	return out
}

func signed(num chart.NumberFunc, v float64) string {
	s := num(v, 1)
	if v > 0 {
		s = "+" + s
	}
	return s
}

func (m Map) words() Words {
	if m.Words != nil {
		return *m.Words
	}
	return EnglishWords
}

func (m Map) number() chart.NumberFunc {
	if m.Number != nil {
		return m.Number
	}
	return func(v float64, dec int) string { return strconv.FormatFloat(v, 'f', dec, 64) }
}

var roleRank = map[Role]int{Target: 0, Buffer: 1, Control: 2}

func rank(r Role) int {
	if k, ok := roleRank[r]; ok {
		return k
	}
	return 3
}

func sortedRegions(rs []Region) []Region {
	out := append([]Region(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := rank(out[i].Role), rank(out[j].Role); a != b {
			return a < b
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Geographic reports whether the map draws boundaries: every region has
// one. Otherwise it draws the region graph.
func (m Map) Geographic() bool {
	if len(m.Regions) == 0 {
		return false
	}
	for _, r := range m.Regions {
		if len(r.Polygons) == 0 {
			return false
		}
	}
	return true
}

// SVG draws the map with its legend.
func (m Map) SVG() string {
	W := m.Width
	if W == 0 {
		W = 520
	}
	w := m.words()
	scale := NewScale(m.Regions)
	var body strings.Builder
	var H float64
	if m.Geographic() {
		H = m.drawBoundaries(&body, W, scale)
	} else {
		H = m.drawGraph(&body, W, scale)
	}
	legendTop := H + 8
	legendH := m.drawLegend(&body, W, legendTop, scale)
	total := legendTop + legendH

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" viewBox="0 0 %s %s" width="%s" height="%s" font-family="sans-serif" font-size="11">`,
		px(W), px(total), px(W), px(total))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(m.Label))
	var desc []string
	if !m.Geographic() && len(m.Regions) > 0 {
		desc = append(desc, w.GraphNote)
	}
	for _, r := range m.Rows() {
		desc = append(desc, fmt.Sprintf("%s (%s), %s: %s.", r.Name, r.Code, strings.ToLower(r.Role), r.Value))
	}
	fmt.Fprintf(&b, `<desc>%s</desc>`, esc(strings.Join(desc, " ")))
	b.WriteString(`<defs><pattern id="nodata" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="#eee"/><path d="M0 6L6 0" stroke="#aaa" stroke-width="1"/></pattern></defs>`)
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

func fill(r Region, s Scale) string {
	if !r.HasValue || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		return "url(#nodata)"
	}
	return s.Colour(r.Value)
}

func regionTitle(r Region, w Words, num chart.NumberFunc) string {
	v := w.NoData
	if r.HasValue && !math.IsNaN(r.Value) {
		v = signed(num, r.Value)
	}
	return fmt.Sprintf("%s (%s), %s: %s", r.Name, r.Code, strings.ToLower(w.Roles[r.Role]), v)
}

// drawOrder sorts regions so that outlined roles are drawn last.
func drawOrder(rs []Region) []Region {
	out := append([]Region(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := roleOf(out[i].Role).order, roleOf(out[j].Role).order; a != b {
			return a < b
		}
		return out[i].Code < out[j].Code
	})
	return out
}

const margin = 8.0

// drawBoundaries draws every region's polygons and returns the height.
func (m Map) drawBoundaries(b *strings.Builder, W float64, s Scale) float64 {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range m.Regions {
		for _, poly := range r.Polygons {
			for _, ring := range poly {
				for _, p := range ring {
					minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
					minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
				}
			}
		}
	}
	if len(m.Context) > 0 {
		// Room around the regions for the context to show where they are.
		padX, padY := math.Max(0.08*(maxX-minX), 0.3), math.Max(0.08*(maxY-minY), 0.2)
		minX, maxX, minY, maxY = minX-padX, maxX+padX, minY-padY, maxY+padY
	}
	kx := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxX-minX)*kx, 1e-6), math.Max(maxY-minY, 1e-6)
	k := (W - 2*margin) / spanX
	H := math.Min(spanY*k+2*margin, 1.2*W)
	k = math.Min(k, (H-2*margin)/spanY)
	ox := margin + ((W-2*margin)-spanX*k)/2
	proj := func(p []float64) (float64, float64) {
		return ox + (p[0]-minX)*kx*k, margin + (maxY-p[1])*k
	}
	w, num := m.words(), m.number()
	m.drawContext(b, W, H, proj)
	for _, r := range drawOrder(m.Regions) {
		o := roleOf(r.Role)
		fmt.Fprintf(b, `<path class="region" data-code="%s" data-role="%s" d="%s" fill="%s" fill-rule="evenodd" stroke="%s" stroke-width="%s" stroke-linejoin="round"`,
			esc(r.Code), esc(string(r.Role)), pathData(r.Polygons, proj), fill(r, s), o.stroke, o.width)
		if o.dash != "" {
			fmt.Fprintf(b, ` stroke-dasharray="%s"`, o.dash)
		}
		fmt.Fprintf(b, `><title>%s</title></path>`, esc(regionTitle(r, w, num)))
		// A region too small to see at this scale (a port's outline on a
		// map from Algeciras to Hamburg) is also marked by a dot of its
		// colour and outline, so that it can be found.
		if x0, y0, x1, y1 := projectedBox(r.Polygons, proj); len(r.Polygons) > 0 && x1-x0 < minVisible && y1-y0 < minVisible {
			cx, cy := labelPoint(r.Polygons)
			x, y := proj([]float64{cx, cy})
			fmt.Fprintf(b, `<circle class="marker" data-code="%s" cx="%s" cy="%s" r="%s" fill="%s" stroke="%s" stroke-width="%s"`,
				esc(r.Code), px(x), px(y), px(minVisible), fill(r, s), o.stroke, o.width)
			if o.dash != "" {
				fmt.Fprintf(b, ` stroke-dasharray="%s"`, o.dash)
			}
			fmt.Fprintf(b, `><title>%s</title></circle>`, esc(regionTitle(r, w, num)))
		}
	}
	// Codes of the target and buffer regions, at the centre of their
	// largest polygon; of the controls too when the map has few regions
	// (they may be many and far apart).
	for _, r := range drawOrder(m.Regions) {
		if rank(r.Role) > 1 && len(m.Regions) > maxLabelled {
			continue
		}
		cx, cy := labelPoint(r.Polygons)
		x, y := proj([]float64{cx, cy})
		anchor := "middle"
		// A region marked by a dot is labelled beside it, not over it.
		if x0, y0, x1, y1 := projectedBox(r.Polygons, proj); x1-x0 < minVisible && y1-y0 < minVisible {
			x, anchor = x+minVisible+3, "start"
			if x > W-40 {
				x, anchor = x-2*(minVisible+3), "end"
			}
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" fill="%s" stroke="#fff" stroke-width="2.5" paint-order="stroke" aria-hidden="true">%s</text>`,
			px(x), px(y+4), anchor, colourText, esc(r.Code))
	}
	return H
}

// minVisible is the size, in pixels, below which a region is marked by a
// dot of that radius as well as drawn.
const minVisible = 6.0

// maxLabelled is the most regions a map labels all of; beyond it only
// targets and buffers are labelled.
const maxLabelled = 12

// Colours of the context.
const (
	colourContext     = "#efeeeb"
	colourContextLine = "#b5b2ad"
	colourContextText = "#77736d"
)

// pathData is the SVG path of polys as proj places them.
func pathData(polys [][][][]float64, proj func([]float64) (float64, float64)) string {
	var d strings.Builder
	for _, poly := range polys {
		for _, ring := range poly {
			for i, p := range ring {
				x, y := proj(p)
				if i == 0 {
					d.WriteString("M")
				} else {
					d.WriteString("L")
				}
				d.WriteString(px(x) + " " + px(y))
			}
			d.WriteString("Z")
		}
	}
	return d.String()
}

// drawContext draws the context regions in grey inside a viewport of the
// map's size (which cuts them at its edges), each named where the centre
// of its largest polygon falls inside the map.
func (m Map) drawContext(b *strings.Builder, W, H float64, proj func([]float64) (float64, float64)) {
	if len(m.Context) == 0 {
		return
	}
	fmt.Fprintf(b, `<svg class="context" x="0" y="0" width="%s" height="%s" overflow="hidden" aria-hidden="true">`, px(W), px(H))
	for _, r := range m.Context {
		if len(r.Polygons) == 0 {
			continue
		}
		fmt.Fprintf(b, `<path data-code="%s" d="%s" fill="%s" fill-rule="evenodd" stroke="%s" stroke-width="0.8" stroke-linejoin="round"/>`,
			esc(r.Code), pathData(r.Polygons, proj), colourContext, colourContextLine)
	}
	for _, r := range m.Context {
		if len(r.Polygons) == 0 {
			continue
		}
		cx, cy := labelPoint(r.Polygons)
		x, y := proj([]float64{cx, cy})
		if x < 20 || x > W-20 || y < 12 || y > H-6 {
			continue
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s" font-style="italic">%s</text>`, px(x), px(y), colourContextText, esc(orCode(r.Name, r.Code)))
	}
	b.WriteString(`</svg>`)
}

func orCode(name, code string) string {
	if strings.TrimSpace(name) == "" {
		return code
	}
	return name
}

// projectedBox is the bounding box of polys once projected.
func projectedBox(polys [][][][]float64, proj func([]float64) (float64, float64)) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, poly := range polys {
		for _, ring := range poly {
			for _, p := range ring {
				x, y := proj(p)
				x0, x1 = math.Min(x0, x), math.Max(x1, x)
				y0, y1 = math.Min(y0, y), math.Max(y1, y)
			}
		}
	}
	return x0, y0, x1, y1
}

// labelPoint is the centre of the bounding box of the polygon with the
// largest one.
func labelPoint(polys [][][][]float64) (float64, float64) {
	best, bx, by := -1.0, 0.0, 0.0
	for _, poly := range polys {
		if len(poly) == 0 {
			continue
		}
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range poly[0] {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
		if a := (maxX - minX) * (maxY - minY); a > best {
			best, bx, by = a, (minX+maxX)/2, (minY+maxY)/2
		}
	}
	return bx, by
}

// drawGraph draws the regions as nodes on concentric rings by role and
// the edges between them; it returns the height.
func (m Map) drawGraph(b *strings.Builder, W float64, s Scale) float64 {
	H := math.Min(W, 420)
	cx, cy := W/2, H/2
	maxR := H/2 - 28
	rings := [4][]Region{}
	for _, r := range sortedRegions(m.Regions) {
		k := rank(r.Role)
		rings[k] = append(rings[k], r)
	}
	pos := map[string][2]float64{}
	ring := 0
	used := 0
	for _, rs := range rings {
		if len(rs) > 0 {
			used++
		}
	}
	for _, rs := range rings {
		if len(rs) == 0 {
			continue
		}
		radius := 0.0
		if used > 1 {
			radius = maxR * float64(ring) / float64(used-1)
		}
		if ring == 0 && len(rs) > 1 {
			radius = maxR / float64(2*used)
		}
		for i, r := range rs {
			a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(rs)) + float64(ring)*0.35
			pos[r.Code] = [2]float64{cx + radius*math.Cos(a), cy + radius*math.Sin(a)}
		}
		ring++
	}
	edges := append([]Edge(nil), m.Edges...)
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].A != edges[j].A {
			return edges[i].A < edges[j].A
		}
		return edges[i].B < edges[j].B
	})
	for _, e := range edges {
		a, okA := pos[e.A]
		c, okB := pos[e.B]
		if okA && okB {
			fmt.Fprintf(b, `<line class="edge" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
				px(a[0]), px(a[1]), px(c[0]), px(c[1]), colourEdge)
		}
	}
	w, num := m.words(), m.number()
	for _, r := range drawOrder(m.Regions) {
		o := roleOf(r.Role)
		p := pos[r.Code]
		fmt.Fprintf(b, `<circle class="region" data-code="%s" data-role="%s" cx="%s" cy="%s" r="14" fill="%s" stroke="%s" stroke-width="%s"`,
			esc(r.Code), esc(string(r.Role)), px(p[0]), px(p[1]), fill(r, s), o.stroke, o.width)
		if o.dash != "" {
			fmt.Fprintf(b, ` stroke-dasharray="%s"`, o.dash)
		}
		fmt.Fprintf(b, `><title>%s</title></circle>`, esc(regionTitle(r, w, num)))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s" aria-hidden="true">%s</text>`,
			px(p[0]), px(p[1]+26), colourText, esc(r.Code))
	}
	return H
}

// drawLegend draws the colour scale (with ticks at -Max, -Max/2, 0,
// Max/2, Max), the no-data swatch and the role outlines; it returns its
// height.
func (m Map) drawLegend(b *strings.Builder, W, top float64, s Scale) float64 {
	w, num := m.words(), m.number()
	const steps, barW, barH = 9, 26.0, 10.0
	x0 := margin
	fmt.Fprintf(b, `<g class="legend" aria-hidden="true"><text x="%s" y="%s" fill="%s">%s</text>`, px(x0), px(top+10), colourText, esc(m.ValueTitle))
	y := top + 16
	for i := range steps {
		v := -s.Max + 2*s.Max*float64(i)/float64(steps-1)
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, px(x0+float64(i)*barW), px(y), px(barW), px(barH), s.Colour(v))
	}
	_, dec := chart.Ticks(-s.Max, s.Max, 5)
	for i := range 5 {
		v := -s.Max + s.Max*float64(i)/2
		x := x0 + barW/2 + float64(i)*barW*float64(steps-1)/4
		label := num(v, dec)
		if v > 0 {
			label = "+" + label
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`, px(x), px(y+barH+12), colourText, esc(label))
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s">%s</text>`, px(x0), px(y+barH+25), colourText, esc("← "+w.Fall))
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`, px(x0+steps*barW), px(y+barH+25), colourText, esc(w.Rise+" →"))
	// No data, then the roles.
	x := x0 + steps*barW + 24
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="16" height="%s" fill="url(#nodata)" stroke="#999" stroke-width="0.5"/><text x="%s" y="%s" fill="%s">%s</text>`,
		px(x), px(y), px(barH), px(x+20), px(y+9), colourText, esc(w.NoData))
	ry := y + barH + 6
	for _, role := range []Role{Target, Buffer, Control} {
		o := outlines[role]
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="16" height="10" fill="#fff" stroke="%s" stroke-width="%s"`, px(x), px(ry), o.stroke, o.width)
		if o.dash != "" {
			fmt.Fprintf(b, ` stroke-dasharray="%s"`, o.dash)
		}
		fmt.Fprintf(b, `/><text x="%s" y="%s" fill="%s">%s</text>`, px(x+20), px(ry+9), colourText, esc(w.Roles[role]))
		ry += 15
	}
	b.WriteString(`</g>`)
	return math.Max(y+barH+30, ry) - top + 4
}
