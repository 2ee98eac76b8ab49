package graphql

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/supplyeval/supplyeval/domain"
)

func TestNonFiniteNumbersInAnAnswerAreFoundByPath(t *testing.T) {
	data := map[string]any{
		"position": "12",
		"compareRegions": []any{
			map[string]any{"region": "BEANR", "points": []any{map[string]any{"value": 100.0}}},
			map[string]any{"region": "NLRTM", "points": []any{map[string]any{"value": 1.0}, map[string]any{"value": math.Inf(1)}}},
		},
	}
	if got := nonFinite(data); got != "compareRegions[1].points[1].value" {
		t.Errorf("path %q", got)
	}
	if got := nonFinite(map[string]any{"a": []any{math.NaN()}}); got != "a[0]" {
		t.Errorf("NaN path %q", got)
	}
	if got := nonFinite(map[string]any{"a": []any{1.0, "x", nil, map[string]any{"b": -math.MaxFloat64}}}); got != "" {
		t.Errorf("finite answer: %q", got)
	}
}

// FuzzCheckJSON checks the request body checker against encoding/json:
// what it lets through is valid UTF-8 without escaped lone surrogates,
// and it never refuses, as BAD_INPUT, a body that is valid JSON, UTF-8,
// without repeated keys or extreme numbers.
func FuzzCheckJSON(f *testing.F) {
	f.Add([]byte(`{"query":"{ position }","variables":{"r":[{"value":1e308,"s":"\ud83d\ude00"}]}}`))
	f.Add([]byte(`{"query":"a\ud800"}`))
	f.Add([]byte("{\"query\":\"caf\xe9\"}"))
	f.Add([]byte(`{"query":"x","query":"y"} []`))
	f.Add([]byte(`{"v":1e309,"w":-1E+400,"x":[[[[]]]]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := checkJSON(raw, "")
		if errors.Is(err, errMalformed) {
			if json.Valid(raw) {
				t.Fatalf("%q: called malformed, but encoding/json takes it", raw)
			}
			return
		}
		if err != nil {
			if domain.ErrorCode(err) != domain.BadInput {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		// Accepted: when encoding/json takes it, it must not have replaced
		// any character with U+FFFD that was not already there.
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return
		}
		had := bytes.ContainsRune(raw, utf8.RuneError) || bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`))
		if !had && holdsReplacement(v) {
			t.Fatalf("accepted %q, which decodes with replaced characters", raw)
		}
	})
}

// holdsReplacement reports whether a decoded JSON value holds U+FFFD.
func holdsReplacement(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.ContainsRune(t, utf8.RuneError)
	case []any:
		for _, x := range t {
			if holdsReplacement(x) {
				return true
			}
		}
	case map[string]any:
		for k, x := range t {
			if holdsReplacement(k) || holdsReplacement(x) {
				return true
			}
		}
	}
	return false
}
