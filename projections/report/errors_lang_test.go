package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestFrenchReportSaysWhyInFrench: when an estimate or a displacement
// analysis cannot be made, the report keeps the reason as a message of
// the catalogue, and the French report gives it in French, with none of
// the English reason left. The world is made to fail: one indicator has
// no data before the operation, another only two months of it.
func TestFrenchReportSaysWhyInFrench(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	n.Do(domain.DefineRegion{Code: "NL33", Name: "Zuid-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.DefineRegion{Code: "NL32", Name: "Noord-Holland", Country: "NL", Level: domain.RegionLevelNuts2})
	n.Do(domain.LinkRegions{A: "NL33", B: "NL32", Kind: domain.LinkKinds[0]})
	for _, code := range []string{"PRICE", "SEIZED"} {
		n.Do(domain.DefineIndicator{Code: code, Name: "Indicator " + code, Family: domain.FamilyAvailability, Unit: "EUR/g",
			Granularity: domain.Month, DesiredDirection: domain.DirectionUp, Scale: domain.ScaleLevel})
	}
	obs := func(ind string, from, to string) {
		var rows []domain.ObservationRow
		for p, _ := domain.ParsePeriod(domain.Month, from); p.String() <= to; p = p.Add(1) {
			for i, r := range []string{"NL33", "NL32"} {
				rows = append(rows, domain.ObservationRow{Region: r, Period: p.String(), Value: 50 + float64(i) + float64(len(rows)%3)})
			}
		}
		n.Do(domain.RecordObservations{Indicator: ind, Source: "sim", Rows: rows})
	}
	obs("PRICE", "2020-01", "2020-12")
	obs("SEIZED", "2019-11", "2020-12")
	n.Do(domain.LaunchOperation{ID: "op-p", Title: "Port controls", Kind: domain.OperationKind("PORT_CONTROL"), Regions: []string{"NL33"}, Start: "2020-01-01",
		TargetTier: domain.TargetTier("MID"), Classification: domain.Classification("PUBLIC")})
	n.Do(domain.OpenCycle{ID: "c", Title: "c", From: "2020-01-01", To: "2020-12-31", Regions: []string{"NL33"}, Interventions: []string{"op-p"}})
	n.Wait(n.Head())
	r := build(t, generator(t, n), "c")
	var english []string
	check := func(what, text string, m i18n.Msg) {
		if text == "" {
			return
		}
		t.Logf("%s: %s", what, text)
		english = append(english, text)
		switch {
		case m.IsZero():
			t.Errorf("%s: the reason %q is not a message of the catalogue", what, text)
		case !i18n.FR.Has(m.Key):
			t.Errorf("%s: message %q has no French", what, m.Key)
		}
	}
	for _, iv := range r.Interventions {
		for _, im := range iv.Impacts {
			check(fmt.Sprintf("impact %s", im.Indicator), im.Error, im.ErrorMsg)
			if im.Power != nil {
				check(fmt.Sprintf("power %s", im.Indicator), im.Power.Error, im.Power.ErrorMsg)
			}
		}
		for _, d := range iv.Displacement {
			check(fmt.Sprintf("displacement %s", d.Indicator), d.Error, d.ErrorMsg)
		}
	}
	if len(english) < 2 {
		t.Fatalf("the world was meant to fail twice; reasons: %q", english)
	}
	for _, f := range []report.Format{report.HTML, report.Markdown} {
		page, err := r.RenderIn(f, i18n.FR)
		if err != nil {
			t.Fatal(err)
		}
		text := string(page)
		if f == report.HTML {
			text = visibleText(page)
		}
		for _, e := range english {
			// The field the English reason starts with is dropped; the
			// sentence after it must not be there.
			_, sentence, ok := strings.Cut(e, ": ")
			if !ok {
				sentence = e
			}
			if strings.Contains(text, sentence) {
				t.Errorf("French %s report gives the English reason %q", f, sentence)
			}
		}
	}
}
