package projections

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
)

// Series is the read model of observations: one series per (indicator,
// region, dimensions), each held as runs, dense arrays over consecutive
// periods, with, for every point, the position at which its current value
// was recorded, and the earlier values of points that were revised or
// retracted. A query as of a position is an index lookup, never a replay.
//
// Memory grows with the points recorded, not with the span of periods
// between them: a point more than maxGap periods away from every run
// starts a run of its own, so a run holds at most maxGap empty slots
// between two points (and a bounded slack before its first one). A
// monthly series recorded without holes is one run, as compact as a plain
// array.
//
// Its methods are safe for concurrent use.
type Series struct {
	mu          sync.RWMutex
	checkpoint  uint64
	granularity map[string]domain.Granularity // by indicator
	series      map[seriesID]*series
	byIndicator map[string][]*series
	// changed holds the stamp (nextStamp) of the last change to the
	// series of an indicator in a region; reset the stamp of the last
	// wholesale replacement (ReadSnapshot), for those not changed since.
	changed map[regionKey]uint64
	reset   uint64
}

var _ Projection = (*Series)(nil)

type seriesID struct {
	indicator, region, dims string
}

// maxGap is the longest stretch of empty periods kept inside a run: a
// point farther than this from every run starts a new run. Runs of a
// series are separated by more than maxGap periods, and an empty slot
// costs 16 bytes, so a series holds at most (maxGap+1) slots per point.
const maxGap = 8

type series struct {
	id   seriesID
	dims []domain.Dimension
	g    domain.Granularity
	// runs is sorted by base and disjoint.
	runs []run
	// history holds superseded versions of a period, oldest first.
	history map[int32][]version
	// first is the position of the series' first value (0: none yet), so
	// that the series it held as of a position can be listed.
	first uint64
}

// run is a dense stretch of a series: parallel arrays by slot, slot i
// holding period base+i. pos 0: never recorded. A NaN value is a
// retraction (recorded values are always finite).
type run struct {
	base  int32
	value []float64
	pos   []uint64
}

// end returns the period index just after the run's last slot.
func (r *run) end() int32 { return r.base + int32(len(r.value)) }

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
	return &Series{granularity: map[string]domain.Granularity{}, series: map[seriesID]*series{}, byIndicator: map[string][]*series{},
		changed: map[regionKey]uint64{}, reset: nextStamp()}
}

// Version returns a number that changes whenever a value of indicator in
// region changes (any breakdown, recorded, revised or retracted), and
// only then: an answer computed from those series alone stays exact while
// the version is the same. Versions only ever increase.
func (s *Series) Version(indicator, region string) uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return max(s.changed[regionKey{indicator, region}], s.reset)
}

// touch notes a change to the series of indicator in region (s.mu held).
func (s *Series) touch(indicator, region string, stamp uint64) {
	s.changed[regionKey{indicator, region}] = stamp
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
		// region changes or the rows have dimensions, and make room for a
		// run of rows at once when its periods are dense enough.
		var ser *series
		stamp := nextStamp()
		for i := 0; i < len(e.Rows); {
			row := e.Rows[i]
			if ser == nil || row.Region != ser.id.region || len(row.Dimensions) > 0 || ser.id.dims != "" {
				ser = s.get(e.Indicator, row.Region, row.Dimensions, g)
				s.touch(e.Indicator, row.Region, stamp)
			}
			j := i + 1
			if len(row.Dimensions) == 0 {
				lo, hi := idx[i], idx[i]
				for j < len(e.Rows) && e.Rows[j].Region == row.Region && len(e.Rows[j].Dimensions) == 0 {
					lo, hi = min(lo, idx[j]), max(hi, idx[j])
					j++
				}
				if j-i > 1 && int64(hi)-int64(lo)+1 <= int64(j-i)*(maxGap+1) {
					ser.cover(lo, hi)
				}
			}
			for ; i < j; i++ {
				ser.set(idx[i], e.Rows[i].Value, r.Position)
			}
		}
	case domain.ObservationRevised:
		ser, p, err := s.point(e.Indicator, e.Region, e.Period, e.Dimensions)
		if err != nil {
			return err
		}
		ser.set(p, e.Value, r.Position)
		s.touch(e.Indicator, e.Region, nextStamp())
	case domain.ObservationRetracted:
		ser, p, err := s.point(e.Indicator, e.Region, e.Period, e.Dimensions)
		if err != nil {
			return err
		}
		ser.set(p, math.NaN(), r.Position)
		s.touch(e.Indicator, e.Region, nextStamp())
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
	r, i := ser.slot(p)
	ser.noteFirst(pos)
	if r.pos[i] != 0 {
		if ser.history == nil {
			ser.history = map[int32][]version{}
		}
		ser.history[p] = append(ser.history[p], version{pos: r.pos[i], value: r.value[i]})
	}
	r.value[i], r.pos[i] = value, pos
}

