package i18n

// Axis titles of the compare page's charts (the section's heading says
// what the index is; the axis has the room of the plot's height only).
func init() {
	register(map[string]string{
		"web.compare.axis.INDEX": "Index, base 100",
	}, map[string]string{
		"web.compare.axis.INDEX": "Indice, base 100",
	})
}

// The intervention page's indicators with no data where the intervention
// acts (a port has no retail price), named once instead of a card each.
func init() {
	register(map[string]string{
		"web.iv.nodata": "Not estimated, for want of data in %s or the regions below it: %s.",
	}, map[string]string{
		"web.iv.nodata": "Non estimés, faute de données pour %s ou les régions qui en relèvent : %s.",
	})
}

// A finding drafted from an estimate: the evidence rating its design
// supports, which prefills the evidence quality.
func init() {
	register(map[string]string{
		"web.finding.rating.note":    "The design supports Maryland level %d, evidence quality %d: %s A different quality is recorded with your reason.",
		"web.finding.quality.reason": "Reason for another evidence quality (only if you change it)",
	}, map[string]string{
		"web.finding.rating.note":    "Le dispositif atteint le niveau %d de l'échelle de Maryland, soit une qualité de la preuve de %d : %s Une autre qualité est enregistrée avec votre justification.",
		"web.finding.quality.reason": "Justification d'une autre qualité de la preuve (seulement si vous la modifiez)",
	})
}
