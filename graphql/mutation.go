package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
)

// mutationSpec describes one mutation: its input fields (besides the
// commandId and expectedVersion every input has) and how its input
// becomes a command.
type mutationSpec struct {
	name   string
	desc   string
	fields gql.InputObjectConfigFieldMap
	decode func(map[string]any) (domain.Command, error)
}

// decodeInput turns a GraphQL input object into command T. GraphQL has
// already checked types and required fields; the command's Validate checks
// the rest.
func decodeInput[T domain.Command](in map[string]any) (domain.Command, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, badInput("input", "%s", err)
	}
	var c T
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return nil, badInput("input", "%s", err)
	}
	return c, nil
}

func (s *Server) mutationSpecs(t *types) []mutationSpec {
	req := func(tp gql.Input) *gql.InputObjectFieldConfig {
		return &gql.InputObjectFieldConfig{Type: gql.NewNonNull(tp)}
	}
	opt := func(tp gql.Input) *gql.InputObjectFieldConfig { return &gql.InputObjectFieldConfig{Type: tp} }
	ids := func() *gql.InputObjectFieldConfig { return req(gql.NewList(gql.NewNonNull(gql.ID))) }
	optIDs := func() *gql.InputObjectFieldConfig { return opt(gql.NewList(gql.NewNonNull(gql.ID))) }
	dims := func() *gql.InputObjectFieldConfig { return opt(gql.NewList(gql.NewNonNull(t.dimensionInput))) }
	return []mutationSpec{
		{"defineRegion", "Define a region (country, NUTS region, city, port).", gql.InputObjectConfigFieldMap{
			"code": req(gql.ID), "name": req(gql.String), "country": req(gql.String), "level": req(t.regionLevel), "parent": opt(gql.ID)},
			decodeInput[domain.DefineRegion]},
		{"linkRegions", "Record that two regions are neighbours (symmetric; may cross borders).", gql.InputObjectConfigFieldMap{
			"a": req(gql.ID), "b": req(gql.ID), "kind": req(t.linkKind)}, decodeInput[domain.LinkRegions]},
		{"defineIndicator", "Define an outcome or context indicator.", gql.InputObjectConfigFieldMap{
			"code": req(gql.ID), "name": req(gql.String), "family": req(t.family), "unit": req(gql.String),
			"granularity": req(t.granularity), "desiredDirection": req(t.direction), "description": opt(gql.String)},
			decodeInput[domain.DefineIndicator]},
		{"recordObservations", "Record a batch of new observations of one indicator, whole or not at all.", gql.InputObjectConfigFieldMap{
			"indicator": req(gql.ID), "source": req(gql.String), "rows": req(gql.NewList(gql.NewNonNull(t.rowInput)))},
			decodeInput[domain.RecordObservations]},
		{"reviseObservation", "Correct a recorded observation; queries as of earlier positions keep the old value.", gql.InputObjectConfigFieldMap{
			"indicator": req(gql.ID), "region": req(gql.ID), "period": req(gql.String), "dimensions": dims(),
			"value": req(gql.Float), "reason": req(gql.String), "source": opt(gql.String)}, decodeInput[domain.ReviseObservation]},
		{"retractObservation", "Withdraw a recorded observation.", gql.InputObjectConfigFieldMap{
			"indicator": req(gql.ID), "region": req(gql.ID), "period": req(gql.String), "dimensions": dims(), "reason": req(gql.String)},
			decodeInput[domain.RetractObservation]},
		{"launchOperation", "Record the launch of a law-enforcement operation.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "title": req(gql.String), "kind": req(t.operationKind), "regions": ids(), "start": req(gql.String),
			"targetTier": req(t.targetTier), "partners": opt(gql.NewList(gql.NewNonNull(gql.String))), "legalBasis": opt(gql.String),
			"judicialAuthorisation": opt(gql.String), "budget": opt(gql.Float), "classification": req(t.classification)},
			decodeInput[domain.LaunchOperation]},
		{"reportOperationOutputs", "Record what an operation produced in a period.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "period": req(gql.String), "arrests": req(gql.Int), "seizures": opt(gql.NewList(gql.NewNonNull(t.seizureInput))),
			"assetsFrozen": opt(gql.Float), "assetsConfiscated": opt(gql.Float), "labsDismantled": opt(gql.Int), "cost": opt(gql.Float)},
			decodeInput[domain.ReportOperationOutputs]},
		{"changeOperationScope", "Add regions to or remove regions from an active operation.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "added": optIDs(), "removed": optIDs(), "effective": opt(gql.String), "reason": req(gql.String)},
			decodeInput[domain.ChangeOperationScope]},
		{"concludeOperation", "Record the end of an operation.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "end": req(gql.String), "summary": opt(gql.String)}, decodeInput[domain.ConcludeOperation]},
		{"declassifyOperation", "Lower an operation's classification.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "classification": req(t.classification)}, decodeInput[domain.DeclassifyOperation]},
		{"adoptPolicyChange", "Record a policy change.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "title": req(gql.String), "kind": req(t.policyKind), "jurisdictions": ids(), "adopted": req(gql.String),
			"effective": req(gql.String), "description": opt(gql.String), "expectedEffects": opt(gql.NewList(gql.NewNonNull(t.effectInput)))},
			decodeInput[domain.AdoptPolicyChange]},
		{"amendPolicyChange", "Amend an adopted policy change.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "title": opt(gql.String), "description": opt(gql.String), "effective": opt(gql.String),
			"jurisdictions": optIDs(), "expectedEffects": opt(gql.NewList(gql.NewNonNull(t.effectInput))), "reason": req(gql.String)},
			decodeInput[domain.AmendPolicyChange]},
		{"repealPolicyChange", "Repeal a policy change from a date.", gql.InputObjectConfigFieldMap{
			"id": req(gql.ID), "effective": req(gql.String), "reason": req(gql.String)}, decodeInput[domain.RepealPolicyChange]},
	}
}

