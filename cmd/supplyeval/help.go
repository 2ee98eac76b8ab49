package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandHelp is what `supplyeval COMMAND --help` prints above and below
// the command's flags: one synopsis, what the command is for, and one
// example to copy.
var commandHelp = map[string]struct{ synopsis, summary, example string }{
	"serve": {
		synopsis: "serve [--data DIR] [--addr HOST:PORT] [--tokens FILE] [--demo] [--store URL] [--bus URL] [--follow URL] [flags]",
		summary: "Runs the GraphQL API (GraphiQL at http://ADDR/graphql) over the data directory.\n" +
			"Without --tokens it listens on loopback only and every request acts as the local user.\n" +
			"--demo seeds the demo world first when the data directory is empty.",
		example: "supplyeval serve --demo --data ./data --addr 127.0.0.1:8080 --log-format console",
	},
	"demo": {
		synopsis: "demo [--data DIR]",
		summary:  "Seeds the demo world (regions, indicators, operations, policy changes) into the data\ndirectory. A second run records nothing new. No server may hold the directory meanwhile.",
		example:  "supplyeval demo --data ./data",
	},
	"import": {
		synopsis: "import [--data DIR | --server URL] [--mapping FILE] [mapping flags] [--skip-invalid] FILE...",
		summary: "Records indicator tables (CSV, SDMX-CSV, JSON lines). Every row is checked first and a\n" +
			"file goes in whole or not at all; --skip-invalid records the valid rows and writes the\n" +
			"others to FILE.rejects.csv. Importing the same file again records nothing new.\n" +
			"Use --server to import into a running server; --data needs the directory to itself.\n" +
			"Boundary files (GeoJSON, TopoJSON: Eurostat GISCO's NUTS files, EPSG:4326) record the outline\n" +
			"of each region named by NUTS_ID (or --boundary-id), simplified by --simplify degrees.",
		example: "supplyeval import --data ./data --indicator CIGSALE --region state --period year --value cigsale prop99.csv",
	},
	"report": {
		synopsis: "report --cycle ID [--format html|markdown|json] [-o FILE] [--data DIR]",
		summary: "Writes an evaluation cycle's report, read at the cycle's pinned evidence position (the same\n" +
			"bytes every time). An open cycle without a pin gives a report labelled as a preview.",
		example: "supplyeval report --data ./data --cycle 2026-cycle --format html -o cycle-report.html",
	},
	"check": {
		synopsis: "check [--data DIR]",
		summary: "Reads every event of the data directory's log (checksums, positions 1 to the head without\n" +
			"a gap, stream versions and indexes) and every read-model snapshot, prints what is damaged\n" +
			"with its position or file, and exits 1 if anything is. Stop the server first.",
		example: "supplyeval check --data ./data",
	},
	"ingest-replay": {
		synopsis: "ingest-replay --bus nats://HOST:PORT[?prefix=P] [--dry-run]",
		summary: "Publishes the observation batches that were set aside on the poison subject again on the\n" +
			"ingest subject, and removes them from the poison subject; run it once what made them fail is\n" +
			"fixed (an indicator defined, a store back). A batch that fails again is set aside again.\n" +
			"Exit status: 0 done, 1 the bus could not be read or written, 2 a bad command line.",
		example: "supplyeval ingest-replay --bus nats://nats:4222 --dry-run",
	},
	"probe": {
		synopsis: "probe [--url URL] [--timeout D]",
		summary:  "Asks a running node's /readyz (or the probe --url names) and exits 0 when it answers\n200, 1 otherwise, printing its answer: a health check for containers that have no curl.",
		example:  "supplyeval probe --url http://127.0.0.1:8080/readyz",
	},
	"token": {
		synopsis: "token --name NAME --roles R1,R2 [--clearance PUBLIC|RESTRICTED|CONFIDENTIAL]",
		summary: "Makes a bearer token, prints it once, and prints the entry that admits it in a --tokens\n" +
			"file (the file keeps only the token's SHA-256).",
		example: "supplyeval token --name analyst-nl --roles ANALYST --clearance RESTRICTED",
	},
}

// helpRequested is returned by parseFlags for -h or --help: run prints
// text on standard output and exits 0.
type helpRequested struct{ text string }

func (h helpRequested) Error() string { return "help requested" }

// helpFor renders fs's help: the synopsis and summary from commandHelp,
// every flag with its default, and the example.
func helpFor(fs *flag.FlagSet) helpRequested {
	h, ok := commandHelp[fs.Name()]
	if !ok {
		h.synopsis = fs.Name() + " [flags]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: supplyeval %s\n\n", h.synopsis)
	if h.summary != "" {
		fmt.Fprintf(&b, "%s\n\n", h.summary)
	}
	b.WriteString("Flags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if h.example != "" {
		fmt.Fprintf(&b, "\nExample:\n  %s\n", h.example)
	}
	return helpRequested{text: b.String()}
}

// parseFlags parses a command's flags; the command takes no arguments
// besides them.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// parseFlagsAndArgs parses a command's flags and leaves its arguments in
// fs.Args(). -h and --help give a helpRequested; a bad flag a usageError.
func parseFlagsAndArgs(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpFor(fs)
		}
		return usageError{fmt.Sprintf("%s: %s", fs.Name(), err)}
	}
	return nil
}
