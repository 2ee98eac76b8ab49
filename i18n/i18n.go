package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// Lang is a language of the catalogue. The values are those of the
// GraphQL enum Lang.
type Lang string

// The languages.
const (
	EN Lang = "EN"
	FR Lang = "FR"
)

// Langs lists the languages, English first (the default).
var Langs = []Lang{EN, FR}

// ErrUnknownLang is returned by [ParseLang] for a language the catalogue
// does not hold.
var ErrUnknownLang = fmt.Errorf("not a language of the catalogue (en or fr)")

// ParseLang reads a language code in any case ("fr", "FR", "fr-BE",
// "en_GB"); the empty string is English. It returns an error wrapping
// [ErrUnknownLang] for any other language.
func ParseLang(s string) (Lang, error) {
	base := strings.ToUpper(strings.TrimSpace(s))
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "", "EN":
		return EN, nil
	case "FR":
		return FR, nil
	}
	return "", fmt.Errorf("%q: %w", s, ErrUnknownLang)
}

// Tag is the BCP 47 tag of l, for an HTML lang attribute.
func (l Lang) Tag() string {
	if l == FR {
		return "fr"
	}
	return "en"
}

func (l Lang) table() map[string]string {
	if l == FR {
		return fr
	}
	return en
}

// Has reports whether the catalogue holds key.
func (l Lang) Has(key string) bool {
	_, ok := l.table()[key]
	return ok
}

// T formats the message key with args (fmt verbs). A key missing from the
// catalogue gives the key in brackets, so that it shows and a test of the
// rendered text finds it.
func (l Lang) T(key string, args ...any) string {
	msg, ok := l.table()[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Code returns the words for code of enumeration enum (the message
// "enum.CODE"), or the code itself when the catalogue has none; "" stays
// "".
func (l Lang) Code(enum, code string) string {
	if code == "" {
		return ""
	}
	if msg, ok := l.table()[enum+"."+code]; ok {
		return msg
	}
	return code
}

// N formats the plural message key for count n: the message key+".one"
// or key+".other" by the language's rule (English: one for 1; French: one
// for 0 and 1), with n formatted as an integer and then args.
func (l Lang) N(key string, n int, args ...any) string {
	return l.T(l.Plural(key, n), append([]any{l.Int(n)}, args...)...)
}

// Plural returns the key of the plural form of key for count n: key+".one"
// or key+".other" by the language's rule (English: one for 1; French: one
// for 0 and 1). [Lang.N] uses it; use it directly to give the count as an
// argument of your own (an [Int], written as %d writes it in English).
func (l Lang) Plural(key string, n int) string {
	if n == 1 || (l == FR && n == 0) {
		return key + ".one"
	}
	return key + ".other"
}

// Join joins items as a list in words: "a, b and c" / "a, b et c".
func (l Lang) Join(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + l.T("list.and") + " " + items[len(items)-1]
}

// Keys returns the catalogue's keys for l, sorted.
func Keys(l Lang) []string {
	t := l.table()
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// register adds a part of the catalogue kept in a file of its own (one
// per subject, so that subjects grow without touching each other's
// lines): enMsgs and frMsgs are merged into the English and French tables.
// A key already in the catalogue is a programming error and panics at
// start-up; TestCatalogueIsComplete checks that both languages hold the
// same keys with the same placeholders.
func register(enMsgs, frMsgs map[string]string) {
	for _, part := range []struct {
		dst, src map[string]string
	}{{en, enMsgs}, {fr, frMsgs}} {
		for k, v := range part.src {
			if _, dup := part.dst[k]; dup {
				panic("i18n: message " + k + " is in the catalogue twice")
			}
			part.dst[k] = v
		}
	}
}