func (s *Server) mutationType(t *types) *gql.Object {
	fields := gql.Fields{}
	for _, spec := range append(s.mutationSpecs(t), s.cycleMutationSpecs(t)...) {
		typeName := strings.ToUpper(spec.name[:1]) + spec.name[1:]
		spec.fields["commandId"] = &gql.InputObjectFieldConfig{Type: gql.String,
			Description: "Idempotency key: retrying a command with the same commandId records nothing new."}
		spec.fields["expectedVersion"] = &gql.InputObjectFieldConfig{Type: gql.String,
			Description: "Optimistic concurrency: apply only if the stream is at this version (-1: it must not exist)."}
		input := gql.NewInputObject(gql.InputObjectConfig{Name: typeName + "Input", Fields: spec.fields})
		payload := gql.NewObject(gql.ObjectConfig{Name: typeName + "Payload", Fields: gql.Fields{
			"position":  field(nonNull(gql.String), "Log position of the command's last event: pass it as asOf, or wait for it, to read this write."),
			"stream":    field(nonNull(gql.String), "The stream written to."),
			"version":   field(nonNull(gql.String), "The stream's version after the command."),
			"events":    field(nonNull(gql.Int), "How many events were recorded (0 when the commandId had been handled before)."),
			"duplicate": field(nonNull(gql.Boolean), "True when this commandId had been handled before; nothing new was recorded."),
		}})
		decode := spec.decode
		fields[spec.name] = &gql.Field{Type: nonNull(payload), Description: spec.desc,
			Args:    gql.FieldConfigArgument{"input": {Type: gql.NewNonNull(input)}},
			Resolve: s.guardCycleMutation(spec.name, s.mutationResolver(decode))}
	}
	return gql.NewObject(gql.ObjectConfig{Name: "Mutation", Fields: fields})
}

func (s *Server) mutationResolver(decode func(map[string]any) (domain.Command, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		in, _ := p.Args["input"].(map[string]any)
		env := domain.Envelope{Principal: PrincipalFromContext(p.Context), CorrelationID: correlationFromContext(p.Context)}
		env.CommandID, _ = in["commandId"].(string)
		if raw, ok := in["expectedVersion"].(string); ok {
			v, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || v < -1 {
				return nil, toAPIError(badInput("expectedVersion", "%q is not a stream version (-1 or more)", raw), "input")
			}
			env.ExpectedVersion = &v
		}
		body := make(map[string]any, len(in))
		for k, v := range in {
			if k != "commandId" && k != "expectedVersion" {
				body[k] = v
			}
		}
		cmd, err := decode(body)
		if err != nil {
			return nil, toAPIError(err, "input")
		}
		res, err := s.cfg.Commands.Handle(p.Context, env, cmd)
		if err != nil {
			if domain.ErrorCode(err) == domain.Internal {
				s.cfg.Logger.Error().Err(err).Str("command", cmd.CommandName()).Msg("command failed")
			}
			return nil, toAPIError(err, "input")
		}
		// Let the caller read its own write: wait (boundedly) until the read
		// models have applied it. The write is durable either way.
		wctx, cancel := context.WithTimeout(p.Context, s.cfg.Limits.WaitForPosition)
		_ = s.cfg.Positions.WaitFor(wctx, res.Position)
		cancel()
		return map[string]any{
			"position": strconv.FormatUint(res.Position, 10), "stream": res.Stream,
			"version": strconv.FormatInt(res.Version, 10), "events": res.Events, "duplicate": res.Duplicate,
		}, nil
	}
}
