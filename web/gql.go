package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
)

// apiError is one error of a GraphQL answer: its message, code and the
// alias (first path element) it belongs to.
type apiError struct {
	Message string
	Code    string
	Alias   string
	// Msg and Field are the message in the catalogue and the input field
	// at fault (extensions messageKey, messageArgs and field), when the
	// API gives them: In writes the error in the page's language.
	Msg   i18n.Msg
	Field string
}

func (e apiError) Error() string { return e.Message }

// In writes the error in l: from the catalogue when the API gave its
// message key, else the API's (English) message.
func (e apiError) In(l i18n.Lang) string {
	if l == i18n.EN || e.Msg.IsZero() {
		return e.Message
	}
	if e.Field != "" {
		return l.T("error.field", e.Field, l.Render(e.Msg))
	}
	return l.Render(e.Msg)
}

// apiErrors are the errors of one answer.
type apiErrors []apiError

func (es apiErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "; ")
}

// In writes the errors in l, joined as Error joins them.
func (es apiErrors) In(l i18n.Lang) string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.In(l)
	}
	return strings.Join(msgs, "; ")
}

// code returns the code of the first error ("" if none).
func (es apiErrors) code() string {
	if len(es) == 0 {
		return ""
	}
	return es[0].Code
}

// query runs a GraphQL query as r's principal and decodes its data into
// out. It returns the answer's errors (partial data is decoded too).
func (r *request) query(q string, vars map[string]any, out any) apiErrors {
	return r.h.exec(r.Context(), r.principal, q, vars, out, true)
}

// mutate runs a GraphQL mutation as r's principal.
func (r *request) mutate(q string, vars map[string]any, out any) apiErrors {
	return r.h.exec(r.Context(), r.principal, q, vars, out, false)
}

func (h *Handler) exec(ctx context.Context, p graphql.Principal, q string, vars map[string]any, out any, readOnly bool) apiErrors {
	ctx = graphql.NewContextWithPrincipal(ctx, p)
	resp := h.cfg.API.Do(ctx, graphql.Request{Query: q, Variables: vars}, readOnly)
	var errs apiErrors
	for _, e := range resp.Errors {
		ae := apiError{Message: e.Message}
		if c, ok := e.Extensions["code"].(string); ok {
			ae.Code = c
		}
		if k, ok := e.Extensions["messageKey"].(string); ok {
			args, _ := e.Extensions["messageArgs"].([]any)
			ae.Msg = i18n.M(k, args...)
			ae.Field, _ = e.Extensions["field"].(string)
		}
		if len(e.Path) > 0 {
			ae.Alias = fmt.Sprint(e.Path[0])
		}
		errs = append(errs, ae)
	}
	if resp.Data != nil && out != nil {
		b, err := json.Marshal(resp.Data)
		if err == nil {
			err = json.Unmarshal(b, out)
		}
		if err != nil {
			errs = append(errs, apiError{Message: "decode answer: " + err.Error(), Code: "INTERNAL"})
		}
	}
	return errs
}
