package report_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
)

// closedCycle records the demo world and a closed cycle over scope with
// two findings, and returns the generator.
func closedCycle(t *testing.T) *report.Generator {
	t.Helper()
	n, g := demoNode(t)
	n.Do(domain.OpenCycle{ID: "c", Title: "Supply-side evaluation 2018-2023", From: "2018-01-01", To: "2023-12-31",
		Regions: []string{"NL33", "BE21"}, Interventions: scope, Questions: []string{"Did the port controls reduce availability?"}})
	n.Do(domain.PinCycleEvidence{ID: "c", Position: n.Head()})
	est := -35.0
	n.Do(domain.RecordFinding{ID: "c", FindingID: "f-rtm", Intervention: demo.RotterdamPortControl, Family: domain.FamilyDisplacement,
		Statement: "Port incidents at Rotterdam fell.", EffectRating: domain.EffectMixed, EvidenceQuality: quality(3),
		Evidence: &domain.FindingEvidence{Indicator: demo.PortIncidents, Method: string(impact.MethodITS), Estimate: &est}})
	n.Do(domain.RecordFinding{ID: "c", FindingID: "f-gen", Family: domain.FamilyCost, Statement: "Cost records are incomplete for policies.",
		EffectRating: domain.EffectUnclear, EvidenceQuality: quality(2)})
	n.Do(domain.CloseCycle{ID: "c", Summary: "Port controls worked locally with partial displacement.", Recommendations: []string{"Joint port controls NL-BE."}})
	return g
}

// enumCodes are every code a report could print raw.
func enumCodes() map[string]bool {
	out := map[string]bool{}
	add := func(v ...string) {
		for _, s := range v {
			out[s] = true
		}
	}
	for _, f := range domain.Families {
		add(string(f))
	}
	for _, d := range domain.Directions {
		add(string(d))
	}
	for _, k := range domain.OperationKinds {
		add(string(k))
	}
	for _, k := range domain.TargetTiers {
		add(string(k))
	}
	for _, k := range domain.Classifications {
		add(string(k))
	}
	for _, k := range domain.PolicyKinds {
		add(string(k))
	}
	for _, k := range domain.EffectRatings {
		add(string(k))
	}
	for _, k := range displacement.Roles {
		add(string(k))
	}
	add(string(impact.MethodBeforeAfter), string(impact.MethodITS), string(impact.MethodDiD), string(impact.MethodSyntheticControl),
		string(impact.Gaussian), string(impact.QuasiPoisson))
	add(string(evaluate.FindingDisplacement), string(evaluate.FindingDiffusion), string(evaluate.FindingNoEvidence),
		string(evaluate.FindingNotInterpretable), string(evaluate.FindingUntested))
	add("DESIRED", "UNDESIRED", "NO_CLEAR_EFFECT", "INCREASE", "DECREASE", "FOLLOWED_UP", "NOT_YET", "OUT_OF_SCOPE",
		report.StatusFinal, report.StatusDraft, report.StatusPreview, "OPERATION", "POLICY_CHANGE")
	return out
}

