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

// Intervention kinds, as the API names them.
const (
	KindOperation    = "OPERATION"
	KindPolicyChange = "POLICY_CHANGE"
)

// Intervention is an operation or a policy change as known at a position.
type Intervention struct {
	ID    string
	Kind  string // KindOperation or KindPolicyChange
	Title string
	// Regions the intervention covers (an operation's scope, a policy's
	// jurisdictions).
	Regions []string
	// Start is the operation's start or the policy change's effective date;
	// End the operation's end or the policy's repeal date ("" if none).
	Start, End string
	Operation  *OperationView
	Policy     *PolicyView
	// Plans are the analysis plans registered for the intervention, in
	// the order registered.
	Plans []Plan
	// Created and Updated: positions of the first and last events.
	Created, Updated uint64
}

// OperationView holds what only operations have.
type OperationView struct {
	Kind                  domain.OperationKind
	TargetTier            domain.TargetTier
	Partners              []string
	LegalBasis            string
	JudicialAuthorisation string
	Budget                float64
	Classification        domain.Classification
	Summary               string
	Outputs               []domain.OperationOutputsReported
	ScopeChanges          []domain.OperationScopeChanged
}

// Plan is an analysis plan as registered, with where and when.
type Plan struct {
	domain.AnalysisPlanRegistered
	Position   uint64
	RecordedAt time.Time
}

// PolicyView holds what only policy changes have.
type PolicyView struct {
	Kind            domain.PolicyKind
	Adopted         string
	Description     string
	ExpectedEffects []domain.ExpectedEffect
	Amendments      []domain.PolicyChangeAmended
	RepealReason    string
}

// Interventions is the read model of operations and policy changes with
// the timeline of each region. It keeps every intervention's events so it
// can answer as of any position. Its methods are safe for concurrent use.
type Interventions struct {
	mu         sync.RWMutex
	checkpoint uint64
	byID       map[string]*interventionLog
	byRegion   map[string]map[string]bool // region -> IDs that ever covered it
	plans      map[string]string          // plan ID -> intervention ID
}

type interventionLog struct {
	events  []domain.Recorded
	current Intervention
}

var _ Projection = (*Interventions)(nil)

// NewInterventions returns an empty read model.
func NewInterventions() *Interventions {
	return &Interventions{byID: map[string]*interventionLog{}, byRegion: map[string]map[string]bool{}, plans: map[string]string{}}
}

// Name returns "interventions".
func (v *Interventions) Name() string { return "interventions" }

// Handles reports whether eventType is an operation or policy event.
func (v *Interventions) Handles(eventType string) bool {
	switch eventType {
	case domain.TypeOperationLaunched, domain.TypeOperationOutputsReported, domain.TypeOperationScopeChanged,
		domain.TypeOperationConcluded, domain.TypeOperationDeclassified,
		domain.TypePolicyChangeAdopted, domain.TypePolicyChangeAmended, domain.TypePolicyChangeRepealed,
		domain.TypeAnalysisPlanRegistered:
		return true
	}
	return false
}

// interventionID returns the ID an operation or policy event is about.
func interventionID(e domain.Event) string {
	switch e := e.(type) {
	case domain.OperationLaunched:
		return e.ID
	case domain.OperationOutputsReported:
		return e.ID
	case domain.OperationScopeChanged:
		return e.ID
	case domain.OperationConcluded:
		return e.ID
	case domain.OperationDeclassified:
		return e.ID
	case domain.PolicyChangeAdopted:
		return e.ID
	case domain.PolicyChangeAmended:
		return e.ID
	case domain.PolicyChangeRepealed:
		return e.ID
	case domain.AnalysisPlanRegistered:
		return e.Intervention
	}
	return ""
}

