// Package chart draws the charts of supplyeval's reports and web pages
// as inline SVG: a time series with its counterfactual,
// band and intervention marker, and horizontal bars of changes by region.
// The output is self-contained markup (no script, no external font or
// style), a pure function of its input, so that a report rendered twice
// is the same bytes.
//
// Axes carry ticks at "nice" numbers (1, 2 or 5 times a power of ten),
// titles and units; numbers are written by a caller-supplied function so
// that the locale's grouping and decimal mark apply. Count series start
// their y axis at zero.
package chart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NumberFunc writes v with dec decimals in the reader's locale.
type NumberFunc func(v float64, dec int) string

func plainNumber(v float64, dec int) string { return strconv.FormatFloat(v, 'f', dec, 64) }

// Ticks returns about n tick values at nice numbers covering [lo, hi]
// (the first at or below lo, the last at or above hi), and the decimals
// their labels need. hi <= lo is widened to a unit interval.
func Ticks(lo, hi float64, n int) (ticks []float64, dec int) {
	if n < 2 {
		n = 2
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi <= lo {
		if lo == 0 {
			hi = 1
		} else {
			d := math.Abs(lo) * 0.1
			lo, hi = lo-d, hi+d
		}
	}
	step := niceStep(lo, hi, n)
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	for k := 0; ; k++ {
		v := start + float64(k)*step
		if v > end+step/2 || k > 100 {
			break
		}
		// Drop the float noise of k*step (0.6000000000000001).
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', dec, 64), 64)
		if v == 0 {
			v = 0 // no -0
		}
		ticks = append(ticks, v)
	}
	return ticks, dec
}

// niceStep is the smallest step of 1, 2 or 5 times a power of ten that
// covers [lo, hi] in at most n+2 ticks.
func niceStep(lo, hi float64, n int) float64 {
	raw := (hi - lo) / float64(n-1)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10, 20} {
		step := m * p
		if math.Ceil(hi/step-1e-9)-math.Floor(lo/step+1e-9)+1 <= float64(n+2) {
			return step
		}
	}
	return 50 * p
}

// px formats an SVG coordinate.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func esc(s string) string { return html.EscapeString(s) }

// Colours of a line chart.
const (
	ColourObserved = "#1f4e79"
	ColourExpected = "#6b6b6b"
	ColourBand     = "#c6d9ec"
	ColourMarker   = "#c0392b"
	colourGrid     = "#e3e8ed"
	colourAxis     = "#555"
)

// Line is a time series chart: the observed values, the expected
// (counterfactual) values with an optional band, and a marker at the
// first period under an intervention.
type Line struct {
	// Label names the chart for screen readers.
	Label string
	// XTitle and YTitle title the axes (YTitle should carry the unit).
	XTitle, YTitle string
	// Periods label the x positions (one per value, already in words).
	Periods []string
	// Observed and Expected hold one value per period; Low and High bound
	// the band (NaN, or nil slices, where there is none).
	Observed, Expected, Low, High []float64
	// Marker is the index of the first period under the intervention, -1
	// for none; MarkerLabel is written beside it, above the plot.
	Marker      int
	MarkerLabel string
	// FromZero starts the y axis at zero (counts, which cannot be
	// negative); values below zero are drawn at the axis.
	FromZero bool
	// Number writes tick labels (default: plain decimals).
	Number NumberFunc
	// Width and Height of the drawing in px (default 440 x 220).
	Width, Height float64
}

// Layout of a line chart, in px.
const (
	lineLeft, lineRight, lineTop, lineBottom = 58.0, 10.0, 22.0, 40.0
	titleStrip                               = 16.0 // above the plot, for a long y title
	maxXLabels                               = 7
)

