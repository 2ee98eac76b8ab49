package domain

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

type plainRecorded struct {
	Indicator string           `json:"indicator"`
	Source    string           `json:"source"`
	Rows      []ObservationRow `json:"rows"`
}

func randomBatch(rng *rand.Rand) ObservationsRecorded {
	strs := []string{"NL33", "2024-05", "NL33", "2024-06", "a<b>&c", "Zürich", "tab\there", `quote"back\slash`, "", "x\u2028y", "\x01"}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789012345678901234.0, 1e300, math.SmallestNonzeroFloat64, -2.5e-9, 61.5}
	e := ObservationsRecorded{Indicator: strs[rng.IntN(len(strs))], Source: strs[rng.IntN(len(strs))]}
	if rng.IntN(10) > 0 {
		e.Rows = []ObservationRow{}
	}
	for i := rng.IntN(6); i > 0; i-- {
		r := ObservationRow{Region: strs[rng.IntN(len(strs))], Period: strs[rng.IntN(len(strs))], Value: floats[rng.IntN(len(floats))] * float64(rng.IntN(3)+1)}
		if rng.IntN(4) == 0 {
			r.Value = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		for j := rng.IntN(3); j > 0; j-- {
			r.Dimensions = append(r.Dimensions, Dimension{Key: strs[rng.IntN(len(strs))], Value: strs[rng.IntN(len(strs))]})
		}
		e.Rows = append(e.Rows, r)
	}
	return e
}

// TestObservationsJSONMatchesEncodingJSON: what encoding/json writes for
// a batch, the parser reads back as encoding/json does, on the fast path
// whenever the strings need no escape.
func TestObservationsJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for i := 0; i < 3000; i++ {
		e := randomBatch(rng)
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var std plainRecorded
		if err := json.Unmarshal(data, &std); err != nil {
			t.Fatal(err)
		}
		var back ObservationsRecorded
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		ev, err := decodeObservationsRecorded(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, ObservationsRecorded(std)) || !reflect.DeepEqual(ev, ObservationsRecorded(std)) {
			t.Fatalf("decoding differs:\n got %+v\nwant %+v", back, std)
		}
		if _, _, _, ok := parseBatchJSON(data); ok {
			fast++
		}
		var cmd RecordObservations
		if err := json.Unmarshal(data, &cmd); err != nil || !reflect.DeepEqual(ObservationsRecorded(cmd), ev) {
			t.Fatalf("command decoding differs: %v", err)
		}
	}
	if fast == 0 {
		t.Fatal("nothing on the fast path")
	}
}

func TestObservationsJSONFastPathAndFallback(t *testing.T) {
	fast := []byte(`{"indicator":"P","source":"s","rows":[{"region":"NL33","period":"2024-01","value":1.5},{"region":"NL33","period":"2024-02","value":-2e-7,"dimensions":[{"key":"k","value":"v"}]}]}`)
	if _, _, _, ok := parseBatchJSON(fast); !ok {
		t.Fatal("compact batch not on the fast path")
	}
	for _, in := range []string{
		`{"indicator":"P", "source":"s","rows":[]}`,      // spacing
		`{"indicator":"P","source":"s","rows":[],"x":1}`, // unknown field
		`{"indicator":"P\u0041","source":"s","rows":null}`,
		`{"indicator":"P","source":"s","rows":[{"region":"A","period":"B","value":01}]}`,
		`{"indicator":"P","source":"s","rows":[{"region":"A","period":"B","value":1e999}]}`,
		`{"indicator":"P","source":"s","rows":[{"region":"A","region":"C","value":1}]}`,
		`{"indicator":"P","source":"s","rows":[]} x`,
	} {
		if _, _, _, ok := parseBatchJSON([]byte(in)); ok {
			t.Errorf("%s: on the fast path", in)
		}
		var a ObservationsRecorded
		var b plainRecorded
		errA, errB := json.Unmarshal([]byte(in), &a), json.Unmarshal([]byte(in), &b)
		if (errA == nil) != (errB == nil) || errA == nil && !reflect.DeepEqual(a, ObservationsRecorded(b)) {
			t.Errorf("%s: got %+v, %v; encoding/json %+v, %v", in, a, errA, b, errB)
		}
	}
	// Commands keep refusing unknown fields.
	if _, err := DecodeCommand("recordObservations", []byte(`{"indicator":"P","source":"s","rows":[],"x":1}`)); err == nil {
		t.Error("unknown field accepted in a command")
	}
}

// FuzzObservationsJSON: for any input, the codec decodes as encoding/json
// does.
func FuzzObservationsJSON(f *testing.F) {
	f.Add([]byte(`{"indicator":"P","source":"s","rows":[{"region":"NL33","period":"2024-01","value":1.5,"dimensions":[{"key":"k","value":"v"}]}]}`))
	f.Add([]byte(`{"indicator":"P","source":"s","rows":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var a ObservationsRecorded
		var b plainRecorded
		errA, errB := json.Unmarshal(in, &a), json.Unmarshal(in, &b)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%q: error %v, encoding/json %v", in, errA, errB)
		}
		if errA == nil && !reflect.DeepEqual(a, ObservationsRecorded(b)) {
			t.Fatalf("%q: got %+v, encoding/json %+v", in, a, b)
		}
	})
}

func BenchmarkObservationsJSON(b *testing.B) {
	e := ObservationsRecorded{Indicator: "IND01", Source: "bench"}
	for r := 0; r < 25; r++ {
		for m := 0; m < 360; m++ {
			e.Rows = append(e.Rows, ObservationRow{Region: "R000" + string(rune('0'+r%10)), Period: Period{G: Month, Index: int32(1995*12 + m)}.String(), Value: float64(m) * 1.25})
		}
	}
	data, _ := json.Marshal(e)
	b.Run("decode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out ObservationsRecorded
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(e.Rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("decode-direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, _, ok := parseBatchJSON(data); !ok {
				b.Fatal("not on the fast path")
			}
		}
		b.ReportMetric(float64(len(e.Rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("decode-encoding-json", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out plainRecorded
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(e.Rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
