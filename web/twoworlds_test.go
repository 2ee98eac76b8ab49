package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/graphql/graphqltest"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
	"github.com/supplyeval/supplyeval/web"
)

// worldSite serves one of the two worlds of graphqltest (the web pages
// over the API, as a node wires them) with a fixed clock.
func worldSite(t *testing.T, block, hid string) *httptest.Server {
	t.Helper()
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	api := graphqltest.Server(t, n, graphql.Limits{}, authenticate)
	admin := graphql.NewContextWithPrincipal(context.Background(), principals[adminToken])
	graphqltest.Record(block, hid, n.Head, func(m string) {
		if r := api.Do(admin, graphql.Request{Query: m}, false); len(r.Errors) > 0 {
			t.Fatalf("%.200s: %v", m, r.Errors)
		}
	})
	n.Wait(n.Head())
	app, err := web.New(web.Config{API: api, Authenticate: authenticate, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return srv
}

// TestHiddenOperationChangesNoPage: the pages a RESTRICTED analyst and
// evaluator reads (overview, interventions, the displacement pages, the
// cycles, the cycle workspace and its downloads), in English and in
// French, are byte for byte the same in the two worlds of graphqltest,
// which differ only by a block of CONFIDENTIAL events (the CSRF cookie is
// sent, so that forms carry the same token).
func TestHiddenOperationChangesNoPage(t *testing.T) {
	hidden := worldSite(t, graphqltest.Hidden, "op-hid")
	filler := worldSite(t, graphqltest.Filler, "op-fill")
	get := func(srv *httptest.Server, path, lang string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "supplyeval_token", Value: restrictedToken})
		req.AddCookie(&http.Cookie{Name: "supplyeval_csrf", Value: strings.Repeat("c", 32)})
		req.AddCookie(&http.Cookie{Name: "supplyeval_lang", Value: lang})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	pages := []string{"/", "/cycles", "/cycles/cy-1", "/cycles/cy-1/report.html?inline=1", "/cycles/cy-1/report.md", "/cycles/cy-1/report.json", "/cycles/cy-1/report.csv"}
	for _, id := range []string{"op-vis", "op-vis2", "op-late", "op-hid", "op-fill", "op-unk"} {
		pages = append(pages, "/interventions/"+id)
		for _, ind := range []string{"price", "incidents"} {
			pages = append(pages, fmt.Sprintf("/compare?intervention=%s&indicator=%s", id, ind))
		}
	}
	ok := 0
	for _, p := range pages {
		for _, lang := range []string{"en", "fr"} {
			hs, hb := get(hidden, p, lang)
			fs, fb := get(filler, p, lang)
			if hs == http.StatusOK {
				ok++
			}
			if hs != fs || hb != fb {
				i := 0
				for i < len(hb) && i < len(fb) && hb[i] == fb[i] {
					i++
				}
				from := max(0, i-300)
				t.Errorf("%s (%s): %d and %d, first difference at byte %d\nhidden world: ...%s\nfiller world: ...%s", p, lang, hs, fs, i,
					hb[from:min(len(hb), i+300)], fb[from:min(len(fb), i+300)])
			}
		}
	}
	if ok < 30 {
		t.Errorf("only %d pages answered 200", ok)
	}
}
