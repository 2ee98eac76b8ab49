package domain

import (
	"cmp"
	"fmt"
	"slices"
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

// periodSet is a sparse bitset over period indexes: the words that have
// a bit set, sorted, so that it grows with the periods recorded, not with
// the span between them.
type periodSet struct {
	words []periodWord
}

// periodWord holds the bits of periods at*64 to at*64+63.
type periodWord struct {
	at   int32
	bits uint64
}

// find returns the index of word at, or where it would be inserted.
func (s *periodSet) find(at int32) (int, bool) {
	// Periods are mostly recorded in order: try the last word first.
	if n := len(s.words); n > 0 && s.words[n-1].at <= at {
		if s.words[n-1].at == at {
			return n - 1, true
		}
		return n, false
	}
	return slices.BinarySearchFunc(s.words, at, func(w periodWord, at int32) int { return cmp.Compare(w.at, at) })
}

func (s *periodSet) has(idx int32) bool {
	i, ok := s.find(idx >> 6)
	return ok && s.words[i].bits&(1<<(uint32(idx)&63)) != 0
}

func (s *periodSet) set(idx int32, on bool) {
	i, ok := s.find(idx >> 6)
	if !ok {
		if !on {
			return
		}
		s.words = slices.Insert(s.words, i, periodWord{at: idx >> 6})
	}
	if on {
		s.words[i].bits |= 1 << (uint32(idx) & 63)
	} else {
		s.words[i].bits &^= 1 << (uint32(idx) & 63)
	}
}
