package domain_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/importer"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestValidationErrorsInFrench: the refusals of the commands, of
// ParsePeriod and ParseDate and of the importer keep their English text
// byte for byte (Error and MessageIn(EN)), and come from the catalogue in
// French (MessageIn(FR)), so that the forms and the import page show them
// in the reader's language.
func TestValidationErrorsInFrench(t *testing.T) {
	w := newWorld(t)
	w.basics()
	w.do(domain.LaunchOperation{ID: "op-1", Title: "Port control", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
		Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationRestricted})
	w.do(domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursor controls", Kind: domain.PolicyKindPrecursorControl,
		Jurisdictions: []string{"NL"}, Adopted: "2019-03-01", Effective: "2019-07-01",
		ExpectedEffects: []domain.ExpectedEffect{{Family: domain.FamilyAvailability, Direction: domain.DirectionDown}}})
	w.do(domain.RecordObservations{Indicator: "price", Source: "test", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2020-01", Value: 60}}})
	w.do(domain.OpenCycle{ID: "c1", Title: "unpinned", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"op-1"}})

	handle := func(cmd domain.Command) error {
		_, err := w.svc.Handle(context.Background(), domain.Envelope{Principal: domain.System("test")}, cmd)
		return err
	}
	rec := func(rows ...domain.ObservationRow) domain.Command {
		return domain.RecordObservations{Indicator: "price", Source: "test", Rows: rows}
	}
	row := func(region, period string) domain.ObservationRow {
		return domain.ObservationRow{Region: region, Period: period, Value: 1}
	}
	finding := domain.RecordFinding{ID: "c1", FindingID: "f1", Intervention: "op-1", Family: domain.FamilyAvailability,
		Statement: "Prices rose.", EffectRating: domain.EffectDesired, EvidenceQuality: quality(5), Recommendation: "Continue."}
	plan := domain.RegisterAnalysisPlan{ID: "p1", Intervention: "op-1", Indicator: "price", Method: domain.AnalysisMethod("AUTO"),
		Before: domain.PlanWindow{From: "2017-01", To: "2017-12"}, After: domain.PlanWindow{From: "2018-01", To: "2018-12"},
		Hypotheses: []string{"prices rise"}, RegisteredBy: "analyst"}
	_, periodErr := domain.ParsePeriod(domain.Week, "2021-W53")
	_, dateErr := domain.ParseDate("1700-01-01")
	_, unknownErr := domain.DecodeCommand("launchRocket", []byte("{}"))

	cases := []struct {
		name string
		err  error
		want string // the English, as the API has always written it
	}{
		{"region exists", handle(domain.DefineRegion{Code: "NL33", Name: "again", Country: "NL", Level: domain.RegionLevelNuts2}),
			`code: region "NL33" is already defined`},
		{"link to itself", handle(domain.LinkRegions{A: "NL33", B: "NL33", Kind: domain.LinkKindLandBorder}),
			`b: a region cannot be linked to itself ("NL33")`},
		{"empty batch", handle(rec()), `rows: is empty: a batch needs at least one observation`},
		{"bad month", handle(rec(row("NL33", "2020-13"))),
			`rows[0].period: "2020-13" is not a MONTH period (expected YYYY-MM, MM in 01-12) (indicator price is month)`},
		{"duplicate row", handle(rec(row("NL33", "2020-02"), domain.ObservationRow{Region: "NL33", Period: "2020-02", Value: 2,
			Dimensions: []domain.Dimension{{Key: "substance", Value: "cocaine"}}}, domain.ObservationRow{Region: "NL33", Period: "2020-02", Value: 3,
			Dimensions: []domain.Dimension{{Key: "substance", Value: "cocaine"}}})),
			`rows[2]: duplicates rows[1] (region NL33, period 2020-02, dimensions substance=cocaine)`},
		{"recorded already", handle(rec(row("NL33", "2020-01"))),
			`rows[0]: an observation of price for region NL33, period 2020-01 is already recorded; use reviseObservation to change it`},
		{"unknown indicator", handle(domain.RecordObservations{Indicator: "nope", Source: "test", Rows: []domain.ObservationRow{row("NL33", "2020-01")}}),
			`indicator: indicator "nope" is not defined`},
		{"nothing to revise", handle(domain.ReviseObservation{Indicator: "price", Region: "NL33", Period: "2020-05", Value: 1, Reason: "x"}),
			`period: no observation of price is recorded for region NL33, period 2020-05`},
		{"bad date", handle(domain.LaunchOperation{ID: "op-2", Title: "x", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
			Start: "2018-02-30", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationRestricted}),
			`start: "2018-02-30" is not a date in the form YYYY-MM-DD`},
		{"launched already", handle(domain.LaunchOperation{ID: "op-1", Title: "x", Kind: domain.OperationKindPortControl, Regions: []string{"NL33"},
			Start: "2018-01-01", TargetTier: domain.TargetTierMixed, Classification: domain.ClassificationRestricted}),
			`id: operation "op-1" has already been launched`},
		{"negative arrests", handle(domain.ReportOperationOutputs{ID: "op-1", Period: "2018-06", Arrests: -1}), `arrests: must not be negative (got -1)`},
		{"outputs before start", handle(domain.ReportOperationOutputs{ID: "op-1", Period: "2017-06", Arrests: 1}),
			`period: 2017-06 ends before the operation started (2018-01-01)`},
		{"empty scope", handle(domain.ChangeOperationScope{ID: "op-1", Removed: []string{"NL33"}, Reason: "x"}),
			`removed: would leave operation "op-1" with no region`},
		{"declassify upwards", handle(domain.DeclassifyOperation{ID: "op-1", Classification: domain.ClassificationConfidential}),
			`classification: operation "op-1" is RESTRICTED; declassification must lower it (to CONFIDENTIAL is not lower)`},
		{"conclude before start", handle(domain.ConcludeOperation{ID: "op-1", End: "2017-12-31"}),
			`end: 2017-12-31 is before the operation started (2018-01-01)`},
		{"nothing to amend", handle(domain.AmendPolicyChange{ID: "pol-1", Reason: "x"}),
			`nothing to amend: give at least one of title, description, effective, jurisdictions, expectedEffects`},
		{"repeal before effect", handle(domain.RepealPolicyChange{ID: "pol-1", Effective: "2019-06-01", Reason: "x"}),
			`effective: 2019-06-01 is before the policy change took effect (2019-07-01)`},
		{"cycle ends before it starts", handle(domain.OpenCycle{ID: "c2", Title: "x", From: "2020-01-01", To: "2019-12-31", Interventions: []string{"op-1"}}),
			`to: 2019-12-31 is before from (2020-01-01)`},
		{"pin at zero", handle(domain.PinCycleEvidence{ID: "c1", Position: 0}), `position: position 0 is before any event; positions start at 1`},
		{"close unpinned", handle(domain.CloseCycle{ID: "c1", Summary: "done"}),
			`id: evaluation cycle "c1" has no pinned evidence: pin a position (pinCycleEvidence) before closing, so that its report can be reproduced`},
		{"quality off the scale", handle(finding), `evidenceQuality: 5 is outside the scale 0 (no usable evidence) to 4 (strong design)`},
		{"plan on AUTO", handle(plan), `method: a plan fixes one method: AUTO chooses after seeing the data (one of BEFORE_AFTER, ITS, DID, SYNTHETIC_CONTROL)`},
		{"longitude", handle(domain.DefineRegionBoundary{Region: "NL33", Polygons: [][][][]float64{{{{200.5, 52}, {4, 52}, {4, 53}, {200.5, 52}}}}}),
			`polygons[0][0][0]: longitude 200.5 is not a number in [-180, 180]`},
		{"unknown enum", handle(domain.DefineRegion{Code: "NL34", Name: "x", Country: "NL", Level: "PROVINCE"}),
			`level: "PROVINCE" is not one of COUNTRY, NUTS1, NUTS2, NUTS3, CITY, PORT, OTHER`},
		{"unknown command", unknownErr, `unknown command "launchRocket"`},
		{"ParsePeriod", periodErr, `"2021-W53" is not a WEEK period (expected YYYY-Www, ww in 01-52 for 2021)`},
		{"ParseDate", dateErr, `"1700-01-01" is outside the years 1800-2200`},
	}

	// Two errors of the importer about a file as a whole, and one about
	// its mapping.
	cat := importer.WithDefinitions(noCatalog{}, &importer.Mapping{})
	_, err := importer.Decode(strings.NewReader("region,period,region\nNL33,2024-01,x\n"), &importer.Mapping{Indicator: "M"}, importer.Options{File: "obs.csv", Catalog: cat})
	cases = append(cases, struct {
		name string
		err  error
		want string
	}{"header twice", err, `obs.csv: header: column "region" appears twice`})
	_, err = importer.Decode(strings.NewReader("geo,time,value\nNL33,2024-01,1\n"), &importer.Mapping{Indicator: "M"}, importer.Options{File: "obs.csv", Catalog: cat})
	cases = append(cases, struct {
		name string
		err  error
		want string
	}{"missing column", err, "obs.csv: mapping: region column \"region\" is not in the header (geo, time, value)\nperiod column \"period\" is not in the header (geo, time, value)"})
	_, err = importer.ParseMapping([]byte("indicator=M\nfoo=bar\n"))
	cases = append(cases, struct {
		name string
		err  error
		want string
	}{"mapping key", err, `mapping line 2: unknown mapping key "foo"`})

	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got := c.err.Error(); got != c.want {
			t.Errorf("%s: English changed\n got %s\nwant %s", c.name, got, c.want)
		}
		var de *domain.Error
		if !errors.As(c.err, &de) || de.Msg.IsZero() {
			t.Errorf("%s: %v has no message of the catalogue", c.name, c.err)
			continue
		}
		en, fr := domain.MessageIn(c.err, i18n.EN), domain.MessageIn(c.err, i18n.FR)
		if en != de.Message {
			t.Errorf("%s: MessageIn(EN) = %q, want the English %q", c.name, en, de.Message)
		}
		if fr == en || strings.Contains(fr, "[") && strings.Contains(fr, "domain.err.") || strings.Contains(fr, "import.err.") {
			t.Errorf("%s: French %q is not a translation of %q", c.name, fr, en)
		}
		for _, k := range de.Msg.Keys() {
			if !i18n.EN.Has(k) || !i18n.FR.Has(k) {
				t.Errorf("%s: message %q is not in both languages", c.name, k)
			}
		}
		t.Logf("%s\n  %s", en, fr)
	}
}

