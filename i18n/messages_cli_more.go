package i18n

// The errors of other packages that a user of the command line meets
// as the cause of a refusal: --period-range (domain.ParsePeriodRange),
// the cycle report's arguments (projections/report), the URLs of
// --store, --bus and --follow and the connections they name
// (eventstore/natsbus, eventstore/kurrentdb), a mapping file that is
// not JSON (domain/importer), and the problems `supplyeval check` finds
// in the embedded event store (eventstore/embedded). The English is the
// text these packages have always written.
func init() {
	register(cliMoreEN, cliMoreFR)
}

var cliMoreEN = map[string]string{
	// domain/period.go: PeriodRange.
	"cli2.period-range.form":  "period range %q: expected two years as FROM:TO, for example 1900:2100",
	"cli2.period-range.years": "period range %s: the years must lie between %d and %d",
	"cli2.period-range.order": "period range %s: the first year is after the last",

	// projections/report.
	"cli2.report.format":        "%q is not a report format (json, markdown or html)",
	"cli2.report.lang":          "%q is not a report language (en or fr)",
	"cli2.report.cycle.unknown": "evaluation cycle %q has not been opened",
	"cli2.report.cycle.nopin":   "evaluation cycle %q has no pinned evidence: there is no earlier position to compare with",
	"cli2.report.position":      "no event at position %d",
}

var cliMoreFR = map[string]string{
	"cli2.period-range.form":  "intervalle de périodes %q : deux années sont attendues sous la forme DÉBUT:FIN, par exemple 1900:2100",
	"cli2.period-range.years": "intervalle de périodes %s : les années doivent être comprises entre %d et %d",
	"cli2.period-range.order": "intervalle de périodes %s : la première année est postérieure à la dernière",

	"cli2.report.format":        "%q n'est pas un format de rapport (json, markdown ou html)",
	"cli2.report.lang":          "%q n'est pas une langue de rapport (en ou fr)",
	"cli2.report.cycle.unknown": "le cycle d'évaluation %q n'a pas été ouvert",
	"cli2.report.cycle.nopin":   "le cycle d'évaluation %q n'a pas d'éléments de preuve figés : il n'existe aucune position antérieure à laquelle le comparer",
	"cli2.report.position":      "aucun événement à la position %d",
}
