// Package i18ntest finds English in text meant to be French, for the
// tests of the pages, the API and the reports that guard the catalogue:
// a sentence of the English catalogue, or English function words once
// the demo world's own recorded texts (data, shown as recorded) are
// taken out.
package i18ntest

import (
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/supplyeval/supplyeval/domain/demo"
	"github.com/supplyeval/supplyeval/i18n"
)

var (
	reVerb       = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	reMissingKey = regexp.MustCompile(`\[[a-z]+(\.[A-Za-z0-9_]+)+\]`)
	// reEnglish finds English function words (none of them is French)
	// with the clause around them.
	reEnglish = regexp.MustCompile(`(?i)[^.;:!?()]{0,60}\b(the|which|with|from|is|are|was|not|of|and|than|this|that|has|have|by|for)\b[^.;:!?()]{0,60}`)
)

// Checker finds English in French text.
type Checker struct {
	// fragments are the pieces of the English catalogue between format
	// verbs, four words or more, whose French differs, with their keys.
	fragments map[string]string
	// data are the demo world's recorded strings, longest first.
	data []string
}

// NewChecker builds a Checker from the catalogue and the default demo
// world.
func NewChecker() (*Checker, error) {
	w, err := demo.Generate(demo.Config{})
	if err != nil {
		return nil, err
	}
	c := &Checker{fragments: map[string]string{}}
	for _, k := range i18n.Keys(i18n.EN) {
		en, fr := i18n.EN.T(k), i18n.FR.T(k)
		if en == fr {
			continue
		}
		for _, f := range reVerb.Split(en, -1) {
			f = strings.TrimSpace(f)
			if len(strings.Fields(f)) >= 4 && len(f) >= 20 && !strings.Contains(fr, f) {
				c.fragments[f] = k
			}
		}
	}
	set := map[string]bool{}
	for _, st := range w.Steps {
		collect(reflect.ValueOf(st.Command), set)
	}
	for s := range set {
		c.data = append(c.data, s)
	}
	sort.Slice(c.data, func(i, j int) bool {
		return len(c.data[i]) > len(c.data[j]) || len(c.data[i]) == len(c.data[j]) && c.data[i] < c.data[j]
	})
	return c, nil
}

// Fragments is the number of English catalogue fragments looked for.
func (c *Checker) Fragments() int { return len(c.fragments) }

// English lists what is English in text, in order: sentences of the
// English catalogue (with their keys), missing catalogue keys, and
// clauses with English function words outside the demo world's data.
// The API's argument names quoted by its messages ("from et to", "avec
// from") are allowed.
func (c *Checker) English(text string) []string {
	var out []string
	var found []string
	for f, k := range c.fragments {
		if strings.Contains(text, f) {
			found = append(found, "English of "+k+": "+f)
		}
	}
	sort.Strings(found)
	out = append(out, found...)
	if m := reMissingKey.FindString(text); m != "" {
		out = append(out, "a catalogue key is missing: "+m)
	}
	rest := text
	for _, d := range c.data {
		rest = strings.ReplaceAll(rest, d, " ")
	}
	for _, m := range reEnglish.FindAllString(rest, -1) {
		if m = strings.TrimSpace(m); !strings.Contains(m, "from et to") && !strings.HasSuffix(m, "avec from") {
			out = append(out, "English written outside the catalogue: "+m)
		}
	}
	return out
}

// collect adds the strings of v longer than three characters to set.
func collect(v reflect.Value, set map[string]bool) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); len(s) > 3 {
			set[s] = true
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			collect(v.Field(i), set)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() != reflect.Float64 {
			for i := 0; i < v.Len(); i++ {
				collect(v.Index(i), set)
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collect(v.Elem(), set)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			collect(v.MapIndex(k), set)
		}
	}
}
