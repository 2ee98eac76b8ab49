package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"time"
)

// runProbe is `supplyeval probe`: it asks a running node's /readyz (or
// another probe URL) and exits 0 when it answers 200, 1 otherwise, for
// container health checks where no curl is installed.
func runProbe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "probe URL of a running node: /readyz, or /livez")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usage("cli.err.probe.url", *url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return errm("cli.err.probe.silent", *url, netCause(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = stdout.Write(body)
	if resp.StatusCode != http.StatusOK {
		return errm("cli.err.probe.status", *url, resp.Status)
	}
	return nil
}
