package projections_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
)

// timelineWorld records a small world: a country NL with three provinces,
// NL33 linked to NL34 and (later) NL41, an operation whose scope changes,
// a national policy that is amended and repealed, a confidential
// operation, and an operation in NL41 launched after NL41 was linked.
func timelineWorld(t *testing.T) (*projections.Catalog, *projections.Interventions) {
	t.Helper()
	events := []domain.Event{
		domain.RegionDefined{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry},                // 1
		domain.RegionDefined{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"}, // 2
		domain.RegionDefined{Code: "NL34", Name: "Zeeland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"},      // 3
		domain.RegionDefined{Code: "NL41", Name: "Brabant", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"},      // 4
		domain.RegionsLinked{A: "NL33", B: "NL34", Kind: domain.LinkKindLandBorder},                                           // 5
		domain.OperationLaunched{ID: "OP-1", Title: "Port sweep", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL34"},
			Start: "2020-01-01", Classification: domain.ClassificationPublic}, // 6
		domain.OperationScopeChanged{ID: "OP-1", Added: []string{"NL33"}, Effective: "2020-06-01", Reason: "spread"}, // 7
		domain.OperationScopeChanged{ID: "OP-1", Removed: []string{"NL34"}, Effective: "2020-09-01", Reason: "done"}, // 8
		domain.OperationConcluded{ID: "OP-1", End: "2021-01-01"},                                                     // 9
		domain.PolicyChangeAdopted{ID: "POL-1", Title: "Precursor law", Kind: domain.PolicyKind("PRECURSOR_CONTROL"),
			Jurisdictions: []string{"NL"}, Adopted: "2019-01-01", Effective: "2019-06-01"}, // 10
		domain.PolicyChangeAmended{ID: "POL-1", Effective: "2019-07-01", Reason: "delay"},     // 11
		domain.PolicyChangeRepealed{ID: "POL-1", Effective: "2022-01-01", Reason: "replaced"}, // 12
		domain.OperationLaunched{ID: "OP-SECRET", Title: "Covert", Kind: domain.OperationKind("PORT_CONTROL"), // 13
			Regions: []string{"NL33"}, Start: "2021-03-01", Classification: domain.ClassificationConfidential},
		domain.RegionsLinked{A: "NL33", B: "NL41", Kind: domain.LinkKindLandBorder}, // 14
		domain.OperationLaunched{ID: "OP-2", Title: "Brabant labs", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL41"},
			Start: "2022-02-01", Classification: domain.ClassificationPublic}, // 15
	}
	cat, ivs := projections.NewCatalog(), projections.NewInterventions()
	at := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, ev := range events {
		r := domain.Recorded{Event: ev, Position: uint64(i + 1), Meta: domain.Metadata{RecordedAt: at}}
		var err error
		if cat.Handles(ev.EventType()) {
			err = cat.Apply(r)
		} else {
			err = ivs.Apply(r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return cat, ivs
}

func describe(list []projections.Exposure) string {
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintf(&b, "%s %s %s..%s via %s; ", e.Intervention.ID, e.Role, e.From, e.To, strings.Join(e.Via, ","))
	}
	return b.String()
}

// TestTimeline checks the exposures derived from the log: scope changes,
// conclusion, a policy on the parent with its amended start and repeal,
// neighbours through the link graph as of a position, clearance, and the
// window filter.
func TestTimeline(t *testing.T) {
	cat, ivs := timelineWorld(t)
	public := func(iv projections.Intervention) bool {
		return iv.Operation == nil || iv.Operation.Classification == domain.ClassificationPublic
	}
	cases := []struct {
		name string
		q    projections.TimelineQuery
		want string
	}{
		{"NL33 latest, public", projections.TimelineQuery{Region: "NL33", Visible: public},
			"POL-1 PARENT 2019-07-01..2022-01-01 via NL; OP-1 NEIGHBOUR 2020-01-01..2020-09-01 via NL34; " +
				"OP-1 TARGET 2020-06-01..2021-01-01 via NL33; OP-2 NEIGHBOUR 2022-02-01.. via NL41; "},
		{"NL33 latest, cleared", projections.TimelineQuery{Region: "NL33"},
			"POL-1 PARENT 2019-07-01..2022-01-01 via NL; OP-1 NEIGHBOUR 2020-01-01..2020-09-01 via NL34; " +
				"OP-1 TARGET 2020-06-01..2021-01-01 via NL33; OP-SECRET TARGET 2021-03-01.. via NL33; OP-2 NEIGHBOUR 2022-02-01.. via NL41; "},
		// As of 7: the scope removal and the conclusion not yet recorded,
		// nor the policy.
		{"NL33 as of 7", projections.TimelineQuery{Region: "NL33", AsOf: 7},
			"OP-1 NEIGHBOUR 2020-01-01.. via NL34; OP-1 TARGET 2020-06-01.. via NL33; "},
		// As of 10: the policy's amendment and repeal not yet recorded.
		{"NL33 as of 10", projections.TimelineQuery{Region: "NL33", AsOf: 10},
			"POL-1 PARENT 2019-06-01.. via NL; OP-1 NEIGHBOUR 2020-01-01..2020-09-01 via NL34; OP-1 TARGET 2020-06-01..2021-01-01 via NL33; "},
		// As of 13: NL41 not yet linked, OP-2 not yet launched.
		{"NL33 as of 13", projections.TimelineQuery{Region: "NL33", AsOf: 13, Visible: public},
			"POL-1 PARENT 2019-07-01..2022-01-01 via NL; OP-1 NEIGHBOUR 2020-01-01..2020-09-01 via NL34; OP-1 TARGET 2020-06-01..2021-01-01 via NL33; "},
		{"NL33 window 2021", projections.TimelineQuery{Region: "NL33", From: "2021-01-01", To: "2021-12-31", Visible: public},
			"POL-1 PARENT 2019-07-01..2022-01-01 via NL; "},
		{"NL34 latest", projections.TimelineQuery{Region: "NL34", Visible: public},
			"POL-1 PARENT 2019-07-01..2022-01-01 via NL; OP-1 TARGET 2020-01-01..2020-09-01 via NL34; OP-1 NEIGHBOUR 2020-06-01..2021-01-01 via NL33; "},
	}
	for _, c := range cases {
		got, ok := ivs.Timeline(cat, c.q)
		if !ok {
			t.Fatalf("%s: region unknown", c.name)
		}
		if d := describe(got); d != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, d, c.want)
		}
	}
	if _, ok := ivs.Timeline(cat, projections.TimelineQuery{Region: "NL41", AsOf: 3}); ok {
		t.Error("NL41 answered as of 3, before it was defined")
	}
	// The secret operation's neighbours see it only when cleared.
	got, _ := ivs.Timeline(cat, projections.TimelineQuery{Region: "NL41", Visible: public})
	if strings.Contains(describe(got), "OP-SECRET") {
		t.Errorf("hidden operation in a public timeline: %s", describe(got))
	}
	got, _ = ivs.Timeline(cat, projections.TimelineQuery{Region: "NL41"})
	if !strings.Contains(describe(got), "OP-SECRET NEIGHBOUR 2021-03-01.. via NL33") {
		t.Errorf("cleared timeline of NL41 lacks the neighbouring operation: %s", describe(got))
	}
}
