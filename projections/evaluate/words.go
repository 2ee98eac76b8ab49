package evaluate

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// codeWord is an argument of an explanation's message written in English
// as en (the text the API has always returned) and in other languages as
// the catalogue's words for the first of enums that has code, in lower
// case (the code itself when none has).
type codeWord struct {
	en    string
	code  string
	enums []string
}

// MarshalJSON writes w as its English words (an argument of an error's
// message goes to GraphQL clients as JSON).
func (w codeWord) MarshalJSON() ([]byte, error) { return json.Marshal(w.en) }

// Localize writes w in l.
func (w codeWord) Localize(l i18n.Lang) string {
	if l == i18n.EN {
		return w.en
	}
	for _, e := range w.enums {
		if l.Has(e + "." + w.code) {
			return strings.ToLower(l.Code(e, w.code))
		}
	}
	return w.en
}

// familyWord names an indicator family in a sentence ("availability").
func familyWord(f domain.Family) codeWord {
	return codeWord{en: strings.ToLower(string(f)), code: string(f), enums: []string{"family"}}
}

// kindWord names an intervention's kind in a sentence ("port control").
func kindWord(kind string) codeWord {
	return codeWord{en: strings.ToLower(strings.ReplaceAll(kind, "_", " ")), code: kind, enums: []string{"kind", "opkind", "policy"}}
}

// quoted is a title in quotation marks: Go's quoting in English (as the
// API has always written it), guillemets in French.
type quoted string

// Localize writes q in l.
func (q quoted) Localize(l i18n.Lang) string {
	if l == i18n.FR {
		return "«\u00a0" + string(q) + "\u00a0»"
	}
	return strconv.Quote(string(q))
}

// scaleMsg names a scale in words ("a count of events or items").
func scaleMsg(s domain.Scale) i18n.Msg {
	switch s {
	case domain.ScaleCount, domain.ScaleRate, domain.ScaleShare:
		return i18n.M("evaluate.scale." + string(s))
	}
	return i18n.M("evaluate.scale.LEVEL")
}
