package projections

import (
	"encoding/gob"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/supplyeval/supplyeval/domain"
)

// Provenance is the read model of where observations came from: for each
// series (indicator and region, any breakdown), the batches recorded with
// their sources, and every revision and retraction. Cycle reports use it
// for their data-quality sections. It keeps one entry per batch and region
// (not per row), so it stays small beside the series. Its methods are safe
// for concurrent use.
type Provenance struct {
	mu         sync.RWMutex
	checkpoint uint64
	byKey      map[string]*provenanceEntry // indicator + "\x00" + region
}

type provenanceEntry struct {
	Batches []ProvenanceBatch
	Changes []ProvenanceChange
}

// ProvenanceBatch is the part of one ObservationsRecorded batch that
// concerns one region.
type ProvenanceBatch struct {
	Source   string
	Rows     int
	Position uint64
}

// ProvenanceChange is a revision or retraction of one observation.
type ProvenanceChange struct {
	// Kind is "REVISED" or "RETRACTED".
	Kind       string
	Period     string
	Dimensions string
	Reason     string
	Source     string
	Position   uint64
}

// SourceUse is one source's share of a series.
type SourceUse struct {
	Source  string
	Batches int
	Rows    int
}

// ProvenanceData is what is known of a series' origin at a position.
type ProvenanceData struct {
	// Sources, by name.
	Sources []SourceUse
	// Changes are the revisions and retractions, in log order.
	Changes []ProvenanceChange
}

var _ Projection = (*Provenance)(nil)

// NewProvenance returns an empty read model.
func NewProvenance() *Provenance { return &Provenance{byKey: map[string]*provenanceEntry{}} }

// Name returns "provenance".
func (p *Provenance) Name() string { return "provenance" }

// Handles reports whether eventType records, revises or retracts observations.
func (p *Provenance) Handles(eventType string) bool {
	switch eventType {
	case domain.TypeObservationsRecorded, domain.TypeObservationRevised, domain.TypeObservationRetracted:
		return true
	}
	return false
}

func provenanceKey(indicator, region string) string { return indicator + "\x00" + region }

func (p *Provenance) entry(indicator, region string) *provenanceEntry {
	k := provenanceKey(indicator, region)
	e := p.byKey[k]
	if e == nil {
		e = &provenanceEntry{}
		p.byKey[k] = e
	}
	return e
}

// Apply applies an observation event.
func (p *Provenance) Apply(r domain.Recorded) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := r.Event.(type) {
	case domain.ObservationsRecorded:
		rows := map[string]int{}
		var order []string
		for _, row := range e.Rows {
			if rows[row.Region] == 0 {
				order = append(order, row.Region)
			}
			rows[row.Region]++
		}
		for _, region := range order {
			en := p.entry(e.Indicator, region)
			en.Batches = append(en.Batches, ProvenanceBatch{Source: e.Source, Rows: rows[region], Position: r.Position})
		}
	case domain.ObservationRevised:
		en := p.entry(e.Indicator, e.Region)
		en.Changes = append(en.Changes, ProvenanceChange{Kind: "REVISED", Period: e.Period, Dimensions: domain.DimensionsKey(e.Dimensions),
			Reason: e.Reason, Source: e.Source, Position: r.Position})
	case domain.ObservationRetracted:
		en := p.entry(e.Indicator, e.Region)
		en.Changes = append(en.Changes, ProvenanceChange{Kind: "RETRACTED", Period: e.Period, Dimensions: domain.DimensionsKey(e.Dimensions),
			Reason: e.Reason, Position: r.Position})
	default:
		return fmt.Errorf("provenance: unexpected %s", r.Event.EventType())
	}
	p.checkpoint = r.Position
	return nil
}

// Of returns the provenance of indicator in region as known at asOf (0:
// latest).
func (p *Provenance) Of(indicator, region string, asOf uint64) ProvenanceData {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := ProvenanceData{Sources: []SourceUse{}, Changes: []ProvenanceChange{}}
	en := p.byKey[provenanceKey(indicator, region)]
	if en == nil {
		return out
	}
	idx := map[string]int{}
	for _, b := range en.Batches {
		if asOf != 0 && b.Position > asOf {
			continue
		}
		i, ok := idx[b.Source]
		if !ok {
			i = len(out.Sources)
			idx[b.Source] = i
			out.Sources = append(out.Sources, SourceUse{Source: b.Source})
		}
		out.Sources[i].Batches++
		out.Sources[i].Rows += b.Rows
	}
	for _, c := range en.Changes {
		if asOf == 0 || c.Position <= asOf {
			out.Changes = append(out.Changes, c)
			if c.Source != "" {
				if _, ok := idx[c.Source]; !ok {
					idx[c.Source] = len(out.Sources)
					out.Sources = append(out.Sources, SourceUse{Source: c.Source})
				}
			}
		}
	}
	sort.Slice(out.Sources, func(i, j int) bool { return out.Sources[i].Source < out.Sources[j].Source })
	return out
}

// Advance moves the checkpoint.
func (p *Provenance) Advance(pos uint64) {
	p.mu.Lock()
	p.checkpoint = pos
	p.mu.Unlock()
}

// Checkpoint returns the last position applied.
func (p *Provenance) Checkpoint() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.checkpoint
}

// WriteSnapshot writes the checkpoint and every entry.
func (p *Provenance) WriteSnapshot(w io.Writer) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	e := newEnc(w)
	e.u64(p.checkpoint)
	if err := e.flush(); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(p.byKey)
}

// ReadSnapshot replaces the state with a snapshot's.
func (p *Provenance) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	cp := d.u64()
	if d.err != nil {
		return d.err
	}
	var all map[string]*provenanceEntry
	if err := gob.NewDecoder(d.r).Decode(&all); err != nil {
		return err
	}
	if all == nil {
		all = map[string]*provenanceEntry{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkpoint, p.byKey = cp, all
	return nil
}
