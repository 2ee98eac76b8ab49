package embedded

import (
	"encoding/binary"
	"errors"
	"io"
	"os"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/wal"
)

// WALTail describes bytes at the end of the newest write-ahead log that do
// not form a complete record of that log: a write torn by a crash or power
// loss, or a damaged disk. The storage engine ignores them when it opens
// (it must: they cannot be read), so the events they held are gone. An
// append that was acknowledged was synced, so a torn tail normally holds
// only unacknowledged writes; a damaged disk can take acknowledged ones.
type WALTail struct {
	File string // the log file
	// Valid is the offset where the unreadable part starts, Dropped how
	// many bytes follow it.
	Valid, Dropped int64
	Err            string // what the log reader found there
}

// inspectWALTail reads the newest write-ahead log of dir to its end and
// returns its torn tail, if the first record it cannot read is one of that
// log's own (its chunk header names the log): bytes left by an earlier use
// of a recycled file, the zeros of a preallocated one and a clean close's
// trailer are not a torn tail.
func inspectWALTail(dir string) (WALTail, bool) {
	logs, err := wal.Scan(wal.Dir{FS: vfs.Default, Dirname: dir})
	if err != nil || len(logs) == 0 {
		return WALTail{}, false
	}
	newest := logs[len(logs)-1]
	if newest.NumSegments() != 1 {
		return WALTail{}, false // WAL failover is not used; nothing to say about several segments
	}
	_, path := newest.SegmentLocation(0)
	r := newest.OpenForRead()
	defer r.Close()
	for {
		rec, off, err := r.NextRecord()
		if err == nil {
			if _, err = io.Copy(io.Discard, rec); err == nil {
				continue
			}
		}
		if errors.Is(err, io.EOF) {
			return WALTail{}, false
		}
		st, serr := os.Stat(path)
		if serr != nil || off.Physical >= st.Size() || !ownChunk(path, off.Physical, uint32(newest.Num)) {
			return WALTail{}, false
		}
		return WALTail{File: path, Valid: off.Physical, Dropped: st.Size() - off.Physical, Err: err.Error()}, true
	}
}

// ownChunk reports whether the chunk header at offset off of the log file
// path is one of log num's: a recyclable or WAL-sync chunk (encodings 5 to
// 12 of Pebble's record format, whose header holds the log number at bytes
// 7 to 10).
func ownChunk(path string, off int64, num uint32) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [11]byte
	if _, err := f.ReadAt(h[:], off); err != nil {
		return false
	}
	if enc := h[6]; enc < 5 || enc > 12 {
		return false
	}
	return binary.LittleEndian.Uint32(h[7:11]) == num
}
