package importer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Catalog says what is defined: the granularity of each indicator and
// which regions exist. Implementations answer from a read model, from a
// server, or from a mapping's definitions (WithDefinitions).
type Catalog interface {
	// Granularity returns the indicator's granularity, false if it is
	// not defined.
	Granularity(indicator string) (domain.Granularity, bool)
	// RegionExists reports whether the region is defined.
	RegionExists(code string) bool
}

// WithDefinitions returns a Catalog that also knows the indicators and
// regions that m defines.
func WithDefinitions(c Catalog, m *Mapping) Catalog {
	d := defined{c: c, ind: map[string]domain.Granularity{}, reg: map[string]bool{}}
	for _, i := range m.DefineIndicators {
		d.ind[i.Code] = i.Granularity
	}
	for _, r := range m.DefineRegions {
		d.reg[r.Code] = true
	}
	return d
}

type defined struct {
	c   Catalog
	ind map[string]domain.Granularity
	reg map[string]bool
}

func (d defined) Granularity(code string) (domain.Granularity, bool) {
	if g, ok := d.ind[code]; ok {
		return g, true
	}
	return d.c.Granularity(code)
}

func (d defined) RegionExists(code string) bool { return d.reg[code] || d.c.RegionExists(code) }

// Row is one valid observation and where it came from.
type Row struct {
	Line      int    // line of the record in the file
	Column    string // column of the value
	Indicator string
	domain.ObservationRow
}

// RowError is a record or a cell that cannot be imported: the file, line
// and column, an error code (BAD_INPUT, NOT_FOUND, CONFLICT) and the
// reason in plain words. Raw holds the record's fields as read.
type RowError struct {
	File   string
	Line   int
	Column string
	Code   domain.Code
	Reason string
	Raw    []string
	// Msg is Reason as a message of the catalogue (Reason is its
	// English); zero for a reason only known in English.
	Msg i18n.Msg
}

// In writes the error in l as Error does: "file:line: column C: reason".
func (e *RowError) In(l i18n.Lang) string {
	if l == i18n.EN || e.Msg.IsZero() {
		return e.Error()
	}
	where := strconv.Itoa(e.Line)
	if e.File != "" {
		where = e.File + ":" + where
	}
	if e.Column != "" {
		return l.T("importer.at.column", where, e.Column, l.Render(e.Msg))
	}
	return l.T("importer.at", where, l.Render(e.Msg))
}

// rowError returns the error of line (column) with the catalogue's
// message key and args.
func rowError(line int, column string, code domain.Code, raw []string, key string, args ...any) *RowError {
	m := i18n.M(key, args...)
	return &RowError{Line: line, Column: column, Code: code, Reason: i18n.EN.Render(m), Raw: raw, Msg: m}
}

