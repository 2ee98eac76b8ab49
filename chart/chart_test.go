package chart_test

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/chart"
)

func TestTicksAreNiceAndCover(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
		dec    int
	}{
		{3, 97, "0 20 40 60 80 100", 0},
		{0, 1234, "0 500 1000 1500", 0},
		{0.12, 0.87, "0 0.2 0.4 0.6 0.8 1", 1},
		{-37, 12, "-40 -30 -20 -10 0 10 20", 0},
		{50, 50, "44 46 48 50 52 54 56", 0},
	} {
		ticks, dec := chart.Ticks(c.lo, c.hi, 5)
		parts := make([]string, len(ticks))
		for i, v := range ticks {
			parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
		}
		if got := strings.Join(parts, " "); got != c.want || dec != c.dec {
			t.Errorf("Ticks(%v, %v) = %s (%d decimals), want %s (%d)", c.lo, c.hi, got, dec, c.want, c.dec)
		}
		if ticks[0] > c.lo || ticks[len(ticks)-1] < c.hi {
			t.Errorf("Ticks(%v, %v) do not cover the range", c.lo, c.hi)
		}
	}
}

func series(n int) (periods []string, obs, exp, lo, hi []float64) {
	for i := 0; i < n; i++ {
		periods = append(periods, fmt.Sprintf("M%02d", i))
		v := 3 + 2*math.Sin(float64(i))
		obs, exp = append(obs, v), append(exp, 3)
		lo, hi = append(lo, -1.5), append(hi, 7.5) // a count band that dips below zero
	}
	return
}

var (
	reYTick = regexp.MustCompile(`class="ytick" x="[^"]*" y="[^"]*" text-anchor="end">([^<]*)<`)
	reXTick = regexp.MustCompile(`class="xtick"[^>]*>([^<]*)<`)
)

func TestCountAxisStartsAtZeroWithTicksTitlesAndPeriods(t *testing.T) {
	p, obs, exp, lo, hi := series(72)
	svg := chart.Line{Label: "incidents", XTitle: "Period", YTitle: "incidents per month", Periods: p, Observed: obs, Expected: exp,
		Low: lo, High: hi, Marker: 36, MarkerLabel: "M36", FromZero: true}.SVG()
	yt := reYTick.FindAllStringSubmatch(svg, -1)
	if len(yt) < 3 || yt[0][1] != "0" {
		t.Fatalf("y ticks %v: want at least three, from 0", yt)
	}
	for _, m := range yt {
		if strings.HasPrefix(m[1], "-") {
			t.Fatalf("negative tick %s on a count axis", m[1])
		}
	}
	xt := reXTick.FindAllStringSubmatch(svg, -1)
	var labels []string
	for _, m := range xt {
		labels = append(labels, m[1])
	}
	if got := strings.Join(labels, " "); got != "M00 M12 M24 M36 M48 M60" {
		t.Fatalf("x ticks %s: want one a year over six years", got)
	}
	for _, want := range []string{">Period<", ">incidents per month<", "rotate(-90)"} {
		if !strings.Contains(svg, want) {
			t.Fatalf("chart lacks %q", want)
		}
	}
	// The same data as a level: the axis goes below zero with the band.
	lvl := chart.Line{Periods: p, Observed: obs, Expected: exp, Low: lo, High: hi, Marker: -1}.SVG()
	if yt := reYTick.FindAllStringSubmatch(lvl, -1); !strings.HasPrefix(yt[0][1], "-") {
		t.Fatalf("level axis starts at %s, want below zero", yt[0][1])
	}
}

var (
	reMarker = regexp.MustCompile(`class="marker" x1="([^"]*)" y1="([^"]*)"`)
	reLabel  = regexp.MustCompile(`class="marker-label" x="([^"]*)" y="([^"]*)" text-anchor="([^"]*)"`)
)

// TestMarkerLabelClearsItsLine: the label of the intervention line is
// beside the line, on the side away from it, and above the plot, at every
// position of the marker.
func TestMarkerLabelClearsItsLine(t *testing.T) {
	p, obs, exp, lo, hi := series(24)
	for m := 0; m < 24; m++ {
		svg := chart.Line{Periods: p, Observed: obs, Expected: exp, Low: lo, High: hi, Marker: m, MarkerLabel: "March 2019"}.SVG()
		lm, ll := reMarker.FindStringSubmatch(svg), reLabel.FindStringSubmatch(svg)
		if lm == nil || ll == nil {
			t.Fatalf("marker %d: no line or label", m)
		}
		lx, _ := strconv.ParseFloat(lm[1], 64)
		ltop, _ := strconv.ParseFloat(lm[2], 64)
		tx, _ := strconv.ParseFloat(ll[1], 64)
		ty, _ := strconv.ParseFloat(ll[2], 64)
		if ll[3] == "start" && tx < lx+3 || ll[3] == "end" && tx > lx-3 || ll[3] == "middle" {
			t.Fatalf("marker %d: label at %v anchored %s runs over the line at %v", m, tx, ll[3], lx)
		}
		if ty > ltop {
			t.Fatalf("marker %d: label baseline %v below the top of the line %v", m, ty, ltop)
		}
	}
}

