package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
	"github.com/supplyeval/supplyeval/projections/report"
)

// Commands handles commands; *domain.Service implements it, and so does
// the node's in-process command path the server runs behind.
type Commands interface {
	Handle(ctx context.Context, env domain.Envelope, cmd domain.Command) (domain.Result, error)
}

// Positions tells how far the read models have got.
type Positions interface {
	Position() uint64
	WaitFor(ctx context.Context, pos uint64) error
}

// Limits bound what one request may ask for.
type Limits struct {
	// MaxBodyBytes bounds a request body (default 32 MiB, enough for a
	// batch of 100,000 observations in variables).
	MaxBodyBytes int64
	// MaxQueryBytes bounds the GraphQL document itself (default 1 MiB).
	MaxQueryBytes int
	// MaxDepth bounds the nesting of selections, introspection included
	// (default 15: GraphiQL's introspection query is 14 deep).
	MaxDepth int
	// MaxSelections bounds the number of field selections after fragments
	// are expanded, introspection included (default 2,000).
	MaxSelections int
	// MaxAnswerValues bounds the estimated size of an answer, in values
	// (objects, lists and scalars), computed from the document before
	// anything is resolved: a field inside a list counts once per item
	// (default 100,000; GraphiQL's introspection query is estimated at about 51,000).
	// See ListItemsEstimate.
	MaxAnswerValues int
	// ListItemsEstimate is the number of items a list of data whose size
	// is not known beforehand (points, neighbours) counts for in the
	// estimate (default 10). The top-level regions, indicators and
	// interventions count as many as are recorded; an introspection list
	// as many as it has on average in the schema.
	ListItemsEstimate int
	// RequestTimeout bounds the time of one request (default 60 s): the
	// evaluations check it as they go and stop once it has passed.
	RequestTimeout time.Duration
	// EvaluationBudget bounds the computation one request may ask for, in
	// evaluation units estimated from the document before anything runs
	// (see evalWeights: an impact estimate costs 10, a power analysis 50,
	// a cycle's report 200; a field inside a list counts once per item).
	// Default DefaultEvaluationBudget (1,000); negative: no budget.
	EvaluationBudget int
	// MaxEvaluationsPerPrincipal bounds the requests that evaluate (cost
	// more than 0) one principal may have running at once (default 2;
	// negative: no bound). One more waits up to EvaluationWait, then is
	// refused TOO_COMPLEX (HTTP 429).
	MaxEvaluationsPerPrincipal int
	// MaxEvaluations bounds the requests that evaluate running at once on
	// the server (default the number of CPUs; negative: no bound). One
	// more waits up to EvaluationWait, then is refused UNAVAILABLE (HTTP
	// 503 with Retry-After).
	MaxEvaluations int
	// EvaluationWait is how long a request waits for a slot to evaluate
	// (default 5 s).
	EvaluationWait time.Duration
	// WaitForPosition bounds how long a read waits for the read models to
	// reach an asOf position, and a write for them to apply it (default 5 s).
	WaitForPosition time.Duration
	// CacheBytes bounds the memory of the answer cache (default 64 MiB;
	// negative disables it). See responseCache.
	CacheBytes int
	// SuppressBelow is the threshold under which the public (principals
	// whose only role is PUBLIC) sees a value as suppressed: null with
	// suppressed: true, never zero (default 5; negative shows everything).
	SuppressBelow float64
}

func (l *Limits) setDefaults() {
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = 32 << 20
	}
	if l.MaxQueryBytes == 0 {
		l.MaxQueryBytes = 1 << 20
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = 15
	}
	if l.MaxSelections == 0 {
		l.MaxSelections = 2000
	}
	if l.MaxAnswerValues == 0 {
		l.MaxAnswerValues = 100_000
	}
	if l.ListItemsEstimate == 0 {
		l.ListItemsEstimate = 10
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = 60 * time.Second
	}
	if l.EvaluationBudget == 0 {
		l.EvaluationBudget = DefaultEvaluationBudget
	}
	if l.MaxEvaluationsPerPrincipal == 0 {
		l.MaxEvaluationsPerPrincipal = 2
	}
	if l.MaxEvaluations == 0 {
		l.MaxEvaluations = runtime.NumCPU()
	}
	if l.EvaluationWait == 0 {
		l.EvaluationWait = 5 * time.Second
	}
	if l.WaitForPosition == 0 {
		l.WaitForPosition = 5 * time.Second
	}
	if l.CacheBytes == 0 {
		l.CacheBytes = 64 << 20
	}
	if l.SuppressBelow == 0 {
		l.SuppressBelow = 5
	}
}

