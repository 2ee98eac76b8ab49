package main

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// cliError is an error of the command line whose text is a message of
// the catalogue ("cli.err.*"): Error gives its English, errIn writes it
// in the user's language. An argument that is an error is written in
// the language too (errIn), and the first one is the cause that
// errors.Is and errors.As see.
type cliError struct {
	msg   i18n.Msg
	cause error
}

func (e *cliError) Error() string { return i18n.EN.Render(e.msg) }

func (e *cliError) Unwrap() error { return e.cause }

// In writes the error in l.
func (e *cliError) In(l i18n.Lang) string { return l.Render(e.msg) }

// errm returns the error whose text is the catalogue's message key with
// args; args that are errors are written through errIn.
func errm(key string, args ...any) error {
	e := &cliError{}
	args = append([]any(nil), args...)
	for i, a := range args {
		if err, ok := a.(error); ok {
			if e.cause == nil {
				e.cause = err
			}
			args[i] = errText{err}
		}
	}
	e.msg = i18n.M(key, args...)
	return e
}

// usageError marks errors of the command line itself (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func (e usageError) Unwrap() error { return e.err }

// In writes the error in l.
func (e usageError) In(l i18n.Lang) string { return errIn(e.err, l) }

// usage returns a usageError whose text is the catalogue's message key
// with args (see errm).
func usage(key string, args ...any) error { return usageError{errm(key, args...)} }

// errText is an error given as a message argument: written in the
// message's language by errIn.
type errText struct{ err error }

func (e errText) Localize(l i18n.Lang) string { return errIn(e.err, l) }

// alt is an error whose English is that of en (a text of another package,
// kept byte for byte) and whose text in other languages is the message
// other: for a cause this package knows better than the error it got.
type alt struct {
	en    error
	other i18n.Msg
}

func (a alt) Error() string { return a.en.Error() }

func (a alt) Unwrap() error { return a.en }

// In writes the error in l.
func (a alt) In(l i18n.Lang) string {
	if l == i18n.EN {
		return a.en.Error()
	}
	return l.Render(a.other)
}

// The event stores' errors write their causes as this package does.
func init() { eventstore.ErrorIn = errIn }

// errnoKeys are the system errors whose words are in the catalogue.
var errnoKeys = map[syscall.Errno]string{
	syscall.ENOENT:       "cli.err.errno.ENOENT",
	syscall.EACCES:       "cli.err.errno.EACCES",
	syscall.EPERM:        "cli.err.errno.EPERM",
	syscall.EISDIR:       "cli.err.errno.EISDIR",
	syscall.ENOTDIR:      "cli.err.errno.ENOTDIR",
	syscall.ENOSPC:       "cli.err.errno.ENOSPC",
	syscall.EROFS:        "cli.err.errno.EROFS",
	syscall.ECONNREFUSED: "cli.err.errno.ECONNREFUSED",
}

// errIn writes err in l, as one text: English is err.Error() byte for
// byte. Otherwise the errors of this package and of the domain (a
// *domain.Error with a message key, through domain.MessageIn), the
// errors that can write themselves in a language (an importer's row
// error), joined errors (one per line), files that cannot be opened and
// system errors are written in l; an error that only wraps one of these
// keeps its own (English) words around the cause written in l; any other
// error gives its English text.
func errIn(err error, l i18n.Lang) string {
	if err == nil {
		return ""
	}
	if l == i18n.EN {
		return err.Error()
	}
	switch e := err.(type) {
	case interface{ In(i18n.Lang) string }:
		return e.In(l)
	case *domain.Error:
		msg := domain.MessageIn(e, l)
		if e.Field != "" {
			return l.T("error.field", e.Field, msg)
		}
		return msg
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		lines := make([]string, 0, len(errs))
		for _, x := range errs {
			if x != nil {
				lines = append(lines, errIn(x, l))
			}
		}
		return strings.Join(lines, "\n")
	case *fs.PathError:
		if k := "cli.err.path." + e.Op; l.Has(k) {
			return l.T(k, e.Path, errIn(e.Err, l))
		}
	case syscall.Errno:
		if k, ok := errnoKeys[e]; ok {
			return l.T(k)
		}
	}
	// A wrapper (fmt.Errorf("...: %w", cause)) whose text holds that of
	// its cause: its words stay, the cause is written in l.
	if u := errors.Unwrap(err); u != nil {
		s, c := err.Error(), u.Error()
		if i := strings.LastIndex(s, c); i >= 0 && c != "" {
			return s[:i] + errIn(u, l) + s[i+len(c):]
		}
	}
	return err.Error()
}
