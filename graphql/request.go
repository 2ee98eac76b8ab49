package graphql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/supplyeval/supplyeval/domain"
)

// maxJSONDepth bounds the nesting of a request's JSON.
const maxJSONDepth = 256

// checkJSON refuses, before the request is decoded, what encoding/json
// would accept silently or ambiguously: text that is not UTF-8 and \u
// escapes of lone UTF-16 surrogates (both would become U+FFFD and be
// recorded), a key given twice in one object (the last would win; at the
// top level, keys differing only in case count as the same, as
// encoding/json matches them so), numbers beyond the range of a float64
// (they would become infinite), nesting deeper than maxJSONDepth and
// anything after the JSON value. prefix names the value (""  for a
// request body, "variables" for the variables of a GET). Errors are
// BAD_INPUT naming the field at fault (variables.rows[3].source). What
// is merely malformed JSON is left to encoding/json to describe.
func checkJSON(raw []byte, prefix string) error {
	c := &jsonCheck{b: raw, foldTop: prefix == ""}
	if prefix != "" {
		c.path = append(c.path, pathSeg{key: []byte(prefix)})
	}
	if err := c.value(0); err != nil {
		return err
	}
	c.space()
	if c.i < len(c.b) {
		return domain.Invalidm(c.field(), "gql.err.json.trailing", len(c.b)-c.i, c.i)
	}
	return nil
}

// errMalformed stops the check at malformed JSON: encoding/json reports it.
var errMalformed = fmt.Errorf("malformed JSON")

type pathSeg struct {
	key   []byte // an object's key, or
	index int    // an array's index when key is nil
}

type jsonCheck struct {
	b    []byte
	i    int
	path []pathSeg
	// keys holds the keys of the objects being read, innermost last.
	keys [][]byte
	// foldTop compares the top-level keys regardless of case (a request
	// body's, which encoding/json matches so; not variables').
	foldTop bool
}

// field names the value at the current path, as variables.rows[3].value.
func (c *jsonCheck) field() string {
	var sb strings.Builder
	for _, s := range c.path {
		if s.key == nil {
			fmt.Fprintf(&sb, "[%d]", s.index)
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.Write(s.key)
	}
	if sb.Len() == 0 {
		return "request"
	}
	return sb.String()
}

func (c *jsonCheck) space() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

func (c *jsonCheck) value(depth int) error {
	if depth > maxJSONDepth {
		return domain.Invalidm(c.field(), "gql.err.json.depth", maxJSONDepth)
	}
	c.space()
	if c.i >= len(c.b) {
		return errMalformed
	}
	switch ch := c.b[c.i]; {
	case ch == '{':
		return c.object(depth)
	case ch == '[':
		return c.array(depth)
	case ch == '"':
		_, err := c.str()
		return err
	case ch == '-' || (ch >= '0' && ch <= '9'):
		return c.number()
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(c.b[c.i:], []byte(lit)) {
				c.i += len(lit)
				return nil
			}
		}
		return errMalformed
	}
}

func (c *jsonCheck) object(depth int) error {
	c.i++ // {
	base := len(c.keys)
	defer func() { c.keys = c.keys[:base] }()
	c.space()
	if c.i < len(c.b) && c.b[c.i] == '}' {
		c.i++
		return nil
	}
	for {
		c.space()
		if c.i >= len(c.b) || c.b[c.i] != '"' {
			return errMalformed
		}
		key, err := c.str()
		if err != nil {
			return err
		}
		for _, k := range c.keys[base:] {
			if bytes.Equal(k, key) || (depth == 0 && c.foldTop && bytes.EqualFold(k, key)) {
				c.path = append(c.path, pathSeg{key: key})
				return domain.Invalidm(c.field(), "gql.err.json.key.twice", key)
			}
		}
		c.keys = append(c.keys, key)
		c.space()
		if c.i >= len(c.b) || c.b[c.i] != ':' {
			return errMalformed
		}
		c.i++
		c.path = append(c.path, pathSeg{key: key})
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
		c.space()
		if c.i >= len(c.b) {
			return errMalformed
		}
		switch c.b[c.i] {
		case ',':
			c.i++
		case '}':
			c.i++
			return nil
		default:
			return errMalformed
		}
	}
}

func (c *jsonCheck) array(depth int) error {
	c.i++ // [
	c.space()
	if c.i < len(c.b) && c.b[c.i] == ']' {
		c.i++
		return nil
	}
	for n := 0; ; n++ {
		c.path = append(c.path, pathSeg{index: n})
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
		c.space()
		if c.i >= len(c.b) {
			return errMalformed
		}
		switch c.b[c.i] {
		case ',':
			c.i++
		case ']':
			c.i++
			return nil
		default:
			return errMalformed
		}
	}
}

