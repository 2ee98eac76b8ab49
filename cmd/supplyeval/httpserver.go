package main

import (
	"flag"
	"net/http"
	"time"
)

// HTTPTimeouts bound how long a client may hold a connection of the API
// (see net/http.Server). Zero fields take the defaults.
type HTTPTimeouts struct {
	// ReadHeader bounds reading a request's headers (default 10 s).
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included, from the start
	// of its headers (default 60 s: a 32 MiB batch at 4 Mbit/s). A client
	// trickling its body is cut off when it runs out.
	Read time.Duration
	// Write bounds the time from the end of a request's headers to the end
	// of its answer (default 150 s: Read, plus the API's 60 s request
	// timeout, plus 30 s to send the answer).
	Write time.Duration
	// Idle bounds how long a kept-alive connection waits for its next
	// request (default 60 s).
	Idle time.Duration
}

// withDefaults returns t with its zero fields set to the defaults.
func (t HTTPTimeouts) withDefaults() HTTPTimeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = 10 * time.Second
	}
	if t.Read <= 0 {
		t.Read = 60 * time.Second
	}
	if t.Write <= 0 {
		t.Write = 150 * time.Second
	}
	if t.Idle <= 0 {
		t.Idle = 60 * time.Second
	}
	return t
}

// register adds the --read-header-timeout, --read-timeout,
// --write-timeout and --idle-timeout flags to fs.
func (t *HTTPTimeouts) register(fs *flag.FlagSet) {
	d := HTTPTimeouts{}.withDefaults()
	fs.DurationVar(&t.ReadHeader, "read-header-timeout", d.ReadHeader, "time a client has to send a request's headers")
	fs.DurationVar(&t.Read, "read-timeout", d.Read, "time a client has to send a whole request, body included")
	fs.DurationVar(&t.Write, "write-timeout", d.Write, "time from a request's headers to the end of its answer (more than --read-timeout plus 60 s of work)")
	fs.DurationVar(&t.Idle, "idle-timeout", d.Idle, "time a kept-alive connection may wait for its next request")
}

// newHTTPServer returns the API's HTTP server for h with timeouts t.
func newHTTPServer(h http.Handler, t HTTPTimeouts) *http.Server {
	t = t.withDefaults()
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
}
