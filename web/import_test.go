package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestImportInTheBrowser uploads a CSV with an error: the preview names
// it with file:line and offers nothing to record; the file fixed, the
// preview shows the first rows, recording shows its progress to the end,
// and the API then answers the new observations.
func TestImportInTheBrowser(t *testing.T) {
	s := newSite(t, false)
	b := newBrowser(t)
	b.signIn(s.srv.URL, adminToken)
	dir := t.TempDir()
	bad := filepath.Join(dir, "drug-violence.csv")
	if err := os.WriteFile(bad, []byte("region,period,value\nNL33,2025-01,12\nXX99,2025-01,3\nNL33,2025-02,eleven\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := func(path string) {
		b.visit(s.srv.URL + "/import")
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{path}), chromedpSendKeys("#i-indicator", "DRUG_VIOLENCE"))
		b.submit("#preview")
	}
	upload(bad)
	rejects := b.texts("ul.rejects li")
	if len(rejects) != 2 || !strings.HasPrefix(rejects[0], "drug-violence.csv:3:") || !strings.HasPrefix(rejects[1], "drug-violence.csv:4:") {
		t.Fatalf("errors shown %q, want lines 3 and 4 of drug-violence.csv", rejects)
	}
	if n := len(b.texts("#record")); n != 0 {
		t.Fatal("a file with errors can be recorded")
	}
	// On the French page the same errors read in French.
	b.visit(s.srv.URL + "/lang?to=fr&next=/import")
	upload(bad)
	fr := b.texts("ul.rejects li")
	if len(fr) != 2 || !strings.HasPrefix(fr[0], "drug-violence.csv:3 : colonne region : la région XX99 n'est pas définie") ||
		!strings.HasPrefix(fr[1], `drug-violence.csv:4 : colonne value : valeur : "eleven" n'est pas un nombre`) {
		t.Fatalf("errors on the French page %q", fr)
	}
	// So does an error about the file as a whole.
	twice := filepath.Join(dir, "twice.csv")
	if err := os.WriteFile(twice, []byte("region,period,region\nNL33,2025-01,NL33\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	upload(twice)
	if msg := strings.Join(b.texts("div.error"), ""); msg != `twice.csv : en-tête : la colonne "region" figure deux fois` {
		t.Fatalf("file error on the French page %q", msg)
	}
	b.visit(s.srv.URL + "/lang?to=en&next=/import")
	good := filepath.Join(dir, "drug-violence-fixed.csv")
	if err := os.WriteFile(good, []byte("region,period,value\nNL33,2025-01,12\nNL33,2025-02,11\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	upload(good)
	if rows := b.texts("main table tbody tr"); len(rows) != 2 {
		t.Fatalf("preview rows %q", rows)
	}
	b.submit("#record")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(strings.Join(b.texts("#import-status"), ""), "Recorded: 2 observations") {
		if time.Now().After(deadline) {
			t.Fatalf("recording did not finish: %q", b.texts("#import-status"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	var got struct {
		Series struct{ Points []struct{ Period string } }
	}
	s.query(t, adminToken, `{ series(indicator: "DRUG_VIOLENCE", region: "NL33", from: "2025-01") { points { period } } }`, nil, &got)
	if len(got.Series.Points) != 2 {
		t.Errorf("recorded points %+v", got.Series.Points)
	}
}

// TestImportSuggestsIndicators: the import form's indicator field offers
// the indicators already defined (code, with the name beside it), so a
// user need not know their codes by heart.
func TestImportSuggestsIndicators(t *testing.T) {
	s := newSite(t, false)
	_, page := s.get(t, adminToken, "/import")
	if !strings.Contains(page, `list="i-indicators"`) {
		t.Fatal("the indicator field has no list of suggestions")
	}
	for _, want := range []string{`<option value="COC_PRICE">Cocaine retail price</option>`, `<option value="PORT_INCIDENTS">`} {
		if !strings.Contains(page, want) {
			t.Errorf("no suggestion %s", want)
		}
	}
}
