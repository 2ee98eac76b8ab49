package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/importer"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// importBatchRows is the number of rows per recordObservations command.
// It is part of how an import is cut into commands: keep it stable.
const importBatchRows = 5000

// maxShownErrors bounds the row errors printed for a refused file.
const maxShownErrors = 20

// importTarget is where an import goes: a local data directory or a
// running server. It knows what is defined and recorded, and records.
type importTarget interface {
	importer.Catalog
	importer.Recorded
	// define records a definition unless one with its code exists.
	define(ctx context.Context, commandID string, cmd domain.Command) error
	// record records one batch; a repeated command ID records nothing.
	record(ctx context.Context, commandID string, cmd domain.RecordObservations) (domain.Result, error)
	// refresh brings the target's view of the catalogue up to date.
	refresh(ctx context.Context) error
	Close() error
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

type importOptions struct {
	mapping     importer.Mapping
	mappingJSON []byte // canonical mapping, part of each file's digest
	skipInvalid bool
	// periods: the range the rows are checked against, row by row (with
	// --data; a server checks its own).
	periods  domain.PeriodRange
	progress bool
	stdout   io.Writer
	stderr   io.Writer
	// simplify and boundaryID configure boundary files (import_boundaries.go).
	simplify   float64
	boundaryID string
	// lang is the language of the progress, summary and refusals.
	lang i18n.Lang
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	server := fs.String("server", "", "URL of a running server (http://127.0.0.1:8080) instead of --data")
	token := fs.String("token", os.Getenv("SUPPLYEVAL_TOKEN"), "bearer token for --server (default $SUPPLYEVAL_TOKEN)")
	mappingFile := fs.String("mapping", "", "mapping file (JSON or key=value lines)")
	var sets multiFlag
	fs.Var(&sets, "set", "mapping key=value (repeatable; e.g. --set values.cigsale=CIGSALE)")
	format := fs.String("format", "", "csv, sdmx, jsonl, geojson or topojson (default: from the file name and header)")
	simplify := fs.Float64("simplify", 0.005, "boundary files: simplification tolerance in degrees (0: none; about 500 m by default)")
	boundaryID := fs.String("boundary-id", "", "boundary files: the property holding the region code (default NUTS_ID, then the feature id, then id)")
	indicator := fs.String("indicator", "", "indicator code of every row")
	indicatorCol := fs.String("indicator-column", "", "column holding each row's indicator")
	region := fs.String("region", "", "column holding the region")
	regionCode := fs.String("region-code", "", "region code of every row")
	period := fs.String("period", "", "column holding the period (the year when --month is given)")
	month := fs.String("month", "", "column holding the month number (with --period as the year)")
	value := fs.String("value", "", "column holding the value")
	wide := fs.String("wide", "", "regular expression matching the period columns of a wide table")
	source := fs.String("source", "", "source recorded with the observations (default: the file name)")
	skip := fs.Bool("skip-invalid", false, "record the valid rows and write rejected ones to FILE.rejects.csv")
	var periods periodRangeFlag
	registerPeriodRange(fs, &periods)
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usage("cli.err.import.file")
	}
	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	if *server != "" && dataSet {
		return usage("cli.err.import.both")
	}
	var m importer.Mapping
	if *mappingFile != "" {
		b, err := os.ReadFile(*mappingFile)
		if err != nil {
			return err
		}
		pm, err := importer.ParseMapping(b)
		if err != nil {
			return usage("cli.err.import.mapping", *mappingFile, err)
		}
		m = *pm
	}
	for _, kv := range []struct{ key, val string }{{"format", *format}, {"indicator", *indicator}, {"indicatorColumn", *indicatorCol},
		{"region", *region}, {"regionCode", *regionCode}, {"period", *period}, {"month", *month}, {"value", *value},
		{"widePeriods", *wide}, {"source", *source}} {
		if kv.val != "" {
			_ = m.Set(kv.key, kv.val)
		}
	}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return usage("cli.err.import.set.form", s)
		}
		if err := m.Set(k, v); err != nil {
			return usage("cli.err.import.set", err)
		}
	}
	mj, _ := json.Marshal(m)
	if !(*simplify >= 0) || *simplify > 10 {
		return usage("cli.err.import.simplify", i18n.Num(fmtG, *simplify))
	}
	opt := importOptions{mapping: m, mappingJSON: mj, skipInvalid: *skip, stdout: stdout, stderr: stderr,
		simplify: *simplify, boundaryID: *boundaryID, lang: helpLang(args)}
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		opt.progress = true
	}

	var target importTarget
	if *server != "" {
		t, err := newServerTarget(ctx, *server, *token)
		if err != nil {
			return err
		}
		target = t
	} else {
		log, err := c.logger(stderr)
		if err != nil {
			return err
		}
		n, err := Open(ctx, Config{DataDir: c.data, Periods: periods.r, Logger: log.Level(max(log.GetLevel(), zerolog.WarnLevel))})
		if err != nil {
			return err
		}
		opt.periods = periods.r
		if opt.periods == (domain.PeriodRange{}) {
			opt.periods = domain.DefaultPeriodRange
		}
		target = &localTarget{n: n}
	}
	var errs []error
	for _, f := range files {
		if err := importFile(ctx, target, f, opt); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, target.Close())
	return errors.Join(errs...)
}

