package displacement

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// langGraph is a small graph for the error tests: A1 and A2 in one
// country, B1 across the border, Z1 linked to nothing and C1, a port.
func langGraph(tb testing.TB) *Graph {
	tb.Helper()
	n3 := domain.RegionLevelNuts3
	return mustGraph(tb, []Region{
		{Code: "A1", Country: "NL", Level: n3},
		{Code: "A2", Country: "NL", Level: n3},
		{Code: "B1", Country: "BE", Level: n3},
		{Code: "Z1", Country: "DE", Level: n3},
		{Code: "C1", Country: "DE", Level: domain.RegionLevelPort},
	}, []Link{
		{"A1", "A2", domain.LinkKindLandBorder},
		{"A2", "B1", domain.LinkKindLandBorder},
	})
}

// months lists the months of 2023 from first to last (1-12).
func months(first, last int) []string {
	var out []string
	for m := first; m <= last; m++ {
		out = append(out, "2023-"+strconv.Itoa(m/10)+strconv.Itoa(m%10))
	}
	return out
}

// fullRow is a value for every month of 2023.
func fullRow(v float64) map[string]float64 {
	row := map[string]float64{}
	for _, p := range months(1, 12) {
		row[p] = v
	}
	return row
}

// englishRuns are the runs of three lower-case words of s (codes,
// numbers and quoted arguments are not words).
func englishRuns(s string) []string {
	words := regexp.MustCompile(`[A-Za-z']+`).FindAllString(s, -1)
	var runs []string
	for i := 0; i+3 <= len(words); i++ {
		run := words[i : i+3]
		if slices.ContainsFunc(run, func(w string) bool { return strings.ToLower(w) != w }) {
			continue
		}
		runs = append(runs, strings.Join(run, " "))
	}
	return runs
}