// Config configures a Server.
type Config struct {
	Commands      Commands
	Positions     Positions
	Catalog       *projections.Catalog
	Series        *projections.Series
	Interventions *projections.Interventions
	// Reports, when set, serves evaluation cycles and their reports (the
	// queries cycles and cycle); without it those queries are absent.
	Reports *report.Generator
	Limits  Limits
	// Head, when set, gives the log's head position, so that an asOf
	// beyond the end of the log is refused at once instead of waited for.
	Head func(ctx context.Context) (uint64, error)
	// Authenticate names the principal of a request and its roles and
	// clearance, or fails with a domain error (UNAUTHENTICATED, or
	// TOO_COMPLEX when a rate limit is hit). The default is LocalPrincipal
	// for everyone (single-user mode on loopback).
	Authenticate func(r *http.Request) (Principal, error)
	// Log, when set, is read by the ADMIN-only audit query (the event
	// store: who recorded, revised or retracted what, and when).
	Log    EventLog
	Logger zerolog.Logger
	// Observe, if set, is called once per HTTP request with its operation
	// (the first field the request selects, "mutation.NAME" for
	// mutations, "" when it did not parse), its outcome ("OK" or the
	// first error's code) and how long it took. It must be safe for
	// concurrent use.
	Observe func(operation, code string, elapsed time.Duration)
}

// Validate reports what is missing from c.
func (c Config) Validate() error {
	var errs []error
	if c.Commands == nil {
		errs = append(errs, errors.New("graphql config: Commands is required"))
	}
	if c.Positions == nil {
		errs = append(errs, errors.New("graphql config: Positions is required"))
	}
	if c.Catalog == nil || c.Series == nil || c.Interventions == nil {
		errs = append(errs, errors.New("graphql config: Catalog, Series and Interventions are required"))
	}
	return errors.Join(errs...)
}

// Server serves the GraphQL API at one endpoint: POST (and GET for
// queries) runs a request; a browser's GET shows GraphiQL, served from
// assets embedded in the binary. It is safe for concurrent use.
type Server struct {
	cfg    Config
	schema gql.Schema
	// eval runs evaluation methods on the read models; evaluator gives
	// each request a copy that sees only what its principal may see.
	eval *evaluate.Evaluator
	// cache holds encoded answers to read-only requests, when Positions
	// can tell the read models' generation.
	cache *responseCache
	// reports keeps the reports last built (nil without generations).
	reports *reportCache
	// cycleT holds the cycle types, built once (see cycleTypes).
	cycleT *cycleTypes
	// sensT is the Sensitivity type, built once (see sensitivityType).
	sensT *gql.Object
	// impactIn holds impact's input types, built once (see impactInputs).
	impactIn *impactInputTypes
	// shape estimates the size of answers (see Limits.MaxAnswerValues)
	// and their cost (Limits.EvaluationBudget).
	shape *answerShape
	// gate bounds the requests that evaluate at once (see evalbudget.go).
	gate *evalGate
	// noFastPath sends every request through graphql-go's executor (the
	// tests compare both ways).
	noFastPath bool
	// onFast, when set (tests), is called for each request the fast path
	// answered.
	onFast func()
	// onEvaluate, when set (tests), is called as each evaluation field
	// starts (see meterEvaluations).
	onEvaluate atomic.Pointer[func(ctx context.Context)]
}

