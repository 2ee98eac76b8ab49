package web

import (
	"fmt"
	"html"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Shapes of the API's answers the pages read.
type (
	regionOut struct {
		Code, Name, Country, Level string
		Parent                     *string
	}
	indicatorOut struct {
		Code, Name, Family, Unit, Granularity, DesiredDirection string
	}
	interventionOut struct {
		ID, Title, Category, Kind string
		Regions                   []string
		Start                     string
		End                       *string
		Classification            string
		ExpectedEffects           []struct{ Family, Direction string }
	}
	cycleOut struct {
		ID, Title, Status, From, To string
		Pinned                      *string
		PreviousCycle               *string
		Regions, Interventions      []string
		Questions, Recommendations  []string
		Summary                     *string
		Findings                    []findingOut
	}
	findingOut struct {
		FindingID, Family, Statement, EffectRating string
		Intervention, Recommendation               *string
		EvidenceQuality                            int
	}
)

// The indicator families an intervention's impact is read on.
var outcomeFamilies = []string{"AVAILABILITY", "VIOLENCE", "CORRUPTION", "COST", "DISPLACEMENT"}

const overviewQuery = `query Overview($kind: String, $from: String, $to: String) {
  position
  regions { code name country level }
  indicators { code name family unit granularity }
  interventions(kind: $kind, from: $from, to: $to) {
    id title category kind regions start end
    ... on Operation { classification }
    ... on PolicyChange { expectedEffects { family direction } }
  }
  cycles { id title status from to pinned }
}`

type option struct{ Code, Label string }

type ivRow struct {
	interventionOut
	KindLabel   string
	RegionNames []string
}

type indicatorRow struct {
	indicatorOut
	Latest    string
	Reporting int
	Value     float64
	HasValue  bool
}

type timelineGroup struct {
	Name string
	SVG  string
}

type overviewData struct {
	Position      string
	RegionCount   int
	Filter        struct{ Kind, Family, Country, From, To string }
	Kinds         []option
	Families      []string
	Countries     []option
	Interventions []ivRow
	Groups        []timelineGroup
	Indicators    []indicatorRow
	OpenCycles    []cycleOut
}

func (h *Handler) overview(r *request) {
	d := overviewData{Families: outcomeFamilies}
	q := r.URL.Query()
	d.Filter.Kind, d.Filter.Family, d.Filter.Country, d.Filter.From, d.Filter.To = q.Get("kind"), q.Get("family"), q.Get("country"), q.Get("from"), q.Get("to")
	vars := map[string]any{}
	for k, v := range map[string]string{"kind": d.Filter.Kind, "from": d.Filter.From, "to": d.Filter.To} {
		if v != "" {
			vars[k] = v
		}
	}
	var out struct {
		Position      string
		Regions       []regionOut
		Indicators    []indicatorOut
		Interventions []interventionOut
		Cycles        []cycleOut
	}
	errs := r.query(overviewQuery, vars, &out)
	p := page{Title: r.lang.T("web.overview.title"), Data: &d}
	if len(errs) > 0 {
		p.Error = errs.In(r.lang)
	}
	d.Position, d.RegionCount = out.Position, len(out.Regions)
	names := regionNames(out.Regions)
	country := map[string]string{}
	for _, rg := range out.Regions {
		country[rg.Code] = rg.Country
		if rg.Level == "COUNTRY" {
			d.Countries = append(d.Countries, option{rg.Code, rg.Name})
		}
	}
	// Every kind the API knows of, whatever the filter.
	for _, k := range operationKinds {
		d.Kinds = append(d.Kinds, option{k, r.lang.Code("opkind", k)})
	}
	for _, k := range policyKinds {
		d.Kinds = append(d.Kinds, option{k, r.lang.Code("policy", k)})
	}
	byCountry := map[string][]ivRow{}
	for _, iv := range out.Interventions {
		if d.Filter.Family != "" && iv.Category == "POLICY_CHANGE" && !expects(iv, d.Filter.Family) {
			continue
		}
		row := ivRow{interventionOut: iv, KindLabel: kindLabel(r, iv)}
		countries := map[string]bool{}
		for _, rg := range iv.Regions {
			row.RegionNames = append(row.RegionNames, names.of(rg))
			countries[country[rg]] = true
		}
		if d.Filter.Country != "" && !countries[d.Filter.Country] {
			continue
		}
		d.Interventions = append(d.Interventions, row)
		for c := range countries {
			byCountry[c] = append(byCountry[c], row)
		}
	}
	d.Groups = timelines(r, byCountry, names, d.Filter.From, d.Filter.To)
	for _, c := range out.Cycles {
		if c.Status == "OPEN" {
			d.OpenCycles = append(d.OpenCycles, c)
		}
	}
	d.Indicators = h.latest(r, out.Indicators, out.Regions)
	status := http.StatusOK
	if errs.code() == "UNAUTHENTICATED" {
		status = http.StatusUnauthorized
	}
	r.renderStatus(status, "overview", p)
}

// The kinds of the interventions(kind:) filter.
var (
	operationKinds = []string{"SEIZURE_OPERATION", "PORT_CONTROL", "LAB_DISMANTLING", "HIGH_VALUE_TARGETING", "CONTROLLED_DELIVERY",
		"FINANCIAL_INVESTIGATION", "JOINT_INVESTIGATION", "CROP_ERADICATION", "OTHER"}
	policyKinds = []string{"LEGISLATION", "SENTENCING", "PRECURSOR_CONTROL", "ALTERNATIVES_TO_CUSTODY", "RESOURCING", "STRATEGY", "COOPERATION"}
)

func expects(iv interventionOut, family string) bool {
	for _, e := range iv.ExpectedEffects {
		if e.Family == family {
			return true
		}
	}
	return false
}

func kindLabel(r *request, iv interventionOut) string {
	if iv.Category == "POLICY_CHANGE" {
		return r.lang.Code("kind", iv.Category) + ": " + r.lang.Code("policy", iv.Kind)
	}
	return r.lang.Code("kind", iv.Category) + ": " + r.lang.Code("opkind", iv.Kind)
}

// names maps region codes to "Name (CODE)".
type names map[string]string

func regionNames(rs []regionOut) names {
	n := names{}
	for _, r := range rs {
		n[r.Code] = r.Name
	}
	return n
}

func (n names) of(code string) string {
	if name, ok := n[code]; ok && name != code {
		return name + " (" + code + ")"
	}
	return code
}

// latest reads, for every indicator, its latest period with data and in
// how many regions, through compareRegions: over the last three years
// first (one small request), then over the whole series for the
// indicators that have nothing that recent.
func (h *Handler) latest(r *request, inds []indicatorOut, regions []regionOut) []indicatorRow {
	rows := make([]indicatorRow, len(inds))
	for i, ind := range inds {
		rows[i].indicatorOut = ind
	}
	codes := make([]string, len(regions))
	for i, rg := range regions {
		codes[i] = rg.Code
	}
	var missing []int
	for i := range inds {
		missing = append(missing, i)
	}
	for _, recent := range []bool{true, false} {
		if len(missing) == 0 || len(codes) == 0 {
			break
		}
		missing = h.latestFrom(r, rows, missing, codes, recent)
	}
	return rows
}

// recentPeriod is the first period, in granularity g, of the year three
// years ago.
func recentPeriod(g string) string {
	y := time.Now().UTC().Year() - 3
	switch g {
	case "QUARTER":
		return fmt.Sprintf("%d-Q1", y)
	case "MONTH":
		return fmt.Sprintf("%d-01", y)
	case "WEEK":
		return fmt.Sprintf("%d-W01", y)
	case "DAY":
		return fmt.Sprintf("%d-01-01", y)
	}
	return fmt.Sprint(y)
}

// latestFrom fills rows[i] for i in which from the series of the last
// three years (recent) or all, and returns the indices still without
// data.
func (h *Handler) latestFrom(r *request, rows []indicatorRow, which []int, codes []string, recent bool) []int {
	var b strings.Builder
	b.WriteString("query Latest($regions: [ID!]!) {")
	for _, i := range which {
		from := ""
		if recent {
			from = fmt.Sprintf(", from: %q", recentPeriod(rows[i].Granularity))
		}
		fmt.Fprintf(&b, " i%d: compareRegions(indicator: %q, regions: $regions%s) { region points { period value } }", i, rows[i].Code, from)
	}
	b.WriteString(" }")
	vars := map[string]any{"regions": codes}
	out := map[string][]struct {
		Region string
		Points []struct {
			Period string
			Value  *float64
		}
	}{}
	_ = r.query(b.String(), vars, &out)
	var missing []int
	for _, i := range which {
		sum, n := 0.0, 0
		for _, s := range out[fmt.Sprintf("i%d", i)] {
			if len(s.Points) == 0 {
				continue
			}
			last := s.Points[len(s.Points)-1]
			switch {
			case last.Period > rows[i].Latest:
				rows[i].Latest, rows[i].Reporting, sum, n = last.Period, 1, 0, 0
			case last.Period == rows[i].Latest:
				rows[i].Reporting++
			default:
				continue
			}
			if last.Value != nil {
				sum += *last.Value
				n++
			}
		}
		if n > 0 {
			rows[i].Value, rows[i].HasValue = sum/float64(n), true
		}
		if rows[i].Latest == "" {
			missing = append(missing, i)
		}
	}
	return missing
}

// timelines draws, per country, the interventions as bars on a time axis
// (SVG, with each bar a link to the intervention and a title for screen
// readers).
func timelines(r *request, byCountry map[string][]ivRow, n names, from, to string) []timelineGroup {
	lo, hi := parseDay(from), parseDay(to)
	if lo.IsZero() || hi.IsZero() {
		for _, rows := range byCountry {
			for _, iv := range rows {
				s := parseDay(iv.Start)
				e := s.AddDate(0, 6, 0)
				if iv.End != nil {
					e = parseDay(*iv.End)
				}
				if from == "" && (lo.IsZero() || s.Before(lo)) {
					lo = s
				}
				if to == "" && e.After(hi) {
					hi = e
				}
			}
		}
	}
	if lo.IsZero() || !hi.After(lo) {
		return nil
	}
	lo = time.Date(lo.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	hi = time.Date(hi.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	countries := make([]string, 0, len(byCountry))
	for c := range byCountry {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	const left, width, row = 4.0, 900.0, 22.0
	span := hi.Sub(lo).Hours()
	x := func(t time.Time) float64 { return left + width*math.Max(0, math.Min(1, t.Sub(lo).Hours()/span)) }
	var groups []timelineGroup
	for _, c := range countries {
		rows := byCountry[c]
		sort.Slice(rows, func(i, j int) bool { return rows[i].Start < rows[j].Start })
		H := row*float64(len(rows)) + 24
		var b strings.Builder
		fmt.Fprintf(&b, `<svg class="tl" viewBox="0 0 %.0f %.0f" role="group" aria-label="%s">`, width+2*left, H, html.EscapeString(r.lang.T("web.timeline.of", n.of(c))))
		for y := lo.Year(); y <= hi.Year(); y++ {
			t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="0" y2="%.0f" stroke="#ccc"/>`, x(t), x(t), H-14)
			if (y-lo.Year())%2 == 0 && y < hi.Year() {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" fill="#333">%d</text>`, x(t)+2, H-2, y)
			}
		}
		for i, iv := range rows {
			s := parseDay(iv.Start)
			e := hi
			if iv.End != nil {
				e = parseDay(*iv.End)
			}
			x0, x1 := x(s), math.Max(x(e), x(s)+4)
			colour := "#1f4e79"
			if iv.Category == "POLICY_CHANGE" {
				colour = "#7a4b00"
			}
			label := iv.Title + ", " + r.lang.DateString(iv.Start)
			fmt.Fprintf(&b, `<a href="/interventions/%s" aria-label="%s"><rect x="%.1f" y="%.0f" width="%.1f" height="16" fill="%s"><title>%s</title></rect>`,
				html.EscapeString(iv.ID), html.EscapeString(label), x0, float64(i)*row+2, x1-x0, colour, html.EscapeString(label))
			tx, anchor, fill, title, size := timelineLabel(iv.Title, x0, x1, left, left+width)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="%s" text-anchor="%s" fill="%s">%s</text></a>`, tx, float64(i)*row+15,
				strconv.FormatFloat(size, 'f', -1, 64), anchor, fill, html.EscapeString(title))
		}
		b.WriteString(`</svg>`)
		groups = append(groups, timelineGroup{Name: n.of(c), SVG: b.String()})
	}
	return groups
}

// timelineLabel places a bar's title where it can be read whole: after
// the bar, else inside it (white on the bar's colour), else before it, at
// 12 px (about 6.6 px a character); where none of these has room, in the
// widest of them at the size that fits it, down to 8 px; only a title too
// long even then is shortened with an ellipsis (the bar's tooltip and the
// table below give it whole).
func timelineLabel(title string, x0, x1, lo, hi float64) (x float64, anchor, fill, text string, size float64) {
	const char, gap = 6.6 / 12, 4.0 // width of a character per px of font size
	w := float64(utf8.RuneCountInString(title)) * char * 12
	after, inside, before := hi-(x1+gap), x1-x0-2*gap, x0-gap-lo
	place := func(room float64) (float64, string, string) {
		switch room {
		case after:
			return x1 + gap, "start", "#111"
		case inside:
			return x0 + gap, "start", "#fff"
		}
		return x0 - gap, "end", "#111"
	}
	size = 12
	room := after
	switch {
	case w <= after:
	case w <= inside:
		room = inside
	case w <= before:
		room = before
	default:
		room = max(after, inside, before)
		size = max(8, math.Floor(12*room/w*10)/10)
		if n := int(room / (char * size)); n < utf8.RuneCountInString(title) {
			r := []rune(title)
			title = strings.TrimRight(string(r[:max(1, n-1)]), " ,;:(") + "…"
		}
	}
	x, anchor, fill = place(room)
	return x, anchor, fill, title, size
}

func parseDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}
