package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/supplyeval/supplyeval/chart"
	"github.com/supplyeval/supplyeval/i18n"
)

// The methods a user may pick; AUTO lets the API choose.
var impactMethods = []string{"AUTO", "ITS", "DID", "SYNTHETIC_CONTROL", "BEFORE_AFTER"}

type estimateOut struct {
	Method, Explanation string
	Choice              *string
	Effect              float64
	Low, High, PValue   *float64
	RelativeEffect      *float64
	Ratio               bool
	Model               *string
	Assumptions         []string
	Counterfactual      []struct {
		Period    string
		Observed  float64
		Expected  float64
		Low, High *float64
		Post      bool
	}
	Inputs struct {
		Regions, Comparison []string
		PrePeriods          int
		PostPeriods         int
		FirstPeriod, AsOf   string
	}
}

type impactCard struct {
	Indicator indicatorOut
	Error     string
	Estimate  *estimateOut
	Chart     string
	Method    string
	Effect    string
	Interval  string
	PValue    string
	Relative  string
	Inputs    string
}

type interventionData struct {
	Intervention interventionOut
	RegionNames  []string
	KindLabel    string
	Method       string
	Methods      []option
	Comparison   []string
	Candidates   []option
	AsOf         string
	Position     string
	Pins         []option
	Cards        []impactCard
	// OtherFamilies: no indicator of the five families is recorded; the
	// cards are of the others.
	OtherFamilies bool
	// NoData are the indicators with no data in the intervention's
	// regions (or below them), named in one sentence instead of a card
	// each.
	NoData []string
}

func (h *Handler) intervention(r *request) {
	id := r.PathValue("id")
	q := r.URL.Query()
	d := interventionData{Method: q.Get("method"), Comparison: q["comparison"], AsOf: strings.TrimSpace(q.Get("asOf"))}
	if d.Method == "" {
		d.Method = "AUTO"
	}
	if d.AsOf == "" {
		d.AsOf = q.Get("pin")
	}
	var head struct {
		Position     string
		Intervention *interventionOut
		Regions      []regionOut
		Indicators   []indicatorOut
		Cycles       []cycleOut
	}
	errs := r.query(`query Head($id: ID!) { position
  intervention(id: $id) { id title category kind regions start end ... on Operation { classification } }
  regions { code name country level parent }
  indicators { code name family unit granularity desiredDirection }
  cycles { id title pinned } }`, map[string]any{"id": id}, &head)
	if head.Intervention == nil {
		msg := r.lang.T("web.iv.notfound", id)
		if len(errs) > 0 {
			msg += " " + errs.In(r.lang)
		}
		r.renderStatus(http.StatusNotFound, "error", page{Title: r.lang.T("web.error.title"), Error: msg})
		return
	}
	iv := *head.Intervention
	d.Intervention, d.Position, d.KindLabel = iv, head.Position, kindLabel(r, iv)
	n := regionNames(head.Regions)
	level := map[string]string{}
	for _, rg := range head.Regions {
		level[rg.Code] = rg.Level
	}
	for _, rg := range iv.Regions {
		d.RegionNames = append(d.RegionNames, n.of(rg))
	}
	// Comparison candidates: regions of the levels of the targeted ones,
	// not targeted themselves.
	levels := map[string]bool{}
	for _, rg := range iv.Regions {
		levels[level[rg]] = true
	}
	// Nor inside them: a targeted region's own subregions (New Jersey's
	// restaurants under US-NJ) were treated too.
	parent := map[string]string{}
	for _, rg := range head.Regions {
		if rg.Parent != nil {
			parent[rg.Code] = *rg.Parent
		}
	}
	inside := func(code string) bool {
		for seen := 0; code != "" && seen < len(parent)+1; seen++ {
			if containsString(iv.Regions, code) {
				return true
			}
			code = parent[code]
		}
		return false
	}
	for _, rg := range head.Regions {
		if levels[rg.Level] && !inside(rg.Code) {
			d.Candidates = append(d.Candidates, option{rg.Code, n.of(rg.Code)})
		}
	}
	for _, m := range impactMethods {
		label := r.lang.Code("method", m)
		if m == "AUTO" {
			label = r.lang.T("web.iv.method.AUTO")
		}
		d.Methods = append(d.Methods, option{m, label})
	}
	for _, c := range head.Cycles {
		if c.Pinned != nil {
			d.Pins = append(d.Pins, option{*c.Pinned, r.lang.T("web.iv.asof.cycle", c.Title, *c.Pinned)})
		}
	}
	// One request, one aliased impact per indicator of the five families.
	var inds []indicatorOut
	for _, ind := range head.Indicators {
		if containsString(outcomeFamilies, ind.Family) {
			inds = append(inds, ind)
		}
	}
	if len(inds) == 0 {
		// A published dataset imported alone (Card and Krueger's
		// employment, Sicily's coronary events) has none of the five
		// families: estimate its other indicators, and say so.
		inds, d.OtherFamilies = head.Indicators, true
	}
	vars := map[string]any{"id": id, "method": d.Method}
	args := "intervention: $id, method: $method"
	decl := "$id: ID!, $method: ImpactMethod!"
	if len(d.Comparison) > 0 {
		vars["comparison"] = d.Comparison
		args += ", comparison: $comparison"
		decl += ", $comparison: [ID!]"
	}
	if d.AsOf != "" {
		vars["asOf"] = d.AsOf
		args += ", asOf: $asOf"
		decl += ", $asOf: String"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "query Impacts(%s) {", decl)
	for i, ind := range inds {
		fmt.Fprintf(&b, ` i%d: impact(indicator: %q, %s) { method choice(lang: %[4]s) explanation(lang: %[4]s) effect low high pValue relativeEffect ratio model assumptions(lang: %[4]s)
  counterfactual { period observed expected low high post }
  inputs { regions comparison prePeriods postPeriods firstPeriod asOf } }`, i, ind.Code, args, r.lang)
	}
	b.WriteString(" }")
	est := map[string]*estimateOut{}
	ierrs := r.query(b.String(), vars, &est)
	p := page{Title: iv.Title, Data: &d}
	for i, ind := range inds {
		alias := fmt.Sprintf("i%d", i)
		c := impactCard{Indicator: ind, Estimate: est[alias]}
		if c.Estimate == nil && ierrs.keyOf(alias) == "evaluate.err.targets.nodata" {
			d.NoData = append(d.NoData, ind.Name+" ("+ind.Code+")")
			continue
		}
		if c.Estimate == nil {
			c.Error = ierrs.firstOf(alias, r.lang)
			if c.Error == "" {
				c.Error = ierrs.In(r.lang)
			}
			d.Cards = append(d.Cards, c)
			continue
		}
		h.describe(r, &c, n)
		d.Cards = append(d.Cards, c)
	}
	if len(errs) > 0 {
		p.Error = errs.In(r.lang)
	}
	r.render("intervention", p)
}

