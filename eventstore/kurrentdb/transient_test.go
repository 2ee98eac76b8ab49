package kurrentdb

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestTransientErrors: an append whose request broke on the wire ("could
// not send append request header ... EOF", seen in the 3 s outage of
// TestWritesResumeAfterAnOutage under the race detector) is retried, like
// an unavailable server; a request the server refused is not.
func TestTransientErrors(t *testing.T) {
	for _, c := range []struct {
		err   error
		retry bool
	}{
		{fmt.Errorf("could not send append request header. Reason: %w", io.EOF), true},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{status.Error(codes.Unavailable, "connection refused"), true},
		{status.Error(codes.InvalidArgument, "bad stream name"), false},
		{errors.New("wrong expected version"), false},
	} {
		if retry, _ := transient(c.err); retry != c.retry {
			t.Errorf("transient(%v) = %v, want %v", c.err, retry, c.retry)
		}
	}
}
