package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/supplyeval/supplyeval/chart"
	"github.com/supplyeval/supplyeval/chart/mapsvg"
)

// The compare and displacement page (issue 16, page 3): where did
// activity move after an intervention? A map of the target, buffer and
// control regions coloured by their change, the displacement measures
// (WDQ, TNE, WDD with its interval) in words, and the indicator in each
// region over time (compareRegions, INDEX and PER_100K). Everything is
// read through the API as the signed-in principal: an intervention the
// principal may not see is answered as an unknown one.

const compareChoicesQuery = `query CompareChoices {
  position
  interventions { id title start }
  indicators { code name unit desiredDirection }
  cycles { id title pinned }
}`

const compareQuery = `query Compare($iv: ID!, $ind: ID!, $asOf: String, $lang: Lang) {
  displacement(intervention: $iv, indicator: $ind, asOf: $asOf) {
    wdq successMeasure bufferMeasure totalNetEffect category reason(lang: $lang) finding findingNote(lang: $lang)
    wdd { estimate se low high z pValue } wddNote(lang: $lang)
    regions { region name country role before after change }
    inputs { before { from } after { to } asOf }
    explanation(lang: $lang)
  }
}`

// analysisRegions asks for the outlines and links of the analysis's
// regions only (one aliased region field each, codes in variables), as
// known at the position the analysis was read at: a country's thousands
// of NUTS 3 outlines are not sent for a map of twenty. It also asks for
// the outlines of their countries (the regions coded as the country, as
// NUTS level 0 is), which the map draws in grey behind them; ctx holds
// those that have one.
func analysisRegions(r *request, d *displacementOut) (regs, ctx []mapRegionOut) {
	var q strings.Builder
	vars := map[string]any{"asOf": d.Inputs.AsOf}
	in := map[string]bool{}
	for _, rg := range d.Regions {
		in[rg.Region] = true
	}
	var countries []string
	for _, rg := range d.Regions {
		if c := rg.Country; c != "" && !in[c] && !slices.Contains(countries, c) {
			countries = append(countries, c)
		}
	}
	q.WriteString("query MapRegions($asOf: String")
	for i := range d.Regions {
		fmt.Fprintf(&q, ", $c%d: ID!", i)
	}
	for i := range countries {
		fmt.Fprintf(&q, ", $k%d: ID!", i)
	}
	q.WriteString(") {")
	for i, rg := range d.Regions {
		vars[fmt.Sprintf("c%d", i)] = rg.Region
		fmt.Fprintf(&q, " r%d: region(code: $c%d, asOf: $asOf) { code name boundary { geojson } neighbours { region { code } } }", i, i)
	}
	for i, c := range countries {
		vars[fmt.Sprintf("k%d", i)] = c
		fmt.Fprintf(&q, " k%d: region(code: $k%d, asOf: $asOf) { code name boundary { geojson } }", i, i)
	}
	q.WriteString(" }")
	var out map[string]*mapRegionOut
	r.query(q.String(), vars, &out) // a region without an outline is drawn as a graph; a country without one is not drawn
	for key, rg := range out {
		switch {
		case rg == nil:
		case strings.HasPrefix(key, "k"):
			if rg.Boundary != nil {
				ctx = append(ctx, *rg)
			}
		default:
			regs = append(regs, *rg)
		}
	}
	slices.SortFunc(ctx, func(a, b mapRegionOut) int { return strings.Compare(a.Code, b.Code) })
	return regs, ctx
}

// compareSeriesQuery reads regions' series over the analysis's windows,
// at the position the analysis was read at. INDEX is asked region by
// region: a region whose base value is zero cannot be indexed, and only
// its own chart is then left out.
const compareSeriesQuery = `query CompareSeries($ind: ID!, $regs: [ID!]!, $norm: Normalisation, $from: String, $to: String, $asOf: String) {
  compareRegions(indicator: $ind, regions: $regs, normalise: $norm, from: $from, to: $to, asOf: $asOf) { region points { period value } }
}`

type displacementOut struct {
	WDQ, SuccessMeasure, BufferMeasure, TotalNetEffect *float64
	Category, Finding, FindingNote                     string
	Reason, WDDNote                                    *string
	WDD                                                *struct{ Estimate, SE, Low, High, Z, PValue float64 }
	Regions                                            []struct {
		Region, Name, Role    string
		Country               string
		Before, After, Change float64
	}
	Inputs struct {
		Before struct{ From string }
		After  struct{ To string }
		AsOf   string
	}
	Explanation string
}

type mapRegionOut struct {
	Code, Name string
	Boundary   *struct{ GeoJSON string }
	Neighbours []struct{ Region struct{ Code string } }
}

