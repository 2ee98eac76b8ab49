package demo

import "github.com/supplyeval/supplyeval/domain"

// country is a COUNTRY region of the demo world.
type country struct {
	code, name string
	pop        float64 // inhabitants on 1 January 2012
	growth     float64 // population growth per year
	costFactor float64 // enforcement spending relative to the average
}

// nuts2 is a NUTS 2 region with the 2012 parameters of its series. Codes
// and names are those of the NUTS 2016 classification; populations are
// rounded Eurostat figures for 1 January 2012. Rates are per 100,000
// inhabitants per month.
type nuts2 struct {
	code, name, country string
	pop                 float64 // inhabitants on 1 January 2012
	growth              float64 // population growth per year
	price               float64 // cocaine retail price, EUR per gram, 2012-01
	purity              float64 // cocaine retail purity, %, 2012-01
	wastewater          float64 // benzoylecgonine, mg per 1,000 inhabitants per day, 2012-01
	violence            float64 // drug-related violent incidents per 100k per month
	groups              float64 // active trafficking groups per 100k
	seizures            float64 // inland cocaine seizure incidents per 100k per month
}

// port is a seaport (UN/LOCODE code) with its 2012 monthly rates.
type port struct {
	code, name, parent string
	incidents          float64 // trafficking incidents detected per month
	seizures           float64 // cocaine seizure incidents per month
	corruption         float64 // corruption cases involving port or customs staff per month
}

// link is a neighbourhood between two regions.
type link struct {
	a, b string
	kind domain.LinkKind
}

var countries = []country{
	{"NL", "Netherlands", 16_730_000, 0.0055, 1.3},
	{"BE", "Belgium", 11_095_000, 0.0060, 1.2},
	{"DE", "Germany", 80_328_000, 0.0040, 1.0},
	{"FR", "France", 65_241_000, 0.0040, 1.1},
	{"ES", "Spain", 46_818_000, 0.0010, 0.9},
}

var nuts2Regions = []nuts2{
	{"NL32", "Noord-Holland", "NL", 2_724_000, 0.008, 53, 71, 640, 0.42, 0.9, 3.2},
	{"NL33", "Zuid-Holland", "NL", 3_563_000, 0.006, 54, 69, 470, 0.48, 1.0, 3.4},
	{"NL34", "Zeeland", "NL", 381_000, 0.000, 51, 66, 260, 0.35, 1.1, 4.0},
	{"NL41", "Noord-Brabant", "NL", 2_470_000, 0.004, 50, 70, 390, 0.40, 1.2, 3.0},
	{"NL42", "Limburg (NL)", "NL", 1_122_000, -0.002, 52, 67, 310, 0.33, 0.9, 3.1},
	{"BE10", "Région de Bruxelles-Capitale/Brussels Hoofdstedelijk Gewest", "BE", 1_138_000, 0.010, 58, 64, 470, 0.50, 0.8, 2.6},
	{"BE21", "Prov. Antwerpen", "BE", 1_798_000, 0.007, 55, 68, 780, 0.80, 1.3, 3.8},
	{"BE23", "Prov. Oost-Vlaanderen", "BE", 1_454_000, 0.006, 56, 65, 410, 0.30, 0.8, 2.2},
	{"BE24", "Prov. Vlaams-Brabant", "BE", 1_094_000, 0.007, 57, 63, 300, 0.24, 0.6, 1.8},
	{"BE25", "Prov. West-Vlaanderen", "BE", 1_173_000, 0.003, 56, 64, 350, 0.26, 0.7, 2.0},
	{"DE50", "Bremen", "DE", 654_000, 0.004, 70, 63, 260, 0.30, 0.8, 2.4},
	{"DE60", "Hamburg", "DE", 1_734_000, 0.007, 71, 65, 410, 0.34, 0.9, 2.8},
	{"DE93", "Lüneburg", "DE", 1_681_000, 0.003, 73, 60, 160, 0.12, 0.4, 1.2},
	{"DEA1", "Düsseldorf", "DE", 5_102_000, 0.002, 69, 62, 300, 0.20, 0.6, 1.9},
	{"DEA2", "Köln", "DE", 4_371_000, 0.004, 70, 63, 330, 0.21, 0.6, 2.0},
	{"FR10", "Ile-de-France", "FR", 11_898_000, 0.004, 68, 62, 350, 0.26, 0.7, 1.6},
	{"FRD2", "Haute-Normandie", "FR", 1_840_000, 0.001, 66, 58, 190, 0.18, 0.5, 1.3},
	{"FRE1", "Nord-Pas de Calais", "FR", 4_050_000, 0.001, 64, 59, 250, 0.24, 0.6, 1.7},
	{"FRL0", "Provence-Alpes-Côte d'Azur", "FR", 4_916_000, 0.004, 67, 60, 310, 0.42, 0.8, 1.8},
	{"ES30", "Comunidad de Madrid", "ES", 6_498_000, 0.008, 61, 57, 350, 0.15, 0.5, 1.5},
	{"ES42", "Castilla-La Mancha", "ES", 2_100_000, -0.002, 58, 54, 180, 0.12, 0.4, 1.1},
	{"ES51", "Cataluña", "ES", 7_571_000, 0.004, 60, 58, 550, 0.20, 0.6, 1.7},
	{"ES52", "Comunitat Valenciana", "ES", 5_130_000, 0.002, 59, 56, 400, 0.16, 0.5, 1.5},
	{"ES61", "Andalucía", "ES", 8_449_000, 0.002, 60, 55, 380, 0.26, 0.8, 2.2},
}

