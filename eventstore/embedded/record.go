package embedded

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"

	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// An event record is the value stored under an event key. Its layout, with
// every integer big-endian:
//
//	offset size field
//	     0    4 CRC-32C (Castagnoli) of bytes [4:]
//	     4    1 record format (recordFormat)
//	     5    8 position
//	    13    8 stream version
//	    21    8 recorded at, Unix nanoseconds (int64)
//	    29   16 event ID
//	    45    1 stream name length (1-255)
//	    46    4 type length
//	    50    4 data length
//	    54    4 metadata length
//	    58      stream name, type, data, metadata
//
// Fixed-width lengths keep the encoding canonical: one event has exactly one
// encoding, which the fuzz target checks by re-encoding what it decodes.
const (
	recordFormat     = 1
	recordHeaderSize = 58
	// maxFieldSize bounds Type, Data and Metadata so that their lengths fit
	// the 4-byte length fields.
	maxFieldSize = 1<<32 - 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is one decoded event record.
type record struct {
	Position eventstore.Position
	Version  uint64
	Recorded int64 // Unix nanoseconds
	ID       uuid.UUID
	Stream   string
	Type     string
	Data     []byte
	Metadata []byte
}

// recordSize returns the encoded size of an event appended to stream.
func recordSize(stream string, ev *eventstore.EventData) int {
	return recordHeaderSize + len(stream) + len(ev.Type) + len(ev.Data) + len(ev.Metadata)
}

// encodeRecord writes the record of ev into dst, which must be exactly
// recordSize(stream, ev) bytes long. The caller has validated stream
// (1-255 bytes) and the field sizes.
func encodeRecord(dst []byte, pos eventstore.Position, version uint64, recorded int64, stream string, ev *eventstore.EventData) {
	dst[4] = recordFormat
	binary.BigEndian.PutUint64(dst[5:], uint64(pos))
	binary.BigEndian.PutUint64(dst[13:], version)
	binary.BigEndian.PutUint64(dst[21:], uint64(recorded))
	copy(dst[29:45], ev.ID[:])
	dst[45] = byte(len(stream))
	binary.BigEndian.PutUint32(dst[46:], uint32(len(ev.Type)))
	binary.BigEndian.PutUint32(dst[50:], uint32(len(ev.Data)))
	binary.BigEndian.PutUint32(dst[54:], uint32(len(ev.Metadata)))
	n := recordHeaderSize
	n += copy(dst[n:], stream)
	n += copy(dst[n:], ev.Type)
	n += copy(dst[n:], ev.Data)
	copy(dst[n:], ev.Metadata)
	binary.BigEndian.PutUint32(dst[0:], crc32.Checksum(dst[4:], castagnoli))
}

// decodeRecord verifies the checksum of b and decodes it. Data and Metadata
// of the result are copies (one allocation shared by both, each capped so
// that appending to one cannot overwrite the other); b may be reused once
// decodeRecord returns. Every error wraps eventstore.ErrCorrupt; the caller
// adds where the record was found.
func decodeRecord(b []byte) (record, error) {
	if len(b) < recordHeaderSize {
		return record{}, corrupt("cli2.record.short", len(b), recordHeaderSize)
	}
	if want, got := binary.BigEndian.Uint32(b), crc32.Checksum(b[4:], castagnoli); want != got {
		return record{}, corrupt("cli2.record.checksum", fmt.Sprintf("%08x", want), fmt.Sprintf("%08x", got))
	}
	if b[4] != recordFormat {
		return record{}, corrupt("cli2.record.format", b[4])
	}
	streamLen := uint64(b[45])
	typeLen := uint64(binary.BigEndian.Uint32(b[46:]))
	dataLen := uint64(binary.BigEndian.Uint32(b[50:]))
	metaLen := uint64(binary.BigEndian.Uint32(b[54:]))
	if streamLen == 0 {
		return record{}, corrupt("cli2.record.stream")
	}
	if total := recordHeaderSize + streamLen + typeLen + dataLen + metaLen; total != uint64(len(b)) {
		return record{}, corrupt("cli2.record.lengths", total, len(b))
	}
	r := record{
		Position: eventstore.Position(binary.BigEndian.Uint64(b[5:])),
		Version:  binary.BigEndian.Uint64(b[13:]),
		Recorded: int64(binary.BigEndian.Uint64(b[21:])),
	}
	copy(r.ID[:], b[29:45])
	rest := b[recordHeaderSize:]
	r.Stream = string(rest[:streamLen])
	rest = rest[streamLen:]
	r.Type = string(rest[:typeLen])
	rest = rest[typeLen:]
	if dataLen+metaLen > 0 {
		buf := make([]byte, dataLen+metaLen)
		copy(buf, rest)
		if dataLen > 0 {
			r.Data = buf[:dataLen:dataLen]
		}
		if metaLen > 0 {
			r.Metadata = buf[dataLen:]
		}
	}
	return r, nil
}

// event converts r to the form the Store interface returns.
func (r *record) event() eventstore.RecordedEvent {
	return eventstore.RecordedEvent{
		EventData: eventstore.EventData{
			ID:       r.ID,
			Type:     r.Type,
			Data:     r.Data,
			Metadata: r.Metadata,
		},
		Stream:   r.Stream,
		Version:  r.Version,
		Position: r.Position,
		Recorded: time.Unix(0, r.Recorded).UTC(),
	}
}

// Keys. The store keeps three kinds of key in one Pebble keyspace, each
// under a one-byte prefix:
//
//	'e' position (8 bytes)                       -> event record
//	's' len(stream) (1 byte) stream version (8)  -> position (8 bytes)
//	'v' stream                                   -> last version (8 bytes)
//	'm' "format"                                 -> storeFormat
//
// Event keys sort in position order, so ReadAll is one forward scan. The
// stream index ('s') sorts a stream's entries by version under a prefix
// that no other stream shares (the length byte makes "ab" and "abc"
// disjoint), so ReadStream seeks straight to them. The 'v' keys are the
// compact index Open reads to rebuild the per-stream last versions.
const (
	prefixEvent   = 'e'
	prefixStream  = 's'
	prefixVersion = 'v'
	prefixMeta    = 'm'
	eventKeySize  = 9
)

var (
	metaFormatKey = []byte{prefixMeta, 'f', 'o', 'r', 'm', 'a', 't'}
	// storeFormat identifies the layout above; Open refuses any other.
	storeFormat = []byte("supplyeval-embedded-eventstore/1")
)

func putEventKey(dst []byte, pos eventstore.Position) {
	dst[0] = prefixEvent
	binary.BigEndian.PutUint64(dst[1:], uint64(pos))
}

func eventKey(pos eventstore.Position) []byte {
	k := make([]byte, eventKeySize)
	putEventKey(k, pos)
	return k
}

func streamKeySize(stream string) int { return 2 + len(stream) + 8 }

func putStreamKey(dst []byte, stream string, version uint64) {
	dst[0] = prefixStream
	dst[1] = byte(len(stream))
	n := 2 + copy(dst[2:], stream)
	binary.BigEndian.PutUint64(dst[n:], version)
}

func streamKey(stream string, version uint64) []byte {
	k := make([]byte, streamKeySize(stream))
	putStreamKey(k, stream, version)
	return k
}

func versionKey(stream string) []byte {
	k := make([]byte, 1+len(stream))
	k[0] = prefixVersion
	copy(k[1:], stream)
	return k
}

// prefixUpperBound returns the smallest key greater than every key that
// starts with p (p must not be all 0xff bytes, which none of ours are).
func prefixUpperBound(p []byte) []byte {
	u := append([]byte(nil), p...)
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] != 0xff {
			u[i]++
			return u[:i+1]
		}
	}
	panic("embedded: no upper bound for an all-0xff prefix")
}

// corrupt returns an error wrapping eventstore.ErrCorrupt whose text,
// after ErrCorrupt's, is the catalogue's message key with args.
func corrupt(key string, args ...any) error {
	return eventstore.Errorm(eventstore.ErrCorrupt, "cli2.record.corrupt", eventstore.ErrCorrupt, i18n.M(key, args...))
}
