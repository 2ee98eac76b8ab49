package embedded

// The benchmarks in this file chose the storage engine. They run the same
// durable workload, at the level of the keys and values the store writes
// (event record, stream index entry, stream version), on Pebble v2 and on
// bbolt, each through its own mechanism for durable commits and for
// grouping concurrent ones. The figures and the choice are in doc.go.
//
//	go test -run '^$' -bench EngineChoice -benchtime 3s ./eventstore/embedded

import (
	"encoding/binary"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/supplyeval/supplyeval/eventstore"
)

// kv is one key/value write.
type kv struct{ k, v []byte }

// engine is a durable key/value store as far as the benchmarks need.
type engine interface {
	// commit writes kvs atomically and durably (fsync) before returning.
	commit(kvs []kv) error
	// commitConcurrent is commit for a caller that shares the engine with
	// other goroutines committing at the same time; the engine may group
	// their commits into one sync.
	commitConcurrent(kvs []kv) error
	close() error
	// dir is the directory that holds the engine's files.
	dir() string
}

type pebbleEngine struct {
	db   *pebble.DB
	path string
}

func openPebbleEngine(tb testing.TB, valueSeparation bool) engine {
	cfg := Config{Dir: tb.TempDir()}.withDefaults()
	opts, cleanup := pebbleOptions(cfg, valueSeparation)
	defer cleanup()
	db, err := pebble.Open(cfg.Dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return pebbleEngine{db, cfg.Dir}
}

func (e pebbleEngine) commit(kvs []kv) error {
	b := e.db.NewBatch()
	defer b.Close()
	for _, x := range kvs {
		if err := b.Set(x.k, x.v, nil); err != nil {
			return err
		}
	}
	return b.Commit(pebble.Sync)
}

// commitConcurrent relies on Pebble's commit pipeline, which syncs the WAL
// once for all the batches waiting on it.
func (e pebbleEngine) commitConcurrent(kvs []kv) error { return e.commit(kvs) }

func (e pebbleEngine) close() error { return e.db.Close() }

func (e pebbleEngine) dir() string { return e.path }

type boltEngine struct {
	db   *bolt.DB
	path string
}

var boltBucket = []byte("log")

func openBoltEngine(tb testing.TB, maxBatchDelay time.Duration) engine {
	dir := tb.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "store.bolt"), 0o600, &bolt.Options{
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if err != nil {
		tb.Fatal(err)
	}
	db.MaxBatchDelay = maxBatchDelay
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltBucket)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return boltEngine{db, dir}
}

func (e boltEngine) put(tx *bolt.Tx, kvs []kv) error {
	b := tx.Bucket(boltBucket)
	b.FillPercent = 0.9 // keys mostly arrive in order
	for _, x := range kvs {
		if err := b.Put(x.k, x.v); err != nil {
			return err
		}
	}
	return nil
}

func (e boltEngine) commit(kvs []kv) error {
	return e.db.Update(func(tx *bolt.Tx) error { return e.put(tx, kvs) })
}

// commitConcurrent uses bbolt's Batch, which runs the functions of
// concurrent callers in one read-write transaction (one commit).
func (e boltEngine) commitConcurrent(kvs []kv) error {
	return e.db.Batch(func(tx *bolt.Tx) error { return e.put(tx, kvs) })
}

func (e boltEngine) close() error { return e.db.Close() }

func (e boltEngine) dir() string { return e.path }

// reportDiskUsage reports the bytes on disk under dir per payload byte
// written.
func reportDiskUsage(b *testing.B, dir string, payload int) {
	b.Helper()
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if payload > 0 {
		b.ReportMetric(float64(size)/float64(payload), "disk-B/payload-B")
	}
}

// engineWrites returns the writes the store makes to append evs to stream at
// positions from pos and versions from version.
func engineWrites(stream string, pos eventstore.Position, version uint64, evs []eventstore.EventData) []kv {
	kvs := make([]kv, 0, 2*len(evs)+1)
	now := time.Now().UnixNano()
	for i := range evs {
		rec := make([]byte, recordSize(stream, &evs[i]))
		encodeRecord(rec, pos, version, now, stream, &evs[i])
		idx := make([]byte, 8)
		binary.BigEndian.PutUint64(idx, uint64(pos))
		kvs = append(kvs, kv{eventKey(pos), rec}, kv{streamKey(stream, version), idx})
		pos++
		version++
	}
	last := make([]byte, 8)
	binary.BigEndian.PutUint64(last, version-1)
	return append(kvs, kv{versionKey(stream), last})
}

