package i18n

// The evidence rating's reason when a synthetic control's conformal
// interval rests on more periods after the intervention than before.
func init() {
	register(map[string]string{
		"rating.CONFORMAL_SHORT_HISTORY": "Fewer than 20 units for the placebo test, and the conformal interval cannot stand in for it: more periods follow the intervention than precede it, so its test of a constant effect has little power (level 3; narrow the window so that fewer periods follow than precede).",
	}, map[string]string{
		"rating.CONFORMAL_SHORT_HISTORY": "Moins de 20 unités pour le test placebo, et l'intervalle conforme ne peut pas le remplacer : plus de périodes suivent l'intervention qu'elles ne la précèdent, si bien que son test d'un effet constant est peu puissant (niveau 3 ; resserrez la fenêtre pour que moins de périodes suivent l'intervention qu'elles ne la précèdent).",
	})
}
