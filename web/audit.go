package web

import "net/http"

type auditData struct {
	Filter struct {
		Principal, Type, Stream, From, To string
	}
	Entries []struct {
		Action, Position, Principal, RecordedAt, Stream, Type string
		Command, CommandID                                    *string
	}
	Next    *string
	Scanned int
}

// audit lists who recorded what (the API's audit query, ADMIN only: for
// anyone else the API refuses and the page says so).
func (h *Handler) audit(r *request) {
	var d auditData
	q := r.URL.Query()
	d.Filter.Principal, d.Filter.Type, d.Filter.Stream, d.Filter.From, d.Filter.To = q.Get("principal"), q.Get("type"), q.Get("stream"), q.Get("from"), q.Get("to")
	vars := map[string]any{"limit": 100}
	for k, v := range map[string]string{"principal": d.Filter.Principal, "type": d.Filter.Type, "stream": d.Filter.Stream,
		"from": d.Filter.From, "to": d.Filter.To, "after": q.Get("after")} {
		if v != "" {
			vars[k] = v
		}
	}
	var out struct {
		Audit *struct {
			Entries []struct {
				Action, Position, Principal, RecordedAt, Stream, Type string
				Command, CommandID                                    *string
			}
			Next    *string
			Scanned int
		}
	}
	errs := r.query(`query Audit($principal: String, $type: String, $stream: String, $from: String, $to: String, $after: String, $limit: Int) {
  audit(principal: $principal, type: $type, stream: $stream, from: $from, to: $to, after: $after, limit: $limit) {
    entries { action command commandId position principal recordedAt stream type } next scanned } }`, vars, &out)
	p := page{Title: r.lang.T("web.audit.title"), Data: &d}
	status := http.StatusOK
	if len(errs) > 0 {
		p.Error = errs.In(r.lang)
		if errs.code() == "FORBIDDEN" {
			status = http.StatusForbidden
			p.Error = r.lang.T("web.error.forbidden", errs.In(r.lang))
		}
	}
	if out.Audit != nil {
		d.Entries, d.Next, d.Scanned = out.Audit.Entries, out.Audit.Next, out.Audit.Scanned
	}
	r.renderStatus(status, "audit", p)
}

// notFound answers any other address.
func (h *Handler) notFound(r *request) {
	r.renderStatus(http.StatusNotFound, "error", page{Title: r.lang.T("web.error.title"), Error: r.lang.T("web.error.notfound", r.URL.Path)})
}
