package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
	"github.com/supplyeval/supplyeval/projections/report"
)

const cycleFields = `id title status from to pinned previousCycle regions interventions questions recommendations summary
  findings { findingId family statement effectRating evidenceQuality intervention recommendation }`

type cyclesData struct {
	Cycles        []cycleOut
	Regions       []option
	Interventions []option
	Closed        []option
	Form          struct {
		ID, Title, From, To, Questions, Previous string
		Regions, Interventions                   []string
	}
}

// The outcomes a form leads to, shown once on the page it redirects to.
var notices = map[string]string{"opened": "web.cycle.opened", "pinned": "web.cycle.pinned", "finding": "web.finding.recorded", "closed": "web.cycle.closed"}

func notice(r *request) string {
	key, ok := notices[r.URL.Query().Get("done")]
	if !ok {
		return ""
	}
	return r.lang.T(key, r.URL.Query().Get("what"), r.URL.Query().Get("at"))
}

// cycles lists the evaluation cycles and offers to open one (scope chosen
// from the regions and interventions the principal may see), or the
// follow-up of a closed one (?follow=ID).
func (h *Handler) cycles(r *request) {
	var d cyclesData
	p := page{Title: r.lang.T("web.cycles.title"), Data: &d, Notice: notice(r)}
	h.cyclesForm(r, &d, &p)
	if f := r.URL.Query().Get("follow"); f != "" {
		for _, c := range d.Cycles {
			if c.ID == f {
				d.Form.Previous, d.Form.Regions, d.Form.Interventions = c.ID, c.Regions, c.Interventions
				d.Form.Questions = strings.Join(c.Recommendations, "\n")
				d.Form.Title = c.Title
				d.Form.ID = c.ID + "-follow-up"
			}
		}
	}
	r.render("cycles", p)
}

func (h *Handler) cyclesForm(r *request, d *cyclesData, p *page) {
	var out struct {
		Cycles        []cycleOut
		Regions       []regionOut
		Interventions []interventionOut
	}
	if errs := r.query(`{ cycles { `+cycleFields+` } regions { code name level } interventions { id title start } }`, nil, &out); len(errs) > 0 {
		p.Error = errs.In(r.lang)
	}
	d.Cycles = out.Cycles
	n := regionNames(out.Regions)
	for _, rg := range out.Regions {
		d.Regions = append(d.Regions, option{rg.Code, n.of(rg.Code)})
	}
	for _, iv := range out.Interventions {
		d.Interventions = append(d.Interventions, option{iv.ID, iv.Title + " (" + r.lang.DateString(iv.Start) + ")"})
	}
	for _, c := range out.Cycles {
		if c.Status == "CLOSED" {
			d.Closed = append(d.Closed, option{c.ID, c.Title})
		}
	}
}