// importFile validates the whole file, then records it in batches. By
// default any bad row refuses the file before anything is recorded.
func importFile(ctx context.Context, t importTarget, file string, opt importOptions) error {
	start := time.Now()
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m := opt.mapping // each file resolves its own copy
	m.Values, m.Dimensions = cloneMap(m.Values), cloneMap(m.Dimensions)
	if m.Source == "" {
		m.Source = filepath.Base(file)
	}
	if bf, ok := boundaryFormat(file, content, m.Format); ok {
		return importBoundaries(ctx, t, file, content, bf, opt)
	}
	h := sha256.New()
	h.Write(opt.mappingJSON)
	h.Write([]byte{0})
	h.Write(content)
	digest := hex.EncodeToString(h.Sum(nil))

	name := filepath.Base(file)
	if err := t.refresh(ctx); err != nil {
		return err
	}
	cat := importer.WithDefinitions(t, &m)
	res, err := importer.Decode(bytes.NewReader(content), &m, importer.Options{File: name, Catalog: cat, Periods: opt.periods})
	if err != nil {
		return err
	}
	fresh, same, conflicts := importer.Reconcile(name, res.Rows, t)
	rejects := append(res.Rejects, conflicts...)
	if len(rejects) > 0 && !opt.skipInvalid {
		list := make(rejectList, len(rejects))
		for i, r := range rejects {
			list[i] = rejectLine{r, r.Code}
		}
		return errm("cli.err.import.rejected", name, plural{"cli.err.import.count", countLines(rejects), []any{i18n.Int(res.Records)}},
			plural{"cli.err.import.valid", len(fresh), nil}, filepath.Base(file)+".rejects.csv", list)
	}
	if len(rejects) > 0 {
		if err := writeRejects(file+".rejects.csv", res.Columns, rejects); err != nil {
			return err
		}
	}
	if err := defineNeeded(ctx, t, &m, fresh); err != nil {
		return errm("cli.err.at", name, err)
	}
	batches := importer.Batches(fresh, importBatchRows)
	var done atomic.Int64
	stop := startProgress(opt, name, len(fresh), &done, start)
	var last uint64
	recorded, repeated := 0, 0
	for _, b := range batches {
		r, err := t.record(ctx, importer.CommandID(digest, b), b.Command(m.Source))
		if err != nil {
			stop()
			return errm("cli.err.import.batch", name, b.Indicator, i18n.Int(b.Rows[0].Line), err, i18n.Int(int(done.Load())), i18n.Int(len(fresh)))
		}
		if r.Duplicate {
			repeated += len(b.Rows)
		} else {
			recorded += len(b.Rows)
		}
		last = max(last, r.Position)
		done.Add(int64(len(b.Rows)))
	}
	stop()
	took := time.Since(start)
	l := opt.lang
	line := l.Render(i18n.M("cli.out.import.summary", name, plural{"cli.out.import.records", res.Records, nil},
		plural{"cli.out.import.recorded", recorded, []any{plural{"cli.out.import.batches", len(batches), nil}}},
		plural{"cli.out.import.already", same + repeated, nil}, plural{"cli.out.import.empty", res.Missing, nil}))
	if len(rejects) > 0 {
		line += plural{"cli.out.import.rejects", len(rejects), []any{filepath.Base(file) + ".rejects.csv"}}.Localize(l)
	}
	line += l.T("cli.out.import.took", durationIn(l, took.Round(time.Millisecond)), i18n.Num(fmtRate, float64(len(res.Rows))/max(took.Seconds(), 1e-9)).Localize(l))
	if last > 0 {
		line += l.T("cli.out.import.position", strconv.FormatUint(last, 10))
	}
	fmt.Fprintln(opt.stdout, line)
	return nil
}

