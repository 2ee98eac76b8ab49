package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Boundary files: region outlines for maps, as GeoJSON (a Feature or a
// FeatureCollection of Polygon and MultiPolygon features) or TopoJSON (a
// Topology whose objects hold Polygon and MultiPolygon geometries). The
// real source is Eurostat GISCO's NUTS files (the EPSG:4326 variants,
// whose coordinates are longitude and latitude in degrees); each feature
// names its region by the NUTS_ID property, by the feature's id, or by an
// "id" property.

// Boundary formats.
const (
	GeoJSON  Format = "geojson"
	TopoJSON Format = "topojson"
)

// Limits on what a boundary file may hold, so that a hostile or mistaken
// file cannot make the decoder allocate without bound.
const (
	maxBoundaryFileFeatures = 100_000
	maxBoundaryFilePoints   = 5_000_000
)

// BoundaryFormatFor returns the boundary format a file name suggests
// (.geojson, .topojson), and false for other names.
func BoundaryFormatFor(name string) (Format, bool) {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".geojson"):
		return GeoJSON, true
	case strings.HasSuffix(n, ".topojson"):
		return TopoJSON, true
	}
	return "", false
}

// SniffBoundaryFormat tells GeoJSON from TopoJSON by the top-level "type"
// member: "Topology" is TopoJSON, "Feature" and "FeatureCollection" are
// GeoJSON; anything else is not a boundary file (false).
func SniffBoundaryFormat(data []byte) (Format, bool) {
	var top struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &top) != nil {
		return "", false
	}
	switch top.Type {
	case "Topology":
		return TopoJSON, true
	case "Feature", "FeatureCollection":
		return GeoJSON, true
	}
	return "", false
}

// Feature is one region outline read from a boundary file.
type Feature struct {
	// Index is the feature's place in the file (0-based), for errors.
	Index int
	// ID is the region code the feature names (see BoundaryOptions.IDProperty).
	ID string
	// Name is the feature's name property, if any (NAME_LATN, NUTS_NAME, name).
	Name string
	// Polygons are MultiPolygon coordinates, [lon, lat] only (a third
	// coordinate, the altitude, is dropped).
	Polygons [][][][]float64
}

// FeatureError is a feature of a boundary file that cannot be recorded:
// its place, the region code it names (if any) and why, with the error
// code (BAD_INPUT for a bad shape, NOT_FOUND for an unknown region).
type FeatureError struct {
	File   string
	Index  int
	ID     string
	Code   domain.Code
	Reason string
	// Msg is Reason as a message of the catalogue (Reason is its
	// English).
	Msg i18n.Msg
}

// featureError returns the error of feature index (region id) with the
// catalogue's message key and args.
func featureError(index int, id string, code domain.Code, key string, args ...any) *FeatureError {
	m := i18n.M(key, args...)
	return &FeatureError{Index: index, ID: id, Code: code, Reason: i18n.EN.Render(m), Msg: m}
}

// In writes the error in l as Error does: "file: feature N (ID): reason".
func (e *FeatureError) In(l i18n.Lang) string {
	if l == i18n.EN || e.Msg.IsZero() {
		return e.Error()
	}
	where := l.T("import.err.feature", e.Index)
	if e.ID != "" {
		where = l.T("import.err.feature.id", e.Index, e.ID)
	}
	if e.File != "" {
		where = l.T("importer.at", e.File, where)
	}
	return l.T("importer.at", where, l.Render(e.Msg))
}

