package domain

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Observation batches are most of the log (the 21.6 M-observation panel of
// DESIGN.md section 8 is nothing else), and decoding them with
// encoding/json took three quarters of a cold start. parseBatchJSON reads
// the compact JSON that encoding/json writes for ObservationsRecorded and
// RecordObservations three to eight times faster, interning the region and
// period strings that repeat in a batch. Anything it does not expect
// (escapes, non-ASCII, unknown fields, other spacing, numbers outside
// JSON's grammar) goes to encoding/json, so the result is always what
// encoding/json gives (FuzzObservationsJSON checks it). Encoding stays
// with encoding/json, which is as fast here, so command hashes cannot
// change.

// decodeObservationsRecorded is the event decoder of ObservationsRecorded.
func decodeObservationsRecorded(b []byte) (Event, error) {
	if ind, src, rows, ok := parseBatchJSON(b); ok {
		return ObservationsRecorded{Indicator: ind, Source: src, Rows: rows}, nil
	}
	var e ObservationsRecorded
	err := e.UnmarshalJSON(b)
	return e, err
}

// UnmarshalJSON reads e as encoding/json would.
func (e *ObservationsRecorded) UnmarshalJSON(b []byte) error {
	if ind, src, rows, ok := parseBatchJSON(b); ok {
		*e = ObservationsRecorded{Indicator: ind, Source: src, Rows: rows}
		return nil
	}
	type plain ObservationsRecorded
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*e = ObservationsRecorded(p)
	return nil
}

// UnmarshalJSON reads c as encoding/json would, refusing unknown fields
// (commands are decoded strictly).
func (c *RecordObservations) UnmarshalJSON(b []byte) error {
	if ind, src, rows, ok := parseBatchJSON(b); ok {
		*c = RecordObservations{Indicator: ind, Source: src, Rows: rows}
		return nil
	}
	type plain RecordObservations
	var p plain
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return err
	}
	*c = RecordObservations(p)
	return nil
}

// batchParser reads the compact JSON that appendBatchJSON writes.
type batchParser struct {
	b      []byte
	i      int
	intern map[string]string
}

// parseBatchJSON parses {"indicator":..,"source":..,"rows":[..]} with
// keys in any order; ok is false for anything else.
func parseBatchJSON(b []byte) (indicator, source string, rows []ObservationRow, ok bool) {
	p := batchParser{b: b, intern: make(map[string]string, 64)}
	if !p.lit('{') {
		return "", "", nil, false
	}
	seen := 0
	for {
		key, ok := p.rawString()
		if !ok || !p.lit(':') {
			return "", "", nil, false
		}
		switch string(key) {
		case "indicator":
			if indicator, ok = p.str(false); !ok {
				return "", "", nil, false
			}
		case "source":
			if source, ok = p.str(false); !ok {
				return "", "", nil, false
			}
		case "rows":
			if rows, ok = p.rows(); !ok {
				return "", "", nil, false
			}
		default:
			return "", "", nil, false
		}
		seen++
		if p.lit(',') {
			continue
		}
		if !p.lit('}') || p.i != len(p.b) || seen != 3 {
			return "", "", nil, false
		}
		return indicator, source, rows, true
	}
}

func (p *batchParser) lit(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// rawString reads a string without escapes and returns its bytes.
func (p *batchParser) rawString() ([]byte, bool) {
	if !p.lit('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return nil, false // escapes and non-ASCII: leave them to encoding/json
		}
		p.i++
	}
	return nil, false
}

func (p *batchParser) str(intern bool) (string, bool) {
	raw, ok := p.rawString()
	if !ok {
		return "", false
	}
	if !intern {
		return string(raw), true
	}
	if s, ok := p.intern[string(raw)]; ok {
		return s, true
	}
	s := string(raw)
	p.intern[s] = s
	return s, true
}

func (p *batchParser) number() (float64, bool) {
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	s := p.b[start:p.i]
	if len(s) == 0 || !validJSONNumber(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(s), 64)
	return v, err == nil
}

// validJSONNumber reports whether s is a number in JSON's grammar
// (strconv accepts more: "+1", ".5", "1.", hex, "Inf").
func validJSONNumber(s []byte) bool {
	i := 0
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func (p *batchParser) rows() ([]ObservationRow, bool) {
	if p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return nil, true
	}
	if !p.lit('[') {
		return nil, false
	}
	// Every row opens one object (two or more with dimensions): counting
	// one byte is vectorised, counting "region" was 14% of a cold start.
	rows := make([]ObservationRow, 0, bytes.Count(p.b[p.i:], []byte{'{'}))
	if p.lit(']') {
		return rows, true
	}
	for {
		r, ok := p.row()
		if !ok {
			return nil, false
		}
		rows = append(rows, r)
		if p.lit(',') {
			continue
		}
		return rows, p.lit(']')
	}
}

func (p *batchParser) row() (ObservationRow, bool) {
	var r ObservationRow
	if !p.lit('{') {
		return r, false
	}
	var seen [4]bool
	for {
		key, ok := p.rawString()
		if !ok || !p.lit(':') {
			return r, false
		}
		var k int
		switch string(key) {
		case "region":
			k = 0
			r.Region, ok = p.str(true)
		case "period":
			k = 1
			r.Period, ok = p.str(true)
		case "value":
			k = 2
			r.Value, ok = p.number()
		case "dimensions":
			k = 3
			r.Dimensions, ok = p.dims()
		default:
			return r, false
		}
		if !ok || seen[k] {
			return r, false // a repeated key: encoding/json keeps the last; let it
		}
		seen[k] = true
		if p.lit(',') {
			continue
		}
		return r, p.lit('}')
	}
}

func (p *batchParser) dims() ([]Dimension, bool) {
	if p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return nil, true
	}
	if !p.lit('[') {
		return nil, false
	}
	dims := []Dimension{}
	if p.lit(']') {
		return dims, true
	}
	for {
		if !p.lit('{') {
			return nil, false
		}
		var d Dimension
		var seen [2]bool
		for {
			key, ok := p.rawString()
			if !ok || !p.lit(':') {
				return nil, false
			}
			var k int
			switch string(key) {
			case "key":
				k = 0
				d.Key, ok = p.str(true)
			case "value":
				k = 1
				d.Value, ok = p.str(true)
			default:
				return nil, false
			}
			if !ok || seen[k] {
				return nil, false
			}
			seen[k] = true
			if p.lit(',') {
				continue
			}
			if !p.lit('}') {
				return nil, false
			}
			break
		}
		dims = append(dims, d)
		if p.lit(',') {
			continue
		}
		return dims, p.lit(']')
	}
}
