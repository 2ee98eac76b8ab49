package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/i18n"
)

// Damage is one thing Check found wrong, with the log position it concerns
// (0 when it concerns no single event) and what is wrong in words.
type Damage struct {
	Position eventstore.Position
	Problem  string
	// Msg is Problem as a message of the catalogue, for the reader's
	// language (Problem is its English).
	Msg i18n.Msg
}

// CheckSummary is what Check read.
type CheckSummary struct {
	// Head is the last durable position.
	Head eventstore.Position
	// Events and Streams are how many event records and streams it read.
	Events, Streams int
	// Damage lists every problem found, in the order found (at most
	// maxDamage; DamageOmitted counts the rest).
	Damage        []Damage
	DamageOmitted int
}

const maxDamage = 1000

func (c *CheckSummary) add(pos eventstore.Position, key string, args ...any) {
	if len(c.Damage) >= maxDamage {
		c.DamageOmitted++
		return
	}
	e := eventstore.Errorm(nil, key, args...)
	c.Damage = append(c.Damage, Damage{Position: pos, Problem: e.Error(), Msg: e.Msg})
}

// Check reads every event record of the store and verifies it: its
// checksum and layout, that positions run from 1 to the head without a
// gap, that each stream's versions run from 0 without a gap, and that the
// stream index and the last-version index agree with the records. It
// reports what is damaged in the summary and returns an error only when
// it could not read at all (ctx ended, store closed). Check reads while
// appends go on; it sees the log up to the head as it was when it began.
func (s *Store) Check(ctx context.Context) (CheckSummary, error) {
	if err := s.enter(); err != nil {
		return CheckSummary{}, err
	}
	defer s.ops.Done()
	head := eventstore.Position(s.head.Load())
	sum := CheckSummary{Head: head}
	snap := s.db.NewSnapshot()
	defer snap.Close()

	// Event records, in position order.
	type streamState struct{ next uint64 } // the version the next record must have
	streams := make(map[string]*streamState)
	byStream := make(map[string]map[uint64]eventstore.Position)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: eventKey(1), UpperBound: eventKey(head + 1)})
	if err != nil {
		return sum, fmt.Errorf("embedded: check: %w", err)
	}
	want := eventstore.Position(1)
	// lost counts missing or unreadable records not yet matched to a gap
	// in a stream's versions: those gaps they explain are not reported
	// again. unreadable holds the positions whose record could not be read.
	lost, unreadable := uint64(0), make(map[eventstore.Position]bool)
	for ok := it.First(); ok; ok = it.Next() {
		if sum.Events%4096 == 0 {
			if err := ctx.Err(); err != nil {
				it.Close()
				return sum, err
			}
		}
		k := it.Key()
		if len(k) != eventKeySize {
			sum.add(0, "cli2.check.key", fmt.Sprintf("%x", k))
			continue
		}
		pos := eventstore.Position(binary.BigEndian.Uint64(k[1:]))
		if pos > want {
			if pos == want+1 {
				sum.add(want, "cli2.check.missing", want)
			} else {
				sum.add(want, "cli2.check.missing.range", want, pos-1)
			}
			lost += uint64(pos - want)
		}
		want = pos + 1
		sum.Events++
		r, err := readRecord(it, pos)
		if err != nil {
			sum.add(pos, "cli2.check.record", err)
			lost++
			unreadable[pos] = true
			continue
		}
		st := streams[r.Stream]
		if st == nil {
			st = &streamState{}
			streams[r.Stream] = st
			byStream[r.Stream] = make(map[uint64]eventstore.Position)
		}
		if gap := r.Version - st.next; r.Version > st.next && gap <= lost {
			lost -= gap // explained by records already reported
		} else if r.Version != st.next {
			sum.add(pos, "cli2.check.version", r.Stream, r.Version, st.next)
		}
		st.next = r.Version + 1
		byStream[r.Stream][r.Version] = pos
	}
	if err := it.Error(); err != nil {
		sum.add(want, "cli2.check.log.stopped", want, err)
	}
	it.Close()
	if want <= head {
		sum.add(want, "cli2.check.missing.head", want, head)
	}
	sum.Streams = len(streams)

	// The stream index: every entry points at the record of its stream
	// and version, and every record has its entry.
	it, err = snap.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixStream}, UpperBound: []byte{prefixStream + 1}})
	if err != nil {
		return sum, fmt.Errorf("embedded: check: %w", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) < 2+8 || len(k) != 2+int(k[1])+8 {
			sum.add(0, "cli2.check.index.key", fmt.Sprintf("%x", k))
			continue
		}
		stream, version := string(k[2:2+int(k[1])]), binary.BigEndian.Uint64(k[2+int(k[1]):])
		v, err := it.ValueAndErr()
		if err != nil || len(v) != 8 {
			sum.add(0, "cli2.check.index.entry", stream, version, err)
			continue
		}
		pos := eventstore.Position(binary.BigEndian.Uint64(v))
		if pos > head {
			continue // appended after Check began
		}
		got, ok := byStream[stream][version]
		switch {
		case !ok && unreadable[pos]:
			// The record is damaged and reported already.
		case !ok:
			sum.add(pos, "cli2.check.index.norecord", stream, version, pos)
		case got != pos:
			sum.add(pos, "cli2.check.index.moved", stream, version, pos, got)
		}
		delete(byStream[stream], version)
	}
	if err := it.Error(); err != nil {
		sum.add(0, "cli2.check.index.stopped", err)
	}
	it.Close()
	for stream, left := range byStream {
		for version, pos := range left {
			sum.add(pos, "cli2.check.index.none", stream, version, pos)
		}
	}

	// The last-version index Open rebuilds the streams from.
	for stream, st := range streams {
		v, closer, err := snap.Get(versionKey(stream))
		if err != nil {
			var cause any = err
			if errors.Is(err, pebble.ErrNotFound) {
				cause = eventstore.Alt(err, i18n.M("cli2.check.notfound"))
			}
			sum.add(0, "cli2.check.last.none", stream, cause, st.next-1)
			continue
		}
		last := uint64(0)
		if len(v) == 8 {
			last = binary.BigEndian.Uint64(v)
		}
		closer.Close()
		if last < st.next-1 {
			sum.add(0, "cli2.check.last.short", stream, last, st.next-1)
		}
	}
	return sum, nil
}
