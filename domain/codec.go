package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Metadata travels with every event (DESIGN.md section 2).
type Metadata struct {
	// SchemaVersion is the version of the payload's schema.
	SchemaVersion int `json:"v"`
	// RecordedAt is when the command was decided (from the injected clock).
	RecordedAt time.Time `json:"at"`
	// Principal is who issued the command.
	Principal string `json:"principal,omitempty"`
	// Command is the name of the command that produced the event.
	Command string `json:"command,omitempty"`
	// CommandID is the idempotency key of that command, if it had one.
	CommandID string `json:"commandId,omitempty"`
	// CommandHash fingerprints the command's content, so that a command ID
	// reused for a different command is refused.
	CommandHash string `json:"commandHash,omitempty"`
	// CorrelationID ties together everything done for one request.
	CorrelationID string `json:"correlationId,omitempty"`
	// CausationID is the ID of the message that caused this event.
	CausationID string `json:"causationId,omitempty"`
}

// Recorded is an event read back from the log with where it is.
type Recorded struct {
	ID       uuid.UUID
	Event    Event
	Meta     Metadata
	Stream   string
	Version  int64
	Position uint64
}

// Pending is an event decided by a command, not yet appended.
type Pending struct {
	ID    uuid.UUID
	Event Event
	Meta  Metadata
}

// eventTypes registers every event type: its current schema version and
// its decoder. Bump a version when a payload changes shape and add an
// upcaster to upcasters.
var eventTypes = map[string]struct {
	version int
	decode  func([]byte) (Event, error)
}{
	TypeRegionDefined:            {1, decodeAs[RegionDefined]},
	TypeRegionsLinked:            {1, decodeAs[RegionsLinked]},
	TypeIndicatorDefined:         {1, decodeAs[IndicatorDefined]},
	TypeObservationsRecorded:     {1, decodeObservationsRecorded},
	TypeObservationRevised:       {1, decodeAs[ObservationRevised]},
	TypeObservationRetracted:     {1, decodeAs[ObservationRetracted]},
	TypeOperationLaunched:        {1, decodeAs[OperationLaunched]},
	TypeOperationOutputsReported: {1, decodeAs[OperationOutputsReported]},
	TypeOperationScopeChanged:    {1, decodeAs[OperationScopeChanged]},
	TypeOperationConcluded:       {1, decodeAs[OperationConcluded]},
	TypeOperationDeclassified:    {1, decodeAs[OperationDeclassified]},
	TypePolicyChangeAdopted:      {1, decodeAs[PolicyChangeAdopted]},
	TypePolicyChangeAmended:      {1, decodeAs[PolicyChangeAmended]},
	TypePolicyChangeRepealed:     {1, decodeAs[PolicyChangeRepealed]},
	TypeCycleOpened:              {1, decodeAs[CycleOpened]},
	TypeCycleEvidencePinned:      {1, decodeAs[CycleEvidencePinned]},
	TypeFindingRecorded:          {1, decodeAs[FindingRecorded]},
	TypeCycleClosed:              {1, decodeAs[CycleClosed]},

	TypeRegionBoundaryDefined:  {1, decodeAs[RegionBoundaryDefined]},
	TypeAnalysisPlanRegistered: {1, decodeAs[AnalysisPlanRegistered]},
}

func decodeAs[T Event](b []byte) (Event, error) {
	var e T
	err := json.Unmarshal(b, &e)
	return e, err
}

// upcasters turn the JSON of an older schema version into the next
// version's JSON, keyed by type and the version they read. None exist yet.
var upcasters = map[string]map[int]func([]byte) ([]byte, error){}

// SchemaVersion returns the current schema version of an event type (0
// for a type this build does not know).
func SchemaVersion(eventType string) int { return eventTypes[eventType].version }

// Encode returns the JSON payload of e.
func Encode(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", e.EventType(), err)
	}
	return b, nil
}

// Decode reads the payload of an event of the given type and schema
// version, upcasting older versions. An unknown type or a version newer
// than this build knows is an error: the log is never silently misread.
func Decode(eventType string, version int, data []byte) (Event, error) {
	reg, ok := eventTypes[eventType]
	current := reg.version
	if !ok {
		return nil, fmt.Errorf("decode: unknown event type %q", eventType)
	}
	if version == 0 {
		version = 1
	}
	if version > current {
		return nil, fmt.Errorf("decode %s: schema version %d is newer than this build's %d", eventType, version, current)
	}
	for v := version; v < current; v++ {
		up := upcasters[eventType][v]
		if up == nil {
			return nil, fmt.Errorf("decode %s: no upcaster from schema version %d", eventType, v)
		}
		var err error
		if data, err = up(data); err != nil {
			return nil, fmt.Errorf("decode %s: upcast from version %d: %w", eventType, v, err)
		}
	}
	e, err := reg.decode(data)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", eventType, err)
	}
	return e, nil
}

// EncodeMetadata returns the JSON form of m.
func EncodeMetadata(m Metadata) ([]byte, error) { return json.Marshal(m) }

// DecodeMetadata reads metadata written by EncodeMetadata.
func DecodeMetadata(b []byte) (Metadata, error) {
	var m Metadata
	if len(b) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode metadata: %w", err)
	}
	return m, nil
}
