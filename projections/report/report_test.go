package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/projections/report"
)

// demoNode records the default demo world and returns the node and a
// report generator over it.
func demoNode(t testing.TB) (*projectionstest.Node, *report.Generator) {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, s := range w.Steps {
		res, err := n.Service.Handle(context.Background(), domain.Envelope{CommandID: s.CommandID, Principal: domain.System("test")}, s.Command)
		if err != nil {
			t.Fatalf("%s: %v", s.CommandID, err)
		}
		last = res.Position
	}
	n.Wait(last)
	return n, generator(t, n)
}

func generator(t testing.TB, n *projectionstest.Node) *report.Generator {
	t.Helper()
	g, err := report.New(report.Config{
		Evaluator: &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions},
		Cycles:    n.Cycles, Provenance: n.Provenance, Times: report.StoreTimes{Store: n.Store}, Position: n.Runner.Position})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var scope = []string{demo.RotterdamPortControl, demo.AntwerpHighValue, demo.BrabantLabs, demo.GermanPrecursors}

func render(t testing.TB, g *report.Generator, id string, f report.Format) []byte {
	t.Helper()
	b, err := g.Generate(context.Background(), id, f)
	if err != nil {
		t.Fatalf("report %s %s: %v", id, f, err)
	}
	return b
}

func build(t testing.TB, g *report.Generator, id string) *report.Report {
	t.Helper()
	r, err := g.Build(context.Background(), id)
	if err != nil {
		t.Fatalf("report %s: %v", id, err)
	}
	return r
}

// same reports whether a report's number shows v (six significant digits).
func same(n *report.Num, v float64) bool {
	return n != nil && strconv.FormatFloat(float64(*n), 'g', 6, 64) == strconv.FormatFloat(v, 'g', 6, 64)
}