// firstOf returns the message, in l, of the first error for alias (""
// if none).
func (es apiErrors) firstOf(alias string, l i18n.Lang) string {
	for _, e := range es {
		if e.Alias == alias {
			return e.In(l)
		}
	}
	return ""
}

// keyOf returns the catalogue key of the first error for alias ("" if
// none or if it has none).
func (es apiErrors) keyOf(alias string) string {
	for _, e := range es {
		if e.Alias == alias {
			return e.Msg.Key
		}
	}
	return ""
}

// describe fills a card's words and chart from its estimate.
func (h *Handler) describe(r *request, c *impactCard, n names) {
	e, l := c.Estimate, r.lang
	c.Method = l.Code("method", e.Method)
	if e.Model != nil {
		c.Method += " (" + l.Code("model", *e.Model) + ")"
	}
	num := func(v float64) string {
		if e.Ratio {
			return l.Fixed(v, 3)
		}
		return l.Num(v)
	}
	c.Effect = num(e.Effect)
	if e.Ratio {
		c.Effect += " (" + l.T("web.iv.ratio") + ")"
	}
	c.Interval = l.T("dash")
	if e.Low != nil && e.High != nil {
		c.Interval = l.T("range", num(*e.Low), num(*e.High))
	}
	c.PValue = l.T("dash")
	if e.PValue != nil {
		c.PValue = l.Fixed(*e.PValue, 3)
	}
	c.Relative = l.T("dash")
	if e.RelativeEffect != nil {
		c.Relative = l.Percent(*e.RelativeEffect)
	}
	regions := make([]string, len(e.Inputs.Regions))
	for i, rg := range e.Inputs.Regions {
		regions[i] = n.of(rg)
	}
	comp := make([]string, len(e.Inputs.Comparison))
	for i, rg := range e.Inputs.Comparison {
		comp[i] = n.of(rg)
	}
	compText := l.T("web.iv.none")
	if len(comp) > 0 {
		compText = l.Join(comp)
	}
	c.Inputs = l.T("web.iv.inputs", l.Join(regions), compText, e.Inputs.PrePeriods, e.Inputs.PostPeriods, e.Inputs.AsOf)
	k := len(e.Counterfactual)
	if k == 0 {
		return
	}
	line := chart.Line{Label: l.T("web.iv.chartlabel", c.Indicator.Name, l.Join(regions)), XTitle: l.T("report.axis.period"), YTitle: c.Indicator.Unit,
		Marker: -1, Number: l.Fixed, Periods: make([]string, k), Observed: make([]float64, k), Expected: make([]float64, k),
		Low: make([]float64, k), High: make([]float64, k), Width: 560, Height: 260}
	for i, p := range e.Counterfactual {
		line.Periods[i] = l.PeriodShort(p.Period)
		line.Observed[i], line.Expected[i] = p.Observed, p.Expected
		line.Low[i], line.High[i] = math.NaN(), math.NaN()
		if p.Low != nil && p.High != nil {
			line.Low[i], line.High[i] = *p.Low, *p.High
		}
		if p.Period == e.Inputs.FirstPeriod {
			line.Marker, line.MarkerLabel = i, l.Period(p.Period)
		}
	}
	c.Chart = line.SVG()
}
