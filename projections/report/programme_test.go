package report_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/report"
)

// TestReportTimelineAndStaggeredProgramme: a cycle over the demo world's
// staggered outreach programme (three waves adopted in 2019, 2020 and
// 2021, injected effects 12, 8 and 4) and a region in scope. The report
// lists the regions' exposure from the timeline and the programme's
// staggered estimate, whose interval covers the true average effect, in
// English and French, Markdown and HTML.
func TestReportTimelineAndStaggeredProgramme(t *testing.T) {
	n, g := demoNode(t)
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	n.Do(domain.OpenCycle{ID: "cycle-outreach", Title: "Outreach 2018-2023", From: "2018-01-01", To: "2023-12-31",
		Regions:       []string{"ES30", "BE21"},
		Interventions: []string{demo.OutreachWave1, demo.OutreachWave2, demo.OutreachWave3, demo.AntwerpHighValue}})
	r, err := g.Build(context.Background(), "cycle-outreach")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, x := range r.Exposure {
		found[x.Region+"/"+x.Intervention+"/"+x.Role] = true
	}
	if !found["ES30/"+demo.OutreachWave1+"/TARGET"] || !found["ES30/"+demo.OutreachWave1+"/NEIGHBOUR"] || !found["BE21/"+demo.AntwerpHighValue+"/TARGET"] {
		t.Errorf("exposure %+v", r.Exposure)
	}
	var row *report.StaggeredRow
	for i, s := range r.Staggered {
		if s.Indicator == demo.OutreachContacts {
			row = &r.Staggered[i]
		}
	}
	if row == nil || row.Error != "" || row.ATT == nil {
		t.Fatalf("no staggered estimate for the programme: %+v", r.Staggered)
	}
	// The true overall ATT: cohort-size-weighted average over treated
	// cells, up to the cycle's end (2023-12).
	var num, den float64
	for _, c := range w.Staggered {
		from, _ := domain.ParsePeriod(domain.Month, c.From)
		end, _ := domain.ParsePeriod(domain.Month, "2023-12")
		cells := float64(end.Index-from.Index+1) * float64(len(c.Regions))
		num += c.Effect * cells
		den += cells
	}
	truth := num / den
	if float64(*row.Low) > truth || float64(*row.High) < truth || row.Cohorts != 3 || row.Treated != 9 {
		t.Errorf("staggered %+v (ATT %v, %v to %v), truth %.3f", row, *row.ATT, *row.Low, *row.High, truth)
	}
	if math.Abs(float64(*row.ATT)-truth) > 1.5 {
		t.Errorf("ATT %v far from %.3f", *row.ATT, truth)
	}
	// The sentence on parallel trends beside the estimate (relative
	// magnitudes): its breakdown value, in words.
	if row.Trends == nil || (row.Trends.Breakdown == nil && !row.Trends.Robust) {
		t.Fatalf("no sensitivity to parallel trends beside the staggered estimate: %+v", row)
	}
	for _, l := range []i18n.Lang{i18n.EN, i18n.FR} {
		md, err := r.RenderIn(report.Markdown, l)
		if err != nil {
			t.Fatal(err)
		}
		html, err := r.RenderIn(report.HTML, l)
		if err != nil {
			t.Fatal(err)
		}
		heads := map[i18n.Lang][]string{i18n.EN: {"Exposure of the regions in scope", "Staggered programmes", "a neighbour covered", "Sensitivity to parallel trends"},
			i18n.FR: {"Exposition des régions du périmètre", "Programmes à adoption échelonnée", "une voisine couverte", "Sensibilité aux tendances parallèles"}}[l]
		for _, h := range heads {
			if !strings.Contains(string(md), h) || !strings.Contains(string(html), h) {
				t.Errorf("%s: %q missing", l, h)
			}
		}
		if !strings.Contains(string(md), demo.OutreachWave2) {
			t.Errorf("%s: the programme is not named", l)
		}
	}
}
