package i18n

// Texts of the GraphQL answers that were still English only: the
// displacement analysis's diagnostics (domain/displacement/analyse.go,
// keys dispdiag.*), compareRegions' notes and the synthetic control's
// parameters (projections/evaluate, keys evalnote.*), and the prefixes
// of wrapped estimation errors (domain/impact, keys wrapm.*).
func init() {
	register(map[string]string{
		"dispdiag.dropped":      "%d derived region(s) left out for want of data: %s",
		"dispdiag.dropped.one":  "%s (%s: no value for %s)",
		"dispdiag.wdq":          "WDQ not interpretable: %s",
		"dispdiag.wdd":          "WDD %s",
		"dispdiag.windows":      "the before window has %d periods and the after window %d; region totals are over each window, the WDD is on the after window's scale and the WDQ and total net effect are ratios unaffected by the lengths",
		"dispdiag.small":        "small counts (%s before/after): the WDD's normal approximation to the Poisson is rough below about 10; treat its p-value and interval as indicative",
		"dispdiag.small.one":    "%s %s/%s",
		"dispdiag.small.sep":    ", ",
		"dispdiag.scale.TARGET": "after size weighting the control's before count is %s times the target's: Wheeler & Ratcliffe (2018) advise controls with counts like the treated area's, since the WDD assumes the same additive trend; the WDQ and total net effect, which assume a proportional trend, may be the better reading",
		"dispdiag.scale.BUFFER": "after size weighting the buffer's control's before count is %s times the buffer's: Wheeler & Ratcliffe (2018) advise controls with counts like the treated area's, since the WDD assumes the same additive trend; the WDQ and total net effect, which assume a proportional trend, may be the better reading",

		"wrapm.placebo.window":         "placebo window from %s: %s",
		"wrapm.placebo":                "placebo: %s",
		"evalnote.unit.index":          "index (%s = 100)",
		"evalnote.unit.per100k":        "per 100,000 inhabitants",
		"evalnote.unit.per100k.of":     "%s per 100,000 inhabitants",
		"evalnote.norm.index":          "INDEX: each region's values divided by its value at %s, the first period at which every region has a value, times 100",
		"evalnote.norm.per100k":        "PER_100K: each value divided by the region's %s for the same period, times 100,000",
		"evalnote.norm.withpop":        "%s. %s",
		"evalnote.population.inferred": "%s's definition names no population indicator, so %s (the CONTEXT indicator whose code or name mentions population) is taken as its population.",
	}, map[string]string{
		"dispdiag.dropped":      "%d région(s) déterminée(s) automatiquement écartée(s) faute de données : %s",
		"dispdiag.dropped.one":  "%s (%s : aucune valeur pour %s)",
		"dispdiag.wdq":          "WDQ non interprétable : %s",
		"dispdiag.wdd":          "WDD %s",
		"dispdiag.windows":      "la fenêtre d'avant compte %d périodes et celle d'après %d ; les totaux par région portent sur chaque fenêtre, la WDD est exprimée à l'échelle de la fenêtre d'après, et le WDQ comme l'effet net total sont des rapports que la longueur des fenêtres n'affecte pas",
		"dispdiag.small":        "faibles effectifs (%s avant/après) : l'approximation normale de la loi de Poisson sur laquelle repose la WDD est grossière en deçà d'une dizaine d'événements ; sa valeur p et son intervalle n'ont qu'une valeur indicative",
		"dispdiag.small.one":    "%s %s/%s",
		"dispdiag.small.sep":    ", ",
		"dispdiag.scale.TARGET": "après pondération par la taille, l'effectif d'avant du témoin vaut %s fois celui de la cible : Wheeler et Ratcliffe (2018) recommandent des témoins aux effectifs comparables à ceux de la zone traitée, la WDD supposant une même tendance additive ; le WDQ et l'effet net total, qui supposent une tendance proportionnelle, peuvent alors offrir une meilleure lecture",
		"dispdiag.scale.BUFFER": "après pondération par la taille, l'effectif d'avant du témoin de la zone tampon vaut %s fois celui de la zone tampon : Wheeler et Ratcliffe (2018) recommandent des témoins aux effectifs comparables à ceux de la zone traitée, la WDD supposant une même tendance additive ; le WDQ et l'effet net total, qui supposent une tendance proportionnelle, peuvent alors offrir une meilleure lecture",

		"wrapm.placebo.window":         "fenêtre placebo commençant en %s : %s",
		"wrapm.placebo":                "test placebo : %s",
		"evalnote.unit.index":          "indice (%s = 100)",
		"evalnote.unit.per100k":        "pour 100 000 habitants",
		"evalnote.unit.per100k.of":     "%s pour 100 000 habitants",
		"evalnote.norm.index":          "INDEX : les valeurs de chaque région sont divisées par sa valeur en %s, première période pour laquelle toutes les régions ont une valeur, puis multipliées par 100",
		"evalnote.norm.per100k":        "PER_100K : chaque valeur est divisée par la valeur de %s de la région pour la même période, puis multipliée par 100 000",
		"evalnote.norm.withpop":        "%s. %s",
		"evalnote.population.inferred": "La définition de %s ne désigne aucun indicateur de population ; %s (l'indicateur CONTEXT dont le code ou le nom mentionne la population) est donc retenu comme population.",
	})
}
