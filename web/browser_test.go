package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (or $CHROMIUM).
func chromiumPath() (string, bool) {
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

// browser is a headless Chromium tab.
type browser struct {
	t   testing.TB
	ctx context.Context
}

// newBrowser starts headless Chromium, or skips the test saying what to
// install. It is stopped when the test ends.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser (not in -short mode)")
	}
	bin, ok := chromiumPath()
	if !ok {
		t.Skip("no Chromium on PATH: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome) to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	return b
}

// do runs actions, failing the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// visit opens url and waits for the page's main landmark.
func (b *browser) visit(url string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		b.t.Fatalf("visit %s: %v", url, err)
	}
}

// submit clicks the element sel (a form's button) and waits for the page
// it leads to.
func (b *browser) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("submit %s: %v", sel, err)
	}
	b.do(chromedp.WaitReady(chromedp.CSS("main")))
}

// text returns the text of the page's body, read by one script (see
// eval) rather than through DOM node ids.
func (b *browser) text() string {
	b.t.Helper()
	var s string
	b.eval(`document.body ? document.body.innerText : ""`, &s)
	return s
}

// documentReplaced tells whether err is the browser saying that the node
// or script context a command named belonged to a document that has since
// been replaced by a navigation.
func documentReplaced(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "No node with given id") || strings.Contains(msg, "context was destroyed") ||
		strings.Contains(msg, "Cannot find context with specified id")
}

// html returns the page's markup as the browser holds it.
func (b *browser) html() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// eval evaluates a JavaScript expression and decodes its value into out.
func (b *browser) eval(js string, out any) {
	b.t.Helper()
	var raw []byte
	var err error
	// A page that has loaded can still be swapped for the one a redirect
	// leads to; the browser then answers that the script's context is
	// gone. Ask again, at most 20 times.
	for range 20 {
		raw, err = chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
		if err == nil || !documentReplaced(err) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("%s: %v (%s)", js, err, raw)
		}
	}
}

// signIn signs in with token through the sign-in form.
func (b *browser) signIn(base, token string) {
	b.t.Helper()
	b.visit(base + "/signin")
	b.do(chromedp.SendKeys(chromedp.ID("token"), token))
	b.submit("form[action='/signin'] button")
}

// texts returns the text of every element sel matches.
func (b *browser) texts(sel string) []string {
	b.t.Helper()
	var rows []string
	b.eval(`Array.from(document.querySelectorAll(`+jsString(sel)+`)).map(e => e.innerText)`, &rows)
	return rows
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func decode(t testing.TB, data any, out any) {
	t.Helper()
	b, err := json.Marshal(data)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// chromedpSetValue sets the value of the form field sel.
func chromedpSetValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

// chromedpClick clicks the element sel and waits for the page it leads to.
func chromedpClick(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// waitAfterClick waits for the element sel on the page a click navigated
// to: a query that meets the old document while it is being replaced
// fails ("No node with given id found"), so it is tried again, at most 20
// times.
func (b *browser) waitAfterClick(sel string) {
	b.t.Helper()
	var err error
	for range 20 {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		err = chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel)))
		cancel()
		if err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("waiting for %s after a click: %v", sel, err)
}

// chromedpSendKeys types v into the field sel.
func chromedpSendKeys(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(sel), v)
}

// values returns the value of every form field sel matches.
func (b *browser) values(sel string) []string {
	b.t.Helper()
	var v []string
	b.eval(`Array.from(document.querySelectorAll(`+jsString(sel)+`)).map(e => e.value)`, &v)
	return v
}
