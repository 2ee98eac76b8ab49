package i18n

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Msg is a message of the catalogue not yet written in a language: its key
// and its arguments, kept as values (numbers as numbers, codes as codes,
// nested messages as messages) so that each language writes them its own
// way. Code that explains its results (the estimation methods, the
// importer, the commands' validation) returns Msgs; the page, the report
// or the API renders them in the reader's language with [Lang.Render].
//
// An argument that implements [Localizer] (a nested Msg, a [Text], a
// [Number], a [List]) is written in the language first and then given to
// the message's %s; any other argument goes to the fmt verb as it is.
type Msg struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// M returns the message key with args.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Localizer is an argument of a [Msg] that writes itself in a language.
type Localizer interface {
	Localize(l Lang) string
}

// Localize renders m in l; a Msg nested in another is written in the
// same language.
func (m Msg) Localize(l Lang) string { return l.Render(m) }

// IsZero reports whether m holds no message.
func (m Msg) IsZero() bool { return m.Key == "" }

// Render writes m in l: [Lang.T] of its key with its arguments, the
// [Localizer] ones written in l first. The zero Msg renders as "".
func (l Lang) Render(m Msg) string {
	if m.Key == "" {
		return ""
	}
	if len(m.Args) == 0 {
		return l.T(m.Key)
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if loc, ok := a.(Localizer); ok {
			args[i] = loc.Localize(l)
		} else {
			args[i] = a
		}
	}
	return l.T(m.Key, args...)
}

// RenderAll writes each message of ms in l (a list of assumptions, of
// warnings); nil for none.
func (l Lang) RenderAll(ms []Msg) []string {
	if len(ms) == 0 {
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = l.Render(m)
	}
	return out
}

// Text is a paragraph: messages written one after the other, separated
// by a space (each message is a sentence, or a run of sentences, without
// a leading or trailing space).
type Text []Msg

