package graphql

import (
	"fmt"

	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections"
)

// enumOf builds a GraphQL enum whose values are the strings themselves.
func enumOf[T ~string](name, desc string, values []T) *gql.Enum {
	cfg := gql.EnumValueConfigMap{}
	for _, v := range values {
		cfg[string(v)] = &gql.EnumValueConfig{Value: string(v)}
	}
	return gql.NewEnum(gql.EnumConfig{Name: name, Description: desc, Values: cfg})
}

// types holds the schema's named types, built once per schema.
type types struct {
	regionLevel, linkKind, family, direction, granularity *gql.Enum
	scale                                                 *gql.Enum
	operationKind, targetTier, classification, policyKind *gql.Enum
	category                                              *gql.Enum

	region, neighbour, indicator, dimension, point, series *gql.Object
	intervention                                           *gql.Interface
	operation, policyChange, seizure, outputs, effect      *gql.Object
	scopeChange, amendment                                 *gql.Object

	// Issue 15: the impact methods, shared by impact and power, and the
	// power types (graphql/power.go).
	impactMethod          *gql.Enum
	power, operationPower *gql.Object

	// lang is the enum Lang: the language of reports and of the texts
	// of estimates (explanation(lang:), assumptions(lang:)).
	lang *gql.Enum

	dimensionInput, seizureInput, effectInput, rowInput *gql.InputObject
}

func nonNull(t gql.Type) gql.Type              { return gql.NewNonNull(t) }
func listOf(t gql.Type) gql.Type               { return gql.NewNonNull(gql.NewList(gql.NewNonNull(t))) }
func field(t gql.Type, desc string) *gql.Field { return &gql.Field{Type: t, Description: desc} }