var (
	reStyle = regexp.MustCompile(`(?s)<style>.*?</style>`)
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reCaps  = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b`)
)

// visibleText is what a reader sees of an HTML report.
func visibleText(b []byte) string {
	return html.UnescapeString(reTag.ReplaceAllString(reStyle.ReplaceAllString(string(b), ""), " "))
}

// rawCodes lists the enum codes found as words in text.
func rawCodes(text string) []string {
	codes := enumCodes()
	seen := map[string]bool{}
	var out []string
	for _, tok := range reCaps.FindAllString(text, -1) {
		if codes[tok] && !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}

// TestReportSpeaksWordsInEnglishAndFrench reads the closed cycle's report
// as its reader does, in both languages: no enum code, numbers and dates
// per locale, a summary of findings before the first intervention.
func TestReportSpeaksWordsInEnglishAndFrench(t *testing.T) {
	if raceDetector {
		t.Skip("a whole-report check, ten times slower under the race detector; the run without it checks it (see race_on_test.go)")
	}
	g := closedCycle(t)
	ctx := context.Background()
	r, err := g.Build(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	var cost float64
	for _, iv := range r.Interventions {
		if o := iv.Outputs; o != nil && float64(o.Cost) >= 10000 {
			cost = float64(o.Cost)
		}
	}
	if cost == 0 {
		t.Fatal("no operation with a cost of five digits or more in the demo world")
	}
	for _, c := range []struct {
		lang                           i18n.Lang
		summary, date, ivWord, grouped string
		decimal                        *regexp.Regexp
	}{
		{i18n.EN, "Summary of findings", "1 January 2018", "Operation in ", ",", regexp.MustCompile(`\d\.\d`)},
		{i18n.FR, "Synthèse des constats", "1er janvier 2018", "Opération en ", "\u202f", regexp.MustCompile(`\d,\d`)},
	} {
		page, err := g.GenerateIn(ctx, "c", report.HTML, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		text := visibleText(page)
		if codes := rawCodes(text); len(codes) > 0 {
			t.Errorf("%s HTML prints codes %v", c.lang, codes)
		}
		md, err := g.GenerateIn(ctx, "c", report.Markdown, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if codes := rawCodes(string(md)); len(codes) > 0 {
			t.Errorf("%s Markdown prints codes %v", c.lang, codes)
		}
		// The summary comes first and says what the cycle found.
		s, iv := strings.Index(text, c.summary), strings.Index(text, c.ivWord)
		if s < 0 || iv < 0 || s > iv {
			t.Fatalf("%s: summary at %d, first intervention at %d", c.lang, s, iv)
		}
		summary := text[s:iv]
		for _, want := range []string{"Port controls worked locally", "Joint port controls NL-BE.", "Port incidents at Rotterdam fell.", i18n.Lang(c.lang).Code("verdict", "DESIRED")} {
			if !strings.Contains(summary, want) {
				t.Errorf("%s summary lacks %q", c.lang, want)
			}
		}
		for _, iv := range r.Interventions {
			if !strings.Contains(summary, iv.Title) {
				t.Errorf("%s summary lacks intervention %q", c.lang, iv.Title)
			}
		}
		// Numbers and dates per locale.
		want := c.lang.Num(cost)
		if !strings.Contains(want, c.grouped) || !strings.Contains(text, want) {
			t.Errorf("%s: cost %v should read %q, grouped with %q", c.lang, cost, want, c.grouped)
		}
		if !c.decimal.MatchString(summary) {
			t.Errorf("%s summary has no decimal written %s", c.lang, c.decimal)
		}
		if c.lang == i18n.FR && regexp.MustCompile(`\d\.\d`).MatchString(summary) {
			t.Errorf("FR summary writes a decimal point: %s", summary)
		}
		// Before the annex (the methods' own explanations), no number in
		// exponent form: p-values below a thousandth read "< 0.001".
		body := text
		if i := strings.LastIndex(text, c.lang.T("report.annex")+": "+c.lang.T("report.annex.title")); i > 0 {
			body = text[:i]
		}
		if m := regexp.MustCompile(`\d[.,]?\d*e-\d`).FindString(body); m != "" {
			t.Errorf("%s: a number in exponent form %q", c.lang, m)
		}
		if !strings.Contains(body, "< "+c.lang.Fixed(0.001, 3)) {
			t.Errorf("%s: no p-value below a thousandth written as such", c.lang)
		}
		if !strings.Contains(text, c.date) {
			t.Errorf("%s: no date in words %q", c.lang, c.date)
		}
		// Regions by name, with the code in brackets.
		if !strings.Contains(text, "(NL33)") || !strings.Contains(text, "(BE21)") {
			t.Errorf("%s: regions are not named with their codes in brackets", c.lang)
		}
		chartsRead(t, c.lang, r, string(page))
		if !strings.Contains(string(page), `lang="`+c.lang.Tag()+`"`) {
			t.Errorf("%s: html lang attribute missing", c.lang)
		}
		if !testing.Short() {
			pages(t, page, c.lang)
		}
	}
	if _, err := r.RenderIn(report.HTML, i18n.Lang("DE")); err == nil {
		t.Fatal("a report in German rendered")
	}
	var de *domain.Error
	if _, err := report.ParseLang("de"); !errors.As(err, &de) || de.Code != domain.BadInput || de.Field != "lang" {
		t.Fatalf("ParseLang(de): %v", err)
	}
}

// maxPages bounds the A4 pages the demo world's closed cycle prints to
// (4 interventions, 28 estimates, 24 displacement analyses). Measured in
// Chromium 156's print to PDF: 26 A4 pages before the print layout (29 US
// Letter), 20 with it, of which 6 are the annex of methods and data
// quality; 2 pages of slack for fonts and Chromium versions.
const maxPages = 22

// pages prints the report to PDF in headless Chromium and counts its A4
// pages with pdfinfo (poppler-utils); skipped without either.
func pages(t *testing.T, page []byte, lang i18n.Lang) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Logf("skipping the page count: no chromium on PATH (apt-get install chromium poppler-utils)")
		return
	}
	info, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Logf("skipping the page count: no pdfinfo on PATH (apt-get install poppler-utils)")
		return
	}
	dir := t.TempDir()
	in, pdf := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+in).CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	meta, err := exec.CommandContext(ctx, info, pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(meta)
	if m == nil || !bytes.Contains(meta, []byte("(A4)")) {
		t.Fatalf("pdfinfo: %s", meta)
	}
	n, _ := strconv.Atoi(string(m[1]))
	t.Logf("%s report prints to %d A4 pages", lang, n)
	if n > maxPages {
		t.Fatalf("%s report prints to %d A4 pages, more than %d", lang, n, maxPages)
	}
}

var (
	reSVG   = regexp.MustCompile(`(?s)<svg [^>]*aria-label="([^"]*)".*?</svg>`)
	reYTick = regexp.MustCompile(`class="ytick"[^>]*>([^<]*)<`)
	reBar   = regexp.MustCompile(`class="blabel"[^>]*>([^<]*)<`)
	reTitle = regexp.MustCompile(`class="(?:x|y)title"[^>]*>([^<]*)<`)
)

