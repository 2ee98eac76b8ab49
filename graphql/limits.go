package graphql

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
)

// checkComplexity measures the operation to run (depth of nested
// selections and number of field selections, fragments expanded) against
// the limits. It returns what is over the limits (tooComplex) or malformed
// (bad), both "" when the document may be validated and run.
func checkComplexity(doc *ast.Document, opName string, l Limits) (tooComplex, bad string) {
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
	// graphql-go's validator recurses through fragment spreads without a
	// guard (a fragment that spreads itself overflows the stack), and walks
	// every fragment, used or not: refuse cycles and measure every fragment
	// before the document reaches it.
	if cycle := fragmentCycle(frags); cycle != "" {
		return "", cycle
	}
	m := &measure{frags: frags, maxSelections: l.MaxSelections}
	for _, f := range frags {
		m.walk(f.SelectionSet, 1, map[string]bool{f.Name.Value: true})
		if m.selections > l.MaxSelections {
			return fmt.Sprintf("fragment %s expands to more than %d field selections", f.Name.Value, l.MaxSelections), ""
		}
	}
	m.selections, m.depth = 0, 0
	for _, op := range ops {
		m.walk(op.SelectionSet, 1, map[string]bool{})
		if m.selections > l.MaxSelections {
			return fmt.Sprintf("query selects more than %d fields; split it", l.MaxSelections), ""
		}
		if m.depth > l.MaxDepth {
			return fmt.Sprintf("query is nested %d levels deep, over the limit of %d", m.depth, l.MaxDepth), ""
		}
	}
	return "", ""
}

// fragmentCycle returns a description of a cycle of fragment spreads, or "".
func fragmentCycle(frags map[string]*ast.FragmentDefinition) string {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[string]int{}
	var visit func(name string, path []string) string
	var spreads func(set *ast.SelectionSet, path []string) string
	spreads = func(set *ast.SelectionSet, path []string) string {
		if set == nil {
			return ""
		}
		for _, sel := range set.Selections {
			var found string
			switch s := sel.(type) {
			case *ast.Field:
				found = spreads(s.SelectionSet, path)
			case *ast.InlineFragment:
				found = spreads(s.SelectionSet, path)
			case *ast.FragmentSpread:
				found = visit(s.Name.Value, path)
			}
			if found != "" {
				return found
			}
		}
		return ""
	}
	visit = func(name string, path []string) string {
		switch state[name] {
		case onPath:
			return "fragments spread each other in a cycle: " + strings.Join(append(path, name), " -> ")
		case done:
			return ""
		}
		f, ok := frags[name]
		if !ok {
			return "" // unknown fragments are reported by validation
		}
		state[name] = onPath
		if c := spreads(f.SelectionSet, append(path, name)); c != "" {
			return c
		}
		state[name] = done
		return ""
	}
	for name := range frags {
		if c := visit(name, nil); c != "" {
			return c
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
