package graphql

import (
	"fmt"
	"strings"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/supplyeval/supplyeval/projections"
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
			// Introspection is counted like any other selection: aliases of
			// __schema { types { fields ... } } multiply its answer as
			// aliases of data fields do.
			m.selections++
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

// answerShape holds what the estimate of an answer's size needs to know
// about the schema: how many items each introspection list has on
// average (the schema is fixed, so these are exact in total), built once.
type answerShape struct {
	schema *gql.Schema
	// introspection is the average number of items of the introspection
	// list fields, by "Type.field" (at least 1).
	introspection map[string]int
}

// newAnswerShape measures the introspection lists of schema.
func newAnswerShape(schema *gql.Schema) *answerShape {
	var types, fields, args, enumValues, inputFields, interfaces, possible int
	for _, t := range schema.TypeMap() {
		types++
		var defs gql.FieldDefinitionMap
		switch t := t.(type) {
		case *gql.Object:
			defs = t.Fields()
			interfaces += len(t.Interfaces())
		case *gql.Interface:
			defs = t.Fields()
			possible += len(schema.PossibleTypes(t))
		case *gql.Union:
			possible += len(schema.PossibleTypes(t))
		case *gql.Enum:
			enumValues += len(t.Values())
		case *gql.InputObject:
			inputFields += len(t.Fields())
		}
		fields += len(defs)
		for _, f := range defs {
			args += len(f.Args)
		}
	}
	directives, directiveArgs := len(schema.Directives()), 0
	for _, d := range schema.Directives() {
		directiveArgs += len(d.Args)
	}
	avg := func(items, over int) int {
		if over == 0 || items <= over {
			return 1
		}
		return (items + over - 1) / over
	}
	return &answerShape{schema: schema, introspection: map[string]int{
		"__Schema.types":        avg(types, 1),
		"__Schema.directives":   avg(directives, 1),
		"__Type.fields":         avg(fields, types),
		"__Type.interfaces":     avg(interfaces, types),
		"__Type.possibleTypes":  avg(possible, types),
		"__Type.enumValues":     avg(enumValues, types),
		"__Type.inputFields":    avg(inputFields, types),
		"__Field.args":          avg(args, fields),
		"__Directive.args":      avg(directiveArgs, directives),
		"__Directive.locations": 8,
	}}
}

// estimateAnswer estimates the number of values (objects, lists and
// scalars) the answer to the operation would hold, fragments expanded,
// before anything is resolved: a field inside a list counts once per item
// of the list. An introspection list counts as many items as it has on
// average in this schema (so the whole schema is counted exactly once per
// selection of it); a list of data counts as many items as size says
// (the number of regions, indicators or interventions recorded, for the
// top-level lists), or listItems when size answers 0 (points, neighbours).
// The walk stops once the estimate passes limit. The document must have
// passed checkComplexity (no fragment cycles).
//
// It also returns the request's cost in evaluation units: the sum, over
// the fields cost gives a weight, of the weight times the number of times
// the field would be resolved (as for values, once per item of the lists
// it is inside; see Limits.EvaluationBudget). A nil cost counts nothing.
func (a *answerShape) estimateAnswer(doc *ast.Document, opName string, listItems, limit int, size func(parent, field string) int, cost func(parent, field string) int) (values, units int) {
	frags := map[string]*ast.FragmentDefinition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok {
			frags[f.Name.Value] = f
		}
	}
	e := &estimate{shape: a, frags: frags, listItems: listItems, limit: limit, size: size, sizes: map[string]int{}, cost: cost}
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok || (opName != "" && (op.Name == nil || op.Name.Value != opName)) {
			continue
		}
		var root gql.Type = a.schema.QueryType()
		if op.Operation == ast.OperationTypeMutation {
			root = a.schema.MutationType()
		}
		e.walk(op.SelectionSet, root, 1)
	}
	return e.total, e.units
}

