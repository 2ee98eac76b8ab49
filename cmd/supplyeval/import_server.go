package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// serverTarget imports into a running server through GraphQL mutations,
// with the rows in variables.
type serverTarget struct {
	url    string
	token  string
	client *http.Client

	mu         sync.Mutex
	indicators map[string]domain.Granularity
	regions    map[string]bool
	cache      map[string]map[string]float64
}

func newServerTarget(ctx context.Context, base, token string) (*serverTarget, error) {
	u := strings.TrimRight(base, "/")
	if !strings.HasSuffix(u, "/graphql") {
		u += "/graphql"
	}
	s := &serverTarget{url: u, token: token, client: &http.Client{Timeout: 5 * time.Minute}}
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// gqlError is one GraphQL error with its code, field and, when the
// server gives them, its message key and arguments.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code        domain.Code `json:"code"`
		Field       string      `json:"field"`
		MessageKey  string      `json:"messageKey"`
		MessageArgs []any       `json:"messageArgs"`
	} `json:"extensions"`
}

// msg is the error's message as a message of the catalogue, when the
// server gave its key and the catalogue writes it in English as the
// server did (arguments that JSON cannot carry back, such as nested
// messages, leave it English only); else the zero Msg.
func (e gqlError) msg(message string) i18n.Msg {
	x := e.Extensions
	if x.MessageKey == "" || !i18n.EN.Has(x.MessageKey) {
		return i18n.Msg{}
	}
	args := make([]any, len(x.MessageArgs))
	for i, a := range x.MessageArgs {
		if f, ok := a.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			a = int(f)
		}
		args[i] = a
	}
	m := i18n.M(x.MessageKey, args...)
	if i18n.EN.Render(m) != message {
		return i18n.Msg{}
	}
	return m
}

// serverError names the server in err (see netCause).
func serverError(url string, err error) error { return errm("cli.err.server", url, netCause(err)) }

// netCause gives an error of an HTTP request the words of the catalogue
// when its cause is a usual one: the connection refused, no answer in
// time, a host name unknown. Its English stays the error's own.
func netCause(err error) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return alt{err, i18n.M("cli.err.server.refused")}
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return alt{err, i18n.M("cli.err.server.timeout")}
	case errors.As(err, &dns) && dns.IsNotFound:
		return alt{err, i18n.M("cli.err.server.dns", dns.Name)}
	}
	return err
}

// do posts one request and decodes its data into out. The first error
// comes back as a *domain.Error with the server's code.
func (s *serverTarget) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return serverError(s.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return serverError(s.url, err)
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return errm("cli.err.server.status", s.url, resp.StatusCode, b)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		code := e.Extensions.Code
		if code == "" {
			code = domain.Internal
		}
		message := strings.TrimPrefix(e.Message, e.Extensions.Field+": ")
		return &domain.Error{Code: code, Field: e.Extensions.Field, Message: message, Msg: e.msg(message)}
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func (s *serverTarget) refresh(ctx context.Context) error {
	var d struct {
		Indicators []struct {
			Code        string             `json:"code"`
			Granularity domain.Granularity `json:"granularity"`
		} `json:"indicators"`
		Regions []struct {
			Code string `json:"code"`
		} `json:"regions"`
	}
	if err := s.do(ctx, `{ indicators { code granularity } regions { code } }`, nil, &d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.indicators, s.regions, s.cache = map[string]domain.Granularity{}, map[string]bool{}, nil
	for _, i := range d.Indicators {
		s.indicators[i.Code] = i.Granularity
	}
	for _, r := range d.Regions {
		s.regions[r.Code] = true
	}
	return nil
}

func (s *serverTarget) Granularity(code string) (domain.Granularity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.indicators[code]
	return g, ok
}

func (s *serverTarget) RegionExists(code string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.regions[code]
}

// Value asks the server for the whole series once and caches it.
func (s *serverTarget) Value(indicator, region string, dims []domain.Dimension, period string) (float64, bool) {
	key := indicator + "\x00" + domain.SeriesKey(region, dims)
	s.mu.Lock()
	pts, ok := s.cache[key]
	s.mu.Unlock()
	if !ok {
		var d struct {
			Series *struct {
				Points []struct {
					Period string  `json:"period"`
					Value  float64 `json:"value"`
				} `json:"points"`
			} `json:"series"`
		}
		dv := make([]map[string]string, len(dims))
		for i, x := range dims {
			dv[i] = map[string]string{"key": x.Key, "value": x.Value}
		}
		pts = map[string]float64{}
		err := s.do(context.Background(), `query($i: ID!, $r: ID!, $d: [DimensionInput!]) { series(indicator: $i, region: $r, dimensions: $d) { points { period value } } }`,
			map[string]any{"i": indicator, "r": region, "d": dv}, &d)
		if err == nil && d.Series != nil {
			for _, p := range d.Series.Points {
				pts[p.Period] = p.Value
			}
		}
		s.mu.Lock()
		if s.cache == nil {
			s.cache = map[string]map[string]float64{}
		}
		s.cache[key] = pts
		s.mu.Unlock()
	}
	v, ok := pts[period]
	return v, ok
}

func (s *serverTarget) define(ctx context.Context, id string, cmd domain.Command) error {
	b, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	var input map[string]any
	if err := json.Unmarshal(b, &input); err != nil {
		return err
	}
	input["commandId"] = id
	name := cmd.CommandName()
	typ := strings.ToUpper(name[:1]) + name[1:] + "Input"
	return s.do(ctx, fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { position } }`, typ, name), map[string]any{"input": input}, nil)
}

func (s *serverTarget) record(ctx context.Context, id string, cmd domain.RecordObservations) (domain.Result, error) {
	rows := make([]map[string]any, len(cmd.Rows))
	for i, r := range cmd.Rows {
		row := map[string]any{"region": r.Region, "period": r.Period, "value": r.Value}
		if len(r.Dimensions) > 0 {
			row["dimensions"] = r.Dimensions
		}
		rows[i] = row
	}
	input := map[string]any{"indicator": cmd.Indicator, "source": cmd.Source, "commandId": id, "rows": rows}
	var d struct {
		R struct {
			Position  string `json:"position"`
			Duplicate bool   `json:"duplicate"`
		} `json:"recordObservations"`
	}
	if err := s.do(ctx, `mutation($input: RecordObservationsInput!) { recordObservations(input: $input) { position duplicate } }`, map[string]any{"input": input}, &d); err != nil {
		return domain.Result{}, err
	}
	pos, _ := strconv.ParseUint(d.R.Position, 10, 64)
	return domain.Result{Position: pos, Duplicate: d.R.Duplicate, Events: 1}, nil
}

func (s *serverTarget) Close() error { s.client.CloseIdleConnections(); return nil }
