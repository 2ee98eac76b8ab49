package web

// routes registers the pages other than the overview.
func (h *Handler) routes() {
}
