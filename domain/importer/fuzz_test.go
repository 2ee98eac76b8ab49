package importer

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// fuzzDecode checks what must hold for any input: no panic, every row
// valid for the domain, every reject with a line and a reason.
func fuzzDecode(t *testing.T, m Mapping, text string) {
	res, err := Decode(strings.NewReader(text), &m, Options{File: "fuzz", Catalog: testCatalog()})
	if err != nil {
		return
	}
	for _, r := range res.Rows {
		cmd := domain.RecordObservations{Indicator: r.Indicator, Source: "fuzz", Rows: []domain.ObservationRow{r.ObservationRow}}
		if err := cmd.Validate(); err != nil {
			t.Fatalf("row %+v passed but is invalid: %v", r, err)
		}
		if r.Line < 1 {
			t.Fatalf("row %+v without a line", r)
		}
	}
	for _, e := range res.Rejects {
		if e.Line < 1 || e.Reason == "" || e.Code == "" {
			t.Fatalf("reject %+v lacks a line, reason or code", e)
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add("region,period,value\nNL33,2024-01,1.5\nNL33,2024M02,x\n")
	f.Add("region,period,value\n\"NL33\",\"2024-01\",\"1\"\nBE21,2024-02\n")
	f.Add("geo,2019,2020\nNL33,1,2\n")
	f.Fuzz(func(t *testing.T, text string) {
		fuzzDecode(t, Mapping{Indicator: "M"}, text)
		fuzzDecode(t, Mapping{Indicator: "Y", Region: "geo", WidePeriods: `^\d{4}$`}, text)
	})
}

func FuzzSDMX(f *testing.F) {
	f.Add("DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\nESTAT:X(1.0),x,A,NR,NL33,2020,12,\n")
	f.Add("DATAFLOW,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\nD,M,BE21,2020M01,:,c\nD,Q,BE21,2020Q1,1,\n")
	f.Fuzz(func(t *testing.T, text string) {
		fuzzDecode(t, Mapping{Indicator: "Y", Format: SDMX}, text)
	})
}

func FuzzJSONLines(f *testing.F) {
	f.Add(`{"indicator":"M","region":"NL33","period":"2024-05","value":1.5,"dimensions":{"substance":"cocaine"}}` + "\n")
	f.Add(`{"indicator":"Y","region":"ES21","period":1989.0,"value":"2"}` + "\n\n{}\n[1]\n")
	f.Fuzz(func(t *testing.T, text string) {
		fuzzDecode(t, Mapping{Format: JSONLines}, text)
	})
}
