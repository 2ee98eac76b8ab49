package web

// routes registers the pages other than the overview.
func (h *Handler) routes() {
	h.route("GET /compare", h.compare)
}
