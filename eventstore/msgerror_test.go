package eventstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestMsgErrorInTheReadersLanguage: an MsgError's English is the
// catalogue's English, its French the catalogue's French with the
// package's sentinel errors and Alt causes written in French too, and
// errors.Is still finds its cause.
func TestMsgErrorInTheReadersLanguage(t *testing.T) {
	refused := fmt.Errorf("dial tcp: %w", errors.New("connection refused"))
	for _, c := range []struct {
		err    *MsgError
		cause  error
		en, fr string
	}{
		{Errorm(ErrCorrupt, "cli2.record.at", 7, ErrCorrupt), ErrCorrupt,
			"embedded: position 7: corrupt event record", "embedded : position 7 : enregistrement d'événement altéré"},
		{Errorm(refused, "cli2.kurrentdb.noanswer", "kurrentdb://h", Alt(refused, i18n.M("cli2.kurrentdb.refused"))), refused,
			"kurrentdb: kurrentdb://h does not answer: dial tcp: connection refused",
			"kurrentdb : kurrentdb://h ne répond pas : la connexion est refusée : un serveur KurrentDB est-il en service à cette adresse ?"},
		{Errorm(nil, "cli2.nats.replicas", 9), nil,
			"natsbus: replicas 9: a stream has 1 to 5 replicas", "natsbus : replicas 9 : un flux compte de 1 à 5 répliques"},
	} {
		if got := c.err.Error(); got != c.en || c.err.In(i18n.EN) != c.en {
			t.Errorf("English %q, want %q", got, c.en)
		}
		if got := c.err.In(i18n.FR); got != c.fr {
			t.Errorf("French %q, want %q", got, c.fr)
		}
		if c.cause != nil && !errors.Is(c.err, c.cause) {
			t.Errorf("%v does not wrap %v", c.err, c.cause)
		}
	}
}
