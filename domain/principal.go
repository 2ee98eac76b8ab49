package domain

import (
	"slices"
	"strings"
)

// Role names a kind of work a principal does. The command registry says
// which roles may send each command; the GraphQL layer uses the same roles
// for its queries.
type Role string

// The roles.
const (
	// RoleRecorder records regions, indicators, observations, operations
	// and policy changes, and reads what it records.
	RoleRecorder Role = "RECORDER"
	// RoleAnalyst reads everything within its clearance and runs evaluations.
	RoleAnalyst Role = "ANALYST"
	// RoleStrategy reads everything within its clearance and runs evaluations.
	RoleStrategy Role = "STRATEGY"
	// RoleEvaluator reads and evaluates, and records cycles and findings.
	RoleEvaluator Role = "EVALUATOR"
	// RoleAdmin may do everything, including declassification and the audit.
	RoleAdmin Role = "ADMIN"
	// RolePublic reads aggregates only: no evaluations, no per-operation
	// details, small values suppressed.
	RolePublic Role = "PUBLIC"
)

// Roles lists every Role.
var Roles = []Role{RoleRecorder, RoleAnalyst, RoleStrategy, RoleEvaluator, RoleAdmin, RolePublic}

// Valid reports whether r is a defined Role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Principal is who sends a command: the name recorded in every event it
// causes, its roles (which commands it may send) and its clearance (an
// operation classified above it does not exist for the principal, and a
// command about one is answered as a command about an unknown id).
//
// The zero Principal has no role and PUBLIC-only sight: it may send no
// command. Internal writers (the demo world, imports, NATS ingest) name
// themselves with System or with the roles they need.
type Principal struct {
	Name      string         `json:"name"`
	Roles     []Role         `json:"roles,omitempty"`
	Clearance Classification `json:"clearance,omitempty"`
}

// System returns the principal of a trusted writer inside the node (the
// demo world, an import run by the operator): ADMIN with the highest
// clearance, recorded under name.
func System(name string) Principal {
	return Principal{Name: name, Roles: []Role{RoleAdmin}, Clearance: ClassificationConfidential}
}

// Has reports whether p holds role r (ADMIN holds every role but PUBLIC).
func (p Principal) Has(r Role) bool {
	if slices.Contains(p.Roles, r) {
		return true
	}
	return r != RolePublic && slices.Contains(p.Roles, RoleAdmin)
}

// HasAny reports whether p holds one of roles.
func (p Principal) HasAny(roles []Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// Sees reports whether data classified c exists for p. An empty
// classification (anything but an operation) is public.
func (p Principal) Sees(c Classification) bool {
	if c == "" {
		return true
	}
	if !p.Clearance.Valid() || !c.Valid() {
		return false
	}
	return c.Rank() <= p.Clearance.Rank()
}

// mayNot is the Forbidden error for p, which may not do what.
func (p Principal) mayNot(what string) *Error {
	return Errorf(Forbidden, "", "principal %q (roles %s) may not %s", p.Name, joinRoles(p.Roles), what)
}

func joinRoles(roles []Role) string {
	if len(roles) == 0 {
		return "none"
	}
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
