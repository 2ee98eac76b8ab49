package natsbus

import (
	"errors"
	"net/url"

	"github.com/nats-io/nats.go"

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