func (e *FeatureError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	fmt.Fprintf(&b, "feature %d", e.Index)
	if e.ID != "" {
		fmt.Fprintf(&b, " (%s)", e.ID)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

// BoundaryOptions configures DecodeBoundaries.
type BoundaryOptions struct {
	// File names the input in errors.
	File string
	// Format is GeoJSON or TopoJSON; empty: sniffed from the content.
	Format Format
	// IDProperty names the property holding the region code; empty:
	// NUTS_ID, then the feature's id, then an "id" property.
	IDProperty string
	// Tolerance is the Douglas-Peucker simplification tolerance in
	// degrees (0: none). Shapes that still exceed the domain's limits are
	// simplified further (the tolerance doubled until they fit).
	Tolerance float64
}

// BoundaryResult is what DecodeBoundaries read.
type BoundaryResult struct {
	// Commands holds one valid, simplified boundary per matched feature,
	// in file order.
	Commands []domain.DefineRegionBoundary
	// Rejects holds every feature that cannot be recorded.
	Rejects []*FeatureError
	// Features is the number of features read; Points the number of
	// points before and after simplification (of the commands).
	Features, PointsIn, PointsOut int
}

// DecodeBoundaries reads a GeoJSON or TopoJSON boundary file, matches each
// feature to a region the catalog knows, simplifies its shape and checks
// it as defineRegionBoundary would. It returns an error only when the file
// as a whole cannot be read; bad features are in Rejects, one each.
func DecodeBoundaries(data []byte, cat Catalog, opt BoundaryOptions) (*BoundaryResult, error) {
	if cat == nil {
		return nil, errors.New("importer: DecodeBoundaries needs a Catalog")
	}
	if !(opt.Tolerance >= 0) || math.IsInf(opt.Tolerance, 0) {
		return nil, fileErr("import.err.simplify", i18n.Num(fmtNum, opt.Tolerance))
	}
	format := opt.Format
	if format == "" {
		f, ok := SniffBoundaryFormat(data)
		if !ok {
			return nil, fileErr("import.err.boundary.kind", opt.File)
		}
		format = f
	}
	var feats []Feature
	var bad []*FeatureError
	var err error
	switch format {
	case GeoJSON:
		feats, bad, err = decodeGeoJSON(data, opt.IDProperty)
	case TopoJSON:
		feats, bad, err = decodeTopoJSON(data, opt.IDProperty)
	default:
		return nil, fileErr("import.err.boundary.format", string(format))
	}
	if err != nil {
		return nil, inFile("importer.at", opt.File, err)
	}
	res := &BoundaryResult{Features: len(feats) + len(bad)}
	for _, e := range bad {
		e.File = opt.File
		res.Rejects = append(res.Rejects, e)
	}
	seen := map[string]int{}
	for _, f := range feats {
		reject := func(code domain.Code, key string, args ...any) {
			e := featureError(f.Index, f.ID, code, key, args...)
			e.File = opt.File
			res.Rejects = append(res.Rejects, e)
		}
		switch {
		case f.ID == "":
			reject(domain.BadInput, "import.err.feature.noregion", propHint(opt.IDProperty))
			continue
		case !cat.RegionExists(f.ID):
			reject(domain.NotFound, "import.err.feature.undefined", f.ID, nameHint(f.Name))
			continue
		}
		if prev, dup := seen[f.ID]; dup {
			reject(domain.Conflict, "import.err.feature.twice", f.ID, prev)
			continue
		}
		seen[f.ID] = f.Index
		if err := domain.CheckPolygons("polygons", f.Polygons); err != nil && !tooBig(err) {
			if projected(f.Polygons) {
				reject(domain.BadInput, "import.err.feature.projected", errArg(err))
			} else {
				reject(domain.BadInput, "importer.error", errArg(err))
			}
			continue
		}
		polys := Simplify(f.Polygons, opt.Tolerance)
		if err := domain.CheckPolygons("polygons", polys); err != nil {
			reject(domain.BadInput, "import.err.feature.simplified", errArg(err))
			continue
		}
		res.PointsIn += countPoints(f.Polygons)
		res.PointsOut += countPoints(polys)
		res.Commands = append(res.Commands, domain.DefineRegionBoundary{Region: f.ID, Polygons: polys})
	}
	sort.SliceStable(res.Rejects, func(i, j int) bool { return res.Rejects[i].Index < res.Rejects[j].Index })
	return res, nil
}

// tooBig reports whether err is only about the size limits, which
// simplification addresses.
func tooBig(err error) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Field == "polygons" && (strings.Contains(de.Message, "more than") || strings.Contains(de.Message, "at most"))
}

func propHint(p string) any {
	if p == "" {
		return ""
	}
	return i18n.M("import.err.feature.property", p)
}

func nameHint(n string) any {
	if n == "" {
		return ""
	}
	return i18n.M("import.err.feature.named", n)
}

// projected reports the usual cause of coordinates out of range: a file
// in a projected system (GISCO's EPSG:3035 or EPSG:3857 variants).
func projected(polys [][][][]float64) bool {
	for _, poly := range polys {
		for _, ring := range poly {
			for _, p := range ring {
				if len(p) >= 2 && (math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90) {
					return true
				}
			}
		}
	}
	return false
}

func countPoints(polys [][][][]float64) int {
	n := 0
	for _, poly := range polys {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	return n
}

// featureID finds the region code of a feature: the named property, or
// NUTS_ID, the feature's id, an "id" property.
func featureID(idProp string, id json.RawMessage, props map[string]any) string {
	if idProp != "" {
		return scalarText(props[idProp])
	}
	if s := scalarText(props["NUTS_ID"]); s != "" {
		return s
	}
	if len(id) > 0 {
		var v any
		if json.Unmarshal(id, &v) == nil {
			if s := scalarText(v); s != "" {
				return s
			}
		}
	}
	return scalarText(props["id"])
}

func featureName(props map[string]any) string {
	for _, k := range []string{"NAME_LATN", "NUTS_NAME", "name", "NAME"} {
		if s := scalarText(props[k]); s != "" {
			return s
		}
	}
	return ""
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return fmtNum(x)
	}
	return ""
}

// geometry is a GeoJSON geometry object (coordinates kept raw until the
// type is known) or a TopoJSON one (arcs).
type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Arcs        json.RawMessage `json:"arcs"`
	ID          json.RawMessage `json:"id"`
	Properties  map[string]any  `json:"properties"`
	Geometries  []geometry      `json:"geometries"`
}

type geoFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   *geometry       `json:"geometry"`
}

func decodeGeoJSON(data []byte, idProp string) ([]Feature, []*FeatureError, error) {
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, nil, fileErrOf(err, "import.err.geojson.bad", err.Error())
	}
	raws := top.Features
	switch top.Type {
	case "FeatureCollection":
	case "Feature":
		raws = []json.RawMessage{data}
	default:
		return nil, nil, fileErr("import.err.geojson.type", top.Type)
	}
	if len(raws) > maxBoundaryFileFeatures {
		return nil, nil, fileErr("import.err.features", len(raws), maxBoundaryFileFeatures)
	}
	var feats []Feature
	var bad []*FeatureError
	points := 0
	for i, raw := range raws {
		var f geoFeature
		if err := json.Unmarshal(raw, &f); err != nil {
			bad = append(bad, featureError(i, "", domain.BadInput, "import.err.feature.notfeature", err.Error()))
			continue
		}
		id := featureID(idProp, f.ID, f.Properties)
		reject := func(key string, args ...any) {
			bad = append(bad, featureError(i, id, domain.BadInput, key, args...))
		}
		if f.Type != "Feature" {
			reject("import.err.feature.type", f.Type)
			continue
		}
		if f.Geometry == nil {
			reject("import.err.feature.nogeometry")
			continue
		}
		polys, err := geoJSONPolygons(*f.Geometry)
		if err != nil {
			reject("import.err.feature.geometry", errArg(err))
			continue
		}
		if points += countPoints(polys); points > maxBoundaryFilePoints {
			return nil, nil, fileErr("import.err.points.split", maxBoundaryFilePoints)
		}
		feats = append(feats, Feature{Index: i, ID: id, Name: featureName(f.Properties), Polygons: polys})
	}
	return feats, bad, nil
}

// geoJSONPolygons reads a Polygon or MultiPolygon geometry.
func geoJSONPolygons(g geometry) ([][][][]float64, error) {
	switch g.Type {
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, msgErrOf(err, "import.err.polygon.coords", errArg(err))
		}
		return lonLat([][][][]float64{rings})
	case "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, msgErrOf(err, "import.err.multipolygon.coords", errArg(err))
		}
		return lonLat(polys)
	}
	return nil, msgErr("import.err.geometry.type", g.Type)
}

// lonLat keeps the first two numbers of each position (GeoJSON allows an
// altitude third); a position of fewer is an error.
func lonLat(polys [][][][]float64) ([][][][]float64, error) {
	for i, poly := range polys {
		for j, ring := range poly {
			for k, p := range ring {
				if len(p) < 2 {
					return nil, msgErr("import.err.position", i, j, k, len(p))
				}
				ring[k] = p[:2:2]
			}
		}
	}
	return polys, nil
}

