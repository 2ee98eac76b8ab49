package i18n

// Messages of the staggered-adoption estimate's inference (issue 14:
// analytic or multiplier-bootstrap standard errors).
func init() {
	register(map[string]string{
		"impact.err.stag.inference":              "%q is not ANALYTIC or BOOTSTRAP",
		"impact.err.stag.draws":                  "%d bootstrap draws; ask for %d to %d",
		"evaluate.staggered.inference.analytic":  "Standard errors and 95%% intervals are analytic, from each estimate's influence function, clustered by region; the event study's band comes from a multiplier bootstrap of %s draws.",
		"evaluate.staggered.inference.bootstrap": "Standard errors, 95%% intervals and the event study's band come from one multiplier bootstrap of %s draws, as R's did package computes them: each region's influence on the estimates is multiplied by +1 or -1 at random, the same weights for every estimate, and each standard error is the spread between the quartiles of its draws scaled to a normal distribution's; the same question gives the same draws.",
		"evaluate.staggered.inference.fallback":  "%d of the estimates rest on too few regions for their draws to spread between the quartiles; their standard errors are analytic.",
	}, map[string]string{
		"impact.err.stag.inference":              "%q n'est ni ANALYTIC ni BOOTSTRAP",
		"impact.err.stag.draws":                  "%d tirages bootstrap ; demandez-en de %d à %d",
		"evaluate.staggered.inference.analytic":  "Les écarts-types et les intervalles de confiance à 95 %% sont analytiques, calculés à partir de la fonction d'influence de chaque estimation, par grappes de régions ; la bande de l'étude d'événement provient d'un bootstrap multiplicateur de %s tirages.",
		"evaluate.staggered.inference.bootstrap": "Les écarts-types, les intervalles de confiance à 95 %% et la bande de l'étude d'événement proviennent d'un même bootstrap multiplicateur de %s tirages, calculés comme le fait le paquet R did : l'influence de chaque région sur les estimations est multipliée au hasard par +1 ou -1, avec les mêmes poids pour toutes les estimations, et chaque écart-type est l'écart entre les quartiles de ses tirages ramené à celui d'une loi normale ; la même question donne les mêmes tirages.",
		"evaluate.staggered.inference.fallback":  "%d des estimations reposent sur trop peu de régions pour que leurs tirages s'écartent entre les quartiles ; leurs écarts-types sont analytiques.",
	})
}
