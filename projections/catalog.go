package projections

import (
	"encoding/gob"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
)

// Region is a region as the catalogue knows it.
type Region struct {
	Code     string
	Name     string
	Country  string
	Level    domain.RegionLevel
	Parent   string
	Position uint64 // where it was defined
	Links    []Link
	// Boundaries holds the region's outlines in log order; the last one
	// is the boundary (see [Region.Boundary]).
	Boundaries []Boundary
}

// Boundary is one recorded outline of a region.
type Boundary struct {
	// Polygons are GeoJSON MultiPolygon coordinates ([lon, lat] degrees).
	Polygons [][][][]float64
	Source   string
	Position uint64
}

// Boundary returns the region's latest boundary (as of the position the
// region was read at), false if it has none.
func (r Region) Boundary() (Boundary, bool) {
	if len(r.Boundaries) == 0 {
		return Boundary{}, false
	}
	return r.Boundaries[len(r.Boundaries)-1], true
}

// Link is one neighbour of a region.
type Link struct {
	Region   string
	Kind     domain.LinkKind
	Position uint64
	// AsOf is the position the region holding the link was read at (0:
	// the latest), so that the neighbour is read at the same position.
	AsOf uint64 `json:"-"`
}

// Indicator is an indicator definition with where it was defined.
type Indicator struct {
	domain.IndicatorDefined
	Position uint64
	// ScaleInferred is set when the definition states no scale (it was
	// recorded before definitions had one, or sent without): Scale is then
	// domain.InferScale of its unit and family, and the population, if
	// any, is found by name (see [Catalog.PopulationOf]).
	ScaleInferred bool
}

// upcast fills in what a definition recorded without a scale lacks.
func upcast(i *Indicator) {
	if i.Scale == "" {
		i.Scale, i.ScaleInferred = domain.InferScale(i.Unit, i.Family), true
	}
}

// PopulationOf returns the population indicator of ind as of log position
// asOf (0: the latest): the one its definition names, if defined by then.
// A definition that states no scale (see [Indicator.ScaleInferred]) names
// no population either; for those, as before definitions had one, it is
// the first CONTEXT indicator by code whose code or name contains
// "population" (in any case), and inferred is true.
func (c *Catalog) PopulationOf(ind Indicator, asOf uint64) (pop Indicator, inferred, ok bool) {
	if ind.Population != "" {
		pop, ok = c.IndicatorAt(ind.Population, asOf)
		return pop, false, ok
	}
	if !ind.ScaleInferred {
		return Indicator{}, false, false
	}
	for _, p := range c.IndicatorsAt(domain.FamilyContext, asOf) {
		if strings.Contains(strings.ToLower(p.Code), "population") || strings.Contains(strings.ToLower(p.Name), "population") {
			return p, true, true
		}
	}
	return Indicator{}, false, false
}

// Catalog is the read model of regions, the region graph and indicators,
// with their history: every region, link and indicator carries the log
// position it was recorded at, and the *At methods answer as of a
// position (see [Catalog.RegionsAt]). Snapshots keep those positions.
// Its methods are safe for concurrent use; results are copies.
type Catalog struct {
	mu         sync.RWMutex
	checkpoint uint64
	regions    map[string]*Region
	indicators map[string]*Indicator
	version    uint64 // see Version
}

var _ Projection = (*Catalog)(nil)

// NewCatalog returns an empty catalogue.
func NewCatalog() *Catalog {
	return &Catalog{regions: map[string]*Region{}, indicators: map[string]*Indicator{}, version: nextStamp()}
}

// Version returns a number that changes whenever the catalogue changes
// (a region or indicator defined, regions linked), and only then; it
// only ever increases.
func (c *Catalog) Version() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

// Name returns "catalog".
func (c *Catalog) Name() string { return "catalog" }

// Handles reports whether eventType defines, links or outlines regions or defines indicators.
func (c *Catalog) Handles(eventType string) bool {
	switch eventType {
	case domain.TypeRegionDefined, domain.TypeRegionsLinked, domain.TypeIndicatorDefined, domain.TypeRegionBoundaryDefined:
		return true
	}
	return false
}

// Apply applies a catalogue event.
func (c *Catalog) Apply(r domain.Recorded) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := r.Event.(type) {
	case domain.RegionDefined:
		c.regions[e.Code] = &Region{Code: e.Code, Name: e.Name, Country: e.Country, Level: e.Level, Parent: e.Parent, Position: r.Position}
	case domain.RegionsLinked:
		a, b := c.regions[e.A], c.regions[e.B]
		if a != nil && b != nil {
			a.Links = append(a.Links, Link{Region: e.B, Kind: e.Kind, Position: r.Position})
			b.Links = append(b.Links, Link{Region: e.A, Kind: e.Kind, Position: r.Position})
		}
	case domain.RegionBoundaryDefined:
		if reg := c.regions[e.Region]; reg != nil {
			reg.Boundaries = append(reg.Boundaries, Boundary{Polygons: e.Polygons, Source: e.Source, Position: r.Position})
		}
	case domain.IndicatorDefined:
		i := &Indicator{IndicatorDefined: e, Position: r.Position}
		upcast(i)
		c.indicators[e.Code] = i
	}
	c.version = nextStamp()
	c.checkpoint = r.Position
	return nil
}