// Apply applies an operation or policy event.
func (v *Interventions) Apply(r domain.Recorded) error {
	id := interventionID(r.Event)
	if id == "" {
		return fmt.Errorf("interventions: unexpected %s", r.Event.EventType())
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	l := v.byID[id]
	if l == nil {
		l = &interventionLog{}
		v.byID[id] = l
	}
	l.events = append(l.events, r)
	fold(&l.current, r)
	if e, ok := r.Event.(domain.AnalysisPlanRegistered); ok {
		v.plans[e.ID] = id
	}
	for _, region := range regionsTouched(r.Event) {
		if v.byRegion[region] == nil {
			v.byRegion[region] = map[string]bool{}
		}
		v.byRegion[region][id] = true
	}
	v.checkpoint = r.Position
	return nil
}

func regionsTouched(e domain.Event) []string {
	switch e := e.(type) {
	case domain.OperationLaunched:
		return e.Regions
	case domain.OperationScopeChanged:
		return e.Added
	case domain.PolicyChangeAdopted:
		return e.Jurisdictions
	case domain.PolicyChangeAmended:
		return e.Jurisdictions
	}
	return nil
}

// fold applies one event to an intervention's view.
func fold(iv *Intervention, r domain.Recorded) {
	if iv.Created == 0 {
		iv.Created = r.Position
	}
	iv.Updated = r.Position
	switch e := r.Event.(type) {
	case domain.OperationLaunched:
		iv.ID, iv.Kind, iv.Title, iv.Start = e.ID, KindOperation, e.Title, e.Start
		iv.Regions = append([]string(nil), e.Regions...)
		iv.Operation = &OperationView{Kind: e.Kind, TargetTier: e.TargetTier, Partners: e.Partners, LegalBasis: e.LegalBasis,
			JudicialAuthorisation: e.JudicialAuthorisation, Budget: e.Budget, Classification: e.Classification}
	case domain.OperationOutputsReported:
		iv.Operation.Outputs = append(iv.Operation.Outputs, e)
	case domain.OperationScopeChanged:
		iv.Operation.ScopeChanges = append(iv.Operation.ScopeChanges, e)
		iv.Regions = applyScope(iv.Regions, e.Added, e.Removed)
	case domain.OperationConcluded:
		iv.End, iv.Operation.Summary = e.End, e.Summary
	case domain.OperationDeclassified:
		iv.Operation.Classification = e.Classification
	case domain.PolicyChangeAdopted:
		iv.ID, iv.Kind, iv.Title, iv.Start = e.ID, KindPolicyChange, e.Title, e.Effective
		iv.Regions = append([]string(nil), e.Jurisdictions...)
		iv.Policy = &PolicyView{Kind: e.Kind, Adopted: e.Adopted, Description: e.Description, ExpectedEffects: e.ExpectedEffects}
	case domain.PolicyChangeAmended:
		iv.Policy.Amendments = append(iv.Policy.Amendments, e)
		if e.Title != "" {
			iv.Title = e.Title
		}
		if e.Description != "" {
			iv.Policy.Description = e.Description
		}
		if e.Effective != "" {
			iv.Start = e.Effective
		}
		if len(e.Jurisdictions) > 0 {
			iv.Regions = append([]string(nil), e.Jurisdictions...)
		}
		if len(e.ExpectedEffects) > 0 {
			iv.Policy.ExpectedEffects = e.ExpectedEffects
		}
	case domain.PolicyChangeRepealed:
		iv.End, iv.Policy.RepealReason = e.Effective, e.Reason
	case domain.AnalysisPlanRegistered:
		iv.Plans = append(iv.Plans, Plan{AnalysisPlanRegistered: e, Position: r.Position, RecordedAt: r.Meta.RecordedAt})
	}
}

func applyScope(regions, added, removed []string) []string {
	out := make([]string, 0, len(regions)+len(added))
	gone := map[string]bool{}
	for _, r := range removed {
		gone[r] = true
	}
	for _, r := range regions {
		if !gone[r] {
			out = append(out, r)
		}
	}
	return append(out, added...)
}

// Advance moves the checkpoint.
func (v *Interventions) Advance(pos uint64) {
	v.mu.Lock()
	v.checkpoint = pos
	v.mu.Unlock()
}

// Checkpoint returns the last position applied.
func (v *Interventions) Checkpoint() uint64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.checkpoint
}

// view returns l as of asOf (0: latest); false if it did not exist then.
func (l *interventionLog) view(asOf uint64) (Intervention, bool) {
	if asOf == 0 || l.current.Updated <= asOf {
		return cloneIntervention(l.current), true
	}
	var iv Intervention
	for _, r := range l.events {
		if r.Position > asOf {
			break
		}
		fold(&iv, r)
	}
	return iv, iv.Created != 0
}

func cloneIntervention(iv Intervention) Intervention {
	out := iv
	out.Regions = append([]string(nil), iv.Regions...)
	out.Plans = append([]Plan(nil), iv.Plans...)
	if iv.Operation != nil {
		op := *iv.Operation
		op.Outputs = append([]domain.OperationOutputsReported(nil), op.Outputs...)
		op.ScopeChanges = append([]domain.OperationScopeChanged(nil), op.ScopeChanges...)
		out.Operation = &op
	}
	if iv.Policy != nil {
		p := *iv.Policy
		p.Amendments = append([]domain.PolicyChangeAmended(nil), p.Amendments...)
		out.Policy = &p
	}
	return out
}

