package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// TestSlowClientsAreCutOffByTheTimeouts opens connections that trickle
// their headers or bodies, or sit idle, and checks that the server closes
// each within its timeout. Before, 1,100 connections trickling a body
// stayed open for 40 s and were never closed (no read timeout).
func TestSlowClientsAreCutOffByTheTimeouts(t *testing.T) {
	timeouts := HTTPTimeouts{ReadHeader: 400 * time.Millisecond, Read: 3 * time.Second, Write: 6 * time.Second, Idle: 800 * time.Millisecond}
	n, err := Open(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Logger: zerolog.Nop(), Timeouts: timeouts,
		Authenticate: func(r *http.Request) (graphql.Principal, error) {
			if r.Header.Get("Authorization") == "Bearer good" {
				return graphql.Principal{Name: "rec", Roles: []graphql.Role{graphql.RoleRecorder}, Clearance: domain.ClassificationRestricted}, nil
			}
			return graphql.Principal{}, domain.Errorf(domain.Unauthenticated, "", "the token is not known")
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	addr := n.Addr()

	// Each kind of slow client, 20 connections of each at once. A
	// connection must be closed by the server within its timeout plus a
	// margin for a loaded machine; the test gives up on it after 10 s. An
	// unauthenticated one is answered 401 and closed at once, well before
	// the read timeout.
	const margin = 1500 * time.Millisecond
	body := func(auth string, length int) string {
		return fmt.Sprintf("POST /graphql HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", auth, length)
	}
	kinds := []struct {
		name  string
		head  string // sent at once
		drip  bool   // then one byte every 50 ms
		limit time.Duration
	}{
		{"authenticated, body trickled", body("Authorization: Bearer good\r\n", 100_000), true, timeouts.Read},
		{"unauthenticated, body trickled", body("", 100_000), true, 0},
		{"headers trickled", "POST /graphql HTTP/1.1\r\nHost: x\r\n", true, timeouts.ReadHeader},
		{"idle after an answer", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false, timeouts.Idle},
	}
	for _, k := range kinds {
		var wg sync.WaitGroup
		took := make([]time.Duration, 20)
		for i := range took {
			wg.Add(1)
			go func() {
				defer wg.Done()
				took[i] = slowClient(t, addr, k.head, k.drip)
			}()
		}
		wg.Wait()
		for i, d := range took {
			if d > k.limit+margin {
				t.Errorf("%s: connection %d open for %v, over the timeout of %v", k.name, i, d.Round(time.Millisecond), k.limit)
			}
		}
	}
}

// slowClient connects, sends head, then (with drip) one byte every 50 ms,
// and returns how long the server kept the connection open (at most 10 s).
func slowClient(t *testing.T, addr, head string, drip bool) time.Duration {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetDeadline(start.Add(10 * time.Second))
	if _, err := io.WriteString(c, head); err != nil {
		t.Error(err)
		return 0
	}
	done := make(chan struct{})
	if drip {
		go func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if _, err := c.Write([]byte{' '}); err != nil {
						return
					}
				}
			}
		}()
	}
	_, _ = io.Copy(io.Discard, bufio.NewReader(c)) // until the server closes (or the 10 s deadline)
	close(done)
	return time.Since(start)
}
