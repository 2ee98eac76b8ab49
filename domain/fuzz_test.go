package domain_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// FuzzParsePeriod: any string either parses to a period that formats back
// to itself, or is refused; never a panic.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024", "2024-Q2", "2024-05", "2024-W21", "2024-05-13", "2020-W53", "1800-01", "2200-12-31", "", "2024-13", "2024-W54", "-001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range domain.Granularities {
			p, err := domain.ParsePeriod(g, s)
			if err != nil {
				continue
			}
			if p.String() != s {
				t.Fatalf("ParsePeriod(%s, %q) formats back as %q", g, s, p.String())
			}
		}
	})
}

// FuzzDecodeEvent: event payloads from the log are decoded without panic,
// and what decodes re-encodes to something that decodes the same.
func FuzzDecodeEvent(f *testing.F) {
	f.Add(domain.TypeObservationsRecorded, 1, []byte(`{"indicator":"p","source":"s","rows":[{"region":"NL33","period":"2020-01","value":1.5}]}`))
	f.Add(domain.TypeRegionDefined, 1, []byte(`{"code":"NL","name":"Netherlands","country":"NL","level":"COUNTRY"}`))
	f.Add(domain.TypeOperationLaunched, 0, []byte(`{"id":"op","regions":["a","b"],"budget":1e9}`))
	f.Add("Unknown", 1, []byte(`{}`))
	f.Add(domain.TypeAnalysisPlanRegistered, 1, []byte(`{"id":"p1","intervention":"op-1","indicator":"price","method":"DID","regions":["NL33"],"comparison":["BE21"],"before":{"from":"2019-01","to":"2019-12"},"after":{"from":"2020-01","to":"2020-12"},"hypotheses":["h"],"registeredBy":"u"}`))
	f.Add(domain.TypePolicyChangeAdopted, 7, []byte(`{`))
	f.Fuzz(func(t *testing.T, typ string, version int, data []byte) {
		e, err := domain.Decode(typ, version, data)
		if err != nil {
			return
		}
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatalf("decoded %s does not encode: %v", typ, err)
		}
		e2, err := domain.Decode(typ, domain.SchemaVersion(typ), b)
		if err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", typ, err)
		}
		b2, _ := domain.Encode(e2)
		if string(b) != string(b2) {
			t.Fatalf("%s does not round-trip:\n%s\n%s", typ, b, b2)
		}
	})
}

// FuzzDecodeCommand: commands from the bus or an API decode and validate
// without panic; a valid command has finite numbers only.
func FuzzDecodeCommand(f *testing.F) {
	f.Add("recordObservations", []byte(`{"indicator":"p","source":"s","rows":[{"region":"NL33","period":"2020-01","value":1.5,"dimensions":[{"key":"substance","value":"cocaine"}]}]}`))
	f.Add("launchOperation", []byte(`{"id":"op-1","title":"t","kind":"PORT_CONTROL","regions":["NLRTM"],"start":"2018-01-01","targetTier":"MIXED","classification":"PUBLIC"}`))
	f.Add("defineRegion", []byte(`{"code":"NL","name":"x","country":"NL","level":"COUNTRY","extra":1}`))
	f.Add("nope", []byte(`{}`))
	f.Add("openCycle", []byte(`{"id":"c1","title":"t","from":"2020-01-01","to":"2020-12-31","interventions":["op-1"],"questions":["q"]}`))
	f.Add("pinCycleEvidence", []byte(`{"id":"c1","position":"42"}`))
	f.Add("recordFinding", []byte(`{"id":"c1","findingId":"f1","family":"COST","statement":"s","effectRating":"MIXED","evidenceQuality":2,"evidence":{"method":"ITS","estimate":1.5,"low":1,"high":2}}`))
	f.Add("closeCycle", []byte(`{"id":"c1","summary":"s","recommendations":["r"]}`))
	f.Add("recordFinding", []byte(`{"id":"c1","findingId":"f2","family":"COST","statement":"s","effectRating":"MIXED","evidenceQuality":4,"evidenceQualityReason":"lot","evidence":{"method":"DID","design":{"method":"DID","comparisonUnits":3,"preTrendP":0.2,"placeboUnits":0}}}`))
	f.Add("registerAnalysisPlan", []byte(`{"id":"p1","intervention":"op-1","indicator":"price","method":"ITS","its":{"model":"GAUSSIAN","hacLag":0},"before":{"from":"2019-01","to":"2019-12"},"after":{"from":"2020-01","to":"2020-12"},"hypotheses":["h"],"registeredBy":"u","late":true}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		cmd, err := domain.DecodeCommand(name, data)
		if err != nil {
			if domain.ErrorCode(err) != domain.BadInput {
				t.Fatalf("decode error %v has code %s, want BAD_INPUT", err, domain.ErrorCode(err))
			}
			return
		}
		if err := cmd.Validate(); err != nil {
			if domain.ErrorCode(err) != domain.BadInput {
				t.Fatalf("validation error %v has code %s, want BAD_INPUT", err, domain.ErrorCode(err))
			}
			return
		}
		b, _ := json.Marshal(cmd)
		var generic any
		if err := json.Unmarshal(b, &generic); err != nil {
			t.Fatalf("valid command does not re-encode: %v", err)
		}
		checkFinite(t, generic)
	})
}

func checkFinite(t *testing.T, v any) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("non-finite number %v in a valid command", x)
		}
	case []any:
		for _, e := range x {
			checkFinite(t, e)
		}
	case map[string]any:
		for _, e := range x {
			checkFinite(t, e)
		}
	}
}