func TestBarsHaveLabelsValuesAndAnAxis(t *testing.T) {
	svg := chart.Bars{Label: "change", Title: "Change (incidents)", Bars: []chart.Bar{
		{Label: "Rotterdam (NLRTM)", Value: -120, Colour: "#c00"}, {Label: "Antwerp (BEANR)", Value: 35.5, Colour: "#e80"}},
		Number: func(v float64, dec int) string { return strconv.FormatFloat(v, 'f', dec, 64) }}.SVG()
	for _, want := range []string{">Rotterdam (NLRTM)<", ">Antwerp (BEANR)<", ">Change (incidents)<", ">-120<", ">0<"} {
		if !strings.Contains(svg, want) {
			t.Fatalf("bars lack %q:\n%s", want, svg)
		}
	}
	if n := len(reXTick.FindAllString(svg, -1)); n < 3 {
		t.Fatalf("%d ticks on the value axis", n)
	}
}

// TestTextFitsTheDrawing: the charts carry their own font size (a page's
// 16 px body text would otherwise overflow them); a y-axis title longer
// than the plot is tall is written across the top (the compare page's
// French index title was cut at both ends), shortened with an ellipsis
// and given whole as a tooltip only if longer than the chart is wide;
// period labels are thinned to what fits side by side in a narrow chart.
func TestTextFitsTheDrawing(t *testing.T) {
	periods := make([]string, 24)
	vals := make([]float64, 24)
	for i := range periods {
		periods[i] = fmt.Sprintf("Sept. %d", 2017+i/12)
		vals[i] = float64(i)
	}
	long := "Indice (100 = la première période commune à toutes les régions)"
	svg := chart.Line{YTitle: long, XTitle: "Période", Periods: periods, Observed: vals, Marker: 12, Width: 300}.SVG()
	if !strings.Contains(svg, `font-size="11"`) {
		t.Error("the line chart sets no font size")
	}
	m := regexp.MustCompile(`class="ytitle" x="4" y="12" text-anchor="start">([^<]*)<title>([^<]*)</title>`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("the y title longer than the chart is wide is not written across the top, shortened with a tooltip: %s", svg)
	}
	if !strings.HasSuffix(m[1], "…") || float64(len([]rune(m[1])))*6.16 > 300-8 || m[2] != long {
		t.Errorf("y title %q (tooltip %q)", m[1], m[2])
	}
	// A unit longer than the plot is tall but not than the chart is wide:
	// across the top, whole.
	unit := "mg benzoylecgonine/1000 inhabitants/day"
	across := chart.Line{YTitle: unit, Periods: periods, Observed: vals, Marker: 12}.SVG()
	if !strings.Contains(across, `class="ytitle" x="4" y="12" text-anchor="start">`+unit+`</text>`) {
		t.Errorf("the unit is not written whole across the top: %s", across)
	}
	labels := regexp.MustCompile(`class="xtick"[^>]*>([^<]*)<`).FindAllStringSubmatch(svg, -1)
	// 232 px of plot, labels of 10 characters: four fit, not seven.
	if len(labels) < 2 || len(labels) > 4 {
		t.Errorf("%d period labels in a 300 px chart: %q", len(labels), labels)
	}
	short := chart.Line{YTitle: "EUR/g", Periods: periods, Observed: vals, Marker: -1}.SVG()
	if strings.Contains(short, "…") || !strings.Contains(short, ">EUR/g</text>") {
		t.Error("a short y title is changed")
	}
	if n := len(regexp.MustCompile(`class="xtick"`).FindAllString(short, -1)); n < 4 || n > 7 {
		t.Errorf("%d period labels in a 440 px chart", n)
	}
	if b := (chart.Bars{Title: "Change", Bars: []chart.Bar{{Label: "A", Value: 1}}}).SVG(); !strings.Contains(b, `font-size="11"`) {
		t.Error("the bar chart sets no font size")
	}
}
