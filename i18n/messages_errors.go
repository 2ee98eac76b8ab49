package i18n

// The reasons the importer (package domain/importer) gives for a record or
// a cell it cannot import, shown with file:line on the import page. The
// English is the text the command line and the API have always printed.

func init() {
	register(importerEN, importerFR)
	register(validationEN, validationFR)
}

var importerEN = map[string]string{
	"importer.at":                  "%s: %s",
	"importer.at.column":           "%s: column %s: %s",
	"importer.indicator.unmapped":  "indicator %s is not in the mapping's indicatorMap",
	"importer.indicator.none":      "no indicator",
	"importer.region.unmapped":     "region %s is not in the mapping's regionMap; add it there",
	"importer.region.none":         "no region",
	"importer.region.undefined":    "region %s is not defined: define it first (defineRegion) or in the mapping's defineRegions",
	"importer.dimension.empty":     "dimension %s is empty",
	"importer.error":               "%s",
	"importer.indicator.undefined": "indicator %s is not defined: define it first (defineIndicator) or in the mapping's defineIndicators",
	"importer.freq":                "the record's freq is %s but indicator %s is %s",
	"importer.granularity.YEAR":    "year",
	"importer.granularity.QUARTER": "quarter",
	"importer.granularity.MONTH":   "month",
	"importer.granularity.WEEK":    "week",
	"importer.granularity.DAY":     "day",
	"importer.period.form.YEAR":    "expected e.g. 2024 or 2024.0",
	"importer.period.form.QUARTER": "expected e.g. 2024-Q2 or 2024Q2",
	"importer.period.form.MONTH":   "expected e.g. 2024-05, 2024M05 or 202405",
	"importer.period.form.WEEK":    "expected e.g. 2024-W21",
	"importer.period.form.DAY":     "expected YYYY-MM-DD",
	"importer.period.bad":          "period %s is not a %s period (%s)",
	"importer.month.bad":           "year %s and month %s do not make a month (expected a four-digit year and a month 1-12)",
	"importer.value.nan":           "%s is not a number",
	"importer.value.infinite":      "%s is not a finite number",
	"importer.period.range":        "period %s is outside the years %d to %d that are recorded (--period-range)",
	"importer.value":               "value %s",
	"importer.duplicate":           "%s for region %s, period %s%s is already on line %d",
	"importer.conflict":            "%s for region %s, period %s%s is already recorded as %s; the file says %s: use reviseObservation to change it",
	"importer.csv.bad":             "not valid CSV: %s",
	"importer.csv.fields":          "has %d fields; the header has %d",
	"importer.json.bad":            "not a JSON object: %s",
}

