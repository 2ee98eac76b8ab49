package domain_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// cycleWorld records two regions, an operation and a policy change.
func cycleWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.do(domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	w.do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2, Parent: "NL"})
	w.do(domain.LaunchOperation{ID: "op-1", Title: "Port controls", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL33"},
		Start: "2020-01-01", TargetTier: domain.TargetTier("MIXED"), Classification: domain.Classification("PUBLIC")})
	w.do(domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursors", Kind: domain.PolicyKind("PRECURSOR_CONTROL"),
		Jurisdictions: []string{"NL"}, Adopted: "2020-01-01", Effective: "2020-06-01"})
	return w
}

func TestCycleLifecycle(t *testing.T) {
	w := cycleWorld(t)
	open := domain.OpenCycle{ID: "c1", Title: "Cycle 2020-2021", From: "2020-01-01", To: "2021-12-31",
		Regions: []string{"NL33"}, Interventions: []string{"op-1", "pol-1"}, Questions: []string{"Did prices rise?"}}
	w.do(open)
	head := uint64(w.head())
	w.do(domain.PinCycleEvidence{ID: "c1", Position: head})
	finding := domain.RecordFinding{ID: "c1", FindingID: "f1", Intervention: "op-1", Family: domain.FamilyAvailability,
		Statement: "Prices rose.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(3), Recommendation: "Continue.",
		Evidence: &domain.FindingEvidence{Indicator: "COC_PRICE", Method: "ITS", Parameters: []domain.EvidenceParam{{Name: "model", Value: "GAUSSIAN"}}}}
	w.do(finding)

	// Bad input: each refused with its code and field, nothing recorded.
	w.refuse(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-nope"}}, domain.NotFound, "interventions[0]")
	w.refuse(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}, Regions: []string{"XX99"}}, domain.NotFound, "regions[0]")
	w.refuse(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2019-12-31", Interventions: []string{"op-1"}}, domain.BadInput, "to")
	w.refuse(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}, PreviousCycle: "c1"}, domain.Conflict, "previousCycle")
	w.refuse(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}, PreviousCycle: "c0"}, domain.NotFound, "previousCycle")
	w.refuse(open, domain.Conflict, "id")
	w.refuse(domain.PinCycleEvidence{ID: "c1", Position: uint64(w.head()) + 1}, domain.BadInput, "position")
	w.refuse(domain.PinCycleEvidence{ID: "c1", Position: 0}, domain.BadInput, "position")
	w.refuse(domain.PinCycleEvidence{ID: "c9", Position: 1}, domain.NotFound, "id")
	w.refuse(finding, domain.Conflict, "findingId")
	bad := finding
	bad.FindingID, bad.Intervention = "f2", "op-2"
	w.refuse(bad, domain.BadInput, "intervention")
	bad.Intervention, bad.EvidenceQuality = "op-1", quality(5)
	w.refuse(bad, domain.BadInput, "evidenceQuality")
	bad.EvidenceQuality, bad.EffectRating = quality(2), "GREAT"
	w.refuse(bad, domain.BadInput, "effectRating")
	bad.EffectRating, bad.Evidence = domain.EffectMixed, &domain.FindingEvidence{}
	w.refuse(bad, domain.BadInput, "evidence.method")

	// An unpinned cycle cannot close.
	w.do(domain.OpenCycle{ID: "c3", Title: "unpinned", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"pol-1"}})
	w.refuse(domain.CloseCycle{ID: "c3", Summary: "done"}, domain.Conflict, "id")

	w.do(domain.CloseCycle{ID: "c1", Summary: "Done.", Recommendations: []string{"Keep going."}})
	w.refuse(domain.CloseCycle{ID: "c1", Summary: "Again."}, domain.Conflict, "id")
	f3 := finding
	f3.FindingID = "f3"
	w.refuse(f3, domain.Conflict, "id")
	w.refuse(domain.PinCycleEvidence{ID: "c1", Position: 1}, domain.Conflict, "id")

	// The next cycle follows up the closed one.
	w.do(domain.OpenCycle{ID: "c2", Title: "Cycle 2022-2023", From: "2022-01-01", To: "2023-12-31", Interventions: []string{"op-1"}, PreviousCycle: "c1"})
}

func TestPinCycleEvidenceDecodesDecimalPosition(t *testing.T) {
	cmd, err := domain.DecodeCommand("pinCycleEvidence", []byte(`{"id":"c1","position":"42"}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := cmd.(domain.PinCycleEvidence).Position; p != 42 {
		t.Fatalf("position %d, want 42", p)
	}
}
