package projections_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// seriesModel is the plain answer: every version of every point.
type seriesModel map[string]map[int32][]modelVersion

type modelVersion struct {
	pos   uint64
	value float64
}

func (m seriesModel) set(dim string, p int32, v float64, pos uint64) {
	if m[dim] == nil {
		m[dim] = map[int32][]modelVersion{}
	}
	m[dim][p] = append(m[dim][p], modelVersion{pos, v})
}

func (m seriesModel) answer(dim string, from, to *int32, asOf uint64) string {
	var periods []int32
	for p := range m[dim] {
		if (from == nil || p >= *from) && (to == nil || p <= *to) {
			periods = append(periods, p)
		}
	}
	slices.Sort(periods)
	if asOf == 0 {
		asOf = math.MaxUint64
	}
	out := ""
	for _, p := range periods {
		vs := m[dim][p]
		j := len(vs) - 1
		for j >= 0 && vs[j].pos > asOf {
			j--
		}
		if j >= 0 && !math.IsNaN(vs[j].value) {
			out += fmt.Sprintf("%d=%g@%d ", p, vs[j].value, vs[j].pos)
		}
	}
	return out
}

func got(s *projections.Series, dim string, from, to *int32, asOf uint64) string {
	q := projections.Query{Indicator: "d", Region: "R", From: from, To: to, AsOf: asOf, NoLabels: true}
	if dim != "" {
		q.Dimensions = []domain.Dimension{{Key: "k", Value: dim}}
	}
	d, ok := s.Get(q)
	if !ok {
		return ""
	}
	out := ""
	for _, pt := range d.Points {
		out += fmt.Sprintf("%d=%g@%d ", pt.Index, pt.Value, pt.Position)
	}
	return out
}

// TestSeriesRunsMatchAModel applies random batches (dense stretches and
// scattered points, in any order, with and without dimensions), revisions
// and retractions, and compares every answer, as of every position and
// over random period bounds, with a plain model; then again after a
// snapshot round trip.
func TestSeriesRunsMatchAModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		s := projections.NewSeries()
		model := seriesModel{}
		pos := uint64(1)
		if err := s.Apply(domain.Recorded{Event: domain.IndicatorDefined{Code: "d", Granularity: domain.Day}, Position: pos}); err != nil {
			t.Fatal(err)
		}
		dims := []string{"", "a", "b"}
		known := map[string][]int32{}
		period := func() int32 {
			switch rng.IntN(3) {
			case 0:
				return int32(rng.IntN(200)) // a neighbourhood that fills up
			case 1:
				return int32(rng.IntN(140_000) - 62_000) // 1800 to 2200
			}
			return int32(1000 + rng.IntN(400)) // points about maxGap apart
		}
		for step := 0; step < 60; step++ {
			pos++
			dim := dims[rng.IntN(len(dims))]
			var rowDims []domain.Dimension
			if dim != "" {
				rowDims = []domain.Dimension{{Key: "k", Value: dim}}
			}
			var ev any
			if rng.IntN(4) > 0 || len(known[dim]) == 0 {
				rec := domain.ObservationsRecorded{Indicator: "d", Source: "t"}
				seen := map[int32]bool{}
				n := 1 + rng.IntN(40)
				start := period()
				for i := 0; i < n; i++ {
					p := period()
					if rng.IntN(2) == 0 {
						p = start + int32(i) // a dense stretch
						if rng.IntN(3) == 0 {
							p = start - int32(i) // backwards
						}
					}
					if seen[p] {
						continue
					}
					seen[p] = true
					v := float64(rng.IntN(1000)) / 4
					rec.Rows = append(rec.Rows, domain.ObservationRow{Region: "R", Period: domain.Period{G: domain.Day, Index: p}.String(), Value: v, Dimensions: rowDims})
					model.set(dim, p, v, pos)
					known[dim] = append(known[dim], p)
				}
				ev = rec
			} else {
				p := known[dim][rng.IntN(len(known[dim]))]
				label := domain.Period{G: domain.Day, Index: p}.String()
				if rng.IntN(3) == 0 {
					ev = domain.ObservationRetracted{Indicator: "d", Region: "R", Period: label, Dimensions: rowDims, Reason: "r"}
					model.set(dim, p, math.NaN(), pos)
				} else {
					v := float64(rng.IntN(1000)) / 8
					ev = domain.ObservationRevised{Indicator: "d", Region: "R", Period: label, Dimensions: rowDims, Value: v, Reason: "r"}
					model.set(dim, p, v, pos)
				}
			}
			if err := s.Apply(domain.Recorded{Event: ev.(domain.Event), Position: pos}); err != nil {
				t.Fatal(err)
			}
		}
		var snap bytes.Buffer
		if err := s.WriteSnapshot(&snap); err != nil {
			t.Fatal(err)
		}
		restored := projections.NewSeries()
		if err := restored.ReadSnapshot(bytes.NewReader(snap.Bytes())); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*projections.Series{s, restored} {
			_, points := s.Len()
			want := 0
			for _, ps := range model {
				want += len(ps)
			}
			if points != want {
				t.Fatalf("seed %d: %d points held, want %d", seed, points, want)
			}
			for q := 0; q < 300; q++ {
				dim := dims[rng.IntN(len(dims))]
				var from, to *int32
				if rng.IntN(2) == 0 {
					f := period()
					from = &f
				}
				if rng.IntN(2) == 0 {
					x := period()
					to = &x
				}
				asOf := uint64(rng.IntN(int(pos) + 2))
				if w, g := model.answer(dim, from, to, asOf), got(s, dim, from, to, asOf); w != g {
					t.Fatalf("seed %d, series %q, from %v to %v as of %d:\n got %s\nwant %s", seed, dim, from, to, asOf, g, w)
				}
			}
		}
	}
}

// FuzzSeriesSnapshot: a series snapshot, damaged or not, is read without
// panic or a huge allocation; what reads writes back to what reads the
// same.
func FuzzSeriesSnapshot(f *testing.F) {
	s := projections.NewSeries()
	_ = s.Apply(domain.Recorded{Event: domain.IndicatorDefined{Code: "d", Granularity: domain.Month}, Position: 1})
	_ = s.Apply(domain.Recorded{Event: domain.ObservationsRecorded{Indicator: "d", Source: "s", Rows: []domain.ObservationRow{
		{Region: "R", Period: "2020-01", Value: 1}, {Region: "R", Period: "2020-03", Value: 2}, {Region: "R", Period: "2090-03", Value: 3},
		{Region: "R", Period: "2020-01", Value: 4, Dimensions: []domain.Dimension{{Key: "k", Value: "v"}}}}}, Position: 2})
	_ = s.Apply(domain.Recorded{Event: domain.ObservationRevised{Indicator: "d", Region: "R", Period: "2020-03", Value: 5, Reason: "r"}, Position: 3})
	var b bytes.Buffer
	if err := s.WriteSnapshot(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:len(b.Bytes())/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := projections.NewSeries()
		if err := s.ReadSnapshot(bytes.NewReader(data)); err != nil {
			return
		}
		var again bytes.Buffer
		if err := s.WriteSnapshot(&again); err != nil {
			t.Fatal(err)
		}
		back := projections.NewSeries()
		if err := back.ReadSnapshot(bytes.NewReader(again.Bytes())); err != nil {
			t.Fatalf("a snapshot written from a read one does not read: %v", err)
		}
		n1, p1 := s.Len()
		n2, p2 := back.Len()
		if n1 != n2 || p1 != p2 {
			t.Fatalf("round trip: %d series %d points, then %d and %d", n1, p1, n2, p2)
		}
	})
}
