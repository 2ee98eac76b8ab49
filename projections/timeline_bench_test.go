package projections_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// timelinePanel builds the catalogue and interventions of a 2,000-region
// panel: 20 countries of 100 regions, each region linked to the next two
// of its country, 2,000 operations of 3 regions each with a scope change
// and a conclusion, and one policy per country, amended and repealed.
func timelinePanel(tb testing.TB) (*projections.Catalog, *projections.Interventions) {
	cat, ivs := projections.NewCatalog(), projections.NewInterventions()
	pos := uint64(0)
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	apply := func(p projections.Projection, e domain.Event) {
		pos++
		if err := p.Apply(domain.Recorded{Event: e, Position: pos, Meta: domain.Metadata{RecordedAt: at}}); err != nil {
			tb.Fatal(err)
		}
	}
	code := func(c, r int) string { return fmt.Sprintf("C%02dR%03d", c, r) }
	for c := 0; c < 20; c++ {
		apply(cat, domain.RegionDefined{Code: fmt.Sprintf("C%02d", c), Name: "country", Country: fmt.Sprintf("C%02d", c), Level: domain.RegionLevelCountry})
		for r := 0; r < 100; r++ {
			apply(cat, domain.RegionDefined{Code: code(c, r), Name: "region", Country: fmt.Sprintf("C%02d", c), Level: domain.RegionLevelNuts2, Parent: fmt.Sprintf("C%02d", c)})
		}
		for r := 0; r < 100; r++ {
			apply(cat, domain.RegionsLinked{A: code(c, r), B: code(c, (r+1)%100), Kind: domain.LinkKindLandBorder})
			apply(cat, domain.RegionsLinked{A: code(c, r), B: code(c, (r+2)%100), Kind: domain.LinkKindLandBorder})
		}
	}
	for i := 0; i < 2000; i++ {
		c, r := i%20, (i*7)%100
		id := fmt.Sprintf("OP-%04d", i)
		start := fmt.Sprintf("%04d-%02d-01", 2000+i%25, 1+i%12)
		apply(ivs, domain.OperationLaunched{ID: id, Title: "op", Kind: domain.OperationKind("PORT_CONTROL"),
			Regions: []string{code(c, r), code(c, (r+3)%100), code(c, (r+5)%100)}, Start: start, Classification: domain.ClassificationPublic})
		apply(ivs, domain.OperationScopeChanged{ID: id, Added: []string{code(c, (r+9)%100)}, Removed: []string{code(c, (r+3)%100)}, Reason: "moved"})
		apply(ivs, domain.OperationConcluded{ID: id, End: fmt.Sprintf("%04d-12-31", 2000+i%25+2)})
	}
	for c := 0; c < 20; c++ {
		id := fmt.Sprintf("POL-%02d", c)
		apply(ivs, domain.PolicyChangeAdopted{ID: id, Title: "law", Kind: domain.PolicyKind("PRECURSOR_CONTROL"),
			Jurisdictions: []string{fmt.Sprintf("C%02d", c)}, Adopted: "2010-01-01", Effective: "2010-06-01"})
		apply(ivs, domain.PolicyChangeAmended{ID: id, Effective: "2010-07-01", Reason: "delay"})
		apply(ivs, domain.PolicyChangeRepealed{ID: id, Effective: "2020-01-01", Reason: "replaced"})
	}
	return cat, ivs
}

// BenchmarkTimeline measures one region's timeline on a 2,000-region panel
// (target of DESIGN/issue 14: <= 5 ms), at the latest position and as of
// a position in the middle of the log.
func BenchmarkTimeline(b *testing.B) {
	cat, ivs := timelinePanel(b)
	mid := ivs.Checkpoint() - 3000
	for _, asOf := range []uint64{0, mid} {
		b.Run(fmt.Sprintf("asOf=%d", asOf), func(b *testing.B) {
			n := 0
			for i := 0; i < b.N; i++ {
				list, ok := ivs.Timeline(cat, projections.TimelineQuery{Region: fmt.Sprintf("C%02dR%03d", i%20, (i*13)%100), AsOf: asOf})
				if !ok {
					b.Fatal("region unknown")
				}
				n += len(list)
			}
			b.ReportMetric(float64(n)/float64(b.N), "exposures/op")
		})
	}
}
