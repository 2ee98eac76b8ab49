package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestIngestReplayCommandLine: help on stdout with exit 0, a missing or
// bad --bus is a usage error (exit 2), an unreachable bus exit 1.
func TestIngestReplayCommandLine(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{[]string{"ingest-replay", "--help"}, 0, "--dry-run", ""},
		{[]string{"ingest-replay"}, 2, "", "--bus is required"},
		{[]string{"ingest-replay", "--bus", "http://x"}, 2, "", "--bus"},
		{[]string{"ingest-replay", "--bus", "nats://127.0.0.1:1"}, 1, "", "127.0.0.1:1"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String(), c.inStdout) || !strings.Contains(stderr.String(), c.inStderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q on stdout, %q on stderr",
				c.args, code, stdout.String(), stderr.String(), c.code, c.inStdout, c.inStderr)
		}
	}
}
