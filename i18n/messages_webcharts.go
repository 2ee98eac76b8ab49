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
