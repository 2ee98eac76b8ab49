package i18n

// Why the revision sensitivity of the cycle report re-runs no estimate
// for a finding.
func init() {
	register(map[string]string{
		"report.sensitivity.skipped.scope":       "The finding is about the scope as a whole, not one intervention's estimate.",
		"report.sensitivity.skipped.noindicator": "The finding's evidence names no indicator to re-estimate.",
	}, map[string]string{
		"report.sensitivity.skipped.scope":       "Le constat porte sur l'ensemble du périmètre, et non sur l'estimation d'une intervention.",
		"report.sensitivity.skipped.noindicator": "Les éléments de preuve du constat ne désignent aucun indicateur à réestimer.",
	})
}