type noCatalog struct{}

func (noCatalog) Granularity(string) (domain.Granularity, bool) { return domain.Month, true }
func (noCatalog) RegionExists(string) bool                      { return true }

// inlineInvalid finds a refusal written with an inline format string:
// Invalid("field", "text...") or Errorf(<user-facing code>, field, "text").
var inlineInvalid = regexp.MustCompile(`\bInvalid\([^\n]*?"[^"\n]*"|\bErrorf\((BadInput|NotFound|Conflict|Forbidden),`)

// allowedInline are the refusals left in English on purpose, by file and
// the text of the call.
var allowedInline = map[string][]string{
	// The decoder's own error (encoding/json's text, naming Go types)
	// cannot be put in the catalogue; a command of the wrong Go type is
	// a programming error, never a user's.
	"commands.go": {`Invalid("", "%s", err)`, `Invalid("", "command %s has the wrong Go type %T"`},
	// The fallback of invalidBy, for an error that has no message of the
	// catalogue (it keeps that error's text, whatever it is).
	// Invalid itself calls Errorf.
	"errors.go": {`Invalid(field, "%s", err)`, `return Errorf(BadInput, field, format, args...)`},
	// Authorisation, not validation: what the principal may not do is an
	// English phrase its many callers write (package graphql among them).
	"principal.go": {`Errorf(Forbidden, "", "principal %q (roles %s) may not %s"`},
}

// TestNoInlineEnglishRefusals fails when a validation error of package
// domain is written with an inline English format string instead of a
// message of the catalogue (Invalidm, Errorm).
func TestNoInlineEnglishRefusals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(src, []byte("\n")) {
			s := strings.TrimSpace(string(line))
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "func ") || !inlineInvalid.MatchString(s) {
				continue
			}
			allowed := false
			for _, a := range allowedInline[f] {
				if strings.Contains(s, a) {
					allowed = true
				}
			}
			if !allowed {
				t.Errorf("%s:%d: a refusal in inline English; use Invalidm/Errorm with a key of i18n/messages_domain_errors.go: %s", f, i+1, s)
			}
		}
	}
}
