package evaluate_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

// englishErrors are phrases of the English error messages of this
// package; none may be left in a French one.
var englishErrors = []string{
	"needs ", "is listed twice", "must be", "not a count", "applies to", "no desired direction", "is empty",
	"has no ", "the after window", "before window", "unknown method", "interruptions are fitted",
	"is not recorded", "is not defined", "the horizon", "no region given", "name at least", "is not a ",
	"is a policy change", "fragmentation is watched", "(got ", "; use ", " or ", " and ", " is ", " the ",
}

// TestErrorsInFrench provokes errors of every kind of query and checks
// that each comes from the catalogue: its English is the text the API has
// always returned (byte for byte), and its French differs and keeps no
// English phrase.
func TestErrorsInFrench(t *testing.T) {
	e, _ := demoWorld(t)
	ctx := context.Background()
	alpha := 2.0
	rng := func(from, to string) *evaluate.PeriodRange { return &evaluate.PeriodRange{From: from, To: to} }
	disp := func(f func(*evaluate.DisplacementRequest)) error {
		r := evaluate.DisplacementRequest{Intervention: demo.RotterdamPortControl, Indicator: demo.PortIncidents}
		f(&r)
		_, err := e.Displacement(r)
		return err
	}
	imp := func(q evaluate.ImpactQuery) error {
		if q.Intervention == "" {
			q.Intervention = demo.RotterdamPortControl
		}
		if q.Indicator == "" {
			q.Indicator = demo.PortIncidents
		}
		if q.Method == "" {
			q.Method = impact.MethodITS
		}
		_, err := e.Impact(ctx, q)
		return err
	}
	pow := func(q evaluate.PowerQuery) error {
		if q.Indicator == "" {
			q.Indicator = demo.PortIncidents
		}
		if q.Regions == nil {
			q.Regions = []string{"NLRTM"}
		}
		if q.Start == "" {
			q.Start = "2019-01-01"
		}
		if q.Horizon == 0 {
			q.Horizon = 12
		}
		_, err := e.Power(ctx, q)
		return err
	}
	cmp := func(ind string, regions []string, norm evaluate.Normalisation) error {
		_, err := e.CompareRegions(ind, regions, nil, nil, norm, 0)
		return err
	}
	cases := []struct {
		name    string
		err     error
		english string // the error's whole text (field: message)
	}{
		{"no region to compare", cmp(demo.DrugViolence, nil, ""), "regions: needs at least one region"},
		{"region twice", cmp(demo.DrugViolence, []string{"NL33", "NL33"}, ""), `regions[1]: region "NL33" is listed twice (also at regions[0])`},
		{"unknown normalisation", cmp(demo.DrugViolence, []string{"NL33"}, "LOG"), `normalise: must be NONE, INDEX or PER_100K (got "LOG")`},
		{"per 100k of a level", cmp(demo.CocainePrice, []string{"NL33"}, evaluate.NormalisePer100k), ""},
		{"unknown region", cmp(demo.DrugViolence, []string{"NL33", "XX"}, ""), `regions[1]: region "XX" is not defined`},
		{"unknown indicator", cmp("NOPE", []string{"NL33"}, ""), `indicator: indicator "NOPE" is not defined`},
		{"no desired direction", disp(func(r *evaluate.DisplacementRequest) { r.Indicator = demo.CocaineSeizures }), ""},
		{"empty target", disp(func(r *evaluate.DisplacementRequest) { r.Target = []string{} }), "target: is empty: name at least one region, or leave target out for the default"},
		{"target without data", disp(func(r *evaluate.DisplacementRequest) { r.Target = []string{"NL33"} }), ""},
		{"overlapping windows", disp(func(r *evaluate.DisplacementRequest) {
			r.Before, r.After = rng("2017-01", "2018-03"), rng("2018-01", "2018-12")
		}), "after.from: the after window (2018-01 to 2018-12) must start after the before window (2017-01 to 2018-03) ends"},
		{"malformed window", disp(func(r *evaluate.DisplacementRequest) { r.After = rng("2018-01", "2018-13") }), `after.to: "2018-13" is not a MONTH period (expected YYYY-MM, MM in 01-12)`},
		{"unknown intervention", disp(func(r *evaluate.DisplacementRequest) { r.Intervention = "op-nope" }), `intervention: intervention "op-nope" is not recorded`},
		{"scan q", func() error { _, err := e.Scan(demo.RotterdamPortControl, 0, 1.5); return err }(), "q: must be between 0 and 1 (got 1.5)"},
		{"fragmentation of a policy change", func() error { _, err := e.Fragmentation(demo.GermanPrecursors, 0, 0); return err }(), ""},
		{"unknown impact method", imp(evaluate.ImpactQuery{Method: "MAGIC"}), `method: unknown method "MAGIC"; use BEFORE_AFTER, ITS, DID, SYNTHETIC_CONTROL or AUTO`},
		{"interruptions without ITS", imp(evaluate.ImpactQuery{Method: impact.MethodDiD, ITS: evaluate.ITSOptions{Interruptions: []string{demo.ChannelJIT}}}), "its.interruptions: several interruptions are fitted by method ITS only"},
		{"malformed period", imp(evaluate.ImpactQuery{From: "2018-13"}), `from: "2018-13" is not a MONTH period (expected YYYY-MM, MM in 01-12)`},
		{"reversed range", imp(evaluate.ImpactQuery{From: "2019-01", To: "2018-01"}), "to: 2018-01 is before from 2019-01"},
		{"region twice in impact", imp(evaluate.ImpactQuery{Regions: []string{"NLRTM", "NLRTM"}}), "regions[1]: region NLRTM is listed twice"},
		{"unknown ITS model", imp(evaluate.ImpactQuery{ITS: evaluate.ITSOptions{Model: "CAUCHY"}}), `its.model: unknown model "CAUCHY"; use GAUSSIAN or QUASI_POISSON`},
		{"horizon", pow(evaluate.PowerQuery{Horizon: -1}), "horizon: the horizon must be at least 1 period; it is -1"},
		{"alpha", pow(evaluate.PowerQuery{Alpha: &alpha}), "alpha: alpha must be between 0 and 1 (exclusive); it is 2"},
		{"power without regions", pow(evaluate.PowerQuery{Regions: []string{}}), "regions: no region given"},
		{"malformed date", pow(evaluate.PowerQuery{Start: "2019-02-30"}), `start: "2019-02-30" is not a date in the form YYYY-MM-DD`},
		{"staggered without interventions", func() error {
			_, err := e.Staggered(ctx, evaluate.StaggeredQuery{Indicator: demo.DrugViolence})
			return err
		}(), "interventions: name at least one intervention"},
	}
	kinds := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("no error")
			}
			var de *domain.Error
			if !errors.As(c.err, &de) || de.Msg.IsZero() {
				t.Fatalf("%v: not a message of the catalogue", c.err)
			}
			kinds[de.Msg.Key] = true
			en, fr := domain.MessageIn(c.err, i18n.EN), domain.MessageIn(c.err, i18n.FR)
			if en != de.Message {
				t.Errorf("English rendering %q, message %q", en, de.Message)
			}
			if c.english != "" && c.err.Error() != c.english {
				t.Errorf("English changed:\n got %q\nwant %q", c.err.Error(), c.english)
			}
			if fr == en {
				t.Fatalf("French is the English: %q", fr)
			}
			for _, k := range de.Msg.Keys() {
				if !i18n.FR.Has(k) {
					t.Errorf("%q has no French", k)
				}
			}
			for _, p := range englishErrors {
				if strings.Contains(fr, p) {
					t.Errorf("English %q in French %q", p, fr)
				}
			}
		})
	}
	if len(kinds) < 12 {
		t.Errorf("%d different errors, want at least 12", len(kinds))
	}
}

