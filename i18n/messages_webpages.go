package i18n

// Messages of the web application's pages added after messages.go (one
// file per subject, see register).

func init() { register(webPagesEN, webPagesFR) }

var webPagesEN = map[string]string{
	"web.compare.readat": "Read as known at log position %s.",
}

var webPagesFR = map[string]string{
	"web.compare.readat": "Lecture telle que connue à la position %s du journal.",
}
