package demo

import "github.com/supplyeval/supplyeval/domain"

// Intervention IDs of the demo world.
const (
	RotterdamPortControl = "op-2018-rtm-container-control"
	AntwerpHighValue     = "op-2021-antwerp-hvt"
	BrabantLabs          = "op-2015-brabant-labs"
	CostaProceeds        = "op-2019-costa-proceeds"
	ChannelJIT           = "op-2017-jit-channel"
	HamburgDelivery      = "op-2022-hamburg-cd"
	ValenciaScanners     = "op-2024-valencia-scanners"
	GermanPrecursors     = "pol-2020-de-precursors"
	DutchResourcing      = "pol-2019-nl-resourcing"
	FrenchFixedFine      = "pol-2020-fr-fixed-fine"
)

// resourcingCostPercent is the share of a Dutch region's expected
// enforcement spending in the policy's first month by which
// DutchResourcing raises it.
const resourcingCostPercent = 15

// operationSpec is an operation of the demo world: its launch, how it ends
// (End "" while it is still running at the end of the data) and what it
// produces each month.
type operationSpec struct {
	launch  domain.LaunchOperation
	end     string
	summary string
	outputs outputModel
}

// outputModel gives the monthly outputs of an operation: Poisson arrests
// and dismantled labs, log-normal seizures in months that have one,
// exponential asset amounts, and the budget spread evenly with 10% noise.
type outputModel struct {
	arrests      float64 // mean arrests per month
	cocaineKg    float64 // median kg of cocaine in a month with a seizure
	cocaineProb  float64 // share of months with a cocaine seizure
	other        string  // another substance seized
	otherKg      float64 // its median kg
	otherProb    float64
	frozen       float64 // mean EUR of assets frozen per month
	confiscated  float64 // mean EUR of assets confiscated per month
	labsPerMonth float64
}

