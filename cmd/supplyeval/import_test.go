package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/projections"
)

// obsKey names one observation: indicator, region, dimensions, period.
type obsKey struct{ indicator, region, dims, period string }

// readCSV returns the records of a test data file, header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// expectValues reads what each dataset holds, independently of the
// importer: the values the series must show after the import.
func expectValues(t *testing.T, dataset string) map[obsKey]float64 {
	t.Helper()
	recs := readCSV(t, filepath.Join("testdata", "datasets", dataset+".csv"))
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var mapping struct {
		RegionMap map[string]string `json:"regionMap"`
		Values    map[string]string `json:"values"`
	}
	mf := map[string]string{"prop99_smoking": "prop99", "basque": "basque", "sicily_aces": "sicily", "card_krueger": "card_krueger"}[dataset]
	b, err := os.ReadFile(filepath.Join("importdata", mf+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &mapping); err != nil {
		t.Fatal(err)
	}
	out := map[obsKey]float64{}
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	year := func(s string) string { return strings.TrimSuffix(s, ".0") }
	for _, r := range recs[1:] {
		switch dataset {
		case "prop99_smoking", "basque":
			regCol := map[string]string{"prop99_smoking": "state", "basque": "regionno"}[dataset]
			region := mapping.RegionMap[year(r[col[regCol]])]
			for c, ind := range mapping.Values {
				if v, ok := num(r[col[c]]); ok {
					out[obsKey{ind, region, "", year(r[col["year"]])}] = v
				}
			}
		case "sicily_aces":
			m, _ := strconv.Atoi(r[col["month"]])
			for c, ind := range mapping.Values {
				if v, ok := num(r[col[c]]); ok {
					out[obsKey{ind, "ITG1", "", fmt.Sprintf("%s-%02d", r[col["year"]], m)}] = v
				}
			}
		case "card_krueger":
			// Each store is a region under its state: NJ-S023, PA-S001.
			id, _ := strconv.Atoi(r[col["id"]])
			region := fmt.Sprintf("%s-S%03d", map[string]string{"1": "NJ", "0": "PA"}[r[col["nj"]]], id)
			period := map[string]string{"0": "1992-02", "1": "1992-11"}[r[col["d"]]]
			if v, ok := num(r[col["fte"]]); ok {
				out[obsKey{"FTE", region, "", period}] = v
			}
		}
	}
	return out
}

// gqlPost runs one GraphQL request against url and fails on errors.
func gqlPost(t *testing.T, url, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s: %v %v", query, err, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

// checkSeries reads every series of want back through GraphQL at url
// and compares every point.
func checkSeries(t *testing.T, url string, want map[obsKey]float64) {
	t.Helper()
	type sk struct{ indicator, region, dims string }
	bySeries := map[sk]map[string]float64{}
	for k, v := range want {
		s := sk{k.indicator, k.region, k.dims}
		if bySeries[s] == nil {
			bySeries[s] = map[string]float64{}
		}
		bySeries[s][k.period] = v
	}
	for s, points := range bySeries {
		var dims []map[string]string
		if s.dims != "" {
			dims = []map[string]string{{"key": "store", "value": s.dims}}
		}
		var d struct {
			Series *struct {
				Points []struct {
					Period string  `json:"period"`
					Value  float64 `json:"value"`
				} `json:"points"`
			} `json:"series"`
		}
		gqlPost(t, url, `query($i: ID!, $r: ID!, $d: [DimensionInput!]) { series(indicator: $i, region: $r, dimensions: $d) { points { period value } } }`,
			map[string]any{"i": s.indicator, "r": s.region, "d": dims}, &d)
		if d.Series == nil {
			t.Fatalf("series %v: none", s)
		}
		if len(d.Series.Points) != len(points) {
			t.Fatalf("series %v: %d points, the file has %d", s, len(d.Series.Points), len(points))
		}
		for _, p := range d.Series.Points {
			if w, ok := points[p.Period]; !ok || w != p.Value {
				t.Fatalf("series %v period %s: %v, the file has %v (%v)", s, p.Period, p.Value, w, ok)
			}
		}
	}
}

// runCLI runs the command line in-process.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// TestImportPublishedDatasets imports the four published datasets with
// their documented commands and reads every series back over GraphQL.
func TestImportPublishedDatasets(t *testing.T) {
	data := t.TempDir()
	datasets := []struct{ file, mapping string }{
		{"prop99_smoking", "prop99"}, {"basque", "basque"}, {"sicily_aces", "sicily"}, {"card_krueger", "card_krueger"},
	}
	for _, d := range datasets {
		code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", filepath.Join("importdata", d.mapping+".json"),
			filepath.Join("testdata", "datasets", d.file+".csv"))
		if code != 0 {
			t.Fatalf("import %s: exit %d\n%s%s", d.file, code, out, errOut)
		}
		t.Log(strings.TrimSpace(out))
	}
	// Importing again records nothing new.
	code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", filepath.Join("importdata", "prop99.json"),
		filepath.Join("testdata", "datasets", "prop99_smoking.csv"))
	if code != 0 || !strings.Contains(out, " 0 observations recorded") || !strings.Contains(out, "4797 already recorded") {
		t.Fatalf("re-import: exit %d\n%s%s", code, out, errOut)
	}

	n, err := Open(context.Background(), Config{DataDir: data, Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	url := "http://" + n.Addr() + "/graphql"
	for _, d := range datasets {
		want := expectValues(t, d.file)
		if len(want) == 0 {
			t.Fatalf("%s: no values expected", d.file)
		}
		checkSeries(t, url, want)
	}
}

// badFile writes a small monthly file whose line 4 (the third record)
// has a month 13, and a mapping that defines what it needs.
func badFile(t *testing.T, dir string) (file, mapping string) {
	t.Helper()
	file = filepath.Join(dir, "prices.csv")
	text := "region,period,value\nNL33,2024-01,61.5\nNL33,2024-02,62\nNL33,2024-13,63\nNL33,2024-04,64\nNL33,2024M05,65\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mapping = filepath.Join(dir, "prices.json")
	m := `{"indicator": "COC_PRICE",
	  "defineIndicators": [{"code": "COC_PRICE", "name": "Cocaine price", "family": "COST", "unit": "EUR/g", "granularity": "MONTH", "desiredDirection": "UP"}],
	  "defineRegions": [{"code": "NL", "name": "Nederland", "country": "NL", "level": "COUNTRY"},
	                    {"code": "NL33", "name": "Zuid-Holland", "country": "NL", "level": "NUTS2", "parent": "NL"}]}`
	if err := os.WriteFile(mapping, []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, mapping
}

func seriesPoints(t *testing.T, data, indicator, region string) map[string]float64 {
	t.Helper()
	n, err := Open(context.Background(), Config{DataDir: data, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	out := map[string]float64{}
	if _, ok := n.Catalog.Indicator(indicator); !ok {
		return out
	}
	s, _ := n.Series.Get(seriesQuery(indicator, region))
	for _, p := range s.Points {
		out[p.Period] = p.Value
	}
	return out
}

func TestImportBadRowRecordsNothing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file, mapping := badFile(t, dir)
	code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", mapping, file)
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"prices.csv:4: column value: period \"2024-13\" is not a month period", "nothing was recorded", "--skip-invalid"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if pts := seriesPoints(t, data, "COC_PRICE", "NL33"); len(pts) != 0 {
		t.Fatalf("recorded %v", pts)
	}

	code, out, errOut = runCLI(t, "import", "--data", data, "--mapping", mapping, "--skip-invalid", file)
	if code != 0 || !strings.Contains(out, "4 observations recorded") || !strings.Contains(out, "1 rejected") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	rej := readCSV(t, file+".rejects.csv")
	if len(rej) != 2 || rej[1][0] != "4" || rej[1][2] != "BAD_INPUT" || !strings.Contains(rej[1][3], "2024-13") || rej[1][6] != "63" {
		t.Fatalf("rejects %v", rej)
	}
	pts := seriesPoints(t, data, "COC_PRICE", "NL33")
	if len(pts) != 4 || pts["2024-05"] != 65 || pts["2024-01"] != 61.5 {
		t.Fatalf("points %v", pts)
	}

	// Same file again: nothing new. Another value for a recorded period:
	// a conflict that points to reviseObservation, and nothing recorded.
	code, out, _ = runCLI(t, "import", "--data", data, "--mapping", mapping, "--skip-invalid", file)
	if code != 0 || !strings.Contains(out, " 0 observations recorded") || !strings.Contains(out, "4 already recorded") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}
	changed := filepath.Join(dir, "changed.csv")
	os.WriteFile(changed, []byte("region,period,value\nNL33,2024-01,70\nNL33,2024-06,66\n"), 0o644)
	code, out, errOut = runCLI(t, "import", "--data", data, "--mapping", mapping, changed)
	if code != 1 || !strings.Contains(errOut, "changed.csv:2") || !strings.Contains(errOut, "reviseObservation") || !strings.Contains(errOut, "CONFLICT") {
		t.Fatalf("conflict: exit %d\n%s%s", code, out, errOut)
	}
	if pts := seriesPoints(t, data, "COC_PRICE", "NL33"); len(pts) != 4 || pts["2024-01"] != 61.5 {
		t.Fatalf("points after conflict %v", pts)
	}
}

func TestImportUsage(t *testing.T) {
	if code, _, _ := runCLI(t, "import", "--data", t.TempDir()); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "import", "--data", t.TempDir(), "--server", "http://127.0.0.1:1", "x.csv"); code != 2 {
		t.Errorf("--data and --server: exit %d, want 2", code)
	}
	dir := t.TempDir()
	file, _ := badFile(t, dir)
	code, _, errOut := runCLI(t, "import", "--data", filepath.Join(dir, "data"), "--indicator", "NOPE", file)
	if code != 1 || !strings.Contains(errOut, "region NL33 is not defined") || !strings.Contains(errOut, "NOT_FOUND") {
		t.Errorf("unknown region: exit %d\n%s", code, errOut)
	}
}

// TestImportToServer sends the Sicily file to a running server as
// GraphQL mutations, then checks the series and that a second run
// records nothing.
func TestImportToServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	s := startServer(t, t.TempDir())
	base := strings.TrimSuffix(s.url, "/graphql")
	args := []string{"import", "--server", base, "--mapping", filepath.Join("importdata", "sicily.json"), filepath.Join("testdata", "datasets", "sicily_aces.csv")}
	code, out, errOut := runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "177 observations recorded") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "177 already recorded") {
		t.Fatalf("second run: exit %d\n%s%s", code, out, errOut)
	}
	checkSeries(t, s.url, expectValues(t, "sicily_aces"))
}

