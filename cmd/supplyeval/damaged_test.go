package main

import (
	"context"
	be "encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"
)

// damageRecord flips one byte of the event record at pos in the embedded
// store of data (no process may hold it). It writes Pebble directly, as a
// failing disk would leave it: the record's checksum no longer matches.
func damageRecord(t *testing.T, data string, pos uint64) {
	t.Helper()
	db, err := pebble.Open(filepath.Join(data, "events"), &pebble.Options{Logger: quietPebble{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := make([]byte, 9)
	key[0] = 'e'
	be.BigEndian.PutUint64(key[1:], pos)
	v, closer, err := db.Get(key)
	if err != nil {
		t.Fatalf("record at %d: %v", pos, err)
	}
	b := append([]byte(nil), v...)
	closer.Close()
	b[len(b)-1] ^= 0x20
	if err := db.Set(key, b, pebble.Sync); err != nil {
		t.Fatal(err)
	}
}

// TestColdRebuildStopsAtADamagedEvent: rebuilding the read models from a
// log with a damaged event stops with an error naming its position; it
// never hangs. `supplyeval check` names the same position.
func TestColdRebuildStopsAtADamagedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo world")
	}
	data := t.TempDir()
	if code, _, stderr := runBinary(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	damageRecord(t, data, 42)
	if err := os.RemoveAll(filepath.Join(data, "snapshots")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runBinary(t, "check", "--data", data)
	if code != 1 || !strings.Contains(stdout, "position 42:") {
		t.Errorf("check: exit %d, want 1 naming position 42:\n%s", code, stdout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		n, err := Open(ctx, Config{DataDir: data, Logger: zerolog.Nop()})
		if err == nil {
			n.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "42") {
			t.Errorf("Open over a damaged log: %v; want an error naming position 42", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a cold rebuild over a damaged event did not end within a minute")
	}
}

// quietPebble keeps Pebble's recovery messages out of the test output.
type quietPebble struct{}

func (quietPebble) Infof(string, ...any)  {}
func (quietPebble) Errorf(string, ...any) {}
func (quietPebble) Fatalf(format string, args ...any) {
	pebble.DefaultLogger.Fatalf(format, args...)
}

// TestDamagedStoreFilesFailClearly: a damaged manifest or write-ahead log
// makes every command that opens the directory exit 1 with one line naming
// the file's problem (they panicked with exit 2 before).
func TestDamagedStoreFilesFailClearly(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo world")
	}
	seeded := t.TempDir()
	if code, _, stderr := runBinary(t, "demo", "--data", seeded); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	damage := map[string]func(t *testing.T, events string){
		"manifest": func(t *testing.T, events string) {
			overwrite(t, glob1(t, filepath.Join(events, "MANIFEST-*")), 10, "garbage")
		},
		"write-ahead log": func(t *testing.T, events string) {
			logs, _ := filepath.Glob(filepath.Join(events, "*.log"))
			if len(logs) == 0 {
				t.Skip("no write-ahead log left to damage")
			}
			info, err := os.Stat(logs[0])
			if err != nil {
				t.Fatal(err)
			}
			overwrite(t, logs[0], info.Size()/2, "XXXXXXXXXXXXXXXX")
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			if err := os.CopyFS(data, os.DirFS(seeded)); err != nil {
				t.Fatal(err)
			}
			fn(t, filepath.Join(data, "events"))
			for _, args := range [][]string{
				{"serve", "--data", data, "--addr", "127.0.0.1:0"},
				{"report", "--data", data, "--cycle", "c1", "--format", "json"},
			} {
				code, _, stderr := runBinary(t, args...)
				assertFailsClearly(t, code, stderr, filepath.Join(data, "events"))
			}
			code, stdout, _ := runBinary(t, "check", "--data", data)
			if code != 1 || !strings.Contains(stdout, "DAMAGED") {
				t.Errorf("check: exit %d, want 1 saying DAMAGED:\n%s", code, stdout)
			}
		})
	}
}

func glob1(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		t.Fatalf("%s matches %v, want one file", pattern, m)
	}
	return m[0]
}

// overwrite writes s into file at offset, as a failing disk would.
func overwrite(t *testing.T, file string, offset int64, s string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(s), offset); err != nil {
		t.Fatal(err)
	}
}
