package graphql

import (
	"context"

	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// Variant returns a copy of s that answers without the answer cache,
// through the series fast path when fast is true (calling onFast for each
// request it answers) and through graphql-go's executor only otherwise.
func Variant(s *Server, fast bool, onFast func()) *Server {
	c := &Server{cfg: s.cfg, schema: s.schema, eval: s.eval, cycleT: s.cycleT, shape: s.shape, gate: s.gate}
	c.noFastPath, c.onFast = !fast, onFast
	return c
}

// OnEvaluate makes s call fn at the start of each evaluation field it
// resolves, with the field's context (after the slot and deadline checks).
func OnEvaluate(s *Server, fn func(ctx context.Context)) { s.onEvaluate.Store(&fn) }

// EvaluationsRunning returns the requests with evaluations that hold a
// slot of s.
func EvaluationsRunning(s *Server) int {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	return s.gate.all
}

// EvaluationCost returns the cost s estimates for query, in evaluation
// units.
func EvaluationCost(s *Server, query string) (int, error) {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query)})})
	if err != nil {
		return 0, err
	}
	size := func(parent, field string) int { return s.listSize(LocalPrincipal(), parent, field) }
	_, cost := s.shape.estimateAnswer(doc, "", s.cfg.Limits.ListItemsEstimate, s.cfg.Limits.MaxAnswerValues, size, s.evalCost)
	return cost, nil
}
