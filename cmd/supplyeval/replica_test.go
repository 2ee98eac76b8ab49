package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/supplyeval/supplyeval/eventstore/natsbus"
)

// natsBus returns a --bus/--follow URL with a prefix unique to the test on
// the NATS server at 127.0.0.1:4222, whose streams are deleted after the
// test, and a JetStream handle; it skips the test without a server.
func natsBus(t testing.TB) (string, jetstream.JetStream, natsbus.Topology) {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:4222", 500*time.Millisecond)
	if err != nil {
		t.Skip("no NATS server on 127.0.0.1:4222; start one with JetStream: " +
			"start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server")
	}
	c.Close()
	var b [5]byte
	rand.Read(b[:])
	url := "nats://127.0.0.1:4222?prefix=cmdtest-" + hex.EncodeToString(b[:])
	_, topo, err := natsbus.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := natsbus.Connect("nats://127.0.0.1:4222", t.Name())
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := topo.Delete(ctx, js); err != nil {
			t.Errorf("delete streams: %v", err)
		}
		nc.Close()
	})
	return url, js, topo
}

const replicaSeries = `query($asOf: String, $w: String!) {
  series(indicator: "seizures", region: "DE60", from: "1990-01-01", to: "2040-12-31",
         dimensions: [{key: "writer", value: $w}], asOf: $asOf) { points { period value position } } }`

// points returns the series of writer w as asked of s at asOf ("" for latest).
func points(t *testing.T, s *server, w, asOf string) []any {
	t.Helper()
	vars := map[string]any{"w": w}
	if asOf != "" {
		vars["asOf"] = asOf
	}
	d := s.must(replicaSeries, vars)
	series, _ := d["series"].(map[string]any)
	if series == nil {
		return nil
	}
	pts, _ := series["points"].([]any)
	return pts
}

// writeDays records n observations of writer w on the primary in batches
// of batch days from day 0 on, and returns the last position.
func writeDays(t *testing.T, s *server, w string, from, n, batch int) string {
	t.Helper()
	first := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	var pos string
	for start := from; start < from+n; start += batch {
		rows := make([]any, 0, batch)
		for i := start; i < min(start+batch, from+n); i++ {
			rows = append(rows, map[string]any{"region": "DE60", "period": first.AddDate(0, 0, i).Format("2006-01-02"),
				"value": float64(i%997) + 0.5, "dimensions": dimsOf(w)})
		}
		d := s.must(recordBatch, map[string]any{"id": fmt.Sprintf("%s-%d", w, start), "rows": rows})
		pos = d["recordObservations"].(map[string]any)["position"].(string)
	}
	return pos
}