func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(": ")
	if e.Column != "" {
		b.WriteString("column " + e.Column + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Result is what Decode read.
type Result struct {
	Rows    []Row       // valid observations, in file order
	Rejects []*RowError // records and cells that cannot be imported
	Records int         // records read
	Missing int         // cells that hold no value (Mapping.Missing), skipped
	Columns []string    // the header (nil for JSON lines)
}

// Options configures Decode.
type Options struct {
	// File names the input in errors.
	File string
	// Catalog knows indicators and regions (required).
	Catalog Catalog
	// Periods, when set, rejects each row whose period lies outside it
	// (the range of the service that will record the rows); the zero
	// range checks nothing here and leaves it to the service.
	Periods domain.PeriodRange
}

// Decode reads every record of in with mapping m and validates each
// observation: region and period normalised and known, value a finite
// number, no observation twice. It returns an error only when the file as
// a whole cannot be read (no header, a column the mapping names is
// missing, an I/O error); bad records and cells are in Result.Rejects.
// Decode calls m.Resolve.
func Decode(in io.Reader, m *Mapping, opt Options) (*Result, error) {
	if opt.Catalog == nil {
		return nil, errors.New("importer: Options.Catalog is required")
	}
	if m.Format == "" {
		m.Format = FormatFor(opt.File)
	}
	var rd reader
	if m.Format == JSONLines {
		rd = newJSONReader(in)
	} else {
		cr, err := newCSVReader(in, m.Delimiter)
		if err != nil {
			return nil, inFile("importer.at", opt.File, err)
		}
		rd = cr
	}
	if err := m.Resolve(rd.columns()); err != nil {
		return nil, inFile("import.err.mapping", opt.File, err)
	}
	d := &decoder{m: m, opt: opt, res: &Result{Columns: rd.columns()}, seen: map[string]int{}, miss: map[string]bool{}}
	for _, s := range m.Missing {
		d.miss[strings.TrimSpace(s)] = true
	}
	if m.wide != nil {
		for _, i := range m.wideColumns(rd.columns()) {
			col := rd.columns()[i]
			p := col
			if sm := m.wide.FindStringSubmatch(col); len(sm) > 1 {
				p = sm[1]
			}
			d.wide = append(d.wide, wideCol{col, p})
		}
	}
	for {
		rec, err := rd.next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			d.res.Records++
			d.reject(re)
			continue
		}
		if err != nil {
			return nil, inFile("importer.at", opt.File, err)
		}
		d.res.Records++
		d.record(rec)
	}
	return d.res, nil
}

type wideCol struct{ column, period string }

type decoder struct {
	m    *Mapping
	opt  Options
	res  *Result
	wide []wideCol
	seen map[string]int // indicator|series|period -> line
	miss map[string]bool
}

func (d *decoder) reject(e *RowError) {
	e.File = d.opt.File
	if e.Code == "" {
		e.Code = domain.BadInput
	}
	d.res.Rejects = append(d.res.Rejects, e)
}

// cell is one value of a record to import.
type cell struct {
	indicator, column, period, value string
}

func (d *decoder) record(rec *record) {
	m := d.m
	fail := func(code domain.Code, column, key string, args ...any) {
		d.reject(rowError(rec.line, column, code, rec.raw, key, args...))
	}
	// The indicator of the record (unless value columns name it).
	ind := m.Indicator
	if m.IndicatorColumn != "" {
		raw := strings.TrimSpace(rec.fields[m.IndicatorColumn])
		ind = raw
		if len(m.IndicatorMap) > 0 {
			code, ok := m.IndicatorMap[raw]
			if !ok {
				fail(domain.BadInput, m.IndicatorColumn, "importer.indicator.unmapped", strconv.Quote(raw))
				return
			}
			ind = code
		}
		if ind == "" {
			fail(domain.BadInput, m.IndicatorColumn, "importer.indicator.none")
			return
		}
	}
	// Region.
	region := m.RegionCode
	if m.Region != "" {
		raw := strings.TrimSpace(rec.fields[m.Region])
		if len(m.RegionMap) > 0 {
			code, ok := m.RegionMap[raw]
			if !ok {
				code, ok = m.RegionMap[intText(raw)]
			}
			if !ok {
				fail(domain.BadInput, m.Region, "importer.region.unmapped", strconv.Quote(raw))
				return
			}
			region = code
		} else {
			region = raw
		}
	}
	if region == "" {
		fail(domain.BadInput, m.Region, "importer.region.none")
		return
	}
	if !d.opt.Catalog.RegionExists(region) {
		fail(domain.NotFound, m.Region, "importer.region.undefined", region)
		return
	}
	// Dimensions.
	var dims []domain.Dimension
	for _, k := range sortedKeys(m.Dimensions) {
		v := strings.TrimSpace(rec.fields[m.Dimensions[k]])
		if v == "" {
			fail(domain.BadInput, m.Dimensions[k], "importer.dimension.empty", k)
			return
		}
		dims = append(dims, domain.Dimension{Key: k, Value: v})
	}
	for _, k := range sortedKeys(m.FixedDimensions) {
		dims = append(dims, domain.Dimension{Key: k, Value: m.FixedDimensions[k]})
	}
	for _, k := range sortedKeys(rec.dims) {
		dims = append(dims, domain.Dimension{Key: k, Value: rec.dims[k]})
	}
	dims, err := domain.CheckDimensions("dimensions", dims)
	if err != nil {
		fail(domain.BadInput, "", "importer.error", errArg(err))
		return
	}
	// The period of a long record.
	period := ""
	if m.Period != "" {
		period = strings.TrimSpace(rec.fields[m.Period])
		if m.Month != "" {
			p, err := monthPeriod(period, rec.fields[m.Month])
			if err != nil {
				fail(domain.BadInput, m.Month, "importer.error", errArg(err))
				return
			}
			period = p
		}
	}
	var cells []cell
	switch {
	case m.wide != nil:
		for _, w := range d.wide {
			cells = append(cells, cell{ind, w.column, w.period, rec.fields[w.column]})
		}
	case len(m.Values) > 0:
		for _, col := range sortedKeys(m.Values) {
			cells = append(cells, cell{m.Values[col], col, period, rec.fields[col]})
		}
	default:
		cells = []cell{{ind, m.Value, period, rec.fields[m.Value]}}
	}
	freq := sdmxFreq(rec.fields)
	for _, c := range cells {
		if d.miss[strings.TrimSpace(c.value)] {
			d.res.Missing++
			continue
		}
		d.cell(rec, region, dims, freq, c)
	}
}

func (d *decoder) cell(rec *record, region string, dims []domain.Dimension, freq domain.Granularity, c cell) {
	fail := func(code domain.Code, key string, args ...any) {
		d.reject(rowError(rec.line, c.column, code, rec.raw, key, args...))
	}
	g, ok := d.opt.Catalog.Granularity(c.indicator)
	if !ok {
		fail(domain.NotFound, "importer.indicator.undefined", c.indicator)
		return
	}
	if freq != "" && freq != g {
		fail(domain.BadInput, "importer.freq", i18n.M("importer.granularity."+string(freq)), c.indicator, i18n.M("importer.granularity."+string(g)))
		return
	}
	raw := c.period
	if mapped, ok := d.m.PeriodMap[raw]; ok {
		raw = mapped
	} else if mapped, ok := d.m.PeriodMap[intText(raw)]; ok {
		raw = mapped
	}
	period, err := NormalizePeriod(g, raw)
	if err != nil {
		fail(domain.BadInput, "importer.error", errArg(err))
		return
	}
	if r := d.opt.Periods; r != (domain.PeriodRange{}) {
		if p, err := domain.ParsePeriod(g, period); err == nil && !r.Contains(p) {
			fail(domain.BadInput, "importer.period.range", period, r.From, r.To)
			return
		}
	}
	v, err := parseValue(c.value)
	if err != nil {
		fail(domain.BadInput, "importer.value", errArg(err))
		return
	}
	row := domain.ObservationRow{Region: region, Period: period, Value: v, Dimensions: dims}
	one := domain.RecordObservations{Indicator: c.indicator, Source: "import", Rows: []domain.ObservationRow{row}}
	if err := one.Validate(); err != nil {
		fail(domain.ErrorCode(err), "importer.error", rowArg(err))
		return
	}
	key := c.indicator + "\x00" + domain.SeriesKey(region, dims) + "\x00" + period
	if line, dup := d.seen[key]; dup {
		fail(domain.BadInput, "importer.duplicate", c.indicator, region, period, dimsText(dims), line)
		return
	}
	d.seen[key] = rec.line
	d.res.Rows = append(d.res.Rows, Row{Line: rec.line, Column: c.column, Indicator: c.indicator, ObservationRow: row})
}

// sdmxFreq returns the granularity an SDMX-CSV record's freq column gives
// ("A", "M", "Q:Quarterly", ...), "" without one.
func sdmxFreq(fields map[string]string) domain.Granularity {
	f, ok := fields["freq"]
	if !ok {
		f = fields["FREQ"]
	}
	f, _, _ = strings.Cut(strings.TrimSpace(f), ":")
	switch f {
	case "A":
		return domain.Year
	case "Q":
		return domain.Quarter
	case "M":
		return domain.Month
	case "W":
		return domain.Week
	case "D":
		return domain.Day
	}
	return ""
}

func dimsText(dims []domain.Dimension) string {
	if len(dims) == 0 {
		return ""
	}
	return " (" + domain.DimensionsKey(dims) + ")"
}

// Recorded says what is already recorded.
type Recorded interface {
	// Value returns the current value of an observation, false if none.
	Value(indicator, region string, dims []domain.Dimension, period string) (float64, bool)
}

// Reconcile compares rows with what is recorded. Rows with no recorded
// value come back in fresh; rows recorded with the same value are counted
// in same (re-importing is not an error); rows recorded with another value
// are conflicts that say to use reviseObservation.
func Reconcile(file string, rows []Row, rec Recorded) (fresh []Row, same int, conflicts []*RowError) {
	fresh = rows[:0:0]
	for _, r := range rows {
		v, ok := rec.Value(r.Indicator, r.Region, r.Dimensions, r.Period)
		switch {
		case !ok:
			fresh = append(fresh, r)
		case v == r.Value:
			same++
		default:
			e := rowError(r.Line, r.Column, domain.Conflict, nil, "importer.conflict",
				r.Indicator, r.Region, r.Period, dimsText(r.Dimensions), i18n.Num(fmtNum, v), i18n.Num(fmtNum, r.Value))
			e.File = file
			conflicts = append(conflicts, e)
		}
	}
	return fresh, same, conflicts
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Batch is one recordObservations command: rows of one indicator.
type Batch struct {
	Indicator string
	Rows      []Row
}

// Command returns the batch as a command with the given source.
func (b Batch) Command(source string) domain.RecordObservations {
	rows := make([]domain.ObservationRow, len(b.Rows))
	for i, r := range b.Rows {
		rows[i] = r.ObservationRow
	}
	return domain.RecordObservations{Indicator: b.Indicator, Source: source, Rows: rows}
}

// Batches groups rows by indicator (in order of first appearance, file
// order within) and cuts them into batches of at most max rows. The
// result depends only on the rows, so a re-run cuts the same batches.
func Batches(rows []Row, max int) []Batch {
	if max <= 0 {
		max = 5000
	}
	var order []string
	by := map[string][]Row{}
	for _, r := range rows {
		if _, ok := by[r.Indicator]; !ok {
			order = append(order, r.Indicator)
		}
		by[r.Indicator] = append(by[r.Indicator], r)
	}
	var out []Batch
	for _, ind := range order {
		for rs := range slices.Chunk(by[ind], max) {
			out = append(out, Batch{Indicator: ind, Rows: rs})
		}
	}
	return out
}

// CommandID returns the command ID of a batch of an import whose input
// has the given digest (for example a hash of the file and the mapping):
// "imp-" + 16 hex digits of the digest + "-" + 16 hex digits of the
// batch's content. It depends on content only, not on the batch's place,
// so retrying a batch, or re-running an import that was interrupted,
// gives the same ID and the store records it once.
func CommandID(digest string, b Batch) string {
	h := sha256.New()
	h.Write([]byte(b.Indicator))
	var buf [8]byte
	for _, r := range b.Rows {
		h.Write([]byte{0})
		h.Write([]byte(r.Region))
		h.Write([]byte{0})
		h.Write([]byte(r.Period))
		h.Write([]byte{0})
		h.Write([]byte(domain.DimensionsKey(r.Dimensions)))
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(r.Value))
		h.Write(buf[:])
	}
	if len(digest) > 16 {
		digest = digest[:16]
	}
	return fmt.Sprintf("imp-%s-%s", digest, hex.EncodeToString(h.Sum(nil)[:8]))
}

// rowArg is the error of a one-row recordObservations as an argument of
// a message, without the row's "rows[0]." (its line and column say where).
func rowArg(err error) any {
	var de *domain.Error
	if !errors.As(err, &de) || de.Msg.IsZero() || err.Error() != de.Error() {
		return strings.TrimPrefix(err.Error(), "rows[0].")
	}
	if f := strings.TrimPrefix(de.Field, "rows[0]."); f != "" {
		return i18n.M("error.field", f, de.Msg)
	}
	return de.Msg
}
