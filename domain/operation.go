package domain

import (
	"context"
	"time"
)

// operation is the aggregate of stream operation-{id}.
type operation struct {
	commandLog
	launched       OperationLaunched
	exists         bool
	regions        map[string]bool
	start          time.Time
	concluded      bool
	end            string
	classification Classification
	// reported holds the periods whose outputs were reported.
	reported map[string]bool
}

func newOperation() *operation {
	return &operation{regions: map[string]bool{}, reported: map[string]bool{}}
}

func (o *operation) apply(rec Recorded) error {
	switch e := rec.Event.(type) {
	case OperationLaunched:
		o.launched, o.exists, o.classification = e, true, e.Classification
		o.start, _ = ParseDate(e.Start)
		for _, r := range e.Regions {
			o.regions[r] = true
		}
	case OperationScopeChanged:
		for _, r := range e.Added {
			o.regions[r] = true
		}
		for _, r := range e.Removed {
			delete(o.regions, r)
		}
	case OperationOutputsReported:
		o.reported[e.Period] = true
	case OperationConcluded:
		o.concluded, o.end = true, e.End
	case OperationDeclassified:
		o.classification = e.Classification
	}
	return nil
}

// classifiedAs returns the operation's classification ("" before its launch).
func (o *operation) classifiedAs() Classification {
	if !o.exists {
		return ""
	}
	return o.classification
}

// operationMustExist is the NotFound error for commands on an unknown operation.
func operationMustExist(o *operation, id string) error {
	if !o.exists {
		return Errorm(NotFound, "id", "domain.err.operation.notlaunched", id)
	}
	return nil
}

// interventionIDFree checks that no intervention of the other kind has id:
// operations and policy changes share the namespace of intervention(id).
// An operation p may not see holds its id as firmly as any, but the
// refusal says nothing about it (idNotAvailable).
func (s *Service) interventionIDFree(ctx context.Context, p Principal, otherStream, id string) error {
	taken, hidden := false, false
	var err error
	if otherStream == PolicyStream(id) {
		err = view(ctx, s, otherStream, newPolicy, func(p *policy, _ int64) { taken = p.exists })
	} else {
		err = view(ctx, s, otherStream, newOperation, func(o *operation, _ int64) {
			taken, hidden = o.exists, !p.Sees(o.classifiedAs())
		})
	}
	if err != nil {
		return err
	}
	if hidden {
		return idNotAvailable(id)
	}
	if taken {
		return Errorm(Conflict, "id", "domain.err.intervention.kind", id)
	}
	return nil
}
