package domain_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestWrapm: an error wrapped with a prefix of the catalogue reads in
// English as fmt.Errorf wrote it, in French with both the prefix and the
// inner message in French, and keeps the inner error's code and field.
func TestWrapm(t *testing.T) {
	for _, c := range []struct {
		name  string
		inner *domain.Error
		key   string
		args  []any
		fr    string
	}{
		{"window, no field", domain.Errorm(domain.BadInput, "", "impact.err.window.empty", 0, 3), "wrapm.placebo.window", []any{"2021-04"},
			"fenêtre placebo commençant en 2021-04 : la fenêtre [0, 3] ne contient aucune valeur observée"},
		{"synth, field", domain.Invalidm("treated", "impact.err.did.unidentified"), "wrapm.placebo", nil,
			"test placebo : l'effet n'est pas identifié : une fois éliminés les effets d'unité et de période, l'indicatrice de traitement ne varie plus"},
	} {
		var old error
		if c.key == "wrapm.placebo" {
			old = fmt.Errorf("placebo: %w", c.inner)
		} else {
			old = fmt.Errorf("placebo window from %s: %w", append(c.args, c.inner)...)
		}
		err := domain.Wrapm(c.inner, c.key, c.args...)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != c.inner.Code || de.Field != c.inner.Field {
			t.Fatalf("%s: %#v", c.name, err)
		}
		if !errors.Is(err, c.inner) {
			t.Errorf("%s: the inner error is lost", c.name)
		}
		// The message without the field is fmt.Errorf's text without it;
		// with no field, Error() is fmt.Errorf's text itself.
		wantMsg := old.Error()
		if c.inner.Field != "" {
			wantMsg = fmt.Sprintf("placebo: %s", c.inner.Message)
		}
		if de.Message != wantMsg || domain.MessageIn(err, i18n.EN) != wantMsg {
			t.Errorf("%s: English %q / %q, want %q", c.name, de.Message, domain.MessageIn(err, i18n.EN), wantMsg)
		}
		if c.inner.Field == "" && err.Error() != old.Error() {
			t.Errorf("%s: Error() %q, want %q", c.name, err.Error(), old.Error())
		}
		if got := domain.MessageIn(err, i18n.FR); got != c.fr {
			t.Errorf("%s: French\n got %q\nwant %q", c.name, got, c.fr)
		}
	}
	// Another error keeps fmt.Errorf's text and stays what it was.
	err := domain.Wrapm(io.ErrUnexpectedEOF, "wrapm.placebo")
	if err.Error() != "placebo: unexpected EOF" || !errors.Is(err, io.ErrUnexpectedEOF) || domain.ErrorCode(err) != domain.Internal {
		t.Errorf("plain error: %q, %v", err, domain.ErrorCode(err))
	}
	if domain.Wrapm(nil, "wrapm.placebo") != nil {
		t.Error("nil wrapped")
	}
}
