package i18n

// Power of DID and SYNTHETIC_CONTROL evaluations (issue 15), the power
// note's method in the cycle report, and the evidence rating's reasons
// added with the sources of its level 4 (domain/evidence_rating.go).
func init() {
	register(map[string]string{
		"power.pool.exposed":      "Left out of the default comparison pool as exposed between %s and %s to other interventions expected to affect %s: %s.",
		"power.pool.exposed.warn": "Warning: comparison regions exposed between %s and %s to other interventions expected to affect %s, which may bias the comparison: %s.",
		"power.pool.nodata":       "Left out of the default comparison pool for having no %s data in %s to %s: %s.",
		"power.pool.incomplete":   "Left out of the default comparison pool for missing %s data in %s to %s (a synthetic control needs every period): %s.",
		"power.auto":              "Method chosen automatically, as the impact query would: %s",

		"power.method.BEFORE_AFTER":                "a before/after comparison",
		"power.method.ITS":                         "an interrupted time series",
		"power.method.ITS.QUASI_POISSON":           "an interrupted time series (quasi-Poisson)",
		"power.method.DID":                         "a difference-in-differences with %d comparison unit(s) (clustered t test)",
		"power.method.SYNTHETIC_CONTROL.conformal": "a synthetic control from %d comparison units (conformal interval)",
		"power.method.SYNTHETIC_CONTROL.placebo":   "a synthetic control from %d comparison units (interval by inversion of the placebo test)",

		"report.power.by.ITS":               "simulated for an interrupted time series",
		"report.power.by.BEFORE_AFTER":      "simulated for a before/after comparison",
		"report.power.by.DID":               "simulated for a difference-in-differences with %d comparison regions",
		"report.power.by.SYNTHETIC_CONTROL": "simulated for a synthetic control from %d comparison regions",

		"rating.DID_FEW_TREATED":  "Fewer than two treated regions: Maryland level 4 compares multiple treated and comparison units (Farrington et al. 2002), and standard errors clustered by region rest on the number of treated regions (Conley & Taber 2011): level 3 only.",
		"rating.CONFORMAL_PASSED": "Fewer than 20 units for the placebo test, but the conformal interval (Chernozhukov, Wüthrich & Zhu 2021) gives valid inference, and the treated region's pre-period fit is not among the worst fifth of the placebo fits (level 4).",
	}, map[string]string{
		"power.pool.exposed":      "Écartées du groupe de comparaison par défaut car exposées entre %s et %s à d'autres interventions censées agir sur %s : %s.",
		"power.pool.exposed.warn": "Attention : régions de comparaison exposées entre %s et %s à d'autres interventions censées agir sur %s, ce qui peut fausser la comparaison : %s.",
		"power.pool.nodata":       "Écartées du groupe de comparaison par défaut faute de données %s de %s à %s : %s.",
		"power.pool.incomplete":   "Écartées du groupe de comparaison par défaut pour des données %s manquantes de %s à %s (un contrôle synthétique exige chaque période) : %s.",
		"power.auto":              "Méthode choisie automatiquement, comme le ferait la requête impact : %s",

		"power.method.BEFORE_AFTER":                "une comparaison avant/après",
		"power.method.ITS":                         "une série temporelle interrompue",
		"power.method.ITS.QUASI_POISSON":           "une série temporelle interrompue (quasi-Poisson)",
		"power.method.DID":                         "une double différence avec %d unité(s) de comparaison (test t groupé)",
		"power.method.SYNTHETIC_CONTROL.conformal": "un contrôle synthétique à partir de %d unités de comparaison (intervalle conforme)",
		"power.method.SYNTHETIC_CONTROL.placebo":   "un contrôle synthétique à partir de %d unités de comparaison (intervalle par inversion du test placebo)",

		"report.power.by.ITS":               "simulé pour une série temporelle interrompue",
		"report.power.by.BEFORE_AFTER":      "simulé pour une comparaison avant/après",
		"report.power.by.DID":               "simulé pour une double différence avec %d régions de comparaison",
		"report.power.by.SYNTHETIC_CONTROL": "simulé pour un contrôle synthétique à partir de %d régions de comparaison",

		"rating.DID_FEW_TREATED":  "Moins de deux régions traitées : le niveau 4 de l'échelle de Maryland compare plusieurs unités traitées et de comparaison (Farrington et al. 2002), et les erreurs types groupées par région reposent sur le nombre de régions traitées (Conley et Taber 2011) : niveau 3 seulement.",
		"rating.CONFORMAL_PASSED": "Moins de 20 unités pour le test placebo, mais l'intervalle conforme (Chernozhukov, Wüthrich et Zhu 2021) donne une inférence valide, et l'ajustement de la région traitée avant l'intervention n'est pas parmi le pire cinquième des ajustements placebo (niveau 4).",
	})
}
