package web_test

import (
	"encoding/csv"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
)

// TestCycleWorkspaceInTheBrowser completes a cycle as an evaluator would:
// opens it with its scope ticked from the lists, pins the evidence,
// records the first finding drafted from the estimates, closes it with
// recommendations, downloads the report in every format, and opens the
// follow-up cycle prefilled from it.
func TestCycleWorkspaceInTheBrowser(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	b.visit(s.srv.URL + "/cycles")
	b.do(chromedpSendKeys("#c-id", "c-web"), chromedpSendKeys("#c-title", "Port controls 2018-2022"),
		chromedpSetValue("#c-from", "2018-01-01"), chromedpSetValue("#c-to", "2022-12-31"),
		chromedpClick(`input[name=interventions][value="op-2018-rtm-container-control"]`))
	b.submit("#open-cycle")
	if txt := b.text(); !strings.Contains(txt, "Cycle c-web opened") {
		t.Fatalf("cycle not opened:\n%.1500s", txt)
	}
	// Pin at the position proposed (the head).
	b.submit("#pin")
	var cyc struct{ Cycle struct{ Pinned *string } }
	s.query(t, restrictedToken, `{ cycle(id: "c-web") { pinned } }`, nil, &cyc)
	if cyc.Cycle.Pinned == nil || !strings.Contains(b.text(), "Evidence pinned at position "+*cyc.Cycle.Pinned) {
		t.Fatalf("pin not recorded or not shown (%v):\n%.1200s", cyc.Cycle.Pinned, b.text())
	}
	// The first draft, as prefilled.
	statement := b.values("details.draft textarea[name=statement]")
	if len(statement) == 0 {
		t.Fatalf("no finding drafted from the estimates:\n%.2000s", b.text())
	}
	b.submit("details.draft form button")
	var f struct {
		Cycle struct {
			Findings []struct{ Statement, Family, EffectRating string }
		}
	}
	s.query(t, restrictedToken, `{ cycle(id: "c-web") { findings { statement family effectRating } } }`, nil, &f)
	if len(f.Cycle.Findings) != 1 || f.Cycle.Findings[0].Statement != strings.TrimSpace(statement[0]) {
		t.Fatalf("finding recorded %+v, drafted %q", f.Cycle.Findings, statement[0])
	}
	// Downloads, read by the browser with its cookie.
	var csvText, md, html string
	b.eval(`fetch("/cycles/c-web/report.csv").then(r => r.text())`, &csvText)
	b.eval(`fetch("/cycles/c-web/report.md").then(r => r.text())`, &md)
	b.eval(`fetch("/cycles/c-web/report.html").then(r => r.text())`, &html)
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "cycle" || rows[1][2] != "op-2018-rtm-container-control" {
		t.Errorf("CSV of the estimates: %v\n%.500s", err, csvText)
	}
	if !strings.Contains(md, "Port controls 2018-2022") || !strings.Contains(html, "<html") {
		t.Errorf("Markdown or HTML report wrong:\n%.300s\n%.300s", md, html)
	}
	// Close with recommendations.
	b.do(chromedpSendKeys("#summary", "Port controls reduced incidents."), chromedpSendKeys("#recommendations", "Keep the scanners\nWatch Antwerp"))
	b.submit("#close")
	if !strings.Contains(b.text(), "This cycle is closed") {
		t.Fatalf("not closed:\n%.1000s", b.text())
	}
	// The follow-up cycle's form is prefilled.
	b.submit("#follow-up")
	prev := b.texts("#c-prev option:checked")
	q := b.values("#c-questions")
	if len(prev) != 1 || !strings.Contains(prev[0], "Port controls") || len(q) != 1 || !strings.Contains(q[0], "Watch Antwerp") {
		t.Errorf("follow-up not prefilled: previous %q, questions %q", prev, q)
	}
}

