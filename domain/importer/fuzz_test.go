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

// fuzzBoundaries checks what must hold for any boundary file: no panic,
// every command valid for the domain, every reject with a code and reason.
func fuzzBoundaries(t *testing.T, format Format, data []byte, tol float64) {
	res, err := DecodeBoundaries(data, testCatalog(), BoundaryOptions{File: "fuzz", Format: format, Tolerance: tol})
	if err != nil {
		return
	}
	for _, c := range res.Commands {
		if err := c.Validate(); err != nil {
			t.Fatalf("command %+v passed but is invalid: %v", c, err)
		}
	}
	for _, e := range res.Rejects {
		if e.Reason == "" || e.Code == "" || e.Index < 0 {
			t.Fatalf("reject %+v lacks a reason, code or index", e)
		}
	}
}

func FuzzGeoJSON(f *testing.F) {
	f.Add([]byte(gisco), 0.0)
	f.Add([]byte(`{"type":"Feature","id":"NL33","geometry":{"type":"Polygon","coordinates":[[[4,51],[5,51],[5,52],[4,51]]]}}`), 0.5)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"NUTS_ID":"BE21"},"geometry":{"type":"MultiPolygon","coordinates":[[[[1e400,0]]]]}}]}`), 0.01)
	f.Fuzz(func(t *testing.T, data []byte, tol float64) { fuzzBoundaries(t, GeoJSON, data, tol) })
}

func FuzzTopoJSON(f *testing.F) {
	f.Add([]byte(topo), 0.0)
	f.Add([]byte(`{"type":"Topology","arcs":[[[4,51],[5,51],[5,52],[4,51]]],"objects":{"a":{"type":"Polygon","arcs":[[0,0,-1]],"id":"NL33"}}}`), 0.1)
	f.Fuzz(func(t *testing.T, data []byte, tol float64) { fuzzBoundaries(t, TopoJSON, data, tol) })
}
