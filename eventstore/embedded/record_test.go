package embedded

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
)

func testRecord(stream string, ev eventstore.EventData) []byte {
	b := make([]byte, recordSize(stream, &ev))
	encodeRecord(b, 42, 7, time.Date(2026, 5, 13, 10, 0, 0, 123, time.UTC).UnixNano(), stream, &ev)
	return b
}

func TestRecordRoundTrip(t *testing.T) {
	cases := []struct {
		name   string
		stream string
		ev     eventstore.EventData
	}{
		{"full", "indicator-PRICE", eventstore.EventData{ID: uuid.New(), Type: "ObservationsRecorded", Data: []byte(`{"rows":[]}`), Metadata: []byte(`{"principal":"a"}`)}},
		{"no metadata", "region-DE11", eventstore.EventData{ID: uuid.New(), Type: "RegionDefined", Data: []byte(`{}`)}},
		{"empty", "x", eventstore.EventData{}},
		{"longest stream", strings.Repeat("s", 255), eventstore.EventData{Type: "T", Data: bytes.Repeat([]byte("d"), 1<<16)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := testRecord(c.stream, c.ev)
			r, err := decodeRecord(b)
			if err != nil {
				t.Fatal(err)
			}
			ev := r.event()
			if ev.ID != c.ev.ID || ev.Type != c.ev.Type || !bytes.Equal(ev.Data, c.ev.Data) || !bytes.Equal(ev.Metadata, c.ev.Metadata) {
				t.Errorf("decoded %+v, want %+v", ev.EventData, c.ev)
			}
			if ev.Stream != c.stream || ev.Version != 7 || ev.Position != 42 {
				t.Errorf("decoded stream %q version %d position %d", ev.Stream, ev.Version, ev.Position)
			}
			if want := time.Date(2026, 5, 13, 10, 0, 0, 123, time.UTC); !ev.Recorded.Equal(want) || ev.Recorded.Location() != time.UTC {
				t.Errorf("decoded recorded %v, want %v", ev.Recorded, want)
			}
			// The decoded slices do not alias the record, nor each other.
			if len(ev.Data) > 0 {
				ev.Data = append(ev.Data, 'X')
				if !bytes.Equal(ev.Metadata, c.ev.Metadata) {
					t.Error("appending to Data changed Metadata")
				}
			}
			clear(b)
			if len(c.ev.Metadata) > 0 && !bytes.Equal(ev.Metadata, c.ev.Metadata) {
				t.Error("decoded Metadata aliases the record")
			}
		})
	}
}

// TestRecordDetectsDamage flips every bit of a record, and truncates and
// extends it: each must be refused with ErrCorrupt.
func TestRecordDetectsDamage(t *testing.T) {
	b := testRecord("operation-9", eventstore.EventData{ID: uuid.New(), Type: "OperationLaunched", Data: []byte(`{"title":"Trident"}`), Metadata: []byte(`{}`)})
	for i := range len(b) * 8 {
		damaged := bytes.Clone(b)
		damaged[i/8] ^= 1 << (i % 8)
		if _, err := decodeRecord(damaged); !errors.Is(err, eventstore.ErrCorrupt) {
			t.Fatalf("bit %d flipped: %v, want ErrCorrupt", i, err)
		}
	}
	for n := range len(b) {
		if _, err := decodeRecord(b[:n]); !errors.Is(err, eventstore.ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v, want ErrCorrupt", n, err)
		}
	}
	if _, err := decodeRecord(append(bytes.Clone(b), 0)); !errors.Is(err, eventstore.ErrCorrupt) {
		t.Fatalf("extended by a byte: %v, want ErrCorrupt", err)
	}
}

// TestRecordChecksummedButMalformed gives records whose checksum is right
// but whose fields are not.
func TestRecordChecksummedButMalformed(t *testing.T) {
	good := testRecord("s", eventstore.EventData{Type: "T", Data: []byte("d")})
	cases := map[string]func(b []byte){
		"format":        func(b []byte) { b[4] = 2 },
		"empty stream":  func(b []byte) { b[45] = 0 },
		"long type":     func(b []byte) { binary.BigEndian.PutUint32(b[46:], 1<<31) },
		"long metadata": func(b []byte) { binary.BigEndian.PutUint32(b[54:], 1) },
		"max lengths": func(b []byte) {
			binary.BigEndian.PutUint32(b[46:], ^uint32(0))
			binary.BigEndian.PutUint32(b[50:], ^uint32(0))
		},
		"short data field": func(b []byte) { binary.BigEndian.PutUint32(b[50:], 0) },
	}
	for name, damage := range cases {
		b := bytes.Clone(good)
		damage(b)
		withChecksum(b)
		if _, err := decodeRecord(b); !errors.Is(err, eventstore.ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// withChecksum sets the checksum of b (if it is long enough to hold one)
// to match its contents.
func withChecksum(b []byte) {
	if len(b) >= 4 {
		binary.BigEndian.PutUint32(b, crc32.Checksum(b[4:], castagnoli))
	}
}

func TestPrefixUpperBound(t *testing.T) {
	cases := map[string]string{"a": "b", "a\xff": "b", "s\x03abc": "s\x03abd", "\x00\xff\xff": "\x01"}
	for in, want := range cases {
		if got := string(prefixUpperBound([]byte(in))); got != want {
			t.Errorf("prefixUpperBound(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeRecord checks that no input makes the decoder panic, that
// everything it refuses is refused with ErrCorrupt, and that everything it
// accepts re-encodes to the same bytes (the encoding is canonical). Each
// input is tried as it is and with its checksum fixed up, so that the
// fuzzer explores the parser behind the checksum too.
//
//	go test -run '^$' -fuzz FuzzDecodeRecord -fuzztime 30s ./eventstore/embedded
func FuzzDecodeRecord(f *testing.F) {
	f.Add(testRecord("indicator-PRICE", eventstore.EventData{ID: uuid.MustParse("0d6f7c2e-5a3b-4e0a-9a51-2b7c8f1d9e01"), Type: "ObservationsRecorded", Data: []byte(`{"source":"eurostat","rows":[{"region":"DE11","period":"2020-01","value":12.34}]}`), Metadata: []byte(`{"principal":"analyst-7"}`)}))
	f.Add(testRecord("x", eventstore.EventData{}))
	f.Add([]byte{})
	f.Add(make([]byte, recordHeaderSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
		fixed := bytes.Clone(b)
		withChecksum(fixed)
		checkDecode(t, fixed)
	})
}

func checkDecode(t *testing.T, b []byte) {
	r, err := decodeRecord(b)
	if err != nil {
		if !errors.Is(err, eventstore.ErrCorrupt) {
			t.Fatalf("decode error %v does not wrap ErrCorrupt", err)
		}
		return
	}
	ev := eventstore.EventData{ID: r.ID, Type: r.Type, Data: r.Data, Metadata: r.Metadata}
	again := make([]byte, recordSize(r.Stream, &ev))
	encodeRecord(again, r.Position, r.Version, r.Recorded, r.Stream, &ev)
	if !bytes.Equal(again, b) {
		t.Fatalf("record %x decodes to %+v, which encodes to %x", b, r, again)
	}
}
