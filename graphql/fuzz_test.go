package graphql_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// FuzzRequest sends arbitrary queries and variables to the API: it must
// answer every one (with data or coded errors), never panic, and never
// change the log through a request that was refused.
func FuzzRequest(f *testing.F) {
	f.Add(`{ position regions { code neighbours { kind } } }`, `{}`)
	f.Add(`query($a: String) { series(indicator: "cocaine_price", region: "NLRTM", asOf: $a) { points { period value } } }`, `{"a":"1"}`)
	f.Add(`mutation($r: [ObservationRowInput!]!) { recordObservations(input: {indicator: "cocaine_price", source: "f", rows: $r}) { position } }`,
		`{"r":[{"region":"NLRTM","period":"2020-01","value":1e308}]}`)
	f.Add(`mutation { defineRegion(input: {code: "Z", name: "z", country: "NL", level: CITY, commandId: "c"}) { position } }`, `null`)
	f.Add(`{ a: regions { code } ...F } fragment F on Query { ...F }`, `{}`)
	f.Add(`{ interventions(kind: "OPERATION", from: "2020-02-30") { id } }`, `{"x":[1,2,{"y":null}]}`)
	a := newAPI(f, graphql.Limits{})
	a.ok(seedMutation, nil)
	s, err := graphql.NewServer(graphql.Config{Commands: a.node.Service, Positions: a.node.Runner, Catalog: a.node.Catalog,
		Series: a.node.Series, Interventions: a.node.Interventions})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, vars string) {
		var v map[string]any
		_ = json.Unmarshal([]byte(vars), &v)
		resp := s.Do(context.Background(), graphql.Request{Query: query, Variables: v}, false)
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				t.Fatalf("error without a code: %+v", e)
			}
			if code == "INTERNAL" {
				t.Fatalf("internal error for %q %s: %s", query, vars, e.Message)
			}
		}
	})
}