// defineNeeded records the mapping's definitions that rows use and the
// target does not know yet, regions before indicators' rows.
func defineNeeded(ctx context.Context, t importTarget, m *importer.Mapping, rows []importer.Row) error {
	usedInd, usedReg := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		usedInd[r.Indicator], usedReg[r.Region] = true, true
	}
	// A used region's parent is needed too, and must exist before it.
	for _, r := range m.DefineRegions {
		if usedReg[r.Code] && r.Parent != "" && !t.RegionExists(r.Parent) {
			usedReg[r.Parent] = true
		}
	}
	changed := false
	for _, r := range m.DefineRegions {
		if usedReg[r.Code] && r.Parent == "" && !t.RegionExists(r.Code) {
			if err := t.define(ctx, defineID(r), r); err != nil {
				return err
			}
			changed = true
		}
	}
	for _, r := range m.DefineRegions {
		if usedReg[r.Code] && r.Parent != "" && !t.RegionExists(r.Code) {
			if err := t.define(ctx, defineID(r), r); err != nil {
				return err
			}
			changed = true
		}
	}
	for _, d := range m.DefineIndicators {
		if _, ok := t.Granularity(d.Code); usedInd[d.Code] && !ok {
			if err := t.define(ctx, defineID(d), d); err != nil {
				return err
			}
			changed = true
		}
	}
	if changed {
		return t.refresh(ctx)
	}
	return nil
}

