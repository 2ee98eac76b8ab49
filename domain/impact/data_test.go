package impact

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readCSV reads testdata/name into a header and rows.
func readCSV(tb testing.TB, name string) ([]string, [][]string) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return recs[0], recs[1:]
}

// column returns the index of name in header.
func column(tb testing.TB, header []string, name string) int {
	tb.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	tb.Fatalf("no column %q in %v", name, header)
	return -1
}

// parseNum parses a CSV number; blanks and NA are NaN.
func parseNum(tb testing.TB, s string) float64 {
	tb.Helper()
	if s == "" || s == "NA" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// relClose reports whether got is within rel of want (relative), or within
// rel absolutely when want is 0.
func relClose(got, want, rel float64) bool {
	if want == 0 {
		return math.Abs(got) <= rel
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// sicily loads sicily_aces.csv: periods "YYYY-MM", counts, stdpop.
func sicily(tb testing.TB) (periods []string, aces, stdpop []float64, start int) {
	tb.Helper()
	h, rows := readCSV(tb, "sicily_aces.csv")
	iy, im, ia, ip, ib := column(tb, h, "year"), column(tb, h, "month"), column(tb, h, "aces"), column(tb, h, "stdpop"), column(tb, h, "smokban")
	start = -1
	for i, r := range rows {
		m, _ := strconv.Atoi(r[im])
		periods = append(periods, r[iy]+"-"+map[bool]string{true: "0", false: ""}[m < 10]+r[im])
		aces = append(aces, parseNum(tb, r[ia]))
		stdpop = append(stdpop, parseNum(tb, r[ip]))
		if start < 0 && r[ib] == "1" {
			start = i
		}
	}
	return periods, aces, stdpop, start
}
