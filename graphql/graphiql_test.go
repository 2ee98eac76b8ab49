package graphql_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestGraphiQLPolicyAllowsItsFontsAndNoMore reads the page's
// Content-Security-Policy: GraphiQL's stylesheet carries its fonts as
// data: URLs, which font-src must allow (the policy without font-src fell
// back to default-src 'self' and the browser blocked every one of them);
// every other directive stays as strict as before.
func TestGraphiQLPolicyAllowsItsFontsAndNoMore(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/graphql", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	policy := map[string][]string{}
	for _, d := range strings.Split(resp.Header.Get("Content-Security-Policy"), ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		src := f[1:]
		sort.Strings(src)
		policy[f[0]] = src
	}
	want := map[string]string{
		"default-src": "'self'", "script-src": "'self' 'unsafe-inline'", "style-src": "'self' 'unsafe-inline'",
		"img-src": "'self' data:", "font-src": "'self' data:", "connect-src": "'self'",
	}
	for dir, srcs := range want {
		if got := strings.Join(policy[dir], " "); got != srcs {
			t.Errorf("%s: %q, want %q", dir, got, srcs)
		}
	}
	for dir := range policy {
		if _, ok := want[dir]; !ok {
			t.Errorf("unexpected directive %s %v", dir, policy[dir])
		}
	}

	// The fonts GraphiQL asks for are all data: URLs, so the policy lets
	// every one through.
	cssResp, err := http.Get(a.srv.URL + "/graphiql/graphiql.min.css")
	if err != nil {
		t.Fatal(err)
	}
	defer cssResp.Body.Close()
	var r io.Reader = cssResp.Body
	if cssResp.Header.Get("Content-Encoding") == "gzip" {
		if r, err = gzip.NewReader(cssResp.Body); err != nil {
			t.Fatal(err)
		}
	}
	css, _ := io.ReadAll(r)
	faces := regexp.MustCompile(`@font-face\s*\{[^}]*\}`).FindAllString(string(css), -1)
	if len(faces) < 10 {
		t.Fatalf("%d @font-face rules in GraphiQL's stylesheet; expected its ~30 embedded fonts", len(faces))
	}
	for _, f := range faces {
		for _, u := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(f, -1) {
			if !strings.HasPrefix(strings.Trim(u[1], `"'`), "data:") {
				t.Fatalf("font %s is not a data: URL; font-src would block it", u[1][:min(len(u[1]), 60)])
			}
		}
	}
	t.Logf("%d embedded fonts, all allowed by font-src 'self' data:", len(faces))
}

// TestGraphiQLLoadsWithoutConsoleErrors opens GraphiQL in headless
// Chromium and counts the messages its console logs (before font-src the
// page logged 34, one per blocked font). Skipped in -short mode and when
// Chromium is not installed.
func TestGraphiQLLoadsWithoutConsoleErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium on PATH (apt-get install chromium)")
	}
	a := newAPI(t, graphql.Limits{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000", "--dump-dom", a.srv.URL+"/graphql")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	if !bytes.Contains(dom, []byte("graphiql-container")) {
		t.Fatalf("GraphiQL did not render:\n%.2000s", dom)
	}
	var console []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line[:min(len(line), 200)])
		}
	}
	if len(console) > 0 {
		t.Fatalf("%d console messages, first: %s", len(console), console[0])
	}
}
