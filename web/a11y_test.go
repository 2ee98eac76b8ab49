package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// The pages every browser check visits (the single-user mode, which sees
// everything), filled in by sitePages once the cycle exists.
func sitePages(t testing.TB, s *site) map[string]string {
	t.Helper()
	var out struct{ OpenCycle struct{ Position string } }
	resp := s.api.Do(t.Context(), graphql.Request{Query: `mutation { openCycle(input: {id: "c-pages", title: "Port controls 2018-2022", from: "2018-01-01", to: "2022-12-31", interventions: ["op-2018-rtm-container-control"], regions: [], questions: ["Did port controls reduce incidents?"]}) { position } }`}, false)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	decode(t, resp.Data, &out)
	return map[string]string{
		"1-overview":     "/",
		"2-intervention": "/interventions/op-2018-rtm-container-control",
		"3-compare":      "/compare?intervention=op-2018-rtm-container-control&indicator=PORT_INCIDENTS",
		"3-compare-pick": "/compare",
		"4-cycles":       "/cycles",
		"4-cycle":        "/cycles/c-pages",
		"5-import":       "/import",
		"6-audit":        "/audit",
	}
}

// TestAccessibility injects axe-core into every page and fails on any
// serious or critical violation; it also checks what axe cannot: every
// page has one h1, a main landmark and a language, and every control can
// be reached with the keyboard (a positive or no tab stop, none hidden).
func TestAccessibility(t *testing.T) {
	s := newSite(t, true)
	pages := sitePages(t, s)
	b := newBrowser(t)
	axe := axeSource(t)
	for name, path := range pages {
		b.visit(s.srv.URL + path)
		b.eval(axe+";true", nil)
		var run struct {
			Passes     int
			Violations []struct {
				ID, Impact, Help string
				Nodes            int
				Target           string
			}
		}
		b.eval(`axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: String(v.nodes[0].target)}))}))`, &run)
		if run.Passes < 10 {
			t.Fatalf("%s: axe-core ran only %d passing rules; it did not run", name, run.Passes)
		}
		t.Logf("%s: axe-core: %d rules passed, %d violations", name, run.Passes, len(run.Violations))
		res := run.Violations
		for _, v := range res {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s (%s): %s %s: %s (%d nodes, first %s)", name, path, v.Impact, v.ID, v.Help, v.Nodes, v.Target)
			} else {
				t.Logf("%s: %s %s (%d nodes)", name, v.Impact, v.ID, v.Nodes)
			}
		}
		var own struct {
			H1, Main   int
			Lang       string
			Untabbable []string
		}
		b.eval(`({h1: document.querySelectorAll("h1").length, main: document.querySelectorAll("main").length, lang: document.documentElement.lang,
		  untabbable: Array.from(document.querySelectorAll("a[href],button,input,select,textarea,summary")).filter(e => e.tabIndex < 0 && e.type !== "hidden").map(e => e.outerHTML.slice(0, 80))})`, &own)
		if own.H1 != 1 || own.Main != 1 || own.Lang == "" || len(own.Untabbable) > 0 {
			t.Errorf("%s: %d h1, %d main, lang %q, not reachable by keyboard: %q", name, own.H1, own.Main, own.Lang, own.Untabbable)
		}
	}
}

// axeSource returns axe-core's script (testdata, gzipped).
func axeSource(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/axe-core-4.14.1.min.js.gz")
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
	if !strings.HasPrefix(string(js), "/*! axe v4.14.1") {
		t.Fatal(fmt.Errorf("testdata axe-core is not 4.14.1"))
	}
	return string(js)
}
