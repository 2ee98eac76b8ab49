package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// makeToken runs `supplyeval token` and returns the token and its entry.
func makeToken(t testing.TB, name, roles, clearance string) (string, json.RawMessage) {
	t.Helper()
	var out bytes.Buffer
	if err := runToken([]string{"--name", name, "--roles", roles, "--clearance", clearance}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 4 {
		t.Fatalf("token output %q", out.String())
	}
	return strings.TrimSpace(lines[1]), json.RawMessage(strings.TrimSpace(lines[3]))
}

// writeTokens writes a tokens file of entries and returns its path.
func writeTokens(t testing.TB, entries ...json.RawMessage) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"principals": entries})
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func bearer(token string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "/graphql", nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

func TestTokensAuthenticate(t *testing.T) {
	tok, entry := makeToken(t, "nfp-nl", "recorder, analyst", "RESTRICTED")
	if !strings.HasPrefix(tok, "se_") || len(tok) < 40 {
		t.Fatalf("token %q", tok)
	}
	if bytes.Contains(entry, []byte(tok)) {
		t.Fatal("the tokens file entry holds the token itself")
	}
	ts, err := loadTokens(writeTokens(t, entry), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ts.authenticate(bearer(tok))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "nfp-nl" || p.Clearance != domain.ClassificationRestricted ||
		!p.Has(graphql.RoleRecorder) || !p.Has(graphql.RoleAnalyst) || p.Has(graphql.RoleAdmin) {
		t.Errorf("principal %+v", p)
	}
	for _, h := range []string{"", "nope", tok + "x", strings.ToUpper(tok)} {
		if _, err := ts.authenticate(bearer(h)); domain.ErrorCode(err) != domain.Unauthenticated {
			t.Errorf("token %q: %v, want UNAUTHENTICATED", h, err)
		}
	}
	r := bearer("")
	r.Header.Set("Authorization", "Basic "+tok)
	if _, err := ts.authenticate(r); domain.ErrorCode(err) != domain.Unauthenticated {
		t.Errorf("basic scheme: %v", err)
	}
}

func TestTokensFileIsChecked(t *testing.T) {
	_, good := makeToken(t, "a", "ADMIN", "CONFIDENTIAL")
	cases := map[string]string{
		`{"principals": []}`: "no principals",
		`{"principals": [{"name": "", "roles": ["ADMIN"], "clearance": "PUBLIC", "tokenSha256": "00"}]}`:  "name",
		`{"principals": [{"name": "x", "roles": ["KING"], "clearance": "PUBLIC", "tokenSha256": "00"}]}`:  "KING",
		`{"principals": [{"name": "x", "roles": ["ADMIN"], "clearance": "SECRET", "tokenSha256": "00"}]}`: "SECRET",
		`{"principals": [{"name": "x", "roles": ["ADMIN"], "clearance": "PUBLIC", "tokenSha256": "zz"}]}`: "64 hexadecimal",
		`{"principals": [{"name": "x", "roles": [], "clearance": "PUBLIC", "tokenSha256": "00"}]}`:        "at least one role",
		`{"principals": [` + string(good) + `,` + string(good) + `]}`:                                     "appears twice",
		`{"principals": [{"name": "x", "token": "plain"}]}`:                                               "unknown field",
	}
	for in, mention := range cases {
		if _, err := parseTokens([]byte(in)); err == nil || !strings.Contains(err.Error(), mention) {
			t.Errorf("%s: %v, want an error mentioning %q", in, err, mention)
		}
	}
	var out bytes.Buffer
	if err := runToken([]string{"--name", "x", "--roles", "OVERLORD"}, &out); err == nil {
		t.Error("token with an unknown role was made")
	}
}

func TestRateLimitPerPrincipal(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter(2, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.allow("a") {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	if l.allow("a") {
		t.Fatal("fourth request at once allowed")
	}
	if !l.allow("b") {
		t.Fatal("another principal's bucket is shared")
	}
	now = now.Add(500 * time.Millisecond) // one more at 2/s
	if !l.allow("a") || l.allow("a") {
		t.Fatal("refill is not 2 per second")
	}
	if newRateLimiter(0, 10, time.Now) != nil {
		t.Fatal("rate 0 should mean no limit")
	}
	// Through authenticate: over the limit is TOO_COMPLEX (HTTP 429).
	tok, entry := makeToken(t, "busy", "ANALYST", "PUBLIC")
	ts, err := loadTokens(writeTokens(t, entry), 0.001, 2)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := ts.authenticate(bearer(tok)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.authenticate(bearer(tok)); domain.ErrorCode(err) != domain.TooComplex {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestNonLoopbackNeedsTokens(t *testing.T) {
	if err := (Config{DataDir: "d", Addr: "0.0.0.0:8080"}).Validate(); err == nil {
		t.Error("0.0.0.0 without tokens accepted")
	}
	auth := func(*http.Request) (graphql.Principal, error) { return graphql.Principal{}, nil }
	if err := (Config{DataDir: "d", Addr: "0.0.0.0:8080", Authenticate: auth}).Validate(); err != nil {
		t.Errorf("0.0.0.0 with tokens refused: %v", err)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--addr", "0.0.0.0:0", "--tokens", filepath.Join(t.TempDir(), "none")}, io.Discard, &stderr); code != 2 {
		t.Errorf("missing tokens file: exit %d (%s)", code, stderr.String())
	}
}

// TestServeWithTokens runs the binary with a tokens file: no token is
// UNAUTHENTICATED (401), a recorder records with its name in the log, an
// analyst may not record; without tokens the server warns loudly.
func TestServeWithTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	recTok, rec := makeToken(t, "rec", "RECORDER", "RESTRICTED")
	anaTok, ana := makeToken(t, "ana", "ANALYST", "CONFIDENTIAL")
	s := startServer(t, t.TempDir(), "--tokens", writeTokens(t, rec, ana))
	post := func(token, q string) (int, response) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": q})
		req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r response
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, r
	}
	code := func(r response) any {
		if len(r.Errors) == 0 {
			return nil
		}
		return r.Errors[0].Extensions["code"]
	}
	if st, r := post("", `{ position }`); st != http.StatusUnauthorized || code(r) != "UNAUTHENTICATED" {
		t.Errorf("no token: %d %+v", st, r)
	}
	define := `mutation { defineRegion(input: {code: "NL", name: "Netherlands", country: "NL", level: COUNTRY}) { position } }`
	if _, r := post(anaTok, define); code(r) != "FORBIDDEN" {
		t.Errorf("analyst defining a region: %+v", r)
	}
	if _, r := post(recTok, define); code(r) != nil {
		t.Errorf("recorder defining a region: %+v", r)
	}
	if _, r := post(anaTok, `{ regions { code } }`); code(r) != nil || len(r.Data["regions"].([]any)) != 1 {
		t.Errorf("analyst reading: %+v", r)
	}
	if strings.Contains(s.log(), "NO ACCESS CONTROL") {
		t.Error("warned of no access control with a tokens file")
	}
	s.stop()

	open := startServer(t, t.TempDir())
	if !strings.Contains(open.log(), `"level":"warn"`) || !strings.Contains(open.log(), "NO ACCESS CONTROL") {
		t.Errorf("no loud warning without tokens; logs:\n%s", open.log())
	}
}
