package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the supplyeval binary built once for the tests that run it as
// a separate process (to kill it with SIGKILL).
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("SCALE_PHASE") != "" {
		// A phase of BenchmarkScale (scale_test.go) runs in-process only.
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "supplyeval-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "supplyeval")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build supplyeval: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a supplyeval process.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
}

// startServer runs `supplyeval serve` on a free loopback port and waits
// until it serves.
func startServer(t testing.TB, data string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, extra...)
	cmd := exec.Command(binary, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.mu.Lock()
			s.logs.Write(line)
			s.logs.WriteByte('\n')
			s.mu.Unlock()
			var entry struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(line, &entry) == nil && entry.URL != "" {
				select {
				case urls <- entry.URL:
				default:
				}
			}
		}
	}()
	select {
	case s.url = <-urls:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start; logs:\n%s", s.log())
	}
	t.Cleanup(func() { s.kill() })
	return s
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

// stop asks the server to shut down gracefully and waits.
func (s *server) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Fatalf("server exited with %v; logs:\n%s", err, s.log())
		}
	case <-time.After(30 * time.Second):
		s.t.Fatalf("server did not stop; logs:\n%s", s.log())
	}
}

type response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

var client = &http.Client{Timeout: 20 * time.Second}

func (s *server) query(q string, vars map[string]any) (response, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := client.Post(s.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return response{}, fmt.Errorf("%q: %w", raw, err)
	}
	if len(r.Errors) > 0 {
		return r, fmt.Errorf("%s (%v)", r.Errors[0].Message, r.Errors[0].Extensions["code"])
	}
	return r, nil
}

func (s *server) must(q string, vars map[string]any) map[string]any {
	s.t.Helper()
	r, err := s.query(q, vars)
	if err != nil {
		s.t.Fatalf("%s: %v\nlogs:\n%s", q, err, s.log())
	}
	return r.Data
}

func TestKill9LosesNoAcknowledgedMutation(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	s.must(`mutation {
	  a: defineRegion(input: {code: "DE60", name: "Hamburg", country: "DE", level: NUTS2}) { position }
	  b: defineIndicator(input: {code: "seizures", name: "Cocaine seizures", family: AVAILABILITY, unit: "count",
	     granularity: DAY, desiredDirection: NONE}) { position }
	}`, nil)

	// Writers record one observation per request (each a separate durable
	// append) until the server is killed; every acknowledged one is noted.
	type ack struct {
		period   string
		value    float64
		position string
	}
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	const writers = 4
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w*5000)
			for i := 0; i < 5000 && ctx.Err() == nil; i++ {
				period := day.AddDate(0, 0, i).Format("2006-01-02")
				value := float64(w*100000 + i)
				r, err := s.query(`mutation($p: String!, $v: Float!) { recordObservations(input: {indicator: "seizures", source: "kill9",
				  rows: [{region: "DE60", period: $p, value: $v}]}) { position } }`, map[string]any{"p": period, "v": value})
				if err != nil {
					return // the server died mid-request: not acknowledged
				}
				mu.Lock()
				acked = append(acked, ack{period, value, r.Data["recordObservations"].(map[string]any)["position"].(string)})
				mu.Unlock()
			}
		}(w)
	}
	// Let the writers run, then kill -9 in the middle of the stream.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	cancel()
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d mutations acknowledged before the kill; logs:\n%s", len(acked), s.log())
	}

	s2 := startServer(t, data)
	series := s2.must(`{ position series(indicator: "seizures", region: "DE60") { points { period value } } }`, nil)
	got := map[string]float64{}
	for _, p := range series["series"].(map[string]any)["points"].([]any) {
		pt := p.(map[string]any)
		got[pt["period"].(string)] = pt["value"].(float64)
	}
	var last string
	for _, a := range acked {
		v, ok := got[a.period]
		if !ok || v != a.value {
			t.Fatalf("acknowledged observation %s=%g (position %s) is missing after kill -9 (got %v, %v)", a.period, a.value, a.position, v, ok)
		}
		if len(a.position) > len(last) || (len(a.position) == len(last) && a.position > last) {
			last = a.position
		}
	}
	pos := series["position"].(string)
	if len(pos) < len(last) || (len(pos) == len(last) && pos < last) {
		t.Fatalf("position after restart %s is behind the last acknowledged %s", pos, last)
	}
	t.Logf("%d acknowledged mutations, all present after kill -9; %d observations recorded in all; position %s", len(acked), len(got), pos)

	// A clean restart answers exactly as before, at the same position.
	before := s2.must(`query($p: String) { position series(indicator: "seizures", region: "DE60", asOf: $p) { asOf points { period value position } } }`,
		map[string]any{"p": pos})
	s2.stop()
	s3 := startServer(t, data)
	after := s3.must(`query($p: String) { position series(indicator: "seizures", region: "DE60", asOf: $p) { asOf points { period value position } } }`,
		map[string]any{"p": pos})
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	if !bytes.Equal(bj, aj) {
		t.Fatalf("answers differ after restart:\nbefore %s\nafter  %s", truncate(bj), truncate(aj))
	}
	if !strings.Contains(s3.log(), "restored_from_snapshot") || !strings.Contains(s3.log(), `"series"`) {
		t.Fatalf("the clean restart did not resume from snapshots; logs:\n%s", s3.log())
	}
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "..."
	}
	return string(b)
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "supplyeval"},
		{nil, 2, "Usage"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"serve", "--addr", "0.0.0.0:8080"}, 2, "loopback"},
		{[]string{"serve", "--log-format", "xml"}, 2, "--log-format"},
		{[]string{"demo", "extra"}, 2, "unexpected argument"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.out) {
			t.Errorf("supplyeval %v: exit %d, output %q; want exit %d mentioning %q", c.args, code, stdout.String()+stderr.String(), c.code, c.out)
		}
	}
}