// TestDisplacementErrorsInFrench provokes errors of every file of the
// analysis and checks that each is a BAD_INPUT message of the catalogue
// whose English is the text the package has always returned, byte for
// byte, and whose French differs and keeps no run of three English words
// of it.
func TestDisplacementErrorsInFrench(t *testing.T) {
	g := langGraph(t)
	before, after := Window{Periods: months(1, 6)}, Window{Periods: months(7, 12)}
	data := Table{"A1": fullRow(20), "A2": fullRow(12), "B1": fullRow(30)}
	count := Indicator{Code: "VIOLENCE", Direction: domain.DirectionDown}
	areas := Areas{Target: []string{"A1"}, Buffer: []string{"A2"}, Control: []string{"B1"}}
	analyse := func(f func(*Input)) error {
		in := Input{Indicator: count, Areas: areas, Before: before, After: after, Data: data, Graph: g}
		f(&in)
		_, err := Analyse(in)
		return err
	}
	withData := func(region string, row map[string]float64) Table {
		t := Table{}
		for k, v := range data {
			t[k] = v
		}
		t[region] = row
		return t
	}
	validate := func(a Areas) error { return a.Validate(g) }
	complete := func(a Areas, opts AreaOptions) error {
		_, err := g.CompleteAreas(a, opts)
		return err
	}
	graph := func(regions []Region, links []Link) error {
		_, err := NewGraph(regions, links)
		return err
	}
	reach := func(seeds []string, opts NeighbourhoodOptions) error {
		_, err := g.Neighbourhood(seeds, opts)
		return err
	}
	window := func(from, to string) error {
		_, err := NewWindow(domain.Month, from, to)
		return err
	}
	wdq := func(c WDQCounts, d domain.Direction) error {
		_, err := WeightedDisplacementQuotient(c, d)
		return err
	}
	wdd := func(in WDDInput) error {
		_, err := WeightedDisplacementDifference(in)
		return err
	}
	missing := fullRow(20)
	for _, p := range append(months(1, 6), "2023-12") {
		delete(missing, p)
	}
	huge := WDDCounts{TargetAfter: 1e308, ControlBefore: 1e308, ControlAfter: 1e308, BufferBefore: 1e308, BufferAfter: 1e308, BufferControlBefore: 1e308, BufferControlAfter: 1e308}
	nl := func(code string) Region { return Region{Code: code, Country: "NL"} }

	cases := []struct {
		file, name, field, english string
		err                        error
	}{
		{"analyse.go", "no data", "data", "is required",
			analyse(func(in *Input) { in.Data = nil })},
		{"analyse.go", "value not finite", "target[0]", `region "A1": its value for 2023-03 is not a finite number`,
			analyse(func(in *Input) { in.Data = withData("A1", map[string]float64{"2023-03": math.Inf(1)}) })},
		{"analyse.go", "negative value", "control[0]", `region "B1": its value for 2023-01 is negative (-2.5); the displacement measures need values of zero or more`,
			analyse(func(in *Input) { in.Data = withData("B1", map[string]float64{"2023-01": -2.5}) })},
		{"analyse.go", "named region without data", "target[0]", `region "A1" has no value for 2023-01, 2023-02, 2023-03, 2023-04, 2023-05 and 1 more (before) and 2023-12 (after); record the observations, or leave the region out`,
			analyse(func(in *Input) { in.Data = withData("A1", missing) })},
		{"analyse.go", "derived role without data", "buffer", "no buffer region has a value for every period of both windows (2023-01 to 2023-06 and 2023-07 to 2023-12)",
			analyse(func(in *Input) {
				in.Areas.Derived = []Role{RoleBuffer}
				in.Data = withData("A2", nil)
			})},
		{"analyse.go", "exposure missing", "exposure[B1]", "is missing: with exposures given, every region used needs one",
			analyse(func(in *Input) { in.Exposure = map[string]float64{"A1": 1, "A2": 2} })},
		{"analyse.go", "exposure not positive", "exposure[A2]", "must be a positive finite number (got -1.5)",
			analyse(func(in *Input) { in.Exposure = map[string]float64{"A1": 1, "A2": -1.5, "B1": 1} })},
		{"areas.go", "role without regions", "control", "needs at least one region",
			validate(Areas{Target: []string{"A1"}, Buffer: []string{"A2"}})},
		{"areas.go", "empty code", "buffer[0]", "region code is empty",
			validate(Areas{Target: []string{"A1"}, Buffer: []string{""}, Control: []string{"B1"}})},
		{"areas.go", "unknown region", "control[0]", `region "Q9" is unknown (not in the region graph)`,
			validate(Areas{Target: []string{"A1"}, Buffer: []string{"A2"}, Control: []string{"Q9"}})},
		{"areas.go", "region twice in a role", "target[1]", `region "A1" is listed twice (also at target[0])`,
			validate(Areas{Target: []string{"A1", "A1"}, Buffer: []string{"A2"}, Control: []string{"B1"}})},
		{"areas.go", "region in two roles", "control[0]", `region "A2" cannot be both buffer and control`,
			validate(Areas{Target: []string{"A1"}, Buffer: []string{"A2"}, Control: []string{"A2"}})},
		{"areas.go", "buffer control overlapping the control", "bufferControl", "shares B1, Z1 with control but is not the same set: give a set disjoint from the control, or leave it empty to compare the buffer with the control",
			validate(Areas{Target: []string{"A1"}, Buffer: []string{"A2"}, Control: []string{"B1", "Z1"}, BufferControl: []string{"B1", "Z1", "C1"}})},
		{"areas.go", "no targets", "target", "needs at least one region: buffers and controls are found around the targets",
			complete(Areas{}, AreaOptions{})},
		{"areas.go", "no neighbours", "buffer", "the targets have no neighbours within 2 links of kind SEA_ROUTE or AIR_ROUTE, within the same country, at the targets' level; name buffer regions or widen the search",
			complete(Areas{Target: []string{"A1"}}, AreaOptions{Buffer: NeighbourhoodOptions{Hops: 2, Kinds: []domain.LinkKind{domain.LinkKindSeaRoute, domain.LinkKindAirRoute}, DomesticOnly: true}})},
		{"areas.go", "no neighbours, one hop", "buffer", "the targets have no neighbours within 1 link; name buffer regions or widen the search",
			complete(Areas{Target: []string{"Z1"}}, AreaOptions{BufferAnyLevel: true})},
		{"areas.go", "no control left", "control", "no region of the targets' level is left that is neither a target, in the buffer, nor a neighbour of a target; name control regions",
			complete(Areas{Target: []string{"A2"}, BufferControl: []string{"Z1"}}, AreaOptions{})},
		{"data.go", "window reversed", "to", "2023-01 is before 2023-05",
			window("2023-05", "2023-01")},
		{"data.go", "window without periods", "after.periods", "needs at least one period",
			analyse(func(in *Input) { in.After = Window{} })},
		{"data.go", "empty period", "before.periods[1]", "period is empty",
			analyse(func(in *Input) { in.Before = Window{Periods: []string{"2023-01", ""}} })},
		{"data.go", "period twice", "before.periods[2]", "period 2023-01 is listed twice (also at 0)",
			analyse(func(in *Input) { in.Before = Window{Periods: []string{"2023-01", "2023-02", "2023-01"}} })},
		{"data.go", "period in both windows", "after.periods[0]", "period 2023-06 is in both the before and the after window",
			analyse(func(in *Input) { in.After = Window{Periods: months(6, 12)} })},
		{"graph.go", "region without code", "regions[0].code", "is required",
			graph([]Region{{Country: "NL"}}, nil)},
		{"graph.go", "region without country", "regions[0].country", `is required (region "A"): buffers are split by country`,
			graph([]Region{{Code: "A"}}, nil)},
		{"graph.go", "region twice", "regions[1].code", `region "A" is listed twice (also at regions[0])`,
			graph([]Region{nl("A"), nl("A")}, nil)},
		{"graph.go", "link to an unknown region", "links[0].b", `region "Q" is not in the graph`,
			graph([]Region{nl("A")}, []Link{{"A", "Q", domain.LinkKindLandBorder}})},
		{"graph.go", "link to itself", "links[0].b", `region "A" cannot be linked to itself`,
			graph([]Region{nl("A")}, []Link{{"A", "A", domain.LinkKindLandBorder}})},
		{"graph.go", "unknown link kind", "links[0].kind", `must be one of LAND_BORDER, SEA_ROUTE, AIR_ROUTE, RAIL_ROAD (got "FERRY")`,
			graph([]Region{nl("A"), nl("B")}, []Link{{"A", "B", "FERRY"}})},
		{"graph.go", "no seeds", "seeds", "needs at least one region",
			reach(nil, NeighbourhoodOptions{})},
		{"graph.go", "negative hops", "hops", "must not be negative (got -1)",
			reach([]string{"A1"}, NeighbourhoodOptions{Hops: -1})},
		{"graph.go", "unknown kind to follow", "kinds[1]", `must be one of LAND_BORDER, SEA_ROUTE, AIR_ROUTE, RAIL_ROAD (got "BRIDGE")`,
			reach([]string{"A1"}, NeighbourhoodOptions{Kinds: []domain.LinkKind{domain.LinkKindSeaRoute, "BRIDGE"}})},
		{"graph.go", "unknown seed", "seeds[0]", `region "Q9" is not in the region graph`,
			reach([]string{"Q9"}, NeighbourhoodOptions{})},
		{"graph.go", "seed twice", "seeds[1]", `region "A1" is listed twice`,
			reach([]string{"A1", "A1"}, NeighbourhoodOptions{})},
		{"indicator.go", "unknown scale", "indicator.scale", `must be COUNT or LEVEL (got "RATIO")`,
			analyse(func(in *Input) { in.Indicator.Scale = "RATIO" })},
		{"indicator.go", "no desired direction", "indicator.direction", "indicator VIOLENCE has no desired direction (NONE), so neither success nor displacement can be read from it; use an indicator the intervention means to move UP or DOWN",
			analyse(func(in *Input) { in.Indicator.Direction = domain.DirectionNone })},
		{"indicator.go", "unknown direction", "indicator.direction", `must be UP or DOWN (got "SIDEWAYS")`,
			analyse(func(in *Input) { in.Indicator.Direction = "SIDEWAYS" })},
		{"wdq.go", "direction of the WDQ", "direction", `must be UP or DOWN (got "NONE"): the measures are read against a desired direction`,
			wdq(WDQCounts{}, domain.DirectionNone)},
		{"wdq.go", "count not finite", "counts.bufferAfter", "must be a finite number",
			wdq(WDQCounts{BufferAfter: math.NaN()}, domain.DirectionDown)},
		{"indicator.go", "negative weight", "weights.control", "must not be negative (got -0.25)",
			wdd(WDDInput{Counts: wheelerRatcliffe, Weights: WDDWeights{Control: -0.25}, Direction: domain.DirectionDown})},
		{"wdd.go", "all counts zero", "counts", "all counts are zero, so the Poisson variance is zero and no test is possible",
			wdd(WDDInput{Direction: domain.DirectionUp})},
		{"wdd.go", "counts too large", "counts", "the counts are too large for the statistic to be represented",
			wdd(WDDInput{Counts: huge, Direction: domain.DirectionDown})},
	}
	files := map[string]bool{}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s (%s): no error", c.name, c.file)
			continue
		}
		var de *domain.Error
		if j, ok := c.err.(interface{ Unwrap() []error }); ok {
			if len(j.Unwrap()) != 1 {
				t.Errorf("%s: %d errors, want 1: %v", c.name, len(j.Unwrap()), c.err)
			}
		}
		if !errors.As(c.err, &de) {
			t.Errorf("%s: %T is not a *domain.Error: %v", c.name, c.err, c.err)
			continue
		}
		files[c.file] = true
		if de.Code != domain.BadInput || de.Field != c.field {
			t.Errorf("%s: code %s on field %q, want BAD_INPUT on %q", c.name, de.Code, de.Field, c.field)
		}
		if de.Msg.IsZero() || !strings.HasPrefix(de.Msg.Key, "displacement.err.") {
			t.Errorf("%s: %q is not a displacement.err message of the catalogue (key %q)", c.name, de.Message, de.Msg.Key)
			continue
		}
		if en := domain.MessageIn(c.err, i18n.EN); en != c.english || de.Message != c.english {
			t.Errorf("%s: English changed:\n got %q\nwant %q", c.name, en, c.english)
		}
		fr := domain.MessageIn(c.err, i18n.FR)
		t.Logf("%s: %s", c.name, fr)
		if fr == c.english || strings.Contains(fr, "[displacement.") {
			t.Errorf("%s: French %q", c.name, fr)
		}
		for _, run := range englishRuns(c.english) {
			if strings.Contains(strings.Join(regexp.MustCompile(`[A-Za-z']+`).FindAllString(fr, -1), " "), run) {
				t.Errorf("%s: French %q keeps the English %q", c.name, fr, run)
			}
		}
	}
	for _, f := range []string{"analyse.go", "areas.go", "data.go", "graph.go", "indicator.go", "wdd.go", "wdq.go"} {
		if !files[f] {
			t.Errorf("no error of %s provoked", f)
		}
	}
}