var ports = []port{
	{"NLRTM", "Port of Rotterdam", "NL33", 30, 22, 0.8},
	{"BEANR", "Port of Antwerp", "BE21", 34, 30, 1.0},
	{"BEZEE", "Port of Zeebrugge", "BE25", 7, 5, 0.3},
	{"DEHAM", "Port of Hamburg", "DE60", 14, 10, 0.5},
	{"FRLEH", "Port of Le Havre", "FRD2", 11, 8, 0.4},
	{"FRDKK", "Port of Dunkerque", "FRE1", 5, 4, 0.2},
	{"FRMRS", "Port of Marseille-Fos", "FRL0", 8, 6, 0.3},
	{"ESALG", "Port of Algeciras", "ES61", 18, 14, 0.6},
	{"ESVLC", "Port of Valencia", "ES52", 12, 9, 0.4},
	{"ESBCN", "Port of Barcelona", "ES51", 9, 7, 0.3},
}

// links: land borders between NUTS 2 regions (within and across
// countries), short-sea routes between ports, and the rail and road
// corridors from ports to their hinterland. Links between NUTS 2 regions
// are land borders only, so a region's NUTS 2 neighbours are the regions
// it touches; ports are neighbours of the ports one feeder hop away.
var links = []link{
	{"NL32", "NL33", domain.LinkKindLandBorder},
	{"NL33", "NL34", domain.LinkKindLandBorder},
	{"NL33", "NL41", domain.LinkKindLandBorder},
	{"NL34", "NL41", domain.LinkKindLandBorder},
	{"NL41", "NL42", domain.LinkKindLandBorder},
	{"BE21", "NL34", domain.LinkKindLandBorder},
	{"BE23", "NL34", domain.LinkKindLandBorder},
	{"BE25", "NL34", domain.LinkKindLandBorder},
	{"BE21", "NL41", domain.LinkKindLandBorder},
	{"DEA1", "NL42", domain.LinkKindLandBorder},
	{"DEA2", "NL42", domain.LinkKindLandBorder},
	{"BE10", "BE24", domain.LinkKindLandBorder},
	{"BE21", "BE23", domain.LinkKindLandBorder},
	{"BE21", "BE24", domain.LinkKindLandBorder},
	{"BE23", "BE24", domain.LinkKindLandBorder},
	{"BE23", "BE25", domain.LinkKindLandBorder},
	{"BE25", "FRE1", domain.LinkKindLandBorder},
	{"DE50", "DE93", domain.LinkKindLandBorder},
	{"DE60", "DE93", domain.LinkKindLandBorder},
	{"DEA1", "DEA2", domain.LinkKindLandBorder},
	{"FR10", "FRD2", domain.LinkKindLandBorder},
	{"ES30", "ES42", domain.LinkKindLandBorder},
	{"ES42", "ES52", domain.LinkKindLandBorder},
	{"ES42", "ES61", domain.LinkKindLandBorder},
	{"ES51", "ES52", domain.LinkKindLandBorder},

	{"BEANR", "NLRTM", domain.LinkKindSeaRoute},
	{"DEHAM", "NLRTM", domain.LinkKindSeaRoute},
	{"BEANR", "BEZEE", domain.LinkKindSeaRoute},
	{"BEZEE", "FRDKK", domain.LinkKindSeaRoute},
	{"FRDKK", "FRLEH", domain.LinkKindSeaRoute},
	{"ESALG", "ESVLC", domain.LinkKindSeaRoute},
	{"ESBCN", "ESVLC", domain.LinkKindSeaRoute},
	{"ESBCN", "FRMRS", domain.LinkKindSeaRoute},

	{"DEA1", "NLRTM", domain.LinkKindRailRoad}, // Betuweroute freight line to the Ruhr
	{"BEANR", "DEA2", domain.LinkKindRailRoad}, // Montzen route to Aachen and Cologne
	{"FR10", "FRLEH", domain.LinkKindRailRoad}, // Seine axis
	{"ES30", "ESALG", domain.LinkKindRailRoad}, // Algeciras-Madrid corridor
	{"ES30", "ESVLC", domain.LinkKindRailRoad}, // Valencia-Madrid corridor
	{"BE10", "FR10", domain.LinkKindRailRoad},  // Brussels-Paris high-speed line
}
