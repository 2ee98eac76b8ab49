package importer

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// fakeCatalog knows a few indicators and regions.
type fakeCatalog struct {
	ind map[string]domain.Granularity
	reg map[string]bool
}

func (f fakeCatalog) Granularity(c string) (domain.Granularity, bool) {
	g, ok := f.ind[c]
	return g, ok
}
func (f fakeCatalog) RegionExists(c string) bool { return f.reg[c] }

func testCatalog() fakeCatalog {
	return fakeCatalog{
		ind: map[string]domain.Granularity{"Y": domain.Year, "M": domain.Month, "Q": domain.Quarter, "W": domain.Week, "D": domain.Day},
		reg: map[string]bool{"NL33": true, "BE21": true, "ES21": true},
	}
}

func decode(t *testing.T, m Mapping, file, text string) *Result {
	t.Helper()
	res, err := Decode(strings.NewReader(text), &m, Options{File: file, Catalog: testCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestNormalizePeriod(t *testing.T) {
	for _, c := range []struct {
		g        domain.Granularity
		in, want string
	}{
		{domain.Year, "1989.0", "1989"}, {domain.Year, " 1989 ", "1989"}, {domain.Year, "1989.00", "1989"},
		{domain.Month, "2024M05", "2024-05"}, {domain.Month, "2024M5", "2024-05"}, {domain.Month, "2024-05", "2024-05"},
		{domain.Month, "2024-5", "2024-05"}, {domain.Month, "2024/05", "2024-05"}, {domain.Month, "202405", "2024-05"},
		{domain.Quarter, "2024Q2", "2024-Q2"}, {domain.Quarter, "2024-Q2", "2024-Q2"}, {domain.Quarter, "2024 q2", "2024-Q2"},
		{domain.Week, "2024W21", "2024-W21"}, {domain.Week, "2024-W3", "2024-W03"},
		{domain.Day, "2024-05-13", "2024-05-13"},
	} {
		got, err := NormalizePeriod(c.g, c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizePeriod(%s, %q) = %q, %v; want %q", c.g, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		g  domain.Granularity
		in string
	}{{domain.Year, "1989.5"}, {domain.Year, "89"}, {domain.Month, "2024M13"}, {domain.Month, "2024"}, {domain.Quarter, "2024Q5"},
		{domain.Week, "2021-W53"}, {domain.Day, "2024-02-30"}, {domain.Month, "abcdefg"}} {
		if got, err := NormalizePeriod(c.g, c.in); err == nil {
			t.Errorf("NormalizePeriod(%s, %q) = %q, want an error", c.g, c.in, got)
		} else if !strings.Contains(err.Error(), "expected") {
			t.Errorf("error %q does not say what was expected", err)
		}
	}
}

func TestLongCSVWithSeveralValueColumns(t *testing.T) {
	m := Mapping{Region: "state", Period: "year", RegionMap: map[string]string{"Zuid-Holland": "NL33", "Antwerpen": "BE21"},
		Values: map[string]string{"a": "Y", "b": "Y2"}}
	cat := testCatalog()
	cat.ind["Y2"] = domain.Year
	res, err := Decode(strings.NewReader("state,year,a,b\nZuid-Holland,1989.0,1.5,\nAntwerpen,1990.0,2,3e2\n"), &m, Options{File: "f.csv", Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejects) != 0 {
		t.Fatal(res.Rejects)
	}
	if res.Missing != 1 || res.Records != 2 || len(res.Rows) != 3 {
		t.Fatalf("missing %d records %d rows %v", res.Missing, res.Records, res.Rows)
	}
	r := res.Rows[2]
	if r.Indicator != "Y2" || r.Region != "BE21" || r.Period != "1990" || r.Value != 300 || r.Line != 3 || r.Column != "b" {
		t.Fatalf("row %+v", r)
	}
}

func TestWideCSV(t *testing.T) {
	m := Mapping{Indicator: "Y", Region: "geo", WidePeriods: `^(\d{4})(\.0)?$`}
	res := decode(t, m, "w.csv", "geo,label,2019,2020.0,2021\nNL33,x,1,2,:\nBE21,y,4,5,6\n")
	if len(res.Rejects) != 0 || len(res.Rows) != 5 || res.Missing != 1 {
		t.Fatalf("rows %v rejects %v missing %d", res.Rows, res.Rejects, res.Missing)
	}
	if r := res.Rows[1]; r.Period != "2020" || r.Value != 2 || r.Column != "2020.0" {
		t.Fatalf("row %+v", r)
	}
}

func TestRowErrorsNameFileLineAndColumn(t *testing.T) {
	m := Mapping{Indicator: "M"}
	res := decode(t, m, "obs.csv", "region,period,value\nNL33,2024-01,1\nNL33,2024-13,2\nXX99,2024-02,3\nNL33,2024-03,abc\nNL33,2024-01,4\nBAD CODE,2024-01,1\n")
	want := []struct {
		line int
		code domain.Code
		has  string
	}{
		{3, domain.BadInput, `"2024-13" is not a month period`},
		{4, domain.NotFound, "region XX99 is not defined"},
		{5, domain.BadInput, `"abc" is not a number`},
		{6, domain.BadInput, "already on line 2"},
		{7, domain.NotFound, "BAD CODE"},
	}
	if len(res.Rejects) != len(want) {
		t.Fatalf("rejects %v", res.Rejects)
	}
	for i, w := range want {
		e := res.Rejects[i]
		if e.Line != w.line || e.Code != w.code || !strings.Contains(e.Error(), w.has) || !strings.HasPrefix(e.Error(), "obs.csv:") {
			t.Errorf("reject %d = %v [%s], want line %d %s containing %q", i, e, e.Code, w.line, w.code, w.has)
		}
	}
	if len(res.Rows) != 1 {
		t.Fatalf("rows %v", res.Rows)
	}
}

func TestUnknownIndicatorAndRegionMap(t *testing.T) {
	m := Mapping{IndicatorColumn: "ind", Region: "r", RegionMap: map[string]string{"17": "ES21"}}
	res := decode(t, m, "f.csv", "ind,r,period,value\nY,17.0,2000,1\nNOPE,17,2000,1\nY,18,2000,1\n")
	if len(res.Rows) != 1 || len(res.Rejects) != 2 {
		t.Fatalf("rows %v rejects %v", res.Rows, res.Rejects)
	}
	if !strings.Contains(res.Rejects[0].Error(), "indicator NOPE is not defined") || res.Rejects[0].Code != domain.NotFound {
		t.Error(res.Rejects[0])
	}
	if !strings.Contains(res.Rejects[1].Error(), `region "18" is not in the mapping's regionMap`) {
		t.Error(res.Rejects[1])
	}
}

func TestSDMX(t *testing.T) {
	in := "DATAFLOW,LAST UPDATE,freq,unit,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n" +
		"ESTAT:X(1.0),01/01/24 23:00:00,A,NR,F,NL33,2020,12,\n" +
		"ESTAT:X(1.0),01/01/24 23:00:00,A,NR,M,NL33,2020,14,p\n" +
		"ESTAT:X(1.0),01/01/24 23:00:00,A,NR,M,NL33,2021,:,c\n" +
		"ESTAT:X(1.0),01/01/24 23:00:00,M,NR,M,NL33,2021-01,3,\n"
	res := decode(t, Mapping{Indicator: "Y"}, "x.csv", in)
	if len(res.Rows) != 2 || res.Missing != 1 || len(res.Rejects) != 1 {
		t.Fatalf("rows %v missing %d rejects %v", res.Rows, res.Missing, res.Rejects)
	}
	if got := domain.DimensionsKey(res.Rows[1].Dimensions); got != "sex=M;unit=NR" {
		t.Errorf("dimensions %q", got)
	}
	if !strings.Contains(res.Rejects[0].Error(), "freq is month") {
		t.Error(res.Rejects[0])
	}
}

func TestJSONLines(t *testing.T) {
	in := `{"indicator":"M","region":"NL33","period":"2024M05","value":1.5,"dimensions":{"substance":"cocaine"}}

{"indicator":"M","region":"NL33","period":"2024-06","value":"2"}
{"indicator":"M","region":"NL33","period":"2024-07","value":null}
{"indicator":"M","region":"NL33","period":"2024-08","value":[1]}
not json
`
	m := Mapping{Format: JSONLines}
	res := decode(t, m, "f.jsonl", in)
	if len(res.Rows) != 2 || res.Missing != 1 || len(res.Rejects) != 2 {
		t.Fatalf("rows %v missing %d rejects %v", res.Rows, res.Missing, res.Rejects)
	}
	if res.Rows[0].Period != "2024-05" || len(res.Rows[0].Dimensions) != 1 || res.Rows[1].Line != 3 {
		t.Errorf("rows %+v", res.Rows)
	}
	if res.Rejects[1].Line != 6 {
		t.Errorf("reject %v", res.Rejects[1])
	}
}

func TestMappingErrors(t *testing.T) {
	for _, c := range []struct {
		m    Mapping
		text string
		has  string
	}{
		{Mapping{}, "region,period,value\n", "no indicator"},
		{Mapping{Indicator: "Y", Region: "geo"}, "region,period,value\n", `region column "geo" is not in the header`},
		{Mapping{Indicator: "Y"}, "", "empty"},
		{Mapping{Indicator: "Y", WidePeriods: "^x"}, "region,2019\n", "no column matches"},
		{Mapping{Indicator: "Y"}, "a,a\n", "appears twice"},
	} {
		_, err := Decode(strings.NewReader(c.text), &c.m, Options{File: "f.csv", Catalog: testCatalog()})
		if err == nil || !strings.Contains(err.Error(), c.has) {
			t.Errorf("%+v: error %v, want %q", c.m, err, c.has)
		}
	}
}

func TestParseMappingKeyValue(t *testing.T) {
	m, err := ParseMapping([]byte("# sicily\nregionCode = ITG1\nperiod=year\nmonth=month\nvalues.aces=ACES\nregionMap.Sicilia = ITG1\nmissing=NA,:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.RegionCode != "ITG1" || m.Month != "month" || m.Values["aces"] != "ACES" || m.RegionMap["Sicilia"] != "ITG1" || len(m.Missing) != 2 {
		t.Fatalf("%+v", m)
	}
	if _, err := ParseMapping([]byte("nope=1\n")); err == nil {
		t.Error("unknown key accepted")
	}
	if _, err := ParseMapping([]byte(`{"indicator":"Y","bogus":1}`)); err == nil {
		t.Error("unknown JSON field accepted")
	}
}

type fakeRecorded map[string]float64

func (f fakeRecorded) Value(ind, region string, dims []domain.Dimension, period string) (float64, bool) {
	v, ok := f[ind+"/"+domain.SeriesKey(region, dims)+"/"+period]
	return v, ok
}

func TestReconcile(t *testing.T) {
	rows := []Row{
		{Line: 2, Indicator: "Y", ObservationRow: domain.ObservationRow{Region: "NL33", Period: "2020", Value: 1}},
		{Line: 3, Indicator: "Y", ObservationRow: domain.ObservationRow{Region: "NL33", Period: "2021", Value: 2}},
		{Line: 4, Indicator: "Y", ObservationRow: domain.ObservationRow{Region: "NL33", Period: "2022", Value: 3}},
	}
	fresh, same, conflicts := Reconcile("f.csv", rows, fakeRecorded{"Y/NL33/2020": 1, "Y/NL33/2021": 2.5})
	if len(fresh) != 1 || fresh[0].Line != 4 || same != 1 || len(conflicts) != 1 {
		t.Fatalf("fresh %v same %d conflicts %v", fresh, same, conflicts)
	}
	if c := conflicts[0]; c.Code != domain.Conflict || c.Line != 3 || !strings.Contains(c.Error(), "reviseObservation") || !strings.Contains(c.Error(), "2.5") {
		t.Errorf("conflict %v", c)
	}
}

func TestBatchesAndCommandIDs(t *testing.T) {
	var rows []Row
	for i := 0; i < 12; i++ {
		ind := "A"
		if i%3 == 0 {
			ind = "B"
		}
		rows = append(rows, Row{Line: i + 2, Indicator: ind, ObservationRow: domain.ObservationRow{Region: "NL33", Period: "2020", Value: float64(i)}})
	}
	bs := Batches(rows, 5)
	if len(bs) != 3 || bs[0].Indicator != "B" || len(bs[0].Rows) != 4 || len(bs[1].Rows) != 5 || len(bs[2].Rows) != 3 {
		t.Fatalf("batches %+v", bs)
	}
	id := CommandID("abcdef0123456789ffff", bs[1])
	if id != CommandID("abcdef0123456789ffff", Batches(rows, 5)[1]) || len(id) > 128 || !strings.HasPrefix(id, "imp-abcdef0123456789-") {
		t.Fatalf("command ID %q not stable", id)
	}
	if id == CommandID("abcdef0123456789ffff", bs[2]) {
		t.Fatal("different batches, same ID")
	}
	if cmd := bs[0].Command("src"); cmd.Validate() != nil || len(cmd.Rows) != 4 {
		t.Fatalf("command %+v: %v", cmd, cmd.Validate())
	}
}

func TestDecodeNeedsCatalog(t *testing.T) {
	if _, err := Decode(strings.NewReader(""), &Mapping{}, Options{}); err == nil {
		t.Fatal("no error without a catalog")
	}
}

// TestPeriodRangeRejectsRows: with Options.Periods, a row outside the
// range is a reject naming its line; without, it is left to the service.
func TestPeriodRangeRejectsRows(t *testing.T) {
	text := "region,period,value\nNL33,1899-12,1\nNL33,1900-01,2\nNL33,2101-01,3\n"
	m := Mapping{Indicator: "M"}
	res, err := Decode(strings.NewReader(text), &m, Options{File: "obs.csv", Catalog: testCatalog(), Periods: domain.DefaultPeriodRange})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejects) != 2 || len(res.Rows) != 1 {
		t.Fatalf("rejects %v, rows %v", res.Rejects, res.Rows)
	}
	for i, line := range []int{2, 4} {
		e := res.Rejects[i]
		if e.Line != line || e.Code != domain.BadInput || !strings.Contains(e.Error(), "outside the years 1900 to 2100") {
			t.Errorf("reject %d = %v [%s], want line %d, BAD_INPUT, outside the years 1900 to 2100", i, e, e.Code, line)
		}
	}
	if res := decode(t, Mapping{Indicator: "M"}, "obs.csv", text); len(res.Rejects) != 0 || len(res.Rows) != 3 {
		t.Fatalf("without a range: rejects %v, rows %v", res.Rejects, res.Rows)
	}
}
