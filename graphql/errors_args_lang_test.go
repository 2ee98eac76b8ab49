package graphql_test

import (
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestBadArgumentCarriesItsMessageKey: a refused argument keeps its
// English message, code and field, and gives messageKey and messageArgs
// (gql.err.*), from which the catalogue writes it in French.
func TestBadArgumentCarriesItsMessageKey(t *testing.T) {
	a := newAPI(t, graphql.Limits{})
	cases := []struct {
		query, code, field, key, en, fr string
	}{
		{`{ interventions(from: "2024-05-01", to: "2024-01-01") { id } }`, "BAD_INPUT", "to", "gql.err.range.order",
			`to: 2024-01-01 is before from 2024-05-01`, `to : 2024-01-01 est antérieur à from 2024-05-01`},
		{`{ interventions(kind: "RAID") { id } }`, "BAD_INPUT", "kind", "gql.err.interventions.kind",
			`kind: "RAID" is not OPERATION, POLICY_CHANGE, an operation kind (`, `kind : "RAID" n'est ni OPERATION, ni POLICY_CHANGE, ni un type d'opération (`},
		{`{ interventions(region: "XX99") { id } }`, "NOT_FOUND", "region", "gql.err.region.undefined",
			`region: region "XX99" is not defined`, `region : la région "XX99" n'est pas définie`},
	}
	for _, c := range cases {
		e := a.failsAt(c.query, nil, c.code, c.field)
		key, _ := e.Extensions["messageKey"].(string)
		args, _ := e.Extensions["messageArgs"].([]any)
		if key != c.key {
			t.Errorf("%s: messageKey %q, want %q (extensions %v)", c.query, key, c.key, e.Extensions)
			continue
		}
		if len(e.Message) < len(c.en) || e.Message[:len(c.en)] != c.en {
			t.Errorf("%s: message %q, want it to start %q", c.query, e.Message, c.en)
		}
		if en := i18n.EN.T("error.field", c.field, i18n.EN.Render(i18n.M(key, args...))); en != e.Message {
			t.Errorf("%s: the key and args give %q in English, the message is %q", c.query, en, e.Message)
		}
		fr := i18n.FR.T("error.field", c.field, i18n.FR.Render(i18n.M(key, args...)))
		if len(fr) < len(c.fr) || fr[:len(c.fr)] != c.fr {
			t.Errorf("%s: in French %q, want it to start %q", c.query, fr, c.fr)
		}
	}
}