// polygons are the region's MultiPolygon coordinates; nil without a
// boundary.
func (m mapRegionOut) polygons() [][][][]float64 {
	if m.Boundary == nil {
		return nil
	}
	var g struct{ Coordinates [][][][]float64 }
	if json.Unmarshal([]byte(m.Boundary.GeoJSON), &g) != nil {
		return nil
	}
	return g.Coordinates
}

type seriesOut struct {
	Region string
	Points []struct {
		Period string
		Value  float64
	}
}

// compareRow is one region of the analysis, in words.
type compareRow struct {
	Code, Name, Role           string
	Before, After, Change, Pct string
}

// compareChart is one small chart of a region's series.
type compareChart struct {
	Caption string
	SVG     template.HTML
}

type compareSection struct {
	Title  string
	Error  string
	Note   string
	Charts []compareChart
}

type compareData struct {
	Intervention, Indicator string
	// AsOf is the log position asked for ("" for the latest), from the
	// position field or a cycle's pin; Position is the latest; Pins the
	// cycles' pinned positions; ReadAt the position the analysis was read at.
	AsOf, Typed, Position, ReadAt string
	Pins                          []option
	Interventions                 []option
	Indicators                    []option
	Chosen                        bool
	IndicatorName                 string
	Map                           template.HTML
	MapRows                       []mapsvg.Row
	Words                         []string
	Explanation                   string
	Rows                          []compareRow
	Sections                      []compareSection
}

func (h *Handler) compare(r *request) {
	q := r.URL.Query()
	d := compareData{Intervention: q.Get("intervention"), Indicator: q.Get("indicator"), AsOf: strings.TrimSpace(q.Get("asOf"))}
	d.Typed = d.AsOf
	if d.AsOf == "" {
		d.AsOf = q.Get("pin")
	}
	p := page{Title: r.lang.T("web.compare.title"), Data: &d}
	var choices struct {
		Position      string
		Interventions []struct{ ID, Title, Start string }
		Indicators    []indicatorOut
		Cycles        []cycleOut
	}
	if errs := r.query(compareChoicesQuery, nil, &choices); len(errs) > 0 {
		p.Error = errs.In(r.lang)
	}
	d.Position = choices.Position
	for _, c := range choices.Cycles {
		if c.Pinned != nil {
			d.Pins = append(d.Pins, option{*c.Pinned, r.lang.T("web.iv.asof.cycle", c.Title, *c.Pinned)})
		}
	}
	start := ""
	for _, iv := range choices.Interventions {
		d.Interventions = append(d.Interventions, option{iv.ID, iv.Title})
		if iv.ID == d.Intervention {
			start = iv.Start
		}
	}
	for _, ind := range choices.Indicators {
		if ind.DesiredDirection == "UP" || ind.DesiredDirection == "DOWN" {
			d.Indicators = append(d.Indicators, option{ind.Code, ind.Name})
			if ind.Code == d.Indicator {
				d.IndicatorName = ind.Name
			}
		}
	}
	if d.Intervention == "" || d.Indicator == "" {
		r.render("compare", p)
		return
	}
	var out struct {
		Displacement *displacementOut
	}
	vars := map[string]any{"iv": d.Intervention, "ind": d.Indicator, "lang": string(r.lang)}
	if d.AsOf != "" {
		vars["asOf"] = d.AsOf
	}
	if errs := r.query(compareQuery, vars, &out); len(errs) > 0 || out.Displacement == nil {
		p.Error = r.lang.T("web.compare.failed", errs.In(r.lang))
		r.render("compare", p)
		return
	}
	d.Chosen = true
	dis := out.Displacement
	d.ReadAt = dis.Inputs.AsOf
	d.Words = displacementWords(r, dis)
	d.Explanation = dis.Explanation
	regs, ctx := analysisRegions(r, dis)
	d.Map, d.MapRows = compareMap(r, d.IndicatorName, dis, regs, ctx)
	var focus, control []string
	for _, rg := range dis.Regions {
		d.Rows = append(d.Rows, compareRow{Code: rg.Region, Name: rg.Name, Role: r.lang.Code("role", rg.Role),
			Before: r.lang.Num(rg.Before), After: r.lang.Num(rg.After), Change: signedNum(r, rg.Change), Pct: pctChange(r, rg.Before, rg.Change)})
		if rg.Role == "TARGET" || rg.Role == "BUFFER" {
			focus = append(focus, rg.Region)
		} else {
			control = append(control, rg.Region)
		}
	}
	d.Sections = compareCharts(r, d.Indicator, start, focus, control, dis)
	r.render("compare", p)
}

func signedNum(r *request, v float64) string {
	if v > 0 {
		return "+" + r.lang.Num(v)
	}
	return r.lang.Num(v)
}

