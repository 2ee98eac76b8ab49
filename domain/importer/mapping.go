package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Format is the layout of an input file.
type Format string

// The formats Decode reads.
const (
	CSV       Format = "csv"   // a header line, then one record per line
	SDMX      Format = "sdmx"  // SDMX-CSV (Eurostat): DATAFLOW, freq, geo, TIME_PERIOD, OBS_VALUE, OBS_FLAG, ...
	JSONLines Format = "jsonl" // one JSON object per line
)

// Mapping says how the columns of a file become observations. Column names
// are header names (CSV, SDMX-CSV) or object keys (JSON lines). Zero values
// take the format's defaults (see Resolve).
type Mapping struct {
	// Format is csv, sdmx or jsonl; FormatFor guesses it from a file name.
	Format Format `json:"format,omitempty"`
	// Delimiter is the CSV field separator (default ",").
	Delimiter string `json:"delimiter,omitempty"`
	// Source names the dataset in the recorded events (default: the file name).
	Source string `json:"source,omitempty"`

	// Indicator is the indicator of every row, unless IndicatorColumn or
	// Values says otherwise.
	Indicator string `json:"indicator,omitempty"`
	// IndicatorColumn holds each row's indicator; IndicatorMap translates
	// its values to indicator codes (values not in a non-empty map are
	// rejected).
	IndicatorColumn string            `json:"indicatorColumn,omitempty"`
	IndicatorMap    map[string]string `json:"indicatorMap,omitempty"`
	// Values maps value columns to indicator codes, for long tables with
	// several measures per line (prop99: cigsale, retprice, ...). When it
	// is empty, Value is the one value column.
	Values map[string]string `json:"values,omitempty"`
	Value  string            `json:"value,omitempty"`

	// Region is the column with the region; RegionCode is a fixed region
	// for files about one region. RegionMap translates values to codes
	// (names to codes, numbers to codes); with a non-empty map, a value it
	// does not hold is an error.
	Region     string            `json:"region,omitempty"`
	RegionCode string            `json:"regionCode,omitempty"`
	RegionMap  map[string]string `json:"regionMap,omitempty"`

	// Period is the column with the period (or the year, when Month is
	// set); Month is a column with month numbers 1-12. PeriodMap
	// translates values before normalisation (card_krueger: 0 -> 1992-02).
	Period    string            `json:"period,omitempty"`
	Month     string            `json:"month,omitempty"`
	PeriodMap map[string]string `json:"periodMap,omitempty"`
	// WidePeriods, a regular expression, makes the table wide: every
	// column whose header matches it is a period (the header is the period,
	// or the expression's first group is), the cell its value.
	WidePeriods string `json:"widePeriods,omitempty"`

	// Dimensions maps dimension keys to columns; FixedDimensions adds
	// constant dimensions to every row.
	Dimensions      map[string]string `json:"dimensions,omitempty"`
	FixedDimensions map[string]string `json:"fixedDimensions,omitempty"`
	// Missing lists cell values that mean "no observation"; such cells are
	// skipped, not rejected (default "", "NA", "N/A", ":", "..", "-", "NaN").
	Missing []string `json:"missing,omitempty"`

	// DefineIndicators and DefineRegions are definitions the file needs;
	// the importer records those that do not exist yet before the rows.
	DefineIndicators []domain.DefineIndicator `json:"defineIndicators,omitempty"`
	DefineRegions    []domain.DefineRegion    `json:"defineRegions,omitempty"`

	wide *regexp.Regexp
}

var defaultMissing = []string{"", "NA", "N/A", "na", ":", "..", "-", "NaN", "nan", "null"}

// sdmxReserved are SDMX-CSV columns that are never dimensions.
var sdmxReserved = []string{"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "LAST UPDATE", "freq", "FREQ", "geo", "GEO", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS", "OBS_STATUS"}

// FormatFor returns the format a file name suggests: .jsonl/.ndjson ->
// jsonl, anything else csv (SDMX-CSV is recognised by its header).
func FormatFor(name string) Format {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson") || strings.HasSuffix(n, ".json") {
		return JSONLines
	}
	return CSV
}

// ParseMapping reads a mapping file: a JSON object with the fields of
// Mapping, or simple key=value lines ('#' starts a comment) where
// "values.COLUMN=CODE", "regionMap.RAW=CODE", "indicatorMap.RAW=CODE",
// "periodMap.RAW=PERIOD", "dimensions.KEY=COLUMN" and
// "fixedDimensions.KEY=VALUE" fill the maps and "missing" is a
// comma-separated list. Definitions need the JSON form.
func ParseMapping(data []byte) (*Mapping, error) {
	var m Mapping
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		d := json.NewDecoder(bytes.NewReader(t))
		d.DisallowUnknownFields()
		if err := d.Decode(&m); err != nil {
			return nil, fileErrOf(err, "import.err.mapping.json", jsonCause(err))
		}
		return &m, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fileErr("import.err.mapping.kv", n, line)
		}
		if err := m.Set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return nil, fileErrOf(err, "import.err.mapping.line", n, errArg(err))
		}
	}
	return &m, sc.Err()
}

