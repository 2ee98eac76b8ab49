package evaluate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/projections"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// An evaluator that shares what the estimates at one position read alike
// (a cycle report's) answers every impact and displacement question on
// the demo world exactly as the plain evaluator does, with its questions
// asked concurrently (the race detector checks the sharing), and answers
// questions at another position without its shared state.
func TestAtPositionAnswersAsThePlainEvaluator(t *testing.T) {
	e, _ := demoWorld(t)
	pos := e.Interventions.Checkpoint()
	shared := e.AtPosition(pos)
	type question struct {
		name string
		ask  func(*evaluate.Evaluator) (any, error)
	}
	var qs []question
	ivs, inds := e.Interventions.List(projections.Filter{AsOf: pos}), e.Catalog.IndicatorsAt("", pos)
	if raceDetector {
		// Ten times slower: fewer questions, still asked concurrently.
		ivs, inds = ivs[:3], inds[:4]
	}
	for i, iv := range ivs {
		methods := []impact.Method{impact.MethodAuto}
		if i < 2 {
			methods = append(methods, impact.MethodDiD, impact.MethodSyntheticControl)
		}
		for _, ind := range inds {
			for _, m := range methods {
				q := evaluate.ImpactQuery{Intervention: iv.ID, Indicator: ind.Code, Method: m, AsOf: pos}
				qs = append(qs, question{fmt.Sprintf("impact %s %s %s", iv.ID, ind.Code, m), func(e *evaluate.Evaluator) (any, error) {
					return e.Impact(context.Background(), q)
				}})
			}
			r := evaluate.DisplacementRequest{Intervention: iv.ID, Indicator: ind.Code, AsOf: pos}
			qs = append(qs, question{fmt.Sprintf("displacement %s %s", iv.ID, ind.Code), func(e *evaluate.Evaluator) (any, error) {
				return e.Displacement(r)
			}})
		}
	}
	want := make([]string, len(qs))
	answered := 0
	for i, q := range qs {
		v, err := q.ask(e)
		want[i] = outcome(v, err)
		if strings.HasPrefix(want[i], "not encodable") {
			t.Fatalf("%s: %s", q.name, want[i])
		}
		if err == nil {
			answered++
		}
	}
	if answered < 10 {
		t.Fatalf("only %d of %d questions answered: the comparison would show little", answered, len(qs))
	}
	got := make([]string, len(qs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, q := range qs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			got[i] = outcome(q.ask(shared))
		}()
	}
	wg.Wait()
	for i := range qs {
		if got[i] != want[i] {
			t.Errorf("%s: shared evaluator answered\n%.600s\nplain evaluator\n%.600s", qs[i].name, got[i], want[i])
		}
	}
	t.Logf("%d questions, %d answered, %d refused alike", len(qs), answered, len(qs)-answered)

	// Questions at another position go to the read models, not to what
	// was kept for pos.
	for _, iv := range e.Interventions.List(projections.Filter{AsOf: pos})[:3] {
		for _, ind := range e.Catalog.IndicatorsAt("", pos)[:3] {
			q := evaluate.ImpactQuery{Intervention: iv.ID, Indicator: ind.Code, Method: impact.MethodAuto, AsOf: pos - 40}
			a, errA := e.Impact(context.Background(), q)
			b, errB := shared.Impact(context.Background(), q)
			if outcome(a, errA) != outcome(b, errB) {
				t.Errorf("impact %s %s at %d differs through the shared evaluator", iv.ID, ind.Code, pos-40)
			}
		}
	}
}

func outcome(v any, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if reflect.ValueOf(v).IsNil() {
		return "nil"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "not encodable: " + err.Error()
	}
	return string(b)
}
