package main

import (
	"context"
	"flag"
	"io"
	"os"

	"github.com/supplyeval/supplyeval/i18n"
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
		return usage("cli.err.report.cycle")
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usage("cli.err.report.format", alt{err, i18n.M("cli.err.report.format.bad", *format)})
	}
	l, err := report.ParseLang(*lang)
	if err != nil {
		return usage("cli.err.report.lang", alt{err, i18n.M("cli.err.report.lang.bad", *lang)})
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	if st, err := os.Stat(c.data); err != nil || !st.IsDir() {
		return errm("cli.err.report.data", c.data)
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
		return errm("cli.err.report", err)
	}
	if *out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}
