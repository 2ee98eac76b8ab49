package domain_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// registrySamples is a valid command of every registered command, in an
// order in which each one succeeds after world.basics.
var registrySamples = []domain.Command{
	domain.DefineRegion{Code: "BE", Name: "Belgium", Country: "BE", Level: domain.RegionLevelCountry},
	domain.LinkRegions{A: "NL33", B: "BE21", Kind: domain.LinkKindLandBorder},
	domain.DefineIndicator{Code: "seized", Name: "Cocaine seized", Family: domain.FamilyAvailability, Unit: "kg",
		Granularity: domain.Month, DesiredDirection: domain.DirectionNone},
	domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2020-01", Value: 60}}},
	domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Value: 61, Reason: "typo"},
	domain.RetractObservation{Indicator: "price", Region: "NL33", Period: "2020-01", Reason: "wrong region"},
	domain.LaunchOperation{ID: "op-1", Title: "Port sweep", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2020-01-01", TargetTier: domain.TargetTierMid, Classification: domain.ClassificationRestricted},
	domain.ReportOperationOutputs{ID: "op-1", Period: "2020-02", Arrests: 2},
	domain.ChangeOperationScope{ID: "op-1", Added: []string{"BE21"}, Reason: "followed the route"},
	domain.ConcludeOperation{ID: "op-1", End: "2020-06-30"},
	domain.DeclassifyOperation{ID: "op-1", Classification: domain.ClassificationPublic},
	domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursor rule", Kind: domain.PolicyKindPrecursorControl,
		Jurisdictions: []string{"NL"}, Adopted: "2020-01-01", Effective: "2020-03-01"},
	domain.AmendPolicyChange{ID: "pol-1", Title: "Precursor rule (amended)", Reason: "scope"},
	domain.RepealPolicyChange{ID: "pol-1", Effective: "2021-01-01", Reason: "replaced"},
	domain.OpenCycle{ID: "c1", Title: "2020 review", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1", "pol-1"}},
	domain.PinCycleEvidence{ID: "c1", Position: 1},
	domain.RecordFinding{ID: "c1", FindingID: "f1", Intervention: "op-1", Family: domain.FamilyAvailability, Statement: "no change",
		EffectRating: domain.EffectNone, EvidenceQuality: quality(1)},
	domain.RegisterAnalysisPlan{ID: "plan-1", Intervention: "op-1", Indicator: "price", Method: domain.AnalysisITS,
		Before: domain.PlanWindow{From: "2018-01", To: "2019-12"}, After: domain.PlanWindow{From: "2020-01", To: "2020-12"},
		Hypotheses: []string{"the price rises"}, RegisteredBy: "evaluation unit"},
	domain.CloseCycle{ID: "c1", Summary: "done"},
	domain.DefineRegionBoundary{Region: "NL33", Polygons: [][][][]float64{{{{4, 52}, {4.5, 52}, {4.5, 52.3}, {4, 52}}}}, Source: "test"},
}

// TestEveryRegisteredCommandIsHandled sends a valid command of every
// registered command (and a zero one) to the service: each is routed to
// its decision and records its events; the zero one is answered with a
// BAD_INPUT naming a field, never "unknown command".
func TestEveryRegisteredCommandIsHandled(t *testing.T) {
	w := newWorld(t)
	w.basics()
	var names []string
	for _, c := range domain.Commands() {
		names = append(names, c.Name)
	}
	var sampled []string
	for _, cmd := range registrySamples {
		sampled = append(sampled, cmd.CommandName())
	}
	if !slices.Equal(names, sampled) {
		t.Fatalf("the registry lists %v; the samples cover %v: add a sample of each new command", names, sampled)
	}
	for _, spec := range domain.Commands() {
		zero := reflect.New(spec.Type).Elem().Interface().(domain.Command)
		_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, zero)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field == "" {
			t.Errorf("%s with no field set: %v, want BAD_INPUT naming a field", spec.Name, err)
		}
	}
	for _, cmd := range registrySamples {
		if res := w.do(cmd); res.Events == 0 {
			t.Errorf("%s recorded nothing", cmd.CommandName())
		}
	}
}

// TestRegistryEntries checks what the layers around the domain derive
// from each entry: a description, a Go type whose name is the command's,
// JSON input field names that exist, a rule that fits what the command
// addresses.
func TestRegistryEntries(t *testing.T) {
	for _, spec := range domain.Commands() {
		if spec.Description == "" || !strings.HasSuffix(spec.Description, ".") {
			t.Errorf("%s: description %q", spec.Name, spec.Description)
		}
		if !strings.EqualFold(spec.Type.Name(), spec.Name) {
			t.Errorf("%s: Go type %s", spec.Name, spec.Type)
		}
		fields := map[string]bool{}
		for f := range spec.Type.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields[name] = true
		}
		for _, id := range spec.IDs {
			if !fields[id] {
				t.Errorf("%s: IDs names %q, which is not an input field", spec.Name, id)
			}
		}
		if spec.Rule != domain.Unclassified && spec.Rule != domain.NamesInterventions && !slices.Contains(spec.IDs, "id") {
			t.Errorf("%s: rule %s without an id field", spec.Name, spec.Rule)
		}
		if spec.Roles == nil {
			t.Errorf("%s: no role list (an empty one means ADMIN only)", spec.Name)
		}
	}
	if _, ok := domain.LookupCommand("noSuchCommand"); ok {
		t.Error("an unknown command was found")
	}
}

