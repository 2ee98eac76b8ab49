package domain

// RegionLevel is the administrative or functional level of a region.
type RegionLevel string

// The values of RegionLevel.
const (
	RegionLevelCountry RegionLevel = "COUNTRY"
	RegionLevelNuts1   RegionLevel = "NUTS1"
	RegionLevelNuts2   RegionLevel = "NUTS2"
	RegionLevelNuts3   RegionLevel = "NUTS3"
	RegionLevelCity    RegionLevel = "CITY"
	RegionLevelPort    RegionLevel = "PORT"
	RegionLevelOther   RegionLevel = "OTHER"
)

// RegionLevels lists every RegionLevel, in catalogue order.
var RegionLevels = []RegionLevel{RegionLevelCountry, RegionLevelNuts1, RegionLevelNuts2, RegionLevelNuts3, RegionLevelCity, RegionLevelPort, RegionLevelOther}

// Valid reports whether v is a defined RegionLevel.
func (v RegionLevel) Valid() bool {
	for _, x := range RegionLevels {
		if v == x {
			return true
		}
	}
	return false
}

// LinkKind is how two neighbouring regions are connected.
type LinkKind string

// The values of LinkKind.
const (
	LinkKindLandBorder LinkKind = "LAND_BORDER"
	LinkKindSeaRoute   LinkKind = "SEA_ROUTE"
	LinkKindAirRoute   LinkKind = "AIR_ROUTE"
	LinkKindRailRoad   LinkKind = "RAIL_ROAD"
)

// LinkKinds lists every LinkKind, in catalogue order.
var LinkKinds = []LinkKind{LinkKindLandBorder, LinkKindSeaRoute, LinkKindAirRoute, LinkKindRailRoad}

// Valid reports whether v is a defined LinkKind.
func (v LinkKind) Valid() bool {
	for _, x := range LinkKinds {
		if v == x {
			return true
		}
	}
	return false
}

// Family is the kind of outcome an indicator measures (Guideline 21: availability, violence, corruption, cost; Guideline 18: displacement).
type Family string

// The values of Family.
const (
	FamilyAvailability Family = "AVAILABILITY"
	FamilyViolence     Family = "VIOLENCE"
	FamilyCorruption   Family = "CORRUPTION"
	FamilyCost         Family = "COST"
	FamilyDisplacement Family = "DISPLACEMENT"
	FamilyContext      Family = "CONTEXT"
)

// Families lists every Family, in catalogue order.
var Families = []Family{FamilyAvailability, FamilyViolence, FamilyCorruption, FamilyCost, FamilyDisplacement, FamilyContext}

// Valid reports whether v is a defined Family.
func (v Family) Valid() bool {
	for _, x := range Families {
		if v == x {
			return true
		}
	}
	return false
}

// Direction is the direction in which an indicator's change is desired.
type Direction string

// The values of Direction.
const (
	DirectionUp   Direction = "UP"
	DirectionDown Direction = "DOWN"
	DirectionNone Direction = "NONE"
)

// Directions lists every Direction, in catalogue order.
var Directions = []Direction{DirectionUp, DirectionDown, DirectionNone}

// Valid reports whether v is a defined Direction.
func (v Direction) Valid() bool {
	for _, x := range Directions {
		if v == x {
			return true
		}
	}
	return false
}

// OperationKind is the kind of a law-enforcement operation.
type OperationKind string

// The values of OperationKind.
const (
	OperationKindSeizureOperation       OperationKind = "SEIZURE_OPERATION"
	OperationKindPortControl            OperationKind = "PORT_CONTROL"
	OperationKindLabDismantling         OperationKind = "LAB_DISMANTLING"
	OperationKindHighValueTargeting     OperationKind = "HIGH_VALUE_TARGETING"
	OperationKindControlledDelivery     OperationKind = "CONTROLLED_DELIVERY"
	OperationKindFinancialInvestigation OperationKind = "FINANCIAL_INVESTIGATION"
	OperationKindJointInvestigation     OperationKind = "JOINT_INVESTIGATION"
	OperationKindCropEradication        OperationKind = "CROP_ERADICATION"
	OperationKindOther                  OperationKind = "OTHER"
)

