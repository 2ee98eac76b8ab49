package domain

import "context"

// region is the aggregate of stream region-{code}.
type region struct {
	commandLog
	defined RegionDefined
	exists  bool
	// links holds the links this region owns (where it is the A side),
	// keyed by the other region and kind.
	links map[regionLink]bool
}

type regionLink struct {
	other string
	kind  LinkKind
}

func newRegion() *region { return &region{links: map[regionLink]bool{}} }

func (r *region) apply(rec Recorded) error {
	switch e := rec.Event.(type) {
	case RegionDefined:
		r.defined, r.exists = e, true
	case RegionsLinked:
		r.links[regionLink{e.B, e.Kind}] = true
	}
	return nil
}

// RegionInfo is what other aggregates' decisions need to know of a region.
type RegionInfo struct {
	Code    string
	Country string
	Level   RegionLevel
}

// lookupRegion returns the region's info, or a NotFound error naming field.
func (s *Service) lookupRegion(ctx context.Context, field, code string) (RegionInfo, error) {
	var info RegionInfo
	found := false
	err := view(ctx, s, RegionStream(code), newRegion, func(r *region, _ int64) {
		if r.exists {
			found = true
			info = RegionInfo{Code: code, Country: r.defined.Country, Level: r.defined.Level}
		}
	})
	if err != nil {
		return info, err
	}
	if !found {
		return info, Errorm(NotFound, field, "domain.err.region.undefined", code)
	}
	return info, nil
}

// lookupRegions checks that every code names a defined region.
func (s *Service) lookupRegions(ctx context.Context, field string, codes []string) error {
	for i, c := range codes {
		if _, err := s.lookupRegion(ctx, field+"["+itoa(i)+"]", c); err != nil {
			return err
		}
	}
	return nil
}
