package main

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"
)

// correlationHeader carries a request's ID: the client's if it sent one
// (128 bytes at most), else a new one; the answer carries it back.
const correlationHeader = "X-Correlation-Id"

// withRequestLog gives every request a logger that stamps each of its
// lines with the request's correlation ID (zerolog's hlog; handlers log
// through zerolog.Ctx(r.Context())), and writes one access-log line per
// request with its method, path, status, size and duration.
func withRequestLog(log zerolog.Logger, next http.Handler) http.Handler {
	access := hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		hlog.FromRequest(r).Info().Str("method", r.Method).Str("path", r.URL.Path).Int("status", status).
			Int("bytes", size).Float64("duration_ms", float64(d.Microseconds())/1000).Msg("request")
	})
	correlate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(correlationHeader)
			if id == "" || len(id) > 128 {
				id = uuid.NewString()
				r.Header.Set(correlationHeader, id)
			}
			w.Header().Set(correlationHeader, id)
			l := zerolog.Ctx(r.Context())
			l.UpdateContext(func(c zerolog.Context) zerolog.Context { return c.Str("correlation_id", id) })
			next.ServeHTTP(w, r)
		})
	}
	return hlog.NewHandler(log.With().Str("component", "http").Logger())(correlate(access(next)))
}
