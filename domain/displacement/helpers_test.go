package displacement

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func checkNear(tb testing.TB, name string, got, want, tol float64) {
	tb.Helper()
	if !near(got, want, tol) {
		tb.Errorf("%s = %.10g, want %.10g (±%g)", name, got, want, tol)
	}
}

func deref(tb testing.TB, name string, p *float64) float64 {
	tb.Helper()
	if p == nil {
		tb.Fatalf("%s is nil, want a value", name)
	}
	return *p
}

// assertFinite walks v and fails on any float64 that is NaN or infinite.
func assertFinite(tb testing.TB, v any) {
	tb.Helper()
	var walk func(path string, x reflect.Value)
	walk = func(path string, x reflect.Value) {
		switch x.Kind() {
		case reflect.Float64, reflect.Float32:
			if f := x.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				tb.Errorf("%s = %v, want a finite number", path, f)
			}
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(path, x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				if x.Type().Field(i).IsExported() {
					walk(path+"."+x.Type().Field(i).Name, x.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < x.Len(); i++ {
				walk(path+"[]", x.Index(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				walk(path+"{}", x.MapIndex(k))
			}
		}
	}
	walk("result", reflect.ValueOf(v))
}

// wantBadInput checks that err is a BAD_INPUT *domain.Error whose field
// is field (or, with errors.Join, that one of them is) and whose message
// contains each of words.
func wantBadInput(tb testing.TB, err error, field string, words ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want BAD_INPUT on %q", field)
	}
	var all []*domain.Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var de *domain.Error
			if errors.As(e, &de) {
				all = append(all, de)
			}
		}
	} else {
		var de *domain.Error
		if errors.As(err, &de) {
			all = append(all, de)
		}
	}
	for _, de := range all {
		if de.Field != field {
			continue
		}
		if de.Code != domain.BadInput {
			tb.Fatalf("error on %q has code %s, want BAD_INPUT", field, de.Code)
		}
		for _, w := range words {
			if !strings.Contains(de.Message, w) {
				tb.Errorf("message %q does not mention %q", de.Message, w)
			}
		}
		return
	}
	tb.Fatalf("got %v, want a BAD_INPUT *domain.Error on field %q", err, field)
}

func mustGraph(tb testing.TB, regions []Region, links []Link) *Graph {
	tb.Helper()
	g, err := NewGraph(regions, links)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}
