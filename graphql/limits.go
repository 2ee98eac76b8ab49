package graphql

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
)

// checkComplexity measures the operation to run (depth of nested
// selections and number of field selections, fragments expanded) against
// the limits. It returns "" when within them, or what is over.
func checkComplexity(doc *ast.Document, opName string, l Limits) string {
	frags := map[string]*ast.FragmentDefinition{}
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			frags[d.Name.Value] = d
		case *ast.OperationDefinition:
			if opName == "" || (d.Name != nil && d.Name.Value == opName) {
				ops = append(ops, d)
			}
		}
	}
	m := &measure{frags: frags, maxSelections: l.MaxSelections}
	for _, op := range ops {
		m.walk(op.SelectionSet, 1, map[string]bool{})
		if m.selections > l.MaxSelections {
			return fmt.Sprintf("query selects more than %d fields; split it", l.MaxSelections)
		}
		if m.depth > l.MaxDepth {
			return fmt.Sprintf("query is nested %d levels deep, over the limit of %d", m.depth, l.MaxDepth)
		}
	}
	return ""
}

type measure struct {
	frags         map[string]*ast.FragmentDefinition
	maxSelections int
	selections    int
	depth         int
}

// walk visits a selection set at depth d. active holds the fragments on
// the current path (cycles are a validation error reported later; here
// they only stop the walk).
func (m *measure) walk(set *ast.SelectionSet, d int, active map[string]bool) {
	if set == nil || m.selections > m.maxSelections {
		return
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			m.selections++
			if strings.HasPrefix(s.Name.Value, "__") {
				continue // introspection: bounded by the schema itself
			}
			if d > m.depth {
				m.depth = d
			}
			m.walk(s.SelectionSet, d+1, active)
		case *ast.InlineFragment:
			m.walk(s.SelectionSet, d, active)
		case *ast.FragmentSpread:
			name := s.Name.Value
			if f, ok := m.frags[name]; ok && !active[name] {
				active[name] = true
				m.walk(f.SelectionSet, d, active)
				delete(active, name)
			}
		}
	}
}