// In writes t in l. Messages that render empty are skipped.
func (t Text) In(l Lang) string {
	var b strings.Builder
	for _, m := range t {
		s := l.Render(m)
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Localize writes t in l, for a paragraph given as an argument.
func (t Text) Localize(l Lang) string { return t.In(l) }

// Keys lists the message keys t uses, nested arguments included.
func (t Text) Keys() []string {
	var out []string
	for _, m := range t {
		out = m.appendKeys(out)
	}
	return out
}

// Keys lists the message keys m uses: its own and those of nested
// messages, texts and lists.
func (m Msg) Keys() []string { return m.appendKeys(nil) }

func (m Msg) appendKeys(out []string) []string {
	if m.Key == "" {
		return out
	}
	out = append(out, m.Key)
	for _, a := range m.Args {
		switch v := a.(type) {
		case Msg:
			out = v.appendKeys(out)
		case Text:
			for _, x := range v {
				out = x.appendKeys(out)
			}
		case Counted:
			out = M(v.Key+".one", v.Args...).appendKeys(out)
			out = append(out, v.Key+".other")
		case List:
			for _, x := range v.Items {
				if mx, ok := x.(Msg); ok {
					out = mx.appendKeys(out)
				}
			}
			if v.More != "" {
				out = append(out, v.More)
			}
		}
	}
	return out
}

// Number is a numeric argument: the value V, and Fmt, the function that
// writes it in the locale-free form of the estimation code (digits, a
// decimal point, a leading '-' or '+', perhaps an exponent), which fixes
// the rounding. English prints that form as it is (the text the API has
// always returned); French groups thousands with a narrow no-break space
// and writes a decimal comma. A nil Fmt writes V as [Plain] does.
type Number struct {
	V   float64
	Fmt func(float64) string
}

// Num returns the number v written by format (see [Number]).
func Num(format func(float64) string, v float64) Number { return Number{V: v, Fmt: format} }

// Localize writes n in l.
func (n Number) Localize(l Lang) string {
	var s string
	if n.Fmt != nil {
		s = n.Fmt(n.V)
	} else {
		s = plain(n.V)
	}
	if l == EN {
		return s
	}
	return l.Decimal(s)
}

// MarshalJSON writes the number alone (the format is a function).
func (n Number) MarshalJSON() ([]byte, error) { return json.Marshal(n.V) }

// Decimal rewrites a number written in the locale-free form (digits, '.',
// a sign, perhaps an exponent) with l's decimal mark and, in French,
// thousands grouping; English is returned unchanged. Text that is not a
// number is returned as it is.
func (l Lang) Decimal(s string) string {
	if l == EN || s == "" {
		return s
	}
	sign := ""
	if s[0] == '+' {
		sign, s = "+", s[1:]
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return sign + s
	}
	return sign + l.localise(s)
}

// G is a number argument written as fmt's %g (prec -1) or %.<prec>g
// writes it in English, with the reader's grouping and decimal mark in
// other languages.
func G(v float64, prec int) Number {
	return Num(func(x float64) string { return strconv.FormatFloat(x, 'g', prec, 64) }, v)
}

// Counted is a message argument whose wording follows a count: it is
// written with the key's plural form for N in the language it is written
// in (Key+".one" or Key+".other", [Lang.Plural]), with Args, so that a
// verb and its noun agree ("1 région a adopté", "3 régions ont adopté").
type Counted struct {
	Key  string
	N    int
	Args []any
}

// Count returns the Counted message of key for n with args.
func Count(key string, n int, args ...any) Counted { return Counted{Key: key, N: n, Args: args} }

// Localize writes c in l.
func (c Counted) Localize(l Lang) string { return l.Render(M(l.Plural(c.Key, c.N), c.Args...)) }

// Int is an integer argument: English writes it plainly (as %d does),
// French groups the thousands.
type Int int

// Localize writes n in l.
func (n Int) Localize(l Lang) string {
	if l == EN {
		return strconv.Itoa(int(n))
	}
	return l.Int(int(n))
}

// List is a list argument written in words: the items joined by commas,
// and, when there are more than Show (Show > 0), the first Show followed
// by the message More with the number left out ("and %d more"). Items
// may be strings or Localizers.
type List struct {
	Items []any
	Show  int
	More  string
	// And joins the last item with the language's "and" instead of a
	// comma.
	And bool
	// Sep is the message key of the separator of the items; empty means
	// ", ".
	Sep string
}

// Strings returns the list of codes or names xs, shown in full, joined by
// commas.
func Strings(xs []string) List {
	items := make([]any, len(xs))
	for i, x := range xs {
		items[i] = x
	}
	return List{Items: items}
}

// Localize writes the list in l.
func (li List) Localize(l Lang) string {
	items := make([]string, 0, len(li.Items))
	for _, x := range li.Items {
		switch v := x.(type) {
		case string:
			items = append(items, v)
		case Localizer:
			items = append(items, v.Localize(l))
		default:
			items = append(items, fmt.Sprint(v))
		}
	}
	sep := ", "
	if li.Sep != "" {
		sep = l.T(li.Sep)
	}
	if li.Show > 0 && len(items) > li.Show {
		return strings.Join(items[:li.Show], sep) + " " + l.T(li.More, len(items)-li.Show)
	}
	if li.And {
		return l.Join(items)
	}
	return strings.Join(items, sep)
}

// InOr writes t in l; English, and a text built without messages, give
// english, the text as written in English when the result was made.
func (t Text) InOr(l Lang, english string) string {
	if l == EN || len(t) == 0 {
		return english
	}
	return t.In(l)
}

// RenderOr writes m in l; English, and the zero Msg, give english (see
// [Text.InOr]).
func (l Lang) RenderOr(m Msg, english string) string {
	if l == EN || m.IsZero() {
		return english
	}
	return l.Render(m)
}

// RenderAllOr writes ms in l; English, and messages that do not match
// english one to one, give english (see [Text.InOr]).
func (l Lang) RenderAllOr(ms []Msg, english []string) []string {
	if l == EN || len(ms) != len(english) {
		return english
	}
	return l.RenderAll(ms)
}
