package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// runBinary runs the built supplyeval with args and returns its exit status,
// stdout and stderr. It gives up after a minute.
func runBinary(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("supplyeval %v did not end within a minute; stderr:\n%s", args, stderr.String())
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// assertFailsClearly checks that a failed command exits 1 with one line
// that starts "supplyeval: " and mentions every one of want, and never
// with a panic or a stack trace.
func assertFailsClearly(t *testing.T, code int, stderr string, want ...string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit status %d, want 1; stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Errorf("a panic or stack trace on stderr:\n%s", stderr)
	}
	var last string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "supplyeval: ") {
			last = l
		}
	}
	if last == "" {
		t.Fatalf("no line starting 'supplyeval: ' names the cause; stderr:\n%s", stderr)
	}
	for _, w := range want {
		if !strings.Contains(last, w) {
			t.Errorf("the cause %q does not mention %q", last, w)
		}
	}
}

func TestFailedStartsExitOneNamingTheCause(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers as separate processes")
	}
	t.Run("port in use", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		code, _, stderr := runBinary(t, "serve", "--data", t.TempDir(), "--addr", l.Addr().String())
		assertFailsClearly(t, code, stderr, l.Addr().String(), "in use")
	})
	t.Run("dead NATS for --bus", func(t *testing.T) {
		addr := closedPort(t)
		code, _, stderr := runBinary(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--bus", "nats://"+addr)
		assertFailsClearly(t, code, stderr, addr)
	})
	t.Run("dead NATS for --follow", func(t *testing.T) {
		addr := closedPort(t)
		code, _, stderr := runBinary(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--follow", "nats://"+addr)
		assertFailsClearly(t, code, stderr, addr)
	})
	t.Run("dead KurrentDB for --store", func(t *testing.T) {
		addr := closedPort(t)
		code, _, stderr := runBinary(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--store", "kurrentdb://"+addr+"?tls=false")
		assertFailsClearly(t, code, stderr, addr)
	})

	// A data directory a running server holds.
	data := t.TempDir()
	srv := startServer(t, data)
	defer srv.stop()
	csv := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(csv, []byte("region,period,value\nNL33,2024-01,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--data", data, "--addr", "127.0.0.1:0"},
		{"demo", "--data", data},
		{"report", "--data", data, "--cycle", "c1", "--format", "json"},
		{"import", "--data", data, "--indicator", "X", "--region", "region", "--period", "period", "--value", "value", csv},
	} {
		t.Run(args[0]+" on a held data directory", func(t *testing.T) {
			code, _, stderr := runBinary(t, args...)
			assertFailsClearly(t, code, stderr, "another supplyeval", data)
			if args[0] == "import" && !strings.Contains(stderr, "--server") {
				t.Errorf("the import refusal does not say how to import into a running server (--server):\n%s", stderr)
			}
		})
	}
}

// TestStartRemovesInterruptedSnapshotWrites: a node starting on a data
// directory where a crash interrupted snapshot writes removes their
// temporary files (they used to accumulate: 40 MB after 5 kills).
func TestStartRemovesInterruptedSnapshotWrites(t *testing.T) {
	data := t.TempDir()
	n, err := Open(context.Background(), Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(data, "snapshots", "series.snap.tmp4242")
	if err := os.WriteFile(leftover, make([]byte, 1<<20), 0o640); err != nil {
		t.Fatal(err)
	}
	n, err = Open(context.Background(), Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there after a start (%v)", leftover, err)
	}
}

// TestCheckReportsDamage: `supplyeval check` passes an undamaged data
// directory (exit 0), names a damaged snapshot file and exits 1, and
// refuses a directory a server holds.
func TestCheckReportsDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data := t.TempDir()
	if code, _, stderr := runBinary(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runBinary(t, "check", "--data", data)
	if code != 0 || !strings.Contains(stdout, "without a gap") || !strings.Contains(stdout, "snapshot series: ok") {
		t.Fatalf("check of an undamaged directory: exit %d\n%s%s", code, stdout, stderr)
	}
	snap := filepath.Join(data, "snapshots", "series.snap")
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(snap, b, 0o640); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runBinary(t, "check", "--data", data)
	if code != 1 || !strings.Contains(stdout, snap) || !strings.Contains(stdout, "checksum mismatch") {
		t.Errorf("check of a damaged snapshot: exit %d, want 1 naming %s and the checksum:\n%s", code, snap, stdout)
	}
	srv := startServer(t, data)
	defer srv.stop()
	code, _, stderr = runBinary(t, "check", "--data", data)
	assertFailsClearly(t, code, stderr, "held by another supplyeval")
}

// TestNearlyFullDiskAnswers503AndRecovers: over HTTP, a write on a nearly
// full disk is UNAVAILABLE with status 503 and Retry-After, naming the
// disk; reads go on; once space is back the same write succeeds, with no
// restart.
func TestNearlyFullDiskAnswers503AndRecovers(t *testing.T) {
	var free atomic.Uint64
	free.Store(1 << 40)
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: zerolog.Nop(),
		Disk: DiskReserve{MinFreeBytes: 8 << 20, ReserveBytes: 1 << 20, freeSpace: func(string) (uint64, error) { return free.Load(), nil }}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	url := "http://" + n.Addr() + "/graphql"
	post := func(query string) (int, http.Header, string) {
		body, _ := json.Marshal(map[string]string{"query": query})
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	define := func(code string) string {
		return `mutation { defineRegion(input: {code: "` + code + `", name: "Region ` + code + `", country: "NL", level: NUTS2}) { position } }`
	}
	if status, _, body := post(define("NL11")); status != 200 || strings.Contains(body, "errors") {
		t.Fatalf("write with room on the disk: %d %s", status, body)
	}
	free.Store(2 << 20)
	status, header, body := post(define("NL12"))
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" || !strings.Contains(body, `"UNAVAILABLE"`) || !strings.Contains(body, "disk") {
		t.Errorf("write on a nearly full disk: %d (Retry-After %q) %s; want 503 UNAVAILABLE naming the disk", status, header.Get("Retry-After"), body)
	}
	if status, _, body := post(`{ regions { code } }`); status != 200 || !strings.Contains(body, "NL11") || strings.Contains(body, "NL12") {
		t.Errorf("read on a nearly full disk: %d %s; want 200 with NL11 only", status, body)
	}
	free.Store(1 << 40)
	if status, _, body := post(define("NL12")); status != 200 || strings.Contains(body, "errors") {
		t.Errorf("the same write once space is back: %d %s", status, body)
	}
}

// TestCheckReportsATornWALTail: the end of the write-ahead log cut (as a
// crash or a failing disk leaves it) used to cost the last event without a
// word; `check` now says how many bytes of which file were dropped and
// exits 1.
func TestCheckReportsATornWALTail(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data := t.TempDir()
	if code, _, stderr := runBinary(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	logs, _ := filepath.Glob(filepath.Join(data, "events", "*.log"))
	if len(logs) == 0 {
		t.Skip("no write-ahead log left to cut")
	}
	newest := logs[len(logs)-1]
	info, err := os.Stat(newest)
	if err != nil {
		t.Fatal(err)
	}
	// Past the 11-byte trailer of a clean close, into the last record.
	if err := os.Truncate(newest, info.Size()-11-8); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBinary(t, "check", "--data", data)
	if code != 1 || !strings.Contains(stdout, "write-ahead log "+filepath.Base(newest)) || !strings.Contains(stdout, "were dropped") {
		t.Errorf("check of a cut log: exit %d, want 1 naming %s:\n%s%s", code, filepath.Base(newest), stdout, stderr)
	}
}
