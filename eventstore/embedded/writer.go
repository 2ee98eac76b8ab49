package embedded

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/supplyeval/supplyeval/eventstore"
)

// appendReq is one Append waiting for the writer.
type appendReq struct {
	ctx      context.Context
	stream   string
	expected eventstore.ExpectedVersion
	events   []eventstore.EventData
	size     int // bytes it adds to a batch, about

	// Set by the writer before it closes done.
	res  eventstore.AppendResult
	err  error
	done chan struct{}
}

// maxGroupAppends bounds the number of appends gathered into one commit.
const maxGroupAppends = 4096

// writeLoop is the single writer. It takes the appends queued while the
// previous commit was syncing, checks each one's expected version against
// the versions as they stand after the ones before it, encodes those that
// pass into one Pebble batch, and commits it with one WAL sync: group
// commit. Only then does it publish the new head and answer.
func (s *Store) writeLoop() {
	defer close(s.writerDone)
	group := make([]*appendReq, 0, 64)
	pending := make(map[string]uint64)
	for {
		var r *appendReq
		select {
		case r = <-s.reqs:
		case <-s.stopWriter:
			return
		}
		group = append(group[:0], r)
		size := r.size
	gather:
		for size < s.cfg.MaxGroupBytes && len(group) < maxGroupAppends {
			select {
			case r := <-s.reqs:
				group = append(group, r)
				size += r.size
			default:
				break gather
			}
		}
		s.commit(group, size, pending)
		for i := range group {
			group[i] = nil
		}
	}
}

// commit appends what it can of group in one durable batch and answers
// every request in it. pending is scratch space, empty on entry and exit.
func (s *Store) commit(group []*appendReq, size int, pending map[string]uint64) {
	defer clear(pending)
	defer func() {
		for _, r := range group {
			close(r.done)
		}
	}()
	if err := s.failed.Load(); err != nil {
		for _, r := range group {
			r.err = *err
		}
		return
	}

	if err := s.disk.check(size); err != nil {
		for _, r := range group {
			r.err = err
		}
		return
	}

	recorded := s.cfg.Now().UnixNano()
	if recorded < s.lastRecorded {
		recorded = s.lastRecorded
	}
	head := eventstore.Position(s.head.Load())
	next := head + 1
	b := s.db.NewBatchWithSize(size + 64)
	defer b.Close()
	accepted := 0
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		actual := eventstore.NoVersion
		if v, ok := pending[r.stream]; ok {
			actual = int64(v)
		} else if v, ok := s.versions[r.stream]; ok {
			actual = int64(v)
		}
		if err := eventstore.CheckExpected(r.stream, r.expected, actual); err != nil {
			r.err = err
			continue
		}
		version := uint64(actual + 1) // NoVersion+1 == 0
		for i := range r.events {
			ev := &r.events[i]
			op := b.SetDeferred(eventKeySize, recordSize(r.stream, ev))
			putEventKey(op.Key, next)
			encodeRecord(op.Value, next, version, recorded, r.stream, ev)
			if err := op.Finish(); err != nil {
				r.err = fmt.Errorf("embedded: batch: %w", err)
				s.fail(group, r.err)
				return
			}
			op = b.SetDeferred(streamKeySize(r.stream), 8)
			putStreamKey(op.Key, r.stream, version)
			binary.BigEndian.PutUint64(op.Value, uint64(next))
			if err := op.Finish(); err != nil {
				s.fail(group, fmt.Errorf("embedded: batch: %w", err))
				return
			}
			next++
			version++
		}
		pending[r.stream] = version - 1
		r.res = eventstore.AppendResult{Version: version - 1, Position: next - 1}
		accepted++
	}
	if accepted == 0 {
		return
	}
	var v [8]byte
	for stream, last := range pending {
		binary.BigEndian.PutUint64(v[:], last)
		if err := b.Set(versionKey(stream), v[:], nil); err != nil {
			s.fail(group, fmt.Errorf("embedded: batch: %w", err))
			return
		}
	}
	if s.beforeCommit != nil {
		s.beforeCommit()
	}
	started := time.Now()
	if err := b.Commit(pebble.Sync); err != nil {
		s.fail(group, fmt.Errorf("embedded: commit: %w", err))
		return
	}
	took := time.Since(started)
	for stream, last := range pending {
		s.versions[stream] = last
	}
	s.lastRecorded = recorded
	s.commits.Add(1)
	s.head.Store(uint64(next - 1))
	s.notify()
	if s.cfg.OnCommit != nil {
		s.cfg.OnCommit(Commit{Appends: accepted, Events: int(next - head - 1), Took: took})
	}
}

// fail records err as the store's permanent failure and gives it to every
// request of group that had been accepted.
func (s *Store) fail(group []*appendReq, err error) {
	s.failed.CompareAndSwap(nil, &err)
	for _, r := range group {
		if r.err == nil {
			r.err = err
			r.res = eventstore.AppendResult{}
		}
	}
}

// notify wakes everything waiting for head to advance. The new head is
// stored before the channel is closed, and waiters load the channel before
// they load head, so none misses an advance.
func (s *Store) notify() {
	ch := make(chan struct{})
	close(*s.changed.Swap(&ch))
}