var engines = []struct {
	name string
	open func(testing.TB) engine
}{
	{"pebble", func(tb testing.TB) engine { return openPebbleEngine(tb, false) }},
	{"pebble-valuesep", func(tb testing.TB) engine { return openPebbleEngine(tb, true) }},
	{"bbolt-delay10ms", func(tb testing.TB) engine { return openBoltEngine(tb, 10*time.Millisecond) }},
	{"bbolt-delay1ms", func(tb testing.TB) engine { return openBoltEngine(tb, time.Millisecond) }},
}

func BenchmarkEngineChoice(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			b.Run("batched-16x1000rows", func(b *testing.B) { benchEngineSerial(b, e.open, 16, true) })
			b.Run("single-small", func(b *testing.B) { benchEngineSerial(b, e.open, 1, false) })
			b.Run("concurrent8-small", func(b *testing.B) { benchEngineConcurrent(b, e.open, 8, false) })
			b.Run("concurrent8-1000rows", func(b *testing.B) { benchEngineConcurrent(b, e.open, 8, true) })
			grouped := func(tb testing.TB) engine { return newGrouper(e.open(tb)) }
			b.Run("concurrent8-small-grouped", func(b *testing.B) { benchEngineConcurrent(b, grouped, 8, false) })
		})
	}
}

// benchEngineSerial commits one append of perAppend events per iteration,
// one after the other; observation events if big, small events otherwise.
func benchEngineSerial(b *testing.B, open func(testing.TB) engine, perAppend int, big bool) {
	e := open(b)
	defer e.close()
	// A few distinct payloads, prepared outside the timed loop.
	var evs [4][]eventstore.EventData
	for i := range evs {
		if big {
			evs[i] = observationEvents(perAppend, uint64(i)*100)
		} else {
			for range perAppend {
				evs[i] = append(evs[i], smallEvent())
			}
		}
	}
	pos, bytes := eventstore.Position(1), 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		batch := evs[i%len(evs)]
		if err := e.commit(engineWrites("indicator-ILLICIT_PRICE", pos, uint64(pos-1), batch)); err != nil {
			b.Fatal(err)
		}
		pos += eventstore.Position(len(batch))
		bytes += payloadBytes(batch)
	}
	b.StopTimer()
	obs := 0
	if big {
		obs = rowsPerEvent
	}
	reportThroughput(b, int(pos-1), obs, bytes)
	reportDiskUsage(b, e.dir(), bytes)
}

// benchEngineConcurrent has writers goroutines commit one event each per
// append, each to its own stream, sharing b.N appends.
func benchEngineConcurrent(b *testing.B, open func(testing.TB) engine, writers int, big bool) {
	e := open(b)
	defer e.close()
	var payloads [8]eventstore.EventData
	for i := range payloads {
		if big {
			payloads[i] = observationEvents(1, uint64(i))[0]
		} else {
			payloads[i] = smallEvent()
		}
	}
	var next atomic.Uint64
	var bytes atomic.Int64
	var failed atomic.Pointer[error]
	n := b.N
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := "operation-" + string(rune('A'+w))
			for version := uint64(0); ; version++ {
				p := next.Add(1)
				if p > uint64(n) {
					return
				}
				ev := payloads[p%uint64(len(payloads))]
				if err := e.commitConcurrent(engineWrites(stream, eventstore.Position(p), version, []eventstore.EventData{ev})); err != nil {
					failed.Store(&err)
					return
				}
				bytes.Add(int64(len(ev.Data) + len(ev.Metadata)))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	obs := 0
	if big {
		obs = rowsPerEvent
	}
	reportThroughput(b, n, obs, int(bytes.Load()))
}

// grouper groups concurrent commits the way the store's writer does: one
// goroutine takes every commit queued while the previous one was syncing
// and makes them one commit. It puts both engines on the store's footing.
type grouper struct {
	engine
	reqs chan groupReq
	done chan struct{}
}

type groupReq struct {
	kvs []kv
	err chan error
}

func newGrouper(e engine) *grouper {
	g := &grouper{engine: e, reqs: make(chan groupReq, 64), done: make(chan struct{})}
	go func() {
		defer close(g.done)
		for r := range g.reqs {
			group := []groupReq{r}
		gather:
			for {
				select {
				case r, ok := <-g.reqs:
					if !ok {
						break gather
					}
					group = append(group, r)
				default:
					break gather
				}
			}
			var all []kv
			for _, r := range group {
				all = append(all, r.kvs...)
			}
			err := e.commit(all)
			for _, r := range group {
				r.err <- err
			}
		}
	}()
	return g
}

func (g *grouper) commitConcurrent(kvs []kv) error {
	r := groupReq{kvs, make(chan error, 1)}
	g.reqs <- r
	return <-r.err
}

func (g *grouper) close() error {
	close(g.reqs)
	<-g.done
	return g.engine.close()
}
