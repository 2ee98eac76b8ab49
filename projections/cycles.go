package projections

import (
	"encoding/gob"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/supplyeval/supplyeval/domain"
)

// Cycle is an evaluation cycle as recorded (cycles are small and change
// rarely, so the read model keeps only the latest state).
type Cycle struct {
	ID, Title string
	// From and To (YYYY-MM-DD) bound the period under evaluation.
	From, To      string
	Regions       []string
	Interventions []string
	Questions     []string
	PreviousCycle string
	// Pinned is the position the evidence is read at; 0 when not pinned.
	Pinned uint64
	// Findings are in the order they were recorded.
	Findings []Finding
	Closed   bool
	// ReportEdition is the edition of the reports of the software that
	// closed the cycle (domain.ReportEdition then; 0 if unrecorded).
	ReportEdition   int
	Summary         string
	Recommendations []string
	// Opened and ClosedAt are the positions of the opening and closing
	// events (ClosedAt 0 while open); OpenedTime and ClosedTime when they
	// were recorded.
	Opened, ClosedAt       uint64
	OpenedTime, ClosedTime time.Time
	// Updated is the position of the cycle's last event.
	Updated uint64
}

// Finding is a recorded finding with where it was recorded.
type Finding struct {
	domain.FindingRecorded
	Position uint64
}

// Cycles is the read model of evaluation cycles. Its methods are safe for
// concurrent use; what they return is a copy.
type Cycles struct {
	mu         sync.RWMutex
	checkpoint uint64
	byID       map[string]*Cycle
}

var _ Projection = (*Cycles)(nil)

// NewCycles returns an empty read model.
func NewCycles() *Cycles { return &Cycles{byID: map[string]*Cycle{}} }

// Name returns "cycles".
func (v *Cycles) Name() string { return "cycles" }

// Handles reports whether eventType is a cycle event.
func (v *Cycles) Handles(eventType string) bool {
	switch eventType {
	case domain.TypeCycleOpened, domain.TypeCycleEvidencePinned, domain.TypeFindingRecorded, domain.TypeCycleClosed:
		return true
	}
	return false
}

// Apply applies a cycle event.
func (v *Cycles) Apply(r domain.Recorded) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	get := func(id string) (*Cycle, error) {
		c := v.byID[id]
		if c == nil {
			return nil, fmt.Errorf("cycles: %s for unknown cycle %q", r.Event.EventType(), id)
		}
		return c, nil
	}
	var c *Cycle
	var err error
	switch e := r.Event.(type) {
	case domain.CycleOpened:
		c = &Cycle{ID: e.ID, Title: e.Title, From: e.From, To: e.To, Regions: e.Scope.Regions, Interventions: e.Scope.Interventions,
			Questions: e.Questions, PreviousCycle: e.PreviousCycle, Opened: r.Position, OpenedTime: r.Meta.RecordedAt}
		v.byID[e.ID] = c
	case domain.CycleEvidencePinned:
		if c, err = get(e.ID); err == nil {
			c.Pinned = e.Position
		}
	case domain.FindingRecorded:
		if c, err = get(e.ID); err == nil {
			c.Findings = append(c.Findings, Finding{FindingRecorded: e, Position: r.Position})
		}
	case domain.CycleClosed:
		if c, err = get(e.ID); err == nil {
			c.Closed, c.Summary, c.Recommendations, c.ReportEdition = true, e.Summary, e.Recommendations, e.ReportEdition
			c.ClosedAt, c.ClosedTime = r.Position, r.Meta.RecordedAt
		}
	default:
		return fmt.Errorf("cycles: unexpected %s", r.Event.EventType())
	}
	if err != nil {
		return err
	}
	c.Updated = r.Position
	v.checkpoint = r.Position
	return nil
}

// Advance moves the checkpoint.
func (v *Cycles) Advance(pos uint64) {
	v.mu.Lock()
	v.checkpoint = pos
	v.mu.Unlock()
}

// Checkpoint returns the last position applied.
func (v *Cycles) Checkpoint() uint64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.checkpoint
}

// Get returns cycle id.
func (v *Cycles) Get(id string) (Cycle, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c, ok := v.byID[id]
	if !ok {
		return Cycle{}, false
	}
	return cloneCycle(c), true
}

// List returns every cycle, by start of the period evaluated, then ID.
func (v *Cycles) List() []Cycle {
	v.mu.RLock()
	out := make([]Cycle, 0, len(v.byID))
	for _, c := range v.byID {
		out = append(out, cloneCycle(c))
	}
	v.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func cloneCycle(c *Cycle) Cycle {
	out := *c
	out.Regions = append([]string(nil), c.Regions...)
	out.Interventions = append([]string(nil), c.Interventions...)
	out.Questions = append([]string(nil), c.Questions...)
	out.Findings = append([]Finding(nil), c.Findings...)
	out.Recommendations = append([]string(nil), c.Recommendations...)
	return out
}

// WriteSnapshot writes the checkpoint and every cycle.
func (v *Cycles) WriteSnapshot(w io.Writer) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	e := newEnc(w)
	e.u64(v.checkpoint)
	if err := e.flush(); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(v.byID)
}

// ReadSnapshot replaces the state with a snapshot's.
func (v *Cycles) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	cp := d.u64()
	if d.err != nil {
		return d.err
	}
	var all map[string]*Cycle
	if err := gob.NewDecoder(d.r).Decode(&all); err != nil {
		return err
	}
	if all == nil {
		all = map[string]*Cycle{}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.checkpoint, v.byID = cp, all
	return nil
}