// TestPrimaryAndReplicaOverNATS runs a primary (--bus) and a replica
// (--follow) from the built binary on the real NATS server: 10,000
// observations written on the primary are all visible on the replica
// (read-your-writes with asOf = the position the write answered); the
// replica refuses writes naming the primary and answers "position not
// reached" past the log; stopped, killed and restarted it resumes from its
// checkpoint and ends with the primary's answers; a batch published twice
// on the ingest subject is recorded once.
func TestPrimaryAndReplicaOverNATS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers and writes 10,000 observations")
	}
	url, js, topo := natsBus(t)
	primary := startServer(t, t.TempDir(), "--bus", url)
	seedCrashWorld(primary)
	replicaDir := t.TempDir()
	replica := startServer(t, replicaDir, "--follow", url)

	pos := writeDays(t, primary, "w", 0, 10000, 500)
	want := points(t, primary, "w", "")
	if len(want) != 10000 {
		t.Fatalf("primary has %d points, want 10000", len(want))
	}
	got := points(t, replica, "w", pos)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("replica at asOf %s has %d points, primary %d (or they differ)", pos, len(got), len(want))
	}

	// A replica that receives the forwarded log and has caught up is ready;
	// so is the primary, whose ingest receives from NATS.
	for name, base := range map[string]string{"replica": replica.url, "primary": primary.url} {
		resp, err := http.Get(strings.TrimSuffix(base, "/graphql") + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s /readyz: %d %s", name, resp.StatusCode, body)
		}
	}

	// Writes are refused, naming the primary.
	_, err := replica.query(recordBatch, map[string]any{"id": "on-replica", "rows": []any{
		map[string]any{"region": "DE60", "period": "2030-01-01", "value": 1.0}}})
	if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") || !strings.Contains(err.Error(), primary.url) {
		t.Errorf("write on the replica: %v; want FORBIDDEN naming %s", err, primary.url)
	}
	// A position the log has not reached: a bounded wait, then an error.
	p, _ := strconv.ParseUint(pos, 10, 64)
	_, err = replica.query(replicaSeries, map[string]any{"w": "w", "asOf": strconv.FormatUint(p+1000, 10)})
	if err == nil || !strings.Contains(err.Error(), "not reached") || !strings.Contains(err.Error(), "UNAVAILABLE") {
		t.Errorf("asOf past the log on the replica: %v; want UNAVAILABLE, position not reached", err)
	}

	// Stopped gracefully, the replica restarts from its snapshots.
	replica.stop()
	pos = writeDays(t, primary, "w", 10000, 500, 250)
	replica = startServer(t, replicaDir, "--follow", url)
	if !strings.Contains(replica.log(), `"restored_from_snapshot":["`) {
		t.Errorf("restarted replica did not restore its snapshots; logs:\n%s", replica.log())
	}
	if got := points(t, replica, "w", pos); len(got) != 10500 {
		t.Fatalf("restarted replica has %d points, want 10500", len(got))
	}
	// Killed, it restarts from whatever checkpoint it had and converges.
	replica.kill()
	pos = writeDays(t, primary, "w", 10500, 500, 250)
	replica = startServer(t, replicaDir, "--follow", url)
	want = points(t, primary, "w", "")
	if got := points(t, replica, "w", pos); !reflect.DeepEqual(got, want) {
		t.Fatalf("killed and restarted replica has %d points, primary %d (or they differ)", len(got), len(want))
	}

	// Ingest: each batch published twice, recorded once.
	head := func() uint64 {
		h, _ := strconv.ParseUint(primary.must(`{ position }`, nil)["position"].(string), 10, 64)
		return h
	}
	before := head()
	batch := func(w string) []byte {
		return fmt.Appendf(nil, `{"indicator":"seizures","source":"nats","rows":[{"region":"DE60","period":"2020-01-01","value":7,"dimensions":[{"key":"writer","value":%q}]},{"region":"DE60","period":"2020-01-02","value":8,"dimensions":[{"key":"writer","value":%q}]}]}`, w, w)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	publish := func(h nats.Header, data []byte) {
		m := nats.NewMsg(topo.IngestSubject())
		m.Header, m.Data = h, data
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// Same Nats-Msg-Id: JetStream keeps one.
	publish(nats.Header{nats.MsgIdHdr: {"ingest-a"}}, batch("ingest-a"))
	publish(nats.Header{nats.MsgIdHdr: {"ingest-a"}}, batch("ingest-a"))
	// Different Nats-Msg-Ids, same message UUID: both kept, one command ID.
	publish(nats.Header{nats.MsgIdHdr: {"ingest-b1"}, natsbus.WatermillUUIDHeader: {"ingest-b"}}, batch("ingest-b"))
	publish(nats.Header{nats.MsgIdHdr: {"ingest-b2"}, natsbus.WatermillUUIDHeader: {"ingest-b"}}, batch("ingest-b"))
	for _, w := range []string{"ingest-a", "ingest-b"} {
		for len(points(t, primary, w, "")) != 2 {
			if ctx.Err() != nil {
				t.Fatalf("batch %s not recorded; logs:\n%s", w, primary.log())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // let a second recording, if any, land
	if after := head(); after != before+2 {
		t.Errorf("two batches published twice each moved the log from %d to %d, want %d (one event each)", before, after, before+2)
	}
	// And the replica sees them too.
	if got := points(t, replica, "ingest-b", strconv.FormatUint(before+2, 10)); len(got) != 2 {
		t.Errorf("replica has %d points of the ingested batch, want 2", len(got))
	}
}
