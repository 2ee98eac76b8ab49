package graphql_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestSeriesFastPathAnswersAsTheExecutor compares, byte for byte and
// status for status, the answers of the series fast path with those of
// graphql-go's executor, for every shape the fast path takes and for the
// shapes it must leave to the executor, as an analyst, an administrator and
// the public (whose small values are withheld).
func TestSeriesFastPathAnswersAsTheExecutor(t *testing.T) {
	// A position not reached yet is waited for 100 ms, not 10 s.
	a := newAuthAPIWith(t, graphql.Limits{WaitForPosition: 100 * time.Millisecond})
	a.as("admin", suppressionSeed, nil).mustOK(t)
	// Values and texts that exercise encoding: HTML characters, non-ASCII,
	// exponent forms of tiny and huge numbers, negative zero.
	seeded := a.as("admin", `mutation {
	  i: defineIndicator(input: {code: "odd", name: "Odd", family: COST, unit: "€ <per> \"g\" & more", granularity: MONTH, desiredDirection: DOWN}) { position }
	  o: recordObservations(input: {indicator: "odd", source: "t", rows: [
	    {region: "NLRTM", period: "2018-01", value: 1e-7}, {region: "NLRTM", period: "2018-02", value: 1e21},
	    {region: "NLRTM", period: "2018-03", value: 123456789.125}, {region: "NLRTM", period: "2018-04", value: -0.0000012},
	    {region: "NLRTM", period: "2018-05", value: 0}, {region: "NLRTM", period: "2018-06", value: 12e200},
	    {region: "NLRTM", period: "2018-07", value: 0.1}]}) { position }
	  r: reviseObservation(input: {indicator: "odd", region: "NLRTM", period: "2018-07", value: 0.30000000000000004, reason: "typo"}) { position }
	}`, nil).mustOK(t)
	recorded := seeded["o"].(map[string]any)["position"].(string) // the odd values as recorded
	revised := seeded["r"].(map[string]any)["position"].(string)  // and after the revision

	var fastCount atomic.Int64
	fast := httptest.NewServer(graphql.Variant(a.server, true, func() { fastCount.Add(1) }))
	defer fast.Close()
	slow := httptest.NewServer(graphql.Variant(a.server, false, nil))
	defer slow.Close()
	ask := func(url, token string, body []byte) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	all := `indicator region granularity unit normalised asOf dimensions { key value } points { period value suppressed position }`
	cases := []struct {
		name, query string
		vars        map[string]any
		fast        bool // the fast path must answer it
	}{
		{"plain", `{ series(indicator: "seizures", region: "NLRTM") { points { period value } } }`, nil, true},
		{"every field", `{ series(indicator: "seizures", region: "NL33") { ` + all + ` } }`, nil, true},
		{"breakdown", `{ series(indicator: "seizures", region: "NL33", dimensions: [{key: "sex", value: "F"}]) { ` + all + ` } }`, nil, true},
		{"breakdown, fields reversed", `{ series(indicator: "seizures", region: "NL33", dimensions: [{value: "M", key: "sex"}]) { points { position suppressed value period } dimensions { value key } } }`, nil, true},
		{"encoding", `{ series(indicator: "odd", region: "NLRTM") { ` + all + ` } }`, nil, true},
		{"aliases", `{ z: series(indicator: "seizures", region: "BEANR") { u: unit pts: points { v: value p: period } } a: series(indicator: "odd", region: "NLRTM", from: "2018-02", to: "2018-04") { points { value } } }`, nil, true},
		{"variables", `query Q($i: ID!, $r: ID!, $f: String, $t: String!) { series(indicator: $i, region: $r, from: $f, to: $t) { points { period value } } }`,
			map[string]any{"i": "seizures", "r": "NLRTM", "t": "2018-02"}, true},
		{"variable null", `query($i: ID!, $r: ID!, $f: String) { series(indicator: $i, region: $r, from: $f) { region points { value } } }`,
			map[string]any{"i": "seizures", "r": "BEANR", "f": nil}, true},
		{"asOf given", `{ series(indicator: "odd", region: "NLRTM", asOf: "` + recorded + `") { asOf points { period value position } } }`, nil, true},
		{"asOf after the revision", `{ series(indicator: "odd", region: "NLRTM", asOf: "` + revised + `") { asOf points { period value position } } }`, nil, true},
		{"no such series yet", `{ series(indicator: "odd", region: "BEANR") { points { period } unit } }`, nil, true},
		{"block string", `{ series(indicator: """seizures""", region: "NLRTM") { points { value } } }`, nil, true},
		// Left to the executor: errors, and shapes the fast path does not take.
		{"unknown indicator", `{ series(indicator: "nope", region: "NLRTM") { points { value } } }`, nil, false},
		{"unknown region", `{ series(indicator: "seizures", region: "XX") { points { value } } }`, nil, false},
		{"bad period", `{ series(indicator: "seizures", region: "NLRTM", from: "2018-13") { points { value } } }`, nil, false},
		{"asOf beyond the log", `{ series(indicator: "seizures", region: "NLRTM", asOf: "99999") { points { value } } }`, nil, false},
		{"asOf not a number", `{ series(indicator: "seizures", region: "NLRTM", asOf: "x") { points { value } } }`, nil, false},
		{"fragment", `{ series(indicator: "seizures", region: "NLRTM") { ...F } } fragment F on Series { points { value } }`, nil, false},
		{"typename", `{ series(indicator: "seizures", region: "NLRTM") { __typename points { value } } }`, nil, false},
		{"directive", `{ series(indicator: "seizures", region: "NLRTM") { points @include(if: true) { value } } }`, nil, false},
		{"unknown field", `{ series(indicator: "seizures", region: "NLRTM") { points { value colour } } }`, nil, false},
		{"scalar with selection", `{ series(indicator: "seizures", region: "NLRTM") { unit { x } } }`, nil, false},
		{"missing selection", `{ series(indicator: "seizures", region: "NLRTM") { points } }`, nil, false},
		{"missing region", `{ series(indicator: "seizures") { points { value } } }`, nil, false},
		{"unused variable", `query($i: ID!, $u: String) { series(indicator: $i, region: "NLRTM") { points { value } } }`, map[string]any{"i": "seizures"}, false},
		{"variable of the wrong type", `query($i: String!) { series(indicator: $i, region: "NLRTM") { points { value } } }`, map[string]any{"i": "seizures"}, false},
		{"non-null variable missing", `query($i: ID!) { series(indicator: $i, region: "NLRTM") { points { value } } }`, nil, false},
		{"variable a number", `query($i: ID!) { series(indicator: $i, region: "NLRTM") { points { value } } }`, map[string]any{"i": 3}, false},
		{"default value", `query($r: ID! = "NLRTM") { series(indicator: "seizures", region: $r) { points { value } } }`, nil, false},
		{"dimension variable", `query($d: [DimensionInput!]) { series(indicator: "seizures", region: "NL33", dimensions: $d) { points { value } } }`,
			map[string]any{"d": []any{map[string]any{"key": "sex", "value": "M"}}}, false},
		{"same key twice", `{ series(indicator: "seizures", region: "NLRTM") { points { value } points { value } } }`, nil, false},
		{"another field beside", `{ position series(indicator: "seizures", region: "NLRTM") { points { value } } }`, nil, false},
		{"two operations", `query A { series(indicator: "seizures", region: "NLRTM") { unit } } query B { position }`, nil, false},
	}
	for _, token := range []string{"analyst-res", "admin", "public", "recorder"} {
		for _, c := range cases {
			body, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
			start := time.Now()
			before := fastCount.Load()
			fs, fb := ask(fast.URL, token, body)
			took := fastCount.Load() != before
			ss, sb := ask(slow.URL, token, body)
			if fs != ss || fb != sb {
				t.Errorf("%s as %s:\nfast path: %d %s\nexecutor:  %d %s", c.name, token, fs, fb, ss, sb)
			}
			if d := time.Since(start); d > 50*time.Millisecond {
				t.Logf("%s as %s: %v", c.name, token, d)
			}
			if took != c.fast {
				t.Errorf("%s as %s: answered by the fast path: %v, want %v (%s)", c.name, token, took, c.fast, fb)
			}
		}
	}
	// The public's answers differ from an analyst's where values are small.
	body, _ := json.Marshal(map[string]any{"query": `{ series(indicator: "seizures", region: "NL33", dimensions: [{key: "sex", value: "F"}]) { points { value suppressed } } }`})
	if _, pub := ask(fast.URL, "public", body); !strings.Contains(pub, `"suppressed":true`) || !strings.Contains(pub, `"value":null`) {
		t.Errorf("public breakdown: %s, want withheld values", pub)
	}
}

