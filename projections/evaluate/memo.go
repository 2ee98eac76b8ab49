package evaluate

import (
	"sort"
	"sync"

	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/projections"
)

// atPosition is what the estimates of one question asked at one position
// (the hundreds of estimates of a cycle report) share because it does not
// depend on the estimate: each region's whole timeline, the catalogue's
// regions and hierarchy, the region graph, the regions with data of each
// indicator. What it hands out is shared: read it, never change it. Safe
// for concurrent use.
type atPosition struct {
	pos       uint64
	mu        sync.Mutex
	timelines map[string][]projections.Exposure
	withData  map[string]map[string]bool
	points    map[seriesKey][]projections.Point

	regionsOnce sync.Once
	regions     []projections.Region
	children    map[string][]string

	graphOnce sync.Once
	graph     *displacement.Graph
	graphErr  error
}

// AtPosition returns an evaluator that answers as e does and keeps, for
// questions asked as of pos (not 0), what several estimates read alike:
// the timeline of each region, asked once for the whole of time and then
// cut to each estimate's window. Use it for one batch of questions (a
// report), then drop it: it holds the read models as they were at pos,
// which a log position never changes.
func (e *Evaluator) AtPosition(pos uint64) *Evaluator {
	cp := *e
	if pos != 0 {
		cp.shared = &atPosition{pos: pos, timelines: map[string][]projections.Exposure{}, withData: map[string]map[string]bool{}, points: map[seriesKey][]projections.Point{}}
	}
	return &cp
}

// eachExposure calls fn with each of region's exposures that meet
// [from, to] as known at pos (those e.Visible lets through), reading the
// shared timeline when e has one for pos; memo serves the queries of one
// pool otherwise. fn must not keep x.
func (e *Evaluator) eachExposure(region, from, to string, pos uint64, memo *projections.TimelineMemo, fn func(x *projections.Exposure)) {
	sh := e.at(pos)
	if sh == nil {
		list, _ := e.Interventions.Timeline(e.Catalog, projections.TimelineQuery{Region: region, From: from, To: to, AsOf: pos, Visible: e.Visible, Memo: memo})
		for i := range list {
			fn(&list[i])
		}
		return
	}
	sh.mu.Lock()
	all, ok := sh.timelines[region]
	sh.mu.Unlock()
	if !ok {
		// Computed outside the lock: two estimates asking for the same
		// region at once compute the same answer twice, which is cheaper
		// than making every other region wait.
		all, _ = e.Interventions.Timeline(e.Catalog, projections.TimelineQuery{Region: region, AsOf: pos, Visible: e.Visible, Memo: projections.NewTimelineMemo(pos)})
		sh.mu.Lock()
		sh.timelines[region] = all
		sh.mu.Unlock()
	}
	for i := range all {
		if all[i].Meets(from, to) {
			fn(&all[i])
		}
	}
}

// at returns the shared state for asOf, or nil.
func (e *Evaluator) at(asOf uint64) *atPosition {
	if e.shared != nil && e.shared.pos == asOf {
		return e.shared
	}
	return nil
}

// regions returns every region of the catalogue as of asOf, sorted by
// code (shared: read only).
func (e *Evaluator) regions(asOf uint64) []projections.Region {
	sh := e.at(asOf)
	if sh == nil {
		return e.Catalog.RegionsAt("", "", asOf)
	}
	sh.regionsOnce.Do(func() { sh.regions = e.Catalog.RegionsAt("", "", asOf) })
	return sh.regions
}

// children returns each region's children as of asOf (shared: read only).
func (e *Evaluator) children(asOf uint64) map[string][]string {
	sh := e.at(asOf)
	if sh == nil {
		return childrenOf(e.regions(asOf))
	}
	e.regions(asOf)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.children == nil {
		sh.children = childrenOf(sh.regions)
	}
	return sh.children
}

func childrenOf(regions []projections.Region) map[string][]string {
	out := map[string][]string{}
	for _, r := range regions {
		if r.Parent != "" {
			out[r.Parent] = append(out[r.Parent], r.Code)
		}
	}
	return out
}

// regionsWithData returns the regions with a series of indicator (without
// a breakdown) that held a value at asOf (0: the latest); shared: read
// only.
func (e *Evaluator) regionsWithData(indicator string, asOf uint64) map[string]bool {
	sh := e.at(asOf)
	if sh == nil {
		return e.readRegionsWithData(indicator, asOf)
	}
	sh.mu.Lock()
	m, ok := sh.withData[indicator]
	sh.mu.Unlock()
	if !ok {
		m = e.readRegionsWithData(indicator, asOf)
		sh.mu.Lock()
		sh.withData[indicator] = m
		sh.mu.Unlock()
	}
	return m
}

// Graph returns the region graph of the catalogue as of log position asOf
// (0: the latest): every region with its country and level, and every
// link with its kind. It returns an INTERNAL error if the catalogue holds
// a region or link the graph refuses.
func (e *Evaluator) Graph(asOf uint64) (*displacement.Graph, error) {
	sh := e.at(asOf)
	if sh == nil {
		return e.graphOf(asOf)
	}
	sh.graphOnce.Do(func() { sh.graph, sh.graphErr = e.graphOf(asOf) })
	return sh.graph, sh.graphErr
}

type seriesKey struct{ indicator, region string }

// points returns the points (without period labels) of the series of
// indicator in region, without a breakdown, from period index from to to
// (nil: unbounded) as known at asOf; shared: read only.
func (e *Evaluator) points(indicator, region string, from, to *int32, asOf uint64) []projections.Point {
	sh := e.at(asOf)
	if sh == nil {
		d, _ := e.Series.Get(projections.Query{Indicator: indicator, Region: region, From: from, To: to, AsOf: asOf, NoLabels: true})
		return d.Points
	}
	k := seriesKey{indicator, region}
	sh.mu.Lock()
	all, ok := sh.points[k]
	sh.mu.Unlock()
	if !ok {
		d, _ := e.Series.Get(projections.Query{Indicator: indicator, Region: region, AsOf: asOf, NoLabels: true})
		all = d.Points
		sh.mu.Lock()
		sh.points[k] = all
		sh.mu.Unlock()
	}
	lo, hi := 0, len(all)
	if from != nil {
		lo = sort.Search(len(all), func(i int) bool { return all[i].Index >= *from })
	}
	if to != nil {
		hi = sort.Search(len(all), func(i int) bool { return all[i].Index > *to })
	}
	if lo >= hi {
		return nil
	}
	return all[lo:hi:hi]
}
