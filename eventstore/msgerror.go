package eventstore

import (
	"github.com/supplyeval/supplyeval/i18n"
)

// MsgError is an error of an event store or a bus whose text is a
// message of the catalogue: Error gives its English (the text these
// packages have always returned), In writes it in another language, so
// that the command line names the cause of a refusal in its user's
// language. Err is the cause, for errors.Is and errors.As.
type MsgError struct {
	Msg i18n.Msg
	Err error
}

// Errorm returns the error whose text is the catalogue's message key
// with args, wrapping cause (nil for none). An argument that is an
// error is written in the message's language when it can be (an
// MsgError, an [Alt]), else as its English text.
func Errorm(cause error, key string, args ...any) *MsgError {
	args = append([]any(nil), args...)
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = errArg{err}
		}
	}
	return &MsgError{Msg: i18n.M(key, args...), Err: cause}
}

func (e *MsgError) Error() string { return i18n.EN.Render(e.Msg) }

// Unwrap returns the cause.
func (e *MsgError) Unwrap() error { return e.Err }

// In writes the error in l.
func (e *MsgError) In(l i18n.Lang) string { return l.Render(e.Msg) }

// errArg is an error given as an argument of a message.
type errArg struct{ err error }

func (a errArg) Localize(l i18n.Lang) string {
	if l != i18n.EN {
		for _, s := range sentinels {
			if a.err == s.err { // errors of other types never equal one (no hash, no panic)
				return l.T(s.key)
			}
		}
		if ErrorIn != nil {
			return ErrorIn(a.err, l)
		}
		if e, ok := a.err.(interface{ In(i18n.Lang) string }); ok {
			return e.In(l)
		}
	}
	return a.err.Error()
}

// ErrorIn, when set, writes an error given as an argument of an
// MsgError in a language other than English: the program sets it to
// its own writer of errors, which knows the system's errors (a file
// that cannot be created, a connection refused) as well as this
// package's. Unset, such an error is written by its In method when it
// has one, else as its English text. Set it once, before any error is
// written.
var ErrorIn func(err error, l i18n.Lang) string

// sentinels are the errors of this package whose words are in the
// catalogue (their English is the error's text).
var sentinels = []struct {
	err error
	key string
}{
	{ErrWrongExpectedVersion, "cli2.store.version"},
	{ErrStreamNotFound, "cli2.store.nostream"},
	{ErrEmptyAppend, "cli2.store.empty"},
	{ErrInvalidStream, "cli2.store.stream"},
	{ErrClosed, "cli2.store.closed"},
	{ErrCorrupt, "cli2.store.corrupt"},
	{ErrUnavailable, "cli2.store.unavailable"},
}

// Alt returns err, an error of another library whose text is English
// only, as an error whose English is err's text byte for byte and whose
// text in other languages is the message other: what the error means,
// in the reader's words. Errors.Is and errors.As see err.
func Alt(err error, other i18n.Msg) error { return alt{err: err, other: other} }

type alt struct {
	err   error
	other i18n.Msg
}

func (a alt) Error() string { return a.err.Error() }

func (a alt) Unwrap() error { return a.err }

// In writes the error in l.
func (a alt) In(l i18n.Lang) string {
	if l == i18n.EN {
		return a.err.Error()
	}
	return l.Render(a.other)
}
