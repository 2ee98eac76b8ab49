package evaluate_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// countdownCtx is a context whose Err answers nil the first n times it is
// asked and context.Canceled after: a request whose deadline passes while
// its evaluation runs, at a point the test sets by count rather than by
// time. Safe for concurrent use.
type countdownCtx struct {
	context.Context
	left, asked atomic.Int64
}

func countdown(n int64) *countdownCtx {
	c := &countdownCtx{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *countdownCtx) Err() error {
	c.asked.Add(1)
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// A request's deadline used to be checked once, before an evaluation
// started: a power analysis, a synthetic control's placebo fits and
// conformal inversion, a staggered estimate's bootstrap then ran to the
// end after the request was over (graphql-go answers at the deadline and
// leaves the resolver running). Now they check it as they go: cancelled
// after its first two checks, each stops with ctx's error instead of
// returning an estimate.
func TestEvaluationsStopWhenTheRequestEnds(t *testing.T) {
	e, _ := demoWorld(t)
	runs := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"power AUTO", func(ctx context.Context) error {
			_, err := e.Power(ctx, evaluate.PowerQuery{Indicator: demo.CocainePrice, Regions: []string{"NL33"}, Start: "2020-01-01", Horizon: 24, Method: impact.MethodAuto})
			return err
		}},
		{"power SYNTHETIC_CONTROL", func(ctx context.Context) error {
			_, err := e.Power(ctx, evaluate.PowerQuery{Indicator: demo.CocainePrice, Regions: []string{"NL33"}, Start: "2023-01-01", Horizon: 12, Method: impact.MethodSyntheticControl})
			return err
		}},
		{"impact SYNTHETIC_CONTROL", func(ctx context.Context) error {
			_, err := e.Impact(ctx, evaluate.ImpactQuery{Intervention: demo.DutchResourcing, Indicator: demo.EnforcementCost,
				Method: impact.MethodSyntheticControl, Regions: []string{"NL42"}})
			return err
		}},
		{"staggered", func(ctx context.Context) error {
			_, err := e.Staggered(ctx, evaluate.StaggeredQuery{Interventions: []string{demo.OutreachWave1, demo.OutreachWave2, demo.OutreachWave3},
				Indicator: demo.OutreachContacts})
			return err
		}},
	}
	for _, r := range runs {
		full := countdown(1 << 40)
		if err := r.run(full); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		// Checked all along: more than at the start only.
		if n := full.asked.Load(); n < 10 {
			t.Errorf("%s: the context was checked %d times in the whole evaluation", r.name, n)
		}
		cut := countdown(2)
		if err := r.run(cut); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled after two checks, got %v, want context.Canceled", r.name, err)
		}
	}
}
