package projections

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// SnapshotStore keeps one snapshot file per projection in a directory.
// A file is: magic, the checkpoint, the projection's payload, and a
// CRC-32C of all of it; it is written to a temporary file, synced and
// renamed, so a crash leaves either the old snapshot or the new one.
type SnapshotStore struct {
	dir string
}

var snapshotMagic = [8]byte{'S', 'E', 'S', 'N', 'A', 'P', '0', '1'}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// NewSnapshotStore returns a store in dir, creating it if needed.
func NewSnapshotStore(dir string) (*SnapshotStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("snapshot directory: %w", err)
	}
	return &SnapshotStore{dir: dir}, nil
}

// RemoveInterruptedWrites deletes the temporary files that snapshot writes
// interrupted by a crash left behind (NAME.snap.tmp*), and returns how
// many files and bytes it removed. Call it at start, before any Save: it
// assumes this process is the directory's only writer.
func (s *SnapshotStore) RemoveInterruptedWrites() (files int, bytes int64, err error) {
	leftovers, err := filepath.Glob(filepath.Join(s.dir, "*.snap.tmp*"))
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, name := range leftovers {
		info, statErr := os.Stat(name)
		if rmErr := os.Remove(name); rmErr != nil {
			errs = append(errs, rmErr)
			continue
		}
		files++
		if statErr == nil {
			bytes += info.Size()
		}
	}
	return files, bytes, errors.Join(errs...)
}

func (s *SnapshotStore) path(p Projection) string { return filepath.Join(s.dir, p.Name()+".snap") }

// Save writes p's snapshot. It may run while p is being applied to: the
// projection makes its snapshot consistent with its checkpoint.
func (s *SnapshotStore) Save(p Projection) (err error) {
	final := s.path(p)
	f, err := os.CreateTemp(s.dir, p.Name()+".snap.tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	if _, err = bw.Write(snapshotMagic[:]); err != nil {
		return err
	}
	// By convention the payload starts with the checkpoint (8 bytes,
	// little-endian), written by the projection under its own lock.
	if err = p.WriteSnapshot(bw); err != nil {
		return fmt.Errorf("snapshot %s: %w", p.Name(), err)
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc.Sum32())
	if _, err = f.Write(tail[:]); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), final); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// readFile reads and checks p's snapshot file: whether there is one, its
// payload (starting with the checkpoint) and the checkpoint.
func (s *SnapshotStore) readFile(p Projection) (exists bool, payload []byte, checkpoint uint64, err error) {
	data, err := os.ReadFile(s.path(p))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil, 0, nil
	}
	if err != nil {
		return false, nil, 0, err
	}
	if len(data) < len(snapshotMagic)+8+4 || [8]byte(data[:8]) != snapshotMagic {
		return true, nil, 0, fmt.Errorf("snapshot %s: not a snapshot file", p.Name())
	}
	body, tail := data[:len(data)-4], data[len(data)-4:]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(tail) {
		return true, nil, 0, fmt.Errorf("snapshot %s: checksum mismatch", p.Name())
	}
	payload = body[8:]
	return true, payload, binary.LittleEndian.Uint64(payload[:8]), nil
}

// ErrSnapshotAhead is returned (wrapped, with the positions) by Load for
// a snapshot taken at a position beyond the log's head: the log lost
// events it had when the snapshot was written.
var ErrSnapshotAhead = errors.New("snapshot ahead of the log")

// Load reads p's snapshot into p if there is one whose checkpoint is not
// beyond head. It returns whether p was loaded. A snapshot ahead of the log
// (the log lost its tail, or was replaced) is deleted, and Load returns an
// error wrapping ErrSnapshotAhead that says how many events are gone.
func (s *SnapshotStore) Load(p Projection, head uint64) (bool, error) {
	exists, payload, cp, err := s.readFile(p)
	if !exists || err != nil {
		return false, err
	}
	if cp > head {
		if err := os.Remove(s.path(p)); err != nil {
			return false, err
		}
		return false, fmt.Errorf("snapshot %s was taken at position %d, beyond the log's last position %d: "+
			"the log has lost its last %d event(s) (a damaged or cut write-ahead log, or a log restored from an older backup); "+
			"the read model is rebuilt from the log as it is: %w", p.Name(), cp, head, cp-head, ErrSnapshotAhead)
	}
	if err := p.ReadSnapshot(bytes.NewReader(payload)); err != nil {
		return false, fmt.Errorf("snapshot %s: %w", p.Name(), err)
	}
	return true, nil
}

// Verify reads p's snapshot into p, as Load does, but deletes nothing: it
// returns whether there is one, its checkpoint, and an error naming what
// is wrong with it (not a snapshot, checksum mismatch, ahead of the log's
// head, a payload the projection cannot read).
func (s *SnapshotStore) Verify(p Projection, head uint64) (exists bool, checkpoint uint64, err error) {
	exists, payload, cp, err := s.readFile(p)
	if !exists || err != nil {
		return exists, cp, err
	}
	if cp > head {
		return true, cp, fmt.Errorf("snapshot %s: checkpoint %d is beyond the log's head %d", p.Name(), cp, head)
	}
	if err := p.ReadSnapshot(bytes.NewReader(payload)); err != nil {
		return true, cp, fmt.Errorf("snapshot %s: %w", p.Name(), err)
	}
	return true, cp, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
