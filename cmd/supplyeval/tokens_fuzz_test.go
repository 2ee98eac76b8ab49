package main

import (
	"net/http"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// FuzzTokens feeds arbitrary tokens files and Authorization headers: no
// panic; a file that loads holds only valid roles and clearances; a header
// is either a known token or UNAUTHENTICATED.
func FuzzTokens(f *testing.F) {
	const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // SHA-256 of "test"
	f.Add(`{"principals":[{"name":"a","roles":["ADMIN"],"clearance":"CONFIDENTIAL","tokenSha256":"`+hash+`"}]}`, "Bearer test")
	f.Add(`{"principals":[{"name":"p","roles":["PUBLIC","RECORDER"],"clearance":"PUBLIC","tokenSha256":"`+hash+`"}]}`, "bearer  test ")
	f.Add(`{"principals":null}`, "Basic dGVzdDp0ZXN0")
	f.Add(`{"principals":[{}]}`, "Bearer")
	f.Add(`[]`, "")
	f.Fuzz(func(t *testing.T, file, header string) {
		ts, err := parseTokens([]byte(file))
		if err != nil {
			return
		}
		for _, p := range ts.byHash {
			if p.Name == "" || !p.Clearance.Valid() || len(p.Roles) == 0 {
				t.Fatalf("loaded an invalid principal %+v from %q", p, file)
			}
			for _, r := range p.Roles {
				if !r.Valid() {
					t.Fatalf("loaded role %q from %q", r, file)
				}
			}
		}
		r, _ := http.NewRequest(http.MethodPost, "/graphql", nil)
		r.Header.Set("Authorization", header)
		if p, err := ts.authenticate(r); err != nil && domain.ErrorCode(err) != domain.Unauthenticated {
			t.Fatalf("header %q: %v", header, err)
		} else if err == nil && p.Name == "" {
			t.Fatalf("header %q authenticated a nameless principal", header)
		}
	})
}
