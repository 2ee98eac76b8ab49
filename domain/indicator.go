package domain

import (
	"fmt"
)

// indicator is the aggregate of stream indicator-{code}: the definition
// and which observations exist, so that duplicates, revisions and
// retractions are checked against what was recorded.
type indicator struct {
	commandLog
	def    IndicatorDefined
	exists bool
	series map[string]*periodSet // by SeriesKey(region, dimensions)
}

func newIndicator() *indicator { return &indicator{series: map[string]*periodSet{}} }

// SeriesKey identifies a series of an indicator: region and canonical
// dimensions.
func SeriesKey(region string, canonicalDims []Dimension) string {
	if len(canonicalDims) == 0 {
		return region
	}
	return region + "|" + DimensionsKey(canonicalDims)
}

func (a *indicator) apply(rec Recorded) error {
	switch e := rec.Event.(type) {
	case IndicatorDefined:
		a.def, a.exists = e, true
	case ObservationsRecorded:
		for i, row := range e.Rows {
			p, err := ParsePeriod(a.def.Granularity, row.Period)
			if err != nil {
				return fmt.Errorf("rows[%d]: %w", i, err)
			}
			a.set(SeriesKey(row.Region, row.Dimensions), p.Index, true)
		}
	case ObservationRetracted:
		p, err := ParsePeriod(a.def.Granularity, e.Period)
		if err != nil {
			return err
		}
		a.set(SeriesKey(e.Region, e.Dimensions), p.Index, false)
	}
	return nil
}

func (a *indicator) set(key string, idx int32, on bool) {
	ps := a.series[key]
	if ps == nil {
		if !on {
			return
		}
		ps = &periodSet{}
		a.series[key] = ps
	}
	ps.set(idx, on)
}

func (a *indicator) has(key string, idx int32) bool {
	ps := a.series[key]
	return ps != nil && ps.has(idx)
}

// periodSet is a bitset over period indexes.
type periodSet struct {
	base  int32 // index of bit 0 of words[0]; a multiple of 64
	words []uint64
}

func (s *periodSet) has(idx int32) bool {
	off := int64(idx) - int64(s.base)
	if off < 0 || off >= int64(len(s.words))*64 {
		return false
	}
	return s.words[off/64]&(1<<(uint(off)%64)) != 0
}

func (s *periodSet) set(idx int32, on bool) {
	if len(s.words) == 0 {
		s.base = int32(floorDiv(int(idx), 64) * 64)
	}
	off := int64(idx) - int64(s.base)
	if off < 0 {
		// Grow towards earlier periods.
		grow := int((-off + 63) / 64)
		s.words = append(make([]uint64, grow), s.words...)
		s.base -= int32(grow * 64)
		off = int64(idx) - int64(s.base)
	}
	for off >= int64(len(s.words))*64 {
		s.words = append(s.words, 0)
	}
	if on {
		s.words[off/64] |= 1 << (uint(off) % 64)
	} else {
		s.words[off/64] &^= 1 << (uint(off) % 64)
	}
}
