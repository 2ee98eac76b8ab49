package graphql_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/projections/projectionstest"
)

// TestPositionNotReachedIsUnavailable: a read asOf a position this node's
// read models have not reached within the wait (a replica behind) answers
// UNAVAILABLE with HTTP 503 and Retry-After, so that a proxy tries another
// replica (it answered BAD_INPUT with 200 before).
func TestPositionNotReachedIsUnavailable(t *testing.T) {
	n := projectionstest.Start(t, t.TempDir())
	t.Cleanup(n.Stop)
	// A replica: no Head, so a position past the read models may be one
	// the log has and this node has not caught up with.
	s, err := graphql.NewServer(graphql.Config{Commands: n.Service, Positions: n.Runner, Catalog: n.Catalog, Series: n.Series,
		Interventions: n.Interventions, Limits: graphql.Limits{WaitForPosition: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"query": `{ regions(asOf: "1000000") { code } }`})
	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(raw), `"UNAVAILABLE"`) || !strings.Contains(string(raw), "not reached") {
		t.Errorf("asOf past the read models: %d (Retry-After %q) %s; want 503 UNAVAILABLE, position not reached",
			resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
}