func operationSpecs() []operationSpec {
	pub, res, conf := domain.ClassificationPublic, domain.ClassificationRestricted, domain.ClassificationConfidential
	return []operationSpec{
		{
			launch: domain.LaunchOperation{
				ID: BrabantLabs, Title: "Brabant clandestine laboratory clearance", Kind: domain.OperationKindLabDismantling,
				Regions: []string{"NL41"}, Start: "2015-09-07", TargetTier: domain.TargetTierMid,
				Partners:              []string{"Politie Eenheid Oost-Brabant", "Landelijke Faciliteit Ondersteuning Ontmantelen (LFO)", "Openbaar Ministerie Oost-Brabant", "Gemeenten in Noord-Brabant"},
				LegalBasis:            "Opiumwet (Opium Act) art. 10a (preparatory acts) and art. 13b (closure of premises by the mayor)",
				JudicialAuthorisation: "Search warrants of the examining magistrate (rechter-commissaris), Oost-Brabant district court",
				Budget:                2_800_000, Classification: pub,
			},
			end:     "2016-08-31",
			summary: "Production and cocaine-washing sites dismantled; chemical waste dumping sites cleared with the municipalities.",
			outputs: outputModel{arrests: 6, cocaineKg: 20, cocaineProb: 0.3, other: "synthetic drug precursors", otherKg: 300, otherProb: 0.7, labsPerMonth: 2.5},
		},
		{
			launch: domain.LaunchOperation{
				ID: ChannelJIT, Title: "Joint investigation team on cross-border cocaine distribution (France-Belgium)", Kind: domain.OperationKindJointInvestigation,
				Regions: []string{"FRE1", "BE25", "FRDKK", "BEZEE"}, Start: "2017-04-03", TargetTier: domain.TargetTierMid,
				Partners:              []string{"OCRTIS (Office central pour la répression du trafic illicite des stupéfiants)", "Federale Gerechtelijke Politie West-Vlaanderen", "JIRS de Lille", "Federaal Parket", "Eurojust", "Europol"},
				LegalBasis:            "Council Framework Decision 2002/465/JHA on joint investigation teams; Article 13 of the 2000 EU Convention on Mutual Assistance in Criminal Matters",
				JudicialAuthorisation: "JIT agreement signed by the JIRS of Lille and the Belgian Federal Prosecutor's Office with Eurojust; investigating judges in Lille and Bruges",
				Budget:                1_600_000, Classification: res,
			},
			end:     "2019-03-29",
			summary: "Distribution network supplying northern France from Belgian ports prosecuted in both countries.",
			outputs: outputModel{arrests: 4, cocaineKg: 60, cocaineProb: 0.5, other: "cannabis resin", otherKg: 300, otherProb: 0.5, frozen: 40_000},
		},
		{
			launch: domain.LaunchOperation{
				ID: RotterdamPortControl, Title: "Rotterdam container terminal control programme", Kind: domain.OperationKindPortControl,
				Regions: []string{"NLRTM"}, Start: "2018-01-01", TargetTier: domain.TargetTierMixed,
				Partners:              []string{"Douane Nederland", "Nationale Politie (Zeehavenpolitie)", "Openbaar Ministerie (Landelijk Parket)", "Havenbedrijf Rotterdam"},
				LegalBasis:            "Algemene douanewet (General Customs Act), controls of goods and means of transport; Opiumwet (Opium Act) art. 2 and 10",
				JudicialAuthorisation: "Not required for administrative customs controls; searches of premises authorised by the public prosecutor and the examining magistrate where needed",
				Budget:                24_000_000, Classification: pub,
			},
			end:     "2022-12-30",
			summary: "Scanning capacity, terminal access control and joint customs-police inspection teams made permanent from 2023.",
			outputs: outputModel{arrests: 9, cocaineKg: 900, cocaineProb: 0.95},
		},
		{
			launch: domain.LaunchOperation{
				ID: CostaProceeds, Title: "Costa del Sol cocaine-proceeds laundering investigation", Kind: domain.OperationKindFinancialInvestigation,
				Regions: []string{"ES61", "ES30"}, Start: "2019-02-11", TargetTier: domain.TargetTierHighValue,
				Partners:              []string{"Guardia Civil (UCO)", "Policía Nacional (UDEF)", "SEPBLAC", "Fiscalía Especial Antidroga"},
				LegalBasis:            "Código Penal art. 301-304 (money laundering) and art. 127 (confiscation); Directive 2014/42/EU on freezing and confiscation",
				JudicialAuthorisation: "Juzgado Central de Instrucción, Audiencia Nacional: freezing orders and financial disclosure orders",
				Budget:                4_200_000, Classification: pub,
			},
			end:     "2021-02-26",
			summary: "Real estate, vehicles and company holdings frozen; proceeds traced to cocaine imports through Algeciras.",
			outputs: outputModel{arrests: 3, frozen: 2_500_000, confiscated: 400_000},
		},
		{
			launch: domain.LaunchOperation{
				ID: AntwerpHighValue, Title: "Harbour Crown: dismantling of top-tier cocaine import networks (Antwerp)", Kind: domain.OperationKindHighValueTargeting,
				Regions: []string{"BE21"}, Start: "2021-03-09", TargetTier: domain.TargetTierHighValue,
				Partners:              []string{"Federale Gerechtelijke Politie Antwerpen", "Federaal Parket", "Europol", "Nationale Politie (NL)"},
				LegalBasis:            "Code of Criminal Procedure art. 47ter-47octies (special investigative techniques) and art. 90ter (interception); Drugs Act of 24 February 1921",
				JudicialAuthorisation: "Investigating judge of the Antwerp court of first instance: interception and observation warrants (art. 90ter and 56bis CCP), reviewed monthly",
				Budget:                9_500_000, Classification: pub,
			},
			end:     "2022-06-30",
			summary: "Leaders of three import networks arrested; succession disputes among mid-level groups followed.",
			outputs: outputModel{arrests: 14, cocaineKg: 400, cocaineProb: 0.6, frozen: 600_000, confiscated: 150_000},
		},
		{
			launch: domain.LaunchOperation{
				ID: HamburgDelivery, Title: "Controlled delivery of a cocaine consignment from Hamburg to Cologne", Kind: domain.OperationKindControlledDelivery,
				Regions: []string{"DEHAM", "DEA2"}, Start: "2022-09-05", TargetTier: domain.TargetTierHighValue,
				Partners:              []string{"Zollfahndungsamt Hamburg", "Landeskriminalamt Nordrhein-Westfalen", "Bundeskriminalamt", "Staatsanwaltschaft Hamburg"},
				LegalBasis:            "§ 163f StPO (long-term observation) and § 110a StPO (undercover investigators); Article 12 of the 2000 EU Convention on Mutual Assistance in Criminal Matters (controlled deliveries)",
				JudicialAuthorisation: "Orders of the investigating judge at the Amtsgericht Hamburg; delivery authorised by the public prosecutors of Hamburg and Cologne",
				Budget:                350_000, Classification: conf,
			},
			end:     "2022-11-18",
			summary: "Consignment followed to its recipients; organisers identified for a follow-up investigation.",
			outputs: outputModel{arrests: 2, cocaineKg: 1200, cocaineProb: 0.5},
		},
		{
			launch: domain.LaunchOperation{
				ID: ValenciaScanners, Title: "Valencia container scanner deployment", Kind: domain.OperationKindPortControl,
				Regions: []string{"ESVLC"}, Start: "2024-06-03", TargetTier: domain.TargetTierMixed,
				Partners:              []string{"Agencia Tributaria (Vigilancia Aduanera)", "Guardia Civil", "Autoridad Portuaria de Valencia"},
				LegalBasis:            "Ley Orgánica 12/1995 de represión del contrabando; Union Customs Code (Regulation (EU) No 952/2013) art. 46 (risk management and customs controls)",
				JudicialAuthorisation: "Not required for customs risk-based controls",
				Budget:                6_000_000, Classification: pub,
			},
			outputs: outputModel{arrests: 3, cocaineKg: 250, cocaineProb: 0.8},
		},
	}
}