// noteFirst lowers the position of the series' first value to pos (a
// recorded position, not 0).
func (ser *series) noteFirst(pos uint64) {
	if pos != 0 && (ser.first == 0 || pos < ser.first) {
		ser.first = pos
	}
}

// slot returns the run and the index in it of period p, making room as
// needed.
func (ser *series) slot(p int32) (*run, int) {
	// Observations mostly arrive in period order: try the last run first.
	if n := len(ser.runs); n > 0 {
		if r := &ser.runs[n-1]; p >= r.base && p < r.end() {
			return r, int(p - r.base)
		}
	}
	r := &ser.runs[ser.cover(p, p)]
	return r, int(p - r.base)
}

// cover makes one run hold every period from lo to hi, merging into it
// the runs within maxGap periods of that range, and returns its index.
func (ser *series) cover(lo, hi int32) int {
	runs := ser.runs
	// runs[i:j] are the runs that overlap [lo, hi] or lie within maxGap of it.
	i := sort.Search(len(runs), func(k int) bool { return int64(runs[k].end())+maxGap >= int64(lo) })
	j := i
	for j < len(runs) && int64(runs[j].base) <= int64(hi)+maxGap+1 {
		j++
	}
	if j == i {
		n := int(hi-lo) + 1
		ser.runs = slices.Insert(ser.runs, i, run{base: lo, value: make([]float64, n), pos: make([]uint64, n)})
		return i
	}
	first, last := &runs[i], &runs[j-1]
	if j == i+1 && first.base <= lo && hi < first.end() {
		return i
	}
	newLo, newHi := min(lo, first.base), max(hi, last.end()-1)
	if newLo == first.base {
		// Growing at the end (amortised by append), taking in the runs after.
		old := len(first.value)
		grow := int(newHi-first.end()) + 1
		first.value = slices.Grow(first.value, grow)[:old+grow]
		first.pos = slices.Grow(first.pos, grow)[:old+grow]
		clear(first.value[old:])
		clear(first.pos[old:])
		for _, r := range runs[i+1 : j] {
			copy(first.value[r.base-first.base:], r.value)
			copy(first.pos[r.base-first.base:], r.pos)
		}
		ser.runs = slices.Delete(ser.runs, i+1, j)
		return i
	}
	if lo == hi {
		// One period before a run: points recorded backwards one at a time
		// would copy the run each time; leave room for more (at most a
		// quarter of the run, and never reaching the run before).
		floor := int64(math.MinInt32)
		if i > 0 {
			floor = int64(runs[i-1].end())
		}
		newLo = int32(max(int64(newLo)-int64(newHi-newLo+1)/4, floor))
	}
	n := int(newHi-newLo) + 1
	merged := run{base: newLo, value: make([]float64, n), pos: make([]uint64, n)}
	for _, r := range runs[i:j] {
		copy(merged.value[r.base-newLo:], r.value)
		copy(merged.pos[r.base-newLo:], r.pos)
	}
	ser.runs = slices.Replace(ser.runs, i, j, merged)
	return i
}