// topology is a TopoJSON Topology.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     []float64 `json:"scale"`
		Translate []float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64       `json:"arcs"`
	Objects map[string]geometry `json:"objects"`
}

func decodeTopoJSON(data []byte, idProp string) ([]Feature, []*FeatureError, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, nil, fileErrOf(err, "import.err.topojson.bad", err.Error())
	}
	if t.Type != "Topology" {
		return nil, nil, fileErr("import.err.topojson.type", t.Type)
	}
	arcs, err := t.decodeArcs()
	if err != nil {
		return nil, nil, err
	}
	// Objects in name order, geometries in file order: the index of a
	// feature counts through them all.
	names := make([]string, 0, len(t.Objects))
	for n := range t.Objects {
		names = append(names, n)
	}
	sort.Strings(names)
	var geoms []geometry
	for _, n := range names {
		o := t.Objects[n]
		if o.Type == "GeometryCollection" {
			geoms = append(geoms, o.Geometries...)
		} else {
			geoms = append(geoms, o)
		}
	}
	if len(geoms) > maxBoundaryFileFeatures {
		return nil, nil, fileErr("import.err.geometries", len(geoms), maxBoundaryFileFeatures)
	}
	var feats []Feature
	var bad []*FeatureError
	budget := maxBoundaryFilePoints
	for i, g := range geoms {
		id := featureID(idProp, g.ID, g.Properties)
		polys, err := topoPolygons(g, arcs, &budget)
		if budget < 0 {
			return nil, nil, fileErr("import.err.points.split", maxBoundaryFilePoints)
		}
		if err != nil {
			bad = append(bad, featureError(i, id, domain.BadInput, "import.err.feature.geometry", errArg(err)))
			continue
		}
		feats = append(feats, Feature{Index: i, ID: id, Name: featureName(g.Properties), Polygons: polys})
	}
	return feats, bad, nil
}

// decodeArcs returns the arcs in absolute coordinates: with a transform,
// positions are delta-encoded integers, scaled and translated.
func (t *topology) decodeArcs() ([][][]float64, error) {
	out := make([][][]float64, len(t.Arcs))
	var sx, sy, tx, ty float64 = 1, 1, 0, 0
	if t.Transform != nil {
		if len(t.Transform.Scale) != 2 || len(t.Transform.Translate) != 2 {
			return nil, fileErr("import.err.transform")
		}
		sx, sy = t.Transform.Scale[0], t.Transform.Scale[1]
		tx, ty = t.Transform.Translate[0], t.Transform.Translate[1]
	}
	for i, arc := range t.Arcs {
		pts := make([][]float64, len(arc))
		var x, y float64
		for j, p := range arc {
			if len(p) < 2 {
				return nil, fileErr("import.err.arc.position", i, j, len(p))
			}
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				pts[j] = []float64{x*sx + tx, y*sy + ty}
			} else {
				pts[j] = []float64{p[0], p[1]}
			}
		}
		out[i] = pts
	}
	return out, nil
}

// topoPolygons resolves a Polygon or MultiPolygon geometry's arc indexes
// (~i, that is -i-1, is arc i reversed) into rings, counting the points
// against budget (below 0: too many; the caller stops).
func topoPolygons(g geometry, arcs [][][]float64, budget *int) ([][][][]float64, error) {
	var polys [][][]int
	switch g.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return nil, msgErrOf(err, "import.err.polygon.arcs", errArg(err))
		}
		polys = [][][]int{rings}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return nil, msgErrOf(err, "import.err.multipolygon.arcs", errArg(err))
		}
	default:
		return nil, msgErr("import.err.geometry.type", g.Type)
	}
	out := make([][][][]float64, len(polys))
	for i, poly := range polys {
		out[i] = make([][][]float64, len(poly))
		for j, ring := range poly {
			var pts [][]float64
			for _, a := range ring {
				idx, rev := a, false
				if a < 0 {
					idx, rev = -a-1, true
				}
				if idx >= len(arcs) {
					return nil, msgErr("import.err.arc.index", a, j, len(arcs))
				}
				arc := arcs[idx]
				for k := range arc {
					p := arc[k]
					if rev {
						p = arc[len(arc)-1-k]
					}
					if k == 0 && len(pts) > 0 {
						continue // shared with the previous arc's last point
					}
					pts = append(pts, p)
				}
				if *budget -= len(arc); *budget < 0 {
					return nil, msgErr("import.err.points", maxBoundaryFilePoints)
				}
			}
			out[i][j] = pts
		}
	}
	return out, nil
}