type estimate struct {
	shape     *answerShape
	frags     map[string]*ast.FragmentDefinition
	listItems int
	size      func(parent, field string) int
	sizes     map[string]int // size's answers, by parent.field
	limit     int
	total     int
	cost      func(parent, field string) int
	units     int // the cost so far, at most maxUnits+1
}

// maxUnits caps the cost counted: any budget is far below it.
const maxUnits = 1 << 40

// walk counts the values of set, selected on parent, times many.
func (e *estimate) walk(set *ast.SelectionSet, parent gql.Type, many int) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		if e.total > e.limit {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			def := e.field(parent, s.Name.Value)
			if def == nil {
				e.total += many // unknown: validation refuses it later
				continue
			}
			if e.cost != nil && parent != nil {
				if w := e.cost(parent.Name(), s.Name.Value); w > 0 {
					e.units = min(maxUnits+1, e.units+mulCapped(many, w, maxUnits))
				}
			}
			items := many
			var t gql.Type = def.Type
		unwrap:
			for {
				switch w := t.(type) {
				case *gql.NonNull:
					t = w.OfType
				case *gql.List:
					e.total += items // the list itself
					items = mulCapped(items, e.listFactor(parent, s.Name.Value), e.limit)
					t = w.OfType
				default:
					break unwrap
				}
			}
			e.total += items
			e.walk(s.SelectionSet, t, items)
		case *ast.InlineFragment:
			t := parent
			if s.TypeCondition != nil {
				if c := e.shape.schema.Type(s.TypeCondition.Name.Value); c != nil {
					t = c
				}
			}
			e.walk(s.SelectionSet, t, many)
		case *ast.FragmentSpread:
			f, ok := e.frags[s.Name.Value]
			if !ok {
				continue
			}
			t := parent
			if f.TypeCondition != nil {
				if c := e.shape.schema.Type(f.TypeCondition.Name.Value); c != nil {
					t = c
				}
			}
			e.walk(f.SelectionSet, t, many)
		}
	}
}

// field returns the definition of the field name of parent, introspection
// fields included, or nil.
func (e *estimate) field(parent gql.Type, name string) *gql.FieldDefinition {
	switch name {
	case "__typename":
		return gql.TypeNameMetaFieldDef
	case "__schema":
		return gql.SchemaMetaFieldDef
	case "__type":
		return gql.TypeMetaFieldDef
	}
	var defs gql.FieldDefinitionMap
	switch p := parent.(type) {
	case *gql.Object:
		defs = p.Fields()
	case *gql.Interface:
		defs = p.Fields()
	}
	return defs[name]
}

// listFactor is the number of items a list field counts for.
func (e *estimate) listFactor(parent gql.Type, field string) int {
	if parent != nil && strings.HasPrefix(parent.Name(), "__") {
		if n, ok := e.shape.introspection[parent.Name()+"."+field]; ok {
			return n
		}
		return 1
	}
	if e.size == nil || parent == nil {
		return e.listItems
	}
	k := parent.Name() + "." + field
	n, ok := e.sizes[k]
	if !ok {
		n = e.size(parent.Name(), field)
		e.sizes[k] = n
	}
	if n <= 0 {
		return e.listItems
	}
	return n
}

// mulCapped returns a*b, or more than limit when that overflows limit.
func mulCapped(a, b, limit int) int {
	if b != 0 && a > (limit+1)/b+1 {
		return limit + 1
	}
	return a * b
}

// listSize is the number of items of the top-level lists of data, for the
// estimate of an answer's size (0: not known, see Limits.ListItemsEstimate):
// of interventions, those principal p may see, so that whether a query is
// refused never depends on operations above p's clearance.
func (s *Server) listSize(p Principal, parent, field string) int {
	if parent != "Query" {
		return 0
	}
	switch field {
	case "regions":
		return len(s.cfg.Catalog.Regions("", ""))
	case "indicators":
		return len(s.cfg.Catalog.Indicators(""))
	case "interventions":
		n := 0
		for _, iv := range s.cfg.Interventions.List(projections.Filter{}) {
			if s.visible(p, iv) {
				n++
			}
		}
		return n
	}
	return 0
}
