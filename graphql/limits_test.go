package graphql_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/graphql"
)

// introspectionAliases is the attack of issue 11: aliases of a list of
// every type with its fields and their arguments.
func introspectionAliases(n int) string {
	var sb strings.Builder
	sb.WriteString("{ __schema {")
	for i := range n {
		fmt.Fprintf(&sb, " t%d: types { fields { name args { name } } }", i)
	}
	sb.WriteString(" } }")
	return sb.String()
}

// graphiqlIntrospection is the query the bundled GraphiQL sends (nine
// levels of ofType).
const graphiqlIntrospection = `query IntrospectionQuery {
  __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType }
    directives { name description locations args { ...InputValue } } }
}
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } }`

func TestIntrospectionIsCountedAndAnswersAreBounded(t *testing.T) {
	a := newAuthAPI(t)
	// The attack of issue 11 (1,000 aliases, 46 KB; 605 MB and 7 s before):
	// counted like any other selection, it is over the selection limit.
	r := a.as("public", introspectionAliases(1000), nil)
	r.mustFail(t, "TOO_COMPLEX")
	if !strings.Contains(r.Errors[0].Message, "selects more than 2000 fields") {
		t.Fatalf("1,000 aliases: %s", r.Errors[0].Message)
	}
	// 100 aliases fit the selection limit; the answer does
	// not fit the bound on its size (before: a 1.6 MB answer, RSS 92 MB).
	r = a.as("public", introspectionAliases(100), nil)
	r.mustFail(t, "TOO_COMPLEX")
	if !strings.Contains(r.Errors[0].Message, "more than 100000 values") {
		t.Fatalf("100 aliases: %s", r.Errors[0].Message)
	}
	// Lists of data multiply too.
	deep := "{ regions {" + strings.Repeat(" neighbours { region {", 5) + " code name" + strings.Repeat(" } }", 5) + " } }"
	a.as("public", deep, nil).mustFail(t, "TOO_COMPLEX")
	// What GraphiQL and ordinary clients send still passes.
	a.as("public", graphiqlIntrospection, nil).mustOK(t)
	a.as("public", introspectionAliases(3), nil).mustOK(t)
	a.as("public", `{ regions { code neighbours { kind region { code name } } } series(indicator: "cocaine_price", region: "NLRTM") { points { period value suppressed } } }`, nil).mustOK(t)
}

// endlessBody is a request body of n bytes that counts what is read of it.
type endlessBody struct {
	n, read int64
}

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.read >= b.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n-b.read)
	for i := range p[:k] {
		p[i] = ' '
	}
	b.read += k
	return int(k), nil
}

func (b *endlessBody) Close() error { return nil }

func TestUnauthenticatedRequestsAreRefusedBeforeTheirBodyIsRead(t *testing.T) {
	a := newAuthAPI(t)
	// Before: a 30 MB body without a valid token was read and decoded
	// (348 MB allocated, 3.8 s in the run) before the 401.
	for _, token := range []string{"", "Bearer not-a-token"} {
		body := &endlessBody{n: 30 << 20}
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		req.Body = body
		req.ContentLength = body.n
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		rec := httptest.NewRecorder()
		allocs := testing.AllocsPerRun(1, func() {
			body.read = 0
			rec = httptest.NewRecorder()
			a.server.ServeHTTP(rec, req)
		})
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "UNAUTHENTICATED") {
			t.Fatalf("token %q: %d %s", token, rec.Code, rec.Body)
		}
		if body.read != 0 {
			t.Errorf("token %q: %d bytes of the body read before the 401", token, body.read)
		}
		if allocs > 100 {
			t.Errorf("token %q: %v allocations before the 401", token, allocs)
		}
	}
}

func TestListsOfDataCountAsManyItemsAsAreRecorded(t *testing.T) {
	a := newAPI(t, graphql.Limits{MaxAnswerValues: 2000})
	var sb strings.Builder
	sb.WriteString("mutation {")
	for i := range 60 {
		fmt.Fprintf(&sb, " r%d: defineRegion(input: {code: \"C%02d\", name: \"City %d\", country: \"NL\", level: CITY}) { position }", i, i, i)
	}
	sb.WriteString(" }")
	a.ok(sb.String(), nil)
	// 60 regions of 2 fields, 20 times: about 3,600 values. Counting the
	// list as 10 items (as before), the estimate was 620.
	var q strings.Builder
	q.WriteString("{")
	for i := range 20 {
		fmt.Fprintf(&q, " a%d: regions { code name }", i)
	}
	q.WriteString(" }")
	a.fails(q.String(), nil, "TOO_COMPLEX", "more than 2000 values")
	a.ok(`{ regions { code name } }`, nil)
}
