package graphql

import (
	"context"
	"errors"

	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// apiError is an error as the API reports it: a message and, in
// extensions, its code and the input field at fault.
type apiError struct {
	code    domain.Code
	field   string
	message string
	// msg is the message (without the field) as a message of the
	// catalogue, when the error has one.
	msg i18n.Msg
}

func (e *apiError) Error() string { return e.message }

// Extensions returns the GraphQL error extensions: code, field when
// known, and, when the message is in the catalogue, messageKey and
// messageArgs, from which a client writes it in another language (the
// web pages write it in French).
func (e *apiError) Extensions() map[string]any {
	ext := map[string]any{"code": string(e.code)}
	if e.field != "" {
		ext["field"] = e.field
	}
	if !e.msg.IsZero() {
		args := e.msg.Args
		if args == nil {
			args = []any{}
		}
		ext["messageKey"], ext["messageArgs"] = e.msg.Key, args
	}
	return ext
}

var _ gqlerrors.ExtendedError = (*apiError)(nil)

// toAPIError translates any error into the API's vocabulary, once, at the
// edge. Internal errors keep their message out of the response: it is
// logged instead.
func toAPIError(err error, prefix string) *apiError {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		field := de.Field
		if prefix != "" {
			if field == "" {
				field = prefix
			} else {
				field = prefix + "." + field
			}
		}
		msg := de.Message
		if field != "" {
			msg = field + ": " + msg
		}
		if de.Code == domain.Internal {
			return &apiError{code: domain.Internal, message: "internal error"}
		}
		return &apiError{code: de.Code, field: field, message: msg, msg: de.Msg}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{code: domain.TooComplex, message: "the request took longer than its time limit"}
	case errors.Is(err, context.Canceled):
		return &apiError{code: domain.Internal, message: "the request was cancelled"}
	}
	return &apiError{code: domain.Internal, message: "internal error"}
}

// badInput is a BAD_INPUT error about field whose message is err's: its
// message of the catalogue too when err is a *domain.Error that has one
// and no field of its own (a date that does not parse, in words a client
// can write in its language).
func badInput(field string, err error) error {
	e := domain.Invalid(field, "%s", err)
	var de *domain.Error
	if errors.As(err, &de) && de.Field == "" && !de.Msg.IsZero() && de.Message == e.Message {
		e.Msg = de.Msg
	}
	return e
}