// Get returns one intervention as of asOf (0: latest).
func (v *Interventions) Get(id string, asOf uint64) (Intervention, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	l, ok := v.byID[id]
	if !ok {
		return Intervention{}, false
	}
	return l.view(asOf)
}

// Plan returns analysis plan id as of asOf (0: latest) with its
// intervention as of then; false when it was not registered then.
func (v *Interventions) Plan(id string, asOf uint64) (Plan, Intervention, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	l, ok := v.byID[v.plans[id]]
	if !ok {
		return Plan{}, Intervention{}, false
	}
	iv, ok := l.view(asOf)
	if !ok {
		return Plan{}, Intervention{}, false
	}
	for _, p := range iv.Plans {
		if p.ID == id {
			return p, iv, true
		}
	}
	return Plan{}, Intervention{}, false
}

// Filter selects interventions. Empty fields select everything.
type Filter struct {
	Region string
	// From and To (YYYY-MM-DD) keep interventions active at some time in
	// [From, To].
	From, To string
	// Kind is KindOperation, KindPolicyChange, or an operation or policy kind.
	Kind string
	AsOf uint64
}

// List returns the interventions matching f, by start date then ID.
func (v *Interventions) List(f Filter) []Intervention {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var ids []string
	if f.Region != "" {
		for id := range v.byRegion[f.Region] {
			ids = append(ids, id)
		}
	} else {
		for id := range v.byID {
			ids = append(ids, id)
		}
	}
	out := []Intervention{}
	for _, id := range ids {
		iv, ok := v.byID[id].view(f.AsOf)
		if !ok || !matches(iv, f) {
			continue
		}
		out = append(out, iv)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func matches(iv Intervention, f Filter) bool {
	if f.Region != "" && !contains(iv.Regions, f.Region) {
		return false
	}
	if f.Kind != "" && f.Kind != iv.Kind {
		switch {
		case iv.Operation != nil && string(iv.Operation.Kind) == f.Kind:
		case iv.Policy != nil && string(iv.Policy.Kind) == f.Kind:
		default:
			return false
		}
	}
	// Dates in YYYY-MM-DD compare as strings.
	if f.To != "" && iv.Start > f.To {
		return false
	}
	if f.From != "" && iv.End != "" && iv.End < f.From {
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// storedEvent is an event in a snapshot: its type, schema version and JSON.
type storedEvent struct {
	Type     string
	Version  int
	Data     []byte
	Meta     domain.Metadata
	Stream   string
	Number   int64
	Position uint64
}

// WriteSnapshot writes the checkpoint and every intervention's events.
func (v *Interventions) WriteSnapshot(w io.Writer) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	e := newEnc(w)
	e.u64(v.checkpoint)
	if err := e.flush(); err != nil {
		return err
	}
	all := make(map[string][]storedEvent, len(v.byID))
	for id, l := range v.byID {
		list := make([]storedEvent, len(l.events))
		for i, r := range l.events {
			data, err := domain.Encode(r.Event)
			if err != nil {
				return err
			}
			list[i] = storedEvent{Type: r.Event.EventType(), Version: domain.SchemaVersion(r.Event.EventType()), Data: data,
				Meta: r.Meta, Stream: r.Stream, Number: r.Version, Position: r.Position}
		}
		all[id] = list
	}
	return gob.NewEncoder(w).Encode(all)
}

// ReadSnapshot replaces the state with a snapshot's.
func (v *Interventions) ReadSnapshot(r io.Reader) error {
	d := newDec(r)
	cp := d.u64()
	if d.err != nil {
		return d.err
	}
	var all map[string][]storedEvent
	if err := gob.NewDecoder(d.r).Decode(&all); err != nil {
		return err
	}
	n := NewInterventions()
	for _, list := range all {
		for _, s := range list {
			e, err := domain.Decode(s.Type, s.Version, s.Data)
			if err != nil {
				return err
			}
			if err := n.Apply(domain.Recorded{Event: e, Meta: s.Meta, Stream: s.Stream, Version: s.Number, Position: s.Position}); err != nil {
				return err
			}
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.checkpoint, v.byID, v.byRegion, v.plans = cp, n.byID, n.byRegion, n.plans
	return nil
}
