package projections

import (
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
)

// Series is the read model of observations: one series per (indicator,
// region, dimensions), each a dense array over its periods with, for every
// point, the position at which its current value was recorded, and the
// earlier values of points that were revised or retracted. A query as of a
// position is an index lookup, never a replay.
//
// Its methods are safe for concurrent use.
type Series struct {
	mu          sync.RWMutex
	checkpoint  uint64
	granularity map[string]domain.Granularity // by indicator
	series      map[seriesID]*series
	byIndicator map[string][]*series
}

var _ Projection = (*Series)(nil)

type seriesID struct {
	indicator, region, dims string
}

type series struct {
	id   seriesID
	dims []domain.Dimension
	g    domain.Granularity
	base int32 // period index of slot 0
	// Parallel arrays by slot. pos 0: never recorded. A NaN value is a
	// retraction (recorded values are always finite).
	value []float64
	pos   []uint64
	// history holds superseded versions of a slot, oldest first.
	history map[int32][]version
	// first is the position of the series' first value (0: none yet), so
	// that the series it held as of a position can be listed.
	first uint64
}

type version struct {
	pos   uint64
	value float64
}

// Point is one value of a series.
type Point struct {
	Period string
	Index  int32 // the period's sequence number (domain.Period.Index)
	Value  float64
	// Position is where this value was recorded (or revised).
	Position uint64
}

// SeriesData is a series as a query sees it.
type SeriesData struct {
	Indicator   string
	Region      string
	Dimensions  []domain.Dimension
	Granularity domain.Granularity
	Points      []Point
}

// NewSeries returns an empty series read model.
func NewSeries() *Series {
	return &Series{granularity: map[string]domain.Granularity{}, series: map[seriesID]*series{}, byIndicator: map[string][]*series{}}
}

// Name returns "series".
func (s *Series) Name() string { return "series" }

// Handles reports whether eventType concerns indicators or observations.
func (s *Series) Handles(eventType string) bool {
	switch eventType {
	case domain.TypeIndicatorDefined, domain.TypeObservationsRecorded, domain.TypeObservationRevised, domain.TypeObservationRetracted:
		return true
	}
	return false
}

// Apply applies an indicator or observation event. Its checks run before
// any change, so a failed Apply changes nothing.
func (s *Series) Apply(r domain.Recorded) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch e := r.Event.(type) {
	case domain.IndicatorDefined:
		s.granularity[e.Code] = e.Granularity
	case domain.ObservationsRecorded:
		g, ok := s.granularity[e.Indicator]
		if !ok {
			return fmt.Errorf("observations of undefined indicator %q", e.Indicator)
		}
		idx := make([]int32, len(e.Rows))
		for i, row := range e.Rows {
			p, err := domain.ParsePeriod(g, row.Period)
			if err != nil {
				return fmt.Errorf("rows[%d]: %w", i, err)
			}
			idx[i] = p.Index
		}
		// Batches hold runs of one series: look a series up only when the
		// region changes or the rows have dimensions.
		var ser *series
		for i, row := range e.Rows {
			if ser == nil || row.Region != ser.id.region || len(row.Dimensions) > 0 || ser.id.dims != "" {
				ser = s.get(e.Indicator, row.Region, row.Dimensions, g)
			}
			ser.set(idx[i], row.Value, r.Position)
		}
	case domain.ObservationRevised:
		ser, p, err := s.point(e.Indicator, e.Region, e.Period, e.Dimensions)
		if err != nil {
			return err
		}
		ser.set(p, e.Value, r.Position)
	case domain.ObservationRetracted:
		ser, p, err := s.point(e.Indicator, e.Region, e.Period, e.Dimensions)
		if err != nil {
			return err
		}
		ser.set(p, math.NaN(), r.Position)
	}
	s.checkpoint = r.Position
	return nil
}

func (s *Series) point(ind, region, period string, dims []domain.Dimension) (*series, int32, error) {
	g, ok := s.granularity[ind]
	if !ok {
		return nil, 0, fmt.Errorf("undefined indicator %q", ind)
	}
	p, err := domain.ParsePeriod(g, period)
	if err != nil {
		return nil, 0, err
	}
	return s.get(ind, region, dims, g), p.Index, nil
}

