package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/google/uuid"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// maxAppendBytes bounds the encoded size of one Append: Pebble refuses
// batches of 4 GiB or more.
const maxAppendBytes = 1 << 30

// Store is the embedded event store: an eventstore.Store over a Pebble
// database in one directory. Its methods are safe for concurrent use; see
// the package documentation for its guarantees.
type Store struct {
	cfg Config
	db  *pebble.DB
	// tornTail is what Open found unreadable at the end of the newest
	// write-ahead log, if anything (TornTail).
	tornTail *WALTail

	// head is the position of the last durable event. Readers never look
	// past it: Pebble makes a batch visible before its WAL sync returns.
	head atomic.Uint64
	// changed is closed, and replaced, each time head advances.
	changed atomic.Pointer[chan struct{}]

	reqs       chan *appendReq
	stopWriter chan struct{}
	writerDone chan struct{}
	// failed holds the error of a failed commit. After it the store's
	// state on disk is unknown, so it refuses further appends.
	failed atomic.Pointer[error]
	// commits counts successful commits (syncs), for tests of grouping.
	commits atomic.Uint64
	// beforeCommit, if set (by tests, before any Append), runs in the
	// writer just before each commit.
	beforeCommit func()

	// mu guards closed. Every operation registers in ops while it runs so
	// that Close can wait for it before closing the database.
	mu      sync.RWMutex
	closed  bool
	ops     sync.WaitGroup
	closing chan struct{} // closed when Close starts

	// disk refuses appends while the disk is nearly full.
	disk *diskGuard

	// Owned by the writer goroutine (and by Open before it starts).
	versions     map[string]uint64 // last version of every stream
	lastRecorded int64             // Unix nanoseconds of the last event
}

var _ eventstore.Store = (*Store)(nil)

// ErrIncomplete is returned by Open when the directory holds a log's files
// but not the marker that names its current manifest: opening it would
// start an empty store and delete the log's files, so Open refuses.
var ErrIncomplete = errors.New("the store's files are there but its manifest marker is missing")

// checkNotOrphaned refuses a directory that holds a store's data files
// (tables, blob files, write-ahead logs, manifests) without the
// marker.manifest.* file that says which manifest is current: Pebble would
// take it for a new store.
func checkNotOrphaned(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return eventstore.Errorm(err, "cli2.embedded.readdir", dir, err)
	}
	var data []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "marker.manifest.") {
			return nil
		}
		if strings.HasSuffix(name, ".sst") || strings.HasSuffix(name, ".blob") || strings.HasSuffix(name, ".log") || strings.HasPrefix(name, "MANIFEST-") {
			data = append(data, name)
		}
	}
	if len(data) == 0 {
		return nil
	}
	return eventstore.Errorm(ErrIncomplete, "cli2.embedded.incomplete",
		dir, len(data), strings.Join(data[:min(len(data), 4)], ", "), eventstore.Alt(ErrIncomplete, i18n.M("cli2.embedded.nomarker")))
}

// ErrLocked is returned by Open when another process (another supplyeval
// server, import or demo) holds the store's directory: one process at a
// time may open it.
var ErrLocked = errors.New("another process holds this data directory (one supplyeval at a time may open it)")

// Open opens the store in cfg.Dir, creating it if needed, and recovers it
// to its last durable state: after a crash nothing that an Append
// acknowledged is lost, and nothing it did not acknowledge is half there.
// Open reads the per-stream last versions from their compact index, not by
// replaying events. The caller must Close the store.
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, eventstore.Errorm(err, "cli2.embedded.mkdir", err)
	}
	if err := checkNotOrphaned(cfg.Dir); err != nil {
		return nil, err
	}
	// Read before the engine opens: it replays the log and may then
	// remove it.
	tail, torn := inspectWALTail(cfg.Dir)
	opts, release := pebbleOptions(cfg, true)
	db, err := pebble.Open(cfg.Dir, opts)
	release()
	// Another process's lock is EWOULDBLOCK from flock; a lock this process
	// holds already, Pebble reports with a message of its own (no sentinel).
	if errors.Is(err, syscall.EWOULDBLOCK) || (err != nil && strings.Contains(err.Error(), "lock held by current process")) {
		return nil, fmt.Errorf("embedded: %s: %w", cfg.Dir, ErrLocked)
	}
	if err != nil {
		return nil, eventstore.Errorm(err, "cli2.embedded.open", cfg.Dir, err)
	}
	s := &Store{
		cfg:        cfg,
		db:         db,
		reqs:       make(chan *appendReq, 1024),
		stopWriter: make(chan struct{}),
		writerDone: make(chan struct{}),
		closing:    make(chan struct{}),
		versions:   make(map[string]uint64),
	}
	s.disk = &diskGuard{dir: cfg.Dir, free: cfg.FreeSpace, log: cfg.Logger}
	if cfg.MinFreeBytes > 0 {
		s.disk.minFree = uint64(cfg.MinFreeBytes)
	}
	if cfg.ReserveBytes > 0 {
		s.disk.ballast = uint64(cfg.ReserveBytes)
	}
	ch := make(chan struct{})
	s.changed.Store(&ch)
	if err := s.recover(); err != nil {
		db.Close()
		return nil, err
	}
	_ = s.disk.check(0) // takes the reserve file when there is room; logs a low disk
	if torn {
		s.tornTail = &tail
		cfg.Logger.Warn("the end of the write-ahead log could not be read and was dropped when the store opened: "+
			"a write torn by a crash or power loss, or a damaged disk; events in it are not in the log (the log now ends at its head)",
			slog.String("file", tail.File), slog.Int64("valid_bytes", tail.Valid), slog.Int64("dropped_bytes", tail.Dropped),
			slog.String("reader", tail.Err), slog.Uint64("head", s.head.Load()))
	}
	go s.writeLoop()
	return s, nil
}

