package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/importer"
	"github.com/supplyeval/supplyeval/graphql"
)

// Bounds of the import page.
const (
	maxUpload   = 64 << 20
	previewRows = 20
	batchRows   = 5000
	keepImports = 30 * time.Minute
)

// upload is a decoded file waiting for the user to record it, then the
// progress of its recording.
type upload struct {
	owner    string
	file     string
	source   string
	digest   string
	rows     []importer.Row
	created  time.Time
	mu       sync.Mutex
	total    int
	done     int
	finished bool
	// failure is the API's refusal of a batch, written in the language
	// of each page that asks for the progress.
	failure  apiErrors
	position string
}

// uploads holds the uploads by id. It is safe for concurrent use.
type uploads struct {
	mu sync.Mutex
	m  map[string]*upload
}

func (u *uploads) put(up *upload) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[string]*upload{}
	}
	for k, v := range u.m {
		if time.Since(v.created) > keepImports {
			delete(u.m, k)
		}
	}
	u.m[id] = up
	return id
}

// get returns the upload id of owner.
func (u *uploads) get(id, owner string) *upload {
	u.mu.Lock()
	defer u.mu.Unlock()
	up := u.m[id]
	if up == nil || up.owner != owner {
		return nil
	}
	return up
}

type importData struct {
	ID       string
	File     string
	Records  int
	Rows     int
	Series   int
	Preview  []importer.Row
	Rejects  []*importer.RowError
	Progress bool
	Form     struct{ Indicator, Source, Mapping string }
	// Indicators are the indicators defined, offered as the indicator
	// field's choices (a file may also define new ones).
	Indicators []option
}

func (h *Handler) importPage(r *request) {
	d := &importData{}
	d.Indicators = indicatorChoices(r)
	r.render("import", page{Title: r.lang.T("web.import.title"), Data: d})
}

// indicatorChoices are the indicators the principal may see, by code, with
// their names: the import form's suggestions.
func indicatorChoices(r *request) []option {
	var out struct{ Indicators []struct{ Code, Name string } }
	if errs := r.query(`{ indicators { code name } }`, nil, &out); len(errs) > 0 {
		return nil
	}
	opts := make([]option, len(out.Indicators))
	for i, ind := range out.Indicators {
		opts[i] = option{Code: ind.Code, Label: ind.Name}
	}
	return opts
}

// catalog answers the importer from the API, as the principal sees it.
type catalog struct {
	gran    map[string]domain.Granularity
	regions map[string]bool
}

func (c catalog) Granularity(code string) (domain.Granularity, bool) {
	g, ok := c.gran[code]
	return g, ok
}
func (c catalog) RegionExists(code string) bool { return c.regions[code] }

// previewImport decodes the upload and shows its first rows and every
// error, recording nothing.
func (h *Handler) previewImport(r *request) {
	d := &importData{}
	d.Indicators = indicatorChoices(r)
	p := page{Title: r.lang.T("web.import.title"), Data: d}
	d.Form.Indicator, d.Form.Source, d.Form.Mapping = strings.TrimSpace(r.FormValue("indicator")), strings.TrimSpace(r.FormValue("source")), r.FormValue("mapping")
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = r.lang.T("web.import.nofile")
		r.renderStatus(http.StatusBadRequest, "import", p)
		return
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxUpload))
	if err != nil {
		p.Error = err.Error()
		r.renderStatus(http.StatusBadRequest, "import", p)
		return
	}
	m := &importer.Mapping{}
	if strings.TrimSpace(d.Form.Mapping) != "" {
		if m, err = importer.ParseMapping([]byte(d.Form.Mapping)); err != nil {
			p.Error = domain.MessageIn(err, r.lang)
			r.renderStatus(http.StatusBadRequest, "import", p)
			return
		}
	}
	if d.Form.Indicator != "" {
		m.Indicator = d.Form.Indicator
	} else if m.Indicator == "" && m.IndicatorColumn == "" {
		m.IndicatorColumn = "indicator"
	}
	if d.Form.Source != "" {
		m.Source = d.Form.Source
	}
	if m.Source == "" {
		m.Source = hdr.Filename
	}
	var out struct {
		Indicators []struct{ Code, Granularity string }
		Regions    []struct{ Code string }
	}
	if errs := r.query(`{ indicators { code granularity } regions { code } }`, nil, &out); len(errs) > 0 {
		p.Error = errs.In(r.lang)
		r.renderStatus(http.StatusBadRequest, "import", p)
		return
	}
	cat := catalog{gran: map[string]domain.Granularity{}, regions: map[string]bool{}}
	for _, i := range out.Indicators {
		cat.gran[i.Code] = domain.Granularity(i.Granularity)
	}
	for _, rg := range out.Regions {
		cat.regions[rg.Code] = true
	}
	res, err := importer.Decode(bytes.NewReader(body), m, importer.Options{File: hdr.Filename, Catalog: importer.WithDefinitions(cat, m)})
	if err != nil {
		// The importer's errors carry their message of the catalogue:
		// the page writes them in its reader's language.
		p.Error = domain.MessageIn(err, r.lang)
		r.renderStatus(http.StatusBadRequest, "import", p)
		return
	}
	d.File, d.Records, d.Rows, d.Rejects = hdr.Filename, res.Records, len(res.Rows), res.Rejects
	series := map[string]bool{}
	for _, row := range res.Rows {
		series[row.Indicator+"\x00"+row.Region+"\x00"+domain.DimensionsKey(row.Dimensions)] = true
	}
	d.Series = len(series)
	d.Preview = res.Rows[:min(previewRows, len(res.Rows))]
	if len(res.Rejects) == 0 && len(res.Rows) > 0 {
		d.ID = h.uploads.put(&upload{owner: r.principal.Name, file: hdr.Filename, source: m.Source, digest: digestOf(body, d.Form.Mapping+"\x00"+m.Indicator), rows: res.Rows, created: time.Now()})
	}
	r.render("import", p)
}