// OperationKinds lists every OperationKind, in catalogue order.
var OperationKinds = []OperationKind{OperationKindSeizureOperation, OperationKindPortControl, OperationKindLabDismantling, OperationKindHighValueTargeting, OperationKindControlledDelivery, OperationKindFinancialInvestigation, OperationKindJointInvestigation, OperationKindCropEradication, OperationKindOther}

// Valid reports whether v is a defined OperationKind.
func (v OperationKind) Valid() bool {
	for _, x := range OperationKinds {
		if v == x {
			return true
		}
	}
	return false
}

// TargetTier is the tier of the trafficking organisation an operation targets (Guideline 4).
type TargetTier string

// The values of TargetTier.
const (
	TargetTierHighValue TargetTier = "HIGH_VALUE"
	TargetTierMid       TargetTier = "MID"
	TargetTierLow       TargetTier = "LOW"
	TargetTierMixed     TargetTier = "MIXED"
)

// TargetTiers lists every TargetTier, in catalogue order.
var TargetTiers = []TargetTier{TargetTierHighValue, TargetTierMid, TargetTierLow, TargetTierMixed}

// Valid reports whether v is a defined TargetTier.
func (v TargetTier) Valid() bool {
	for _, x := range TargetTiers {
		if v == x {
			return true
		}
	}
	return false
}

// Classification is how sensitive an operation is; ordered from PUBLIC to CONFIDENTIAL.
type Classification string

// The values of Classification.
const (
	ClassificationPublic       Classification = "PUBLIC"
	ClassificationRestricted   Classification = "RESTRICTED"
	ClassificationConfidential Classification = "CONFIDENTIAL"
)

// Classifications lists every Classification, from least to most sensitive.
var Classifications = []Classification{ClassificationPublic, ClassificationRestricted, ClassificationConfidential}

// Valid reports whether v is a defined Classification.
func (v Classification) Valid() bool {
	for _, x := range Classifications {
		if v == x {
			return true
		}
	}
	return false
}

// PolicyKind is the kind of a policy change.
type PolicyKind string

// The values of PolicyKind.
const (
	PolicyKindLegislation           PolicyKind = "LEGISLATION"
	PolicyKindSentencing            PolicyKind = "SENTENCING"
	PolicyKindPrecursorControl      PolicyKind = "PRECURSOR_CONTROL"
	PolicyKindAlternativesToCustody PolicyKind = "ALTERNATIVES_TO_CUSTODY"
	PolicyKindResourcing            PolicyKind = "RESOURCING"
	PolicyKindStrategy              PolicyKind = "STRATEGY"
	PolicyKindCooperation           PolicyKind = "COOPERATION"
	PolicyKindOther                 PolicyKind = "OTHER"
)

// PolicyKinds lists every PolicyKind, in catalogue order.
var PolicyKinds = []PolicyKind{PolicyKindLegislation, PolicyKindSentencing, PolicyKindPrecursorControl, PolicyKindAlternativesToCustody, PolicyKindResourcing, PolicyKindStrategy, PolicyKindCooperation, PolicyKindOther}

// Valid reports whether v is a defined PolicyKind.
func (v PolicyKind) Valid() bool {
	for _, x := range PolicyKinds {
		if v == x {
			return true
		}
	}
	return false
}

// Rank orders classifications from PUBLIC (0) to CONFIDENTIAL (2); -1 for
// an undefined value.
func (v Classification) Rank() int {
	for i, x := range Classifications {
		if v == x {
			return i
		}
	}
	return -1
}

// enumError returns the BAD_INPUT error for a value outside an enum.
func enumError[T ~string](field string, v T, all []T) *Error {
	names := make([]string, len(all))
	for i, x := range all {
		names[i] = string(x)
	}
	if v == "" {
		return Invalidm(field, "domain.err.enum.required", joinList(names))
	}
	return Invalidm(field, "domain.err.enum.bad", string(v), joinList(names))
}