// Set sets one mapping key, as a key=value mapping line or a command-line
// flag does.
func (m *Mapping) Set(key, value string) error {
	put := func(mp *map[string]string, k string) {
		if *mp == nil {
			*mp = map[string]string{}
		}
		(*mp)[k] = value
	}
	if prefix, sub, ok := strings.Cut(key, "."); ok {
		switch prefix {
		case "values":
			put(&m.Values, sub)
		case "regionMap":
			put(&m.RegionMap, sub)
		case "indicatorMap":
			put(&m.IndicatorMap, sub)
		case "periodMap":
			put(&m.PeriodMap, sub)
		case "dimensions":
			put(&m.Dimensions, sub)
		case "fixedDimensions":
			put(&m.FixedDimensions, sub)
		default:
			return fileErr("import.err.mapping.key", key)
		}
		return nil
	}
	switch key {
	case "format":
		m.Format = Format(value)
	case "delimiter":
		m.Delimiter = value
	case "source":
		m.Source = value
	case "indicator":
		m.Indicator = value
	case "indicatorColumn":
		m.IndicatorColumn = value
	case "value":
		m.Value = value
	case "region":
		m.Region = value
	case "regionCode":
		m.RegionCode = value
	case "period":
		m.Period = value
	case "month":
		m.Month = value
	case "widePeriods":
		m.WidePeriods = value
	case "missing":
		m.Missing = strings.Split(value, ",")
	default:
		return fileErr("import.err.mapping.key", key)
	}
	return nil
}

// Resolve fills the format's defaults and checks the mapping against a
// file's columns (nil for JSON lines, whose keys vary by line).
func (m *Mapping) Resolve(columns []string) error {
	var errs []error
	if m.Format == "" {
		m.Format = CSV
	}
	if m.Format == CSV && slices.Contains(columns, "OBS_VALUE") && slices.Contains(columns, "TIME_PERIOD") {
		m.Format = SDMX
	}
	switch m.Format {
	case SDMX:
		def(&m.Region, "geo")
		def(&m.Period, "TIME_PERIOD")
		def(&m.Value, "OBS_VALUE")
		if m.Dimensions == nil {
			m.Dimensions = map[string]string{}
			for _, c := range columns {
				if !slices.Contains(sdmxReserved, c) && c != m.IndicatorColumn && c != m.Region && c != m.Period && c != m.Value {
					m.Dimensions[c] = c
				}
			}
		}
	case CSV, JSONLines:
		def(&m.Region, "region")
		def(&m.Period, "period")
		if m.Format == JSONLines && m.Indicator == "" {
			def(&m.IndicatorColumn, "indicator")
		}
		if len(m.Values) == 0 && m.WidePeriods == "" {
			def(&m.Value, "value")
		}
	default:
		errs = append(errs, fileErr("import.err.mapping.format", string(m.Format)))
	}
	if m.RegionCode != "" {
		m.Region = ""
	}
	if m.Missing == nil {
		m.Missing = defaultMissing
	}
	if m.WidePeriods != "" {
		re, err := regexp.Compile(m.WidePeriods)
		if err != nil {
			errs = append(errs, fileErrOf(err, "import.err.mapping.wide", err.Error()))
		}
		m.wide = re
		m.Period, m.Value = "", ""
		if len(m.Values) > 0 {
			errs = append(errs, fileErr("import.err.mapping.values"))
		}
	}
	if m.Indicator == "" && m.IndicatorColumn == "" && len(m.Values) == 0 {
		errs = append(errs, fileErr("import.err.mapping.noind"))
	}
	if columns != nil {
		need := func(what i18n.Msg, col string) {
			if col != "" && !slices.Contains(columns, col) {
				errs = append(errs, fileErr("import.err.mapping.column", what, col, strings.Join(columns, ", ")))
			}
		}
		need(i18n.M("import.err.what.region"), m.Region)
		need(i18n.M("import.err.what.period"), m.Period)
		need(i18n.M("import.err.what.month"), m.Month)
		need(i18n.M("import.err.what.value"), m.Value)
		need(i18n.M("import.err.what.indicator"), m.IndicatorColumn)
		for _, c := range sortedKeys(m.Values) {
			need(i18n.M("import.err.what.value"), c)
		}
		for _, k := range sortedKeys(m.Dimensions) {
			need(i18n.M("import.err.what.dimension", k), m.Dimensions[k])
		}
		if m.wide != nil && len(m.wideColumns(columns)) == 0 {
			errs = append(errs, fileErr("import.err.mapping.nowide", m.WidePeriods))
		}
	}
	return joinErrs(errs)
}

func (m *Mapping) wideColumns(columns []string) []int {
	var out []int
	for i, c := range columns {
		if m.wide.MatchString(c) {
			out = append(out, i)
		}
	}
	return out
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
