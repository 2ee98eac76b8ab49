package graphql_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/i18n/i18ntest"
)

// TestEveryLangFieldSpeaksFrench asks, on the demo world, for every text
// field that takes lang, with lang: FR, for each demo intervention and
// each indicator recorded in its regions: the query roots and the fields
// are found by introspection, so a field given lang later is covered
// without touching this test. A French answer must hold no sentence of
// the English catalogue (the text between its format verbs, four words
// or more, whose French differs), no English function word once the demo
// world's own recorded texts are taken out, and no missing key; an error
// must carry a messageKey that the French catalogue holds (with its
// nested messages).
func TestEveryLangFieldSpeaksFrench(t *testing.T) {
	if testing.Short() {
		t.Skip("asks every text field of the API on the demo world")
	}
	start := time.Now()
	a := newAPI(t, graphql.Limits{})
	recordDemo(t, a)
	s := introspect(t, a)
	french, err := i18ntest.NewChecker()
	if err != nil {
		t.Fatal(err)
	}

	ivs := a.ok(`{ interventions { id start regions } }`, nil)["interventions"].([]any)
	var inds []string
	for _, x := range a.ok(`{ indicators { code } }`, nil)["indicators"].([]any) {
		inds = append(inds, x.(map[string]any)["code"].(string))
	}
	asked := map[string]bool{} // Type.field with lang, answered at least once
	queries := 0
	check := func(what, query string) {
		t.Helper()
		queries++
		r := a.post(query, nil)
		for _, e := range r.Errors {
			checkFrenchError(t, what, e)
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, y := range x {
					if k != "__typename" {
						walk(path+"."+k, y)
					}
				}
			case []any:
				for _, y := range x {
					walk(path, y)
				}
			case string:
				checkFrench(t, what+" "+path, x, french)
			}
		}
		walk("", r.Data)
		s.answered(r.Data, asked)
	}
	for _, x := range ivs {
		iv := x.(map[string]any)
		id, startDate := iv["id"].(string), iv["start"].(string)
		var regions []string
		for _, r := range iv["regions"].([]any) {
			regions = append(regions, r.(string))
		}
		// The indicators recorded in the intervention's regions.
		var b strings.Builder
		b.WriteString("{")
		for i, ind := range inds {
			for j, r := range regions {
				fmt.Fprintf(&b, " s%d_%d: series(indicator: %q, region: %q) { points { period } }", i, j, ind, r)
			}
		}
		b.WriteString(" }")
		got := a.ok(b.String(), nil)
		var used []string
		for i, ind := range inds {
			for j := range regions {
				if pts, _ := got[fmt.Sprintf("s%d_%d", i, j)].(map[string]any)["points"].([]any); len(pts) > 0 {
					used = append(used, ind)
					break
				}
			}
		}
		if len(used) == 0 {
			t.Errorf("%s: no indicator recorded in %v", id, regions)
		}
		fill := argFiller{intervention: id, start: startDate, regions: regions}
		// The roots that need no indicator, once per intervention.
		check(id, "{"+s.rootSelections(fill, false)+" }")
		for _, ind := range used {
			fill.indicator = ind
			check(id+" "+ind, "{"+s.rootSelections(fill, true)+" }")
		}
	}
	// Every field that takes lang must have been answered somewhere.
	var never []string
	for f := range s.langFields {
		if !asked[f] {
			never = append(never, f)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Logf("text fields with lang never answered on the demo world (no such answer, or none reachable): %v", never)
	}
	t.Logf("%d queries, %d text fields with lang, %s", queries, len(s.langFields), time.Since(start).Round(time.Millisecond))
}

// checkFrench fails on English in a French text.
func checkFrench(t *testing.T, where, text string, french *i18ntest.Checker) {
	t.Helper()
	for _, e := range french.English(text) {
		t.Errorf("%s: %s in %q", where, e, text)
	}
}

