package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// record is one input record: its first line, its fields by column name
// and its raw fields (for a rejects file).
type record struct {
	line   int
	fields map[string]string
	raw    []string
	// dims are dimensions given as a JSON object or list (JSON lines).
	dims map[string]string
}

// reader yields records; next returns io.EOF at the end.
type reader interface {
	columns() []string
	next() (*record, error)
}

// csvReader reads CSV and SDMX-CSV.
type csvReader struct {
	r      *csv.Reader
	header []string
}

func newCSVReader(in io.Reader, delim string) (*csvReader, error) {
	r := csv.NewReader(in)
	if delim != "" {
		d, n := utf8.DecodeRuneInString(delim)
		if n != len(delim) || d == '"' || d == '\r' || d == '\n' {
			return nil, fileErr("import.err.delimiter", delim)
		}
		r.Comma = d
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, fileErr("import.err.empty")
	}
	if err != nil {
		return nil, fileErrOf(err, "import.err.header", err.Error())
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	seen := map[string]bool{}
	for _, h := range header {
		if seen[h] {
			return nil, fileErr("import.err.header.twice", h)
		}
		seen[h] = true
	}
	return &csvReader{r: r, header: header}, nil
}

func (c *csvReader) columns() []string { return c.header }

func (c *csvReader) next() (*record, error) {
	fields, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, rowError(pe.StartLine, "", "", nil, "importer.csv.bad", pe.Err.Error())
		}
		return nil, err
	}
	line, _ := c.r.FieldPos(0)
	rec := &record{line: line, raw: fields, fields: make(map[string]string, len(c.header))}
	if len(fields) != len(c.header) {
		return rec, rowError(line, "", "", fields, "importer.csv.fields", len(fields), len(c.header))
	}
	for i, h := range c.header {
		rec.fields[h] = fields[i]
	}
	return rec, nil
}

// jsonReader reads JSON lines: one object per line, blank lines ignored.
type jsonReader struct {
	sc   *bufio.Scanner
	line int
}

func newJSONReader(in io.Reader) *jsonReader {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	return &jsonReader{sc: sc}
}

func (j *jsonReader) columns() []string { return nil }

func (j *jsonReader) next() (*record, error) {
	for j.sc.Scan() {
		j.line++
		text := bytes.TrimSpace(j.sc.Bytes())
		if len(text) == 0 {
			continue
		}
		rec := &record{line: j.line, raw: []string{string(text)}, fields: map[string]string{}}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(text, &obj); err != nil {
			return rec, rowError(j.line, "", "", rec.raw, "importer.json.bad", err.Error())
		}
		for k, v := range obj {
			if k == "dimensions" {
				dims, err := jsonDims(v)
				if err != nil {
					return rec, rowError(j.line, k, "", rec.raw, "importer.error", errArg(err))
				}
				rec.dims = dims
				continue
			}
			s, err := jsonScalar(v)
			if err != nil {
				return rec, rowError(j.line, k, "", rec.raw, "importer.error", errArg(err))
			}
			rec.fields[k] = s
		}
		return rec, nil
	}
	if err := j.sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", j.line+1, err)
	}
	return nil, io.EOF
}

// jsonScalar returns a JSON string, number, boolean or null as text.
func jsonScalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '{', '[':
		return "", msgErr("import.err.json.object")
	case 'n':
		return "", nil
	}
	if _, err := strconv.ParseFloat(string(v), 64); err == nil || string(v) == "true" || string(v) == "false" {
		return string(v), nil
	}
	return "", msgErr("import.err.json.value", string(v))
}

// jsonDims reads dimensions as {"key": "value"} or [{"key": k, "value": v}].
func jsonDims(v json.RawMessage) (map[string]string, error) {
	out := map[string]string{}
	var obj map[string]string
	if err := json.Unmarshal(v, &obj); err == nil {
		return obj, nil
	}
	var list []struct{ Key, Value string }
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, msgErr("import.err.json.dims")
	}
	for _, d := range list {
		out[d.Key] = d.Value
	}
	return out, nil
}
