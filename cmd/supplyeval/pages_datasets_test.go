package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/i18n"
)

// datasetIndicator is, for each published dataset, the indicator whose
// latest value the test reads on the overview and checks against the API.
var datasetIndicator = map[string]string{
	"prop99_smoking": "CIGSALE", "basque": "GDPCAP", "sicily_aces": "ACES", "card_krueger": "FTE",
}

// TestPagesOnThePublishedDatasets imports each of the four published
// datasets into a fresh data directory with the README's own import
// command (section "Importing indicator tables"; the README's worked
// example also records New Jersey's minimum wage for Card and Krueger),
// serves it as `supplyeval serve` does, and opens every page in headless
// Chromium: the overview, the intervention where the dataset has one,
// compare (with the intervention), the cycles, import and audit pages.
// Each page answers 200 with no error on it, axe-core (the web tests'
// vendored copy) finds no serious or critical violation, and the
// overview's latest value of one indicator is the one the API gives.
func TestPagesOnThePublishedDatasets(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser (not in -short mode)")
	}
	bin, ok := chromium()
	if !ok {
		t.Skip("no Chromium on PATH: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome) to run the browser tests")
	}
	blocks, _ := readmeSection(t, "## Importing indicator tables")
	var commands []string
	for _, b := range blocks {
		if b[0] != "sh" {
			continue
		}
		for _, line := range strings.Split(b[1], "\n") {
			if strings.Contains(line, "--mapping cmd/supplyeval/importdata/") {
				commands = append(commands, line)
			}
		}
		break
	}
	if len(commands) != len(datasetIndicator) {
		t.Fatalf("the README's import section shows %d dataset commands, want %d: %q", len(commands), len(datasetIndicator), commands)
	}
	ck, _ := readmeSection(t, "### Worked example: Card and Krueger")
	var ckMutation string
	for _, b := range ck {
		if b[0] == "graphql" && strings.Contains(b[1], "adoptPolicyChange") {
			ckMutation = b[1]
		}
	}
	if ckMutation == "" {
		t.Fatal("the README's Card-Krueger example records no policy change")
	}
	axe := axeSource(t)
	ctx := startChromium(t, bin)
	for _, line := range commands {
		args := strings.Fields(line)
		var dataset string
		for _, a := range args {
			if strings.HasSuffix(a, ".csv") {
				dataset = strings.TrimSuffix(a, ".csv")
			}
		}
		t.Run(dataset, func(t *testing.T) {
			data := t.TempDir()
			cli := []string{"import", "--data", data}
			for _, a := range args[2:] {
				switch {
				case strings.HasPrefix(a, "cmd/supplyeval/"):
					a = filepath.Join("..", "..", a)
				case strings.HasSuffix(a, ".csv"):
					a = filepath.Join("testdata", "datasets", a)
				}
				cli = append(cli, a)
			}
			if code, out, errOut := runCLI(t, cli...); code != 0 {
				t.Fatalf("%s: exit %d\n%s%s", line, code, out, errOut)
			}
			n, err := Open(context.Background(), Config{DataDir: data, Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			base := "http://" + n.Addr()
			pages := []string{"/", "/compare", "/cycles", "/import", "/audit"}
			if dataset == "card_krueger" {
				var out json.RawMessage
				gqlPost(t, base+"/graphql", ckMutation, nil, &out)
				pages = append(pages, "/interventions/pol-1992-nj-minimum-wage", "/compare?intervention=pol-1992-nj-minimum-wage")
			}
			for _, path := range pages {
				checkPage(t, ctx, base, path, axe)
			}
			checkLatest(t, ctx, base, datasetIndicator[dataset])
			if dataset == "card_krueger" {
				checkMinimumWage(t, ctx, base)
			}
		})
	}
}

// checkPage fetches path (200, no error shown), then opens it in the
// browser and runs axe-core on it.
func checkPage(t *testing.T, ctx context.Context, base, path, axe string) {
	t.Helper()
	start := time.Now()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s: status %d\n%.2000s", path, resp.StatusCode, body)
	}
	if m := regexp.MustCompile(`<div class="error"[^>]*>([^<]*)`).FindSubmatch(body); m != nil {
		t.Errorf("%s: the page shows an error: %s", path, m[1])
	}
	if bytes.Contains(body, []byte("[web.")) {
		t.Errorf("%s: a message is missing from the catalogue", path)
	}
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(vctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("visit %s: %v", path, err)
	}
	if _, err := chromedp.Run(vctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(vctx, chromedp.Evaluate[[]byte](`axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: String(v.nodes[0].target)}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", path, err)
	}
	var run struct {
		Passes     int
		Violations []struct {
			ID, Impact, Help, Target string
			Nodes                    int
		}
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	if run.Passes < 10 {
		t.Fatalf("%s: axe-core ran only %d passing rules; it did not run", path, run.Passes)
	}
	serious := 0
	for _, v := range run.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			serious++
			t.Errorf("%s: %s %s: %s (%d nodes, first %s)", path, v.Impact, v.ID, v.Help, v.Nodes, v.Target)
		}
	}
	t.Logf("%s: %d bytes in %v; axe-core: %d rules passed, %d violations (%d serious or critical)", path, len(body), took.Round(time.Millisecond), run.Passes, len(run.Violations), serious)
}

// checkLatest reads the overview's latest value of indicator in the
// browser and compares it with the API's series: the mean, over the
// regions whose series reach the latest period, of their value then.
func checkLatest(t *testing.T, ctx context.Context, base, indicator string) {
	t.Helper()
	var regions struct{ Regions []struct{ Code string } }
	gqlPost(t, base+"/graphql", `{ regions { code } }`, nil, &regions)
	latest, sum, count := "", 0.0, 0
	for _, rg := range regions.Regions {
		var s struct {
			Series *struct {
				Points []struct {
					Period string
					Value  float64
				}
			}
		}
		gqlPost(t, base+"/graphql", `query($i: ID!, $r: ID!) { series(indicator: $i, region: $r) { points { period value } } }`,
			map[string]any{"i": indicator, "r": rg.Code}, &s)
		if s.Series == nil || len(s.Series.Points) == 0 {
			continue
		}
		last := s.Series.Points[len(s.Series.Points)-1]
		switch {
		case last.Period > latest:
			latest, sum, count = last.Period, last.Value, 1
		case last.Period == latest:
			sum += last.Value
			count++
		}
	}
	if count == 0 {
		t.Fatalf("%s has no data through the API", indicator)
	}
	want := i18n.EN.Num(sum / float64(count))
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`(() => { const rows = Array.from(document.querySelectorAll("#h-indicators ~ table tbody tr"));
	  const row = rows.find(r => r.cells[0].innerText.includes("(`+indicator+`)")); return row ? Array.from(row.cells).map(c => c.innerText) : null; })()`))
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	if err := json.Unmarshal(raw, &cells); err != nil || len(cells) < 6 {
		t.Fatalf("the overview has no row for %s: %s", indicator, raw)
	}
	if got := strings.TrimSpace(cells[5]); got != want {
		t.Errorf("overview: latest value of %s is %q; the API's series give %s (mean of %d regions at %s)", indicator, got, want, count, latest)
	}
	if got := strings.TrimSpace(cells[4]); got != i18n.EN.Num(float64(count)) {
		t.Errorf("overview: %s regions report %s's latest period; the API's series give %d", got, indicator, count)
	}
	t.Logf("overview: %s latest %s = %s over %d regions, as the API gives", indicator, latest, want, count)
}

// chromium finds Debian's chromium (or $CHROMIUM).
func chromium() (string, bool) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// startChromium starts headless Chromium for the test.
func startChromium(t *testing.T, bin string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	return ctx
}

// axeSource returns axe-core's script, the copy the web tests vendor.
func axeSource(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "web", "testdata", "axe-core-4.14.1.min.js.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// checkMinimumWage opens New Jersey's minimum wage: the dataset has no
// indicator of the five families, so the page says so and estimates FTE
// employment; the default method (AUTO) cannot take the unbalanced panel
// and the card says why, naming DID; with DID (the README's method) the
// effect is the API's. New Jersey's own restaurants are not offered as
// comparison regions (they were treated).
func checkMinimumWage(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	const id = "pol-1992-nj-minimum-wage"
	var want struct{ Impact struct{ Effect float64 } }
	gqlPost(t, base+"/graphql", `{ impact(intervention: "`+id+`", indicator: "FTE", method: DID) { effect } }`, nil, &want)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/interventions/"+id), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	auto, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('article[data-indicator="FTE"]').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(auto, "No estimate") || !strings.Contains(auto, "(method DID)") {
		t.Errorf("with AUTO the FTE card does not say why there is no estimate:\n%s", auto)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/interventions/"+id+"?method=DID"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`({
	  note: (document.getElementById("other-families") || {}).innerText || "",
	  effect: Array.from(document.querySelectorAll('article[data-indicator="FTE"] dd.effect')).map(e => e.innerText),
	  candidates: Array.from(document.querySelectorAll('input[name="comparison"]')).map(e => e.value)})`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Note       string
		Effect     []string
		Candidates []string
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.Note, "five families") {
		t.Errorf("the page does not say the dataset has no indicator of the five families: %q", page.Note)
	}
	if shown := i18n.EN.Num(want.Impact.Effect); len(page.Effect) != 1 || !strings.HasPrefix(page.Effect[0], shown) {
		t.Errorf("FTE effect shown %q; the API gives %v (%s)", page.Effect, want.Impact.Effect, shown)
	}
	nj := 0
	for _, c := range page.Candidates {
		if strings.HasPrefix(c, "NJ-") || c == "US-NJ" {
			nj++
		}
	}
	if nj > 0 || len(page.Candidates) == 0 {
		t.Errorf("%d of the %d comparison regions offered are New Jersey's, treated by the policy", nj, len(page.Candidates))
	}
	t.Logf("%s: FTE effect %s as the API gives; %d comparison regions offered, none in New Jersey", id, page.Effect[0], len(page.Candidates))
}
