package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

// TestEveryCommandHasHelp: `supplyeval COMMAND --help` (and -h, and
// `supplyeval help COMMAND`) prints the command's synopsis, every flag and
// an example on standard output and exits 0, and nothing on standard error.
func TestEveryCommandHasHelp(t *testing.T) {
	if len(commandHelp) == 0 {
		t.Fatal("no command has help")
	}
	for name, h := range commandHelp {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			out := stdout.String()
			if code != 0 || stderr.Len() != 0 {
				t.Errorf("supplyeval %v: exit %d, stderr %q; want exit 0 and nothing on stderr", args, code, stderr.String())
			}
			for _, want := range []string{"Usage: supplyeval " + name, "Flags:", "Example:", h.example} {
				if !strings.Contains(out, want) {
					t.Errorf("supplyeval %v: help does not contain %q:\n%s", args, want, out)
				}
			}
		}
		if !strings.HasPrefix(h.example, "supplyeval "+name) {
			t.Errorf("the example of %s does not run %s: %q", name, name, h.example)
		}
	}
	// Every flag of serve is listed in its help.
	var stdout bytes.Buffer
	run(context.Background(), []string{"serve", "--help"}, &stdout, &bytes.Buffer{})
	for _, f := range []string{"-data", "-addr", "-tokens", "-store", "-bus", "-follow", "-period-range", "-read-timeout"} {
		if !strings.Contains(stdout.String(), f) {
			t.Errorf("serve --help does not list %s", f)
		}
	}
}

// TestHelpForAnUnlistedFlagSet: a command without an entry in commandHelp
// still gets its flags listed, never an empty help.
func TestHelpForAnUnlistedFlagSet(t *testing.T) {
	fs := flag.NewFlagSet("frobnicate", flag.ContinueOnError)
	fs.String("thing", "", "the thing")
	h := helpFor(fs)
	if !strings.Contains(h.text, "Usage: supplyeval frobnicate") || !strings.Contains(h.text, "-thing") {
		t.Errorf("help for an unlisted command: %q", h.text)
	}
}