// inlineAllowed are the calls of domain.Invalid (and domain.Errorf) in
// this package that keep an inline format, by file and format, with why.
var inlineAllowed = map[string]string{
	`errors.go "%s"`: "parseError's fallback for an error of domain.ParsePeriod or ParseDate it does not know: its text is the parser's own",
	`evaluate.go "intervention %q has an unreadable date %q"`: "INTERNAL: a recorded date that does not parse is a fault of the system, never shown to the user",
}

// TestNoInlineEnglishErrors: the package's errors come from the catalogue
// (domain.Invalidm, domain.Errorm); an inline format is allowed only in
// inlineAllowed.
func TestNoInlineEnglishErrors(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || pkg.Name != "domain" {
				return true
			}
			var format ast.Expr
			switch sel.Sel.Name {
			case "Invalid":
				if len(call.Args) >= 2 {
					format = call.Args[1]
				}
			case "Errorf":
				if len(call.Args) >= 3 {
					format = call.Args[2]
				}
			default:
				return true
			}
			lit, ok := format.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: domain.%s with a format that is not a literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			key := name + " " + strconv.Quote(s)
			if _, ok := inlineAllowed[key]; !ok {
				t.Errorf("%s: domain.%s(..., %s, ...): use domain.Invalidm or domain.Errorm with a message of the catalogue (or add it to inlineAllowed with a reason)", fset.Position(call.Pos()), sel.Sel.Name, lit.Value)
			}
			seen[key] = true
			return true
		})
	}
	for k := range inlineAllowed {
		if !seen[k] {
			t.Errorf("inlineAllowed holds %s, which is no longer in the package", k)
		}
	}
}
