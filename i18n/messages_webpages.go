package i18n

// Messages of the web application's pages added after messages.go (one
// file per subject, see register).

func init() { register(webPagesEN, webPagesFR) }

var webPagesEN = map[string]string{
	"web.compare.readat": "Read as known at log position %s.",
	"web.iv.otherfamilies": "No indicator of the five families (availability, violence, corruption, cost, displacement) is recorded: " +
		"the estimates below are of the other indicators recorded.",
	"web.iv.noindicators":      "No indicator is recorded yet: import data to estimate the impact.",
	"web.compare.per100k.none": "Not shown: no region of the analysis has the population this needs (%s).",
	"web.compare.per100k.some": "Left out, for lack of a recorded population: %s.",
}

var webPagesFR = map[string]string{
	"web.compare.readat": "Lecture telle que connue à la position %s du journal.",
	"web.iv.otherfamilies": "Aucun indicateur des cinq familles (disponibilité, violence, corruption, coût, déplacement) n'est enregistré : " +
		"les estimations ci-dessous portent sur les autres indicateurs enregistrés.",
	"web.iv.noindicators":      "Aucun indicateur n'est encore enregistré : importez des données pour estimer l'impact.",
	"web.compare.per100k.none": "Non représenté : aucune région de l'analyse n'a la population nécessaire (%s).",
	"web.compare.per100k.some": "Non représentées, faute de population enregistrée : %s.",
}
