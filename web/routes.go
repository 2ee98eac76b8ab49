package web

// routes registers the pages other than the overview.
func (h *Handler) routes() {
	h.route("GET /compare", h.compare)
	h.route("GET /interventions/{id}", h.intervention)
	h.route("GET /audit", h.audit)
	h.route("/", h.notFound)
}
