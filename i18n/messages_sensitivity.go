package i18n

// Messages of the sensitivity of difference-in-differences and event-study
// estimates to violations of parallel trends (relative magnitudes,
// Rambachan & Roth 2023).
func init() {
	register(map[string]string{
		"sensitivity.rm.breakdown":     "The conclusion holds unless post-period violations of parallel trends are more than %s times the largest pre-period one (relative magnitudes, Rambachan & Roth 2023).",
		"sensitivity.rm.insignificant": "The effect is not significant even if parallel trends hold exactly, so there is no conclusion for violations of parallel trends to overturn.",
		"sensitivity.rm.robust":        "The conclusion holds however large post-period violations of parallel trends are relative to the pre-period ones (relative magnitudes, Rambachan & Roth 2023).",
		"sensitivity.rm.none":          "No sensitivity to parallel trends: %s.",
		"sensitivity.rm.few":           "it needs at least two periods before the intervention and one after it",
		"sensitivity.rm.label":         "Sensitivity to parallel trends",
		"sensitivity.rm.singular":      "the covariance of the event-study estimates is degenerate",
		"sensitivity.rm.long":          "the event study would have %d periods, too many to fit in reasonable time; shorten the window",
		"sensitivity.rm.unidentified":  "the event study is not identified (some period has no treated or no comparison observation)",
	}, map[string]string{
		"sensitivity.rm.breakdown":     "La conclusion tient tant que les écarts aux tendances parallèles après l'intervention ne dépassent pas %s fois le plus grand écart avant l'intervention (magnitudes relatives, Rambachan & Roth 2023).",
		"sensitivity.rm.insignificant": "L'effet n'est pas significatif même si les tendances parallèles tiennent exactement : il n'y a pas de conclusion que des écarts aux tendances parallèles pourraient renverser.",
		"sensitivity.rm.robust":        "La conclusion tient quelle que soit l'ampleur des écarts aux tendances parallèles après l'intervention par rapport à ceux d'avant (magnitudes relatives, Rambachan & Roth 2023).",
		"sensitivity.rm.none":          "Pas d'analyse de sensibilité aux tendances parallèles : %s.",
		"sensitivity.rm.few":           "il faut au moins deux périodes avant l'intervention et une après",
		"sensitivity.rm.label":         "Sensibilité aux tendances parallèles",
		"sensitivity.rm.singular":      "la covariance des estimations de l'étude d'événement est dégénérée",
		"sensitivity.rm.long":          "l'étude d'événement aurait %d périodes, trop pour un calcul en temps raisonnable ; raccourcissez la fenêtre",
		"sensitivity.rm.unidentified":  "l'étude d'événement n'est pas identifiée (une période n'a aucune observation traitée ou de comparaison)",
	})
}
