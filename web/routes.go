package web

// routes registers the pages other than the overview.
func (h *Handler) routes() {
	h.route("GET /compare", h.compare)
	h.route("GET /interventions/{id}", h.intervention)
	h.route("GET /audit", h.audit)
	h.route("GET /cycles", h.cycles)
	h.route("POST /cycles", h.openCycle)
	h.route("GET /cycles/{id}", h.cycle)
	h.route("POST /cycles/{id}/pin", h.pinCycle)
	h.route("POST /cycles/{id}/findings", h.recordFinding)
	h.route("POST /cycles/{id}/close", h.closeCycle)
	h.route("GET /cycles/{id}/{file}", h.download)
	h.route("GET /import", h.importPage)
	h.route("POST /import", h.previewImport)
	h.route("POST /import/record", h.recordImport)
	h.route("GET /import/jobs/{id}", h.importJob)
	h.route("/", h.notFound)
}
