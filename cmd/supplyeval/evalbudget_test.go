package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/graphql"
)

// The serve flags --eval-budget, --eval-per-principal, --eval-max and
// --eval-wait reach the API (Config.APILimits), and /metrics counts the
// refusals of the bounds on evaluations in flight.
func TestNodeAppliesItsEvaluationLimits(t *testing.T) {
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: zerolog.Nop(),
		APILimits: graphql.Limits{EvaluationBudget: 5}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	base := "http://" + n.Addr()
	q := `{ a: compareRegions(indicator: "X", regions: ["NL11"]) { region } b: compareRegions(indicator: "X", regions: ["NL11"]) { region }
	  c: compareRegions(indicator: "X", regions: ["NL11"]) { region } d: compareRegions(indicator: "X", regions: ["NL11"]) { region }
	  e: compareRegions(indicator: "X", regions: ["NL11"]) { region } f: compareRegions(indicator: "X", regions: ["NL11"]) { region } }`
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || len(out.Errors) != 1 {
		t.Fatalf("decode %v, errors %+v", err, out.Errors)
	}
	ext := out.Errors[0].Extensions
	args, _ := ext["messageArgs"].([]any)
	if ext["code"] != "TOO_COMPLEX" || ext["messageKey"] != "gql.err.eval.budget" || len(args) != 2 || args[0] != float64(6) || args[1] != float64(5) {
		t.Fatalf("six aliases of compareRegions under a budget of 5: %+v", ext)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"supplyeval_evaluations_refused_principal_total 0", "supplyeval_evaluations_refused_busy_total 0"} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
}
