package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// tokensFile is the file `serve --tokens` reads: the principals allowed
// in, each with the SHA-256 of its bearer token (never the token).
//
//	{"principals": [
//	  {"name": "nfp-nl", "roles": ["RECORDER"], "clearance": "RESTRICTED",
//	   "tokenSha256": "9f86d0..."}
//	]}
//
// Tokens are 256 random bits made by `supplyeval token`, not passwords a
// person chooses, so a fast hash is enough: nobody can guess a preimage,
// and a slow one (bcrypt, argon2) would only cost every request CPU time.
type tokensFile struct {
	Principals []tokenEntry `json:"principals"`
}

// tokenEntry is one principal of a tokens file.
type tokenEntry struct {
	Name        string   `json:"name"`
	Roles       []string `json:"roles"`
	Clearance   string   `json:"clearance"`
	TokenSHA256 string   `json:"tokenSha256"`
}

// tokenSet authenticates requests by bearer token and applies each
// principal's rate limit. It is safe for concurrent use.
type tokenSet struct {
	byHash map[[sha256.Size]byte]graphql.Principal
	limits *rateLimiter
	// refused counts requests refused for a principal's rate limit.
	refused atomic.Uint64
}

// loadTokens reads and checks a tokens file.
func loadTokens(path string, rate float64, burst int) (*tokenSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errm("cli.err.tokens.read", err)
	}
	ts, err := parseTokens(b)
	if err != nil {
		return nil, errm("cli.err.tokens.file", path, err)
	}
	ts.limits = newRateLimiter(rate, burst, time.Now)
	return ts, nil
}

// parseTokens checks every entry and reports every problem at once.
func parseTokens(b []byte) (*tokenSet, error) {
	var f tokensFile
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, errm("cli.err.tokens.json", err)
	}
	ts := &tokenSet{byHash: map[[sha256.Size]byte]graphql.Principal{}}
	var errs []error
	names := map[string]bool{}
	for i, e := range f.Principals {
		at := fmt.Sprintf("principals[%d]", i)
		if e.Name == "" || len(e.Name) > 128 {
			errs = append(errs, errm("cli.err.tokens.name", at))
		}
		if names[e.Name] {
			errs = append(errs, errm("cli.err.tokens.name.twice", at, e.Name))
		}
		names[e.Name] = true
		p := graphql.Principal{Name: e.Name, Clearance: domain.Classification(e.Clearance)}
		if !p.Clearance.Valid() {
			errs = append(errs, errm("cli.err.tokens.clearance", at, e.Clearance))
		}
		if len(e.Roles) == 0 {
			errs = append(errs, errm("cli.err.tokens.roles", at))
		}
		for j, r := range e.Roles {
			role := graphql.Role(r)
			if !role.Valid() {
				errs = append(errs, errm("cli.err.tokens.role", at, j, r))
			}
			p.Roles = append(p.Roles, role)
		}
		raw, err := hex.DecodeString(e.TokenSHA256)
		if err != nil || len(raw) != sha256.Size {
			errs = append(errs, errm("cli.err.tokens.sha", at))
			continue
		}
		h := [sha256.Size]byte(raw)
		if _, dup := ts.byHash[h]; dup {
			errs = append(errs, errm("cli.err.tokens.sha.twice", at))
		}
		ts.byHash[h] = p
	}
	if len(f.Principals) == 0 {
		errs = append(errs, errm("cli.err.tokens.none"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ts, nil
}

// authenticate names the principal of a request from its bearer token
// (Authorization: Bearer TOKEN), then takes one from its rate limit.
func (ts *tokenSet) authenticate(r *http.Request) (graphql.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return graphql.Principal{}, domain.Errorm(domain.Unauthenticated, "", "cli.err.auth.missing")
	}
	p, ok := ts.byHash[sha256.Sum256([]byte(strings.TrimSpace(token)))]
	if !ok {
		return graphql.Principal{}, domain.Errorm(domain.Unauthenticated, "", "cli.err.auth.unknown")
	}
	if ts.limits != nil && !ts.limits.allow(p.Name) {
		ts.refused.Add(1)
		return graphql.Principal{}, domain.Errorm(domain.TooComplex, "", "cli.err.auth.rate", p.Name)
	}
	return p, nil
}

// newToken returns a fresh bearer token and the hex SHA-256 to put in a
// tokens file.
func newToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	token = "se_" + base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:]), nil
}

// runToken is `supplyeval token`: it makes a token and prints it once,
// with the tokens-file entry that admits it.
func runToken(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	name := fs.String("name", "", "the principal's name (recorded in every event it causes)")
	roles := fs.String("roles", "", "comma-separated roles: RECORDER, ANALYST, STRATEGY, EVALUATOR, ADMIN, PUBLIC")
	clearance := fs.String("clearance", "PUBLIC", "clearance: PUBLIC, RESTRICTED or CONFIDENTIAL")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	e := tokenEntry{Name: *name, Clearance: *clearance, TokenSHA256: hash}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(strings.ToUpper(r)); r != "" {
			e.Roles = append(e.Roles, r)
		}
	}
	entry, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := parseTokens([]byte(`{"principals":[` + string(entry) + `]}`)); err != nil {
		return usageError{err}
	}
	fmt.Fprint(stdout, helpLang(args).T("cli.out.token", *name, token, string(entry)))
	return nil
}

// rateLimiter is a token bucket per principal: each holds up to burst
// requests and refills at rate per second. (golang.org/x/time/rate does
// the same for one bucket; a map of fifteen-line buckets needs no
// dependency.) Safe for concurrent use.
type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter returns a limiter; a rate <= 0 returns nil (no limit).
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if rate <= 0 {
		return nil
	}
	return &rateLimiter{rate: rate, burst: float64(max(burst, 1)), now: now, buckets: map[string]*bucket{}}
}

// allow takes one request from name's bucket, if it has one.
func (l *rateLimiter) allow(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[name]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[name] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
