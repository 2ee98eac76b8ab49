package importer

import (
	"errors"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestMappingJSONErrorsInFrench: a JSON mapping encoding/json cannot
// read is refused with encoding/json's text in English, byte for byte,
// and in French words in French.
func TestMappingJSONErrorsInFrench(t *testing.T) {
	for _, c := range []struct {
		mapping, en, fr string
	}{
		{`{"indicator": `, "mapping: unexpected EOF", "correspondance : fin de fichier inattendue (le JSON est incomplet)"},
		{`{"indicator": "X", "nope": 1}`, `mapping: json: unknown field "nope"`, `correspondance : json : champ inconnu "nope"`},
		{`{"indicator": x}`, "mapping: invalid character 'x' looking for beginning of value",
			"correspondance : caractère 'x' inattendu là où une valeur doit commencer"},
		{`{"indicator": "X",}`, "mapping: invalid character '}' looking for beginning of object key string",
			"correspondance : caractère '}' inattendu là où une clé d'objet doit commencer"},
		{`{"indicator": 5}`, "mapping: json: cannot unmarshal number into Go struct field Mapping.indicator of type string",
			"correspondance : json : une valeur numérique ne peut être lue dans le champ Mapping.indicator, de type string"},
	} {
		_, err := ParseMapping([]byte(c.mapping))
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("ParseMapping(%s): %v, want a domain error", c.mapping, err)
		}
		if err.Error() != c.en {
			t.Errorf("ParseMapping(%s): %q, want %q", c.mapping, err.Error(), c.en)
		}
		if got := domain.MessageIn(err, i18n.FR); got != c.fr {
			t.Errorf("ParseMapping(%s) in French: %q, want %q", c.mapping, got, c.fr)
		}
	}
	// A text no message gives back stays as it is.
	if got := jsonCause(errors.New("json: something new")); got != "json: something new" {
		t.Errorf("unknown error: %v", got)
	}
	if strings.Contains(i18n.FR.T("cli2.json.char", "'x'", i18n.M("cli2.json.ctx.value")), "looking") {
		t.Error("French context in English")
	}
}