// openCycle records openCycle from the form.
func (h *Handler) openCycle(r *request) {
	f := r.PostForm
	input := map[string]any{"id": strings.TrimSpace(f.Get("id")), "title": strings.TrimSpace(f.Get("title")), "from": f.Get("from"), "to": f.Get("to"),
		"regions": nonNil(f["regions"]), "interventions": nonNil(f["interventions"]), "questions": lines(f.Get("questions"))}
	if prev := f.Get("previousCycle"); prev != "" {
		input["previousCycle"] = prev
	}
	var out struct{ OpenCycle struct{ Position string } }
	errs := r.mutate(`mutation Open($input: OpenCycleInput!) { openCycle(input: $input) { position } }`, map[string]any{"input": input}, &out)
	if len(errs) > 0 {
		var d cyclesData
		p := page{Title: r.lang.T("web.cycles.title"), Data: &d}
		h.cyclesForm(r, &d, &p)
		p.Error = errs.In(r.lang)
		d.Form.ID, d.Form.Title, d.Form.From, d.Form.To = f.Get("id"), f.Get("title"), f.Get("from"), f.Get("to")
		d.Form.Regions, d.Form.Interventions, d.Form.Questions, d.Form.Previous = f["regions"], f["interventions"], f.Get("questions"), f.Get("previousCycle")
		r.renderStatus(http.StatusBadRequest, "cycles", p)
		return
	}
	id := input["id"].(string)
	http.Redirect(r.w, r.Request, "/cycles/"+url.PathEscape(id)+"?done=opened&what="+url.QueryEscape(id)+"&at="+out.OpenCycle.Position, http.StatusSeeOther)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// draft is a finding prefilled from an estimate of the report.
type draft struct {
	FindingID, Intervention, Family, Statement, Rating string
	Quality                                            int
	Indicator, Method                                  string
	Estimate, Low, High                                string
	Label                                              string
	// Design is the estimate's design facts as JSON, sent back with the
	// finding so that the API derives its evidence quality; RatingNote
	// says, in the page's language, the rating they support (the quality
	// is prefilled with it; another needs a reason).
	Design, RatingNote string
}

type cycleData struct {
	Cycle     cycleOut
	Position  string
	Drafts    []draft
	Ratings   []option
	Families  []string
	Regions   []string
	Titles    map[string]string
	PrevTitle string
}

// The effect ratings of a finding.
var ratings = []string{"DESIRED", "UNDESIRED", "MIXED", "NO_EFFECT", "UNCLEAR"}

// cycle is the workspace of one cycle: scope, report preview, pin,
// findings drafted from the estimates, close; downloads.
func (h *Handler) cycle(r *request) {
	id := r.PathValue("id")
	var out struct {
		Position      string
		Cycle         *cycleOut
		Regions       []regionOut
		Interventions []interventionOut
	}
	errs := r.query(`query Cycle($id: ID!) { position cycle(id: $id) { `+cycleFields+` } regions { code name } interventions { id title } }`,
		map[string]any{"id": id}, &out)
	if out.Cycle == nil {
		msg := r.lang.T("web.cycle.notfound", id)
		if len(errs) > 0 {
			msg += " " + errs.In(r.lang)
		}
		r.renderStatus(http.StatusNotFound, "error", page{Title: r.lang.T("web.error.title"), Error: msg})
		return
	}
	d := cycleData{Cycle: *out.Cycle, Position: out.Position, Families: outcomeFamilies, Titles: map[string]string{}}
	p := page{Title: out.Cycle.Title, Data: &d, Notice: notice(r)}
	if len(errs) > 0 {
		p.Error = errs.In(r.lang)
	}
	n := regionNames(out.Regions)
	for _, rg := range out.Cycle.Regions {
		d.Regions = append(d.Regions, n.of(rg))
	}
	for _, iv := range out.Interventions {
		d.Titles[iv.ID] = iv.Title
	}
	for _, rt := range ratings {
		d.Ratings = append(d.Ratings, option{rt, r.lang.T("web.rating." + rt)})
	}
	if out.Cycle.Status == "OPEN" {
		rep, err := h.reportJSON(r, id)
		if err != nil {
			p.Error = err.Error()
		} else {
			d.Drafts = drafts(r.lang, rep, out.Cycle.Findings)
		}
	}
	r.render("cycle", p)
}

// reportJSON reads the cycle's report (JSON) through the API.
func (h *Handler) reportJSON(r *request, id string) (*report.Report, error) {
	raw, errs := h.reportText(r, id, "JSON")
	if len(errs) > 0 {
		return nil, errs
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return &rep, nil
}

func (h *Handler) reportText(r *request, id, format string) (string, apiErrors) {
	var out struct{ Cycle *struct{ Report string } }
	errs := r.query(`query Report($id: ID!, $format: ReportFormat, $lang: Lang) { cycle(id: $id) { report(format: $format, lang: $lang) } }`,
		map[string]any{"id": id, "format": format, "lang": string(r.lang)}, &out)
	if out.Cycle == nil && len(errs) == 0 {
		errs = apiErrors{{Message: r.lang.T("web.cycle.notfound", id), Code: "NOT_FOUND"}}
	}
	if len(errs) > 0 {
		return "", errs
	}
	return out.Cycle.Report, nil
}

// drafts prefills a finding for every estimate of the report not yet the
// subject of one: family, statement, effect rating from the verdict,
// evidence quality from the method (EMMIE-style: synthetic control and
// difference in differences 3, interrupted time series 2, before/after 1).
func drafts(l i18n.Lang, rep *report.Report, have []findingOut) []draft {
	recorded := map[string]bool{}
	for _, f := range have {
		recorded[f.FindingID] = true
	}
	var out []draft
	for _, iv := range rep.Interventions {
		for _, im := range iv.Impacts {
			if im.Effect == nil || !containsString(outcomeFamilies, im.Family) {
				continue
			}
			d := draft{FindingID: "f-" + iv.ID + "-" + im.Indicator, Intervention: iv.ID, Family: im.Family, Indicator: im.Indicator, Method: im.Method,
				Estimate: i18n.Plain(float64(*im.Effect)), Label: l.T("web.finding.for", iv.Title, im.Name)}
			if recorded[d.FindingID] {
				continue
			}
			if im.Low != nil && im.High != nil {
				d.Low, d.High = i18n.Plain(float64(*im.Low)), i18n.Plain(float64(*im.High))
			}
			d.Statement = l.T("web.finding.draft", im.Name, iv.Title, l.Code("verdict", im.Verdict), l.Code("method", im.Method), report.EffectIn(im, l))
			switch im.Verdict {
			case "DESIRED", "UNDESIRED":
				d.Rating = im.Verdict
			case "NO_CLEAR_EFFECT":
				d.Rating = "UNCLEAR"
			default:
				d.Rating = "UNCLEAR"
			}
			if im.Design != nil {
				// The quality the design supports (domain.RateDesign), as
				// recordFinding derives it from the design sent back.
				rt := domain.RateDesign(*im.Design)
				js, _ := json.Marshal(im.Design)
				d.Design, d.Quality = string(js), rt.Quality
				reasons := make([]string, len(rt.Reasons))
				for i, c := range rt.Reasons {
					reasons[i] = l.T("rating." + c)
				}
				d.RatingNote = l.T("web.finding.rating.note", rt.SMS, rt.Quality, strings.Join(reasons, " "))
			} else {
				d.Quality = 1
			}
			out = append(out, d)
		}
	}
	return out
}

func (h *Handler) pinCycle(r *request) {
	id := r.PathValue("id")
	pos := strings.TrimSpace(r.PostFormValue("position"))
	var out struct{ PinCycleEvidence struct{ Position string } }
	errs := r.mutate(`mutation Pin($input: PinCycleEvidenceInput!) { pinCycleEvidence(input: $input) { position } }`,
		map[string]any{"input": map[string]any{"id": id, "position": pos}}, &out)
	h.afterCycleForm(r, id, errs, "pinned", pos)
}

func (h *Handler) recordFinding(r *request) {
	id := r.PathValue("id")
	f := r.PostForm
	q, err := strconv.Atoi(f.Get("evidenceQuality"))
	if err != nil {
		q = -1 // the API names the field
	}
	input := map[string]any{"id": id, "findingId": f.Get("findingId"), "family": f.Get("family"), "statement": strings.TrimSpace(f.Get("statement")),
		"effectRating": f.Get("effectRating"), "evidenceQuality": q}
	if v := f.Get("intervention"); v != "" {
		input["intervention"] = v
	}
	if v := strings.TrimSpace(f.Get("recommendation")); v != "" {
		input["recommendation"] = v
	}
	if v := strings.TrimSpace(f.Get("evidenceQualityReason")); v != "" {
		input["evidenceQualityReason"] = v
	}
	if m := f.Get("method"); m != "" {
		ev := map[string]any{"method": m, "parameters": []any{}}
		if v := f.Get("indicator"); v != "" {
			ev["indicator"] = v
		}
		for _, k := range []string{"estimate", "low", "high"} {
			if v, err := strconv.ParseFloat(f.Get(k), 64); err == nil {
				ev[k] = v
			}
		}
		if js := f.Get("design"); js != "" {
			// The design facts the draft carried: the API derives the
			// evidence quality from them (and asks for a reason when the
			// quality given differs).
			var df domain.DesignFacts
			if json.Unmarshal([]byte(js), &df) == nil {
				d := map[string]any{"method": string(df.Method), "comparisonUnits": df.ComparisonUnits, "placeboUnits": df.PlaceboUnits,
					"preFitRank": df.PreFitRank, "treatedUnits": df.TreatedUnits, "conformal": df.Conformal,
					"prePeriods": df.PrePeriods, "postPeriods": df.PostPeriods}
				if df.PreTrendP != nil {
					d["preTrendP"] = *df.PreTrendP
				}
				ev["design"] = d
			}
		}
		input["evidence"] = ev
	}
	errs := r.mutate(`mutation Finding($input: RecordFindingInput!) { recordFinding(input: $input) { position } }`, map[string]any{"input": input}, nil)
	h.afterCycleForm(r, id, errs, "finding", f.Get("findingId"))
}

func (h *Handler) closeCycle(r *request) {
	id := r.PathValue("id")
	input := map[string]any{"id": id, "summary": strings.TrimSpace(r.PostFormValue("summary")), "recommendations": lines(r.PostFormValue("recommendations"))}
	errs := r.mutate(`mutation Close($input: CloseCycleInput!) { closeCycle(input: $input) { position } }`, map[string]any{"input": input}, nil)
	h.afterCycleForm(r, id, errs, "closed", "")
}

// afterCycleForm redirects to the workspace with the outcome, or shows
// the API's error there.
func (h *Handler) afterCycleForm(r *request, id string, errs apiErrors, done, what string) {
	if len(errs) > 0 {
		r.renderStatus(http.StatusBadRequest, "error", page{Title: r.lang.T("web.error.title"), Error: errs.In(r.lang),
			Data: nil})
		return
	}
	http.Redirect(r.w, r.Request, "/cycles/"+url.PathEscape(id)+"?done="+done+"&what="+url.QueryEscape(what)+"&at="+url.QueryEscape(what), http.StatusSeeOther)
}

// download sends the report as HTML, Markdown, JSON, or CSV of every
// estimate; preview sends the HTML to show in the workspace.
func (h *Handler) download(r *request) {
	id, ext := r.PathValue("id"), ""
	if f, ok := strings.CutPrefix(r.PathValue("file"), "report."); ok {
		ext = f
	}
	format, ctype := map[string][2]string{
		"html": {"HTML", "text/html; charset=utf-8"}, "md": {"MARKDOWN", "text/markdown; charset=utf-8"},
		"json": {"JSON", "application/json"}, "csv": {"JSON", "text/csv; charset=utf-8"},
	}[ext][0], map[string]string{"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "json": "application/json", "csv": "text/csv; charset=utf-8"}[ext]
	if format == "" {
		h.notFound(r)
		return
	}
	text, errs := h.reportText(r, id, format)
	if len(errs) > 0 {
		r.fail(http.StatusNotFound, errs.In(r.lang))
		return
	}
	body := []byte(text)
	if ext == "csv" {
		var rep report.Report
		if err := json.Unmarshal(body, &rep); err != nil {
			r.fail(http.StatusInternalServerError, err.Error())
			return
		}
		body = estimatesCSV(&rep)
	}
	r.w.Header().Set("Content-Type", ctype)
	if r.URL.Query().Get("inline") == "" {
		r.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "cycle-"+safeName(id)+"."+ext))
	} else {
		// The report's own stylesheet is inline.
		r.w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
	}
	writeCompressed(r.w, r.Request, http.StatusOK, body)
}

func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '_'
	}, s)
}

// estimatesCSV writes one row per estimate of the report (machine-
// readable: plain numbers, codes).
func estimatesCSV(rep *report.Report) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"cycle", "position", "intervention", "intervention_title", "family", "indicator", "indicator_name", "unit", "method", "model",
		"effect", "low", "high", "p_value", "ratio", "relative_effect", "verdict", "first_period", "regions", "comparison", "error"})
	num := func(n *report.Num) string {
		if n == nil {
			return ""
		}
		return i18n.Plain(float64(*n))
	}
	for _, iv := range rep.Interventions {
		for _, im := range iv.Impacts {
			_ = w.Write([]string{rep.Cycle.ID, rep.Position, iv.ID, iv.Title, im.Family, im.Indicator, im.Name, im.Unit, im.Method, im.Model,
				num(im.Effect), num(im.Low), num(im.High), num(im.PValue), strconv.FormatBool(im.Ratio), num(im.RelativeEffect), im.Verdict,
				im.FirstPeriod, strings.Join(im.Regions, " "), strings.Join(im.Comparison, " "), im.Error})
		}
	}
	w.Flush()
	return buf.Bytes()
}