var importerFR = map[string]string{
	"importer.at":                  "%s : %s",
	"importer.at.column":           "%s : colonne %s : %s",
	"importer.indicator.unmapped":  "l'indicateur %s ne figure pas dans la table indicatorMap de la correspondance",
	"importer.indicator.none":      "aucun indicateur",
	"importer.region.unmapped":     "la région %s ne figure pas dans la table regionMap de la correspondance ; ajoutez-la",
	"importer.region.none":         "aucune région",
	"importer.region.undefined":    "la région %s n'est pas définie : définissez-la d'abord (defineRegion) ou dans la rubrique defineRegions de la correspondance",
	"importer.dimension.empty":     "la dimension %s est vide",
	"importer.error":               "%s",
	"importer.indicator.undefined": "l'indicateur %s n'est pas défini : définissez-le d'abord (defineIndicator) ou dans la rubrique defineIndicators de la correspondance",
	"importer.freq":                "l'enregistrement a une fréquence %s, mais l'indicateur %s une fréquence %s",
	"importer.granularity.YEAR":    "annuelle",
	"importer.granularity.QUARTER": "trimestrielle",
	"importer.granularity.MONTH":   "mensuelle",
	"importer.granularity.WEEK":    "hebdomadaire",
	"importer.granularity.DAY":     "quotidienne",
	"importer.period.form.YEAR":    "attendu par exemple : 2024 ou 2024.0",
	"importer.period.form.QUARTER": "attendu par exemple : 2024-Q2 ou 2024Q2",
	"importer.period.form.MONTH":   "attendu par exemple : 2024-05, 2024M05 ou 202405",
	"importer.period.form.WEEK":    "attendu par exemple : 2024-W21",
	"importer.period.form.DAY":     "attendu : AAAA-MM-JJ",
	"importer.period.bad":          "la période %s n'est pas une période %s (%s)",
	"importer.month.bad":           "l'année %s et le mois %s ne forment pas un mois (attendu : une année à quatre chiffres et un mois de 1 à 12)",
	"importer.value.nan":           "%s n'est pas un nombre",
	"importer.value.infinite":      "%s n'est pas un nombre fini",
	"importer.period.range":        "la période %s est hors des années %d à %d enregistrées (--period-range)",
	"importer.value":               "valeur : %s",
	"importer.duplicate":           "%s pour la région %s, période %s%s, figure déjà à la ligne %d",
	"importer.conflict":            "%s pour la région %s, période %s%s, est déjà enregistré avec la valeur %s ; le fichier indique %s : utilisez reviseObservation pour la modifier",
	"importer.csv.bad":             "CSV non valide : %s",
	"importer.csv.fields":          "la ligne a %d champs ; l'en-tête en a %d",
	"importer.json.bad":            "ce n'est pas un objet JSON : %s",
}

// The validation errors of commands (domain/validate.go): what is wrong
// with an input field, after its name ("code: is required").
var validationEN = map[string]string{
	"error.field":            "%s: %s",
	"error.required":         "is required",
	"error.ident.long":       "%s is longer than %d characters",
	"error.ident.chars":      "%s may hold only letters, digits, '_', '-' and '.', and must start with a letter or digit",
	"error.text.long":        "is longer than %d bytes",
	"error.text.utf8":        "is not valid UTF-8",
	"error.text.control":     "contains the control character %s",
	"error.date.required":    "is required (YYYY-MM-DD)",
	"error.number.finite":    "must be a finite number",
	"error.number.negative":  "must not be negative (got %s)",
	"error.list.oneregion":   "needs at least one region",
	"error.list.min":         "needs at least %d entries",
	"error.list.max":         "has more than %d entries",
	"error.list.twice":       "%s is listed twice (also at %s[%d])",
	"error.dimensions.max":   "has %d entries; at most %d are allowed",
	"error.dimensions.twice": "key %s appears twice",
	"error.country.required": "is required (ISO 3166-1 alpha-2, e.g. NL)",
	"error.country.bad":      "%s is not an ISO 3166-1 alpha-2 country code",
}

var validationFR = map[string]string{
	"error.field":            "%s : %s",
	"error.required":         "est obligatoire",
	"error.ident.long":       "%s dépasse %d caractères",
	"error.ident.chars":      "%s ne peut contenir que des lettres, des chiffres, « _ », « - » et « . », et doit commencer par une lettre ou un chiffre",
	"error.text.long":        "dépasse %d octets",
	"error.text.utf8":        "n'est pas un texte UTF-8 valide",
	"error.text.control":     "contient le caractère de contrôle %s",
	"error.date.required":    "est obligatoire (AAAA-MM-JJ)",
	"error.number.finite":    "doit être un nombre fini",
	"error.number.negative":  "ne doit pas être négatif (valeur reçue : %s)",
	"error.list.oneregion":   "doit contenir au moins une région",
	"error.list.min":         "doit contenir au moins %d éléments",
	"error.list.max":         "contient plus de %d éléments",
	"error.list.twice":       "%s figure deux fois (aussi en %s[%d])",
	"error.dimensions.max":   "contient %d éléments ; %d au plus sont admis",
	"error.dimensions.twice": "la clé %s figure deux fois",
	"error.country.required": "est obligatoire (code de pays ISO 3166-1 alpha-2, par exemple NL)",
	"error.country.bad":      "%s n'est pas un code de pays ISO 3166-1 alpha-2",
}
