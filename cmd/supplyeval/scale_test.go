package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
)

// The scale benchmark (DESIGN.md section 8): the Council-of-Europe panel
// of SCALE_REGIONS regions (default 2,000) x SCALE_INDICATORS indicators
// (30) x SCALE_MONTHS months (360), 10,000 operations and 500 policy
// changes, ingested through the command bus, then a cold start, a warm
// restart and `series` over HTTP. Each phase runs in a child process (this
// test binary again, TestScalePhase) so that its peak RSS (VmHWM) is its
// own. It is not part of `make test` or `make bench`: `make scale` runs it.
//
//	SUPPLYEVAL_SCALE=1 go test -run '^$' -bench BenchmarkScale -benchtime 1x ./cmd/supplyeval
//
// SCALE_DIR keeps the data directory (default: a temporary one),
// SCALE_PROFILE=DIR writes a CPU profile of each phase there,
// SCALE_QUERY_SECONDS bounds each query run (default 10), SCALE_CLIENTS
// sets the concurrent HTTP clients (default 8).
func BenchmarkScale(b *testing.B) {
	if os.Getenv("SUPPLYEVAL_SCALE") == "" {
		b.Skip("set SUPPLYEVAL_SCALE=1 (or run `make scale`) to run the 21.6 M-observation benchmark")
	}
	dir := os.Getenv("SCALE_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		var results []phaseResult
		for _, phase := range []string{"ingest", "warm", "cold", "query"} {
			if phase == "cold" {
				if err := os.RemoveAll(filepath.Join(dir, "snapshots")); err != nil {
					b.Fatal(err)
				}
			}
			r := runPhase(b, dir, phase)
			results = append(results, r)
			fmt.Fprintf(os.Stderr, "scale %s: %s\n", phase, r) // at once: the run is long
			b.Logf("%s: %s", phase, r)
		}
		report := scaleReport(results)
		b.Log("\n" + report)
		if out := os.Getenv("SCALE_REPORT"); out != "" {
			if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// phaseResult is what one child process measured.
type phaseResult struct {
	Phase        string  `json:"phase"`
	Seconds      float64 `json:"seconds"`
	PeakRSSBytes int64   `json:"peakRssBytes"`
	// CPUSeconds is the process's user and system time, Load the 1-minute
	// load average at its end: on a shared machine they tell how much of
	// the wall time was waiting for a core.
	CPUSeconds float64            `json:"cpuSeconds"`
	Load       float64            `json:"load"`
	Figures    map[string]float64 `json:"figures"`
}

func (r phaseResult) String() string {
	keys := make([]string, 0, len(r.Figures))
	for k := range r.Figures {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%.2f s, peak RSS %.0f MiB, CPU %.1f s, load %.1f", r.Seconds, float64(r.PeakRSSBytes)/(1<<20), r.CPUSeconds, r.Load)
	for _, k := range keys {
		fmt.Fprintf(&b, ", %s %.4g", k, r.Figures[k])
	}
	return b.String()
}

func runPhase(tb testing.TB, dir, phase string) phaseResult {
	tb.Helper()
	out := filepath.Join(os.TempDir(), fmt.Sprintf("scale-%s-%d.json", phase, os.Getpid()))
	defer os.Remove(out)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestScalePhase$", "-test.v", "-test.timeout", "20m")
	cmd.Env = append(os.Environ(), "SCALE_PHASE="+phase, "SCALE_DATA="+dir, "SCALE_OUT="+out)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("phase %s: %v", phase, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	var r phaseResult
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestScalePhase is one phase of BenchmarkScale in its own process; it
// does nothing unless SCALE_PHASE is set.
func TestScalePhase(t *testing.T) {
	phase := os.Getenv("SCALE_PHASE")
	if phase == "" {
		t.Skip("a child of BenchmarkScale")
	}
	dir := os.Getenv("SCALE_DATA")
	if prof := os.Getenv("SCALE_PROFILE"); prof != "" {
		_ = os.MkdirAll(prof, 0o755)
		f, err := os.Create(filepath.Join(prof, phase+".cpu.pprof"))
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ctx := context.Background()
	r := phaseResult{Phase: phase, Figures: map[string]float64{}}
	start := time.Now()
	switch phase {
	case "ingest":
		scaleIngest(t, ctx, dir, &r)
	case "warm", "cold":
		n, err := Open(ctx, Config{DataDir: dir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		r.Seconds = time.Since(start).Seconds()
		series, points := n.Series.Len()
		r.Figures["series"], r.Figures["points"] = float64(series), float64(points)
		// The heap the open node holds (after a collection), per point: the
		// read models, the series above all.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r.Figures["heapBytes"] = float64(ms.HeapAlloc)
		if points > 0 {
			r.Figures["heapBytesPerPoint"] = float64(ms.HeapAlloc) / float64(points)
		}
		r.Figures["position"] = float64(n.Runner.Position())
		r.PeakRSSBytes = peakRSS(t)
		closeStart := time.Now()
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		r.Figures["closeSeconds"] = time.Since(closeStart).Seconds()
	case "query":
		scaleQuery(t, ctx, dir, &r)
	default:
		t.Fatalf("unknown phase %q", phase)
	}
	if r.PeakRSSBytes == 0 {
		r.PeakRSSBytes = peakRSS(t)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.CPUSeconds = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		r.Load, _ = strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	}
	b, _ := json.Marshal(r)
	if err := os.WriteFile(os.Getenv("SCALE_OUT"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// scaleShape is the panel's size, from the environment.
type scaleShape struct{ regions, indicators, months, operations, policies int }

func shapeFromEnv() scaleShape {
	get := func(k string, d int) int {
		if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
			return v
		}
		return d
	}
	return scaleShape{get("SCALE_REGIONS", 2000), get("SCALE_INDICATORS", 30), get("SCALE_MONTHS", 360),
		get("SCALE_OPERATIONS", 10_000), get("SCALE_POLICIES", 500)}
}

func scaleRegion(i int) string    { return fmt.Sprintf("R%04d", i) }
func scaleIndicator(i int) string { return fmt.Sprintf("IND%02d", i) }

// scaleFirstMonth is 1995-01.
const scaleFirstMonth = 1995 * 12

// scaleValue is the generated value of an observation.
func scaleValue(ind, region, month int) float64 {
	return float64((ind*7919+region*104729+month*31)%100000) / 100
}

// scaleRegionsPerBatch sets the command size: 25 regions x 360 months =
// 9,000 rows per recordObservations command.
const scaleRegionsPerBatch = 25

func scaleIngest(t *testing.T, ctx context.Context, dir string, r *phaseResult) {
	sh := shapeFromEnv()
	n, err := Open(ctx, Config{DataDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	do := func(cmd domain.Command) uint64 {
		res, err := n.Bus.Handle(ctx, domain.Envelope{Principal: domain.System("scale")}, cmd)
		if err != nil {
			t.Fatalf("%s: %v", cmd.CommandName(), err)
		}
		return res.Position
	}
	countries := []string{"AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "TR", "UA", "GB"}
	for i := 0; i < sh.regions; i++ {
		do(domain.DefineRegion{Code: scaleRegion(i), Name: "Region " + strconv.Itoa(i), Country: countries[i%len(countries)], Level: domain.RegionLevelNuts3})
	}
	families := []domain.Family{domain.FamilyAvailability, domain.FamilyViolence, domain.FamilyCorruption, domain.FamilyCost, domain.FamilyDisplacement, domain.FamilyContext}
	for i := 0; i < sh.indicators; i++ {
		do(domain.DefineIndicator{Code: scaleIndicator(i), Name: "Indicator " + strconv.Itoa(i), Family: families[i%len(families)],
			Unit: "count", Granularity: domain.Month, DesiredDirection: domain.DirectionDown})
	}
	defined := time.Since(start)

	// Observations: writers on different indicators run concurrently, so
	// the store can commit their appends together.
	obsStart := time.Now()
	type job struct{ ind, from int }
	periods := make([]string, sh.months) // the generator's own cost is kept out of the figures
	for m := range periods {
		periods[m] = domain.Period{G: domain.Month, Index: int32(scaleFirstMonth + m)}.String()
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var last uint64
	writers := 4
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows := make([]domain.ObservationRow, 0, scaleRegionsPerBatch*sh.months)
			for j := range jobs {
				rows = rows[:0]
				for reg := j.from; reg < min(j.from+scaleRegionsPerBatch, sh.regions); reg++ {
					code := scaleRegion(reg)
					for m := 0; m < sh.months; m++ {
						rows = append(rows, domain.ObservationRow{Region: code, Period: periods[m], Value: scaleValue(j.ind, reg, m)})
					}
				}
				pos := do(domain.RecordObservations{Indicator: scaleIndicator(j.ind), Source: "scale benchmark", Rows: slices.Clone(rows)})
				mu.Lock()
				last = max(last, pos)
				mu.Unlock()
			}
		}()
	}
	for from := 0; from < sh.regions; from += scaleRegionsPerBatch {
		for ind := 0; ind < sh.indicators; ind++ {
			jobs <- job{ind, from}
		}
	}
	close(jobs)
	wg.Wait()
	obsTook := time.Since(obsStart)

	// Interventions.
	intStart := time.Now()
	kinds := []domain.OperationKind{domain.OperationKindSeizureOperation, domain.OperationKindPortControl, domain.OperationKindLabDismantling,
		domain.OperationKindHighValueTargeting, domain.OperationKindJointInvestigation}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < sh.operations; i++ {
		start := domain.Period{G: domain.Day, Index: int32(9000 + rng.IntN(9000))}.String()
		do(domain.LaunchOperation{ID: fmt.Sprintf("op-%05d", i), Title: "Operation " + strconv.Itoa(i), Kind: kinds[i%len(kinds)],
			Regions: []string{scaleRegion(rng.IntN(sh.regions))}, Start: start, TargetTier: domain.TargetTierMid, Classification: domain.ClassificationPublic})
	}
	for i := 0; i < sh.policies; i++ {
		d := domain.Period{G: domain.Day, Index: int32(9000 + rng.IntN(9000))}.String()
		pos := do(domain.AdoptPolicyChange{ID: fmt.Sprintf("pol-%04d", i), Title: "Policy " + strconv.Itoa(i), Kind: domain.PolicyKindStrategy,
			Jurisdictions: []string{scaleRegion(rng.IntN(sh.regions))}, Adopted: d, Effective: d})
		last = max(last, pos)
	}
	intTook := time.Since(intStart)
	acked := time.Since(start)
	if err := n.Runner.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	r.Seconds = acked.Seconds()
	obs := float64(sh.regions * sh.indicators * sh.months)
	r.Figures["observations"] = obs
	r.Figures["observationsPerSecond"] = obs / obsTook.Seconds()
	r.Figures["observationSeconds"] = obsTook.Seconds()
	r.Figures["definitionSeconds"] = defined.Seconds()
	r.Figures["interventionSeconds"] = intTook.Seconds()
	r.Figures["readModelsCaughtUpSeconds"] = time.Since(start).Seconds()
	r.Figures["position"] = float64(last)
	r.PeakRSSBytes = peakRSS(t)
	closeStart := time.Now()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	r.Figures["closeWithSnapshotSeconds"] = time.Since(closeStart).Seconds()
	r.Figures["storeBytes"] = float64(dirSize(t, filepath.Join(dir, "events")))
	r.Figures["snapshotBytes"] = float64(dirSize(t, filepath.Join(dir, "snapshots")))
	if fi, err := os.Stat(filepath.Join(dir, "snapshots", "series.snap")); err == nil {
		r.Figures["seriesSnapshotBytes"] = float64(fi.Size())
		r.Figures["seriesSnapshotBytesPerPoint"] = float64(fi.Size()) / obs
	}
}

// scaleQuery serves the warm node over HTTP twice (answer cache on and
// off) and runs concurrent clients asking for 30 years of monthly data.
func scaleQuery(t *testing.T, ctx context.Context, dir string, r *phaseResult) {
	sh := shapeFromEnv()
	n, err := Open(ctx, Config{DataDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	seconds := 10.0
	if v, err := strconv.ParseFloat(os.Getenv("SCALE_QUERY_SECONDS"), 64); err == nil && v > 0 {
		seconds = v
	}
	clients := 8
	if v, err := strconv.Atoi(os.Getenv("SCALE_CLIENTS")); err == nil && v > 0 {
		clients = v
	}
	r.Figures["clients"] = float64(clients)
	for _, variant := range []struct {
		name   string
		limits graphql.Limits
		keys   int // distinct queries asked
	}{{"cached", graphql.Limits{}, 200}, {"uncached", graphql.Limits{CacheBytes: -1}, sh.regions * sh.indicators}} {
		api, err := graphql.NewServer(graphql.Config{Commands: n.Bus, Positions: n.Runner, Catalog: n.Catalog, Series: n.Series,
			Interventions: n.Interventions, Limits: variant.limits, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: api}
		go srv.Serve(ln)
		url := "http://" + ln.Addr().String() + "/graphql"
		lat, took := loadSeries(t, url, sh, variant.keys, clients, time.Duration(seconds*float64(time.Second)))
		srv.Close()
		slices.Sort(lat)
		q := func(p float64) float64 { return lat[int(p*float64(len(lat)-1))].Seconds() * 1000 }
		r.Figures[variant.name+"P50ms"] = q(0.50)
		r.Figures[variant.name+"P99ms"] = q(0.99)
		r.Figures[variant.name+"QPS"] = float64(len(lat)) / took.Seconds()
		r.Figures[variant.name+"Queries"] = float64(len(lat))
	}
	r.Seconds = 2 * seconds
}

func loadSeries(t *testing.T, url string, sh scaleShape, keys, clients int, d time.Duration) ([]time.Duration, time.Duration) {
	to := domain.Period{G: domain.Month, Index: int32(scaleFirstMonth + sh.months - 1)}.String()
	from := domain.Period{G: domain.Month, Index: scaleFirstMonth}.String()
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var local []time.Duration
			for time.Now().Before(deadline) {
				k := rng.IntN(keys)
				q := fmt.Sprintf(`{ series(indicator: %q, region: %q, from: %q, to: %q) { points { period value } } }`,
					scaleIndicator(k%sh.indicators), scaleRegion(k/sh.indicators%sh.regions), from, to)
				body, _ := json.Marshal(map[string]string{"query": q})
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				nb, _ := io.Copy(io.Discard, bufio.NewReader(resp.Body))
				resp.Body.Close()
				if resp.StatusCode != 200 || nb < int64(sh.months)*20 {
					t.Errorf("status %d, %d bytes", resp.StatusCode, nb)
					return
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	return all, time.Since(start)
}

// peakRSS reads this process's peak resident set size (VmHWM).
func peakRSS(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Logf("peak RSS unknown: %v", err)
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// scaleReport formats the phases as the rows of DESIGN.md section 8.
func scaleReport(rs []phaseResult) string {
	by := map[string]phaseResult{}
	for _, r := range rs {
		by[r.Phase] = r
	}
	in, warm, cold, q := by["ingest"], by["warm"], by["cold"], by["query"]
	mib := func(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
	var b strings.Builder
	fmt.Fprintf(&b, "| What | Target | Measured (wall) | CPU time of the phase, load average |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&b, "| panel ingested through the command path (%.0f observations) | <= 60 s, peak RSS <= 2 GiB | %.1f s (observations %.1f s, %.0f obs/s), peak RSS %s | %.0f s, %.1f |\n",
		in.Figures["observations"], in.Seconds, in.Figures["observationSeconds"], in.Figures["observationsPerSecond"], mib(in.PeakRSSBytes), in.CPUSeconds, in.Load)
	fmt.Fprintf(&b, "| store size on disk | | %s events, %s snapshots | |\n", mib(int64(in.Figures["storeBytes"])), mib(int64(in.Figures["snapshotBytes"])))
	fmt.Fprintf(&b, "| series read model | | %.1f bytes of series snapshot per point; heap after GC %.1f bytes per point (warm), %.1f (cold) | |\n",
		in.Figures["seriesSnapshotBytesPerPoint"], warm.Figures["heapBytesPerPoint"], cold.Figures["heapBytesPerPoint"])
	fmt.Fprintf(&b, "| cold start (rebuild every read model) | <= 20 s | %.1f s, peak RSS %s | %.0f s, %.1f |\n", cold.Seconds, mib(cold.PeakRSSBytes), cold.CPUSeconds, cold.Load)
	fmt.Fprintf(&b, "| warm restart (snapshots) | <= 3 s | %.2f s, peak RSS %s | %.1f s, %.1f |\n", warm.Seconds, mib(warm.PeakRSSBytes), warm.CPUSeconds, warm.Load)
	fmt.Fprintf(&b, "| `series` over HTTP, 360 points, cached (%.0f clients) | p50 <= 1 ms, >= 5,000 q/s | p50 %.2f ms, p99 %.2f ms, %.0f q/s | %.1f |\n",
		q.Figures["clients"], q.Figures["cachedP50ms"], q.Figures["cachedP99ms"], q.Figures["cachedQPS"], q.Load)
	fmt.Fprintf(&b, "| `series` over HTTP, 360 points, uncached | p50 <= 1 ms, >= 5,000 q/s | p50 %.2f ms, p99 %.2f ms, %.0f q/s | %.1f |\n",
		q.Figures["uncachedP50ms"], q.Figures["uncachedP99ms"], q.Figures["uncachedQPS"], q.Load)
	return b.String()
}
