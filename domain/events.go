package domain

// Event is a fact that happened, as it is kept in the log. Every event type
// names itself; its payload is encoded as JSON by Encode and read back by
// Decode (which also upcasts older schema versions).
type Event interface {
	// EventType returns the event's type name, e.g. "RegionDefined".
	EventType() string
}

// Event type names, as stored in the log.
const (
	TypeRegionDefined            = "RegionDefined"
	TypeRegionsLinked            = "RegionsLinked"
	TypeIndicatorDefined         = "IndicatorDefined"
	TypeObservationsRecorded     = "ObservationsRecorded"
	TypeObservationRevised       = "ObservationRevised"
	TypeObservationRetracted     = "ObservationRetracted"
	TypeOperationLaunched        = "OperationLaunched"
	TypeOperationOutputsReported = "OperationOutputsReported"
	TypeOperationScopeChanged    = "OperationScopeChanged"
	TypeOperationConcluded       = "OperationConcluded"
	TypeOperationDeclassified    = "OperationDeclassified"
	TypePolicyChangeAdopted      = "PolicyChangeAdopted"
	TypePolicyChangeAmended      = "PolicyChangeAmended"
	TypePolicyChangeRepealed     = "PolicyChangeRepealed"
	TypeCycleOpened              = "CycleOpened"
	TypeCycleEvidencePinned      = "CycleEvidencePinned"
	TypeFindingRecorded          = "FindingRecorded"
	TypeCycleClosed              = "CycleClosed"

	TypeRegionBoundaryDefined = "RegionBoundaryDefined"
)

// RegionDefined: a region exists (a country, a NUTS region, a city, a port).
type RegionDefined struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Country string      `json:"country"`
	Level   RegionLevel `json:"level"`
	Parent  string      `json:"parent,omitempty"`
}

// RegionsLinked: two regions are neighbours, by land, sea, air or rail/road.
// The link is symmetric; A is the lexically smaller code.
type RegionsLinked struct {
	A    string   `json:"a"`
	B    string   `json:"b"`
	Kind LinkKind `json:"kind"`
}

// IndicatorDefined: an outcome or context indicator exists.
type IndicatorDefined struct {
	Code             string      `json:"code"`
	Name             string      `json:"name"`
	Family           Family      `json:"family"`
	Unit             string      `json:"unit"`
	Granularity      Granularity `json:"granularity"`
	DesiredDirection Direction   `json:"desiredDirection"`
	Description      string      `json:"description,omitempty"`
	// Scale and Population were added later (both optional): an event
	// without a scale is read with InferScale.
	Scale      Scale  `json:"scale,omitempty"`
	Population string `json:"population,omitempty"`
}

// Dimension is one element of an observation's breakdown (substance,
// offender tier, sex, age band). Never a person's identity.
type Dimension struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ObservationRow is one value of an indicator for a region and period.
type ObservationRow struct {
	Region     string      `json:"region"`
	Period     string      `json:"period"`
	Value      float64     `json:"value"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
}

// ObservationsRecorded: a batch of new observations of one indicator.
type ObservationsRecorded struct {
	Indicator string           `json:"indicator"`
	Source    string           `json:"source"`
	Rows      []ObservationRow `json:"rows"`
}

// ObservationRevised: a recorded observation's value was corrected.
type ObservationRevised struct {
	Indicator  string      `json:"indicator"`
	Region     string      `json:"region"`
	Period     string      `json:"period"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Value      float64     `json:"value"`
	Reason     string      `json:"reason"`
	Source     string      `json:"source"`
}