func seriesQuery(indicator, region string) projections.Query {
	return projections.Query{Indicator: indicator, Region: region}
}

// TestImportCompletesAfterInterruption: an import that stopped after
// some batches (here: the first 5,000 rows recorded by an earlier run)
// is completed by running it again; what was recorded is not recorded
// twice.
func TestImportCompletesAfterInterruption(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, mapping := badFile(t, dir)
	var all strings.Builder
	all.WriteString("region,period,value,k\n")
	for i := 0; i < 12_000; i++ {
		fmt.Fprintf(&all, "NL33,%04d-%02d,%d,s%d\n", 1990+i%400/12, i%12+1, i, i/400)
	}
	lines := strings.SplitAfter(all.String(), "\n")
	first := filepath.Join(dir, "first.csv")
	os.WriteFile(first, []byte(strings.Join(lines[:5001], "")), 0o644)
	full := filepath.Join(dir, "full.csv")
	os.WriteFile(full, []byte(all.String()), 0o644)

	if code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", mapping, "--set", "dimensions.k=k", first); code != 0 {
		t.Fatalf("first part: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"7000 observations recorded", "12000 already recorded"} {
		code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", mapping, "--set", "dimensions.k=k", full)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d, want %q\n%s%s", code, want, out, errOut)
		}
	}
}