// checkFrenchError fails on an error that has no message of the
// catalogue, or one the French catalogue lacks.
func checkFrenchError(t *testing.T, where string, e gqlError) {
	t.Helper()
	key, _ := e.Extensions["messageKey"].(string)
	if e.Extensions["code"] == "INTERNAL" || key == "" {
		t.Errorf("%s: error without a message of the catalogue: %+v", where, e)
		return
	}
	var keys []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if k, ok := x["key"].(string); ok {
				keys = append(keys, k)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(e.Extensions["messageArgs"])
	for _, k := range append(keys, key) {
		if !i18n.FR.Has(k) && !i18n.FR.Has(k+".one") {
			t.Errorf("%s: error %q: key %s is not in French", where, e.Message, k)
		}
	}
}

// The schema as introspection gives it.
type (
	schemaType struct {
		Name, Kind    string
		Fields        []schemaField
		PossibleTypes []string
	}
	schemaField struct {
		Name string
		Args []schemaArg
		Type typeRef
	}
	schemaArg struct {
		Name     string
		Type     typeRef
		Required bool
	}
	// typeRef is a field's or argument's type unwrapped: its named type,
	// that type's kind, and whether it is a list.
	typeRef struct {
		Name, Kind string
		List       bool
	}
	schemaInfo struct {
		types map[string]*schemaType
		query string
		// langFields are the fields ("Type.field") that take lang.
		langFields map[string]bool
		// enums are the values of each enum.
		enums map[string][]string
	}
)

func introspect(t *testing.T, a *api) *schemaInfo {
	t.Helper()
	const ref = `kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`
	d := a.ok(`{ __schema { queryType { name } types { name kind possibleTypes { name } enumValues { name }
		fields { name args { name type { `+ref+` } } type { `+ref+` } } } } }`, nil)["__schema"].(map[string]any)
	unwrap := func(v any) (typeRef, bool) {
		var r typeRef
		required := false
		for m, first := v.(map[string]any), true; m != nil; first = false {
			switch m["kind"] {
			case "NON_NULL":
				required = required || first
			case "LIST":
				r.List = true
			default:
				r.Name, r.Kind = m["name"].(string), m["kind"].(string)
			}
			m, _ = m["ofType"].(map[string]any)
		}
		return r, required
	}
	s := &schemaInfo{types: map[string]*schemaType{}, query: d["queryType"].(map[string]any)["name"].(string), langFields: map[string]bool{}, enums: map[string][]string{}}
	for _, x := range d["types"].([]any) {
		m := x.(map[string]any)
		ty := &schemaType{Name: m["name"].(string), Kind: m["kind"].(string)}
		for _, e := range asList(m["enumValues"]) {
			s.enums[ty.Name] = append(s.enums[ty.Name], e.(map[string]any)["name"].(string))
		}
		for _, p := range asList(m["possibleTypes"]) {
			ty.PossibleTypes = append(ty.PossibleTypes, p.(map[string]any)["name"].(string))
		}
		for _, f := range asList(m["fields"]) {
			fm := f.(map[string]any)
			sf := schemaField{Name: fm["name"].(string)}
			sf.Type, _ = unwrap(fm["type"])
			for _, ar := range asList(fm["args"]) {
				am := ar.(map[string]any)
				sa := schemaArg{Name: am["name"].(string)}
				sa.Type, sa.Required = unwrap(am["type"])
				sf.Args = append(sf.Args, sa)
				if sa.Name == "lang" && !strings.HasPrefix(ty.Name, "__") {
					s.langFields[ty.Name+"."+sf.Name] = true
				}
			}
			ty.Fields = append(ty.Fields, sf)
		}
		s.types[ty.Name] = ty
	}
	if len(s.langFields) < 20 {
		t.Fatalf("only %d text fields take lang: %v", len(s.langFields), s.langFields)
	}
	return s
}

func asList(v any) []any { l, _ := v.([]any); return l }

// argFiller gives the arguments of a query: the intervention, its start,
// its regions and the indicator asked about.
type argFiller struct {
	intervention, start, indicator string
	regions                        []string
}

// values returns the values to try for argument a of field f (of type
// on): several for an enum (each method, each normalisation), nil when
// the filler knows none.
func (s *schemaInfo) values(fl argFiller, on, f string, a schemaArg) []string {
	str := func(v string) []string { return []string{strconv.Quote(v)} }
	list := func(vs []string) []string {
		q := make([]string, len(vs))
		for i, v := range vs {
			q[i] = strconv.Quote(v)
		}
		return []string{"[" + strings.Join(q, ", ") + "]"}
	}
	switch a.Name {
	case "lang":
		return []string{"FR"}
	case "intervention":
		return str(fl.intervention)
	case "interventions":
		return list([]string{fl.intervention})
	case "indicator":
		if fl.indicator == "" {
			return nil
		}
		return str(fl.indicator)
	case "id":
		if f == "intervention" {
			return str(fl.intervention)
		}
	case "regions":
		return list(fl.regions)
	case "region":
		return str(fl.regions[0])
	case "start":
		return str(fl.start)
	case "horizon":
		return []string{"12"}
	case "effect":
		return []string{"-0.2"}
	case "method", "normalise":
		if a.Type.Kind == "ENUM" {
			return s.enums[a.Type.Name]
		}
	}
	return nil
}

// rootSelections writes the query's root fields whose required arguments
// the filler gives: with indicator, those that need one; without, the
// others. Enum arguments (method, normalise) are tried with each value,
// under aliases.
func (s *schemaInfo) rootSelections(fl argFiller, withIndicator bool) string {
	var b strings.Builder
	q := s.types[s.query]
	for _, f := range q.Fields {
		needs := false
		for _, a := range f.Args {
			if a.Name == "indicator" {
				needs = true
			}
		}
		// Only the roots about the intervention, its regions or the
		// indicator (series and indicator hold no text with lang; a root
		// such as audit, whose error nulls the whole answer, is left out).
		about := false
		for _, a := range f.Args {
			switch a.Name {
			case "intervention", "interventions", "indicator", "region", "regions", "id":
				about = about || s.values(fl, q.Name, f.Name, a) != nil
			}
		}
		if needs != withIndicator || !about || f.Name == "series" || f.Name == "indicator" {
			continue
		}
		for i, args := range s.argSets(fl, q.Name, f) {
			sel := s.selection(fl, f.Type.Name, 0, map[string]bool{})
			if sel == "" {
				continue
			}
			fmt.Fprintf(&b, " %s_%d: %s%s %s", f.Name, i, f.Name, args, sel)
		}
	}
	return b.String()
}

// argSets are the argument lists to ask field f with: one per value of
// its enum arguments; none when a required argument has no value.
func (s *schemaInfo) argSets(fl argFiller, on string, f schemaField) []string {
	sets := []string{""}
	for _, a := range f.Args {
		vs := s.values(fl, on, f.Name, a)
		if len(vs) == 0 {
			if a.Required {
				return nil
			}
			continue
		}
		var next []string
		for _, set := range sets {
			for _, v := range vs {
				sep := ""
				if set != "" {
					sep = ", "
				}
				next = append(next, set+sep+a.Name+": "+v)
			}
		}
		sets = next
	}
	for i, set := range sets {
		if set != "" {
			sets[i] = "(" + set + ")"
		}
	}
	return sets
}

// selection writes what to ask of an object of type name: every text
// field that takes lang (with lang: FR) and every object field below it
// whose arguments the filler gives; "" for a scalar.
func (s *schemaInfo) selection(fl argFiller, name string, depth int, seen map[string]bool) string {
	ty := s.types[name]
	if ty == nil || (ty.Kind != "OBJECT" && ty.Kind != "INTERFACE") || depth > 5 || seen[name] {
		return ""
	}
	seen[name] = true
	defer delete(seen, name)
	var b strings.Builder
	b.WriteString("{ __typename")
	fields := func(ty *schemaType) {
		for _, f := range ty.Fields {
			lang := false
			for _, a := range f.Args {
				lang = lang || a.Name == "lang"
			}
			sets := s.argSets(fl, ty.Name, f)
			if len(sets) == 0 {
				continue
			}
			sub := s.selection(fl, f.Type.Name, depth+1, seen)
			if !lang && sub == "" {
				continue
			}
			for i, args := range sets {
				fmt.Fprintf(&b, " %s_%d: %s%s %s", f.Name, i, f.Name, args, sub)
			}
		}
	}
	fields(ty)
	for _, p := range ty.PossibleTypes {
		if pt := s.types[p]; pt != nil {
			fmt.Fprintf(&b, " ... on %s {", p)
			fields(pt)
			b.WriteString(" }")
		}
	}
	b.WriteString(" }")
	return b.String()
}

// answered marks the text fields with lang found in an answer (by the
// alias field_i under an object of a known __typename).
func (s *schemaInfo) answered(v any, asked map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		tn, _ := x["__typename"].(string)
		for k, y := range x {
			if i := strings.LastIndexByte(k, '_'); i > 0 && tn != "" && y != nil {
				if f := tn + "." + k[:i]; s.langFields[f] {
					asked[f] = true
				}
			}
			s.answered(y, asked)
		}
	case []any:
		for _, y := range x {
			s.answered(y, asked)
		}
	}
}

// TestMethodNamesInCatalogue: the displacement analysis's and the
// fragmentation check's method names in the catalogue are the domain's,
// so that method(lang:) finds them.
func TestMethodNamesInCatalogue(t *testing.T) {
	if got := i18n.EN.T("dispmethod.wdq"); got != displacement.Method {
		t.Errorf("dispmethod.wdq %q, Method %q", got, displacement.Method)
	}
	if got := i18n.EN.T("dispmethod.frag"); got != displacement.FragmentationMethod {
		t.Errorf("dispmethod.frag %q, FragmentationMethod %q", got, displacement.FragmentationMethod)
	}
}