// TornTail returns the torn end of the write-ahead log that the store
// dropped when it opened (see WALTail), if there was one.
func (s *Store) TornTail() (WALTail, bool) {
	if s.tornTail == nil {
		return WALTail{}, false
	}
	return *s.tornTail, true
}

// recover checks the store format (writing it to a new store), and loads
// head, the last recorded time and the stream versions.
func (s *Store) recover() error {
	format, closer, err := s.db.Get(metaFormatKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if err := s.db.Set(metaFormatKey, storeFormat, pebble.Sync); err != nil {
			return fmt.Errorf("embedded: initialise %s: %w", s.cfg.Dir, err)
		}
	case err != nil:
		return fmt.Errorf("embedded: read store format: %w", err)
	default:
		ok := bytes.Equal(format, storeFormat)
		got := string(format)
		closer.Close()
		if !ok {
			return eventstore.Errorm(nil, "cli2.embedded.format", s.cfg.Dir, got, string(storeFormat))
		}
	}

	// The last event gives head and the last recorded time.
	it, err := s.db.NewIter(&pebble.IterOptions{
		LowerBound: []byte{prefixEvent},
		UpperBound: []byte{prefixEvent + 1},
	})
	if err != nil {
		return fmt.Errorf("embedded: recover: %w", err)
	}
	if it.Last() {
		k := it.Key()
		if len(k) != eventKeySize {
			it.Close()
			return fmt.Errorf("embedded: recover: malformed event key %x: %w", k, eventstore.ErrCorrupt)
		}
		pos := eventstore.Position(binary.BigEndian.Uint64(k[1:]))
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return fmt.Errorf("embedded: recover: read position %d: %w", pos, err)
		}
		r, err := decodeAt(pos, v)
		if err != nil {
			it.Close()
			return fmt.Errorf("embedded: recover: %w", err)
		}
		s.head.Store(uint64(pos))
		s.lastRecorded = r.Recorded
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("embedded: recover: %w", err)
	}

	// The stream versions, one small key per stream.
	it, err = s.db.NewIter(&pebble.IterOptions{
		LowerBound: []byte{prefixVersion},
		UpperBound: []byte{prefixVersion + 1},
	})
	if err != nil {
		return fmt.Errorf("embedded: recover: %w", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return fmt.Errorf("embedded: recover stream versions: %w", err)
		}
		stream := string(it.Key()[1:])
		if len(v) != 8 || eventstore.ValidStream(stream) != nil {
			it.Close()
			return fmt.Errorf("embedded: recover: malformed version entry for stream %q: %w", stream, eventstore.ErrCorrupt)
		}
		s.versions[stream] = binary.BigEndian.Uint64(v)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("embedded: recover stream versions: %w", err)
	}
	return nil
}

// enter registers an operation, or returns ErrClosed once Close has
// started. Each successful enter must be paired with s.ops.Done().
func (s *Store) enter() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return eventstore.ErrClosed
	}
	s.ops.Add(1)
	return nil
}

