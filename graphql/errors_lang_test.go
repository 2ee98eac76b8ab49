package graphql_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestBadInputCarriesItsMessageKey: a refusal keeps its English message,
// code and field, and gains extensions messageKey and messageArgs, from
// which the catalogue writes it in French.
func TestBadInputCarriesItsMessageKey(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	e := a.failsAt(`mutation { defineRegion(input: {code: "bad code!", name: "X", country: "NL", level: NUTS2}) { position } }`, nil, "BAD_INPUT", "input.code")
	if e.Message != `input.code: "bad code!" may hold only letters, digits, '_', '-' and '.', and must start with a letter or digit` {
		t.Errorf("message %q", e.Message)
	}
	key, _ := e.Extensions["messageKey"].(string)
	args, _ := e.Extensions["messageArgs"].([]any)
	if key != "error.ident.chars" || len(args) != 1 {
		t.Fatalf("extensions %v", e.Extensions)
	}
	fr := i18n.FR.T("error.field", e.Extensions["field"], i18n.FR.Render(i18n.M(key, args...)))
	if fr != `input.code : "bad code!" ne peut contenir que des lettres, des chiffres, « _ », « - » et « . », et doit commencer par une lettre ou un chiffre` {
		t.Errorf("in French: %s", fr)
	}
	e = a.failsAt(`mutation { defineRegion(input: {code: "NL99", name: "X", country: "QQ", level: NUTS2}) { position } }`, nil, "BAD_INPUT", "input.country")
	if e.Extensions["messageKey"] != "error.country.bad" || e.Message != `input.country: "QQ" is not an ISO 3166-1 alpha-2 country code` {
		t.Errorf("country: %+v", e)
	}
}
