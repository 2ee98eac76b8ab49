package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
)

// ClassificationRule says how a command meets the classification of
// operations: which interventions it names, and what a principal who may
// not see one of them is answered. The rules are enforced by Service from
// the aggregates it loads under the stream lock, never from a read model.
type ClassificationRule int

// The classification rules.
const (
	// Unclassified: the command names no intervention.
	Unclassified ClassificationRule = iota
	// OnOperation: the command addresses the existing operation input.id.
	// An operation classified above the sender's clearance is answered
	// exactly as an id that was never launched, and nothing is recorded.
	OnOperation
	// OnPolicy: the command addresses the existing policy change input.id
	// (policy changes are public); the id of a hidden operation is
	// answered as any unknown id.
	OnPolicy
	// NewIntervention: the command records a new intervention under
	// input.id. A command that names a classification (launchOperation)
	// may not name one above the sender's clearance (FORBIDDEN). An id
	// already held by an operation the sender may not see is refused
	// (CONFLICT, "not available"), saying nothing else about it: the one
	// thing such a refusal reveals is that the id is in use.
	NewIntervention
	// NamesInterventions: the command names interventions of a cycle's
	// scope (openCycle, recordFinding); one the sender may not see is
	// answered as an unknown one.
	NamesInterventions
)

// String names the rule.
func (r ClassificationRule) String() string {
	switch r {
	case Unclassified:
		return "unclassified"
	case OnOperation:
		return "on an operation"
	case OnPolicy:
		return "on a policy change"
	case NewIntervention:
		return "new intervention"
	case NamesInterventions:
		return "names interventions"
	}
	return "unknown rule"
}

// CommandSpec is the registry entry of one command: everything the layers
// around the domain derive from it (the GraphQL mutation and its input,
// the role rules, the routing of commands to their handler). Adding a
// command is adding its file and one entry to registry.
type CommandSpec struct {
	// Name is the command's CommandName, the GraphQL mutation's name.
	Name string
	// Description says what the command does, for the API's users.
	Description string
	// Roles may send the command (ADMIN may send every command).
	Roles []Role
	// IDs names the input fields (by JSON name) that hold identifiers of
	// things (the GraphQL type ID rather than String).
	IDs []string
	// Rule is how the command meets classification.
	Rule ClassificationRule
	// Type is the command's Go type: its exported fields, by their JSON
	// names, are the command's input (a field without omitempty is
	// required).
	Type reflect.Type

	decode func([]byte) (Command, error)
	handle func(*Service, context.Context, Envelope, Command) (Result, error)
}

// Decode reads the JSON of the command (unknown fields are refused).
func (c CommandSpec) Decode(data []byte) (Command, error) { return c.decode(data) }

// classifiedCommand is a command that records data at a classification
// it names; the sender's clearance must cover it.
type classifiedCommand interface {
	classification() Classification
}

// command makes the registry entry of the command C handled by h.
func command[C Command](h func(*Service, context.Context, Envelope, C) (Result, error), spec CommandSpec) CommandSpec {
	var zero C
	spec.Name = zero.CommandName()
	spec.Type = reflect.TypeOf(zero)
	spec.decode = func(b []byte) (Command, error) {
		var c C
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(&c); err != nil {
			return nil, Invalid("", "%s", err)
		}
		return c, nil
	}
	spec.handle = func(s *Service, ctx context.Context, env Envelope, c Command) (Result, error) {
		typed, ok := c.(C)
		if !ok {
			return Result{}, Invalid("", "command %s has the wrong Go type %T", c.CommandName(), c)
		}
		return h(s, ctx, env, typed)
	}
	return spec
}

var (
	recorders  = []Role{RoleRecorder}
	evaluators = []Role{RoleEvaluator}
	adminsOnly = []Role{}
)