func (s *Server) buildTypes() *types {
	t := &types{}
	t.lang = enumOf("Lang", "A language of reports and pages: English or French (the Council of Europe's working languages).", i18n.Langs)
	t.regionLevel = enumOf("RegionLevel", "Administrative or functional level of a region.", domain.RegionLevels)
	t.linkKind = enumOf("LinkKind", "How two neighbouring regions are connected.", domain.LinkKinds)
	t.family = enumOf("IndicatorFamily", "What an indicator measures (Guideline 21 families, displacement, context).", domain.Families)
	t.direction = enumOf("Direction", "Direction in which change is desired.", domain.Directions)
	t.granularity = enumOf("Granularity", "Length of an indicator's periods.", domain.Granularities)
	t.scale = enumOf("IndicatorScale", "What an indicator's values measure: COUNT (events or items; summed across regions, quasi-Poisson models, per 100,000), LEVEL (an amount, price or concentration), RATE (per unit of exposure) or SHARE (a proportion); the last three are averaged.", domain.Scales)
	t.operationKind = enumOf("OperationKind", "Kind of law-enforcement operation.", domain.OperationKinds)
	t.targetTier = enumOf("TargetTier", "Tier of the organisation targeted (Guideline 4).", domain.TargetTiers)
	t.classification = enumOf("Classification", "Sensitivity of an operation.", domain.Classifications)
	t.policyKind = enumOf("PolicyKind", "Kind of policy change.", domain.PolicyKinds)
	t.category = enumOf("InterventionCategory", "Whether an intervention is an operation or a policy change.",
		[]string{projections.KindOperation, projections.KindPolicyChange})

	t.dimension = gql.NewObject(gql.ObjectConfig{Name: "Dimension", Description: "One element of a breakdown (substance, offender tier, sex, age band).",
		Fields: gql.Fields{"key": field(nonNull(gql.String), ""), "value": field(nonNull(gql.String), "")}})

	t.neighbour = gql.NewObject(gql.ObjectConfig{Name: "Neighbour", Description: "A region linked to another, and how.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			return gql.Fields{
				"region": &gql.Field{Type: nonNull(t.region), Resolve: s.resolveNeighbourRegion},
				"kind":   &gql.Field{Type: nonNull(t.linkKind), Resolve: func(p gql.ResolveParams) (any, error) { return string(p.Source.(projections.Link).Kind), nil }},
			}
		})})
	t.region = gql.NewObject(gql.ObjectConfig{Name: "Region", Description: "A country, NUTS region, city or port.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			r := func(f func(projections.Region) any) gql.FieldResolveFn {
				return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Region)), nil }
			}
			return gql.Fields{
				"code":    &gql.Field{Type: nonNull(gql.ID), Resolve: r(func(x projections.Region) any { return x.Code })},
				"name":    &gql.Field{Type: nonNull(gql.String), Resolve: r(func(x projections.Region) any { return x.Name })},
				"country": &gql.Field{Type: nonNull(gql.String), Description: "ISO 3166-1 alpha-2.", Resolve: r(func(x projections.Region) any { return x.Country })},
				"level":   &gql.Field{Type: nonNull(t.regionLevel), Resolve: r(func(x projections.Region) any { return string(x.Level) })},
				"parent": &gql.Field{Type: gql.ID, Resolve: r(func(x projections.Region) any {
					if x.Parent == "" {
						return nil
					}
					return x.Parent
				})},
				"neighbours": &gql.Field{Type: listOf(t.neighbour), Description: "Linked regions, across borders too.",
					Resolve: r(func(x projections.Region) any { return x.Links })},
				"boundary": regionBoundaryField(),
			}
		})})

	ind := func(f func(projections.Indicator) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Indicator)), nil }
	}
	t.indicator = gql.NewObject(gql.ObjectConfig{Name: "Indicator", Description: "An outcome or context indicator.", Fields: gql.Fields{
		"code":             &gql.Field{Type: nonNull(gql.ID), Resolve: ind(func(x projections.Indicator) any { return x.Code })},
		"name":             &gql.Field{Type: nonNull(gql.String), Resolve: ind(func(x projections.Indicator) any { return x.Name })},
		"family":           &gql.Field{Type: nonNull(t.family), Resolve: ind(func(x projections.Indicator) any { return string(x.Family) })},
		"unit":             &gql.Field{Type: nonNull(gql.String), Resolve: ind(func(x projections.Indicator) any { return x.Unit })},
		"granularity":      &gql.Field{Type: nonNull(t.granularity), Resolve: ind(func(x projections.Indicator) any { return string(x.Granularity) })},
		"desiredDirection": &gql.Field{Type: nonNull(t.direction), Resolve: ind(func(x projections.Indicator) any { return string(x.DesiredDirection) })},
		"description":      &gql.Field{Type: gql.String, Resolve: ind(func(x projections.Indicator) any { return x.Description })},
		"scale": &gql.Field{Type: nonNull(t.scale), Description: "What the values measure; see scaleInferred.",
			Resolve: ind(func(x projections.Indicator) any { return string(x.Scale) })},
		"scaleInferred": &gql.Field{Type: nonNull(gql.Boolean),
			Description: "True when the definition states no scale (recorded before definitions had one, or sent without): the scale is then inferred from the unit and family, and the population from the CONTEXT indicator named population.",
			Resolve:     ind(func(x projections.Indicator) any { return x.ScaleInferred })},
		"population": &gql.Field{Type: gql.ID, Description: "The indicator holding the population the values are exposed to, as the definition names it.",
			Resolve: ind(func(x projections.Indicator) any {
				if x.Population == "" {
					return nil
				}
				return x.Population
			})},
	}})

	pt := func(f func(pointOut) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(pointOut)), nil }
	}
	t.point = gql.NewObject(gql.ObjectConfig{Name: "Point", Description: "One value of a series.", Fields: gql.Fields{
		"period": &gql.Field{Type: nonNull(gql.String), Resolve: pt(func(x pointOut) any { return x.Period })},
		"value": &gql.Field{Type: gql.Float, Description: "The value; null when suppressed.",
			Resolve: pt(func(x pointOut) any {
				if x.Suppressed {
					return nil
				}
				return x.Value
			})},
		"suppressed": &gql.Field{Type: nonNull(gql.Boolean), Description: "True when the value is withheld from the public: a small value, one derived from it, or one that would give a withheld value away by difference (never shown as zero).",
			Resolve: pt(func(x pointOut) any { return x.Suppressed })},
		"position": &gql.Field{Type: nonNull(gql.String), Description: "Log position at which this value was recorded or revised.", Resolve: pt(func(x pointOut) any { return fmt.Sprint(x.Position) })},
	}})
	sr := func(f func(seriesResult) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(seriesResult)), nil }
	}
	t.series = gql.NewObject(gql.ObjectConfig{Name: "Series", Description: "Values of one indicator in one region (and breakdown), by period.", Fields: gql.Fields{
		"indicator":   &gql.Field{Type: nonNull(gql.ID), Resolve: sr(func(x seriesResult) any { return x.Indicator })},
		"region":      &gql.Field{Type: nonNull(gql.ID), Resolve: sr(func(x seriesResult) any { return x.Region })},
		"dimensions":  &gql.Field{Type: listOf(t.dimension), Resolve: sr(func(x seriesResult) any { return dimsOut(x.Dimensions) })},
		"granularity": &gql.Field{Type: nonNull(t.granularity), Resolve: sr(func(x seriesResult) any { return string(x.Granularity) })},
		"unit": &gql.Field{Type: nonNull(gql.String), Description: "The unit of the values: the indicator's own as recorded, or, normalised by compareRegions, in the language asked (English by default).",
			Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
				x := p.Source.(seriesResult)
				return argLang(p).RenderOr(x.UnitMsg, x.Unit), nil
			}},
		"normalised": &gql.Field{Type: gql.String, Description: "How values were normalised, if at all, in the language asked (English by default).",
			Args: t.langArgs(), Resolve: func(p gql.ResolveParams) (any, error) {
				x := p.Source.(seriesResult)
				return nilIfEmpty(argLang(p).RenderOr(x.NormalisedMsg, x.Normalised)), nil
			}},
		"asOf": &gql.Field{Type: nonNull(gql.String), Description: "The position the answer reflects.", Resolve: func(p gql.ResolveParams) (any, error) {
			x := p.Source.(seriesResult)
			if x.Latest {
				readsEverything(p.Context) // the latest position moves with every event
			}
			return fmt.Sprint(x.AsOf), nil
		}},
		"points": &gql.Field{Type: listOf(t.point), Resolve: sr(func(x seriesResult) any { return x.points() })},
	}})

	t.impactMethod = impactMethodEnum()
	t.power, t.operationPower = powerTypes(t)
	s.buildInterventionTypes(t)

	t.dimensionInput = gql.NewInputObject(gql.InputObjectConfig{Name: "DimensionInput", Fields: gql.InputObjectConfigFieldMap{
		"key": {Type: nonNull(gql.String)}, "value": {Type: nonNull(gql.String)}}})
	t.seizureInput = gql.NewInputObject(gql.InputObjectConfig{Name: "SeizureInput", Fields: gql.InputObjectConfigFieldMap{
		"substance": {Type: nonNull(gql.String)}, "kg": {Type: nonNull(gql.Float)}}})
	t.effectInput = gql.NewInputObject(gql.InputObjectConfig{Name: "ExpectedEffectInput", Fields: gql.InputObjectConfigFieldMap{
		"family": {Type: nonNull(t.family)}, "direction": {Type: nonNull(t.direction)}}})
	t.rowInput = gql.NewInputObject(gql.InputObjectConfig{Name: "ObservationRowInput", Fields: gql.InputObjectConfigFieldMap{
		"region": {Type: nonNull(gql.ID)}, "period": {Type: nonNull(gql.String)}, "value": {Type: nonNull(gql.Float)},
		"dimensions": {Type: gql.NewList(gql.NewNonNull(t.dimensionInput))}}})
	return t
}