// NewServer builds the schema.
func NewServer(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Limits.setDefaults()
	if cfg.Authenticate == nil {
		cfg.Authenticate = func(*http.Request) (Principal, error) { return LocalPrincipal(), nil }
	}
	s := &Server{cfg: cfg, eval: &evaluate.Evaluator{Catalog: cfg.Catalog, Series: cfg.Series, Interventions: cfg.Interventions}}
	if g, ok := cfg.Positions.(generations); ok && cfg.Limits.CacheBytes > 0 {
		s.cache = newResponseCache(g, cfg.Catalog, cfg.Series, cfg.Limits.CacheBytes)
	}
	if g, ok := cfg.Positions.(generations); ok {
		s.reports = &reportCache{gens: g}
	}
	t := s.buildTypes()
	mutation, err := s.mutationType(t)
	if err != nil {
		return nil, fmt.Errorf("graphql schema: %w", err)
	}
	schema, err := gql.NewSchema(gql.SchemaConfig{
		Query:    s.queryType(t),
		Mutation: mutation,
		Types:    []gql.Type{t.operation, t.policyChange},
	})
	if err != nil {
		return nil, fmt.Errorf("graphql schema: %w", err)
	}
	s.schema = schema
	s.shape = newAnswerShape(&s.schema)
	s.gate = newEvalGate(cfg.Limits.MaxEvaluationsPerPrincipal, cfg.Limits.MaxEvaluations, cfg.Limits.EvaluationWait)
	s.authorize()
	s.meterEvaluations()
	return s, nil
}

