package natsbus

import (
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestErrorsInFrench: the errors a user meets with a bad --bus URL or
// a server that cannot serve are English as before and French in French.
func TestErrorsInFrench(t *testing.T) {
	in := func(err error) string { return err.(interface{ In(i18n.Lang) string }).In(i18n.FR) }
	for _, c := range []struct {
		url, en, fr string
	}{
		{"http://x", `natsbus: URL "http://x": use nats://host:port (or tls://)`, `natsbus : adresse "http://x" : indiquez nats://hôte:port (ou tls://)`},
		{"nats://h?replicas=x", `natsbus: URL replicas="x": not a whole number`, `natsbus : adresse, replicas="x" : nombre entier attendu`},
		{"nats://h?max-age=-1h", `natsbus: max-age -1h0m0s: must not be negative (0 keeps events for ever)`,
			`natsbus : max-age -1h0m0s : ne peut être négatif (0 conserve les événements sans limite de durée)`},
		{"nats://%zz", `natsbus: URL: parse "nats://%zz": invalid URL escape "%zz"`, `natsbus : adresse : "nats://%zz" n'est pas une adresse lisible`},
	} {
		_, _, err := ParseURL(c.url)
		if err == nil || err.Error() != c.en || in(err) != c.fr {
			t.Errorf("ParseURL(%q): %v\nFrench %q\nwant %q\nand %q", c.url, err, in(err), c.en, c.fr)
		}
	}
	for _, c := range []struct {
		err error
		fr  string
	}{
		{streamErr("S_EVENTS", fmt.Errorf("wrapped: %w", jetstream.ErrJetStreamNotEnabled)),
			"natsbus : flux S_EVENTS : le serveur NATS n'exécute pas JetStream (lancez-le avec -js)"},
		{streamErr("S_EVENTS", nats.ErrTimeout), "natsbus : flux S_EVENTS : le serveur NATS n'a pas répondu à temps"},
	} {
		if got := in(c.err); got != c.fr {
			t.Errorf("French %q, want %q", got, c.fr)
		}
	}
	if got, want := streamErr("S", nats.ErrTimeout).Error(), "natsbus: stream S: "+nats.ErrTimeout.Error(); got != want {
		t.Errorf("English %q, want %q", got, want)
	}
}
