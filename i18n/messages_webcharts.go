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