// TestRolesAreCheckedInTheDomain: a principal whose roles do not include
// a command's may not send it, whatever path the command took.
func TestRolesAreCheckedInTheDomain(t *testing.T) {
	w := newWorld(t)
	w.basics()
	for _, p := range []domain.Principal{
		{Name: "nobody"},
		{Name: "analyst", Roles: []domain.Role{domain.RoleAnalyst}, Clearance: domain.ClassificationConfidential},
		{Name: "public", Roles: []domain.Role{domain.RolePublic}, Clearance: domain.ClassificationPublic},
	} {
		_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: p}, registrySamples[0])
		if domain.ErrorCode(err) != domain.Forbidden || !strings.Contains(err.Error(), p.Name) {
			t.Errorf("%s: %v, want FORBIDDEN naming the principal", p.Name, err)
		}
	}
	rec := domain.Principal{Name: "rec", Roles: []domain.Role{domain.RoleRecorder}, Clearance: domain.ClassificationConfidential}
	_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: rec}, domain.DeclassifyOperation{ID: "x", Classification: domain.ClassificationPublic})
	if domain.ErrorCode(err) != domain.Forbidden {
		t.Errorf("a recorder declassified: %v", err)
	}
}

// TestHiddenOperationsAreUnknownToTheDomain: for every registered command
// that addresses an existing intervention by id, a principal whose
// clearance is below the operation's gets, from the service itself (no
// read model involved), the error an unknown id gets, with and without an
// expected version and with the command IDs used on the hidden stream, and
// nothing is recorded.
func TestHiddenOperationsAreUnknownToTheDomain(t *testing.T) {
	w := newWorld(t)
	w.basics()
	ctx := context.Background()
	conf := domain.Envelope{Principal: domain.System("conf"), CommandID: "secret-1"}
	if _, err := w.svc.Handle(ctx, conf, domain.LaunchOperation{ID: "op-h", Title: "Covert", Kind: domain.OperationKindControlledDelivery,
		Regions: []string{"NL33"}, Start: "2020-02-03", TargetTier: domain.TargetTierHighValue, Classification: domain.ClassificationConfidential}); err != nil {
		t.Fatal(err)
	}
	res := domain.Principal{Name: "res", Roles: []domain.Role{domain.RoleAdmin}, Clearance: domain.ClassificationRestricted}
	withID := func(cmd domain.Command, id string) domain.Command {
		v := reflect.New(reflect.TypeOf(cmd)).Elem()
		v.Set(reflect.ValueOf(cmd))
		v.FieldByName("ID").SetString(id)
		return v.Interface().(domain.Command)
	}
	checked := 0
	for _, sample := range registrySamples {
		spec, _ := domain.LookupCommand(sample.CommandName())
		if spec.Rule != domain.OnOperation && spec.Rule != domain.OnPolicy {
			continue
		}
		for _, ev := range []*int64{nil, ptr(-1), ptr(0), ptr(5)} {
			for _, cid := range []string{"", "secret-1", "mine"} {
				env := domain.Envelope{Principal: res, CommandID: cid, ExpectedVersion: ev}
				before := w.head()
				_, hidden := w.svc.Handle(ctx, env, withID(sample, "op-h"))
				_, unknown := w.svc.Handle(ctx, env, withID(sample, "op-u"))
				if w.head() != before {
					t.Fatalf("%s was recorded", spec.Name)
				}
				if hidden == nil || unknown == nil || hidden.Error() != strings.ReplaceAll(unknown.Error(), "op-u", "op-h") ||
					domain.ErrorCode(hidden) != domain.ErrorCode(unknown) {
					t.Errorf("%s (expected version %v, command ID %q): hidden %v, unknown %v", spec.Name, ev, cid, hidden, unknown)
				}
				checked++
			}
		}
	}
	if checked != 6*12 {
		t.Fatalf("%d cases checked", checked)
	}
	// Creating an intervention under the hidden id: refused, saying only
	// that the id is taken; and nobody records above their clearance.
	for _, cmd := range []domain.Command{
		withID(registrySamples[6], "op-h"),  // launchOperation
		withID(registrySamples[11], "op-h"), // adoptPolicyChange
	} {
		_, err := w.svc.Handle(ctx, domain.Envelope{Principal: res}, cmd)
		if err == nil || err.Error() != `id: "op-h" cannot be the id of a new intervention: choose another id` {
			t.Errorf("%s under a hidden id: %v", cmd.CommandName(), err)
		}
	}
	launch := registrySamples[6].(domain.LaunchOperation)
	launch.ID, launch.Classification = "op-new", domain.ClassificationConfidential
	if _, err := w.svc.Handle(ctx, domain.Envelope{Principal: res}, launch); domain.ErrorCode(err) != domain.Forbidden {
		t.Errorf("a RESTRICTED principal launched a CONFIDENTIAL operation: %v", err)
	}
}

func ptr(v int64) *int64 { return &v }
