package graphql_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// TestImpactDiDSensitivity: a DID estimate carries the relative-magnitudes
// sensitivity of its average effect (a policy raising LU01-LU04 by 5 from
// April 2020, LU09-LU12 as comparison, 15 months before), with its
// sentence in English and French; BEFORE_AFTER has none.
func TestImpactDiDSensitivity(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	var m strings.Builder
	m.WriteString(`mutation { c: defineRegion(input: {code: "LU", name: "Country", country: "LU", level: COUNTRY}) { position }
	  i: defineIndicator(input: {code: "seizures", name: "Seizures", family: AVAILABILITY, unit: "kg", granularity: MONTH, desiredDirection: UP}) { position }
	`)
	for r := 1; r <= 12; r++ {
		fmt.Fprintf(&m, "r%d: defineRegion(input: {code: \"LU%02d\", name: \"Region %d\", country: \"LU\", level: NUTS2, parent: \"LU\"}) { position }\n", r, r, r)
	}
	m.WriteString(`pa: adoptPolicyChange(input: {id: "pa", title: "Programme", kind: OTHER, jurisdictions: ["LU01","LU02","LU03","LU04"], adopted: "2020-03-01", effective: "2020-04-01"}) { position }
	}`)
	a.ok(m.String(), nil)
	var rows []map[string]any
	for r := 1; r <= 12; r++ {
		for k := 0; k < 24; k++ {
			y := 100 + 3*float64(r) + 0.5*float64(k) + 0.3*math.Sin(float64(r*37+k*11))
			if r <= 4 && k >= 15 {
				y += 5
			}
			rows = append(rows, map[string]any{"region": fmt.Sprintf("LU%02d", r), "period": fmt.Sprintf("%d-%02d", 2019+k/12, 1+k%12), "value": y})
		}
	}
	a.ok(`mutation($rows: [ObservationRowInput!]!) { recordObservations(input: {indicator: "seizures", source: "test", rows: $rows}) { position } }`,
		map[string]any{"rows": rows})
	q := `{ impact(intervention: "pa", indicator: "seizures", method: %s, comparison: ["LU09", "LU10", "LU11", "LU12"]) {
	  effect explanation sensitivity { breakdown maxPre sentence fr: sentence(lang: FR) intervals { mbar low high } } } }`
	d := a.ok(fmt.Sprintf(q, "DID"), nil)["impact"].(map[string]any)
	s, ok := d["sensitivity"].(map[string]any)
	if !ok {
		t.Fatalf("DID without sensitivity: %v", d)
	}
	ivs := s["intervals"].([]any)
	if len(ivs) != 7 {
		t.Fatalf("intervals %v", ivs)
	}
	first := ivs[0].(map[string]any)
	if first["mbar"].(float64) != 0 || first["low"].(float64) > 5 || first["high"].(float64) < 5 {
		t.Errorf("Mbar 0: %v, want an interval around 5", first)
	}
	prevW := 0.0
	for _, iv := range ivs {
		iv := iv.(map[string]any)
		w := iv["high"].(float64) - iv["low"].(float64)
		if w < prevW-1e-9 {
			t.Errorf("the sets shrink as Mbar grows: %v", ivs)
		}
		prevW = w
	}
	b, ok := s["breakdown"].(float64)
	if !ok || b <= 0 {
		t.Fatalf("breakdown %v, want positive (a clear effect)", s["breakdown"])
	}
	want := strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", b), "0"), ".")
	if en := s["sentence"].(string); !strings.Contains(en, "times the largest pre-period one") || !strings.Contains(en, want[:3]) {
		t.Errorf("sentence %q (breakdown %v)", en, b)
	}
	if fr := s["fr"].(string); !strings.Contains(fr, "fois le plus grand écart") || !strings.Contains(fr, strings.ReplaceAll(want[:3], ".", ",")) {
		t.Errorf("French sentence %q (breakdown %v)", fr, b)
	}
	if !strings.Contains(d["explanation"].(string), s["sentence"].(string)) {
		t.Errorf("the explanation does not give the sentence: %s", d["explanation"])
	}
	d = a.ok(fmt.Sprintf(strings.Replace(q, `, comparison: ["LU09", "LU10", "LU11", "LU12"]`, "", 1), "BEFORE_AFTER"), nil)["impact"].(map[string]any)
	if d["sensitivity"] != nil {
		t.Errorf("BEFORE_AFTER with sensitivity: %v", d["sensitivity"])
	}
}