// registry lists every command, in the order the API documents them. Each
// command's type, validation and decision live in its own file.
var registry = []CommandSpec{
	command((*Service).defineRegion, CommandSpec{Description: "Define a region (country, NUTS region, city, port).",
		Roles: recorders, IDs: []string{"code", "parent"}}),
	command((*Service).linkRegions, CommandSpec{Description: "Record that two regions are neighbours (symmetric; may cross borders).",
		Roles: recorders, IDs: []string{"a", "b"}}),
	command((*Service).defineIndicator, CommandSpec{Description: "Define an outcome or context indicator.",
		Roles: recorders, IDs: []string{"code"}}),
	command((*Service).recordObservations, CommandSpec{Description: "Record a batch of new observations of one indicator, whole or not at all.",
		Roles: recorders, IDs: []string{"indicator"}}),
	command((*Service).reviseObservation, CommandSpec{Description: "Correct a recorded observation; queries as of earlier positions keep the old value.",
		Roles: recorders, IDs: []string{"indicator", "region"}}),
	command((*Service).retractObservation, CommandSpec{Description: "Withdraw a recorded observation.",
		Roles: recorders, IDs: []string{"indicator", "region"}}),
	command((*Service).launchOperation, CommandSpec{Description: "Record the launch of a law-enforcement operation.",
		Roles: recorders, IDs: []string{"id", "regions"}, Rule: NewIntervention}),
	command((*Service).reportOperationOutputs, CommandSpec{Description: "Record what an operation produced in a period.",
		Roles: recorders, IDs: []string{"id"}, Rule: OnOperation}),
	command((*Service).changeOperationScope, CommandSpec{Description: "Add regions to or remove regions from an active operation.",
		Roles: recorders, IDs: []string{"id", "added", "removed"}, Rule: OnOperation}),
	command((*Service).concludeOperation, CommandSpec{Description: "Record the end of an operation.",
		Roles: recorders, IDs: []string{"id"}, Rule: OnOperation}),
	command((*Service).declassifyOperation, CommandSpec{Description: "Lower an operation's classification.",
		Roles: adminsOnly, IDs: []string{"id"}, Rule: OnOperation}),
	command((*Service).adoptPolicyChange, CommandSpec{Description: "Record a policy change.",
		Roles: recorders, IDs: []string{"id", "jurisdictions"}, Rule: NewIntervention}),
	command((*Service).amendPolicyChange, CommandSpec{Description: "Amend an adopted policy change.",
		Roles: recorders, IDs: []string{"id", "jurisdictions"}, Rule: OnPolicy}),
	command((*Service).repealPolicyChange, CommandSpec{Description: "Repeal a policy change from a date.",
		Roles: recorders, IDs: []string{"id"}, Rule: OnPolicy}),
	command((*Service).openCycle, CommandSpec{Description: "Open an evaluation cycle over a period and a scope of interventions (and regions), following up a closed cycle.",
		Roles: evaluators, IDs: []string{"id", "regions", "interventions", "previousCycle"}, Rule: NamesInterventions}),
	command((*Service).pinCycleEvidence, CommandSpec{Description: "Pin the log position an open cycle's evidence is read at (1 to the log's head).",
		Roles: evaluators, IDs: []string{"id"}}),
	command((*Service).recordFinding, CommandSpec{Description: "Record a finding of an open cycle.",
		Roles: evaluators, IDs: []string{"id", "findingId", "intervention"}, Rule: NamesInterventions}),
	command((*Service).registerAnalysisPlan, CommandSpec{Description: "Register, before its post-period data exist, how an intervention will be evaluated on one indicator (a pre-registered analysis plan).",
		Roles: evaluators, IDs: []string{"id", "intervention", "indicator", "regions", "comparison"}, Rule: NamesInterventions}),
	command((*Service).closeCycle, CommandSpec{Description: "Close a cycle (once, with pinned evidence) with a summary and recommendations for the next.",
		Roles: evaluators, IDs: []string{"id"}}),
	command((*Service).defineRegionBoundary, CommandSpec{Description: "Record a region's outline for maps (GeoJSON MultiPolygon coordinates, [longitude, latitude]); replaces an earlier one.",
		Roles: recorders, IDs: []string{"region"}}),
}

// commandSpecs indexes registry by name (TestRegistryNamesAreUnique
// checks that no name is registered twice).
var commandSpecs = func() map[string]CommandSpec {
	m := make(map[string]CommandSpec, len(registry))
	for _, c := range registry {
		m[c.Name] = c
	}
	return m
}()

// Commands returns the registry entry of every command, in the order the
// API documents them.
func Commands() []CommandSpec {
	out := make([]CommandSpec, len(registry))
	copy(out, registry)
	for i := range out {
		out[i].Roles = slices.Clone(out[i].Roles)
		out[i].IDs = slices.Clone(out[i].IDs)
	}
	return out
}

// LookupCommand returns the registry entry of the command called name.
func LookupCommand(name string) (CommandSpec, bool) {
	c, ok := commandSpecs[name]
	return c, ok
}

// DecodeCommand decodes the JSON of the command called name (its
// CommandName), for commands that travel over a bus or arrive as GraphQL
// input. Unknown fields are refused.
func DecodeCommand(name string, data []byte) (Command, error) {
	s, ok := commandSpecs[name]
	if !ok {
		return nil, Invalidm("", "domain.err.command.unknown", name)
	}
	if name == "recordObservations" {
		// Batches of observations are most of what travels: the fast
		// path of rows_json.go, which falls back to s.decode.
		if ind, src, rows, ok := parseBatchJSON(data); ok {
			return RecordObservations{Indicator: ind, Source: src, Rows: rows}, nil
		}
	}
	return s.decode(data)
}