func (s *Server) buildInterventionTypes(t *types) {
	iv := func(f func(projections.Intervention) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Intervention)), nil }
	}
	common := func() gql.Fields {
		return gql.Fields{
			"id":    &gql.Field{Type: nonNull(gql.ID), Resolve: iv(func(x projections.Intervention) any { return x.ID })},
			"title": &gql.Field{Type: nonNull(gql.String), Resolve: iv(func(x projections.Intervention) any { return x.Title })},
			"category": &gql.Field{Type: nonNull(t.category), Description: "OPERATION or POLICY_CHANGE.",
				Resolve: iv(func(x projections.Intervention) any { return x.Kind })},
			"kind": &gql.Field{Type: nonNull(gql.String), Description: "The operation kind (e.g. PORT_CONTROL) or policy kind (e.g. PRECURSOR_CONTROL); the interventions(kind:) filter takes the same values.",
				Resolve: iv(func(x projections.Intervention) any {
					if x.Operation != nil {
						return string(x.Operation.Kind)
					}
					return string(x.Policy.Kind)
				})},
			"regions": &gql.Field{Type: listOf(gql.ID), Resolve: iv(func(x projections.Intervention) any { return x.Regions })},
			"start": &gql.Field{Type: nonNull(gql.String), Description: "Start (operation) or effective date (policy change), YYYY-MM-DD.",
				Resolve: iv(func(x projections.Intervention) any { return x.Start })},
			"end": &gql.Field{Type: gql.String, Description: "End (operation) or repeal date (policy change), if any.",
				Resolve: iv(func(x projections.Intervention) any { return nilIfEmpty(x.End) })},
		}
	}
	t.intervention = gql.NewInterface(gql.InterfaceConfig{Name: "Intervention", Description: "An operation or a policy change.",
		Fields: common(),
		ResolveType: func(p gql.ResolveTypeParams) *gql.Object {
			if p.Value.(projections.Intervention).Kind == projections.KindOperation {
				return t.operation
			}
			return t.policyChange
		}})
	t.seizure = gql.NewObject(gql.ObjectConfig{Name: "Seizure", Fields: gql.Fields{
		"substance": field(nonNull(gql.String), ""), "kg": field(nonNull(gql.Float), "")}})
	t.outputs = gql.NewObject(gql.ObjectConfig{Name: "OperationOutputs", Description: "What an operation produced in a period (Guideline 8).", Fields: gql.Fields{
		"period":  field(nonNull(gql.String), ""),
		"arrests": field(nonNull(gql.Int), ""),
		"seizures": &gql.Field{Type: listOf(t.seizure), Resolve: func(p gql.ResolveParams) (any, error) {
			return seizuresOut(p.Source.(domain.OperationOutputsReported).Seizures), nil
		}},
		"assetsFrozen":      field(nonNull(gql.Float), ""),
		"assetsConfiscated": field(nonNull(gql.Float), ""),
		"labsDismantled":    field(nonNull(gql.Int), ""),
		"cost":              field(nonNull(gql.Float), ""),
	}})
	t.scopeChange = gql.NewObject(gql.ObjectConfig{Name: "ScopeChange", Fields: gql.Fields{
		"added": &gql.Field{Type: listOf(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) {
			return nonNilStrings(p.Source.(domain.OperationScopeChanged).Added), nil
		}},
		"removed": &gql.Field{Type: listOf(gql.ID), Resolve: func(p gql.ResolveParams) (any, error) {
			return nonNilStrings(p.Source.(domain.OperationScopeChanged).Removed), nil
		}},
		"effective": field(gql.String, ""), "reason": field(nonNull(gql.String), "")}})
	op := func(f func(*projections.OperationView) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Intervention).Operation), nil }
	}
	opFields := common()
	opOnly := gql.Fields{
		"operationKind":         &gql.Field{Type: nonNull(t.operationKind), Resolve: op(func(o *projections.OperationView) any { return string(o.Kind) })},
		"targetTier":            &gql.Field{Type: nonNull(t.targetTier), Resolve: op(func(o *projections.OperationView) any { return string(o.TargetTier) })},
		"partners":              &gql.Field{Type: listOf(gql.String), Resolve: op(func(o *projections.OperationView) any { return nonNilStrings(o.Partners) })},
		"legalBasis":            &gql.Field{Type: gql.String, Resolve: op(func(o *projections.OperationView) any { return nilIfEmpty(o.LegalBasis) })},
		"judicialAuthorisation": &gql.Field{Type: gql.String, Resolve: op(func(o *projections.OperationView) any { return nilIfEmpty(o.JudicialAuthorisation) })},
		"budget":                &gql.Field{Type: gql.Float, Resolve: op(func(o *projections.OperationView) any { return o.Budget })},
		"classification":        &gql.Field{Type: nonNull(t.classification), Resolve: op(func(o *projections.OperationView) any { return string(o.Classification) })},
		"summary":               &gql.Field{Type: gql.String, Resolve: op(func(o *projections.OperationView) any { return nilIfEmpty(o.Summary) })},
		"outputs":               &gql.Field{Type: listOf(t.outputs), Resolve: op(func(o *projections.OperationView) any { return o.Outputs })},
		"scopeChanges":          &gql.Field{Type: listOf(t.scopeChange), Resolve: op(func(o *projections.OperationView) any { return o.ScopeChanges })},
		"power":                 s.operationPowerField(t),
	}
	for k, v := range opOnly {
		opFields[k] = v
	}
	t.operation = gql.NewObject(gql.ObjectConfig{Name: "Operation", Description: "A law-enforcement operation.",
		Interfaces: []*gql.Interface{t.intervention}, Fields: opFields,
		IsTypeOf: func(p gql.IsTypeOfParams) bool {
			return p.Value.(projections.Intervention).Kind == projections.KindOperation
		}})

	t.effect = gql.NewObject(gql.ObjectConfig{Name: "ExpectedEffect", Fields: gql.Fields{
		"family":    &gql.Field{Type: nonNull(t.family), Resolve: func(p gql.ResolveParams) (any, error) { return string(p.Source.(domain.ExpectedEffect).Family), nil }},
		"direction": &gql.Field{Type: nonNull(t.direction), Resolve: func(p gql.ResolveParams) (any, error) { return string(p.Source.(domain.ExpectedEffect).Direction), nil }},
	}})
	t.amendment = gql.NewObject(gql.ObjectConfig{Name: "Amendment", Fields: gql.Fields{
		"reason": field(nonNull(gql.String), ""), "title": field(gql.String, ""), "description": field(gql.String, ""), "effective": field(gql.String, "")}})
	pol := func(f func(*projections.PolicyView) any) gql.FieldResolveFn {
		return func(p gql.ResolveParams) (any, error) { return f(p.Source.(projections.Intervention).Policy), nil }
	}
	polFields := common()
	polOnly := gql.Fields{
		"policyKind":      &gql.Field{Type: nonNull(t.policyKind), Resolve: pol(func(o *projections.PolicyView) any { return string(o.Kind) })},
		"jurisdictions":   &gql.Field{Type: listOf(gql.ID), Resolve: iv(func(x projections.Intervention) any { return x.Regions })},
		"adopted":         &gql.Field{Type: nonNull(gql.String), Resolve: pol(func(o *projections.PolicyView) any { return o.Adopted })},
		"effective":       &gql.Field{Type: nonNull(gql.String), Resolve: iv(func(x projections.Intervention) any { return x.Start })},
		"description":     &gql.Field{Type: gql.String, Resolve: pol(func(o *projections.PolicyView) any { return nilIfEmpty(o.Description) })},
		"expectedEffects": &gql.Field{Type: listOf(t.effect), Resolve: pol(func(o *projections.PolicyView) any { return o.ExpectedEffects })},
		"amendments":      &gql.Field{Type: listOf(t.amendment), Resolve: pol(func(o *projections.PolicyView) any { return o.Amendments })},
		"repealReason":    &gql.Field{Type: gql.String, Resolve: pol(func(o *projections.PolicyView) any { return nilIfEmpty(o.RepealReason) })},
	}
	for k, v := range polOnly {
		polFields[k] = v
	}
	t.policyChange = gql.NewObject(gql.ObjectConfig{Name: "PolicyChange", Description: "A change of law, sentencing, control, resourcing or strategy.",
		Interfaces: []*gql.Interface{t.intervention}, Fields: polFields,
		IsTypeOf: func(p gql.IsTypeOfParams) bool {
			return p.Value.(projections.Intervention).Kind == projections.KindPolicyChange
		}})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func dimsOut(d []domain.Dimension) []map[string]any {
	out := make([]map[string]any, len(d))
	for i, x := range d {
		out[i] = map[string]any{"key": x.Key, "value": x.Value}
	}
	return out
}

func seizuresOut(s []domain.Seizure) []map[string]any {
	out := make([]map[string]any, len(s))
	for i, x := range s {
		out[i] = map[string]any{"substance": x.Substance, "kg": x.Kg}
	}
	return out
}