// TestDraftedFindingCarriesItsRating: a finding drafted from an estimate
// states the effect in words (a ratio as a percentage change), carries
// the estimate's design so that the API derives the evidence quality from
// it (the form is prefilled with that quality and says the rating, in the
// page's language), and asks for a reason before recording another
// quality, which is then recorded as an override.
func TestDraftedFindingCarriesItsRating(t *testing.T) {
	s := newSite(t, false)
	n := s.node
	n.Do(domain.OpenCycle{ID: "c-r", Title: "Ports", From: "2018-01-01", To: "2022-12-31", Interventions: []string{demo.RotterdamPortControl}})
	n.Do(domain.PinCycleEvidence{ID: "c-r", Position: n.Head()})
	n.Wait(n.Head())
	b := newBrowser(t)
	b.signIn(s.srv.URL, restrictedToken)
	b.visit(s.srv.URL + "/cycles/c-r")
	notes := b.texts("details.draft p.hint[id^=qn-]")
	quality := b.values("details.draft input[name=evidenceQuality]")
	design := b.values("details.draft input[name=design]")
	statement := b.values("details.draft textarea[name=statement]")
	if len(notes) == 0 || len(quality) == 0 || len(design) == 0 || len(statement) == 0 {
		t.Fatalf("no rated draft: notes %q, quality %q, design %q", notes, quality, design)
	}
	if !strings.Contains(notes[0], "The design supports Maryland level ") {
		t.Errorf("rating note %q", notes[0])
	}
	if regexp.MustCompile(`estimate 0\.\d{3}`).MatchString(statement[0]) || !strings.Contains(statement[0], "%") {
		t.Errorf("the drafted statement does not say the change in words: %q", statement[0])
	}
	// Recorded as drafted: the quality is the one the design supports.
	b.submit("details.draft form button")
	var f struct {
		Cycle struct {
			Findings []struct {
				EvidenceQuality int
				QualityOverride *string
				Rating          *struct{ SMS, Quality int }
			}
		}
	}
	s.query(t, restrictedToken, `{ cycle(id: "c-r") { findings { evidenceQuality qualityOverride rating { sms quality } } } }`, nil, &f)
	if len(f.Cycle.Findings) != 1 || f.Cycle.Findings[0].Rating == nil {
		t.Fatalf("finding recorded without its rating: %+v", f.Cycle.Findings)
	}
	got := f.Cycle.Findings[0]
	if q, _ := strconv.Atoi(quality[0]); got.EvidenceQuality != q || got.Rating.Quality != q || got.QualityOverride != nil {
		t.Errorf("recorded quality %d, rating %+v, override %v; the form proposed %s", got.EvidenceQuality, got.Rating, got.QualityOverride, quality[0])
	}
	// Another quality without a reason is refused, in French on a French
	// page; with one, it is recorded as an override.
	b.visit(s.srv.URL + "/lang?to=fr&next=/cycles/c-r")
	other := "4"
	if quality[0] == "4" {
		other = "3"
	}
	b.do(chromedpSetValue("details.draft input[name=evidenceQuality]", other))
	b.submit("details.draft form button")
	if msg := strings.Join(b.texts("div.error"), " "); !strings.Contains(msg, "evidenceQualityReason") && !strings.Contains(msg, "justification") && !strings.Contains(msg, "raison") {
		t.Errorf("another quality without a reason: %q", msg)
	}
	b.visit(s.srv.URL + "/cycles/c-r")
	b.do(chromedpSetValue("details.draft input[name=evidenceQuality]", other), chromedpSendKeys("details.draft input[name=evidenceQualityReason]", "Vérifié sur place."))
	b.submit("details.draft form button")
	s.query(t, restrictedToken, `{ cycle(id: "c-r") { findings { evidenceQuality qualityOverride rating { sms quality } } } }`, nil, &f)
	if len(f.Cycle.Findings) != 2 || f.Cycle.Findings[1].QualityOverride == nil || *f.Cycle.Findings[1].QualityOverride != "Vérifié sur place." {
		t.Errorf("the override was not recorded with its reason: %+v", f.Cycle.Findings)
	}
}
