package embedded

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

// rowsPerEvent is how many observation rows one ObservationsRecorded event
// of the benchmarks carries.
const rowsPerEvent = 1000

// observationsJSON returns the payload of an ObservationsRecorded event with
// rows observation rows, in the shape the domain writes:
// {"source":"eurostat","rows":[{"region":"DE11","period":"2020-01","value":12.34},...]}.
// seed varies regions, periods and values between events.
func observationsJSON(rows int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	b := make([]byte, 0, 64+rows*52)
	b = append(b, `{"source":"eurostat","rows":[`...)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"region":"`...)
		b = append(b, "DEFRITESPLNL"[2*(i%6):2*(i%6)+2]...)
		b = append(b, byte('1'+r.IntN(9)), byte('1'+r.IntN(9)))
		b = append(b, `","period":"`...)
		b = strconv.AppendInt(b, int64(1995+i/12%30), 10)
		b = append(b, '-')
		if m := i%12 + 1; m < 10 {
			b = append(b, '0', byte('0'+m))
		} else {
			b = strconv.AppendInt(b, int64(m), 10)
		}
		b = append(b, `","value":`...)
		b = strconv.AppendFloat(b, float64(r.IntN(100000))/100, 'f', 2, 64)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// observationEvents returns n ObservationsRecorded events of rowsPerEvent
// rows each.
func observationEvents(n int, seed uint64) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = eventstore.EventData{
			ID:       uuid.New(),
			Type:     "ObservationsRecorded",
			Data:     observationsJSON(rowsPerEvent, seed+uint64(i)),
			Metadata: smallMetadata(),
		}
	}
	return evs
}

// smallEvent returns a small event such as OperationOutputsReported.
func smallEvent() eventstore.EventData {
	return eventstore.EventData{
		ID:       uuid.New(),
		Type:     "OperationOutputsReported",
		Data:     []byte(`{"period":"2024-05","arrests":12,"seizures":[{"substance":"cocaine","kg":41.5}],"assetsFrozen":250000,"labsDismantled":1,"cost":120000}`),
		Metadata: smallMetadata(),
	}
}

func smallMetadata() []byte {
	return []byte(`{"schemaVersion":1,"principal":"analyst-7","commandId":"` + uuid.NewString() + `","correlationId":"` + uuid.NewString() + `"}`)
}

// reportThroughput reports observations, events and bytes per second for a
// benchmark that durably wrote events events of obsPerEvent observations
// each, totalling bytes payload bytes.
func reportThroughput(b *testing.B, events, obsPerEvent, bytes int) {
	b.Helper()
	s := b.Elapsed().Seconds()
	if s == 0 {
		return
	}
	if obsPerEvent > 0 {
		b.ReportMetric(float64(events*obsPerEvent)/s, "obs/s")
	}
	b.ReportMetric(float64(events)/s, "events/s")
	b.ReportMetric(float64(bytes)/s/1e6, "MB/s")
}

func payloadBytes(evs []eventstore.EventData) int {
	n := 0
	for i := range evs {
		n += len(evs[i].Data) + len(evs[i].Metadata)
	}
	return n
}

func TestObservationsJSONShape(t *testing.T) {
	p := observationsJSON(rowsPerEvent, 1)
	if len(p) < 40_000 || len(p) > 60_000 {
		t.Errorf("payload of %d rows is %d bytes, want about 40-60 KB", rowsPerEvent, len(p))
	}
	want := `{"source":"eurostat","rows":[{"region":"DE`
	if got := string(p[:len(want)]); got != want {
		t.Errorf("payload starts %q, want %q", got, want)
	}
}