// Request is a GraphQL request.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// Response is a GraphQL response.
type Response struct {
	Data   any                        `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Query().Get("query") == "" {
		if strings.Contains(r.Header.Get("Accept"), "text/html") {
			serveGraphiQL(w, r)
			return
		}
	}
	// Authenticate first: a request without a valid credential costs a
	// header read, never a body read or decode.
	principal, err := s.cfg.Authenticate(r)
	if err != nil {
		// Close the connection after the answer, and stop reading: net/http
		// would otherwise read up to 256 KB of an unread body, for as long
		// as the server's read timeout, before closing it.
		w.Header().Set("Connection", "close")
		writeAuthError(w, err)
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
		return
	}
	var req Request
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if len(q["query"]) > 1 {
			writeError(w, http.StatusBadRequest, domain.BadInput, "query: given more than once; give it once")
			return
		}
		if !utf8.ValidString(req.OperationName) {
			writeError(w, http.StatusBadRequest, domain.BadInput, "operationName: not valid UTF-8")
			return
		}
		if v := q.Get("variables"); v != "" {
			if err := checkJSON([]byte(v), "variables"); err != nil && !errors.Is(err, errMalformed) {
				writeDomainError(w, err)
				return
			}
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if err := dec.Decode(&req.Variables); err != nil {
				writeError(w, http.StatusBadRequest, domain.BadInput, "variables: not a JSON object: "+err.Error())
				return
			}
		}
	case http.MethodPost:
		raw, status, err := readBody(w, r, s.cfg.Limits.MaxBodyBytes)
		if err != nil {
			writeError(w, status, domain.BadInput, err.Error())
			return
		}
		if err := checkJSON(raw, ""); err != nil && !errors.Is(err, errMalformed) {
			writeDomainError(w, err)
			return
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, domain.BadInput, "request body is not a GraphQL JSON request: "+err.Error())
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		writeError(w, http.StatusMethodNotAllowed, domain.BadInput, "use POST (or GET for queries)")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Limits.RequestTimeout)
	defer cancel()
	ctx = NewContextWithPrincipal(ctx, principal)
	if s.cfg.Observe != nil {
		info := &requestInfo{code: "OK"}
		ctx = context.WithValue(ctx, requestInfoKey{}, info)
		start := time.Now()
		defer func() { s.cfg.Observe(info.operation, info.code, time.Since(start)) }()
		defer func() {
			if info.resp != nil && len(info.resp.Errors) > 0 {
				info.code, _ = info.resp.Errors[0].Extensions["code"].(string)
			}
		}()
	}
	corr := r.Header.Get("X-Correlation-ID")
	if corr == "" || len(corr) > 128 {
		corr = uuid.NewString()
	}
	w.Header().Set("X-Correlation-ID", corr)
	ctx = newContextWithCorrelation(ctx, corr)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	key, rs := "", (*readSet)(nil)
	if s.cache != nil {
		key = s.cache.key(principal.Scope(), req)
		if a, ok := s.cache.get(key); ok {
			if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
				info.operation = a.operation
			}
			_, _ = w.Write(a.body)
			return
		}
	}
	if s.cache != nil {
		ctx, rs = s.cache.begin(ctx)
	}
	resp, readOnly := s.do(ctx, req, r.Method == http.MethodGet, true)
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		info.resp = &resp
	}
	body, err := encodeResponse(resp)
	if err != nil {
		s.logger(ctx).Error().Err(err).Msg("encode response")
		writeError(w, http.StatusInternalServerError, domain.Internal, "internal error")
		return
	}
	body = append(body, '\n')
	if s.cache != nil && readOnly && len(resp.Errors) == 0 {
		op := ""
		if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
			op = info.operation
		}
		s.cache.put(key, rs.dependency(), body, op)
	}
	if status := refusalStatus(resp); status != 0 {
		// Over the principal's share of evaluations: as its rate limit is.
		w.Header().Set("Retry-After", retryAfterSeconds)
		w.WriteHeader(status)
	} else if hasCode(resp, domain.Unavailable) {
		// The node cannot answer now: a proxy may try another replica, a
		// client may retry (DESIGN.md section 5).
		w.Header().Set("Retry-After", retryAfterSeconds)
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if _, err := w.Write(body); err != nil {
		s.logger(ctx).Debug().Err(err).Msg("write response")
	}
}

// encodeResponse encodes resp as JSON, copying an answer that is JSON
// already (the series fast path) as it is.
func encodeResponse(resp Response) ([]byte, error) {
	if raw, ok := resp.Data.(json.RawMessage); ok && len(resp.Errors) == 0 {
		body := make([]byte, 0, len(raw)+len(`{"data":}`))
		body = append(body, `{"data":`...)
		body = append(body, raw...)
		return append(body, '}'), nil
	}
	return json.Marshal(resp)
}

// evaluator returns the evaluator for the principal of ctx: operations
// above its clearance do not exist for it.
func (s *Server) evaluator(ctx context.Context) *evaluate.Evaluator {
	e := *s.eval
	e.Visible = s.visibleFilter(AccessFromContext(ctx))
	e.SuppressBelow = s.suppressBelow(ctx)
	return &e
}

// Do runs one request. readOnly refuses mutations (GET requests).
// It runs as the principal ctx carries, or as LocalPrincipal when ctx
// carries none: in-process callers are trusted.
func (s *Server) Do(ctx context.Context, req Request, readOnly bool) Response {
	if _, ok := ctx.Value(principalKey{}).(Principal); !ok {
		ctx = NewContextWithPrincipal(ctx, LocalPrincipal())
	}
	resp, _ := s.do(ctx, req, readOnly, false)
	return resp
}

// do runs one request and says whether it only read (no mutation ran).
// encoded says that the caller only encodes the answer as JSON: its Data
// may then be JSON already (the series fast path).
func (s *Server) do(ctx context.Context, req Request, readOnly, encoded bool) (Response, bool) {
	if strings.TrimSpace(req.Query) == "" {
		return errorResponse(domain.BadInput, "query is empty"), false
	}
	if len(req.Query) > s.cfg.Limits.MaxQueryBytes {
		return errorResponse(domain.TooComplex, fmt.Sprintf("query is %d bytes, over the limit of %d; pass data in variables", len(req.Query), s.cfg.Limits.MaxQueryBytes)), false
	}
	if err := checkQueryText(req.Query); err != nil {
		return domainErrorResponse(err), false
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query), Name: "GraphQL request"})})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		fe.Extensions = map[string]any{"code": string(domain.BadInput)}
		return Response{Errors: []gqlerrors.FormattedError{fe}}, false
	}
	tooComplex, bad := checkComplexity(doc, req.OperationName, s.cfg.Limits)
	if bad != "" {
		return errorResponse(domain.BadInput, bad), false
	}
	if tooComplex != "" {
		return errorResponse(domain.TooComplex, tooComplex), false
	}
	size := func(parent, field string) int { return s.listSize(AccessFromContext(ctx), parent, field) }
	n, cost := s.shape.estimateAnswer(doc, req.OperationName, s.cfg.Limits.ListItemsEstimate, s.cfg.Limits.MaxAnswerValues, size, s.evalCost)
	if n > s.cfg.Limits.MaxAnswerValues {
		return errorResponse(domain.TooComplex, fmt.Sprintf("the answer would hold more than %d values (lists multiply what is selected inside them; each alias counts); select fewer fields or split the query", s.cfg.Limits.MaxAnswerValues)), false
	}
	if budget := s.cfg.Limits.EvaluationBudget; budget > 0 && cost > budget {
		return domainErrorResponse(domain.Errorm(domain.TooComplex, "", "gql.err.eval.budget", cost, budget)), false
	}
	if readOnly && hasMutation(doc, req.OperationName) {
		return errorResponse(domain.BadInput, "mutations must be sent with POST"), false
	}
	if !onlySeries(doc, req.OperationName) {
		readsEverything(ctx)
	}
	if encoded && !s.noFastPath {
		if resp, ok := s.fastSeries(ctx, doc, req); ok {
			if s.onFast != nil {
				s.onFast()
			}
			return resp, true
		}
	}
	if v := gql.ValidateDocument(&s.schema, doc, nil); !v.IsValid {
		for i := range v.Errors {
			v.Errors[i].Extensions = map[string]any{"code": string(domain.BadInput)}
		}
		return Response{Errors: v.Errors}, false
	}
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		// Validated: the name is one of the schema's, a bounded label.
		info.operation = rootField(doc, req.OperationName)
	}
	if cost > 0 {
		// The request evaluates: it takes a slot (evalbudget.go) and its
		// deadline, which the evaluations check as they go, holds for
		// in-process callers too.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Limits.RequestTimeout)
		defer cancel()
		ctx = context.WithValue(ctx, requestTimeoutKey{}, s.cfg.Limits.RequestTimeout)
		var finish func()
		var err error
		if ctx, finish, err = s.startEvaluations(ctx); err != nil {
			return domainErrorResponse(err), false
		}
		defer finish()
	}
	res := gql.Execute(gql.ExecuteParams{Schema: s.schema, AST: doc, OperationName: req.OperationName, Args: normaliseNumbers(req.Variables), Context: ctx})
	deadlineErrors(ctx, res.Errors)
	for i, e := range res.Errors {
		if e.Extensions == nil {
			// Errors graphql-go raises itself (variable coercion and the like) are the caller's.
			res.Errors[i].Extensions = map[string]any{"code": string(domain.BadInput)}
		}
	}
	if path := nonFinite(res.Data); path != "" {
		// A number too large for JSON, computed from extreme inputs that
		// the resolvers did not name: refuse it, naming where it is.
		return errorResponse(domain.BadInput, path+": the value computed is not a finite number: the values it is computed from are too extreme (too large, or too close to zero); narrow the question or check the values recorded"), false
	}
	return Response{Data: res.Data, Errors: res.Errors}, !hasMutation(doc, req.OperationName)
}

// logger is the request's logger when the HTTP layer gave it one (its
// lines then carry the request's correlation ID), else the server's.
func (s *Server) logger(ctx context.Context) *zerolog.Logger {
	if l := zerolog.Ctx(ctx); l.GetLevel() != zerolog.Disabled {
		return l
	}
	return &s.cfg.Logger
}

// requestInfo is what Observe is told of a request, filled in as it runs.
type requestInfo struct {
	operation, code string
	resp            *Response
}

type requestInfoKey struct{}

// rootField names the first field the operation selects ("regions",
// "mutation.recordObservations"), or "" when it starts with a fragment.
func rootField(doc *ast.Document, opName string) string {
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok || (opName != "" && (op.Name == nil || op.Name.Value != opName)) {
			continue
		}
		if op.SelectionSet == nil || len(op.SelectionSet.Selections) == 0 {
			return ""
		}
		f, ok := op.SelectionSet.Selections[0].(*ast.Field)
		if !ok {
			return ""
		}
		if op.Operation == ast.OperationTypeMutation {
			return "mutation." + f.Name.Value
		}
		return f.Name.Value
	}
	return ""
}

// nonFinite returns the path (compareRegions[0].points[2].value) of the
// first infinite or NaN number in an answer's data, or "".
func nonFinite(v any) string {
	var segs []string
	if !findNonFinite(v, &segs) {
		return ""
	}
	var sb strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		if sb.Len() > 0 && segs[i][0] != '[' {
			sb.WriteByte('.')
		}
		sb.WriteString(segs[i])
	}
	return sb.String()
}

// findNonFinite reports whether v holds an infinite or NaN number, and
// then appends the path to it to segs, innermost first.
func findNonFinite(v any, segs *[]string) bool {
	switch t := v.(type) {
	case float64:
		return math.IsInf(t, 0) || math.IsNaN(t)
	case float32:
		return math.IsInf(float64(t), 0) || math.IsNaN(float64(t))
	case map[string]any:
		for k, x := range t {
			if findNonFinite(x, segs) {
				*segs = append(*segs, k)
				return true
			}
		}
	case []any:
		for i, x := range t {
			if findNonFinite(x, segs) {
				*segs = append(*segs, "["+strconv.Itoa(i)+"]")
				return true
			}
		}
	}
	return false
}

// normaliseNumbers turns json.Number values (from UseNumber, which keeps
// large integers exact) into int or float64 as graphql-go expects.
func normaliseNumbers(v map[string]any) map[string]any {
	for k, x := range v {
		v[k] = normaliseValue(x)
	}
	return v
}

func normaliseValue(x any) any {
	switch t := x.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil && int64(int(i)) == i {
			return int(i)
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		return normaliseNumbers(t)
	case []any:
		for i := range t {
			t[i] = normaliseValue(t[i])
		}
	}
	return x
}

func errorResponse(code domain.Code, msg string) Response {
	return Response{Errors: []gqlerrors.FormattedError{{Message: msg, Extensions: map[string]any{"code": string(code)}}}}
}

// retryAfterSeconds is the Retry-After of an UNAVAILABLE answer.
const retryAfterSeconds = "1"

// hasCode reports whether any error of resp carries code.
func hasCode(resp Response, code domain.Code) bool {
	for _, e := range resp.Errors {
		if c, ok := e.Extensions["code"].(string); ok && c == string(code) {
			return true
		}
	}
	return false
}

// readBody reads a request body of at most limit bytes; on failure it
// returns the HTTP status and an error for the client.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, int, error) {
	body := http.MaxBytesReader(w, r.Body, limit)
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= limit {
		buf.Grow(int(n) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("request body is larger than the limit of %d bytes; send large batches in several requests", tooBig.Limit)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("request body could not be read: %w", err)
	}
	return buf.Bytes(), 0, nil
}

// domainErrorResponse is the response of a request refused with err.
func domainErrorResponse(err error) Response {
	e := toAPIError(err, "")
	return Response{Errors: []gqlerrors.FormattedError{{Message: e.message, Extensions: e.Extensions()}}}
}

// writeDomainError answers 400 with err (a *domain.Error), its field named.
func writeDomainError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(domainErrorResponse(err))
}

func writeError(w http.ResponseWriter, status int, code domain.Code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorResponse(code, msg))
}

func hasMutation(doc *ast.Document, opName string) bool {
	for _, d := range doc.Definitions {
		if op, ok := d.(*ast.OperationDefinition); ok && op.Operation == ast.OperationTypeMutation {
			if opName == "" || (op.Name != nil && op.Name.Value == opName) {
				return true
			}
		}
	}
	return false
}

type principalKey struct{}
type correlationKey struct{}

func newContextWithCorrelation(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

func correlationFromContext(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}
