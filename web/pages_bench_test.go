package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// BenchmarkPageNavigation measures, for every page of sitePages on the
// demo world, the time from a browser's navigation request to the last
// byte of the page's HTML on loopback (the page is usable then: its
// stylesheet and script are small cached assets, its charts and map are
// inline SVG). The cycle workspace is measured twice: as visited again
// with nothing recorded since (warm), and right after a write (every
// cached answer stale: what the first visitor after a change waits).
// Its preview iframe (the HTML report, loaded lazily) is measured on its
// own.
func BenchmarkPageNavigation(b *testing.B) {
	s := newSite(b, true)
	pages := sitePages(b, s)
	pages["4-cycle-report-preview"] = "/cycles/c-pages/report.html?inline=1"
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	get := func(b *testing.B, path string) {
		resp, err := http.Get(s.srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n == 0 {
			b.Fatalf("%s: status %d, %d bytes", path, resp.StatusCode, n)
		}
	}
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			get(b, pages[name]) // the first visit fills what later ones reuse
			for b.Loop() {
				get(b, pages[name])
			}
		})
	}
	// After a write: one observation revised, then the workspace.
	for _, path := range []struct{ name, path string }{{"4-cycle-after-write", pages["4-cycle"]}, {"6-audit-after-write", pages["6-audit"]}} {
		b.Run(path.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				record(b, s, i)
				b.StartTimer()
				get(b, path.path)
			}
		})
	}
}

// record writes one observation (a new event: every read model's
// generation moves) and waits for the read models.
func record(b *testing.B, s *site, i int) {
	b.Helper()
	res, err := s.node.Service.Handle(context.Background(), domain.Envelope{Principal: domain.System("bench"), CommandID: fmt.Sprintf("bench-%d", i)},
		domain.RecordObservations{Indicator: "POPULATION", Source: "bench", Rows: []domain.ObservationRow{{Region: "NL", Period: fmt.Sprintf("%04d-%02d", 2090+i/12, i%12+1), Value: 1e7}}})
	if err != nil {
		b.Fatal(err)
	}
	s.node.Wait(res.Position)
}