// Advance moves the checkpoint.
func (c *Catalog) Advance(pos uint64) {
	c.mu.Lock()
	c.checkpoint = pos
	c.mu.Unlock()
}

// Checkpoint returns the last position applied.
func (c *Catalog) Checkpoint() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.checkpoint
}

// Regions lists regions at the latest state; see [Catalog.RegionsAt].
func (c *Catalog) Regions(country string, level domain.RegionLevel) []Region {
	return c.RegionsAt(country, level, 0)
}

// RegionsAt lists the regions defined at or before log position asOf (0:
// the latest state), with the links recorded at or before it, filtered
// by country and level when not empty, sorted by code.
//
// Definitions and links are never changed or removed once recorded (a
// region or indicator is defined once, a pair linked once per kind), so
// each carries the position it was recorded at and the catalogue's state
// as of a position is the entries at or before it: the whole history is
// held, and a query as of a position is a filter, never a replay.
func (c *Catalog) RegionsAt(country string, level domain.RegionLevel, asOf uint64) []Region {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := []Region{}
	for _, r := range c.regions {
		if visibleAt(r.Position, asOf) && (country == "" || r.Country == country) && (level == "" || r.Level == level) {
			out = append(out, copyRegion(r, asOf))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Region returns one region at the latest state; see [Catalog.RegionAt].
func (c *Catalog) Region(code string) (Region, bool) { return c.RegionAt(code, 0) }

// RegionAt returns region code as known at log position asOf (0: the
// latest state): false if it was not defined by then; its links are those
// recorded at or before asOf.
func (c *Catalog) RegionAt(code string, asOf uint64) (Region, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.regions[code]
	if !ok || !visibleAt(r.Position, asOf) {
		return Region{}, false
	}
	return copyRegion(r, asOf), true
}

// visibleAt reports whether an entry recorded at pos is part of the state
// as of asOf (0: the latest state).
func visibleAt(pos, asOf uint64) bool { return asOf == 0 || pos <= asOf }

func copyRegion(r *Region, asOf uint64) Region {
	out := *r
	out.Links = make([]Link, 0, len(r.Links))
	for _, l := range r.Links {
		if visibleAt(l.Position, asOf) {
			l.AsOf = asOf
			out.Links = append(out.Links, l)
		}
	}
	if len(out.Links) == 0 {
		out.Links = nil
	}
	out.Boundaries = nil
	for _, b := range r.Boundaries {
		if visibleAt(b.Position, asOf) {
			out.Boundaries = append(out.Boundaries, b)
		}
	}
	return out
}

// Indicators lists indicators at the latest state; see [Catalog.IndicatorsAt].
func (c *Catalog) Indicators(family domain.Family) []Indicator {
	return c.IndicatorsAt(family, 0)
}

// IndicatorsAt lists the indicators defined at or before log position
// asOf (0: the latest state), of one family when not empty, by code.
func (c *Catalog) IndicatorsAt(family domain.Family, asOf uint64) []Indicator {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := []Indicator{}
	for _, i := range c.indicators {
		if visibleAt(i.Position, asOf) && (family == "" || i.Family == family) {
			out = append(out, *i)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Indicator returns one indicator at the latest state; see [Catalog.IndicatorAt].
func (c *Catalog) Indicator(code string) (Indicator, bool) { return c.IndicatorAt(code, 0) }

// IndicatorAt returns indicator code as defined at or before log position
// asOf (0: the latest state); false if it was not defined by then.
func (c *Catalog) IndicatorAt(code string, asOf uint64) (Indicator, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, ok := c.indicators[code]
	if !ok || !visibleAt(i.Position, asOf) {
		return Indicator{}, false
	}
	return *i, true
}

type catalogSnapshot struct {
	Regions    map[string]*Region
	Indicators map[string]*Indicator
}

// WriteSnapshot writes the checkpoint and the catalogue.
func (c *Catalog) WriteSnapshot(w io.Writer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := newEnc(w)
	e.u64(c.checkpoint)
	if err := e.flush(); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(catalogSnapshot{Regions: c.regions, Indicators: c.indicators})
}

// ReadSnapshot replaces the catalogue with a snapshot's.
func (c *Catalog) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	cp := d.u64()
	if d.err != nil {
		return d.err
	}
	var s catalogSnapshot
	if err := gob.NewDecoder(d.r).Decode(&s); err != nil {
		return err
	}
	if s.Regions == nil {
		s.Regions = map[string]*Region{}
	}
	if s.Indicators == nil {
		s.Indicators = map[string]*Indicator{}
	}
	for _, i := range s.Indicators {
		upcast(i) // a snapshot written before definitions had a scale
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checkpoint, c.regions, c.indicators, c.version = cp, s.Regions, s.Indicators, nextStamp()
	return nil
}