// TestDisplacementWDDNoteInFrench: the note that says why the WDD was
// not computed carries the WDD's error as a message, so that it reads in
// French too.
func TestDisplacementWDDNoteInFrench(t *testing.T) {
	g := langGraph(t)
	zero := Table{}
	for _, r := range []string{"A1", "A2", "B1"} {
		zero[r] = fullRow(0)
	}
	res, err := Analyse(Input{
		Indicator: Indicator{Code: "VIOLENCE", Direction: domain.DirectionDown},
		Areas:     Areas{Target: []string{"A1"}, Buffer: []string{"A2"}, Control: []string{"B1"}},
		Before:    Window{Periods: months(1, 6)}, After: Window{Periods: months(7, 12)},
		Data: zero, Graph: g,
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "not computed: all counts are zero, so the Poisson variance is zero and no test is possible"; res.WDDNote != want {
		t.Errorf("WDD note %q, want %q", res.WDDNote, want)
	}
	if fr := res.WDDNoteIn(i18n.FR); !strings.Contains(fr, "tous les comptages sont nuls") {
		t.Errorf("French WDD note %q", fr)
	}
}

// TestDisplacementWindowKeepsParserMessage: NewWindow gives the period
// parser's error on its own field, with the parser's message of the
// catalogue when it has one, and its English text unchanged.
func TestDisplacementWindowKeepsParserMessage(t *testing.T) {
	_, perr := domain.ParsePeriod(domain.Month, "2023-13")
	for _, c := range []struct{ field, from, to string }{{"from", "2023-13", "2023-12"}, {"to", "2023-01", "2023-13"}} {
		_, err := NewWindow(domain.Month, c.from, c.to)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field != c.field {
			t.Fatalf("%s: got %v, want BAD_INPUT on %q", c.field, err, c.field)
		}
		if de.Message != perr.Error() {
			t.Errorf("%s: message %q, want the parser's %q", c.field, de.Message, perr.Error())
		}
		var pe *domain.Error
		if errors.As(perr, &pe) && !pe.Msg.IsZero() {
			if de.Msg.Key != pe.Msg.Key || domain.MessageIn(err, i18n.FR) != domain.MessageIn(perr, i18n.FR) {
				t.Errorf("%s: message %+v, want the parser's %+v", c.field, de.Msg, pe.Msg)
			}
		}
	}
}

// inlineAllowed are the inline formats left, by file and format, with
// the reason.
var inlineAllowed = map[string]string{
	`errwords.go "%s"`: "periodError's fallback for an error of domain.ParsePeriod without a message of the catalogue: its text is the parser's own",
}

// TestDisplacementNoInlineEnglishErrors fails on an error written inline
// in English in any file of the package but its tests (domain.Invalid,
// domain.Errorf, errors.New, fmt.Errorf, or a domain.Error with a Message
// and no Msg), and on a message key written in them (domain.Invalidm,
// domain.Errorm, i18n.M) that the catalogue lacks in English or French.
func TestDisplacementNoInlineEnglishErrors(t *testing.T) {
	fset := token.NewFileSet()
	funcs := map[string]int{"domain.Invalid": 1, "domain.Errorf": 2, "errors.New": 0, "fmt.Errorf": 0}
	used := map[string]bool{}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasSuffix(n, "_test.go") })
	for _, f := range []string{"analyse.go", "areas.go", "data.go", "errwords.go", "fragmentation.go", "graph.go", "indicator.go", "scan.go", "wdd.go", "wdq.go"} {
		if !slices.Contains(names, f) {
			t.Errorf("%s is not scanned", f)
		}
	}
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(".", name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				call := pkg.Name + "." + sel.Sel.Name
				if keyArg, ok := map[string]int{"domain.Invalidm": 1, "domain.Errorm": 2, "i18n.M": 0}[call]; ok {
					i := keyArg
					if len(n.Args) > i {
						if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							key, _ := strconv.Unquote(lit.Value)
							used[key] = true
						}
					}
					return true
				}
				i, ok := funcs[call]
				if !ok {
					return true
				}
				format := "(not a literal)"
				if len(n.Args) > i {
					if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						format = lit.Value
					}
				}
				if _, ok := inlineAllowed[name+" "+format]; !ok {
					t.Errorf("%s: %s with the inline format %s; use a message of the catalogue (domain.Invalidm/Errorm)", fset.Position(n.Pos()), call, format)
				}
			case *ast.CompositeLit:
				sel, ok := n.Type.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Error" {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "domain" {
					return true
				}
				var message, msg bool
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							message = message || id.Name == "Message"
							msg = msg || id.Name == "Msg"
						}
					}
				}
				if message && !msg {
					t.Errorf("%s: a domain.Error with a Message and no Msg", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	for _, r := range Roles {
		used["displacement.err.role."+string(r)] = true
	}
	used["displacement.err.periods.more.one"] = true
	used["displacement.err.periods.more.other"] = true
	if len(used) < 100 {
		t.Errorf("found only %d keys in the converted files; is the scan reading them?", len(used))
	}
	for key := range used {
		for _, l := range i18n.Langs {
			if !l.Has(key) {
				t.Errorf("key %s is used but has no %s message", key, l)
			}
		}
	}
}
