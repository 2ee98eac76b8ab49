package graphql_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// FuzzAccess sends arbitrary requests as each kind of principal. Whatever
// the request: no panic, every error has a code and none is INTERNAL; a
// principal who may not record (ANALYST, STRATEGY, PUBLIC) never moves the
// log; and nobody below CONFIDENTIAL ever reads a word about the
// confidential operation (its id or its title), through any field,
// fragment, alias, evaluation, audit or error message.
func FuzzAccess(f *testing.F) {
	f.Add(uint8(0), `{ interventions { id title } }`, `{}`)
	f.Add(uint8(1), `{ intervention(id: "op-conf") { id title ... on Operation { outputs { arrests } } } }`, `{}`)
	f.Add(uint8(2), `query($i: ID!) { impact(intervention: $i, indicator: "cocaine_price", method: AUTO) { explanation } }`, `{"i":"op-conf"}`)
	f.Add(uint8(3), `{ audit { entries { stream type principal } } }`, `{}`)
	f.Add(uint8(4), `mutation { reportOperationOutputs(input: {id: "op-conf", period: "2020-02", arrests: 1}) { position } }`, `{}`)
	f.Add(uint8(5), `{ a: interventions(region: "NLRTM") { ...I } } fragment I on Intervention { id title }`, `{}`)
	f.Add(uint8(6), `mutation { launchOperation(input: {id: "op-conf", title: "x", kind: OTHER, regions: ["NLRTM"], start: "2021-01-01", targetTier: LOW, classification: PUBLIC}) { position } }`, `{}`)
	f.Add(uint8(0), `{ displacementScan(intervention: "op-conf") { intervention { id title } } }`, `{}`)
	a := newAuthAPI(f)
	names := []string{"analyst-res", "strategy-pub", "public", "recorder", "evaluator", "admin-res", "analyst-conf", "admin"}
	f.Fuzz(func(t *testing.T, who uint8, query, vars string) {
		p := principals[names[int(who)%len(names)]]
		var v map[string]any
		_ = json.Unmarshal([]byte(vars), &v)
		before, _ := a.node.Store.Head(context.Background())
		ctx := graphql.NewContextWithPrincipal(context.Background(), p)
		resp := a.server.Do(ctx, graphql.Request{Query: query, Variables: v}, false)
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				t.Fatalf("%s: %q %s: error %+v", p.Name, query, vars, e)
			}
		}
		writer := p.Has(graphql.RoleRecorder) || p.Has(graphql.RoleEvaluator)
		if after, _ := a.node.Store.Head(context.Background()); !writer && after != before {
			t.Fatalf("%s (%v) changed the log with %q", p.Name, p.Roles, query)
		}
		if p.Clearance != "CONFIDENTIAL" {
			body, _ := json.Marshal(resp)
			// The request itself may name the operation; the answer may
			// repeat the name the caller gave only inside an error message
			// about that very name (as for any unknown id).
			var data []byte
			data, _ = json.Marshal(resp.Data)
			if strings.Contains(string(body), "Covert delivery") || strings.Contains(string(data), "op-conf") && !strings.Contains(query+vars, "op-conf") {
				t.Fatalf("%s (clearance %s) read about the confidential operation: %q %s -> %s", p.Name, p.Clearance, query, vars, body)
			}
		}
	})
}