// pctOf is the change as a percentage of before, false when before is
// not positive.
func pctOf(before, change float64) (float64, bool) {
	if before <= 0 || math.IsNaN(change) {
		return 0, false
	}
	return 100 * change / before, true
}

func pctChange(r *request, before, change float64) string {
	p, ok := pctOf(before, change)
	if !ok {
		return r.lang.T("dash")
	}
	s := r.lang.Fixed(p, 1) + " %"
	if p > 0 {
		s = "+" + s
	}
	return s
}

// displacementWords reads the measures out in sentences.
func displacementWords(r *request, d *displacementOut) []string {
	l := r.lang
	var out []string
	if d.WDQ != nil {
		out = append(out, l.T("web.compare.wdq", l.Fixed(*d.WDQ, 2), l.Code("wdqcat", d.Category)))
	} else {
		out = append(out, l.T("web.compare.wdq.none", l.Code("wdqcat", d.Category)))
	}
	if d.TotalNetEffect != nil {
		tne := *d.TotalNetEffect
		switch {
		case tne > 0:
			out = append(out, l.T("web.compare.tne.fewer", l.Num(tne)))
		case tne < 0:
			out = append(out, l.T("web.compare.tne.more", l.Num(-tne)))
		default:
			out = append(out, l.T("web.compare.tne.same"))
		}
	}
	if w := d.WDD; w != nil {
		out = append(out, l.T("web.compare.wdd", l.Num(w.Estimate), l.Num(w.Low), l.Num(w.High)))
		if w.Low > 0 || w.High < 0 {
			out = append(out, l.T("web.compare.wdd.sig", l.Fixed(w.PValue, 3)))
		} else {
			out = append(out, l.T("web.compare.wdd.nosig", l.Fixed(w.PValue, 3)))
		}
	} else {
		note := ""
		if d.WDDNote != nil {
			note = *d.WDDNote
		}
		out = append(out, l.T("web.compare.wdd.none", note))
	}
	out = append(out, l.T("web.compare.finding", l.Code("finding", d.Finding)))
	return out
}

var mapRoles = map[string]mapsvg.Role{"TARGET": mapsvg.Target, "BUFFER": mapsvg.Buffer, "CONTROL": mapsvg.Control, "BUFFER_CONTROL": mapsvg.Control}

func capitalise(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(c)) + s[n:]
}

// compareMap draws the analysis's regions coloured by their percentage
// change, from their boundaries (or as a graph of their links).
func compareMap(r *request, indicator string, d *displacementOut, all, context []mapRegionOut) (template.HTML, []mapsvg.Row) {
	byCode := map[string]mapRegionOut{}
	for _, rg := range all {
		byCode[rg.Code] = rg
	}
	words := mapsvg.Words{
		Roles:  map[mapsvg.Role]string{},
		NoData: r.lang.T("web.compare.nodata"), Fall: r.lang.T("web.compare.fall"), Rise: r.lang.T("web.compare.rise"),
		GraphNote: r.lang.T("web.compare.graphnote"),
	}
	for code, role := range map[string]mapsvg.Role{"TARGET": mapsvg.Target, "BUFFER": mapsvg.Buffer, "CONTROL": mapsvg.Control} {
		words.Roles[role] = capitalise(r.lang.Code("role", code))
	}
	words.Roles[mapsvg.Other] = ""
	m := mapsvg.Map{Label: r.lang.T("web.compare.map", indicator), ValueTitle: r.lang.T("web.compare.map.scale"),
		Number: r.lang.Fixed, Words: &words}
	in := map[string]bool{}
	for _, rg := range d.Regions {
		if in[rg.Region] {
			continue
		}
		in[rg.Region] = true
		mr := mapsvg.Region{Code: rg.Region, Name: rg.Name, Role: mapRoles[rg.Role]}
		mr.Value, mr.HasValue = pctOf(rg.Before, rg.Change)
		mr.Polygons = byCode[rg.Region].polygons()
		m.Regions = append(m.Regions, mr)
	}
	for _, c := range context {
		if p := c.polygons(); p != nil {
			m.Context = append(m.Context, mapsvg.Region{Code: c.Code, Name: c.Name, Polygons: p})
		}
	}
	for code := range in {
		for _, nb := range byCode[code].Neighbours {
			if in[nb.Region.Code] && code < nb.Region.Code {
				m.Edges = append(m.Edges, mapsvg.Edge{A: code, B: nb.Region.Code})
			}
		}
	}
	return template.HTML(m.SVG()), m.Rows()
}

// maxControlCharts bounds the charts of control regions (the table lists
// them all).
const maxControlCharts = 4