func (s *Series) get(ind, region string, dims []domain.Dimension, g domain.Granularity) *series {
	id := seriesID{ind, region, domain.DimensionsKey(dims)}
	ser := s.series[id]
	if ser == nil {
		ser = &series{id: id, dims: append([]domain.Dimension(nil), dims...), g: g}
		s.series[id] = ser
		s.byIndicator[ind] = append(s.byIndicator[ind], ser)
	}
	return ser
}

// set records value at period index p from position pos, keeping the
// superseded version.
func (ser *series) set(p int32, value float64, pos uint64) {
	i := ser.slot(p)
	ser.noteFirst(pos)
	if ser.pos[i] != 0 {
		if ser.history == nil {
			ser.history = map[int32][]version{}
		}
		ser.history[p] = append(ser.history[p], version{pos: ser.pos[i], value: ser.value[i]})
	}
	ser.value[i], ser.pos[i] = value, pos
}

// noteFirst lowers the position of the series' first value to pos (a
// recorded position, not 0).
func (ser *series) noteFirst(pos uint64) {
	if pos != 0 && (ser.first == 0 || pos < ser.first) {
		ser.first = pos
	}
}

// slot returns the array index of period p, growing the arrays as needed.
func (ser *series) slot(p int32) int {
	if len(ser.value) == 0 {
		ser.base = p
	}
	if p < ser.base {
		grow := int(ser.base - p)
		ser.value = append(make([]float64, grow, grow+len(ser.value)), ser.value...)
		ser.pos = append(make([]uint64, grow, grow+len(ser.pos)), ser.pos...)
		ser.base = p
	}
	i := int(p - ser.base)
	for i >= len(ser.value) {
		ser.value = append(ser.value, 0)
		ser.pos = append(ser.pos, 0)
	}
	return i
}

// at returns the value of slot i (period p) as known at asOf.
func (ser *series) at(i int, p int32, asOf uint64) (float64, uint64, bool) {
	pos := ser.pos[i]
	if pos == 0 {
		return 0, 0, false
	}
	v := ser.value[i]
	if pos > asOf {
		h := ser.history[p]
		j := len(h) - 1
		for j >= 0 && h[j].pos > asOf {
			j--
		}
		if j < 0 {
			return 0, 0, false
		}
		v, pos = h[j].value, h[j].pos
	}
	if math.IsNaN(v) {
		return 0, 0, false // retracted
	}
	return v, pos, true
}

// Advance moves the checkpoint.
func (s *Series) Advance(pos uint64) {
	s.mu.Lock()
	s.checkpoint = pos
	s.mu.Unlock()
}

// Checkpoint returns the last position applied.
func (s *Series) Checkpoint() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.checkpoint
}

// Query selects the points of one series.
type Query struct {
	Indicator string
	Region    string
	// Dimensions in canonical order (domain.CheckDimensions); none selects
	// the series without breakdown.
	Dimensions []domain.Dimension
	// From and To bound the periods (inclusive) when set.
	From, To *int32
	// AsOf answers as of a position; 0 means the latest.
	AsOf uint64
	// NoLabels leaves Point.Period empty, for callers that use only the
	// periods' indexes (formatting a label per point is most of a read's cost).
	NoLabels bool
}

// Get returns the series selected by q, and false if no such series has
// ever been recorded.
func (s *Series) Get(q Query) (SeriesData, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ser, ok := s.series[seriesID{q.Indicator, q.Region, domain.DimensionsKey(q.Dimensions)}]
	if !ok {
		return SeriesData{}, false
	}
	return ser.data(q), true
}

func (ser *series) data(q Query) SeriesData {
	asOf := q.AsOf
	if asOf == 0 {
		asOf = math.MaxUint64
	}
	out := SeriesData{Indicator: ser.id.indicator, Region: ser.id.region, Dimensions: ser.dims, Granularity: ser.g}
	lo, hi := 0, len(ser.value)
	if q.From != nil && int(*q.From-ser.base) > lo {
		lo = int(*q.From - ser.base)
	}
	if q.To != nil && int(*q.To-ser.base)+1 < hi {
		hi = int(*q.To-ser.base) + 1
	}
	for i := lo; i < hi; i++ {
		p := ser.base + int32(i)
		if v, pos, ok := ser.at(i, p, asOf); ok {
			pt := Point{Index: p, Value: v, Position: pos}
			if !q.NoLabels {
				pt.Period = domain.Period{G: ser.g, Index: p}.String()
			}
			out.Points = append(out.Points, pt)
		}
	}
	return out
}