func policySpecs() []domain.AdoptPolicyChange {
	return []domain.AdoptPolicyChange{
		{
			ID: DutchResourcing, Title: "Additional resourcing against drug-related subversive crime", Kind: domain.PolicyKindResourcing,
			Jurisdictions: []string{"NL"}, Adopted: "2018-09-18", Effective: "2019-01-01",
			Description: "Multi-year budget for police, customs, prosecution and municipalities against drug-related organised crime (ondermijning).",
			ExpectedEffects: []domain.ExpectedEffect{
				{Family: domain.FamilyCost, Direction: domain.DirectionUp},
				{Family: domain.FamilyAvailability, Direction: domain.DirectionDown},
				{Family: domain.FamilyViolence, Direction: domain.DirectionDown},
			},
		},
		{
			ID: GermanPrecursors, Title: "Tightened monitoring of cocaine-processing precursors", Kind: domain.PolicyKindPrecursorControl,
			Jurisdictions: []string{"DE"}, Adopted: "2020-03-12", Effective: "2020-07-01",
			Description: "Extends the precursor monitoring regime (Grundstoffüberwachungsgesetz) to solvents and reagents used in secondary extraction and cutting of cocaine: licences, end-user declarations and suspicious-order reporting for chemical traders.",
			ExpectedEffects: []domain.ExpectedEffect{
				{Family: domain.FamilyAvailability, Direction: domain.DirectionDown},
			},
		},
		{
			ID: FrenchFixedFine, Title: "Fixed criminal fine for drug use (amende forfaitaire délictuelle)", Kind: domain.PolicyKindLegislation,
			Jurisdictions: []string{"FR"}, Adopted: "2019-03-23", Effective: "2020-09-01",
			Description: "Law 2019-222 of 23 March 2019 allows a fixed fine of EUR 200 for drug use, applied nationwide from 1 September 2020, aimed at street-level markets.",
			ExpectedEffects: []domain.ExpectedEffect{
				{Family: domain.FamilyAvailability, Direction: domain.DirectionDown},
				{Family: domain.FamilyViolence, Direction: domain.DirectionDown},
			},
		},
	}
}

// effectSpec is an effect injected into the series (or, with a null value,
// the statement that an intervention has none). months is how many periods
// it lasts from the first period under the intervention; 0 means to the
// end of the data.
type effectSpec struct {
	intervention string
	indicator    string
	role         Role
	regions      []string
	scale        Scale
	value, slope float64
	months       int
	note         string
}

var (
	germanNUTS2 = []string{"DE50", "DE60", "DE93", "DEA1", "DEA2"}
	dutchNUTS2  = []string{"NL32", "NL33", "NL34", "NL41", "NL42"}
	frenchNUTS2 = []string{"FR10", "FRD2", "FRE1", "FRL0"}
	// antwerpBuffer is the NUTS 2 neighbourhood of BE21 in links.
	antwerpBuffer = []string{"BE23", "BE24", "NL34", "NL41"}
)