// Simplify returns polys simplified with the Douglas-Peucker algorithm
// (tolerance in degrees), each ring kept closed. A hole or a polygon whose
// ring collapses below 4 points is dropped, except that the polygon with
// the largest extent is always kept (unsimplified if need be). If the
// result still exceeds domain.MaxBoundaryPoints or
// domain.MaxBoundaryPolygons, the tolerance is doubled (from 0.001
// degrees if it was 0) and smaller polygons are dropped until it fits.
// polys is not modified.
func Simplify(polys [][][][]float64, tolerance float64) [][][][]float64 {
	out := simplifyOnce(polys, tolerance)
	for tries := 0; tries < 40 && countPoints(out) > domain.MaxBoundaryPoints; tries++ {
		if tolerance == 0 {
			tolerance = 0.001
		}
		tolerance *= 2
		out = simplifyOnce(polys, tolerance)
	}
	if len(out) > domain.MaxBoundaryPolygons {
		sort.SliceStable(out, func(i, j int) bool { return extent(out[i][0]) > extent(out[j][0]) })
		out = out[:domain.MaxBoundaryPolygons]
	}
	return out
}

func simplifyOnce(polys [][][][]float64, tol float64) [][][][]float64 {
	out := make([][][][]float64, 0, len(polys))
	biggest, biggestExt := -1, -1.0
	for i, poly := range polys {
		if len(poly) > 0 && len(poly[0]) > 0 {
			if e := extent(poly[0]); e > biggestExt {
				biggest, biggestExt = i, e
			}
		}
	}
	for i, poly := range polys {
		var np [][][]float64
		for j, ring := range poly {
			r := simplifyRing(ring, tol)
			if len(r) < 4 {
				if j == 0 {
					if i != biggest {
						break // the polygon vanishes at this tolerance
					}
					r = cloneRing(ring)
				} else {
					continue // the hole vanishes
				}
			}
			np = append(np, r)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// extent is the larger side of a ring's bounding box.
func extent(ring [][]float64) float64 {
	if len(ring) == 0 {
		return 0
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range ring {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	return math.Max(maxX-minX, maxY-minY)
}

func cloneRing(ring [][]float64) [][]float64 {
	out := make([][]float64, len(ring))
	for i, p := range ring {
		out[i] = []float64{p[0], p[1]}
	}
	return out
}

// simplifyRing simplifies a closed ring: the point farthest from the first
// splits it in two open paths, each simplified with Douglas-Peucker.
func simplifyRing(ring [][]float64, tol float64) [][]float64 {
	if tol <= 0 || len(ring) <= 4 {
		return cloneRing(ring)
	}
	far, farD := 0, -1.0
	for i, p := range ring {
		if d := math.Hypot(p[0]-ring[0][0], p[1]-ring[0][1]); d > farD {
			far, farD = i, d
		}
	}
	keep := make([]bool, len(ring))
	keep[0], keep[far], keep[len(ring)-1] = true, true, true
	dp(ring, 0, far, tol, keep)
	dp(ring, far, len(ring)-1, tol, keep)
	out := make([][]float64, 0, 8)
	for i, k := range keep {
		if k {
			out = append(out, []float64{ring[i][0], ring[i][1]})
		}
	}
	return out
}

// dp marks the points of ring[a..b] that Douglas-Peucker keeps (iterative,
// so that long rings cannot exhaust the stack).
func dp(ring [][]float64, a, b int, tol float64, keep []bool) {
	stack := [][2]int{{a, b}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b := s[0], s[1]
		if b-a < 2 {
			continue
		}
		best, bestD := -1, tol
		for i := a + 1; i < b; i++ {
			if d := segDist(ring[i], ring[a], ring[b]); d > bestD {
				best, bestD = i, d
			}
		}
		if best >= 0 {
			keep[best] = true
			stack = append(stack, [2]int{a, best}, [2]int{best, b})
		}
	}
}

// segDist is the distance from p to the segment a-b (in degrees, planar).
func segDist(p, a, b []float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}