func TestFullCycleOnTheDemoWorld(t *testing.T) {
	if raceDetector {
		t.Skip("a whole-report check, ten times slower under the race detector; the run without it checks it (see race_on_test.go)")
	}
	n, g := demoNode(t)
	ev := &evaluate.Evaluator{Catalog: n.Catalog, Series: n.Series, Interventions: n.Interventions}
	ctx := context.Background()

	// A previous cycle, closed, whose finding this one follows up.
	n.Do(domain.OpenCycle{ID: "cycle-2019", Title: "Supply-side evaluation 2015-2019", From: "2015-01-01", To: "2019-12-31",
		Interventions: []string{demo.BrabantLabs, demo.RotterdamPortControl}})
	n.Do(domain.PinCycleEvidence{ID: "cycle-2019", Position: n.Head()})
	n.Do(domain.RecordFinding{ID: "cycle-2019", FindingID: "f-rtm-disp", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Port incidents may have moved to Antwerp.", EffectRating: domain.EffectUnclear, EvidenceQuality: quality(1),
		Recommendation: "Monitor Antwerp and Hamburg port incidents."})
	n.Do(domain.CloseCycle{ID: "cycle-2019", Summary: "First cycle.", Recommendations: []string{"Monitor displacement across ports."}})

	// This cycle: open, preview, pin, findings, close.
	n.Do(domain.OpenCycle{ID: "cycle-2023", Title: "Supply-side evaluation 2018-2023", From: "2018-01-01", To: "2023-12-31",
		Regions: []string{"NL33", "BE21"}, Interventions: scope, PreviousCycle: "cycle-2019",
		Questions: []string{"Did the port controls reduce availability?", "Did activity move across the border?"}})
	preview := build(t, g, "cycle-2023")
	if preview.Status != report.StatusPreview || !strings.Contains(string(render(t, g, "cycle-2023", report.Markdown)), "**Preview.**") {
		t.Fatalf("unpinned open cycle: status %s", preview.Status)
	}
	pin := n.Head()
	n.Do(domain.PinCycleEvidence{ID: "cycle-2023", Position: pin})
	draft := build(t, g, "cycle-2023")
	if draft.Status != report.StatusDraft || draft.Position != strconv.FormatUint(pin, 10) {
		t.Fatalf("pinned open cycle: status %s at %s", draft.Status, draft.Position)
	}

	// Findings rest on the report's own estimates.
	var rtm report.InterventionReport
	for _, iv := range draft.Interventions {
		if iv.ID == demo.RotterdamPortControl {
			rtm = iv
		}
	}
	var incidents report.ImpactRow
	for _, im := range rtm.Impacts {
		if im.Indicator == demo.PortIncidents {
			incidents = im
		}
	}
	if incidents.Effect == nil {
		t.Fatalf("no impact estimate of %s on %s: %+v", demo.RotterdamPortControl, demo.PortIncidents, incidents)
	}
	eff := float64(*incidents.Effect)
	n.Do(domain.RecordFinding{ID: "cycle-2023", FindingID: "f-rtm-disp", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Port incidents at Rotterdam fell; some moved to Antwerp.", EffectRating: domain.EffectMixed, EvidenceQuality: quality(3),
		Evidence:       &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: incidents.Method, Estimate: &eff},
		Recommendation: "Coordinate container controls with Antwerp."})
	n.Do(domain.RecordFinding{ID: "cycle-2023", FindingID: "f-general", Family: domain.FamilyCost,
		Statement: "Cost records are complete for operations, not for policies.", EffectRating: domain.EffectUnclear, EvidenceQuality: quality(2)})
	n.Do(domain.CloseCycle{ID: "cycle-2023", Summary: "Port controls worked locally with partial displacement.",
		Recommendations: []string{"Joint port controls NL-BE.", "Record policy costs."}})

	final := build(t, g, "cycle-2023")
	if final.Status != report.StatusFinal || final.Position != strconv.FormatUint(pin, 10) || final.Withheld != 0 || len(final.Interventions) != len(scope) {
		t.Fatalf("final report: status %s position %s withheld %d interventions %d", final.Status, final.Position, final.Withheld, len(final.Interventions))
	}
	at, err := report.StoreTimes{Store: n.Store}.RecordedAt(ctx, pin)
	if err != nil || final.PositionTime != at.Format(time.RFC3339) {
		t.Fatalf("position time %q, want the recorded time of event %d (%v, %v)", final.PositionTime, pin, at, err)
	}
	if p := final.Previous; p == nil || len(p.FollowUps) != 1 || p.FollowUps[0].Outcome != "FOLLOWED_UP" || p.FollowUps[0].Current[0].FindingID != "f-rtm-disp" {
		t.Fatalf("previous cycle follow-up: %+v", final.Previous)
	}
	if len(final.Findings) != 1 || final.Findings[0].FindingID != "f-general" {
		t.Fatalf("general findings %+v", final.Findings)
	}

	// The numbers are those of impact and displacement for the same inputs.
	estimates, analyses := 0, 0
	for _, iv := range final.Interventions {
		if iv.Proportionality == nil {
			t.Fatalf("%s: no proportionality context", iv.ID)
		}
		for _, im := range iv.Impacts {
			est, err := ev.Impact(ctx, report.ImpactQuery(iv.ID, im.Indicator, im.To, pin))
			if im.Error != "" {
				if err == nil || !strings.Contains(im.Error, strings.SplitN(err.Error(), ":", 2)[0]) {
					t.Fatalf("%s %s: report says %q, impact says %v", iv.ID, im.Indicator, im.Error, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", iv.ID, im.Indicator, err)
			}
			if string(est.Method) != im.Method || !same(im.Effect, est.Effect.Value) ||
				(est.Effect.HasInterval && (!same(im.Low, est.Effect.Low) || !same(im.High, est.Effect.High))) {
				t.Fatalf("%s %s: report %s %v [%v, %v], impact %s %+v", iv.ID, im.Indicator, im.Method, *im.Effect, im.Low, im.High, est.Method, est.Effect)
			}
			estimates++
		}
		for _, d := range iv.Displacement {
			res, err := ev.Displacement(report.DisplacementRequest(iv.ID, d.Indicator, pin))
			if d.Error != "" {
				if err == nil {
					t.Fatalf("%s %s: report says %q, displacement succeeds", iv.ID, d.Indicator, d.Error)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", iv.ID, d.Indicator, err)
			}
			if string(res.Finding) != d.Finding || (res.WDQ.TotalNetEffect != nil && !same(d.TotalNetEffect, *res.WDQ.TotalNetEffect)) ||
				(res.WDQ.Quotient != nil && !same(d.WDQ, *res.WDQ.Quotient)) {
				t.Fatalf("%s %s: report %+v, displacement %+v", iv.ID, d.Indicator, d, res.WDQ)
			}
			analyses++
		}
	}
	if estimates < 10 || analyses < 5 {
		t.Fatalf("only %d estimates and %d displacement analyses in the report", estimates, analyses)
	}
	t.Logf("final report: %d impact estimates, %d displacement analyses", estimates, analyses)

	// The three formats, and the HTML is self-contained with charts.
	jsonBytes := render(t, g, "cycle-2023", report.JSON)
	var back map[string]any
	if err := json.Unmarshal(jsonBytes, &back); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	md := render(t, g, "cycle-2023", report.Markdown)
	htmlBytes := render(t, g, "cycle-2023", report.HTML)
	frHTML, err := g.GenerateIn(ctx, "cycle-2023", report.HTML, i18n.FR)
	if err != nil {
		t.Fatal(err)
	}
	frMD, err := g.GenerateIn(ctx, "cycle-2023", report.Markdown, i18n.FR)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "<polygon", "@media print", "f-rtm-disp", "Follow-up of the previous cycle"} {
		if !bytes.Contains(htmlBytes, []byte(want)) {
			t.Fatalf("HTML report lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=\"http", "href=\"http", "NaN", "Inf"} {
		if bytes.Contains(htmlBytes, []byte(bad)) {
			t.Fatalf("HTML report holds %q", bad)
		}
	}
	out := filepath.Join(t.TempDir(), "cycle-2023.html")
	if dir := os.Getenv("SUPPLYEVAL_REPORT_DIR"); dir != "" {
		out = filepath.Join(dir, "cycle-2023.html")
	}
	if err := os.WriteFile(out, htmlBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(out, ".html")+".fr.html", frHTML, 0o644); err != nil {
		t.Fatal(err)
	}

	// New data and a revision in scope: the closed cycle's report does not
	// change by a byte; an unpinned preview over the same scope shows it.
	n.Do(domain.OpenCycle{ID: "cycle-preview", Title: "Preview", From: "2018-01-01", To: "2023-12-31", Interventions: scope})
	before := build(t, g, "cycle-preview")
	n.Do(domain.ReviseObservation{Indicator: demo.PortIncidents, Region: "NLRTM", Period: "2019-03", Value: 400, Reason: "late count", Source: "port authority"})
	n.Do(domain.RecordObservations{Indicator: demo.CocainePrice, Source: "focal point 2025", Rows: []domain.ObservationRow{{Region: "NL33", Period: "2025-01", Value: 70}}})
	n.Do(domain.DefineIndicator{Code: "CRACK_PRICE", Name: "Crack price", Family: domain.FamilyAvailability, Unit: "EUR/g",
		Granularity: domain.Month, DesiredDirection: domain.DirectionUp})
	n.Do(domain.RecordObservations{Indicator: "CRACK_PRICE", Source: "focal point 2025", Rows: []domain.ObservationRow{
		{Region: "BE21", Period: "2020-01", Value: 40}, {Region: "BE21", Period: "2022-01", Value: 42}}})
	for f, want := range map[report.Format][]byte{report.JSON: jsonBytes, report.Markdown: md, report.HTML: htmlBytes} {
		if got := render(t, g, "cycle-2023", f); !bytes.Equal(got, want) {
			t.Fatalf("%s report of the closed cycle changed after a revision (%d bytes, was %d)", f, len(got), len(want))
		}
	}
	for f, want := range map[report.Format][]byte{report.Markdown: frMD, report.HTML: frHTML} {
		if got, err := g.GenerateIn(ctx, "cycle-2023", f, i18n.FR); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("French %s report of the closed cycle changed after a revision (%d bytes, was %d; %v)", f, len(got), len(want), err)
		}
	}
	after := build(t, g, "cycle-preview")
	if before.Position == after.Position {
		t.Fatal("preview did not move with the log")
	}
	if effectOf(before, demo.RotterdamPortControl, demo.PortIncidents) == effectOf(after, demo.RotterdamPortControl, demo.PortIncidents) {
		t.Fatal("preview does not show the revision")
	}
	if !strings.Contains(qualityOf(after, demo.RotterdamPortControl, demo.PortIncidents, "NLRTM"), "1 revision") {
		t.Fatalf("preview data quality: %s", qualityOf(after, demo.RotterdamPortControl, demo.PortIncidents, "NLRTM"))
	}

	// A reader not cleared for one intervention: it is counted, never named.
	restricted := *ev
	restricted.Visible = func(iv projections.Intervention) bool { return iv.ID != demo.RotterdamPortControl }
	hiddenHTML, err := g.For(&restricted).Generate(ctx, "cycle-2023", report.HTML)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(hiddenHTML, []byte(demo.RotterdamPortControl)) || !bytes.Contains(hiddenHTML, []byte("Withheld (clearance)</th><td class=\"n\">1<")) {
		t.Fatal("the withheld intervention is named, or not counted, in the report")
	}

	if !testing.Short() {
		screenshot(t, out)
	}
}

func effectOf(r *report.Report, iv, ind string) string {
	for _, x := range r.Interventions {
		for _, im := range x.Impacts {
			if x.ID == iv && im.Indicator == ind && im.Effect != nil {
				return strconv.FormatFloat(float64(*im.Effect), 'g', -1, 64)
			}
		}
	}
	return ""
}

func qualityOf(r *report.Report, iv, ind, region string) string {
	for _, x := range r.Interventions {
		for _, q := range x.DataQuality {
			if x.ID == iv && q.Indicator == ind && q.Region == region {
				return strconv.Itoa(q.Revisions) + " revision(s), sources " + strings.Join(q.Sources, "; ")
			}
		}
	}
	return "none"
}

// screenshot opens the HTML report in headless Chromium and keeps a PNG
// beside it; skipped when Chromium is not installed.
func screenshot(t *testing.T, htmlPath string) {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			bin = p
		} else {
			t.Logf("skipping the screenshot: no Chromium at %s or on PATH (set CHROMIUM)", bin)
			return
		}
	}
	png := strings.TrimSuffix(htmlPath, ".html") + ".png"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--screenshot="+png, "--window-size=1400,2000", "file://"+htmlPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	st, err := os.Stat(png)
	if err != nil || st.Size() < 20_000 {
		t.Fatalf("screenshot %s: %v (size %d): the page did not render", png, err, sizeOf(st))
	}
	t.Logf("screenshot of the HTML report: %s (%d bytes)", png, st.Size())
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}
