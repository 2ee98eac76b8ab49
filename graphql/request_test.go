package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// refused posts a raw body that must be refused with BAD_INPUT naming
// field (in extensions.field when given, and in the message), recording
// nothing.
func (a *api) refused(body, field, mention string) {
	a.t.Helper()
	before := a.node.Head()
	r := a.postRaw([]byte(body))
	if len(r.Errors) == 0 {
		a.t.Fatalf("%s: accepted: %v", body, r.Data)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "BAD_INPUT" || !strings.Contains(e.Message, mention) || (field != "" && e.Extensions["field"] != field) {
		a.t.Fatalf("%.200s\n-> %d %+v\nwant BAD_INPUT naming %q and mentioning %q", body, r.status, e, field, mention)
	}
	if r.status >= 500 {
		a.t.Fatalf("%.200s: status %d", body, r.status)
	}
	if a.node.Head() != before {
		a.t.Fatalf("%.200s: refused, but the log moved", body)
	}
}

const recordRows = `mutation($r: [ObservationRowInput!]!, $s: String!) { recordObservations(input: {indicator: "cocaine_price", source: $s, rows: $r}) { position } }`

func TestRequestsThatJSONWouldAcceptAmbiguouslyAreRefused(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	q := `"query":"mutation($r: [ObservationRowInput!]!, $s: String!) { recordObservations(input: {indicator: \"cocaine_price\", source: $s, rows: $r}) { position } }"`
	row := `{"region":"NLRTM","period":"2020-01","value":1}`
	// A number beyond float64 (before: INTERNAL "input.input: json:
	// unsupported value: +Inf").
	a.refused(`{`+q+`,"variables":{"s":"x","r":[`+row+`,{"region":"NLRTM","period":"2020-02","value":1e309}]}}`,
		"variables.r[1].value", "1e309 is beyond the largest number")
	// Text that is not UTF-8, and lone surrogates (before: recorded as U+FFFD).
	a.refused(`{`+q+`,"variables":{"s":"caf`+"\xe9"+`","r":[`+row+`]}}`, "variables.s", "not valid UTF-8")
	a.refused(`{`+q+`,"variables":{"s":"x","r":[{"region":"NLRTM\ud800","period":"2020-01","value":1}]}}`, "variables.r[0].region", "surrogate")
	a.refused(`{`+q+`,"variables":{"s":"a\udc00b","r":[`+row+`]}}`, "variables.s", "surrogate")
	a.refused(`{"query":"mutation { recordObservations(input: {indicator: \"cocaine_price\", source: \"a\\ud800\", rows: [{region: \"NLRTM\", period: \"2020-01\", value: 1}]}) { position } }"}`,
		"query", "surrogate")
	// Anything after the request, and a key given twice (before: the first
	// value was run, or the last key won).
	a.refused(`{"query":"{ position }"} {"query":"mutation { defineRegion(input: {code: \"X\", name: \"X\", country: \"NL\", level: CITY}) { position } }"}`,
		"request", "more than one JSON value")
	a.refused(`{"query":"{ position }"}garbage`, "request", "more than one JSON value")
	a.refused(`{"query":"{ position }","query":"mutation { defineRegion(input: {code: \"X\", name: \"X\", country: \"NL\", level: CITY}) { position } }"}`,
		"query", "given twice")
	a.refused(`{"query":"{ position }","Query":"{ regions { code } }"}`, "Query", "given twice")
	a.refused(`{`+q+`,"variables":{"s":"x","r":[{"region":"NLRTM","period":"2020-01","value":1,"value":2}]}}`, "variables.r[0].value", "given twice")
	// A surrogate pair, escaped, is one character, and is recorded as such.
	r := a.postRaw([]byte(`{` + q + `,"variables":{"s":"source \ud83d\ude00","r":[` + row + `]}}`))
	if len(r.Errors) > 0 {
		t.Fatalf("surrogate pair refused: %+v", r.Errors)
	}
	// GET: the query given twice, and variables as strict as a body.
	for _, u := range []string{"?query=%7Bposition%7D&query=%7Bregions%7Bcode%7D%7D", "?query=%7Bposition%7D&variables=%7B%22a%22%3A1%2C%22a%22%3A2%7D"} {
		resp, err := a.srv.Client().Get(a.srv.URL + "/graphql" + u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("GET %s: %d, want 400", u, resp.StatusCode)
		}
	}
	// Variables differing only in case are two variables.
	if r := a.post(`query($a: String, $A: String) { x: regions(country: $a) { code } y: regions(country: $A) { code } }`, map[string]any{"a": "x", "A": "y"}); len(r.Errors) > 0 {
		t.Errorf("variables a and A: %+v", r.Errors)
	}
	resp, err := a.srv.Client().Get(a.srv.URL + "/graphql?query=query(%24a%3AString%2C%24A%3AString)%7Bx%3Aregions(country%3A%24a)%7Bcode%7Dy%3Aregions(country%3A%24A)%7Bcode%7D%7D&variables=%7B%22a%22%3A%22x%22%2C%22A%22%3A%22y%22%7D")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET with variables a and A: %d", resp.StatusCode)
	}
}