func digestOf(body []byte, mapping string) string {
	h := newHash()
	h.Write(body)
	h.Write([]byte{0})
	h.Write([]byte(mapping))
	return hex.EncodeToString(h.Sum(nil))
}

// recordImport records a previewed upload, batch by batch, through the
// API's recordObservations as the principal, in the background; the page
// shows its progress.
func (h *Handler) recordImport(r *request) {
	id := r.FormValue("upload")
	up := h.uploads.get(id, r.principal.Name)
	if up == nil {
		r.renderStatus(http.StatusNotFound, "import", page{Title: r.lang.T("web.import.title"), Error: r.lang.T("web.import.expired"), Data: &importData{}})
		return
	}
	up.mu.Lock()
	started := up.total > 0
	batches := importer.Batches(up.rows, batchRows)
	if !started {
		up.total = len(batches)
	}
	up.mu.Unlock()
	if !started {
		go h.record(graphql.NewContextWithPrincipal(context.Background(), r.principal), r.principal, up, batches)
	}
	d := &importData{ID: id, File: up.file, Rows: len(up.rows), Progress: true}
	r.render("import", page{Title: r.lang.T("web.import.title"), Data: d})
}

func (h *Handler) record(ctx context.Context, p graphql.Principal, up *upload, batches []importer.Batch) {
	for _, b := range batches {
		cmd := b.Command(up.source)
		rows := make([]map[string]any, len(cmd.Rows))
		for i, row := range cmd.Rows {
			dims := make([]map[string]any, len(row.Dimensions))
			for j, dm := range row.Dimensions {
				dims[j] = map[string]any{"key": dm.Key, "value": dm.Value}
			}
			rows[i] = map[string]any{"region": row.Region, "period": row.Period, "value": row.Value, "dimensions": dims}
		}
		var out struct{ RecordObservations struct{ Position string } }
		errs := h.exec(ctx, p, `mutation Record($input: RecordObservationsInput!) { recordObservations(input: $input) { position } }`,
			map[string]any{"input": map[string]any{"indicator": cmd.Indicator, "source": cmd.Source, "rows": rows, "commandId": importer.CommandID(up.digest, b)}}, &out, false)
		up.mu.Lock()
		if len(errs) > 0 {
			up.failure, up.finished = errs, true
			up.mu.Unlock()
			return
		}
		up.done++
		up.position = out.RecordObservations.Position
		up.mu.Unlock()
	}
	up.mu.Lock()
	up.finished = true
	up.mu.Unlock()
}

// importJob answers the progress of a recording (JSON, for the page's
// script).
func (h *Handler) importJob(r *request) {
	up := h.uploads.get(r.PathValue("id"), r.principal.Name)
	if up == nil {
		http.NotFound(r.w, r.Request)
		return
	}
	up.mu.Lock()
	st := map[string]any{"total": up.total, "done": up.done, "finished": up.finished}
	switch {
	case len(up.failure) > 0:
		st["message"] = r.lang.T("web.import.failed", up.failure.In(r.lang))
	case up.finished:
		st["message"] = r.lang.T("web.import.done", r.lang.Int(len(up.rows)), up.position)
	default:
		st["message"] = r.lang.T("web.import.progress.status", r.lang.Int(up.done), r.lang.Int(up.total))
	}
	up.mu.Unlock()
	r.w.Header().Set("Content-Type", "application/json")
	r.w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(r.w).Encode(st)
}
