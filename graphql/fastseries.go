package graphql

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// The series fast path. graphql-go resolves every field of every point
// through its executor (a map, a resolver call and a completion per
// value): for a 360-point series that is most of a request's time. The
// common question, one or more `series` fields selecting plain fields of
// the series and its points, is answered here instead: the same resolver
// (with its role checks, argument checks, suppression and read-set notes)
// gives the series, and its JSON is written in one pass, byte for byte
// what graphql-go's answer encodes to (keys in sorted order, as
// encoding/json writes maps). Anything else, and any error, goes the
// general way, so the fast path never answers differently; the tests
// compare both on every shape it takes.

// seriesArgTypes are the argument types of Query.series, by name, as a
// variable declaration must name them.
var seriesArgTypes = map[string]string{"indicator": "ID!", "region": "ID!", "from": "String", "to": "String", "asOf": "String"}

// Fields of Series, Point and Dimension the fast path writes.
var (
	fastSeriesFields = map[string]bool{"indicator": true, "region": true, "granularity": true, "unit": true, "normalised": true, "asOf": true, "points": true, "dimensions": true}
	fastPointFields  = map[string]bool{"period": true, "value": true, "suppressed": true, "position": true}
	fastDimFields    = map[string]bool{"key": true, "value": true}
)

// outField is a selected field: the key it is answered under, its name
// and, for points and dimensions, what is selected inside, in key order.
type outField struct {
	key, name string
	sub       []outField
	// prefix is the key as JSON with its colon, written before each value.
	prefix []byte
}

// fastSeries answers the operation of doc when the fast path can; ok is
// false when the general path must answer it.
func (s *Server) fastSeries(ctx context.Context, doc *ast.Document, req Request) (Response, bool) {
	if len(doc.Definitions) != 1 {
		return Response{}, false
	}
	op, ok := doc.Definitions[0].(*ast.OperationDefinition)
	if !ok || op.Operation != ast.OperationTypeQuery || len(op.Directives) > 0 || op.SelectionSet == nil {
		return Response{}, false
	}
	if req.OperationName != "" && (op.Name == nil || op.Name.Value != req.OperationName) {
		return Response{}, false
	}
	vars, ok := fastVariables(op, req.Variables)
	if !ok {
		return Response{}, false
	}
	used := map[string]bool{}
	type rootField struct {
		key  string
		args map[string]any
		sel  []outField
	}
	var roots []rootField
	for _, sel := range op.SelectionSet.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name.Value != "series" || len(f.Directives) > 0 {
			return Response{}, false
		}
		args, ok := fastSeriesArgs(f.Arguments, vars, used)
		if !ok {
			return Response{}, false
		}
		sub, ok := fastSelection(f.SelectionSet, fastSeriesFields, 0)
		if !ok {
			return Response{}, false
		}
		roots = append(roots, rootField{key: responseKey(f), args: args, sel: sub})
	}
	if len(roots) == 0 || len(used) != len(vars) {
		return Response{}, false // an unused variable is an error the validator names
	}
	slices.SortFunc(roots, func(a, b rootField) int { return cmp.Compare(a.key, b.key) })
	for i := 1; i < len(roots); i++ {
		if roots[i].key == roots[i-1].key {
			return Response{}, false // fields merged under one key: the validator decides
		}
	}
	resolve := s.schema.QueryType().Fields()["series"].Resolve
	buf := make([]byte, 0, 512)
	buf = append(buf, '{')
	for i, r := range roots {
		if raw, _ := r.args["asOf"].(string); raw != "" {
			// A position not reached yet is waited for (and may be
			// UNAVAILABLE): the general path does that, once.
			if pos, err := strconv.ParseUint(raw, 10, 64); err != nil || pos > s.cfg.Positions.Position() {
				return Response{}, false
			}
		}
		v, err := resolve(gql.ResolveParams{Context: ctx, Args: r.args, Info: gql.ResolveInfo{FieldName: "series"}})
		if err != nil {
			return Response{}, false // the general path words and places the error
		}
		x, ok := v.(seriesResult)
		if !ok {
			return Response{}, false
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = slices.Grow(buf, 64+len(x.Points)*48)
		buf = appendJSONString(buf, r.key)
		buf = append(buf, ':')
		if buf, ok = appendSeries(ctx, buf, x, r.sel); !ok {
			return Response{}, false
		}
	}
	buf = append(buf, '}')
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		info.operation = "series"
	}
	return Response{Data: json.RawMessage(buf)}, true
}

