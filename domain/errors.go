package domain

import (
	"errors"
	"fmt"

	"github.com/supplyeval/supplyeval/i18n"
)

// Code classifies an error for the caller. The GraphQL layer reports it as
// extensions.code; the command line maps it to an exit status.
type Code string

// The error codes of the API contract (DESIGN.md section 5).
const (
	// BadInput: the request is malformed or breaks a rule; nothing changed.
	BadInput Code = "BAD_INPUT"
	// NotFound: a named thing does not exist (or the caller may not know it does).
	NotFound Code = "NOT_FOUND"
	// Conflict: the request contradicts what was recorded (already exists,
	// concurrent change, command ID reused for another command).
	Conflict Code = "CONFLICT"
	// Unauthenticated: no or an unknown credential.
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden: the caller may not do this.
	Forbidden Code = "FORBIDDEN"
	// TooComplex: the request exceeds a size, depth or complexity limit.
	TooComplex Code = "TOO_COMPLEX"
	// Unavailable: the node cannot do this now (disk full, store unreachable,
	// replica behind the asked position); nothing changed and the same request
	// may succeed later. Over HTTP it is status 503 with Retry-After.
	Unavailable Code = "UNAVAILABLE"
	// Internal: a fault of the system, not of the request.
	Internal Code = "INTERNAL"
)

// Error is the one error type that crosses package boundaries with a code.
// Field, when set, names the input field at fault (for example
// "rows[3].period"); Message says what is wrong with it in plain words.
type Error struct {
	Code    Code
	Field   string
	Message string
	// Err is an optional underlying cause.
	Err error
	// Msg, when set, is Message as a message of the catalogue (key and
	// arguments), so that a page can show the error in its reader's
	// language; Message is its English rendering.
	Msg i18n.Msg
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code, field and formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Errorm returns an *Error with the given code and field whose message is
// the catalogue's message key with args (Message is its English
// rendering).
func Errorm(code Code, field, key string, args ...any) *Error {
	m := i18n.M(key, args...)
	return &Error{Code: code, Field: field, Message: i18n.EN.Render(m), Msg: m}
}

// Invalidm returns a BAD_INPUT error about field with the catalogue's
// message key and args (see [Errorm]).
func Invalidm(field, key string, args ...any) *Error {
	return Errorm(BadInput, field, key, args...)
}

// MessageIn writes the message of the first *Error in err's chain in l:
// from the catalogue when it has a Msg, else its English Message; for
// any other error, err.Error(). The field is not included.
func MessageIn(err error, l i18n.Lang) string {
	var e *Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.Msg.IsZero() {
		return e.Message
	}
	return l.Render(e.Msg)
}

// Wrapm returns err with a prefix of the catalogue, in place of
// fmt.Errorf("<prefix>: %w", err), so that the prefix is written in the
// reader's language too: key is a message whose last %s is the inner
// message (for example "placebo window from %s: %s") and args are its
// other arguments.
//
// When err holds an *Error, the result is an *Error with its Code and
// Field, whose Message is the key's English with the inner Message (the
// text fmt.Errorf gave when the inner error has no field; a field leads,
// as in every *Error) and whose Msg is the key's message with the inner
// error's Msg (or, without one, its English Message) as last argument;
// Err is err, so that errors.Is and errors.As still find it. Any other
// err is wrapped as fmt.Errorf would, with the key's English as prefix.
// A nil err gives nil.
func Wrapm(err error, key string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return &wrapped{text: i18n.EN.Render(i18n.M(key, append(args, err.Error())...)), err: err}
	}
	var inner any = e.Message
	if !e.Msg.IsZero() {
		inner = e.Msg
	}
	m := i18n.M(key, append(append([]any(nil), args...), inner)...)
	return &Error{Code: e.Code, Field: e.Field, Message: i18n.EN.Render(i18n.M(key, append(append([]any(nil), args...), e.Message)...)), Err: err, Msg: m}
}

// wrapped is an error that is not an *Error with an English prefix (see
// [Wrapm]).
type wrapped struct {
	text string
	err  error
}

func (w *wrapped) Error() string { return w.text }
func (w *wrapped) Unwrap() error { return w.err }

// Invalid returns a BAD_INPUT error about field.
func Invalid(field, format string, args ...any) *Error {
	return Errorf(BadInput, field, format, args...)
}

// invalidBy returns err, an error without a field (of ParsePeriod or
// ParseDate), as a BAD_INPUT error about field with err's message: its
// message of the catalogue when it has one.
func invalidBy(field string, err error) *Error {
	var e *Error
	if errors.As(err, &e) && !e.Msg.IsZero() && e.Field == "" {
		return Invalidm(field, e.Msg.Key, e.Msg.Args...)
	}
	return Invalid(field, "%s", err)
}

// msgArg returns err as an argument of a message: its message of the
// catalogue when it is an *Error without a field that has one, else its
// English text.
func msgArg(err error) any {
	var e *Error
	if errors.As(err, &e) && !e.Msg.IsZero() && e.Field == "" {
		return e.Msg
	}
	return err.Error()
}

// ErrorCode returns the code of the first *Error in err's chain, Internal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Prefix returns err with its field prefixed by prefix (for nested inputs:
// Prefix("rows[2]", err) turns "period" into "rows[2].period"). Errors that
// are not *Error come back unchanged.
func Prefix(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	switch {
	case c.Field == "":
		c.Field = prefix
	case c.Field[0] == '[':
		c.Field = prefix + c.Field
	default:
		c.Field = prefix + "." + c.Field
	}
	return &c
}