// Append adds events to stream atomically if the stream matches expected,
// and returns once they are durable (fsynced). Concurrent Appends are
// committed together with one sync. An event with a zero ID is given a new
// random one (the caller's slice is not modified). Errors:
// eventstore.ErrClosed after Close; eventstore.ErrInvalidStream;
// eventstore.ErrEmptyAppend; a *eventstore.WrongVersionError (matching
// eventstore.ErrWrongExpectedVersion); ctx's error if ctx ends before the
// writer takes the append up (once taken up, it completes whatever ctx
// does, so the outcome is never ambiguous); and, after a storage failure,
// that failure for this and every later Append. Nothing is appended when
// an error is returned, except that after a failed sync it is unknown
// whether the events of that commit survive.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) (eventstore.AppendResult, error) {
	if err := s.enter(); err != nil {
		return eventstore.AppendResult{}, err
	}
	defer s.ops.Done()
	if err := eventstore.ValidStream(stream); err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(events) == 0 {
		return eventstore.AppendResult{}, fmt.Errorf("%w to stream %q", eventstore.ErrEmptyAppend, stream)
	}
	if err := s.failed.Load(); err != nil {
		return eventstore.AppendResult{}, *err
	}
	size := 0
	for i := range events {
		ev := &events[i]
		if len(ev.Type) > maxFieldSize || len(ev.Data) > maxFieldSize || len(ev.Metadata) > maxFieldSize {
			return eventstore.AppendResult{}, fmt.Errorf("embedded: event %d of append to %q is larger than 4 GiB", i, stream)
		}
		size += recordSize(stream, ev) + streamKeySize(stream) + eventKeySize + 8
		if size > maxAppendBytes {
			return eventstore.AppendResult{}, fmt.Errorf("embedded: append to %q is larger than %d bytes", stream, maxAppendBytes)
		}
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	evs := events
	for i := range events {
		if events[i].ID == uuid.Nil {
			// Copy rather than write to the caller's slice.
			evs = append([]eventstore.EventData(nil), events...)
			for j := i; j < len(evs); j++ {
				if evs[j].ID == uuid.Nil {
					evs[j].ID = uuid.New()
				}
			}
			break
		}
	}
	r := &appendReq{ctx: ctx, stream: stream, expected: expected, events: evs, size: size, done: make(chan struct{})}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
	// Once queued, the writer always answers, and promptly: waiting
	// regardless of ctx keeps the result unambiguous.
	<-r.done
	if errors.Is(r.err, eventstore.ErrWrongExpectedVersion) {
		if res, ok := s.recorded(ctx, stream, expected, events); ok {
			return res, nil
		}
	}
	return r.res, r.err
}

// ReadStream returns up to limit events of stream from version from on, in
// version order, through the stream index: its cost depends on the events
// returned, not on the size of the log. It returns an empty slice if from
// is past the stream's end or limit <= 0, eventstore.ErrStreamNotFound for a
// stream with no events, eventstore.ErrInvalidStream for a name no stream
// can have, eventstore.ErrClosed after Close, ctx's error if ctx is done,
// and an error wrapping eventstore.ErrCorrupt for a damaged record.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.ops.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := eventstore.ValidStream(stream); err != nil {
		return nil, err
	}
	head := eventstore.Position(s.head.Load())
	prefix := streamKey(stream, 0)[:2+len(stream)]
	idx, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixUpperBound(prefix)})
	if err != nil {
		return nil, fmt.Errorf("embedded: read stream %q: %w", stream, err)
	}
	defer idx.Close()
	// The stream exists if its first event is durable.
	if !idx.First() {
		if err := idx.Error(); err != nil {
			return nil, fmt.Errorf("embedded: read stream %q: %w", stream, err)
		}
		return nil, fmt.Errorf("%w: %q", eventstore.ErrStreamNotFound, stream)
	}
	if p, err := indexPosition(idx, stream); err != nil {
		return nil, err
	} else if p > head {
		return nil, fmt.Errorf("%w: %q", eventstore.ErrStreamNotFound, stream)
	}
	if limit <= 0 {
		return []eventstore.RecordedEvent{}, nil
	}

	evIt, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixEvent}, UpperBound: eventKey(head + 1)})
	if err != nil {
		return nil, fmt.Errorf("embedded: read stream %q: %w", stream, err)
	}
	defer evIt.Close()
	out := make([]eventstore.RecordedEvent, 0, min(limit, 256))
	key := make([]byte, eventKeySize)
	want := from
	for ok := idx.SeekGE(streamKey(stream, from)); ok && len(out) < limit; ok = idx.Next() {
		pos, err := indexPosition(idx, stream)
		if err != nil {
			return nil, err
		}
		if pos > head {
			break
		}
		if v := binary.BigEndian.Uint64(idx.Key()[2+len(stream):]); v != want {
			return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.stream.version", stream, v, want, eventstore.ErrCorrupt)
		}
		putEventKey(key, pos)
		if !evIt.SeekGE(key) || !bytes.Equal(evIt.Key(), key) {
			if err := evIt.Error(); err != nil {
				return nil, fmt.Errorf("embedded: read position %d: %w", pos, err)
			}
			return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.stream.missing", stream, want, pos, eventstore.ErrCorrupt)
		}
		r, err := readRecord(evIt, pos)
		if err != nil {
			return nil, err
		}
		if r.Stream != stream || r.Version != want {
			return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.stream.other", pos, r.Stream, r.Version, stream, want, eventstore.ErrCorrupt)
		}
		out = append(out, r.event())
		want++
	}
	if err := idx.Error(); err != nil {
		return nil, fmt.Errorf("embedded: read stream %q: %w", stream, err)
	}
	return out, nil
}

