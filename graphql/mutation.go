package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
)

// commandInputs turns the Go types of commands into GraphQL input types:
// the schema's mutations are derived from the domain's command registry.
type commandInputs struct {
	named map[reflect.Type]gql.Input
}

func (s *Server) commandInputs(t *types) *commandInputs {
	c, im := s.cycleTypes(t), s.impactInputs(t)
	return &commandInputs{named: map[reflect.Type]gql.Input{
		reflect.TypeFor[domain.AnalysisMethod]():  im.method,
		reflect.TypeFor[domain.PlanITSModel]():    im.model,
		reflect.TypeFor[domain.PlanITSErrors]():   im.itsErrors,
		reflect.TypeFor[domain.PlanPredictor]():   im.predictor,
		reflect.TypeFor[domain.PlanITS]():         im.its,
		reflect.TypeFor[domain.PlanWindow]():      im.periodRange,
		reflect.TypeFor[domain.RegionLevel]():     t.regionLevel,
		reflect.TypeFor[domain.LinkKind]():        t.linkKind,
		reflect.TypeFor[domain.Family]():          t.family,
		reflect.TypeFor[domain.Direction]():       t.direction,
		reflect.TypeFor[domain.Granularity]():     t.granularity,
		reflect.TypeFor[domain.Scale]():           t.scale,
		reflect.TypeFor[domain.OperationKind]():   t.operationKind,
		reflect.TypeFor[domain.TargetTier]():      t.targetTier,
		reflect.TypeFor[domain.Classification]():  t.classification,
		reflect.TypeFor[domain.PolicyKind]():      t.policyKind,
		reflect.TypeFor[domain.EffectRating]():    c.effectRating,
		reflect.TypeFor[domain.Dimension]():       t.dimensionInput,
		reflect.TypeFor[domain.ObservationRow]():  t.rowInput,
		reflect.TypeFor[domain.Seizure]():         t.seizureInput,
		reflect.TypeFor[domain.ExpectedEffect]():  t.effectInput,
		reflect.TypeFor[domain.FindingEvidence](): c.evidenceInput,
	}}
}

// fields returns the input fields of command spec: one per exported field
// of its Go type, named by its JSON name, required unless omitempty (or a
// pointer), an ID when the registry says so.
func (ci *commandInputs) fields(spec domain.CommandSpec) (gql.InputObjectConfigFieldMap, error) {
	out := gql.InputObjectConfigFieldMap{}
	for f := range spec.Type.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ft, optional := f.Type, strings.Contains(","+opts+",", ",omitempty,")
		if ft.Kind() == reflect.Pointer {
			ft, optional = ft.Elem(), true
		}
		var tp gql.Input
		switch {
		case strings.Contains(","+opts+",", ",string,"):
			tp = gql.String // numbers that travel as decimal strings, like positions
		default:
			var err error
			if tp, err = ci.input(ft, slices.Contains(spec.IDs, name)); err != nil {
				return nil, fmt.Errorf("mutation %s, input field %s: %w", spec.Name, name, err)
			}
		}
		if !optional {
			tp = gql.NewNonNull(tp)
		}
		out[name] = &gql.InputObjectFieldConfig{Type: tp}
	}
	return out, nil
}

// input is the GraphQL input type of Go type t.
func (ci *commandInputs) input(t reflect.Type, id bool) (gql.Input, error) {
	if named, ok := ci.named[t]; ok {
		return named, nil
	}
	switch t.Kind() {
	case reflect.String:
		if id {
			return gql.ID, nil
		}
		return gql.String, nil
	case reflect.Float32, reflect.Float64:
		return gql.Float, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return gql.Int, nil
	case reflect.Bool:
		return gql.Boolean, nil
	case reflect.Slice:
		el, err := ci.input(t.Elem(), id)
		if err != nil {
			return nil, err
		}
		return gql.NewList(gql.NewNonNull(el)), nil
	}
	return nil, fmt.Errorf("no GraphQL input type for the Go type %s: add it to graphql's commandInputs", t)
}

// mutationType is the Mutation type: one mutation per command of the
// domain's registry, with its input derived from the command's Go type
// (plus the commandId and expectedVersion every input has).
func (s *Server) mutationType(t *types) (*gql.Object, error) {
	fields := gql.Fields{}
	inputs := s.commandInputs(t)
	for _, spec := range domain.Commands() {
		in, err := inputs.fields(spec)
		if err != nil {
			return nil, fmt.Errorf("mutation %s: %w", spec.Name, err)
		}
		typeName := strings.ToUpper(spec.Name[:1]) + spec.Name[1:]
		in["commandId"] = &gql.InputObjectFieldConfig{Type: gql.String,
			Description: "Idempotency key: retrying a command with the same commandId records nothing new."}
		in["expectedVersion"] = &gql.InputObjectFieldConfig{Type: gql.String,
			Description: "Optimistic concurrency: apply only if the stream is at this version (-1: it must not exist)."}
		input := gql.NewInputObject(gql.InputObjectConfig{Name: typeName + "Input", Fields: in})
		payload := gql.NewObject(gql.ObjectConfig{Name: typeName + "Payload", Fields: gql.Fields{
			"position":  field(nonNull(gql.String), "Log position of the command's last event: pass it as asOf, or wait for it, to read this write."),
			"stream":    field(nonNull(gql.String), "The stream written to."),
			"version":   field(nonNull(gql.String), "The stream's version after the command."),
			"events":    field(nonNull(gql.Int), "How many events were recorded (0 when the commandId had been handled before)."),
			"duplicate": field(nonNull(gql.Boolean), "True when this commandId had been handled before; nothing new was recorded."),
		}})
		fields[spec.Name] = &gql.Field{Type: nonNull(payload), Description: spec.Description,
			Args:    gql.FieldConfigArgument{"input": {Type: gql.NewNonNull(input)}},
			Resolve: s.mutationResolver(spec)}
	}
	return gql.NewObject(gql.ObjectConfig{Name: "Mutation", Fields: fields}), nil
}

// mutationResolver decodes the input into the command (GraphQL has
// already checked types and required fields; the command's Validate checks
// the rest) and has it handled with the principal of the request, whose
// roles and clearance the domain checks.
func (s *Server) mutationResolver(spec domain.CommandSpec) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		in, _ := p.Args["input"].(map[string]any)
		env := domain.Envelope{Principal: AccessFromContext(p.Context).Domain(), CorrelationID: correlationFromContext(p.Context)}
		env.CommandID, _ = in["commandId"].(string)
		if raw, ok := in["expectedVersion"].(string); ok {
			v, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || v < -1 {
				return nil, toAPIError(domain.Invalidm("expectedVersion", "gql.err.mutation.version", raw), "input")
			}
			env.ExpectedVersion = &v
		}
		body := make(map[string]any, len(in))
		for k, v := range in {
			if k != "commandId" && k != "expectedVersion" {
				body[k] = v
			}
		}
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, toAPIError(badInput("input", err), "")
		}
		cmd, err := spec.Decode(raw)
		if err != nil {
			return nil, toAPIError(err, "input")
		}
		res, err := s.cfg.Commands.Handle(p.Context, env, cmd)
		if err != nil {
			if domain.ErrorCode(err) == domain.Internal {
				s.logger(p.Context).Error().Err(err).Str("command", cmd.CommandName()).Msg("command failed")
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