// ObservationRetracted: a recorded observation is withdrawn.
type ObservationRetracted struct {
	Indicator  string      `json:"indicator"`
	Region     string      `json:"region"`
	Period     string      `json:"period"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Reason     string      `json:"reason"`
}

// Seizure is a quantity of one substance seized.
type Seizure struct {
	Substance string  `json:"substance"`
	Kg        float64 `json:"kg"`
}

// OperationLaunched: a law-enforcement operation started.
type OperationLaunched struct {
	ID                    string         `json:"id"`
	Title                 string         `json:"title"`
	Kind                  OperationKind  `json:"kind"`
	Regions               []string       `json:"regions"`
	Start                 string         `json:"start"`
	TargetTier            TargetTier     `json:"targetTier"`
	Partners              []string       `json:"partners,omitempty"`
	LegalBasis            string         `json:"legalBasis,omitempty"`
	JudicialAuthorisation string         `json:"judicialAuthorisation,omitempty"`
	Budget                float64        `json:"budget,omitempty"`
	Classification        Classification `json:"classification"`
}

// OperationOutputsReported: what an operation produced in a period.
type OperationOutputsReported struct {
	ID                string    `json:"id"`
	Period            string    `json:"period"`
	Arrests           int       `json:"arrests"`
	Seizures          []Seizure `json:"seizures,omitempty"`
	AssetsFrozen      float64   `json:"assetsFrozen,omitempty"`
	AssetsConfiscated float64   `json:"assetsConfiscated,omitempty"`
	LabsDismantled    int       `json:"labsDismantled,omitempty"`
	Cost              float64   `json:"cost,omitempty"`
}

// OperationScopeChanged: regions were added to or removed from an operation.
type OperationScopeChanged struct {
	ID        string   `json:"id"`
	Added     []string `json:"added,omitempty"`
	Removed   []string `json:"removed,omitempty"`
	Effective string   `json:"effective,omitempty"`
	Reason    string   `json:"reason"`
}

// OperationConcluded: an operation ended.
type OperationConcluded struct {
	ID      string `json:"id"`
	End     string `json:"end"`
	Summary string `json:"summary,omitempty"`
}

// OperationDeclassified: an operation's classification was lowered.
type OperationDeclassified struct {
	ID             string         `json:"id"`
	Classification Classification `json:"classification"`
}

// ExpectedEffect is what a policy change is meant to do to an indicator family.
type ExpectedEffect struct {
	Family    Family    `json:"family"`
	Direction Direction `json:"direction"`
}

// PolicyChangeAdopted: a law, sentencing rule, control or strategy was adopted.
type PolicyChangeAdopted struct {
	ID              string           `json:"id"`
	Title           string           `json:"title"`
	Kind            PolicyKind       `json:"kind"`
	Jurisdictions   []string         `json:"jurisdictions"`
	Adopted         string           `json:"adopted"`
	Effective       string           `json:"effective"`
	Description     string           `json:"description,omitempty"`
	ExpectedEffects []ExpectedEffect `json:"expectedEffects,omitempty"`
}

// PolicyChangeAmended: some attributes of an adopted policy change were
// changed; empty fields are unchanged.
type PolicyChangeAmended struct {
	ID              string           `json:"id"`
	Title           string           `json:"title,omitempty"`
	Description     string           `json:"description,omitempty"`
	Effective       string           `json:"effective,omitempty"`
	Jurisdictions   []string         `json:"jurisdictions,omitempty"`
	ExpectedEffects []ExpectedEffect `json:"expectedEffects,omitempty"`
	Reason          string           `json:"reason"`
}

// PolicyChangeRepealed: a policy change stops applying from Effective.
type PolicyChangeRepealed struct {
	ID        string `json:"id"`
	Effective string `json:"effective"`
	Reason    string `json:"reason"`
}

func (RegionDefined) EventType() string            { return TypeRegionDefined }
func (RegionsLinked) EventType() string            { return TypeRegionsLinked }
func (IndicatorDefined) EventType() string         { return TypeIndicatorDefined }
func (ObservationsRecorded) EventType() string     { return TypeObservationsRecorded }
func (ObservationRevised) EventType() string       { return TypeObservationRevised }
func (ObservationRetracted) EventType() string     { return TypeObservationRetracted }
func (OperationLaunched) EventType() string        { return TypeOperationLaunched }
func (OperationOutputsReported) EventType() string { return TypeOperationOutputsReported }
func (OperationScopeChanged) EventType() string    { return TypeOperationScopeChanged }
func (OperationConcluded) EventType() string       { return TypeOperationConcluded }
func (OperationDeclassified) EventType() string    { return TypeOperationDeclassified }
func (PolicyChangeAdopted) EventType() string      { return TypePolicyChangeAdopted }
func (PolicyChangeAmended) EventType() string      { return TypePolicyChangeAmended }
func (PolicyChangeRepealed) EventType() string     { return TypePolicyChangeRepealed }

// RegionBoundaryDefined: a region's outline, for maps (coordinates of a
// GeoJSON MultiPolygon in WGS 84 degrees); it replaces any earlier one.
type RegionBoundaryDefined struct {
	Region   string          `json:"region"`
	Polygons [][][][]float64 `json:"polygons"`
	Source   string          `json:"source,omitempty"`
}

func (RegionBoundaryDefined) EventType() string { return TypeRegionBoundaryDefined }

// Stream names (DESIGN.md section 2).

// RegionStream returns the stream of region code.
func RegionStream(code string) string { return "region-" + code }

// IndicatorStream returns the stream of indicator code (which also holds
// its observations).
func IndicatorStream(code string) string { return "indicator-" + code }

// OperationStream returns the stream of operation id.
func OperationStream(id string) string { return "operation-" + id }

// PolicyStream returns the stream of policy change id.
func PolicyStream(id string) string { return "policy-" + id }

// CycleStream returns the stream of evaluation cycle id.
func CycleStream(id string) string { return "cycle-" + id }