// fastVariables returns the variables op declares with their values, when
// each is declared with a type an argument of series takes, without a
// default, and given a string (or, if nullable, nothing or null).
func fastVariables(op *ast.OperationDefinition, given map[string]any) (map[string]fastVar, bool) {
	vars := make(map[string]fastVar, len(op.VariableDefinitions))
	for _, vd := range op.VariableDefinitions {
		if vd.DefaultValue != nil || vd.Variable == nil {
			return nil, false
		}
		name := vd.Variable.Name.Value
		if _, dup := vars[name]; dup {
			return nil, false
		}
		t, nonNull := typeName(vd.Type)
		if t == "" {
			return nil, false
		}
		v := given[name]
		switch x := v.(type) {
		case string:
			vars[name] = fastVar{typ: t, value: x, set: true}
		case nil:
			if nonNull {
				return nil, false // graphql-go refuses it, naming the variable
			}
			vars[name] = fastVar{typ: t, set: false}
		default:
			return nil, false
		}
	}
	return vars, true
}

type fastVar struct {
	typ   string // as declared: "ID!", "String"...
	value string
	set   bool
}

// typeName returns a named or non-null named type as written ("ID!").
func typeName(t ast.Type) (string, bool) {
	switch x := t.(type) {
	case *ast.Named:
		return x.Name.Value, false
	case *ast.NonNull:
		if n, ok := x.Type.(*ast.Named); ok {
			return n.Name.Value + "!", true
		}
	}
	return "", false
}

// fastSeriesArgs reads the arguments of a series field into what its
// resolver takes, as graphql-go would give them.
func fastSeriesArgs(list []*ast.Argument, vars map[string]fastVar, used map[string]bool) (map[string]any, bool) {
	args := make(map[string]any, len(list))
	for _, a := range list {
		name := a.Name.Value
		if _, dup := args[name]; dup {
			return nil, false
		}
		if name == "dimensions" {
			dims, ok := fastDimensions(a.Value)
			if !ok {
				return nil, false
			}
			args[name] = dims
			continue
		}
		want, known := seriesArgTypes[name]
		if !known {
			return nil, false
		}
		switch v := a.Value.(type) {
		case *ast.StringValue:
			args[name] = v.Value
		case *ast.Variable:
			fv, ok := vars[v.Name.Value]
			// A variable must be declared with the argument's type, or its
			// non-null form for a nullable argument.
			if !ok || (fv.typ != want && fv.typ != want+"!") {
				return nil, false
			}
			used[v.Name.Value] = true
			if fv.set {
				args[name] = fv.value
			}
		default:
			return nil, false
		}
	}
	if _, ok := args["indicator"]; !ok {
		return nil, false
	}
	if _, ok := args["region"]; !ok {
		return nil, false
	}
	return args, true
}