// str checks the string at c.i and returns it (decoded only when it holds
// escapes, as a key needs; otherwise a slice of the request).
func (c *jsonCheck) str() ([]byte, error) {
	start := c.i
	c.i++ // "
	escaped := false
	for c.i < len(c.b) {
		ch := c.b[c.i]
		switch {
		case ch == '"':
			c.i++
			raw := c.b[start:c.i]
			if !escaped {
				return raw[1 : len(raw)-1 : len(raw)-1], nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, errMalformed
			}
			return []byte(s), nil
		case ch == '\\':
			escaped = true
			if c.i+1 >= len(c.b) {
				return nil, errMalformed
			}
			if c.b[c.i+1] != 'u' {
				c.i += 2
				continue
			}
			r, ok := c.hex4(c.i + 2)
			if !ok {
				return nil, errMalformed
			}
			switch {
			case r >= 0xDC00 && r <= 0xDFFF:
				return nil, domain.Invalidm(c.field(), "gql.err.json.surrogate.first", r)
			case r >= 0xD800 && r <= 0xDBFF:
				lo, ok := rune(0), false
				if c.i+11 < len(c.b) && c.b[c.i+6] == '\\' && c.b[c.i+7] == 'u' {
					lo, ok = c.hex4(c.i + 8)
				}
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return nil, domain.Invalidm(c.field(), "gql.err.json.surrogate.second", r)
				}
				c.i += 12
			default:
				c.i += 6
			}
		case ch < utf8.RuneSelf:
			c.i++
		default:
			r, size := utf8.DecodeRune(c.b[c.i:])
			if r == utf8.RuneError && size == 1 {
				return nil, domain.Invalidm(c.field(), "gql.err.json.utf8", c.b[c.i], c.i)
			}
			c.i += size
		}
	}
	return nil, errMalformed
}

// hex4 reads four hexadecimal digits at i.
func (c *jsonCheck) hex4(i int) (rune, bool) {
	if i+4 > len(c.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(c.b[i:i+4]), 16, 32)
	return rune(n), err == nil
}

// number checks that the number at c.i is within the range of a float64.
func (c *jsonCheck) number() error {
	start := c.i
	exp := false
	for c.i < len(c.b) {
		ch := c.b[c.i]
		if ch == 'e' || ch == 'E' {
			exp = true
		} else if !(ch >= '0' && ch <= '9' || ch == '-' || ch == '+' || ch == '.') {
			break
		}
		c.i++
	}
	// Without an exponent, up to 308 digits are within range.
	if !exp && c.i-start <= 300 {
		return nil
	}
	text := string(c.b[start:c.i])
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return errMalformed
	}
	if math.IsInf(f, 0) {
		return domain.Invalidm(c.field(), "gql.err.json.number", text)
	}
	return nil
}

// checkQueryText refuses what the GraphQL lexer would replace silently:
// text that is not UTF-8 (from a GET), and \u escapes of UTF-16 surrogate
// halves in a string literal (graphql-go turns them into U+FFFD).
// Comments and block strings (which have no \u escapes) are skipped;
// malformed documents are left to the parser to describe.
func checkQueryText(q string) error {
	if !utf8.ValidString(q) {
		return domain.Invalidm("query", "gql.err.query.utf8")
	}
	if !strings.Contains(q, `\u`) {
		return nil
	}
	for i := 0; i < len(q); {
		switch {
		case q[i] == '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case strings.HasPrefix(q[i:], `"""`):
			i += 3
			for i < len(q) && !strings.HasPrefix(q[i:], `"""`) {
				if strings.HasPrefix(q[i:], `\"""`) {
					i += 4
					continue
				}
				i++
			}
			i += 3
		case q[i] == '"':
			start := i
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] != '\\' || i+1 >= len(q) {
					continue
				}
				i++ // the escaped character
				if q[i] != 'u' || i+5 > len(q) {
					continue
				}
				n, err := strconv.ParseUint(q[i+1:i+5], 16, 32)
				if err == nil && n >= 0xD800 && n <= 0xDFFF {
					end := min(len(q), i+5)
					return domain.Invalidm("query", "gql.err.query.surrogate", q[start:end], n)
				}
			}
			i++
		default:
			i++
		}
	}
	return nil
}