// SeriesKey names one series of an indicator.
type SeriesKey struct {
	Region     string
	Dimensions []domain.Dimension
}

// Keys lists the series of an indicator, by region then dimensions.
func (s *Series) Keys(indicator string) []SeriesKey { return s.KeysAt(indicator, 0) }

// KeysAt lists the series of indicator that held a value recorded at or
// before log position asOf (0: every series), sorted like Keys.
func (s *Series) KeysAt(indicator string, asOf uint64) []SeriesKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.byIndicator[indicator]
	out := make([]SeriesKey, 0, len(list))
	for _, ser := range list {
		if asOf == 0 || (ser.first != 0 && ser.first <= asOf) {
			out = append(out, SeriesKey{Region: ser.id.region, Dimensions: ser.dims})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return domain.DimensionsKey(out[i].Dimensions) < domain.DimensionsKey(out[j].Dimensions)
	})
	return out
}

// Len returns the number of series and of points (current values,
// retracted ones included) held.
func (s *Series) Len() (series, points int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ser := range s.series {
		for _, p := range ser.pos {
			if p != 0 {
				points++
			}
		}
	}
	return len(s.series), points
}

// WriteSnapshot writes the checkpoint and every series in a compact
// binary form.
func (s *Series) WriteSnapshot(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := newEnc(w)
	e.u64(s.checkpoint)
	inds := make([]string, 0, len(s.granularity))
	for ind := range s.granularity {
		inds = append(inds, ind)
	}
	sort.Strings(inds)
	e.u64(uint64(len(inds)))
	for _, ind := range inds {
		e.str(ind)
		e.str(string(s.granularity[ind]))
		list := s.byIndicator[ind]
		e.u64(uint64(len(list)))
		for _, ser := range list {
			e.str(ser.id.region)
			e.u64(uint64(len(ser.dims)))
			for _, d := range ser.dims {
				e.str(d.Key)
				e.str(d.Value)
			}
			e.i64(int64(ser.base))
			e.u64(uint64(len(ser.value)))
			for i := range ser.value {
				e.f64(ser.value[i])
				e.u64(ser.pos[i])
			}
			e.u64(uint64(len(ser.history)))
			for p, h := range ser.history {
				e.i64(int64(p))
				e.u64(uint64(len(h)))
				for _, v := range h {
					e.u64(v.pos)
					e.f64(v.value)
				}
			}
		}
	}
	return e.flush()
}

// ReadSnapshot replaces the state with a snapshot's.
func (s *Series) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	n := NewSeries()
	n.checkpoint = d.u64()
	inds := d.n(1 << 20)
	for k := 0; k < inds && d.err == nil; k++ {
		ind := d.str()
		g := domain.Granularity(d.str())
		if d.err == nil && !g.Valid() {
			return fmt.Errorf("%w: granularity %q", errSnapshotDamaged, g)
		}
		n.granularity[ind] = g
		count := d.n(1 << 28)
		for j := 0; j < count && d.err == nil; j++ {
			region := d.str()
			dims := make([]domain.Dimension, d.n(domain.MaxDimensions))
			for i := range dims {
				dims[i] = domain.Dimension{Key: d.str(), Value: d.str()}
			}
			if len(dims) == 0 {
				dims = nil
			}
			ser := n.get(ind, region, dims, g)
			ser.base = int32(d.i64())
			slots := d.n(1 << 26)
			ser.value = make([]float64, slots)
			ser.pos = make([]uint64, slots)
			for i := 0; i < slots; i++ {
				ser.value[i] = d.f64()
				ser.pos[i] = d.u64()
				ser.noteFirst(ser.pos[i])
			}
			if hn := d.n(1 << 26); hn > 0 {
				ser.history = make(map[int32][]version, hn)
				for i := 0; i < hn; i++ {
					p := int32(d.i64())
					vs := make([]version, d.n(1<<20))
					for x := range vs {
						vs[x] = version{pos: d.u64(), value: d.f64()}
						ser.noteFirst(vs[x].pos)
					}
					ser.history[p] = vs
				}
			}
		}
	}
	if d.err != nil {
		return d.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkpoint, s.granularity, s.series, s.byIndicator = n.checkpoint, n.granularity, n.series, n.byIndicator
	return nil
}
