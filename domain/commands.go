package domain

import (
	"bytes"
	"context"
	"encoding/json"
)

// commandSpec knows how to decode and handle one command.
type commandSpec struct {
	decode func([]byte) (Command, error)
	handle func(*Service, context.Context, Envelope, Command) (Result, error)
}

func spec[C Command](h func(*Service, context.Context, Envelope, C) (Result, error)) commandSpec {
	return commandSpec{
		decode: func(b []byte) (Command, error) {
			var c C
			d := json.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			if err := d.Decode(&c); err != nil {
				return nil, Invalid("", "%s", err)
			}
			return c, nil
		},
		handle: func(s *Service, ctx context.Context, env Envelope, c Command) (Result, error) {
			typed, ok := c.(C)
			if !ok {
				return Result{}, Invalid("", "command %s has the wrong Go type %T", c.CommandName(), c)
			}
			return h(s, ctx, env, typed)
		},
	}
}

// commandSpecs is the one place that lists every command, by name. Each
// command's type, validation and decision live in its own file.
var commandSpecs = map[string]commandSpec{
	"defineRegion":           spec((*Service).defineRegion),
	"linkRegions":            spec((*Service).linkRegions),
	"defineIndicator":        spec((*Service).defineIndicator),
	"recordObservations":     spec((*Service).recordObservations),
	"reviseObservation":      spec((*Service).reviseObservation),
	"retractObservation":     spec((*Service).retractObservation),
	"launchOperation":        spec((*Service).launchOperation),
	"reportOperationOutputs": spec((*Service).reportOperationOutputs),
	"changeOperationScope":   spec((*Service).changeOperationScope),
	"concludeOperation":      spec((*Service).concludeOperation),
	"declassifyOperation":    spec((*Service).declassifyOperation),
	"adoptPolicyChange":      spec((*Service).adoptPolicyChange),
	"amendPolicyChange":      spec((*Service).amendPolicyChange),
	"repealPolicyChange":     spec((*Service).repealPolicyChange),
	"openCycle":              spec((*Service).openCycle),
	"pinCycleEvidence":       spec((*Service).pinCycleEvidence),
	"recordFinding":          spec((*Service).recordFinding),
	"closeCycle":             spec((*Service).closeCycle),
}

// DecodeCommand decodes the JSON of the command called name (its
// CommandName), for commands that travel over a bus. Unknown fields are
// refused.
func DecodeCommand(name string, data []byte) (Command, error) {
	s, ok := commandSpecs[name]
	if !ok {
		return nil, Invalid("", "unknown command %q", name)
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
