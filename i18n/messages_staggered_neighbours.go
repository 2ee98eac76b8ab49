package i18n

// The staggered estimate names the regions its default comparison pool
// leaves out for neighbouring an adopting region.
func init() {
	register(map[string]string{
		"evaluate.staggered.neighbours.out": "Left out of the default comparison pool as neighbours of adopting regions, where activity may move: %s.",
	}, map[string]string{
		"evaluate.staggered.neighbours.out": "Écartées du groupe de comparaison par défaut car voisines de régions ayant adopté la mesure, vers lesquelles l'activité peut se déplacer : %s.",
	})
}
