package i18n_test

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/evaluate"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[sdvqfg%]`)

// placeholders lists a message's fmt verbs as index:verb, in argument
// order (explicit indexes honoured), so that a translation may reorder
// its arguments but not change them.
func placeholders(msg string) []string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(msg, -1) {
		v := m[0][len(m[0])-1:]
		if v == "%" {
			continue
		}
		idx := next
		if m[1] != "" {
			idx = int(m[1][1] - '0') // one-digit indexes are all a message needs
		}
		next = idx + 1
		out = append(out, string(rune('0'+idx))+":"+v)
	}
	slices.Sort(out)
	return out
}

func TestCatalogueIsComplete(t *testing.T) {
	en, fr := i18n.Keys(i18n.EN), i18n.Keys(i18n.FR)
	if !slices.Equal(en, fr) {
		for _, k := range en {
			if !i18n.FR.Has(k) {
				t.Errorf("French lacks %q", k)
			}
		}
		for _, k := range fr {
			if !i18n.EN.Has(k) {
				t.Errorf("English lacks %q", k)
			}
		}
	}
	if len(en) < 200 {
		t.Fatalf("only %d messages", len(en))
	}
	for _, k := range en {
		e, f := i18n.EN.T(k), i18n.FR.T(k)
		if strings.TrimSpace(e) == "" || strings.TrimSpace(f) == "" {
			t.Errorf("%q is blank in a language", k)
		}
		if pe, pf := placeholders(e), placeholders(f); !slices.Equal(pe, pf) {
			t.Errorf("%q: placeholders %v in English, %v in French", k, pe, pf)
		}
	}
}

// TestEveryCodeHasWords: every value of the enumerations a report or a
// page shows has words in both languages, and the words are not the code.
func TestEveryCodeHasWords(t *testing.T) {
	enums := map[string][]string{
		"family": strs(domain.Families), "direction": strs(domain.Directions), "opkind": strs(domain.OperationKinds),
		"tier": strs(domain.TargetTiers), "class": strs(domain.Classifications), "policy": strs(domain.PolicyKinds),
		"effect": strs(domain.EffectRatings), "role": strs(displacement.Roles),
		"method": strs([]impact.Method{impact.MethodBeforeAfter, impact.MethodITS, impact.MethodDiD, impact.MethodSyntheticControl, impact.MethodAuto}),
		"model":  strs([]impact.Model{impact.Gaussian, impact.QuasiPoisson}),
		"finding": strs([]evaluate.Finding{evaluate.FindingDisplacement, evaluate.FindingDiffusion, evaluate.FindingNoEvidence,
			evaluate.FindingNotInterpretable, evaluate.FindingUntested}),
		"verdict": {"DESIRED", "UNDESIRED", "NO_CLEAR_EFFECT", "INCREASE", "DECREASE"},
		"outcome": {"FOLLOWED_UP", "NOT_YET", "OUT_OF_SCOPE"},
		"status":  {"FINAL", "DRAFT", "PREVIEW"},
		"kind":    {"OPERATION", "POLICY_CHANGE"},
	}
	for enum, codes := range enums {
		for _, code := range codes {
			for _, l := range i18n.Langs {
				if !l.Has(enum + "." + code) {
					t.Errorf("%s has no words for %s %s", l, enum, code)
				} else if w := l.Code(enum, code); w == code {
					t.Errorf("%s words for %s %s are the code", l, enum, code)
				}
			}
		}
	}
	if got := i18n.EN.Code("verdict", "SOMETHING_NEW"); got != "SOMETHING_NEW" {
		t.Fatalf("unknown code reads %q", got)
	}
}

func strs[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	return out
}