// SVG draws the chart.
func (c Line) SVG() string {
	W, H := c.Width, c.Height
	if W == 0 {
		W = 440
	}
	if H == 0 {
		H = 220
	}
	num := c.Number
	if num == nil {
		num = plainNumber
	}
	n := len(c.Periods)
	at := func(s []float64, i int) float64 {
		if i < len(s) {
			return s[i]
		}
		return math.NaN()
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		for _, s := range [][]float64{c.Observed, c.Expected, c.Low, c.High} {
			if v := at(s, i); !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if c.FromZero {
		lo = 0
		hi = math.Max(hi, 0)
	}
	ticks, dec := Ticks(lo, hi, 5)
	ylo, yhi := ticks[0], ticks[len(ticks)-1]
	if c.FromZero {
		ylo = 0
	}
	x0, x1, y0, y1 := lineLeft, W-lineRight, lineTop, H-lineBottom
	// A y title longer than the plot is tall ("mg benzoylecgonine/1000
	// inhabitants/day") is written across the top instead, in a strip of
	// its own above the marker's.
	across := textWidth(c.YTitle) > y1-y0
	if across {
		y0 += titleStrip
	}
	x := func(i int) float64 {
		if n <= 1 {
			return (x0 + x1) / 2
		}
		return x0 + float64(i)*(x1-x0)/float64(n-1)
	}
	y := func(v float64) float64 {
		v = math.Max(ylo, math.Min(yhi, v))
		return y1 - (v-ylo)/(yhi-ylo)*(y1-y0)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" %s>`, px(W), px(H), px(W), px(H), esc(c.Label), fontAttrs)
	// Grid and y ticks.
	for _, t := range ticks {
		if t < ylo {
			continue
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, px(x0), px(y(t)), px(x1), px(y(t)), colourGrid)
		fmt.Fprintf(&b, `<text class="ytick" x="%s" y="%s" text-anchor="end">%s</text>`, px(x0-4), px(y(t)+3.5), esc(num(t, dec)))
	}
	// Band: upper edge left to right, lower edge back.
	var upper, lower []string
	for i := 0; i < n; i++ {
		l, h := at(c.Low, i), at(c.High, i)
		if !math.IsNaN(l) && !math.IsNaN(h) {
			upper = append(upper, px(x(i))+","+px(y(h)))
			lower = append([]string{px(x(i)) + "," + px(y(l))}, lower...)
		}
	}
	if len(upper) > 1 {
		fmt.Fprintf(&b, `<polygon points="%s" fill="%s" stroke="none"/>`, strings.Join(append(upper, lower...), " "), ColourBand)
	}
	line := func(s []float64, colour, extra string) {
		var pts []string
		for i := 0; i < n; i++ {
			if v := at(s, i); !math.IsNaN(v) {
				pts = append(pts, px(x(i))+","+px(y(v)))
			}
		}
		if len(pts) > 0 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"%s/>`, strings.Join(pts, " "), colour, extra)
		}
	}
	line(c.Expected, ColourExpected, ` stroke-dasharray="4 3"`)
	line(c.Observed, ColourObserved, "")
	// Axes.
	fmt.Fprintf(&b, `<path d="M%s %sV%sH%s" fill="none" stroke="%s"/>`, px(x0), px(y0), px(y1), px(x1), colourAxis)
	// X ticks: at most maxXLabels periods, from the first, at an even
	// step that suits months (1, 2, 3, 6 or 12 and multiples of 12).
	if n > 0 {
		for _, i := range xLabelIndexes(n, maxLabels(x1-x0, c.Periods)) {
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, px(x(i)), px(y1), px(x(i)), px(y1+4), colourAxis)
			fmt.Fprintf(&b, `<text class="xtick" x="%s" y="%s" text-anchor="middle">%s</text>`, px(x(i)), px(y1+15), esc(c.Periods[i]))
		}
	}
	// Intervention marker: the line spans the plot; its label sits in the
	// strip above the plot, beside the line, never across it.
	if c.Marker >= 0 && c.Marker < n {
		mx := x(c.Marker)
		fmt.Fprintf(&b, `<line class="marker" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`, px(mx), px(y0-4), px(mx), px(y1), ColourMarker)
		tx, anchor := mx+4, "start"
		if mx > (x0+x1)/2 {
			tx, anchor = mx-4, "end"
		}
		fmt.Fprintf(&b, `<text class="marker-label" x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, px(tx), px(y0-8), anchor, ColourMarker, esc(c.MarkerLabel))
	}
	// Axis titles.
	fmt.Fprintf(&b, `<text class="xtitle" x="%s" y="%s" text-anchor="middle">%s</text>`, px((x0+x1)/2), px(H-6), esc(c.XTitle))
	var ytitle string
	var cut bool
	if across {
		ytitle, cut = fit(c.YTitle, W-8)
		fmt.Fprintf(&b, `<text class="ytitle" x="4" y="12" text-anchor="start">%s`, esc(ytitle))
	} else {
		ytitle, cut = fit(c.YTitle, y1-y0)
		fmt.Fprintf(&b, `<text class="ytitle" transform="translate(12 %s) rotate(-90)" text-anchor="middle">%s`, px((y0+y1)/2), esc(ytitle))
	}
	if cut {
		fmt.Fprintf(&b, `<title>%s</title>`, esc(c.YTitle))
	}
	b.WriteString(`</text>`)
	b.WriteString(`</svg>`)
	return b.String()
}

// xLabelIndexes picks the labelled periods: 0, step, 2 step, ... with
// the smallest even step that gives at most most labels.
func xLabelIndexes(n, most int) []int {
	most = max(most, 1)
	step := 1
	for _, s := range []int{1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120, 240} {
		step = s
		if (n-1)/s+1 <= most {
			break
		}
	}
	for (n-1)/step+1 > most {
		step *= 2
	}
	var out []int
	for i := 0; i < n; i += step {
		out = append(out, i)
	}
	return out
}

// The charts write their text at fontSize px in a sans-serif face (a
// page's or a report's style sheet may set its own); charWidth is the
// width of an average character at that size, to judge what fits.
const (
	fontSize  = 11.0
	charWidth = 0.56 * fontSize
	fontAttrs = `font-family="sans-serif" font-size="11"`
)

// textWidth estimates the width in px of s at fontSize.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charWidth }

// maxLabels is how many period labels fit side by side in width: the
// longest label and a gap each, and never more than maxXLabels.
func maxLabels(width float64, labels []string) int {
	longest := 0.0
	for _, l := range labels {
		longest = math.Max(longest, textWidth(l))
	}
	return min(maxXLabels, max(1, int(width/(longest+12))))
}

// fit shortens s with an ellipsis to fit in width px; cut reports whether
// it did (the caller then gives the whole text as a tooltip).
func fit(s string, width float64) (out string, cut bool) {
	if textWidth(s) <= width {
		return s, false
	}
	r := []rune(s)
	n := max(1, int(width/charWidth)-1)
	if n >= len(r) {
		return s, false
	}
	return strings.TrimRight(string(r[:n]), " ,;:(") + "…", true
}

// Bar is one bar of a Bars chart.
type Bar struct {
	// Label names the bar (a region's name, with its code).
	Label string
	// Value is the length of the bar, signed.
	Value float64
	// Colour fills it.
	Colour string
}

// Bars is a horizontal bar chart of signed values around zero, with a
// value axis carrying ticks and a title.
type Bars struct {
	// Label names the chart for screen readers.
	Label string
	// Title titles the value axis (with its unit).
	Title string
	Bars  []Bar
	// Number writes tick labels and each bar's value (default plain).
	Number NumberFunc
	// Value writes a bar's value beside it (default Number with the ticks'
	// decimals).
	Value func(float64) string
	// Width of the drawing in px (default 440); the height follows the bars.
	Width float64
}

// Layout of a bar chart, in px.
const (
	barLabelW, barValueW, barRow, barTop, barAxis = 170.0, 60.0, 16.0, 6.0, 36.0
)

// SVG draws the chart.
func (c Bars) SVG() string {
	W := c.Width
	if W == 0 {
		W = 440
	}
	num := c.Number
	if num == nil {
		num = plainNumber
	}
	lo, hi := 0.0, 0.0
	for _, r := range c.Bars {
		if !math.IsNaN(r.Value) {
			lo, hi = math.Min(lo, r.Value), math.Max(hi, r.Value)
		}
	}
	ticks, dec := Ticks(lo, hi, 4)
	vlo, vhi := ticks[0], ticks[len(ticks)-1]
	val := c.Value
	if val == nil {
		val = func(v float64) string { return num(v, dec) }
	}
	x0, x1 := barLabelW, W-barValueW
	H := barTop + barRow*float64(len(c.Bars)) + barAxis
	x := func(v float64) float64 { return x0 + (v-vlo)/(vhi-vlo)*(x1-x0) }
	yAxis := barTop + barRow*float64(len(c.Bars))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" %s>`, px(W), px(H), px(W), px(H), esc(c.Label), fontAttrs)
	for _, t := range ticks {
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, px(x(t)), px(barTop), px(x(t)), px(yAxis), colourGrid)
		fmt.Fprintf(&b, `<text class="xtick" x="%s" y="%s" text-anchor="middle">%s</text>`, px(x(t)), px(yAxis+13), esc(num(t, dec)))
	}
	for i, r := range c.Bars {
		yy := barTop + float64(i)*barRow
		v := r.Value
		if math.IsNaN(v) {
			v = 0
		}
		a, z := x(0), x(v)
		if z < a {
			a, z = z, a
		}
		fmt.Fprintf(&b, `<text class="blabel" x="%s" y="%s" text-anchor="end">%s</text>`, px(x0-5), px(yy+11.5), esc(r.Label))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, px(a), px(yy+3), px(math.Max(z-a, 0.5)), px(barRow-6), r.Colour)
		fmt.Fprintf(&b, `<text class="bvalue" x="%s" y="%s">%s</text>`, px(x1+5), px(yy+11.5), esc(val(r.Value)))
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333"/>`, px(x(0)), px(barTop), px(x(0)), px(yAxis))
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, px(x0), px(yAxis), px(x1), px(yAxis), colourAxis)
	fmt.Fprintf(&b, `<text class="xtitle" x="%s" y="%s" text-anchor="middle">%s</text>`, px((x0+x1)/2), px(H-4), esc(c.Title))
	b.WriteString(`</svg>`)
	return b.String()
}
