package i18n

// The explanation of a power analysis (domain/impact/power.go).
func init() {
	register(map[string]string{
		"power.dir.decrease":         "decrease",
		"power.dir.increase":         "increase",
		"power.inject.decrease":      "a decrease",
		"power.inject.increase":      "an increase",
		"power.explain.setup":        "Pretending the intervention had started at %s earlier dates in the recorded history (each time %s periods before and %s after), injecting %s and evaluating it by %s at the %s level",
		"power.explain.detectable":   "%s: the smallest %s detected in %s of them is %s%s. A smaller change would probably go unnoticed: an estimate below it that is not significant cannot tell whether there was no effect.",
		"power.explain.baseline":     " (%s of the recent level, %s)",
		"power.explain.undetectable": "%s: no %s up to %s was detected in %s of them: this evaluation could not show an effect of this operation.",
		"power.explain.size":         "With nothing injected the method found a change in %s of the windows%s.",
		"power.explain.size.over":    ", more than the %s it should: its p-values are too small on this history, and the power is overstated",
		"power.launch.undefined":     "%s was not defined when %s was launched (log position %d)",
		"power.launch.nodata":        "no data for %s in %s had been recorded when %s was launched (log position %d)",
	}, map[string]string{
		"power.dir.decrease":         "baisse",
		"power.dir.increase":         "hausse",
		"power.inject.decrease":      "une baisse",
		"power.inject.increase":      "une hausse",
		"power.explain.setup":        "En faisant comme si l'intervention avait commencé à %s dates antérieures de l'historique enregistré (chaque fois %s périodes avant et %s après), en y injectant %s et en l'évaluant par %s au seuil de %s",
		"power.explain.detectable":   "%s : la plus petite %s détectée dans %s des cas est de %s%s. Un changement plus petit passerait probablement inaperçu : une estimation inférieure qui n'est pas significative ne permet pas de dire s'il n'y a eu aucun effet.",
		"power.explain.baseline":     " (%s du niveau récent, %s)",
		"power.explain.undetectable": "%s : aucune %s jusqu'à %s n'a été détectée dans %s des cas : cette évaluation ne pourrait pas montrer d'effet de cette opération.",
		"power.explain.size":         "Sans rien injecter, la méthode a trouvé un changement dans %s des fenêtres%s.",
		"power.explain.size.over":    ", plus que les %s attendus : ses valeurs p sont trop petites sur cet historique, et la puissance est donc surestimée",
		"power.launch.undefined":     "l'indicateur %s n'était pas défini au lancement de %s (position %d du journal)",
		"power.launch.nodata":        "aucune donnée %s n'était enregistrée pour %s au lancement de %s (position %d du journal)",
	})
}