// chartsRead checks the charts of page: count series have a y axis from
// zero with at least three ticks and the unit as its title; displacement
// bars are labelled by region name with the code in brackets, and their
// axis carries the unit.
func chartsRead(t *testing.T, l i18n.Lang, r *report.Report, page string) {
	t.Helper()
	counts, units := map[string]bool{}, map[string]string{}
	for _, iv := range r.Interventions {
		for _, im := range iv.Impacts {
			counts[html.EscapeString(im.Name)] = im.Counts
			units[html.EscapeString(im.Name)] = im.Unit
		}
	}
	lines, bars := 0, 0
	for _, m := range reSVG.FindAllStringSubmatch(page, -1) {
		svg, name := m[0], m[1]
		if ticks := reYTick.FindAllStringSubmatch(svg, -1); len(ticks) > 0 {
			lines++
			if len(ticks) < 3 {
				t.Errorf("%s chart %s: %d y ticks", l, name, len(ticks))
			}
			if v, err := strconv.ParseFloat(strings.ReplaceAll(ticks[0][1], ",", "."), 64); counts[name] && (err != nil || v != 0) {
				t.Errorf("%s chart %s counts but its axis starts at %s", l, name, ticks[0][1])
			}
			titles := reTitle.FindAllStringSubmatch(svg, -1)
			if len(titles) != 2 || titles[1][1] != html.EscapeString(units[name]) {
				t.Errorf("%s chart %s: axis titles %v, want the unit %q", l, name, titles, units[name])
			}
			continue
		}
		if labels := reBar.FindAllStringSubmatch(svg, -1); len(labels) > 0 {
			bars++
			for _, lb := range labels {
				if !regexp.MustCompile(`^.+ \([A-Z0-9]+\)( \*)?$`).MatchString(html.UnescapeString(lb[1])) {
					t.Errorf("%s bars %s: region label %q is not a name with its code in brackets", l, name, lb[1])
				}
			}
			if tt := reTitle.FindStringSubmatch(svg); tt == nil || !strings.Contains(tt[1], "(") {
				t.Errorf("%s bars %s: no axis title with a unit", l, name)
			}
		}
	}
	if lines < 20 || bars < 10 {
		t.Errorf("%s: %d line charts and %d bar charts read", l, lines, bars)
	}
}
