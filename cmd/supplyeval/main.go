// Command supplyeval records drug-supply interventions and outcome
// indicators as events and serves their evaluation over GraphQL.
//
//	supplyeval serve   [--data DIR] [--addr HOST:PORT] [--tokens FILE] [--demo] [--log-level L] [--log-format json|console]
//	supplyeval demo    [--data DIR]
//	supplyeval token   --name NAME --roles R1,R2 --clearance C
//	supplyeval import  [--data DIR | --server URL] [--mapping FILE] [mapping flags] [--skip-invalid] FILE...
//	supplyeval report  --cycle ID --format html|markdown|json [-o FILE] [--data DIR]
//	supplyeval check   [--data DIR]
//	supplyeval probe   [--url URL]
//	supplyeval ingest-replay --bus URL [--dry-run]
//	supplyeval version
//
// Exit status: 0 on success, 1 on failure, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/eventstore/embedded"
	"github.com/supplyeval/supplyeval/eventstore/natsbus"
	"github.com/supplyeval/supplyeval/graphql"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	lang := helpLang(args)
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && len(withoutLang(args[:1])) == 0 {
		// supplyeval --lang fr COMMAND ...: the language goes to the command.
		rest := withoutLang(args)
		if len(rest) == 0 {
			rest = []string{"--help"}
		}
		return run(ctx, append([]string{rest[0], "--lang", string(lang)}, rest[1:]...), stdout, stderr)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText(lang))
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stderr)
	case "demo":
		err = runDemo(ctx, args[1:], stdout, stderr)
	case "import":
		err = runImport(ctx, args[1:], stdout, stderr)
	case "report":
		err = runReport(ctx, args[1:], stdout, stderr)
	case "token":
		err = runToken(args[1:], stdout)
	case "check":
		err = runCheck(ctx, args[1:], stdout, stderr)
	case "ingest-replay":
		err = runIngestReplay(ctx, args[1:], stdout)
	case "probe":
		err = runProbe(ctx, args[1:], stdout)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
	case "help", "-h", "--help":
		rest := withoutLang(args)
		if len(rest) > 1 {
			// supplyeval help COMMAND is supplyeval COMMAND --help.
			return run(ctx, []string{rest[1], "--help", "--lang", string(lang)}, stdout, stderr)
		}
		fmt.Fprint(stdout, usageText(lang))
	default:
		err = usage("cli.err.command", args[0])
	}
	var ue usageError
	var help helpRequested
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		fmt.Fprint(stdout, help.text)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s\n\n%s", lang.T("cli.error.usage", errIn(err, lang)), usageText(lang))
		return 2
	default:
		fmt.Fprintf(stderr, "%s\n", lang.T("cli.error.usage", errIn(err, lang)))
		return 1
	}
}

// logTimeFormat stamps log lines to the millisecond (RFC 3339).
const logTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// commonFlags are the flags every command that opens a data directory has.
type commonFlags struct {
	data      string
	logLevel  string
	logFormat string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", "./data", "data directory")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "json", "log format: json or console")
}