func TestExtremeValuesAreRefusedNamingTheInputNotAnsweredInternal(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	a.ok(seedMutation, nil)
	a.ok(recordRows, map[string]any{"s": "t", "r": []any{
		map[string]any{"region": "NLRTM", "period": "2020-01", "value": 1e-300},
		map[string]any{"region": "NLRTM", "period": "2020-02", "value": 1e308},
		map[string]any{"region": "BEANR", "period": "2020-01", "value": 10},
		map[string]any{"region": "BEANR", "period": "2020-02", "value": 20},
	}})
	// Before: HTTP 500 INTERNAL "json: unsupported value: +Inf".
	r := a.post(`{ compareRegions(indicator: "cocaine_price", regions: ["BEANR", "NLRTM"], normalise: INDEX) { region points { period value } } }`, nil)
	if r.status != 200 || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_INPUT" || r.Errors[0].Extensions["field"] != "regions[1]" ||
		!strings.Contains(r.Errors[0].Message, "NLRTM") || !strings.Contains(r.Errors[0].Message, "2020-02") {
		t.Fatalf("%d %+v", r.status, r.Errors)
	}
}

// FuzzRequestBody posts arbitrary bodies to the HTTP handler: every one is
// answered with data or coded errors, never a 5xx, and a refused one
// records nothing.
func FuzzRequestBody(f *testing.F) {
	f.Add([]byte(`{"query":"{ position }"}`))
	f.Add([]byte(`{"query":"{ position }","query":"{ regions { code } }"}`))
	f.Add([]byte(`{"query":"{ position }"} {}`))
	f.Add([]byte(`{"query":"mutation($r: [ObservationRowInput!]!) { recordObservations(input: {indicator: \"cocaine_price\", source: \"f\", rows: $r}) { position } }","variables":{"r":[{"region":"NLRTM","period":"2020-01","value":1e309}]}}`))
	f.Add([]byte("{\"query\":\"mutation { defineRegion(input: {code: \\\"Z\xff\\\", name: \\\"z\\\", country: \\\"NL\\\", level: CITY}) { position } }\"}"))
	f.Add([]byte(`{"query":"mutation { defineRegion(input: {code: \"Z\\ud800\", name: \"z\", country: \"NL\", level: CITY}) { position } }"}`))
	a := newAPI(f, graphql.Limits{})
	a.ok(seedMutation, nil)
	head := func(t *testing.T) uint64 {
		h, err := a.node.Store.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return uint64(h)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := head(t)
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		a.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q: status %d %s", body, rec.Code, rec.Body)
		}
		var r gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("%q: answer %q is not JSON: %v", body, rec.Body, err)
		}
		for _, e := range r.Errors {
			if c, _ := e.Extensions["code"].(string); c == "" || c == "INTERNAL" {
				t.Fatalf("%q: error %+v", body, e)
			}
		}
		if rec.Code == http.StatusBadRequest && head(t) != before {
			t.Fatalf("%q: refused with 400, but the log moved", body)
		}
	})
}
