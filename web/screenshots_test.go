package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestUIScreenshots (make ui-screenshots) leaves a PNG of every page in
// $SUPPLYEVAL_UI_DIR, with pages.md: for each page, the bytes sent (as
// transferred, compressed, and as decoded), the JavaScript among them,
// and the time from navigation to the load event, on loopback, over the
// demo world in the single-user mode. Each page is loaded twice, the
// first time with an empty cache: the figures are of that first load.
func TestUIScreenshots(t *testing.T) {
	dir := os.Getenv("SUPPLYEVAL_UI_DIR")
	if dir == "" {
		t.Skip("set SUPPLYEVAL_UI_DIR (make ui-screenshots) to write the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, true)
	s.compress = true
	pages := sitePages(t, s)
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	var report strings.Builder
	report.WriteString("| page | path | transferred (gzip) | decoded | of which JavaScript (transferred) | load event |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, name := range names {
		b := newBrowser(t) // an empty cache for each page
		b.visit(s.srv.URL + pages[name])
		var m struct {
			Load              float64
			Transfer, Decoded int
			JS                int
		}
		b.eval(`(() => { const n = performance.getEntriesByType("navigation")[0]; const rs = performance.getEntriesByType("resource");
		  let t = n.transferSize, d = n.decodedBodySize, js = 0;
		  for (const r of rs) { t += r.transferSize; d += r.decodedBodySize; if (r.name.endsWith(".js")) js += r.transferSize; }
		  return {load: n.loadEventEnd - n.startTime, transfer: t, decoded: d, js: js}; })()`, &m)
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&report, "| %s | `%s` | %d B | %d B | %d B | %.0f ms |\n", name, pages[name], m.Transfer, m.Decoded, m.JS, m.Load)
	}
	if err := os.WriteFile(filepath.Join(dir, "pages.md"), []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", report.String())
}
