package importer

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/i18n"
)

// jsonContexts are the places encoding/json names after "invalid
// character 'c'", with their message keys.
var jsonContexts = map[string]string{
	"looking for beginning of value":             "cli2.json.ctx.value",
	"after object key":                           "cli2.json.ctx.key",
	"after object key:value pair":                "cli2.json.ctx.pair",
	"after array element":                        "cli2.json.ctx.element",
	"looking for beginning of object key string": "cli2.json.ctx.keystart",
	"in string literal":                          "cli2.json.ctx.string",
	"in numeric literal":                         "cli2.json.ctx.number",
	"after top-level value":                      "cli2.json.ctx.top",
}

// jsonCause is an error of encoding/json as an argument of a message:
// a message of the catalogue when one gives back its text byte for byte
// in English (the errors a mapping file meets: cut short, an unknown
// field, an unexpected character, a value of the wrong type), else the
// text itself.
func jsonCause(err error) any {
	var m i18n.Msg
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		m = i18n.M("cli2.json.eof")
	case errors.As(err, &syn):
		if rest, ok := strings.CutPrefix(syn.Error(), "invalid character "); ok {
			if c, err := strconv.QuotedPrefix(rest); err == nil {
				if k, ok := jsonContexts[strings.TrimPrefix(rest[len(c):], " ")]; ok {
					m = i18n.M("cli2.json.char", c, i18n.M(k))
				}
			}
		}
	case errors.As(err, &typ):
		if typ.Type != nil {
			var value any = typ.Value
			if k := "cli2.json.kind." + typ.Value; i18n.EN.Has(k) {
				value = i18n.M(k)
			}
			m = i18n.M("cli2.json.type", value, typ.Struct, typ.Field, typ.Type.String())
		}
	default:
		if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if name, err := strconv.Unquote(rest); err == nil {
				m = i18n.M("cli2.json.field", name)
			}
		}
	}
	if m.IsZero() || i18n.EN.Render(m) != err.Error() {
		return err.Error()
	}
	return m
}