// FuzzSeriesFastPath compares the fast path with graphql-go's executor on
// fuzzed series questions: any difference in status or bytes is a bug.
func FuzzSeriesFastPath(f *testing.F) {
	a := newAuthAPI(f)
	a.as("admin", suppressionSeed, nil).mustOK(f)
	var answered atomic.Int64
	fast := graphql.Variant(a.server, true, func() { answered.Add(1) })
	slow := graphql.Variant(a.server, false, nil)
	for _, q := range []string{
		`{ series(indicator: "seizures", region: "NL33") { indicator region granularity unit normalised dimensions { key value } points { period value suppressed position } } }`,
		`{ a: series(indicator: "seizures", region: "NLRTM", from: "2018-02") { p: points { value } } b: series(indicator: "cocaine_price", region: "NLRTM") { unit } }`,
		`query($i: ID!, $r: ID!, $t: String) { series(indicator: $i, region: $r, to: $t) { points { period } } }`,
		`{ series(indicator: "seizures", region: "NL33", dimensions: [{key: "sex", value: "M"}]) { points { value suppressed } } }`,
	} {
		f.Add(q, `{"i": "seizures", "r": "NL33", "t": "2018-02"}`, "public")
		f.Add(q, `{}`, "analyst-res")
	}
	f.Fuzz(func(t *testing.T, query, vars, token string) {
		var v map[string]any
		if json.Unmarshal([]byte(vars), &v) != nil {
			v = nil
		}
		body, _ := json.Marshal(map[string]any{"query": query, "variables": v})
		ask := func(h http.Handler) (int, string) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		if strings.Contains(query, "asOf") {
			return // a position not reached is waited for; the table test covers asOf
		}
		before := answered.Load()
		fs, fb := ask(fast)
		if answered.Load() == before {
			return // the executor answered both (its error order may vary between runs)
		}
		ss, sb := ask(slow)
		if fs != ss || fb != sb {
			t.Fatalf("query %q vars %s as %q:\nfast path: %d %s\nexecutor:  %d %s", query, vars, token, fs, fb, ss, sb)
		}
	})
}
