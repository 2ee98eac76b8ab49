package natsbus

import (
	"context"
	"errors"
	"net/url"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// urlErr is an error of url.Parse as the cause of a refusal: its
// English text, and in another language what is wrong in the reader's
// words.
func urlErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return eventstore.Alt(err, i18n.M("cli2.url.bad", ue.URL))
	}
	return err
}

// connectErr is an error of nats.Connect as the cause of a refusal, in
// the reader's words for the errors a user meets (no server, refused
// credentials); any other keeps the library's English.
func connectErr(err error) error {
	switch {
	case errors.Is(err, nats.ErrNoServers):
		return eventstore.Alt(err, i18n.M("cli2.nats.noservers"))
	case errors.Is(err, nats.ErrAuthorization):
		return eventstore.Alt(err, i18n.M("cli2.nats.auth"))
	}
	return err
}

// streamErr is an error of JetStream about stream name, as the cause of
// a refusal.
func streamErr(name string, err error) error {
	return eventstore.Errorm(err, "cli2.nats.stream", name, jetStreamErr(err))
}

// jetStreamErr is an error of JetStream in the reader's words for the
// errors a user meets starting a node (a server without JetStream, a
// stream missing, no answer in time); any other keeps the library's
// English.
func jetStreamErr(err error) error {
	switch {
	case errors.Is(err, jetstream.ErrJetStreamNotEnabled), errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
		return eventstore.Alt(err, i18n.M("cli2.nats.nojetstream"))
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return eventstore.Alt(err, i18n.M("cli2.nats.nostream"))
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		return eventstore.Alt(err, i18n.M("cli2.nats.timeout"))
	}
	return err
}