// fastDimensions reads a literal list of {key, value} objects.
func fastDimensions(v ast.Value) ([]any, bool) {
	list, ok := v.(*ast.ListValue)
	if !ok {
		return nil, false
	}
	out := make([]any, 0, len(list.Values))
	for _, item := range list.Values {
		obj, ok := item.(*ast.ObjectValue)
		if !ok || len(obj.Fields) != 2 {
			return nil, false
		}
		m := map[string]any{}
		for _, f := range obj.Fields {
			sv, ok := f.Value.(*ast.StringValue)
			if !ok || !fastDimFields[f.Name.Value] {
				return nil, false
			}
			m[f.Name.Value] = sv.Value
		}
		if len(m) != 2 {
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

// fastSelection reads a selection set of plain fields among allowed (and,
// at depth 0, points and dimensions with their own), sorted by response
// key; false for anything else (fragments, directives, arguments,
// __typename, one key twice).
func fastSelection(set *ast.SelectionSet, allowed map[string]bool, depth int) ([]outField, bool) {
	if set == nil || len(set.Selections) == 0 {
		return nil, false
	}
	out := make([]outField, 0, len(set.Selections))
	for _, sel := range set.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 || !allowed[f.Name.Value] {
			return nil, false
		}
		of := outField{key: responseKey(f), name: f.Name.Value}
		of.prefix = append(appendJSONString(nil, of.key), ':')
		object := depth == 0 && (of.name == "points" || of.name == "dimensions")
		switch {
		case object:
			inner := fastPointFields
			if of.name == "dimensions" {
				inner = fastDimFields
			}
			if of.sub, ok = fastSelection(f.SelectionSet, inner, 1); !ok {
				return nil, false
			}
		case f.SelectionSet != nil:
			return nil, false
		}
		out = append(out, of)
	}
	slices.SortFunc(out, func(a, b outField) int { return cmp.Compare(a.key, b.key) })
	for i := 1; i < len(out); i++ {
		if out[i].key == out[i-1].key {
			return nil, false
		}
	}
	return out, true
}

func responseKey(f *ast.Field) string {
	if f.Alias != nil && f.Alias.Value != "" {
		return f.Alias.Value
	}
	return f.Name.Value
}

// appendSeries writes x with the fields sel selects; false if a value
// cannot be written as JSON (a non-finite number: the general path names it).
func appendSeries(ctx context.Context, b []byte, x seriesResult, sel []outField) ([]byte, bool) {
	b = append(b, '{')
	for i, f := range sel {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f.prefix...)
		switch f.name {
		case "indicator":
			b = appendJSONString(b, x.Indicator)
		case "region":
			b = appendJSONString(b, x.Region)
		case "granularity":
			b = appendJSONString(b, string(x.Granularity))
		case "unit":
			b = appendJSONString(b, x.Unit)
		case "normalised":
			if x.Normalised == "" {
				b = append(b, "null"...)
			} else {
				b = appendJSONString(b, x.Normalised)
			}
		case "asOf":
			if x.Latest {
				readsEverything(ctx)
			}
			b = append(b, '"')
			b = strconv.AppendUint(b, x.AsOf, 10)
			b = append(b, '"')
		case "dimensions":
			b = append(b, '[')
			for j, d := range x.Dimensions {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, '{')
				for k, g := range f.sub {
					if k > 0 {
						b = append(b, ',')
					}
					b = append(b, g.prefix...)
					if g.name == "key" {
						b = appendJSONString(b, d.Key)
					} else {
						b = appendJSONString(b, d.Value)
					}
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		case "points":
			b = append(b, '[')
			for j, pt := range x.Points {
				if j > 0 {
					b = append(b, ',')
				}
				withheld := x.Withheld[pt.Index]
				b = append(b, '{')
				for k, g := range f.sub {
					if k > 0 {
						b = append(b, ',')
					}
					b = append(b, g.prefix...)
					switch g.name {
					case "period":
						b = appendJSONString(b, pt.Period)
					case "value":
						if withheld {
							b = append(b, "null"...)
							break
						}
						if math.IsInf(pt.Value, 0) || math.IsNaN(pt.Value) {
							return nil, false
						}
						b = appendJSONFloat(b, pt.Value)
					case "suppressed":
						b = strconv.AppendBool(b, withheld)
					case "position":
						b = append(b, '"')
						b = strconv.AppendUint(b, pt.Position, 10)
						b = append(b, '"')
					}
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
	}
	return append(b, '}'), true
}

// appendJSONString writes s as encoding/json does (HTML-safe escaping):
// plain text is copied, anything else is left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat writes a finite f as encoding/json writes a float64:
// the shortest representation, in exponent form below 1e-6 and from 1e21,
// with a one-digit negative exponent written without its leading zero.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