// indexPosition decodes the position of the stream index entry at it.
func indexPosition(it *pebble.Iterator, stream string) (eventstore.Position, error) {
	v, err := it.ValueAndErr()
	if err != nil {
		return 0, fmt.Errorf("embedded: read stream %q: %w", stream, err)
	}
	if len(v) != 8 || len(it.Key()) != streamKeySize(stream) {
		return 0, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.stream.entry", stream, fmt.Sprintf("%x", it.Key()), eventstore.ErrCorrupt)
	}
	return eventstore.Position(binary.BigEndian.Uint64(v)), nil
}

// ReadAll returns up to limit events with positions after after, in
// position order. It returns an empty slice at the end of the log or if
// limit <= 0, eventstore.ErrClosed after Close, ctx's error if ctx is
// done, and an error wrapping eventstore.ErrCorrupt for a record that fails
// its checksum or a position missing from the log.
func (s *Store) ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.ops.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.readRange(after, eventstore.Position(s.head.Load()), limit, 0)
}

// readRange reads up to limit events with positions in (after, head],
// stopping early once it has read maxBytes of record (if maxBytes > 0).
// The caller has entered. Positions must follow one another from after+1:
// a missing one is corruption.
func (s *Store) readRange(after, head eventstore.Position, limit, maxBytes int) ([]eventstore.RecordedEvent, error) {
	if after >= head || limit <= 0 {
		return []eventstore.RecordedEvent{}, nil
	}
	n := min(uint64(limit), uint64(head-after))
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(after + 1), UpperBound: eventKey(after + eventstore.Position(n) + 1)})
	if err != nil {
		return nil, fmt.Errorf("embedded: read log: %w", err)
	}
	defer it.Close()
	out := make([]eventstore.RecordedEvent, 0, min(n, 256))
	want, bytesRead := after+1, 0
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != eventKeySize {
			return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.log.key", fmt.Sprintf("%x", k), eventstore.ErrCorrupt)
		}
		if pos := eventstore.Position(binary.BigEndian.Uint64(k[1:])); pos != want {
			return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.log.missing", want, eventstore.ErrCorrupt)
		}
		r, err := readRecord(it, want)
		if err != nil {
			return nil, err
		}
		out = append(out, r.event())
		want++
		bytesRead += len(r.Data) + len(r.Metadata)
		if maxBytes > 0 && bytesRead >= maxBytes {
			return out, nil
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("embedded: read log: %w", err)
	}
	if uint64(len(out)) != n {
		return nil, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.embedded.log.missing", want, eventstore.ErrCorrupt)
	}
	return out, nil
}

// readRecord decodes the event record at it, which is at position pos.
func readRecord(it *pebble.Iterator, pos eventstore.Position) (record, error) {
	v, err := it.ValueAndErr()
	if err != nil {
		return record{}, fmt.Errorf("embedded: read position %d: %w", pos, err)
	}
	return decodeAt(pos, v)
}

// decodeAt decodes the record stored under the key of position pos.
func decodeAt(pos eventstore.Position, v []byte) (record, error) {
	r, err := decodeRecord(v)
	if err != nil {
		return record{}, eventstore.Errorm(err, "cli2.record.at", pos, err)
	}
	if r.Position != pos {
		return record{}, eventstore.Errorm(eventstore.ErrCorrupt, "cli2.record.elsewhere", pos, r.Position, eventstore.ErrCorrupt)
	}
	return r, nil
}

// Head returns the position of the last durable event, 0 for an empty
// store, or eventstore.ErrClosed after Close. It does not touch the disk.
func (s *Store) Head(ctx context.Context) (eventstore.Position, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.ops.Done()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return eventstore.Position(s.head.Load()), nil
}

// Commits returns how many durable commits (each one fsync, holding one
// or more appends) the store has made since it opened.
func (s *Store) Commits() uint64 { return s.commits.Load() }

// Close waits for the operations in flight (queued Appends are committed),
// makes every later call return eventstore.ErrClosed, wakes blocked
// subscriptions (their Next returns eventstore.ErrClosed) and closes the
// database. Calling Close again returns eventstore.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()

	s.ops.Wait()
	close(s.stopWriter)
	<-s.writerDone
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded: close: %w", err)
	}
	return nil
}