// effectSpecs lists the injected effects and the null statements, except
// the per-region enforcement cost steps of DutchResourcing, which depend
// on each region's level (see Generate).
func effectSpecs() []effectSpec {
	const ratio, add = RateRatio, Additive
	return []effectSpec{
		{RotterdamPortControl, PortIncidents, RoleTarget, []string{"NLRTM"}, ratio, 0.65, 0, 0,
			"Controls deter traffickers from Rotterdam: 35% fewer trafficking incidents, sustained after the programme became permanent."},
		{RotterdamPortControl, PortIncidents, RoleBuffer, []string{"BEANR"}, ratio, 1.20, 0, 0,
			"Displacement across the border: 20% more incidents at Antwerp. Hamburg, also a sea-route neighbour of Rotterdam, is not affected."},
		{RotterdamPortControl, PortCorruption, RoleTarget, []string{"NLRTM"}, ratio, 1, 0, 0,
			"No effect on corruption cases at Rotterdam."},

		{AntwerpHighValue, DrugViolence, RoleTarget, []string{"BE21"}, ratio, 1.30, 0, 12,
			"Fragmentation: succession violence, 30% more incidents for 12 months, then back to the trend."},
		{AntwerpHighValue, DrugViolence, RoleBuffer, antwerpBuffer, ratio, 1.15, 0, 12,
			"Spill-over of the succession violence into every NUTS 2 neighbour of Antwerp for the same 12 months."},
		{AntwerpHighValue, ActiveGroups, RoleTarget, []string{"BE21"}, ratio, 1.40, 0, 12,
			"Fragmentation: 40% more active groups for 12 months as networks split."},

		{GermanPrecursors, CocainePrice, RoleTarget, germanNUTS2, add, 5.0, 0.05, 0,
			"Price up by EUR 5.00/g at once and by a further EUR 0.05/g each month (level and slope change)."},
		{GermanPrecursors, CocainePurity, RoleTarget, germanNUTS2, add, -4.0, 0, 0,
			"Purity down by 4 percentage points (level change, no slope change)."},

		{DutchResourcing, CocainePrice, RoleTarget, dutchNUTS2, add, 0, 0, 0,
			"No effect on retail prices despite the expected reduction in availability."},

		{BrabantLabs, CocainePrice, RoleTarget, []string{"NL41"}, add, 0, 0, 0, "Null case: no effect."},
		{BrabantLabs, CocainePurity, RoleTarget, []string{"NL41"}, add, 0, 0, 0, "Null case: no effect."},
		{BrabantLabs, DrugViolence, RoleTarget, []string{"NL41"}, ratio, 1, 0, 0, "Null case: no effect, no displacement."},
		{BrabantLabs, ActiveGroups, RoleTarget, []string{"NL41"}, ratio, 1, 0, 0, "Null case: no effect."},

		{CostaProceeds, DrugViolence, RoleTarget, []string{"ES30", "ES61"}, ratio, 1, 0, 0, "No effect."},
		{CostaProceeds, CocainePrice, RoleTarget, []string{"ES30", "ES61"}, add, 0, 0, 0, "No effect."},

		{ChannelJIT, DrugViolence, RoleTarget, []string{"BE25", "FRE1"}, ratio, 1, 0, 0, "No effect."},
		{ChannelJIT, PortIncidents, RoleTarget, []string{"BEZEE", "FRDKK"}, ratio, 1, 0, 0, "No effect."},

		{HamburgDelivery, PortIncidents, RoleTarget, []string{"DEHAM"}, ratio, 1, 0, 0, "No effect."},
		{HamburgDelivery, DrugViolence, RoleTarget, []string{"DEA2"}, ratio, 1, 0, 0, "No effect."},

		{ValenciaScanners, PortIncidents, RoleTarget, []string{"ESVLC"}, ratio, 1, 0, 0, "No effect (six months of data after the start)."},

		{FrenchFixedFine, DrugViolence, RoleTarget, frenchNUTS2, ratio, 1, 0, 0, "No effect."},
		{FrenchFixedFine, CocainePrice, RoleTarget, frenchNUTS2, add, 0, 0, 0, "No effect."},
	}
}

// displacementSpec asks for the displacement truth of an intervention on
// an indicator: the target regions and, among their neighbours, those that
// truly received displaced activity.
type displacementSpec struct {
	intervention, indicator string
	target, displaced       []string
}

func displacementSpecs() []displacementSpec {
	return []displacementSpec{
		{RotterdamPortControl, PortIncidents, []string{"NLRTM"}, []string{"BEANR"}},
		{AntwerpHighValue, DrugViolence, []string{"BE21"}, antwerpBuffer},
		{BrabantLabs, DrugViolence, []string{"NL41"}, nil},
	}
}
