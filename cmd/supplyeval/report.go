package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/supplyeval/supplyeval/projections/report"
)

// runReport writes the report of an evaluation cycle:
//
//	supplyeval report --cycle ID --format html|markdown|json [--lang en|fr] [-o FILE] [--data DIR]
//
// The report is read at the cycle's pinned position, so running it again
// gives the same bytes; an open cycle without a pin gives a preview,
// labelled as such. Without -o the report goes to standard output.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	cycle := fs.String("cycle", "", "ID of the evaluation cycle")
	format := fs.String("format", "html", "html, markdown or json")
	lang := fs.String("lang", "en", "language of the HTML and Markdown text: en or fr")
	out := fs.String("o", "", "write the report to FILE instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cycle == "" {
		return usageError{"report: --cycle is required"}
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usageError{"report: --format " + err.Error()}
	}
	l, err := report.ParseLang(*lang)
	if err != nil {
		return usageError{"report: --lang " + err.Error()}
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	if st, err := os.Stat(c.data); err != nil || !st.IsDir() {
		return fmt.Errorf("report: no data directory at %s (pass --data)", c.data)
	}
	n, err := Open(ctx, Config{DataDir: c.data, Logger: log})
	if err != nil {
		return err
	}
	b, err := n.Reports.GenerateIn(ctx, *cycle, f, l)
	if cerr := n.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if *out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}