// at returns the value of slot i (period p) of run r as known at asOf.
func (ser *series) at(r *run, i int, p int32, asOf uint64) (float64, uint64, bool) {
	pos := r.pos[i]
	if pos == 0 {
		return 0, 0, false
	}
	v := r.value[i]
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
	runs := ser.runs
	k := 0
	if q.From != nil {
		from := *q.From
		k = sort.Search(len(runs), func(k int) bool { return runs[k].end() > from })
	}
	// The slots of each run that q selects: [lo, hi).
	bounds := func(r *run) (lo, hi int) {
		lo, hi = 0, len(r.value)
		if q.From != nil && int(*q.From)-int(r.base) > lo {
			lo = int(*q.From) - int(r.base)
		}
		if q.To != nil && int(*q.To)-int(r.base)+1 < hi {
			hi = int(*q.To) - int(r.base) + 1
		}
		return lo, hi
	}
	slots := 0 // an upper bound of the points, to allocate them once
	for j := k; j < len(runs) && (q.To == nil || *q.To >= runs[j].base); j++ {
		lo, hi := bounds(&runs[j])
		slots += max(hi-lo, 0)
	}
	out.Points = make([]Point, 0, slots)
	for ; k < len(runs); k++ {
		r := &runs[k]
		if q.To != nil && *q.To < r.base {
			break
		}
		lo, hi := bounds(r)
		for i := lo; i < hi; i++ {
			p := r.base + int32(i)
			if v, pos, ok := ser.at(r, i, p, asOf); ok {
				pt := Point{Index: p, Value: v, Position: pos}
				if !q.NoLabels {
					pt.Period = domain.Period{G: ser.g, Index: p}.String()
				}
				out.Points = append(out.Points, pt)
			}
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
		for _, r := range ser.runs {
			for _, p := range r.pos {
				if p != 0 {
					points++
				}
			}
		}
	}
	return len(s.series), points
}

// seriesSnapshotV2 follows the checkpoint in a series snapshot: the
// format with runs ("SERIES02"). The first format (a dense array per
// series) had the number of indicators there; such a snapshot is refused,
// and the read model rebuilt from the log.
const seriesSnapshotV2 = 0x3230534549524553

// errSnapshotFormat: a snapshot in an earlier format.
var errSnapshotFormat = errors.New("snapshot in an earlier format")

// WriteSnapshot writes the checkpoint and every series in a compact
// binary form: per run its first period and length, then per slot the
// position (a varint: 0 for an empty slot, else the difference from the
// run's previous position) and, for a recorded slot, the value.
func (s *Series) WriteSnapshot(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := newEnc(w)
	e.u64(s.checkpoint)
	e.u64(seriesSnapshotV2)
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
			e.u64(uint64(len(ser.runs)))
			for k := range ser.runs {
				r := &ser.runs[k]
				e.i64(int64(r.base))
				e.u64(uint64(len(r.value)))
				prev := uint64(0)
				for i, pos := range r.pos {
					if pos == 0 {
						e.uvarint(0)
						continue
					}
					e.uvarint(zigzag(int64(pos-prev)) + 1)
					e.f64(r.value[i])
					prev = pos
				}
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

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// ReadSnapshot replaces the state with a snapshot's.
func (s *Series) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	n := NewSeries()
	n.checkpoint = d.u64()
	if tag := d.u64(); d.err == nil && tag != seriesSnapshotV2 {
		return fmt.Errorf("series: %w (dense series); rebuilding from the log", errSnapshotFormat)
	}
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
			if err := ser.readRuns(d); err != nil {
				return err
			}
			if hn := d.n(1 << 26); hn > 0 {
				ser.history = make(map[int32][]version, min(hn, 1024))
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
	s.changed, s.reset = map[regionKey]uint64{}, nextStamp()
	return nil
}

// readRuns reads the runs of ser, checking that they are sorted and
// disjoint.
func (ser *series) readRuns(d *dec) error {
	nr := d.n(1 << 26)
	if d.err != nil {
		return d.err
	}
	ser.runs = make([]run, 0, min(nr, 1024))
	end := int64(math.MinInt32)
	for k := 0; k < nr && d.err == nil; k++ {
		base := d.i64()
		slots := d.n(1 << 26)
		if d.err != nil {
			break
		}
		if base < end || base+int64(slots) > math.MaxInt32 || slots == 0 {
			return fmt.Errorf("%w: run at period %d of %d slots", errSnapshotDamaged, base, slots)
		}
		end = base + int64(slots)
		// Every slot takes at least a byte: the arrays grow as they are
		// read, so a damaged length cannot make a huge allocation.
		c := min(slots, 4096)
		r := run{base: int32(base), value: make([]float64, 0, c), pos: make([]uint64, 0, c)}
		prev := uint64(0)
		for i := 0; i < slots && d.err == nil; i++ {
			c := d.uvarint()
			if c == 0 {
				r.value, r.pos = append(r.value, 0), append(r.pos, 0)
				continue
			}
			prev += uint64(unzigzag(c - 1))
			if prev == 0 {
				return fmt.Errorf("%w: position 0 recorded", errSnapshotDamaged)
			}
			r.value, r.pos = append(r.value, d.f64()), append(r.pos, prev)
			ser.noteFirst(prev)
		}
		ser.runs = append(ser.runs, r)
	}
	return d.err
}