func defineID(c domain.Command) string {
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return "impdef-" + hex.EncodeToString(h[:12])
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func countLines(rs []*importer.RowError) int {
	seen := map[int]bool{}
	for _, r := range rs {
		seen[r.Line] = true
	}
	return len(seen)
}

// writeRejects writes the rejected records beside the input: line,
// column, code and reason, then the record's fields as read.
func writeRejects(path string, header []string, rs []*importer.RowError) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{"line", "column", "code", "reason"}
	if header != nil {
		head = append(head, header...)
	} else {
		head = append(head, "record")
	}
	_ = w.Write(head)
	for _, r := range rs {
		_ = w.Write(append([]string{strconv.Itoa(r.Line), r.Column, string(r.Code), r.Reason}, r.Raw...))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// startProgress draws a progress bar with rows/s and time left on a
// terminal; elsewhere it does nothing (the summary line says it all).
func startProgress(opt importOptions, name string, total int, done *atomic.Int64, start time.Time) (stop func()) {
	if !opt.progress || total == 0 {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	draw := func() {
		n := done.Load()
		el := time.Since(start).Seconds()
		rate := float64(n) / max(el, 1e-9)
		left := "?"
		if rate > 0 {
			left = (time.Duration(float64(int64(total)-n)/rate) * time.Second).Round(time.Second).String()
		}
		const width = 30
		fill := int(float64(width) * float64(n) / float64(total))
		l := opt.lang
		fmt.Fprintf(opt.stderr, "\r%s [%s%s] %s   ", name, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
			l.T("cli.out.import.progress", i18n.Int(n).Localize(l), i18n.Int(total).Localize(l), i18n.Num(fmtRate, rate).Localize(l), left))
	}
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				draw()
				fmt.Fprintln(opt.stderr)
				return
			case <-tick.C:
				draw()
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// localTarget imports into a data directory through the node's command bus.
type localTarget struct {
	n *Node

	mu    sync.Mutex
	cache map[string]map[string]float64 // series key -> period -> value
}

func (l *localTarget) Granularity(code string) (domain.Granularity, bool) {
	ind, ok := l.n.Catalog.Indicator(code)
	return ind.Granularity, ok
}

func (l *localTarget) RegionExists(code string) bool {
	_, ok := l.n.Catalog.Region(code)
	return ok
}

func (l *localTarget) Value(indicator, region string, dims []domain.Dimension, period string) (float64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := indicator + "\x00" + domain.SeriesKey(region, dims)
	pts, ok := l.cache[key]
	if !ok {
		pts = map[string]float64{}
		if s, found := l.n.Series.Get(projections.Query{Indicator: indicator, Region: region, Dimensions: dims}); found {
			for _, p := range s.Points {
				pts[p.Period] = p.Value
			}
		}
		if l.cache == nil {
			l.cache = map[string]map[string]float64{}
		}
		l.cache[key] = pts
	}
	v, ok := pts[period]
	return v, ok
}

func (l *localTarget) define(ctx context.Context, id string, cmd domain.Command) error {
	_, err := l.n.Bus.Handle(ctx, domain.Envelope{Principal: domain.System("import"), CommandID: id}, cmd)
	return err
}

func (l *localTarget) record(ctx context.Context, id string, cmd domain.RecordObservations) (domain.Result, error) {
	return l.n.Bus.Handle(ctx, domain.Envelope{Principal: domain.System("import"), CommandID: id}, cmd)
}

func (l *localTarget) refresh(ctx context.Context) error {
	head, err := l.n.store.Head(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.cache = nil
	l.mu.Unlock()
	return l.n.Runner.WaitFor(ctx, uint64(head))
}

func (l *localTarget) Close() error { return l.n.Close() }

// fmtRate writes rows per second as %.0f does.
func fmtRate(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// fmtG writes a number as %g does.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// durationIn writes d in l: Go's form in English ("1.234s"), seconds with
// the language's decimal mark otherwise ("1,234 s").
func durationIn(l i18n.Lang, d time.Duration) string {
	if l == i18n.EN {
		return d.String()
	}
	return l.T("cli.out.seconds", l.Decimal(strconv.FormatFloat(d.Seconds(), 'f', -1, 64)))
}

// plural is a count in words: the message key+".one" or key+".other" by
// the language's rule (English: one for 1; French: one for 0 and 1) with
// the count (grouped in French, as %d writes it in English) and then
// args. The English of both forms is the text supplyeval has always
// printed, whatever the count ("1 records").
type plural struct {
	key  string
	n    int
	args []any
}

func (p plural) Localize(l i18n.Lang) string {
	form := ".other"
	if p.n == 1 || (l == i18n.FR && p.n == 0) {
		form = ".one"
	}
	return l.Render(i18n.M(p.key+form, append([]any{i18n.Int(p.n)}, p.args...)...))
}

// rejectLine is a rejected row or feature in a refusal: "  REASON [CODE]",
// the reason in the reader's language when its error can write itself in
// one.
type rejectLine struct {
	err  error
	code domain.Code
}

func (r rejectLine) Localize(l i18n.Lang) string {
	return l.T("cli.err.import.reject", errIn(r.err, l), string(r.code))
}

// rejectList is the rejected rows or features of a refusal, one a line:
// the first maxShownErrors of them, then how many more there are.
type rejectList []rejectLine

func (rs rejectList) Localize(l i18n.Lang) string {
	lines := make([]string, 0, min(len(rs), maxShownErrors+1))
	for i, r := range rs {
		if i == maxShownErrors {
			lines = append(lines, l.T("cli.err.import.more", len(rs)-i))
			break
		}
		lines = append(lines, r.Localize(l))
	}
	return strings.Join(lines, "\n")
}