func (c *commonFlags) logger(w io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(strings.ToLower(c.logLevel))
	if err != nil || c.logLevel == "" {
		return zerolog.Nop(), usage("cli.err.log-level", c.logLevel)
	}
	switch c.logFormat {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly + ".000"}
	default:
		return zerolog.Nop(), usage("cli.err.log-format", c.logFormat)
	}
	zerolog.TimeFieldFormat = logTimeFormat
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (loopback only without --tokens)")
	tokens := fs.String("tokens", "", "file of principals and their token hashes (see `supplyeval token`)")
	rate := fs.Float64("rate", 50, "requests per second each principal may make (with --tokens; 0: no limit)")
	burst := fs.Int("burst", 100, "requests a principal may make at once above its rate")
	seed := fs.Bool("demo", false, "seed the demo world first if the data directory is empty")
	storeURL := fs.String("store", "", "event store: empty for the embedded store in --data, or kurrentdb://host:2113?tls=true (esdb:// too)")
	busURL := fs.String("bus", "", "NATS JetStream to forward the log to and take observation batches from: nats://host:4222[?prefix=P]")
	followURL := fs.String("follow", "", "run as a read replica: of the log forwarded on NATS JetStream (nats://host:4222[?prefix=P]), or of the log in KurrentDB through its own subscription (kurrentdb://host:2113?tls=...)")
	var timeouts HTTPTimeouts
	timeouts.register(fs)
	var periods periodRangeFlag
	registerPeriodRange(fs, &periods)
	minFree := fs.Int64("min-free-mb", embedded.DefaultMinFreeBytes>>20, "MiB the embedded store keeps free on its disk: below it writes are refused (503) and reads go on")
	ingestRetry := fs.Duration("ingest-retry-for", natsbus.DefaultIngestRetryFor, "with --bus: how long a batch that meets a transient failure (store away) is retried before it goes to the poison subject")
	readyLag := fs.Int("ready-lag", DefaultReadyLag, "events the read models may be behind the log for /readyz to answer 200")
	reserve := fs.Int64("reserve-mb", embedded.DefaultReserveBytes>>20, "MiB of reserve file the embedded store gives back to a nearly full disk (0: none)")
	var limits graphql.Limits
	fs.IntVar(&limits.EvaluationBudget, "eval-budget", graphql.DefaultEvaluationBudget, "evaluation units one request may ask for, estimated before it runs (an impact 10, a power analysis 50, a cycle's report 200; negative: no budget)")
	fs.IntVar(&limits.MaxEvaluationsPerPrincipal, "eval-per-principal", 2, "requests with evaluations one principal may have running at once (negative: no bound)")
	fs.IntVar(&limits.MaxEvaluations, "eval-max", 0, "requests with evaluations the server runs at once (0: the number of CPUs; negative: no bound)")
	fs.DurationVar(&limits.EvaluationWait, "eval-wait", 5*time.Second, "how long a request over --eval-per-principal or --eval-max waits for a slot before it is refused")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	if *minFree < 0 || *reserve < 0 {
		return usage("cli.err.serve.negative")
	}
	cfg := Config{ReadyLag: *readyLag, IngestRetryFor: *ingestRetry, Disk: DiskReserve{MinFreeBytes: orNone(*minFree << 20), ReserveBytes: orNone(*reserve << 20)}, DataDir: c.data, Addr: *addr, StoreURL: *storeURL, BusURL: *busURL, FollowURL: *followURL, Timeouts: timeouts, Periods: periods.r, APILimits: limits, Logger: log}
	if err := cfg.validateScaleOut(); err != nil {
		return usageError{err}
	}
	if *tokens != "" {
		ts, err := loadTokens(*tokens, *rate, *burst)
		if err != nil {
			return usageError{err}
		}
		cfg.Authenticate = ts.authenticate
		cfg.RateLimited = ts.refused.Load
		log.Info().Int("principals", len(ts.byHash)).Float64("rate", *rate).Int("burst", *burst).Msg("access control: bearer tokens")
	} else if err := checkLoopback(*addr); err != nil {
		return usageError{err}
	}
	if *seed {
		if err := seedIfEmpty(ctx, cfg, log); err != nil {
			return err
		}
	}
	n, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	if err := waitForStop(ctx, n); err != nil {
		log.Error().Err(err).Msg("a background component stopped and cannot recover: exiting so that the service manager restarts the node")
	} else {
		log.Info().Msg("shutting down: finishing requests in flight, writing snapshots")
	}
	if err := n.Close(); err != nil {
		return err
	}
	return n.Err()
}

// waitForStop returns nil when ctx ends (a signal), or the node's error
// when one of its background components stopped for good: the process
// then exits 1 instead of serving stale answers.
func waitForStop(ctx context.Context, n *Node) error {
	select {
	case <-ctx.Done():
		return nil
	case <-n.Failed():
		return n.Err()
	}
}

// orNone maps 0 (the flag's "none") to the store's "none" (negative).
func orNone(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

func versionString() string {
	v := "(devel)"
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("supplyeval %s %s", v, goVersion)
}
