package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

func TestReportCommand(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	n, err := Open(ctx, Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	do := func(c domain.Command) uint64 {
		t.Helper()
		res, err := n.Service.Handle(ctx, domain.Envelope{Principal: domain.System("test")}, c)
		if err != nil {
			t.Fatalf("%s: %v", c.CommandName(), err)
		}
		return res.Position
	}
	do(domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	do(domain.AdoptPolicyChange{ID: "pol-1", Title: "Precursors", Kind: "PRECURSOR_CONTROL", Jurisdictions: []string{"NL"},
		Adopted: "2020-01-01", Effective: "2020-06-01"})
	do(domain.OpenCycle{ID: "c1", Title: "Cycle one", From: "2020-01-01", To: "2020-12-31", Interventions: []string{"pol-1"}})
	do(domain.PinCycleEvidence{ID: "c1", Position: 2})
	last := do(domain.CloseCycle{ID: "c1", Summary: "Too early to tell."})
	if err := n.Runner.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "c1.html")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report", "--data", data, "--cycle", "c1", "--format", "html", "-o", out, "--log-level", "error"}, 0, ""},
		{[]string{"report", "--data", data, "--cycle", "c1", "--format", "markdown", "--log-level", "error"}, 0, "# Cycle one"},
		{[]string{"report", "--data", data, "--cycle", "c1", "--format", "json", "--log-level", "error"}, 0, `"position": "2"`},
		{[]string{"report", "--data", data, "--cycle", "nope", "--log-level", "error"}, 1, "has not been opened"},
		{[]string{"report", "--data", data, "--format", "html"}, 2, "--cycle is required"},
		{[]string{"report", "--data", data, "--cycle", "c1", "--format", "pdf"}, 2, "not a report format"},
		{[]string{"report", "--data", data, "--cycle", "c1", "--format", "markdown", "--lang", "fr", "--log-level", "error"}, 0, "Synthèse des constats"},
		{[]string{"report", "--data", data, "--cycle", "c1", "--lang", "de"}, 2, "not a report language"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(ctx, c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.want) {
			t.Fatalf("%v: exit %d, want %d with %q\nstdout %s\nstderr %s", c.args, code, c.code, c.want, truncate(stdout.Bytes()), truncate(stderr.Bytes()))
		}
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Fatalf("-o %s: %v %q", out, err, truncate(b))
	}
}