// compareCharts draws each target and buffer region's series (and a few
// controls'), INDEX and PER_100K, against the mean of the control regions.
func compareCharts(r *request, indicator, start string, focus, control []string, d *displacementOut) []compareSection {
	names := map[string]string{}
	for _, rg := range d.Regions {
		names[rg.Region] = rg.Name
	}
	vars := func(norm string, regs []string) map[string]any {
		return map[string]any{"ind": indicator, "regs": regs, "norm": norm, "from": d.Inputs.Before.From, "to": d.Inputs.After.To, "asOf": d.Inputs.AsOf}
	}
	var sections []compareSection
	// INDEX, region by region.
	sec := compareSection{Title: r.lang.T("web.compare.norm.INDEX")}
	var index []seriesOut
	var notes []string
	for _, code := range append(append([]string{}, focus...), control...) {
		var out struct{ CompareRegions []seriesOut }
		if errs := r.query(compareSeriesQuery, vars("INDEX", []string{code}), &out); len(errs) > 0 {
			notes = append(notes, errs.In(r.lang))
			continue
		}
		index = append(index, out.CompareRegions...)
	}
	sec.Error = strings.Join(notes, "\n")
	sec.Charts = seriesCharts(r, index, focus, control, names, start, r.lang.T("web.compare.axis.INDEX"))
	sections = append(sections, sec)
	// PER_100K, region by region too: a region without a population (a
	// port, a dataset that records none) is left out and named, and the
	// section says why instead of failing as a whole.
	sec = compareSection{Title: r.lang.T("web.compare.norm.PER_100K")}
	var per []seriesOut
	var left []string
	first := ""
	for _, code := range append(append([]string{}, focus...), control...) {
		var out struct{ CompareRegions []seriesOut }
		if errs := r.query(compareSeriesQuery, vars("PER_100K", []string{code}), &out); len(errs) > 0 {
			left = append(left, names[code]+" ("+code+")")
			if first == "" {
				first = errs.In(r.lang)
			}
			continue
		}
		per = append(per, out.CompareRegions...)
	}
	switch {
	case len(per) == 0 && len(left) > 0:
		sec.Note = r.lang.T("web.compare.per100k.none", first)
	case len(left) > 0:
		sec.Note = r.lang.T("web.compare.per100k.some", r.lang.Join(left))
	}
	sec.Charts = seriesCharts(r, per, focus, control, names, start, sec.Title)
	return append(sections, sec)
}

func seriesCharts(r *request, series []seriesOut, focus, control []string, names map[string]string, start, unit string) []compareChart {
	isControl := map[string]bool{}
	for _, c := range control {
		isControl[c] = true
	}
	// The periods of every series, in order.
	seen := map[string]bool{}
	var periods []string
	for _, s := range series {
		for _, p := range s.Points {
			if !seen[p.Period] {
				seen[p.Period] = true
				periods = append(periods, p.Period)
			}
		}
	}
	sort.Strings(periods)
	at := map[string]int{}
	for i, p := range periods {
		at[p] = i
	}
	values := func(s seriesOut) []float64 {
		v := make([]float64, len(periods))
		for i := range v {
			v[i] = math.NaN()
		}
		for _, p := range s.Points {
			v[at[p.Period]] = p.Value
		}
		return v
	}
	mean := make([]float64, len(periods))
	count := make([]int, len(periods))
	for _, s := range series {
		if isControl[s.Region] {
			for i, v := range values(s) {
				if !math.IsNaN(v) {
					mean[i] += v
					count[i]++
				}
			}
		}
	}
	for i := range mean {
		if count[i] == 0 {
			mean[i] = math.NaN()
		} else {
			mean[i] /= float64(count[i])
		}
	}
	marker := -1
	for i, p := range periods {
		if start != "" && len(p) <= len(start) && p >= start[:len(p)] {
			marker = i
			break
		}
	}
	labels := make([]string, len(periods))
	for i, p := range periods {
		labels[i] = r.lang.PeriodShort(p)
	}
	shown, controls := map[string]bool{}, 0
	for _, c := range focus {
		shown[c] = true
	}
	for _, c := range control {
		if controls < maxControlCharts {
			shown[c] = true
			controls++
		}
	}
	var out []compareChart
	for _, code := range append(append([]string{}, focus...), control...) {
		if !shown[code] {
			continue
		}
		for _, s := range series {
			if s.Region != code {
				continue
			}
			name := names[code] + " (" + code + ")"
			c := chart.Line{Label: r.lang.T("web.compare.chart.label", name), XTitle: r.lang.T("web.compare.period"), YTitle: unit,
				Periods: labels, Observed: values(s), Expected: mean, Marker: marker, MarkerLabel: r.lang.T("web.compare.marker"),
				Number: r.lang.Fixed}
			out = append(out, compareChart{Caption: r.lang.T("web.compare.chart.caption", name), SVG: template.HTML(c.SVG())})
		}
	}
	return out
}
