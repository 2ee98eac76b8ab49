package graphql

import (
	"context"
	"net/http"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// Role names a kind of work a principal does; a principal's roles decide
// which queries and mutations it may run (see the role matrix in
// README.md, roleRules below for queries, and the domain's command
// registry for mutations).
type Role = domain.Role

// The roles (defined by the domain, which checks them on every command).
const (
	RoleRecorder  = domain.RoleRecorder
	RoleAnalyst   = domain.RoleAnalyst
	RoleStrategy  = domain.RoleStrategy
	RoleEvaluator = domain.RoleEvaluator
	RoleAdmin     = domain.RoleAdmin
	RolePublic    = domain.RolePublic
)

// Roles lists every Role.
var Roles = domain.Roles

// Principal is who sends a request: a name recorded in every event it
// causes, its roles and its clearance. An operation classified above the
// clearance does not exist for the principal.
type Principal struct {
	Name      string
	Roles     []Role
	Clearance domain.Classification
}

// LocalPrincipal is the single user of a server without tokens (on
// loopback only): every role, the highest clearance.
func LocalPrincipal() Principal {
	return Principal{Name: "local", Roles: []Role{RoleAdmin}, Clearance: domain.ClassificationConfidential}
}

// Domain returns p as the domain knows it: the principal that travels with
// p's commands, whose roles and clearance the domain service checks.
func (p Principal) Domain() domain.Principal {
	return domain.Principal{Name: p.Name, Roles: p.Roles, Clearance: p.Clearance}
}

// Has reports whether p holds role r (ADMIN holds every role but PUBLIC).
func (p Principal) Has(r Role) bool { return p.Domain().Has(r) }

// hasAny reports whether p holds one of roles.
func (p Principal) hasAny(roles []Role) bool { return p.Domain().HasAny(roles) }

// publicOnly reports whether p reads aggregates only: it has no role
// besides PUBLIC.
func (p Principal) publicOnly() bool {
	for _, r := range p.Roles {
		if r != RolePublic {
			return false
		}
	}
	return true
}

// Sees reports whether an operation classified c exists for p. An empty
// classification (a policy change) is public.
func (p Principal) Sees(c domain.Classification) bool { return p.Domain().Sees(c) }

// Scope names what p may see and do: its sorted roles and its clearance.
// Two principals with the same scope get the same answer to the same
// query, so the answer cache is keyed by it (not by the name: nothing
// cached crosses clearances or roles).
func (p Principal) Scope() string {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	return strings.Join(roles, ",") + "|" + string(p.Clearance)
}

// NewContextWithPrincipal returns ctx carrying the principal.
func NewContextWithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal's name carried by ctx ("" if none).
func PrincipalFromContext(ctx context.Context) string {
	return AccessFromContext(ctx).Name
}

// AccessFromContext returns the principal carried by ctx; without one it
// is the zero Principal, which may do nothing and sees only public data.
func AccessFromContext(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// Readers are the roles that may read everything within their clearance
// and run evaluations.
var readers = []Role{RoleAnalyst, RoleStrategy, RoleEvaluator}

// catalogReaders may read the catalogue, series and interventions (not
// evaluations): readers, recorders and the public.
var catalogReaders = []Role{RoleAnalyst, RoleStrategy, RoleEvaluator, RoleRecorder, RolePublic}

// roleRules says which roles may run each top-level query (ADMIN may run
// every one). A query missing from it may be run by ADMIN and readers: a
// query added later is never open to the public or to recorders by
// accident. The roles of each mutation are its command's, in the domain's
// command registry (domain.Commands), which the domain service checks
// again on every command.
var roleRules = map[string][]Role{
	// Queries.
	"position": catalogReaders, "regions": catalogReaders, "region": catalogReaders,
	"indicators": catalogReaders, "indicator": catalogReaders, "series": catalogReaders,
	"interventions": catalogReaders, "intervention": catalogReaders, "timeline": catalogReaders,
	"compareRegions": {RoleAnalyst, RoleStrategy, RoleEvaluator, RolePublic},
	"impact":         readers, "staggered": readers, "displacement": readers, "displacementScan": readers, "fragmentation": readers,
	"cycles": readers, "cycle": readers, "power": readers,
	"audit": {},
}

// operationDetails are the Operation fields the public may not read:
// per-operation details rather than aggregates.
var operationDetails = []string{"outputs", "partners", "legalBasis", "judicialAuthorisation", "budget", "summary", "scopeChanges", "power"}

// evaluationFields are the fields below the top level that run an
// evaluation, with the top-level query whose roles they take: reached
// from interventions, intervention or timeline (open to recorders), they
// would otherwise run it for any role that may read an intervention.
var evaluationFields = map[string]map[string]string{
	"Operation": {"power": "power"},
}

// forbidden is the error for a principal whose roles do not allow something.
func forbidden(p Principal, what string) error {
	return domain.Errorf(domain.Forbidden, "", "principal %q (roles %s) may not %s", p.Name, joinEnum(p.Roles), what)
}

// authorize wraps the resolvers of the schema's top-level fields and of
// the sensitive Operation fields with the role checks, so that no query,
// fragment or alias gets around them. Mutations are checked here against
// their command's roles (early, before their input is read), and the
// domain service checks them again with the principal's clearance: what a
// command may touch is decided there, from the log, not from the read
// models, which lag it.
func (s *Server) authorize() {
	wrapField := func(fd *gql.FieldDefinition, check func(p gql.ResolveParams) error) {
		next := fd.Resolve
		if next == nil {
			next = gql.DefaultResolveFn
		}
		fd.Resolve = func(p gql.ResolveParams) (any, error) {
			if err := check(p); err != nil {
				return nil, toAPIError(err, "")
			}
			return next(p)
		}
	}
	roots := []*gql.Object{s.schema.QueryType(), s.schema.MutationType()}
	for i, root := range roots {
		mutation := i == 1
		for name, fd := range root.Fields() {
			allowed, listed := roleRules[name]
			if !listed && !mutation {
				allowed = readers
			}
			if mutation {
				spec, _ := domain.LookupCommand(name)
				allowed = spec.Roles
			}
			verb := "run query " + name
			if mutation {
				verb = "run mutation " + name
			}
			wrapField(fd, func(p gql.ResolveParams) error {
				pr := AccessFromContext(p.Context)
				if !pr.Has(RoleAdmin) && !pr.hasAny(allowed) {
					return forbidden(pr, verb)
				}
				return nil
			})
		}
	}
	for typeName, fields := range evaluationFields {
		obj, ok := s.schema.Type(typeName).(*gql.Object)
		if !ok {
			continue
		}
		for name, root := range fields {
			fd, ok := obj.Fields()[name]
			if !ok {
				continue
			}
			allowed, verb := roleRules[root], "read "+typeName+"."+name+" (it runs the evaluation "+root+")"
			wrapField(fd, func(p gql.ResolveParams) error {
				if pr := AccessFromContext(p.Context); !pr.Has(RoleAdmin) && !pr.hasAny(allowed) {
					return forbidden(pr, verb)
				}
				return nil
			})
		}
	}
	if op, ok := s.schema.Type("Operation").(*gql.Object); ok {
		for _, name := range operationDetails {
			if fd, ok := op.Fields()[name]; ok {
				wrapField(fd, func(p gql.ResolveParams) error {
					if pr := AccessFromContext(p.Context); pr.publicOnly() {
						return forbidden(pr, "read Operation."+name+" (the public reads aggregates only)")
					}
					return nil
				})
			}
		}
	}
}

// visible reports whether intervention iv (as known at some position)
// exists for principal p: policy changes always do, operations when their
// current classification is within p's clearance. Classification only
// ever goes down (declassification), so a view visible as classified then
// is visible now; otherwise the current classification decides.
func (s *Server) visible(p Principal, iv projections.Intervention) bool {
	if iv.Operation == nil || p.Sees(iv.Operation.Classification) {
		return true
	}
	now, ok := s.cfg.Interventions.Get(iv.ID, 0)
	return ok && now.Operation != nil && p.Sees(now.Operation.Classification)
}

// visibleFilter returns the visibility test for p, for evaluate.Evaluator.
func (s *Server) visibleFilter(p Principal) func(projections.Intervention) bool {
	return func(iv projections.Intervention) bool { return s.visible(p, iv) }
}

// writeAuthError answers a request whose principal could not be
// established: 401 for a missing or unknown credential, 429 for a
// principal over its rate limit, 403 otherwise.
func writeAuthError(w http.ResponseWriter, err error) {
	code := domain.ErrorCode(err)
	status := http.StatusForbidden
	switch code {
	case domain.Unauthenticated:
		w.Header().Set("WWW-Authenticate", `Bearer realm="supplyeval"`)
		status = http.StatusUnauthorized
	case domain.TooComplex:
		w.Header().Set("Retry-After", "1")
		status = http.StatusTooManyRequests
	case domain.Forbidden:
	default:
		code, status = domain.Unauthenticated, http.StatusUnauthorized
	}
	msg := err.Error()
	writeError(w, status, code, msg)
}

// pointOut is a point as the API shows it.
type pointOut struct {
	projections.Point
	Suppressed bool
}

// points returns the series' points, those withheld marked suppressed.
func (x seriesResult) points() []pointOut {
	out := make([]pointOut, len(x.Points))
	for i, pt := range x.Points {
		out[i] = pointOut{Point: pt, Suppressed: x.Withheld[pt.Index]}
	}
	return out
}

// withheld returns the periods of the series q selects that are withheld
// from the principal of ctx (see evaluate.Suppressed): nil for everyone
// but the public.
func (s *Server) withheld(ctx context.Context, q projections.Query) map[int32]bool {
	return evaluate.Suppressed(s.cfg.Series, q, s.suppressBelow(ctx))
}

// suppressBelow returns the threshold under which values are withheld
// from the principal of ctx: Limits.SuppressBelow for the public, 0
// (nothing withheld) for everyone else.
func (s *Server) suppressBelow(ctx context.Context) float64 {
	if AccessFromContext(ctx).publicOnly() {
		return s.cfg.Limits.SuppressBelow
	}
	return 0
}