// TestPeriodRangeFlag: --period-range is validated with a clear error,
// and an import outside the range records nothing while the same file
// goes in under a range that holds it.
func TestPeriodRangeFlag(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, _, errOut := runCLI(t, "serve", "--data", data, "--period-range", "2100:1900")
	if code != 2 || !strings.Contains(errOut, "--period-range") || !strings.Contains(errOut, "first year is after the last") {
		t.Fatalf("serve --period-range 2100:1900: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "serve", "--data", data, "--period-range", "1900")
	if code != 2 || !strings.Contains(errOut, "FROM:TO") {
		t.Fatalf("serve --period-range 1900: exit %d\n%s", code, errOut)
	}
	file, mapping := badFile(t, dir)
	text := "region,period,value\nNL33,1899-12,61.5\nNL33,1900-01,62\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "import", "--data", data, "--mapping", mapping, file)
	if code != 1 || !strings.Contains(errOut, "prices.csv:2: column value: period 1899-12 is outside the years 1900 to 2100") || !strings.Contains(errOut, "nothing was recorded") {
		t.Fatalf("import of 1899-12: exit %d\n%s%s", code, out, errOut)
	}
	if pts := seriesPoints(t, data, "COC_PRICE", "NL33"); len(pts) != 0 {
		t.Fatalf("recorded %v", pts)
	}
	// Through a server, the server's range decides: the batch is refused
	// naming the row.
	n, err := Open(context.Background(), Config{DataDir: data, Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "import", "--server", "http://"+n.Addr(), "--mapping", mapping, file)
	n.Close()
	if code != 1 || !strings.Contains(errOut, "rows[0].period") || !strings.Contains(errOut, "1899-12 is outside the periods this server accepts") {
		t.Fatalf("import of 1899-12 through a server: exit %d\n%s%s", code, out, errOut)
	}
	if pts := seriesPoints(t, data, "COC_PRICE", "NL33"); len(pts) != 0 {
		t.Fatalf("recorded %v", pts)
	}
	code, out, errOut = runCLI(t, "import", "--data", data, "--period-range", "1850:2100", "--mapping", mapping, file)
	if code != 0 || !strings.Contains(out, "2 observations recorded") {
		t.Fatalf("import with --period-range 1850:2100: exit %d\n%s%s", code, out, errOut)
	}
}