func TestNumbersPerLocale(t *testing.T) {
	const nn = "\u202f"
	for _, c := range []struct {
		v      float64
		en, fr string
	}{
		{1234567, "1,234,567", "1" + nn + "234" + nn + "567"},
		{12345.6, "12,346", "12" + nn + "346"},
		{2500, "2,500", "2500"}, // French groups from five digits
		{-98765, "-98,765", "-98" + nn + "765"},
		{3.14159, "3.142", "3,142"},
		{0.01234, "0.01234", "0,01234"},
		{0, "0", "0"},
		{999.96, "1,000", "1000"}, // four significant digits, rounded up to a thousand
	} {
		if got := i18n.EN.Num(c.v); got != c.en {
			t.Errorf("EN %v: %q, want %q", c.v, got, c.en)
		}
		if got := i18n.FR.Num(c.v); got != c.fr {
			t.Errorf("FR %v: %q, want %q", c.v, got, c.fr)
		}
	}
	if got := i18n.FR.Fixed(1250.5, 1); got != "1250,5" {
		t.Errorf("FR Fixed: %q", got)
	}
	if got := i18n.EN.Fixed(math.Copysign(0, -1), 0); got != "0" {
		t.Errorf("EN Fixed(-0): %q", got)
	}
	if got, want := i18n.FR.Percent(0.0426), "4,3"+nn+"%"; got != want || i18n.EN.Percent(-0.3507) != "-35%" {
		t.Errorf("FR percent %q, want %q", got, want)
	}
	if got := i18n.EN.Int(10000); got != "10,000" {
		t.Errorf("EN int %q", got)
	}
}

func TestDatesAndPeriodsInWords(t *testing.T) {
	d := time.Date(2026, 12, 5, 14, 3, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{i18n.EN.Date(d), "5 December 2026"},
		{i18n.FR.Date(d), "5 décembre 2026"},
		{i18n.FR.DateString("2023-03-01"), "1er mars 2023"},
		{i18n.EN.DateString("2026-12-05T14:03:00Z"), "5 December 2026, 14:03 UTC"},
		{i18n.EN.Period("2019-03"), "March 2019"},
		{i18n.FR.Period("2019-03"), "mars 2019"},
		{i18n.EN.Period("2019-Q2"), "Q2 2019"},
		{i18n.FR.Period("2019-Q2"), "T2 2019"},
		{i18n.FR.Period("2019-W07"), "semaine 7 de 2019"},
		{i18n.EN.Period("2019"), "2019"},
		{i18n.EN.PeriodShort("2019-10"), "Oct 2019"},
		{i18n.EN.Period("not a period"), "not a period"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

func TestPluralsAndLists(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{i18n.EN.N("report.days", 1), "1 day"},
		{i18n.EN.N("report.days", 0), "0 days"},
		{i18n.FR.N("report.days", 0), "0 jour"},
		{i18n.FR.N("report.days", 1520), "1520 jours"},
		{i18n.EN.Join([]string{"a", "b", "c"}), "a, b and c"},
		{i18n.FR.Join([]string{"a", "b"}), "a et b"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]i18n.Lang{"": i18n.EN, "en": i18n.EN, "FR": i18n.FR, "fr-BE": i18n.FR, "en_GB": i18n.EN} {
		if got, err := i18n.ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %s, %v", in, got, err)
		}
	}
	if _, err := i18n.ParseLang("de"); err == nil || !strings.Contains(err.Error(), "en or fr") {
		t.Fatalf("ParseLang(de): %v", err)
	}
}

// FuzzParseLang: any input gives English, French or an error wrapping
// ErrUnknownLang, never a panic or another language.
func FuzzParseLang(f *testing.F) {
	for _, s := range []string{"", "en", "FR", "fr-BE", "de", "_", "-fr", "ＦＲ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := i18n.ParseLang(s)
		switch {
		case err != nil:
			if !errors.Is(err, i18n.ErrUnknownLang) || l != "" {
				t.Fatalf("ParseLang(%q) = %q, %v", s, l, err)
			}
		case l != i18n.EN && l != i18n.FR:
			t.Fatalf("ParseLang(%q) = %q", s, l)
		}
	})
}
